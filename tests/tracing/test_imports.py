"""Reading lists of the missing: CSV and XLSX with an office's own headers, PFIF 1.4 in and out."""

import datetime as dt
import io

import pytest

from muster.tracing import imports
from muster.tracing.imports import FileRefused, read_csv, read_pfif, read_xlsx, write_pfif

GOOD = (
    "record_id,given_name,father_name,mother_name,sex,birth_year,separation_date,separation_place\n"
    "k-1,Nadia,Khalaf,Gulistan,F,2005,2014-08-15,Kocho\n"
    "k-2,Dilshad,Murad,Shirin,M,2008,2014-08-03,Tel Ezer\n"
)


def test_a_clean_csv_gives_every_row_checked():
    parsed = read_csv(GOOD.encode())
    assert parsed.errors == [] and parsed.total == 2
    first = parsed.rows[0]
    assert first.row == 2
    assert first.values["given_name"] == "Nadia" and first.values["birth_year"] == 2005
    assert first.values["separation_date"] == dt.date(2014, 8, 15)
    assert first.values["source_ref"] == "k-1"


def test_bad_rows_are_reported_with_their_row_and_field_and_the_good_ones_kept():
    text = (
        "record_id,given_name,sex,birth_year,age_at_separation,separation_date\n"
        "a,Nadia,F,2005,,\n"
        "b,Layla,F,20x5,,\n"
        "c,,F,2006,,\n"
        "d,Sara,Q,2006,9,\n"
        "e,Vian,F,2004,,2014-02-30\n"
        "a,Nadia again,F,2005,,\n"
    )
    parsed = read_csv(text.encode())
    assert [r.values["source_ref"] for r in parsed.rows] == ["a"]
    messages = [str(e) for e in parsed.errors]
    assert "row 3: birth_year: '20x5' is not a year (four digits, e.g. 2005)" in messages
    assert any(m.startswith("row 4: given_name:") for m in messages)
    assert any(m.startswith("row 5: sex:") for m in messages)
    assert any(
        m.startswith("row 5: separation_date: needed with age_at_separation") for m in messages
    )
    assert any(m.startswith("row 6: separation_date:") for m in messages)
    assert any(e.row == 7 and e.code == "duplicate_in_file" for e in parsed.errors)
    assert {e.code for e in parsed.errors if e.row == 3} == {"invalid_year"}


def test_semicolons_a_byte_order_mark_and_header_variants_are_read():
    text = (
        "\ufeffCase No.;First name;Father's name;Mother;Gender;Year of birth;Date taken;Village;Phone\n"
        "77;Nadia;Khalaf;Gulistan;female;2005;15/08/2014;Kocho;0750 123 4567\n"
    )
    parsed = read_csv(text.encode())
    assert parsed.errors == []
    values = parsed.rows[0].values
    assert values["source_ref"] == "77" and values["father_name"] == "Khalaf"
    assert values["mother_name"] == "Gulistan" and values["sex"] == "F"
    assert values["separation_date"] == dt.date(2014, 8, 15)
    assert values["separation_place"] == "Kocho"
    assert values["requester_contact"] == "0750 123 4567"


def test_arabic_headers_and_arabic_answers():
    text = (
        "الرقم,الاسم,اسم الأب,اسم الأم,الجنس,سنة الميلاد,طفل,تاريخ الفقدان,مكان الفقدان\n"
        "ع-١,نادية,خلف,گلستان,أنثى,٢٠٠٥,نعم,٢٠١٤-٠٨-١٥,كوجو\n"
        "ع-٢,دلشاد,مراد,شيرين,ذكر,2008,لا,,\n"
    )
    parsed = read_csv(text.encode())
    assert parsed.errors == []
    nadia, dilshad = (r.values for r in parsed.rows)
    assert nadia["given_name"] == "نادية" and nadia["mother_name"] == "گلستان"
    assert nadia["sex"] == "F" and nadia["birth_year"] == 2005 and nadia["is_child"] is True
    assert nadia["separation_date"] == dt.date(2014, 8, 15)
    assert dilshad["sex"] == "M" and dilshad["is_child"] is False


def test_kurdish_headers_are_read():
    text = "ناو,ناوی باوک,ناوی دایک,ڕەگەز,ساڵی لەدایکبوون\nنادیە,خەلەف,گوڵستان,مێ,2005\n"
    parsed = read_csv(text.encode())
    assert parsed.errors == []
    assert parsed.rows[0].values["mother_name"] == "گوڵستان"
    assert parsed.rows[0].values["sex"] == "F"


def test_an_unknown_column_is_left_out_with_a_warning_and_a_missing_name_column_refuses_the_file():
    parsed = read_csv(b"given_name,shoe size\nNadia,36\n")
    assert parsed.rows[0].values["given_name"] == "Nadia"
    assert any("shoe size" in w for w in parsed.warnings)
    with pytest.raises(FileRefused, match="given_name"):
        read_csv(b"family_name,sex\nMurad,F\n")
    with pytest.raises(FileRefused, match="named twice"):
        read_csv(b"given_name,first name\nNadia,Nadia\n")


def test_a_file_that_is_not_utf8_or_is_empty_is_refused_in_one_line():
    with pytest.raises(FileRefused, match="not UTF-8"):
        read_csv("given_name\nNadia\n".encode("utf-16"))
    with pytest.raises(FileRefused, match="empty"):
        read_csv(b"")


def test_a_file_saved_as_utf16_without_its_mark_is_named_so_not_read_as_columns():
    with pytest.raises(FileRefused) as caught:
        read_csv("given_name,mother_name\nNadia,Gulistan\n".encode("utf-16-le"))
    assert str(caught.value) == (
        "the file is not UTF-8 text: it looks like UTF-16; save it as CSV UTF-8"
    )


def test_a_row_without_a_reference_gets_the_same_one_each_time():
    text = b"given_name,mother_name\nNadia,Gulistan\nLayla,Gulistan\n"
    first, again = read_csv(text), read_csv(text)
    refs = [r.values["source_ref"] for r in first.rows]
    assert refs == [r.values["source_ref"] for r in again.rows]
    assert len(set(refs)) == 2 and all(ref.startswith("row-") for ref in refs)


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_dates_and_numbers_as_a_spreadsheet_stores_them():
    data = _xlsx([
        ["Reference", "Given name", "Mother's name", "Sex", "Birth year", "Separation date", "Age"],
        ["x1", "Nadia", "Gulistan", "F", 2005, dt.datetime(2014, 8, 15), 9],
        ["x2", "Layla", "Gulistan", "F", "not a year", None, None],
        [None, None, None, None, None, None, None],
    ])  # fmt: skip
    parsed = read_xlsx(data)
    assert parsed.total == 2
    assert parsed.rows[0].values["birth_year"] == 2005
    assert parsed.rows[0].values["age_at_separation"] == 9
    assert parsed.rows[0].values["separation_date"] == dt.date(2014, 8, 15)
    assert [str(e) for e in parsed.errors] == [
        "row 3: birth_year: 'not a year' is not a year (four digits, e.g. 2005)"
    ]


def test_xlsx_of_thousands_of_names_is_read():
    rows = [["given_name", "family_name", "birth_year"]]
    rows += [[f"Name{i}", "Murad", 1990 + i % 20] for i in range(3000)]
    parsed = read_xlsx(_xlsx(rows))
    assert parsed.total == 3000 and len(parsed.rows) == 3000 and not parsed.errors


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(FileRefused, match="XLSX"):
        read_xlsx(b"PK\x03\x04 not really a zip")


PFIF = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>example.org/p1</pfif:person_record_id>
    <pfif:entry_date>2019-03-20T10:00:00Z</pfif:entry_date>
    <pfif:author_name>Gulistan Murad</pfif:author_name>
    <pfif:author_phone>+964 750 000 0000</pfif:author_phone>
    <pfif:source_name>Dohuk office</pfif:source_name>
    <pfif:source_date>2019-03-20T10:00:00Z</pfif:source_date>
    <pfif:full_name>Nadia Khalaf Murad</pfif:full_name>
    <pfif:alternate_names>Aisha\nعائشة</pfif:alternate_names>
    <pfif:description>Mother: Gulistan\nSeparated on: 2014-08-15\nScar on the left hand</pfif:description>
    <pfif:sex>female</pfif:sex>
    <pfif:age>13-15</pfif:age>
    <pfif:home_city>Kocho</pfif:home_city>
    <pfif:home_country>IQ</pfif:home_country>
    <pfif:photo_url>https://example.org/p1.jpg</pfif:photo_url>
    <pfif:note>
      <pfif:note_record_id>example.org/n1</pfif:note_record_id>
      <pfif:author_name>Gulistan Murad</pfif:author_name>
      <pfif:source_date>2019-03-20T10:00:00Z</pfif:source_date>
      <pfif:status>believed_missing</pfif:status>
      <pfif:text>Taken with her sister.</pfif:text>
    </pfif:note>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>example.org/p2</pfif:person_record_id>
    <pfif:given_name>Dilshad</pfif:given_name>
    <pfif:family_name>Murad</pfif:family_name>
    <pfif:date_of_birth>2008-01-01</pfif:date_of_birth>
    <pfif:sex>male</pfif:sex>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>example.org/p3</pfif:person_record_id>
    <pfif:given_name>Vian</pfif:given_name>
    <pfif:date_of_birth>two thousand</pfif:date_of_birth>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>example.org/n2</pfif:note_record_id>
    <pfif:person_record_id>example.org/p2</pfif:person_record_id>
    <pfif:author_name>Murad Khalaf</pfif:author_name>
    <pfif:author_email>murad@example.org</pfif:author_email>
    <pfif:source_date>2019-04-01T00:00:00Z</pfif:source_date>
    <pfif:status>information_sought</pfif:status>
    <pfif:text>Looking for my son.</pfif:text>
  </pfif:note>
</pfif:pfif>
"""


def test_pfif_persons_and_notes_become_request_rows():
    parsed = read_pfif(PFIF.encode())
    assert parsed.total == 3
    nadia, dilshad = (r.values for r in parsed.rows)
    assert nadia["source_ref"] == "example.org/p1"
    assert (nadia["given_name"], nadia["father_name"], nadia["family_name"]) == (
        "Nadia",
        "Khalaf",
        "Murad",
    )
    assert nadia["other_names"] == "Aisha; عائشة"
    assert nadia["sex"] == "F" and nadia["birth_year"] == 2005  # 14 in 2019
    assert nadia["mother_name"] == "Gulistan" and nadia["separation_date"] == dt.date(2014, 8, 15)
    assert nadia["distinguishing_marks"] == "Scar on the left hand"
    assert nadia["separation_place"] == "Kocho" and nadia["office"] == "Dohuk office"
    assert nadia["requester_name"] == "Gulistan Murad"
    assert nadia["requester_contact"] == "+964 750 000 0000"
    assert "believed_missing: Taken with her sister." in nadia["notes"]
    assert "https://example.org/p1.jpg" in nadia["notes"]
    assert dilshad["birth_year"] == 2008
    assert dilshad["requester_name"] == "Murad Khalaf"
    assert dilshad["requester_contact"] == "murad@example.org"
    assert "Looking for my son." in dilshad["notes"]
    assert [str(e) for e in parsed.errors] == [
        "row 3: birth_year: 'two thousand' is not a year (four digits, e.g. 2005)"
    ]


def test_pfif_round_trip_keeps_every_request_field():
    request = {
        "number": "TR-000123",
        "status": "open",
        "source": "manual",
        "source_ref": "",
        "given_name": "نادية",
        "father_name": "Khalaf",
        "grandfather_name": "Murad",
        "family_name": "Taha",
        "mother_name": "Gulistan",
        "other_names": "Aisha; Amina",
        "sex": "F",
        "birth_year": 2005,
        "age_at_separation": 9,
        "separation_date": dt.date(2014, 8, 15),
        "separation_place": "Kocho",
        "separation_pcode": "IQ-G05-D0035",
        "distinguishing_marks": "Scar on the left hand",
        "is_child": True,
        "requester_name": "Gulistan Murad",
        "requester_relationship": "mother",
        "requester_contact": "+964 750 000 0000",
        "office": "Dohuk office",
        "notes": "Taken with her sister.",
    }
    xml = write_pfif([request], domain="muster.example.org")
    assert (
        b"http://zesty.ca/pfif/1.4" in xml
        and b"<pfif:person_record_id>muster.example.org/TR-000123" in xml
    )
    parsed = read_pfif(xml)
    assert parsed.errors == []
    back = parsed.rows[0].values
    assert back.pop("source_ref") == "muster.example.org/TR-000123"
    for field, value in request.items():
        if field in back:
            assert back[field] == value, field
    assert set(imports.FIELDS) - set(back) == {"source_ref"}


def test_pfif_export_leaves_contacts_out_unless_asked():
    request = {"number": "TR-1", "given_name": "Nadia", "requester_name": "Gulistan",
               "requester_contact": "+964 750 000 0000"}  # fmt: skip
    xml = write_pfif([request], domain="d", include_contacts=False)
    assert b"Gulistan" not in xml and b"750" not in xml


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person><pfif:given_name>&lol2;</pfif:given_name>
</pfif:person></pfif:pfif>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person><pfif:given_name>&xxe;</pfif:given_name>
</pfif:person></pfif:pfif>"""


@pytest.mark.parametrize("data", [BOMB, XXE], ids=["bomb", "xxe"])
def test_xml_bombs_and_external_entities_are_refused(data):
    with pytest.raises(FileRefused, match="refused for safety") as caught:
        read_pfif(data)
    assert caught.value.code == "unsafe_xml"


def test_malformed_xml_or_another_format_is_refused():
    with pytest.raises(FileRefused, match="not well-formed"):
        read_pfif(b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>")
    with pytest.raises(FileRefused, match="not a PFIF file"):
        read_pfif(b"<CONSOLIDATED_LIST/>")


def test_the_format_is_told_by_name_and_content():
    assert imports.detect_format("list.csv", b"given_name") == "csv"
    assert imports.detect_format("list.xlsx", b"PK\x03\x04") == "xlsx"
    assert imports.detect_format("export", b"<?xml ") == "pfif"
    assert imports.detect_format("list.docx", b"\xd0\xcf") is None

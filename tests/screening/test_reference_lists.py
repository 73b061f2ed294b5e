"""Reference lists: CSV, XLSX and UN XML imports, row-level errors, versions, and list hits."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from muster.screening import imports, tasks
from muster.screening import services as screening
from muster.screening.models import Hit, ReferenceEntry, ReferenceList

HEADER = "record_id,source,given_name,father_name,grandfather_name,family_name,mother_name,alias,sex,date_of_birth,birth_year,place_of_origin,nationality"
ARABIC_ROW = "L-1,,إبراهيم,عواد,إبراهيم,البدري,,أبو دعاء,M,1971-07-28,,سامراء,IRQ"
LATIN_ROW = "L-2,,Abdul Rahman,Mustafa,,al-Qaduli,,,M,,1957,Tal Afar,IRQ"


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def do_import(officer, data, name="Wanted list", day="2026-11-01", **kwargs):
    return imports.import_reference_list(
        data,
        name=name,
        owner="Ministry of Interior",
        legal_basis="Decree 12/2019",
        list_date=day,
        by=officer,
        **kwargs,
    )


def test_csv_list_is_imported_with_name_owner_basis_and_date(officer):
    result = do_import(officer, csv_bytes(ARABIC_ROW, LATIN_ROW), file_name="wanted.csv")
    ref = result.reference_list
    assert (ref.name, ref.owner, ref.legal_basis, ref.list_date) == (
        "Wanted list",
        "Ministry of Interior",
        "Decree 12/2019",
        date(2026, 11, 1),
    )
    assert ref.entry_count == 2 and ref.version == 1 and ref.is_current
    assert ReferenceEntry.objects.get(ref_id="L-1").given_name == "إبراهيم"  # stored as written


def test_a_file_with_errors_is_refused_whole_with_row_and_field(officer):
    bad = csv_bytes(ARABIC_ROW, "L-2,,Omar,,,,,,Q,,,,IRQ", "L-3,,Ali,,,,,,M,1985-13-02,,,")
    with pytest.raises(imports.ImportRefused) as exc:
        do_import(officer, bad)
    messages = exc.value.message_dict["file"]
    assert any(m.startswith("row 3, sex") for m in messages)
    assert any(m.startswith("row 4, date_of_birth") and "1985-13-02" in m for m in messages)
    assert not ReferenceList.objects.exists() and not ReferenceEntry.objects.exists()


def test_bad_rows_can_be_skipped_when_asked(officer):
    bad = csv_bytes(ARABIC_ROW, "L-2,,Omar,,,,,,Q,,,,IRQ")
    result = do_import(officer, bad, skip_bad_rows=True)
    assert result.imported == 1
    assert [(e.row, e.field) for e in result.skipped] == [(3, "sex")]


def test_a_newer_version_replaces_the_list_and_keeps_the_old_one(officer):
    first = do_import(officer, csv_bytes(ARABIC_ROW)).reference_list
    second = do_import(officer, csv_bytes(LATIN_ROW), day="2026-11-20").reference_list
    first.refresh_from_db()
    assert not first.is_current and first.superseded_at is not None
    assert second.is_current and second.version == 2
    assert first.entries.count() == 1  # history kept
    with pytest.raises(ValidationError) as exc:
        do_import(officer, csv_bytes(ARABIC_ROW), day="2026-10-01")
    assert "list_date" in exc.value.message_dict


def test_xlsx_list_with_the_same_columns(officer):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(
        ["X-1", "", "Omar", "Khalid", "", "al-Jabouri", "", "", "M", None, 1980, "", "SYR"]
    )
    sheet.append(["X-2", "", "Ali", "", "", "", "", "", "M", "not a date", None, "", ""])
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(imports.ImportRefused) as exc:
        do_import(officer, buf.getvalue(), file_name="list.xlsx")
    assert exc.value.message_dict["file"][0].startswith("row 3, date_of_birth")
    result = do_import(officer, buf.getvalue(), file_name="list.xlsx", skip_bad_rows=True)
    entry = result.reference_list.entries.get()
    assert entry.birth_year == "1980" and entry.nationality == "SYR"


UN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-11-01T00:00:00">
 <INDIVIDUALS>
  <INDIVIDUAL>
   <DATAID>6908555</DATAID>
   <FIRST_NAME>IBRAHIM</FIRST_NAME><SECOND_NAME>AWWAD</SECOND_NAME>
   <THIRD_NAME>IBRAHIM</THIRD_NAME><FOURTH_NAME>AL-BADRI</FOURTH_NAME>
   <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.299</REFERENCE_NUMBER>
   <LISTED_ON>2011-10-05</LISTED_ON>
   <NAME_ORIGINAL_SCRIPT>ابراهيم عواد ابراهيم البدري</NAME_ORIGINAL_SCRIPT>
   <GENDER>Male</GENDER>
   <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
   <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Duaa</ALIAS_NAME></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Ibrahim Awad Ibrahim al-Samarrai</ALIAS_NAME></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1971-07-28</DATE></INDIVIDUAL_DATE_OF_BIRTH>
   <INDIVIDUAL_PLACE_OF_BIRTH><CITY>Samarra</CITY><COUNTRY>Iraq</COUNTRY></INDIVIDUAL_PLACE_OF_BIRTH>
  </INDIVIDUAL>
  <INDIVIDUAL>
   <DATAID>6908556</DATAID>
   <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.300</REFERENCE_NUMBER>
  </INDIVIDUAL>
 </INDIVIDUALS>
 <ENTITIES/>
</CONSOLIDATED_LIST>
"""


def test_un_consolidated_list_names_aliases_and_dates(officer):
    with pytest.raises(imports.ImportRefused) as exc:
        do_import(officer, UN_XML.encode(), name="UNSC 1267", file_name="consolidated.xml")
    assert exc.value.message_dict["file"] == ["row 2, FIRST_NAME: individual QDi.300 has no name"]
    result = do_import(
        officer, UN_XML.encode(), name="UNSC 1267", file_name="consolidated.xml", skip_bad_rows=True
    )
    ref = result.reference_list
    assert ref.source_format == "un_xml" and ref.entry_count == 1
    kinds = dict(ref.entries.values_list("name_kind", "given_name"))
    assert kinds == {"primary": "IBRAHIM", "original_script": "ابراهيم", "alias": "Ibrahim"}
    primary = ref.entries.get(name_kind="primary")
    assert (primary.date_of_birth, primary.nationality, primary.sex) == ("1971-07-28", "IRQ", "M")
    assert primary.alias == "Abu Duaa"
    assert primary.extra["listed_on"] == "2011-10-05"


def test_xml_with_an_external_entity_is_refused(officer, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    evil = f"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY x SYSTEM "file://{secret}">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>Q1</REFERENCE_NUMBER>
<FIRST_NAME>&x;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""
    with pytest.raises(imports.ImportRefused) as exc:
        do_import(officer, evil.encode(), file_name="evil.xml", skip_bad_rows=True)
    assert "DTD" in exc.value.message_dict["file"][0]
    assert not ReferenceEntry.objects.exists()


# -- list hits across scripts ---------------------------------------------------------------------


def test_arabic_script_list_entry_is_found_for_a_latin_registration(officer, register):
    do_import(officer, csv_bytes(ARABIC_ROW))
    person = register(
        [
            {
                "given_name": "Ibrahim",
                "father_name": "Awad",
                "grandfather_name": "Ibrahim",
                "family_name": "al-Badri",
                "sex": "M",
                "date_of_birth": "1971-07-28",
                "nationality": "IRQ",
            }
        ]  # fmt: skip
    ).members.get()
    hit = Hit.objects.get(kind=Hit.Kind.REFERENCE_LIST)
    assert hit.person == person and hit.reference_entry.ref_id == "L-1"
    assert hit.band == Hit.Band.LIKELY
    assert hit.explanation["given_name"]["level"] in {"transliteration", "arabic_script_equivalent"}
    assert hit.explanation["date_of_birth"]["level"] == "exact"


def test_latin_list_entry_is_found_for_an_arabic_registration(officer, register):
    do_import(officer, csv_bytes(LATIN_ROW))
    person = register(
        [
            {
                "given_name": "عبد الرحمن",
                "father_name": "مصطفى",
                "family_name": "القادولي",
                "sex": "M",
                "birth_year": "1957",
                "nationality": "IRQ",
            }
        ]  # fmt: skip
    ).members.get()
    hit = Hit.objects.get(kind=Hit.Kind.REFERENCE_LIST)
    assert hit.person == person and hit.reference_entry.ref_id == "L-2"
    assert hit.explanation["given_name"]["level"] != "disagree"


def test_batch_rescreen_after_a_list_import_finds_people_already_registered(officer, register):
    person = register(
        [
            {
                "given_name": "Ibrahim",
                "father_name": "Awwad",
                "family_name": "al-Badri",
                "sex": "M",
                "date_of_birth": "1971-07-28",
                "nationality": "IRQ",
            }
        ]  # fmt: skip
    ).members.get()
    assert not Hit.objects.exists()
    do_import(officer, csv_bytes(ARABIC_ROW))
    run = tasks.start_batch_rescreen(by=officer, reason="Wanted list v1")
    run = screening.run_batch_rescreen(run.pk)
    assert (run.status, run.done, run.total, run.hits_created) == ("done", 1, 1, 1)
    assert Hit.objects.get().person == person


def test_confirmed_list_hit_is_a_basis_for_held(officer, second_officer, register, web_as):
    do_import(officer, csv_bytes(ARABIC_ROW))
    person = register(
        [
            {
                "given_name": "Ibrahim",
                "father_name": "Awad",
                "family_name": "al-Badri",
                "sex": "M",
                "date_of_birth": "1971-07-28",
                "nationality": "IRQ",
            }
        ]  # fmt: skip
    ).members.get()
    hit = Hit.objects.get()
    with pytest.raises(ValidationError) as exc:
        screening.decide_category(person, "held", reason="listed", basis_hit=hit, by=officer)
    assert "basis_hit" in exc.value.message_dict  # not confirmed yet
    screening.adjudicate(hit, "confirm", reason="photo and date of birth match", by=officer)
    proposal = screening.decide_category(person, "held", reason="listed", basis_hit=hit, by=officer)
    screening.approve_category(proposal, by=second_officer)
    assert screening.current_category(person).category == "held"
    # Held now: the hit's page offers no second proposal (it said "approved on —" when tried).
    _, client = web_as("screening_officer")
    page = client.get(f"/screening/hits/{hit.pk}/")
    assert page.status_code == 200 and "Propose category" not in page.content.decode()


def test_a_list_saved_as_utf16_is_refused_in_words_without_its_zero_bytes(web_as):
    # No byte-order mark: the zero bytes decode as UTF-8, and the header came back as unknown
    # columns full of NUL characters.
    _, client = web_as("screening_officer")
    data = csv_bytes(LATIN_ROW).decode().encode("utf-16-le")
    upload = SimpleUploadedFile("wanted.csv", data, content_type="text/csv")
    body = {"file": upload, "name": "Wanted", "owner": "MoI", "legal_basis": "Decree 12/2019"}
    page = client.post("/screening/lists/", {**body, "list_date": "2026-11-01"})
    text = page.content.decode()
    assert "the file is not UTF-8 text: it looks like UTF-16; save it as CSV UTF-8" in text
    assert "\x00" not in text and "unknown column" not in text
    assert not ReferenceList.objects.exists()


def test_a_list_saved_by_excel_with_semicolons_and_a_bom_is_read_by_its_columns(web_as):
    # Excel in an Arabic, French or German locale writes ';' between the columns (and a BOM);
    # the header came back as one unknown column 'record_id;source;given_name;…'.
    _, client = web_as("screening_officer")
    rows = [HEADER, ARABIC_ROW, "L-2;;Abdul Rahman;Mustafa;;al-Qaduli;;;M;;1957;Tal Afar;IRQ"]
    text = "\r\n".join([rows[0].replace(",", ";"), rows[1].replace(",", ";"), rows[2]]) + "\r\n"
    upload = SimpleUploadedFile("wanted.csv", text.encode("utf-8-sig"), content_type="text/csv")
    body = {"file": upload, "name": "Wanted", "owner": "MoI", "legal_basis": "Decree 12/2019"}
    page = client.post("/screening/lists/", {**body, "list_date": "2026-11-01"})
    assert page.status_code == 302, page.content.decode()[-3000:]
    ref = ReferenceList.objects.get()
    assert ref.entry_count == 2
    assert ReferenceEntry.objects.get(ref_id="L-1").family_name == "البدري"
    assert ReferenceEntry.objects.get(ref_id="L-2").birth_year == "1957"


def test_dates_written_day_first_are_read_in_the_order_the_lists_own_dates_show(web_as):
    # 25/12/1990 can only be day first; the page refused both rows, saying no date in the file
    # said which, and told the officer to use a command-line option.
    _, client = web_as("screening_officer")
    data = csv_bytes(
        "L-1,,Ali,Hassan,,Alobaidi,,,M,25/12/1990,,,IRQ",
        "L-2,,Omar,Hassan,,Alobaidi,,,M,01/03/1979,,,IRQ",
    )
    upload = SimpleUploadedFile("wanted.csv", data, content_type="text/csv")
    body = {"file": upload, "name": "Wanted", "owner": "MoI", "legal_basis": "Decree 12/2019"}
    page = client.post("/screening/lists/", {**body, "list_date": "2026-11-01"})
    assert page.status_code == 302, page.content.decode()[-3000:]
    entries = {e.ref_id: e.date_of_birth for e in ReferenceEntry.objects.all()}
    assert entries == {"L-1": "1990-12-25", "L-2": "1979-03-01"}


def test_a_list_writing_its_dates_both_ways_is_refused_naming_the_rows(web_as):
    _, client = web_as("screening_officer")
    data = csv_bytes(
        "L-1,,Ali,Hassan,,Alobaidi,,,M,25/12/1990,,,IRQ",
        "L-2,,Omar,Hassan,,Alobaidi,,,M,12/25/1979,,,IRQ",
    )
    upload = SimpleUploadedFile("wanted.csv", data, content_type="text/csv")
    body = {"file": upload, "name": "Wanted", "owner": "MoI", "legal_basis": "Decree 12/2019"}
    page = client.post("/screening/lists/", {**body, "list_date": "2026-11-01"})
    text = page.content.decode()
    assert "row 3, date_of_birth" in text and "one file must write its dates one way" in text
    assert not ReferenceList.objects.exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ar", "يبدأ باليوم أو بالشهر، ولا يوجد في الملف تاريخ يبيّن أيهما"),
        ("ckb", "بە ڕۆژ یان مانگ دەست پێدەکات"),
        ("kmr", "bi rojê an bi mehê dest pê dike"),
    ],
)
def test_an_ambiguous_date_is_refused_in_the_pages_language_saying_what_to_do_on_the_page(
    web_as, lang, said
):
    # 03/05/1990 with no date over 12 to say which: the page said, in English whatever the
    # language, "give the order (muster match --dates dmy or mdy)", an option of a command the
    # officer in the browser has no way to give.
    _, client = web_as("screening_officer")
    client.post("/i18n/setlang/", {"language": lang, "next": "/"})
    data = csv_bytes("L-1,,Ali,Hassan,,Alobaidi,,,M,03/05/1990,,,IRQ", "L-2,,Omar,,,,,,Q,,,,IRQ")
    upload = SimpleUploadedFile("wanted.csv", data, content_type="text/csv")
    body = {"file": upload, "name": "Wanted", "owner": "MoI", "legal_basis": "Decree 12/2019"}
    page = client.post("/screening/lists/", {**body, "list_date": "2026-11-01"})
    text = page.content.decode()
    assert page.status_code == 400
    assert said in text and "YYYY-MM-DD" in text and "date_of_birth" in text
    assert "--dates" not in text and "muster match" not in text
    assert "has the day or month first" not in text and "is not a sex" not in text
    assert not ReferenceList.objects.exists()


def test_a_name_longer_than_the_registry_holds_is_refused_by_its_row_in_the_pages_language(
    web_as,
):
    # A name of 300 characters was taken into the list (and its name column holds 200).
    _, client = web_as("screening_officer")
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    data = csv_bytes(ARABIC_ROW, LATIN_ROW.replace("Abdul Rahman", "a" * 300))
    upload = SimpleUploadedFile("wanted.csv", data, content_type="text/csv")
    body = {"file": upload, "name": "Wanted", "owner": "MoI", "legal_basis": "Decree 12/2019"}
    page = client.post("/screening/lists/", {**body, "list_date": "2026-11-01"})
    text = page.content.decode()
    assert page.status_code == 400
    assert "given_name" in text and "طويل جداً" in text and "200" in text
    assert "too long" not in text
    assert not ReferenceList.objects.exists()


def test_a_list_dated_in_eastern_arabic_digits_is_read(web_as):
    """The list's date typed on an Arabic keyboard (the page's script converts it as typed; a
    browser without it sent ٢٠٢٦-١١-٠١) was 'not a date': it is read as every other date is."""
    _, client = web_as("screening_officer")
    upload = SimpleUploadedFile("wanted.csv", csv_bytes(LATIN_ROW), content_type="text/csv")
    body = {"file": upload, "name": "Wanted", "owner": "MoI", "legal_basis": "Decree 12/2019"}
    page = client.post("/screening/lists/", {**body, "list_date": "٢٠٢٦-١١-٠١"})
    assert page.status_code == 302, page.content.decode()[-3000:]
    assert ReferenceList.objects.get().list_date == date(2026, 11, 1)

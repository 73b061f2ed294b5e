"""Households submitted from KoboToolbox: XLSX with the members' sheet, ';' CSV, API v2 JSON.

The fixture files are written here the way Kobo writes them (column names, the members' sheet joined
by _submission__uuid or _parent_index, Arabic answers typed on a phone), nothing is downloaded.
"""

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook

from muster.cli import main
from muster.intake.kobo import (
    MEMBER_FIELDS,
    REPORT_COLUMNS,
    ImportFileError,
    check_submissions,
    document_problems,
    read_export,
    write_report,
)
from muster.people.models import PROTECTION_FLAGS
from muster.people.validation import clean_household

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
NEXT_YEAR = dt.date.today().year + 1

# Three households as a phone would send them: Arabic names and Arabic-Indic digits; one with a date
# of birth in the future; one with two heads.
HOUSEHOLDS = [
    {
        "_uuid": "3f1c9a52-5d1e-4c1b-9a0e-0d6f0b1e7a01",
        "reception_point": "7",
        "members": [
            {"relationship_to_head": "head", "given_name": "محمد", "father_name": "أحمد",
             "family_name": "الحسن", "sex": "M", "dob_known": "day",
             "date_of_birth": dt.datetime(1984, 3, 2), "nationality": "SYR",
             "place_of_origin": "هجين", "doc_type": "national_id", "doc_number": "٠٢٠١٠٣٤٥٦٧٨"},
            {"relationship_to_head": "spouse", "given_name": "فاطمة", "father_name": "علي",
             "sex": "F", "dob_known": "year", "birth_year": "١٩٩٠", "nationality": "SYR",
             "vulnerabilities": "pregnant"},
            {"relationship_to_head": "son", "given_name": "عمر", "sex": "M",
             "dob_known": "estimated", "estimated_age": "٧", "vulnerabilities": "disability medical"},
        ],
    },
    {
        "_uuid": "3f1c9a52-5d1e-4c1b-9a0e-0d6f0b1e7a02",
        "reception_point": "7",
        "members": [
            {"relationship_to_head": "head", "given_name": "Khalid", "family_name": "al-Obeidi",
             "sex": "M", "dob_known": "day", "date_of_birth": f"{NEXT_YEAR}-01-01"},
        ],
    },
    {
        "_uuid": "3f1c9a52-5d1e-4c1b-9a0e-0d6f0b1e7a03",
        "reception_point": "7",
        "members": [
            {"relationship_to_head": "head", "given_name": "Ahmad", "sex": "M"},
            {"relationship_to_head": "head", "given_name": "Hassan", "sex": "M"},
        ],
    },
]  # fmt: skip


def _cell(value):
    return value.isoformat()[:10] if isinstance(value, dt.datetime) else value


def write_kobo_xlsx(path, households=HOUSEHOLDS, *, join="uuid", member_sheet="members"):
    """A Kobo 'XLS' export: submissions on the first sheet, members on theirs (formpack layout)."""
    book = Workbook()
    main_sheet = book.active
    main_sheet.title = "Muster household registration"
    main_sheet.append(
        ["start", "end", "reception_point", "_id", "_uuid", "_submission_time",
         "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags",
         "_index"]
    )  # fmt: skip
    members = book.create_sheet(member_sheet)
    flag_columns = [f"members/vulnerabilities/{flag}" for flag in PROTECTION_FLAGS]
    member_columns = [f"members/{name}" for name in MEMBER_FIELDS]
    members.append(
        [*member_columns, *flag_columns, "_index", "_parent_table_name", "_parent_index",
         "_submission__id", "_submission__uuid", "_submission__submission_time"]
    )  # fmt: skip
    member_index = 0
    for index, hh in enumerate(households, start=1):
        when = dt.datetime(2019, 3, 20, 9) + dt.timedelta(minutes=index)
        main_sheet.append(
            [when, when, hh["reception_point"], 1000 + index, hh["_uuid"], when, "", "",
             "submitted_via_web", "officer1", "vX9", "", index]
        )  # fmt: skip
        for m in hh["members"]:
            member_index += 1
            flags = (m.get("vulnerabilities") or "").split()
            members.append(
                [m.get(name) for name in MEMBER_FIELDS]
                + [int(flag in flags) for flag in PROTECTION_FLAGS]
                + [member_index, "Muster household registration",
                   index if join == "index" else None, 1000 + index,
                   hh["_uuid"] if join == "uuid" else None, when]
            )  # fmt: skip
    book.save(path)
    return path


def write_semicolon_csv(path, households=HOUSEHOLDS):
    """One row per person, ';'-separated and every value quoted, as Kobo and Excel write it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(
        [*(f"members/{n}" for n in MEMBER_FIELDS), "reception_point", "_submission__uuid"]
    )
    for hh in households:
        for m in hh["members"]:
            values = [_cell(m.get(name)) or "" for name in MEMBER_FIELDS]
            writer.writerow([*values, hh["reception_point"], hh["_uuid"]])
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return path


def write_api_json(path, households=HOUSEHOLDS):
    """One page of /api/v2/assets/<uid>/data/: group-prefixed keys, the repeat as a list."""
    results = []
    for index, hh in enumerate(households, start=1):
        results.append(
            {
                "_id": 1000 + index,
                "formhub/uuid": "b5f0c0a7d3c34c4b9c1d",
                "start": "2019-03-20T09:00:00.000+03:00",
                "reception_point": hh["reception_point"],
                "members": [
                    {f"members/{k}": _cell(v) for k, v in m.items() if v is not None}
                    for m in hh["members"]
                ],
                "meta/instanceID": f"uuid:{hh['_uuid']}",
                "_uuid": hh["_uuid"],
                "_submission_time": "2019-03-20T06:01:02",
                "_attachments": [],
                "_geolocation": [None, None],
            }
        )
    page = {"count": len(results), "next": None, "previous": None, "results": results}
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    return path


def check(batch):
    return check_submissions(
        batch,
        clean_household=clean_household,
        flags=PROTECTION_FLAGS,
        reception_point_ok=lambda value: value == "7",
        check_document=document_problems,
    )


def _assert_three_households_read(batch, future_row):
    """``future_row``: the sheet row (or position in a JSON list) of the second household."""
    first, future, two_heads = batch.submissions
    assert first.submission_id == HOUSEHOLDS[0]["_uuid"] and first.ok
    head, wife, son = first.cleaned
    assert (head["given_name"], head["father_name"], head["family_name"]) == (
        "محمد",
        "أحمد",
        "الحسن",
    )
    assert head["date_of_birth"] == dt.date(1984, 3, 2) and head["dob_precision"] == "day"
    assert head["documents"][0]["number"] == "02010345678"  # Arabic-Indic digits stored in ASCII
    assert (wife["birth_year"], wife["dob_precision"], wife["pregnant"]) == (1990, "year", True)
    assert son["dob_precision"] == "estimated" and son["disability"] and son["medical"]
    assert son["birth_year"] == dt.date.today().year - 7
    assert [str(p) for p in future.problems] == [
        f"row {future_row}, member 1, date_of_birth: is in the future"
    ]
    assert [p.field for p in two_heads.problems] == ["members"]
    assert "exactly one head" in two_heads.problems[0].message


def test_kobo_xlsx_with_the_members_sheet_joined_by_submission_uuid(tmp_path):
    batch = check(read_export(write_kobo_xlsx(tmp_path / "export.xlsx")))
    assert batch.source == "kobo-xlsx"
    _assert_three_households_read(batch, future_row=3)
    assert batch.submissions[1].problems[0].member_row == 5  # the member's row on its own sheet


def test_kobo_xlsx_joined_by_parent_index_when_the_uuid_was_not_copied(tmp_path):
    batch = check(read_export(write_kobo_xlsx(tmp_path / "export.xlsx", join="index")))
    _assert_three_households_read(batch, future_row=3)


def test_semicolon_csv_one_row_per_person(tmp_path):
    batch = check(read_export(write_semicolon_csv(tmp_path / "members.csv")))
    assert batch.source == "csv"
    _assert_three_households_read(batch, future_row=5)  # the household's first person


def test_api_v2_json_page(tmp_path):
    batch = check(read_export(write_api_json(tmp_path / "data.json")))
    assert batch.source == "kobo-api-json"
    _assert_three_households_read(batch, future_row=2)


def test_report_has_one_line_per_accepted_household_and_per_problem(tmp_path):
    batch = check(read_export(write_kobo_xlsx(tmp_path / "export.xlsx")))
    out = io.StringIO()
    write_report(batch, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == REPORT_COLUMNS
    assert [(r["row"], r["status"]) for r in rows] == [
        ("2", "ok"),
        ("3", "refused"),
        ("4", "refused"),
    ]
    assert rows[1]["member"] == "1" and rows[1]["field"] == "date_of_birth"


def test_a_submission_twice_in_one_file_is_a_duplicate_the_second_time(tmp_path):
    batch = check(read_export(write_api_json(tmp_path / "d.json", [HOUSEHOLDS[0], HOUSEHOLDS[0]])))
    first, again = batch.submissions
    assert first.ok and first.status == "ok"
    assert again.status == "duplicate" and not again.problems
    assert again.duplicate == "same submission as row 1 of this file"
    assert [s.row for s in batch.duplicates] == [2]


def test_unknown_reception_point_and_protection_need_are_refused_by_name(tmp_path):
    hh = {**HOUSEHOLDS[0], "reception_point": "99"}
    hh["members"] = [{**hh["members"][0], "vulnerabilities": "wounded flying"}]
    batch = check(read_export(write_api_json(tmp_path / "d.json", [hh])))
    messages = [str(p) for p in batch.submissions[0].problems]
    assert "row 1, reception_point: '99' is not an active reception point" in messages
    assert "row 1, member 1, vulnerabilities: 'flying' is not a known protection need" in messages


def test_an_mrz_typed_on_the_phone_fills_the_document_and_a_bad_check_digit_refuses(tmp_path):
    good = {"relationship_to_head": "head", "given_name": "Anna", "sex": "F",
            "doc_type": "passport", "doc_mrz": TD3}  # fmt: skip
    bad = {**good, "doc_mrz": TD3[:-1] + "9"}
    households = [
        {"_uuid": "u-good", "reception_point": "7", "members": [good]},
        {"_uuid": "u-bad", "reception_point": "7", "members": [bad]},
    ]
    batch = check(read_export(write_api_json(tmp_path / "d.json", households)))
    ok, refused = batch.submissions
    doc = ok.cleaned[0]["documents"][0]
    assert (doc["number"], doc["issuing_country"]) == ("L898902C3", "UTO")
    assert doc["expires_on"] == dt.date(2012, 4, 15)  # the zone's expiry date, kept
    assert refused.problems[0].field == "doc_mrz"
    assert (
        "Composite (the whole line): the zone has the check digit '9', its data gives '0'"
        in refused.problems[0].message
    )


# -- malformed files: one line each, never a traceback --------------------------------------------


def test_a_workbook_without_the_members_sheet_names_the_sheets_it_has(tmp_path):
    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["_uuid", "reception_point"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(ImportFileError, match=r"no 'members' sheet .*sheets: Sheet1"):
        read_export(tmp_path / "x.xlsx")


def test_a_members_sheet_missing_a_column_names_it(tmp_path):
    path = write_kobo_xlsx(tmp_path / "x.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["members"].delete_cols(1)  # members/relationship_to_head
    book.save(path)
    with pytest.raises(ImportFileError, match="missing column members/relationship_to_head"):
        read_export(path)


def test_kobos_own_csv_without_members_says_to_export_xls(tmp_path):
    path = tmp_path / "main.csv"
    path.write_text('"start";"reception_point";"_uuid"\n"2019-03-20";"7";"abc"\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="leaves repeat groups out: export as XLS"):
        read_export(path)


def test_a_csv_in_windows_arabic_encoding_is_refused_naming_utf8(tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes("given_name;relationship_to_head\nمحمد;head\n".encode("cp1256"))
    with pytest.raises(ImportFileError, match="is not UTF-8 text"):
        read_export(path)


def test_a_file_over_50_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(ImportFileError, match="at most 50 MB"):
        read_export(path)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv", b"", "the file is empty"),
        ("fake.zip", b"just text", "is not a zip archive"),
        ("fake.xlsx", b"PK\x03\x04garbage", "cannot be read as an export"),
        ("bad.json", b'{"results": [', "is not JSON"),
        ("other.json", b'{"rows": []}', "neither 'results'"),
        ("header.csv", b"given_name;relationship_to_head\n", "has a header but no rows"),
    ],
)
def test_malformed_files_give_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message) as caught:
        read_export(path)
    assert "\n" not in str(caught.value)


# -- muster import kobo --dry-run -----------------------------------------------------------------


def test_cli_dry_run_prints_the_report_and_writes_the_csv(facilities, tmp_path, capsys):
    point = str(facilities["reception"].pk)
    households = [{**hh, "reception_point": point} for hh in HOUSEHOLDS]
    path = write_kobo_xlsx(tmp_path / "export.xlsx", households)
    report = tmp_path / "report.csv"
    assert main(["import", "kobo", str(path), "--dry-run", "--report", str(report)]) == 1
    captured = capsys.readouterr()
    assert f"2\t{HOUSEHOLDS[0]['_uuid']}\tok\t" in captured.out
    assert "3\t" in captured.out and "date_of_birth\tis in the future" in captured.out
    assert "3 submission(s) read (kobo-xlsx): 1 accepted (3 person(s)), 2 refused" in captured.err
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert len(rows) == 3


def test_cli_facility_serves_submissions_that_name_none(facilities, tmp_path, capsys):
    households = [{**HOUSEHOLDS[0], "reception_point": ""}]
    path = write_api_json(tmp_path / "d.json", households)
    assert main(["import", "kobo", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err == "muster: row 1 names no reception point: give --facility for them\n"
    args = ["import", "kobo", str(path), "--dry-run", "--facility", "Reception Point 1"]
    assert main(args) == 0


def test_cli_malformed_file_is_a_one_line_error(db, tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert main(["import", "kobo", str(path), "--dry-run"]) == 2
    assert capsys.readouterr().err.strip() == "muster: empty.csv: the file is empty"
    assert main(["import", "kobo", str(path)]) == 2
    assert capsys.readouterr().err.strip() == "muster: empty.csv: the file is empty"
    # The refusals are translated for the upload page; the command still says them in English.
    path = tmp_path / "export.zip"
    path.write_bytes(b"just text")
    assert main(["import", "kobo", str(path), "--dry-run"]) == 2
    assert capsys.readouterr().err == (
        "muster: export.zip: is not a zip archive (nor an .xlsx workbook)\n"
    )


def test_a_workbook_resaved_by_excel_with_dates_as_day_numbers_reads_the_date(tmp_path):
    # openpyxl stores a datetime as a day number with a date style, as Excel does on saving.
    batch = check(read_export(write_kobo_xlsx(tmp_path / "export.xlsx", HOUSEHOLDS[:1])))
    assert batch.submissions[0].cleaned[0]["date_of_birth"] == dt.date(1984, 3, 2)


def test_a_damaged_workbook_is_one_line(tmp_path):
    path = write_kobo_xlsx(tmp_path / "export.xlsx")
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"][:500]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ImportFileError, match="cannot be read as an export") as caught:
        read_export(path)
    assert "\n" not in str(caught.value)


def test_a_rows_problems_are_written_in_the_officers_language(tmp_path):
    from django.utils import translation

    hh = {**HOUSEHOLDS[0], "reception_point": "99"}
    hh["members"] = [{**hh["members"][0], "vulnerabilities": "flying"}]
    with translation.override("ar"):
        batch = check(read_export(write_api_json(tmp_path / "d.json", [hh])))
        messages = [str(p) for p in batch.submissions[0].problems]
        summary = batch.summary()
    assert "السطر 1، reception_point: '\u206899\u2069' ليست نقطة استقبال عاملة" in messages
    assert (
        "السطر 1، الفرد 1، vulnerabilities: '\u2068flying\u2069' ليست حاجة حماية معروفة" in messages
    )
    assert summary.startswith("عدد الإرسالات المقروءة: 1 (kobo-api-json)")


def test_dates_resaved_day_first_by_a_spreadsheet_are_read_in_the_files_order(
    facilities, tmp_path, capsys
):
    # Kobo writes 2015-02-13; the export opened and saved in Excel (Arabic, French locales) came
    # back as 13/02/2015 and every household was refused: "'13/02/2015' is not a date (YYYY-MM-DD)".
    from muster.people.models import Person

    point = str(facilities["reception"].pk)
    columns = ["_uuid", "reception_point"] + [
        f"members/{c}"
        for c in ("relationship_to_head", "given_name", "father_name", "family_name", "sex")
        + ("dob_known", "date_of_birth")
    ]
    rows = [
        ["hh-dmy-1", point, "head", "خالد", "محمود", "العبيدي", "M", "day", "١٢/٠٨/١٩٨٥"],
        ["hh-dmy-1", point, "daughter", "ليلى", "خالد", "العبيدي", "F", "day", "13/02/2015"],
    ]
    path = tmp_path / "resaved.csv"
    path.write_text("\n".join(";".join(r) for r in [columns, *rows]) + "\n", encoding="utf-8-sig")
    assert main(["import", "kobo", str(path)]) == 0, capsys.readouterr()
    born = dict(Person.objects.values_list("given_name", "date_of_birth"))
    assert born == {"خالد": dt.date(1985, 8, 12), "ليلى": dt.date(2015, 2, 13)}


def test_cli_report_opens_in_a_spreadsheet(facilities, tmp_path, capsys):
    # The --report CSV had no byte-order mark (Excel read the Arabic as mojibake) and wrote a
    # submission id from the file starting with '=' as a formula.
    point = str(facilities["reception"].pk)
    households = [{**HOUSEHOLDS[0], "reception_point": point, "_uuid": "=1+2"}]
    path = write_semicolon_csv(tmp_path / "export.csv", households)
    report = tmp_path / "report.csv"
    assert main(["import", "kobo", str(path), "--dry-run", "--report", str(report)]) == 0
    content = report.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert row["submission_id"] == "'=1+2" and row["status"] == "ok"

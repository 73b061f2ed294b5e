"""Nationality, dates and sex as other authorities' lists write them: read into what the registry
stores (an ISO 3166 alpha-3 code, YYYY-MM-DD or a birth year, M or F), never compared as text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from muster.identity import PersonCsvError, dedupe, read_nationality, read_person_csv
from muster.identity.internals.records import read_date_of_birth, read_person_frame

from .test_matching import HEADER, RECORDS, ROWS, write

NATIONALITIES = [
    ("irq", "IRQ"), ("Iraq", "IRQ"), ("IRAQ", "IRQ"), ("Iraqi", "IRQ"), ("IQ", "IRQ"),
    ("Irak", "IRQ"), ("العراق", "IRQ"), ("عراقي", "IRQ"), ("عراقية", "IRQ"), ("Ирак", "IRQ"),
    ("Syria", "SYR"), ("Syrian Arab Republic", "SYR"), ("syrian", "SYR"), ("Syrien", "SYR"),
    ("سورية", "SYR"), ("سوري", "SYR"), ("الجمهورية العربية السورية", "SYR"), ("SY", "SYR"),
    ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Turkish", "TUR"), ("تركيا", "TUR"),
    ("Iran (Islamic Republic of)", "IRN"), ("Iran, Islamic Republic of", "IRN"),
    ("Russian Federation", "RUS"), ("Россия", "RUS"), ("Saudi Arabia", "SAU"), ("KSA", "SAU"),
    ("United Kingdom of Great Britain and Northern Ireland", "GBR"), ("British", "GBR"),
    ("Deutschland", "DEU"), ("Tunisian", "TUN"), ("المغرب", "MAR"), ("Congo", "COG"),
    ("Stateless", "XXA"), ("Unknown", ""), ("N/A", ""), ("غير معروف", ""), ("-", ""),
]  # fmt: skip


@pytest.mark.parametrize(("written", "code"), NATIONALITIES)
def test_a_nationality_as_lists_write_it_is_read_as_its_code(written: str, code: str) -> None:
    assert read_nationality(written) == code


def test_a_nationality_not_known_is_kept_as_written_not_guessed() -> None:
    # "Korea" names two countries; "Kurd" is no country: neither is made a code.
    assert read_nationality("Korea") == "KOREA" and read_nationality("Kurd") == "KURD"


def test_a_pair_whose_lists_write_the_nationality_differently_agrees_on_it() -> None:
    # The camp writes IRQ, the authority's list Iraq and عراقي: one nationality, not three.
    records = [dict(r) for r in RECORDS]
    records[1]["nationality"], records[2]["nationality"] = "Iraq", "عراقي"
    pairs = dedupe(records).pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r2"), "nationality"] == "exact"
    assert pairs.loc[("r1", "r3"), "nationality"] == "exact"


DATES = [
    ("12 JAN 1985", ("1985-01-12", "1985")), ("12-Jan-1985", ("1985-01-12", "1985")),
    ("12JAN1985", ("1985-01-12", "1985")), ("12 January 1985", ("1985-01-12", "1985")),
    ("January 12, 1985", ("1985-01-12", "1985")), ("March 3rd, 1985", ("1985-03-03", "1985")),
    ("12 févr. 1985", ("1985-02-12", "1985")), ("3. März 1985", ("1985-03-03", "1985")),
    ("Jan 1985", ("", "1985")), ("1985-00-00", ("", "1985")), ("1985-06-00", ("", "1985")),
    ("00/00/1985", ("", "1985")), ("0.0.1985", ("", "1985")), ("XX/XX/1985", ("", "1985")),
    ("??-??-1985", ("", "1985")), ("12 آذار 1985", ("1985-03-12", "1985")),
    ("12 كانون الثاني 1985", ("1985-01-12", "1985")), ("3 تشرين الأول 1990", ("1990-10-03", "1990")),
    ("5 مايو 1985", ("1985-05-05", "1985")), ("أغسطس 1985", ("", "1985")),
    # A letter that is no month word: still read as before (a spreadsheet's ISO date and time).
    ("1990-05-03T00:00:00", ("1990-05-03", "1990")),
]  # fmt: skip


@pytest.mark.parametrize(("written", "read"), DATES)
def test_a_date_with_the_month_as_a_word_or_an_unknown_day_is_read(written: str, read) -> None:  # noqa: ANN001
    assert read_date_of_birth(written) == read


@pytest.mark.parametrize("written", ["31 FEB 1985", "12 Foo 1985", "1985-02-30", "1985-13-45"])
def test_a_date_that_does_not_exist_stays_an_error(written: str) -> None:
    assert read_date_of_birth(written) is None


def _foreign_list(tmp_path: Path) -> Path:
    rows = [HEADER, ROWS[0],
            "f1,authority,Mohamed,Jassem,Hamad,Alobaidi,,,male,12 MAR 1984,,Heet,Iraq",
            "f2,authority,Ahmed,Jassim,Hamad,Al Obaidi,,,Male,1987-00-00,,Hit,Iraqi",
            "f3,authority,Hassan,Ali,Hussein,al-Jubouri,,,М,00/00/1990,,Mosul,Kurd",
            "f4,authority,Zainab,Ali,Hussein,al-Jubouri,,,Ж,\"May 5, 1991\",,Mosul,SY"]  # fmt: skip
    return write(tmp_path, "foreign.csv", rows)


def test_both_readers_read_a_foreign_list_alike(tmp_path: Path) -> None:
    path = _foreign_list(tmp_path)
    rows = read_person_csv(path)
    frame = read_person_frame(path)
    assert frame.to_dict("records") == rows
    by_id = {r["record_id"]: r for r in rows}
    assert (by_id["f1"]["date_of_birth"], by_id["f1"]["nationality"]) == ("1984-03-12", "IRQ")
    assert (by_id["f2"]["date_of_birth"], by_id["f2"]["birth_year"]) == ("", "1987")
    assert (by_id["f3"]["sex"], by_id["f3"]["birth_year"], by_id["f3"]["nationality"]) == (
        "M", "1990", "KURD")  # fmt: skip
    assert (by_id["f4"]["sex"], by_id["f4"]["date_of_birth"], by_id["f4"]["nationality"]) == (
        "F", "1991-05-05", "SYR")  # fmt: skip


def test_match_warns_of_nationalities_it_could_not_read_and_joins_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "muster.identity.cli", "match", "dedupe", str(_foreign_list(tmp_path)),
         "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "'KURD' (1)" in warnings[0] and "nationality" in warnings[0]
    clusters = dict(line.split(",") for line in out.read_text().splitlines()[1:])
    assert clusters["r1"] == clusters["f1"]


def test_a_date_that_does_not_exist_is_still_one_line_naming_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", [HEADER, ROWS[0].replace("1984-03-12", "31 FEB 1984")])
    with pytest.raises(PersonCsvError, match=r"row 2, column date_of_birth: '31 FEB 1984'"):
        read_person_frame(path)


def test_an_excel_workbook_is_read_from_its_first_sheet(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["record_id", "given_name", "family_name", "date_of_birth", "birth_year",
                  "nationality"])  # fmt: skip
    sheet.append(["a1", "Ahmed", "Jasim", dt.datetime(1985, 3, 12), None, "Iraq"])
    sheet.append([2, "محمد", "جاسم", None, 1984.0, "IRQ"])  # numbers as Excel stores them
    sheet.append(["a3", "Omar"])  # the row's last cells empty
    book.save(tmp_path / "list.xlsx")
    rows = read_person_csv(tmp_path / "list.xlsx")
    assert [(r["record_id"], r["date_of_birth"], r["birth_year"], r["nationality"]) for r in rows] == [
        ("a1", "1985-03-12", "", "IRQ"), ("2", "", "1984", "IRQ"), ("a3", "", "", "")]  # fmt: skip
    assert read_person_frame(tmp_path / "list.xlsx").to_dict("records") == rows
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(PersonCsvError, match="not an Excel workbook"):
        read_person_frame(tmp_path / "broken.xlsx")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_csv_saved_with_semicolons_or_tabs_is_read(tmp_path: Path, delimiter: str) -> None:
    # A European spreadsheet saves "CSV" with semicolons; a comma inside a name stays in it.
    lines = ["record_id,given_name,family_name,date_of_birth", "a1,Ahmed,Jasim,25/12/1985",
             'a2,"Ali, Jr",Hamad,1990']  # fmt: skip
    text = "\n".join(line.replace(",", delimiter).replace(f'"Ali{delimiter} Jr"', "Ali, Jr")
                     for line in lines)  # fmt: skip
    path = tmp_path / "list.csv"
    path.write_text(text + "\n", encoding="utf-8")
    rows = read_person_frame(path).to_dict("records")
    assert rows == read_person_csv(path)
    assert [(r["given_name"], r["date_of_birth"], r["birth_year"]) for r in rows] == [
        ("Ahmed", "1985-12-25", ""), ("Ali, Jr", "", "1990")]  # fmt: skip


def test_utf16_is_read_and_windows_arabic_is_named_then_read_when_given(tmp_path: Path) -> None:
    # Excel's "Unicode text" is UTF-16 with tabs; older Iraqi and Syrian systems save cp1256.
    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_text("record_id\tgiven_name\tnationality\na1\tمحمد\tعراقي\n", "utf-16")
    assert read_person_frame(unicode_text).to_dict("records") == read_person_csv(unicode_text)
    assert read_person_csv(unicode_text)[0]["given_name"] == "محمد"
    windows = tmp_path / "windows.csv"
    windows.write_bytes("record_id,given_name\na1,محمد\n".encode("cp1256"))
    with pytest.raises(PersonCsvError, match=r"row 2: .*Windows Arabic.*--encoding cp1256"):
        read_person_frame(windows)
    assert read_person_frame(windows, encoding="cp1256")["given_name"].tolist() == ["محمد"]
    with pytest.raises(PersonCsvError, match="'klingon' is not an encoding"):
        read_person_frame(windows, encoding="klingon")


def test_dates_and_years_in_arabic_indic_or_persian_digits_are_read(tmp_path: Path) -> None:
    # An Arabic-script list writes ١٩٨٥; kept as written, the year was no year at all.
    path = write(tmp_path, "digits.csv", [
        "record_id,given_name,family_name,date_of_birth,birth_year",
        "a1,Mohammed,Jasim,1985-03-12,", "a2,محمد,جاسم,,١٩٨٥", "a3,محمد,جاسم,١٩٨٥-٠٣-١٢,",
        "a4,محمد,جاسم,۱۹۸۵,"])  # fmt: skip
    rows = read_person_csv(path)
    assert [(r["date_of_birth"], r["birth_year"]) for r in rows] == [
        ("1985-03-12", ""), ("", "1985"), ("1985-03-12", ""), ("", "1985")]  # fmt: skip
    assert read_person_frame(path).to_dict("records") == rows
    clusters = dedupe(rows).clusters
    assert clusters["a1"] == clusters["a2"] == clusters["a3"] == clusters["a4"]

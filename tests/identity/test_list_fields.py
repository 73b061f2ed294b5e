"""Nationality, dates and sex as other authorities' lists write them: read into what the registry
stores (an ISO 3166 alpha-3 code, YYYY-MM-DD or a birth year, M or F), never compared as text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from muster.identity import (
    PersonCsvError,
    ScreeningIndex,
    check_record,
    dedupe,
    link,
    normalise_name,
    read_nationality,
    read_person_csv,
)
from muster.identity.internals.prepare import compared_names, compared_parts
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


def test_match_warns_of_nationalities_it_could_not_read_and_joins_the_rest(
    tmp_path: Path, capsys
) -> None:
    # In this process (muster match's refusals and warnings reach stderr as in a process of its
    # own: tests/identity/test_match_command.py runs both).
    from muster.identity.cli import main as match_main

    out = tmp_path / "o.csv"
    code = match_main(
        ["match", "dedupe", str(_foreign_list(tmp_path)), "--out", str(out), "--quiet"]
    )
    stderr = capsys.readouterr().err
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if "WARNING" in line]
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


def test_utf16_without_its_byte_order_mark_is_read_as_utf16_not_as_nul_characters(
    tmp_path: Path,
) -> None:
    # Some phones and exports save UTF-16 with no mark; every other byte is zero, which is valid
    # UTF-8, so it was read as UTF-8 and its header came back as 'r\x00e\x00c\x00...'.
    text = "record_id,given_name,family_name,birth_year\na1,محمد,جاسم,1985\na2,Ahmed,Ali,1990\n"
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(text, "utf-8")
    expected = read_person_csv(utf8)
    for codec in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(text.encode(codec))
        assert read_person_csv(path) == expected, codec
        assert read_person_frame(path).to_dict("records") == expected, codec
    # A UTF-8 file with one stray NUL is still read as UTF-8.
    stray = tmp_path / "stray.csv"
    stray.write_bytes(text.replace("Ahmed", "Ah\x00med").encode("utf-8"))
    assert read_person_csv(stray)[0]["given_name"] == "محمد"


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


# What lists write for a value nobody knows (``unknown.not_known``): nothing said, not a name.
NOT_KNOWN = ["UNKNOWN", "Unknown", "N/A", "-", "--", "?", "FNU", "LNU", "NOT KNOWN", "Not known",
             "غير معروف", "غير معروفة", "مجهول", "لا يوجد", "ـ", "Inconnu", "Неизвестно", "X"]  # fmt: skip


@pytest.mark.parametrize("written", NOT_KNOWN)
def test_a_name_or_sex_nobody_knows_is_read_as_none(written: str) -> None:
    record = check_record({"record_id": "a", "given_name": "Ali", "father_name": written,
                           "family_name": written, "mother_name": written, "sex": written,
                           "place_of_origin": written, "nationality": written})  # fmt: skip
    assert {record[c] for c in ("father_name", "family_name", "mother_name", "sex",
                                "place_of_origin", "nationality")} == {""}  # fmt: skip
    assert record["given_name"] == "Ali"


@pytest.mark.parametrize("name", ["Nil", "Nana", "Xena", "Una", "Ali X", "Abu Unknown"])
def test_a_name_that_only_looks_like_a_placeholder_is_kept(name: str) -> None:
    assert check_record({"record_id": "a", "father_name": name})["father_name"] == name


@pytest.mark.parametrize(
    ("dob", "year", "read"),
    [("1900-01-01", "", ("", "")), ("01/01/1900", "", ("", "")), ("0000-00-00", "", ("", "")),
     ("1899-12-30", "", ("", "")), ("", "0000", ("", "")), ("1900-01-01", "1900", ("", "")),
     ("1900-01-01", "1985", ("", "1985")), ("05/05/1990", "", ("1990-05-05", "")),
     ("1900-06-04", "", ("1900-06-04", "")), ("", "1900", ("", "1900"))],
)  # fmt: skip
def test_a_date_of_birth_nobody_knows_is_read_as_none(dob: str, year: str, read) -> None:  # noqa: ANN001
    record = check_record({"record_id": "a", "date_of_birth": dob, "birth_year": year})
    assert (record["date_of_birth"], record["birth_year"]) == read


def test_a_father_written_unknown_is_no_father_not_another_one() -> None:
    # r3 is r1 in Arabic; its list writes the father's and mother's names it lacks as غير معروف.
    records = [dict(r) for r in RECORDS]
    records[2].update(father_name="غير معروف", mother_name="UNKNOWN")
    result = dedupe(records)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r3"), ["father_name", "mother_name"]].tolist() == ["missing"] * 2
    assert result.clusters["r1"] == result.clusters["r3"]


def test_both_readers_read_placeholders_alike(tmp_path: Path) -> None:
    rows = [HEADER, ROWS[0],
            "p1,authority,Mohamed,UNKNOWN,-,Alobaidi,N/A,,U,1900-01-01,,Heet,Unknown",
            "p2,authority,FNU,Jassim,Hamad,LNU,,,Unknown,0000-00-00,1987,?,IRQ",
            "p4,authority,Ahmed,Jassim,,,,,,1900-01-01,1900,,",
            "p3,authority,محمد,غير معروف,مجهول,العبيدي,,,X,01/01/1900,,هيت,IRQ"]  # fmt: skip
    path = write(tmp_path, "placeholders.csv", rows)
    read = read_person_csv(path)
    assert read_person_frame(path).to_dict("records") == read
    by_id = {r["record_id"]: r for r in read}
    assert [by_id["p1"][c] for c in ("father_name", "grandfather_name", "mother_name", "sex",
                                     "date_of_birth", "nationality")] == [""] * 6  # fmt: skip
    assert (by_id["p2"]["given_name"], by_id["p2"]["family_name"], by_id["p2"]["birth_year"]) == (
        "", "", "1987")  # fmt: skip
    assert (by_id["p3"]["father_name"], by_id["p3"]["date_of_birth"]) == ("", "")
    assert (by_id["p4"]["date_of_birth"], by_id["p4"]["birth_year"]) == ("", "")


def test_direction_marks_and_zero_width_spaces_copied_in_show_nothing_and_count_for_nothing(
    tmp_path: Path,
) -> None:
    # An Arabic list copied from a word processor: a right-to-left mark after each name and date.
    rlm, zwsp = "\u200f", "\u200b"
    records = [dict(r) for r in RECORDS]
    records[2].update(
        given_name="محمد" + rlm, father_name=rlm + "جاسم", family_name="العبيدي" + zwsp
    )
    result = dedupe(records)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r3"), "given_name"] != "different"
    assert result.clusters["r1"] == result.clusters["r3"]
    rows = [
        HEADER,
        ROWS[0],
        "d1,authority,محمد\u200f,جاسم\u200f,,العبيدي,,,ذكر\u200f,1984\u200f,,هيت,العراق\u200f",
    ]
    path = write(tmp_path, "marks.csv", rows)
    read = read_person_csv(path)
    assert read_person_frame(path).to_dict("records") == read
    assert (read[1]["given_name"], read[1]["sex"], read[1]["birth_year"], read[1]["nationality"]) == (
        "محمد", "M", "1984", "IRQ")  # fmt: skip


@pytest.mark.parametrize(
    ("common", "scholarly"),
    [("Shukri", "Šukrī"), ("Khalid", "Ḫālid"), ("Jamal", "Ǧamāl"), ("Thamir", "Ṯāmir"),
     ("Dhiyab", "Ḏiyāb"), ("Ghazi", "Ġāzī"), ("Abd al-Rahman", "ʿAbd ar-Raḥmān")],
)  # fmt: skip
def test_a_name_in_a_scholarly_transliteration_is_the_name(common: str, scholarly: str) -> None:
    assert normalise_name(common).agrees(normalise_name(scholarly))


@pytest.mark.parametrize(
    ("written", "given", "alias"),
    [("Ahmed (Abu Omar)", "Ahmed", "Abu Omar"), ("Ahmed aka Abu Omar", "Ahmed", "Abu Omar"),
     ("Ahmed a.k.a. Abu Omar", "Ahmed", "Abu Omar"), ("Ahmed @ Abu Omar", "Ahmed", "Abu Omar"),
     ('Ahmed "Abu Omar"', "Ahmed", "Abu Omar"), ("Ahmed alias Hamada", "Ahmed", "Hamada"),
     ("أحمد الملقب أبو عمر", "أحمد", "أبو عمر"), ("أحمد المعروف بأبي عمر", "أحمد", "أبو عمر"),
     ("فاطمة المكناة بأم علي", "فاطمة", "أم علي"), ("Ahmed (أحمد)", "Ahmed", ""),
     ("Abu Bakr", "Abu Bakr", ""), ("Sa'ad", "Sa'ad", ""), ("(Ahmed)", "Ahmed", "")],
)  # fmt: skip
def test_an_alias_written_beside_the_given_name_is_the_alias(
    written: str, given: str, alias: str
) -> None:
    record = check_record({"record_id": "a", "given_name": written})
    assert (record["given_name"], record["alias"]) == (given, alias)


def test_a_fathers_alias_beside_his_name_is_not_the_persons_and_an_alias_column_wins() -> None:
    record = check_record({"record_id": "a", "given_name": "Omar aka Hamoudi",
                           "father_name": "Ali (Abu Hassan)", "alias": "Abu Ali"})  # fmt: skip
    assert (record["given_name"], record["father_name"], record["alias"]) == (
        "Omar",
        "Ali",
        "Abu Ali",
    )


def test_a_person_whose_list_writes_the_alias_in_the_name_is_still_found(tmp_path: Path) -> None:
    # r3 is r1 in Arabic; its list writes r1's alias in the given name's column.
    records = [dict(r) for r in RECORDS]
    records[2].update(given_name="محمد الملقب أبو عمر")
    records[0].update(given_name="Muhammad (Abu Omar)", alias="")
    result = dedupe(records)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r3"), "given_name"] != "different"
    assert result.clusters["r1"] == result.clusters["r2"] == result.clusters["r3"]
    rows = [HEADER, ROWS[0].replace("Muhammad", '"Muhammad ""Abu Omar"""'),
            "a1,authority,Ahmad aka Abu Ali,Jasim (Abu Hamad),,al-Obeidi,,,M,1987,,,IRQ"]  # fmt: skip
    read = _read_alike(tmp_path, "aliases.csv", rows)
    assert [(r["given_name"], r["father_name"], r["alias"]) for r in read] == [
        ("Muhammad", "Jasim", "Abu Omar"), ("Ahmad", "Jasim", "Abu Ali")]  # fmt: skip


def _read_alike(tmp_path: Path, name: str, rows: list[str]) -> list[dict[str, str]]:
    """The rows as ``read_person_csv`` reads them, checked to be what the fast reader reads."""
    path = write(tmp_path, name, rows)
    read = read_person_csv(path)
    assert read_person_frame(path).to_dict("records") == read
    return read


def _screened_as(**written: tuple[str, str]) -> None:
    """r1 registered with each field as written is screened as with the field as read."""
    query = check_record(
        {**RECORDS[0], "record_id": "q", **{f: w for f, (w, _) in written.items()}}
    )
    others = [r for r in RECORDS if r["record_id"] != "r1"]
    read = {f: r for f, (_, r) in written.items()}
    alone = ScreeningIndex(others).candidates({**query, **read}, limit=3)
    whole = ScreeningIndex(others).candidates(query, limit=3)
    assert [(c.record_id, round(c.match_probability, 6)) for c in whole] == [
        (c.record_id, round(c.match_probability, 6)) for c in alone
    ]


def test_a_mothers_whole_name_as_iraqi_forms_ask_for_it_agrees_with_her_own_name() -> None:
    # r3 is r1 in Arabic; its list writes the mother's name, her father's and grandfather's.
    records = [dict(r) for r in RECORDS]
    records[2].update(mother_name="فاطمة حسن علي")
    result = dedupe(records)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r3"), "mother_name"] != "different"
    assert result.clusters["r1"] == result.clusters["r3"]
    # A registration so written is screened as the batch reads it.
    _screened_as(mother_name=("Fatima Hassan Ali", "Fatima"))


@pytest.mark.parametrize(
    "written",
    ["Hit, Anbar", "Hit - Al-Anbar - Iraq", "Anbar / Hit", "Hit district (Anbar)", "هيت، الأنبار",
     "قضاء هيت (الأنبار)", "محافظة الأنبار / هيت", "Heet, Iraq"],
)  # fmt: skip
def test_a_town_written_with_its_governorate_or_country_agrees_with_the_town(written: str) -> None:
    # r3 is r1 in Arabic; its list writes the town with its governorate or country.
    records = [dict(r) for r in RECORDS]
    records[2].update(place_of_origin=written)
    pairs = dedupe(records).pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r3"), "place_of_origin"] != "different"
    _screened_as(place_of_origin=(written, "Hit"))


@pytest.mark.parametrize(
    ("written", "year"),
    [("ca. 1985", "1985"), ("~1985", "1985"), ("1985?", "1985"), ("about 1985", "1985"),
     ("1985 (est.)", "1985"), ("حوالي ١٩٨٥", "1985"), ("مواليد 1985", "1985"), ("1985م", "1985"),
     ("3/1985", "1985")],
)  # fmt: skip
def test_a_birth_year_written_as_an_estimate_is_the_year(written: str, year: str) -> None:
    for column in ("date_of_birth", "birth_year"):
        record = check_record({"record_id": "a", column: written})
        assert (record["date_of_birth"], record["birth_year"]) == ("", year)


@pytest.mark.parametrize("written", ["85", "1985-1986", "13/1985", "soon"])
def test_a_year_that_is_no_year_stays_an_error(written: str) -> None:
    with pytest.raises(PersonCsvError):
        check_record({"record_id": "a", "birth_year": written})


@pytest.mark.parametrize(
    ("written", "sex"), [("boy", "M"), ("Girl", "F"), ("H", "M"), ("W", "F"), ("بنت", "F")]
)
def test_sex_as_a_childrens_or_french_or_german_list_writes_it(written: str, sex: str) -> None:
    assert check_record({"record_id": "a", "sex": written})["sex"] == sex


def test_both_readers_read_estimated_years_and_places_alike(tmp_path: Path) -> None:
    rows = [HEADER, ROWS[0],
            "e1,authority,Ahmad,Jasim,,al-Obeidi,,,boy,ca. 1987,,\"Hit, Anbar\",IRQ",
            "e2,authority,Hamad,Jasim,,al-Obeidi,,,M,,1989?,Hit - Iraq,IRQ"]  # fmt: skip
    read = _read_alike(tmp_path, "estimates.csv", rows)
    assert [(r["sex"], r["birth_year"], r["place_of_origin"]) for r in read[1:]] == [
        ("M", "1987", "Hit, Anbar"), ("M", "1989", "Hit - Iraq")]  # fmt: skip


def test_a_person_registered_by_the_kunya_alone_meets_their_alias() -> None:
    # r1's alias is Abu Omar; r3, r1 in Arabic, was registered at a checkpoint by the kunya.
    records = [dict(r) for r in RECORDS]
    records[2].update(given_name="أبو عمر")
    result = dedupe(records)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r3"), "given_name"] == "missing"
    assert pairs.loc[("r1", "r3"), "alias"] != "different"
    assert result.clusters["r1"] == result.clusters["r3"]
    # Abu Bakr and Umm Kulthum are given names, in any spelling (a typo too).
    for given in ("Abu Bakr", "Abou Bakr", "Abu Bajr", "Um Kalsum", "أبو بكر"):
        assert compared_parts({"given_name": given, "father_name": "Ali"}) == {}, given
    assert compared_parts({"given_name": "Umm Ali", "father_name": "Ali"}) == {
        "given_name": "", "alias": "Umm Ali"}  # fmt: skip


def test_a_list_writing_the_fathers_and_grandfathers_names_in_one_column_is_read_as_both() -> None:
    # A list with no grandfather's column writes the father's name and his father's in one.
    rows = [dict(r) for r in RECORDS]
    listed = [
        {**r, "record_id": f"x{r['record_id']}", "source": "list",
         "father_name": f"{r['father_name']} {r['grandfather_name']}", "grandfather_name": ""}
        for r in rows
    ]  # fmt: skip
    result = dedupe(rows + listed)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "xr1"), ["father_name", "grandfather_name"]].tolist() == ["exact"] * 2
    assert result.clusters["r1"] == result.clusters["xr1"]
    assert result.clusters["r1"] != result.clusters["xr4"]
    # A father's two names in a list that writes most fathers as one are one name (Hasan Ali).
    frame = pd.DataFrame(
        [{"record_id": f"c{i}", "source": "camp", "given_name": "Ali", "father_name": f,
          "grandfather_name": ""} for i, f in enumerate(["Hasan Ali", "Jasim", "Omar", "Said", "Adel", "Karim"])]
        + [{"record_id": f"l{i}", "source": "list", "given_name": "Ali", "father_name": f,
            "grandfather_name": ""} for i, f in enumerate(["Hasan Ali", "Jasim Hamad", "Omar"])]
    )  # fmt: skip
    compared = compared_names(frame)
    assert compared["father_name"].tolist() == ["Hasan Ali", "Jasim", "Omar", "Said", "Adel",
                                                "Karim", "Hasan", "Jasim", "Omar"]  # fmt: skip
    assert compared["grandfather_name"].tolist()[6:8] == ["Ali", "Hamad"]


def test_a_given_names_column_holding_the_fathers_name_too_is_the_given_name() -> None:
    # A list writes the name as a person says it (Muhammad Jasim) where the form asks for the
    # first name; the father's name has its own column as well.  It was a silent collapse: 0.52.
    records = [dict(r) for r in RECORDS]
    records[1].update(given_name="Mohamed Jassem")
    records[2].update(given_name="محمد جاسم")
    result = dedupe(records)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r2"), "given_name"] != "different"
    assert result.clusters["r1"] == result.clusters["r2"] == result.clusters["r3"]
    assert compared_parts({"given_name": "Muhammad Jasim", "father_name": "Jassim"}) == {
        "given_name": "Muhammad"}  # fmt: skip
    assert compared_parts({"given_name": "Mehmet Ali", "father_name": "Hasan"}) == {}


@pytest.mark.parametrize(
    ("written", "read"),
    [(("Abd", "Allah", "Mohammed", "Khalid al-Zobaie"),
      ("Abd Allah", "Mohammed", "Khalid", "al-Zobaie")),
     (("Waleed", "Al", "Hussein", ""), ("Waleed", "", "", "Al Hussein")),
     (("صلاح", "الدين", "جاسم", "حمد العبيدي"), ("صلاح الدين", "جاسم", "حمد", "العبيدي"))],
)  # fmt: skip
def test_a_whole_name_split_at_every_space_is_read_again_as_one(written, read) -> None:  # noqa: ANN001
    names = ("given_name", "father_name", "grandfather_name", "family_name")
    parts = compared_parts(dict(zip(names, written, strict=True)))
    assert tuple(parts.get(n, "") for n in names) == read
    frame = compared_names(pd.DataFrame([dict(zip(names, written, strict=True))]))
    assert tuple(frame.iloc[0][list(names)]) == read


def test_a_register_writing_the_fathers_name_as_the_surname_is_read_so() -> None:
    # A European register of the same people: no father's name, the father's name as surname.
    rows = [dict(r) for r in RECORDS]
    register = [
        {**r, "record_id": f"e{r['record_id']}", "source": "register", "family_name":
         r["father_name"], "father_name": "", "grandfather_name": "", "mother_name": ""}
        for r in rows
    ]  # fmt: skip
    compared = compared_names(pd.DataFrame(rows + register))
    assert compared["father_name"].tolist()[len(rows) :] == [r["father_name"] for r in rows]
    assert compared["family_name"].tolist()[len(rows) :] == [r["father_name"] for r in rows]
    assert compared["father_name"].tolist()[: len(rows)] == [r["father_name"] for r in rows]
    result = dedupe(rows + register)
    pairs = result.pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "er1"), "father_name"] == "exact"
    assert result.clusters["er1"] == result.clusters["r1"] != result.clusters["er4"]
    # A list with no fathers whose family names are family names is read as written.
    plain = [{**r, "source": "register", "father_name": ""} for r in register]
    plain = [{**r, "family_name": f"al-{r['family_name']}"} for r in plain]
    compared = compared_names(pd.DataFrame(rows + plain))
    assert set(compared["father_name"].tolist()[len(rows) :]) == {""}


def test_a_list_writing_the_legal_triple_name_compares_its_surname_as_the_grandfather() -> None:
    # Iraqi papers' legal name: given, father, grandfather; the list's "surname" column holds the
    # grandfather's name and it has no grandfather's column.
    rows = [dict(r) for r in RECORDS]
    legal = [
        {**r, "record_id": f"t{r['record_id']}", "source": "legal",
         "family_name": r["grandfather_name"], "grandfather_name": ""}
        for r in rows
    ]  # fmt: skip
    compared = compared_names(pd.DataFrame(rows + legal))
    grandfathers = [r["grandfather_name"] for r in rows]
    assert compared["grandfather_name"].tolist() == grandfathers * 2
    assert compared["family_name"].tolist()[len(rows) :] == grandfathers
    pairs = dedupe(rows + legal).pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "tr1"), "grandfather_name"] == "exact"


def test_the_model_report_counts_the_names_compared_otherwise_than_written() -> None:
    records = [dict(r) for r in RECORDS]
    records[1].update(given_name="Mohamed Jassem", place_of_origin="Heet, Anbar")
    records[2].update(given_name="أبو عمر", mother_name="فاطمة حسن علي")
    report = dedupe(records).report
    assert report.readings == {
        "given names holding the father's name too": 1,
        "kunyas written as the given name, compared as the alias": 1,
        "mothers' whole names, compared by her own name": 1,
        "places with their district, governorate or country": 1,
    }
    line = next(x for x in report.lines() if x.startswith("records whose names are compared"))
    assert "given names holding the father's name too 1" in line
    assert dedupe(RECORDS).report.readings == {}
    assert link(records[:3], records[3:], cluster=False).report.readings


def test_a_family_name_written_with_the_tribes_after_it_agrees_with_the_family_name() -> None:
    from muster.identity.internals.comparisons import field_level_code

    # r3 is r1 in Arabic; its list writes the family name with the tribe's after it.
    records = [dict(r) for r in RECORDS]
    records[2].update(family_name="العبيدي الدليمي")
    pairs = dedupe(records).pair_frame().set_index(["record_id_a", "record_id_b"])
    assert pairs.loc[("r1", "r3"), "family_name"] == "typo"
    # Screening compares as the batch does; one tribe shared is not one family.
    obeidi, both = (
        normalise_name("al-Obeidi", "family"),
        normalise_name("العبيدي الدليمي", "family"),
    )
    assert field_level_code(obeidi, both, "family_name") == 1
    assert (
        field_level_code(both, normalise_name("Alobaidi Aldulaimi", "family"), "family_name") >= 2
    )
    other = normalise_name("al-Jubouri al-Dulaimi", "family")
    assert field_level_code(both, other, "family_name") == 0


def test_a_surname_read_as_the_father_is_not_read_as_the_grandfather_too() -> None:
    # The other lists' fathers' names are their grandfathers' names too (sons named after them);
    # the register writes neither: its surname is the father's, and only the father's.
    names = ["Jasim", "Hamad", "Ali", "Omar"]
    camp = [{"record_id": f"c{i}", "source": "camp", "given_name": "Ahmad", "father_name": f,
             "grandfather_name": names[(i + 1) % 4], "family_name": "al-Obeidi"}
            for i, f in enumerate(names)]  # fmt: skip
    register = [{"record_id": f"r{i}", "source": "register", "given_name": "Ahmad",
                 "father_name": "", "grandfather_name": "", "family_name": f}
                for i, f in enumerate(names)]  # fmt: skip
    compared = compared_names(pd.DataFrame(camp + register))
    assert compared["father_name"].tolist()[4:] == names
    assert compared["grandfather_name"].tolist()[4:] == [""] * 4


def test_a_screening_candidate_says_which_names_were_compared_otherwise_than_written() -> None:
    from muster.identity import ScreeningIndex

    held = {"record_id": "r1", "given_name": "Younis", "father_name": "Muthanna",
            "family_name": "Al-Jubouri", "sex": "M", "birth_year": "1990",
            "place_of_origin": "Al-Fallujah"}  # fmt: skip
    index = ScreeningIndex([held])
    query = {**held, "record_id": "q", "given_name": "Younis Muthanna",
             "place_of_origin": "Al-Fallujah, Anbar", "family_name": "AL-JUBOURI "}  # fmt: skip

    (candidate,) = index.candidates(query)

    given, place = candidate.explanation["given_name"], candidate.explanation["place_of_origin"]
    assert (given["a"], given["a_read"], given["level"]) == ("Younis Muthanna", "Younis", "exact")
    assert place["a_read"] == "Al-Fallujah"
    # Case and spaces are not a reading; the held record's names are as written.
    assert "a_read" not in candidate.explanation["family_name"]
    assert not any("b_read" in item for item in candidate.explanation.values())
    # A kunya written as the given name is compared as the alias, not as a given name.
    (candidate,) = index.candidates({**held, "record_id": "k", "given_name": "Abu Omar"})
    assert candidate.explanation["given_name"]["a_read"] == ""
    assert candidate.explanation["alias"]["a_read"] == "Abu Omar"

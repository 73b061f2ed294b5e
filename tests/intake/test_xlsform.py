"""The household form as an XLSForm: it converts with pyxform, and it asks what reception asks."""

import re

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from muster.cli import main
from muster.identity import NAME_PARTS
from muster.intake import kobo
from muster.intake.xlsform import household_form, write_xlsform
from muster.people.models import PROTECTION_FLAGS, DobPrecision, IdentityDocument, Relationship, Sex

ARABIC = re.compile("[\u0600-\u06ff]")
POINTS = [("7", "Reception Point 1"), ("9", "Hasakah Gate")]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_xlsform(tmp_path_factory.mktemp("form") / "household.xlsx", POINTS)


@pytest.fixture(scope="module")
def xform(workbook):
    result = convert(xlsform=str(workbook), validate=False)
    assert result.warnings == []
    return result.xform


def test_the_workbook_converts_with_pyxform_into_a_repeat_of_members_in_two_languages(xform):
    assert '<repeat nodeset="/data/members"' in xform
    # "Not yet named" spares the given name (a child only), and asks the age under a year.
    nyn = re.search(r'<bind nodeset="/data/members/not_yet_named"[^>]*>', xform)[0]
    assert "relevant=\" ../relationship_to_head  != 'head'" in nyn
    given = re.search(r'<bind nodeset="/data/members/given_name"[^>]*>', xform)[0]
    assert "required=\" ../not_yet_named  != 'yes'\"" in given
    assert "relevant=\" ../not_yet_named  != 'yes'\"" in given
    age = re.search(r'<bind nodeset="/data/members/estimated_age"[^>]*>', xform)[0]
    assert "not( ../not_yet_named  = 'yes') or . = 0" in age
    assert "لم يُسمَّ بعد" in xform
    assert 'lang="English (en)"' in xform and 'lang="Arabic (ar)"' in xform
    assert "اسم الأب" in xform  # Father's name, from Muster's Arabic catalogue
    assert "Reception Point 1" in xform


def test_the_workbook_has_survey_choices_and_settings_sheets(workbook):
    book = load_workbook(workbook)
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in book["survey"][1]]
    for column in ("label::English (en)", "label::Arabic (ar)", "hint::Arabic (ar)", "constraint"):
        assert column in header
    settings = {
        c.value: v.value for c, v in zip(book["settings"][1], book["settings"][2], strict=True)
    }
    assert settings["form_id"] == "muster_household" and settings["version"]


def _choices(form, list_name):
    return [row["name"] for row in form["choices"] if row["list_name"] == list_name]


def test_choice_lists_are_musters_own():
    form = household_form(POINTS)
    assert _choices(form, "relationship") == Relationship.values
    assert _choices(form, "sex") == Sex.values
    assert _choices(form, "dob_known") == DobPrecision.values
    assert _choices(form, "vulnerability") == list(PROTECTION_FLAGS)
    assert _choices(form, "doc_type") == IdentityDocument.Kind.values
    assert _choices(form, "reception_point") == ["7", "9"]
    assert _choices(form, "yes_no") == ["yes", "no"]


def test_question_names_are_those_the_kobo_import_reads():
    survey = household_form(POINTS)["survey"]
    names = [row["name"] for row in survey]
    start, end = names.index(kobo.REPEAT), len(names) - 1
    assert survey[start]["type"] == "begin_repeat" and survey[end]["type"] == "end_repeat"
    assert tuple(names[start + 1 : end]) == kobo.MEMBER_FIELDS
    assert kobo.RECEPTION_POINT in names[:start]
    assert kobo.NAME_FIELDS == tuple(NAME_PARTS)


def test_every_label_hint_and_message_has_arabic():
    form = household_form(POINTS)
    for row in [*form["survey"], *form["choices"]]:
        for key, english in row.items():
            if not key.endswith("::English (en)") or not english:
                continue
            arabic = row[key.replace("English (en)", "Arabic (ar)")]
            if row.get("list_name") == "reception_point":
                assert arabic == english  # a place's name
            else:
                assert ARABIC.search(arabic), (row["name"], key, arabic)


def test_constraints_mirror_musters_validation():
    survey = {row["name"]: row for row in household_form(POINTS)["survey"]}
    # Required unless the baby is not yet named (then the date, year or age says under a year).
    assert survey["given_name"]["required"] == "${not_yet_named} != 'yes'"
    assert survey["dob_known"]["required"] == "${not_yet_named} = 'yes'"
    assert "(not(${not_yet_named} = 'yes') or . = 0)" in survey["estimated_age"]["constraint"]
    assert "<= 200" in survey["given_name"]["constraint"]
    assert "today()" in survey["date_of_birth"]["constraint"]
    assert "1900" in survey["date_of_birth"]["constraint"]
    assert "1900" in survey["birth_year"]["constraint"]
    assert "format-date(today(), '%Y')" in survey["birth_year"]["constraint"]
    assert "<= 120" in survey["estimated_age"]["constraint"]
    assert "[A-Z]{3}" in survey["nationality"]["constraint"]
    assert "position(..) = 1 and . = 'head'" in survey["relationship_to_head"]["constraint"]
    assert survey["doc_number"]["constraint"] == "string-length(.) <= 60"


def test_without_reception_points_the_point_is_typed_and_the_form_still_converts(tmp_path):
    path = write_xlsform(tmp_path / "f.xlsx", [])
    assert convert(xlsform=str(path), validate=False).warnings == []
    survey = {row["name"]: row for row in household_form([])["survey"]}
    assert survey[kobo.RECEPTION_POINT]["type"] == "text"


def test_same_form_same_version_and_a_new_point_a_new_version():
    version = household_form(POINTS)["settings"][0]["version"]
    assert household_form(POINTS)["settings"][0]["version"] == version
    assert household_form([*POINTS, ("11", "New Gate")])["settings"][0]["version"] != version


def test_cli_writes_the_form_with_the_active_reception_points(facilities, tmp_path, capsys):
    out = tmp_path / "household.xlsx"
    assert main(["forms", "xlsform", "--out", str(out)]) == 0
    assert "1 reception point(s)" in capsys.readouterr().out
    xform = convert(xlsform=str(out), validate=False).xform
    assert "Reception Point 1" in xform and "Al-Hol Camp" not in xform


def test_cli_refuses_a_missing_folder_in_one_line(db, tmp_path, capsys):
    assert main(["forms", "xlsform", "--out", str(tmp_path / "no" / "f.xlsx")]) == 1
    err = capsys.readouterr().err.strip()
    assert "not found" in err and "\n" not in err

"""Syrian and Iraqi ID numbers and civil-registry references: garbage refused, plausible forms kept."""

import doctest

import pytest

from muster.intake import documents, mrz
from muster.intake.documents import check_document_number
from muster.intake.kobo import document_problems


@pytest.mark.parametrize(
    "number, stored",
    [
        ("01020304056", "01020304056"),
        ("٠١٠٢٠٣٠٤٠٥٦", "01020304056"),  # typed with Arabic-Indic digits
        ("010-203-040 56", "01020304056"),  # grouped as read out
    ],
)
def test_syrian_national_number_is_11_digits_stored_in_ascii(number, stored):
    result = check_document_number("national_id", "SYR", number)
    assert result.ok and result.number == stored and "11 digits" in result.format


@pytest.mark.parametrize("number", ["12345", "0102030405A", "11111111111", "محمد", "010203040561"])
def test_syrian_national_number_garbage_is_refused_naming_the_format(number):
    result = check_document_number("national_id", "SYR", number)
    assert not result.ok and ("11 digits" in result.problems[0] or "repeated" in result.problems[0])


@pytest.mark.parametrize(
    "number, kind",
    [
        ("199012345678", "12 digits"),  # unified card national number
        ("a12345678", "9 characters"),  # the card's own number, as in its MRZ
        ("1234567", "civil status"),  # older civil status ID
    ],
)
def test_iraqi_numbers_of_the_unified_card_and_the_old_civil_status_id(number, kind):
    result = check_document_number("national_id", "IRQ", number)
    assert result.ok and kind in result.format
    assert result.number == number.upper()


@pytest.mark.parametrize("number", ["ABCDEFGHI", "12", "000000000000", "1234567890123", "N/A"])
def test_iraqi_id_garbage_is_refused(number):
    assert not check_document_number("national_id", "IRQ", number).ok


@pytest.mark.parametrize(
    "reference", ["الحسكة / القامشلي / ١٢٣٤", "Hasakah/Qamishli/1234", "سجل 12 صحيفة 34", "قيد 77"]
)
def test_family_booklet_references_name_a_place_and_a_record(reference):
    result = check_document_number("family_booklet", "SYR", reference)
    assert result.ok and "civil-registry" in result.format


@pytest.mark.parametrize(
    "reference, problem",
    [("Hasakah", "no record number"), ("<script>", "letters, digits"), ("x" * 61, "too long")],
)
def test_family_booklet_garbage_is_refused(reference, problem):
    result = check_document_number("family_booklet", "SYR", reference)
    assert not result.ok and problem in result.problems[0]


def test_other_documents_only_need_a_plausible_number():
    assert check_document_number("passport", "SYR", "N012345678").ok
    assert check_document_number("national_id", "TUR", "12345678901").ok
    assert not check_document_number("birth_certificate", "SYR", "؟؟؟").ok
    assert check_document_number("passport", "SYR", "  ").problems == ["is empty"]


def test_an_imported_syrian_id_of_the_wrong_length_is_refused_by_the_import():
    doc = {"doc_type": "national_id", "number": "٠١٢٣", "issuing_country": "SYR", "mrz": ""}
    problems = document_problems(doc)
    assert problems and problems[0][0] == "doc_number" and "11 digits" in problems[0][1]
    good = {"doc_type": "national_id", "number": "٠١٠٢٠٣٠٤٠٥٦", "issuing_country": "SYR", "mrz": ""}
    assert document_problems(good) == [] and good["number"] == "01020304056"


@pytest.mark.parametrize("module", [documents, mrz])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed

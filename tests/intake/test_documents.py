"""Syrian and Iraqi ID numbers and civil-registry references: garbage refused, plausible forms kept."""

import doctest

import pytest

from muster.intake import documents, mrz
from muster.intake.documents import check_document_number
from muster.intake.kobo import document_problems
from muster.intake.mrz import parse as mrz_parse


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


@pytest.mark.parametrize("module", [documents, mrz, mrz_parse])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed


# -- at reception: the same checks on the form, the API and late members --------------------------


def test_reception_refuses_a_syrian_national_number_of_the_wrong_length_beside_the_field(
    facilities, login, make_user, household_data
):
    from django.urls import reverse

    from muster.people.models import Person
    from tests.factories import household_post

    client = login(make_user("registration_officer"))
    household_data[0]["documents"] = [
        {"doc_type": "national_id", "number": "12345", "issuing_country": "SYR"}
    ]
    response = client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('name="members[0].documents[0].number"')
    assert (
        "is not a Syrian national number (11 digits" in html[start : html.index("</label>", start)]
    )
    assert not Person.objects.exists()


def test_reception_stores_a_national_number_typed_in_arabic_digits_in_ascii(
    facilities, make_user, household_data
):
    from muster.intake import services as intake
    from muster.people.models import IdentityDocument
    from muster.people.validation import clean_household

    household_data[0]["documents"] = [
        {"doc_type": "national_id", "number": "١٩٩٠ ١٢٣٤ ٥٦٧٨", "issuing_country": "IRQ"},
        {"doc_type": "family_booklet", "number": "سجل 12 صحيفة 34", "issuing_country": "IRQ"},
    ]
    intake.register_household(
        clean_household(household_data),
        reception_point=facilities["reception"],
        by=make_user("registration_officer"),
    )
    assert sorted(IdentityDocument.objects.values_list("number", flat=True)) == [
        "199012345678",
        "سجل 12 صحيفة 34",
    ]


def test_a_late_member_with_a_family_booklet_without_a_record_number_is_refused(
    registered, facilities, make_user
):
    from django.core.exceptions import ValidationError

    from muster.intake import services as intake
    from muster.people.validation import clean_member

    member = clean_member(
        {"given_name": "Sara", "sex": "F", "birth_year": "2019", "relationship_to_head": "daughter",
         "documents": [{"doc_type": "family_booklet", "number": "Hasakah"}]}
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        intake.register_late_member(
            registered, member, reception_point=facilities["reception"], by=make_user()
        )
    assert "has no record number" in caught.value.message_dict["members[0].documents[0].number"][0]
    assert registered.members.count() == 3


def test_document_messages_are_translated(settings):
    from django.utils import translation

    with translation.override("ar"):
        problem = check_document_number("national_id", "SYR", "123").problems[0]
    assert "123" in problem and "11" in problem and "Syrian" not in problem

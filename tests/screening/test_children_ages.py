"""The children list's approximate age reads in the page's language: "about 9" / "نحو 9", never a
"~" that an Arabic line puts on the wrong side of the number."""

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_of_a_year_only(facilities, household_data):
    members = household_data + [
        {
            "given_name": "Hala",
            "father_name": "Muhammad",
            "family_name": "al-Obeidi",
            "sex": "F",
            "birth_year": "2017",
            "nationality": "IRQ",
            "relationship_to_head": "daughter",
            "separated_child": True,
        }
    ]
    household = factories.household(members, reception_point=facilities["reception"])
    return household.members.get(given_name="Hala")


def _age_cell(html: str, number: str) -> str:
    row = next(r for r in html.split("<tr>") if f">{number}<" in r)
    return re.findall(r'<td class="num">(.*?)</td>', row)[0]


@pytest.mark.parametrize(
    ("language", "word"), [("en", "about"), ("ar", "نحو"), ("ckb", "نزیکەی"), ("kmr", "nêzîkî")]
)
def test_an_approximate_age_says_about_in_the_pages_language(
    child_of_a_year_only, web_as, language, word
):
    _, caseworker = web_as("tracing_caseworker")
    caseworker.cookies["django_language"] = language
    html = caseworker.get(reverse("children-list")).content.decode()
    cell = _age_cell(html, child_of_a_year_only.number)
    assert "~" not in cell
    assert re.search(rf"{word} \d+", cell), cell


def test_an_exact_age_is_the_number_alone(registered, web_as):
    omar = registered.members.get(given_name="Omar")  # born on a known day
    _, caseworker = web_as("tracing_caseworker")
    caseworker.cookies["django_language"] = "ar"
    cell = _age_cell(caseworker.get(reverse("children-list")).content.decode(), omar.number)
    assert re.fullmatch(r"\d+", cell), cell

"""Input in the field: Arabic-Indic digits, flags that contradict sex or age, the children list,
the reception match box, and an error summary at the top of a long household form."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from muster.people.validation import clean_member
from tests.factories import household_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["٢٠١٥-٠٣-٠٢", "۲۰۱۵-۰۳-۰۲"],
)
def test_arabic_indic_digits_in_a_date_of_birth_are_stored_ascii(typed):
    assert clean_member({"given_name": "عمر", "date_of_birth": typed})["date_of_birth"] == dt.date(
        2015, 3, 2
    )


def test_arabic_indic_digits_in_a_document_number_are_stored_ascii():
    doc = {"doc_type": "national_id", "number": "١٢٣٤٥٦"}
    assert clean_member({"given_name": "عمر", "documents": [doc]})["documents"][0]["number"] == (
        "123456"
    )


def test_a_46_year_old_man_cannot_be_pregnant_or_an_unaccompanied_child():
    with pytest.raises(ValidationError) as refused:
        clean_member(
            {
                "given_name": "Khalid",
                "sex": "M",
                "estimated_age": "46",
                "pregnant": True,
                "unaccompanied_child": True,
            },
            today=dt.date(2026, 12, 1),
        )
    errors = refused.value.message_dict
    assert "male" in errors["pregnant"][0]
    assert "under 18" in errors["unaccompanied_child"][0]


def test_a_girl_of_eight_cannot_be_pregnant_but_may_be_separated():
    with pytest.raises(ValidationError) as refused:
        clean_member(
            {"given_name": "Nadia", "sex": "F", "date_of_birth": "2018-01-01", "pregnant": True},
            today=dt.date(2026, 12, 1),
        )
    assert "under 12" in refused.value.message_dict["pregnant"][0]
    cleaned = clean_member(
        {"given_name": "Nadia", "sex": "F", "date_of_birth": "2018-01-01", "separated_child": True},
        today=dt.date(2026, 12, 1),
    )
    assert cleaned["separated_child"]


def test_the_children_list_has_only_under_18s_with_their_age(
    facilities, make_user, login, household_data
):
    from muster.intake import services as intake
    from muster.people.models import Person
    from muster.people.validation import clean_household

    head = household_data[0]
    intake.register_household(
        clean_household([head, {**household_data[2], "date_of_birth": "2015-03-02"}]),
        reception_point=facilities["reception"],
        by=make_user("registration_officer"),
    )
    # An adult flagged before the consistency check existed (or through a bulk load).
    Person.objects.filter(given_name="Muhammad").update(separated_child=True)
    client = login(make_user("screening_officer"))
    html = client.get(reverse("children-list")).content.decode()
    head_number = Person.objects.get(given_name="Muhammad").number
    assert "Omar" in html and head_number not in html
    assert "<th>Age</th>" in html
    age = dt.date.today().year - 2015 - (dt.date.today() < dt.date(dt.date.today().year, 3, 2))
    assert f'<td class="num">{age}</td>' in html


def test_the_match_box_offers_no_child_for_an_old_man_and_no_merged_record(
    registered, officer_client
):
    url = reverse("reception-matches")
    son = registered.members.get(relationship_to_head="son")
    query = {"members[1].given_name": "Omar", "members[1].father_name": "Muhammad"}
    assert son.number in officer_client.get(url, query).content.decode()
    old = {**query, "members[1].estimated_age": "72"}
    assert son.number not in officer_client.get(url, old).content.decode()
    young = {**query, "members[1].birth_year": "٢٠١٤"}
    assert son.number in officer_client.get(url, young).content.decode()
    head = registered.members.get(relationship_to_head="head")
    type(son).objects.filter(pk=son.pk).update(merged_into=head)
    assert son.number not in officer_client.get(url, young).content.decode()


def test_errors_on_the_fourth_member_are_summarised_at_the_top(
    facilities, officer_client, household_data
):
    members = household_data + [
        {"given_name": "Sara", "sex": "F", "date_of_birth": "not a date", "pregnant": True}
    ]
    members[3]["relationship_to_head"] = "daughter"
    response = officer_client.post(
        reverse("reception"), household_post(members, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split("data-error-summary")[1].split("</div>")[0]
    assert (
        'href="#member-3"' in summary and 'data-focus-field="members[3].date_of_birth"' in summary
    )
    assert "Person 4" in summary and "Date of birth" in summary
    assert 'id="member-3"' in html
    assert html.index("data-error-summary") < html.index('id="member-0"')


def test_every_date_is_typed_as_year_month_day_never_the_browsers_picker():
    """A browser's date picker follows the laptop's locale (mm/dd/yyyy on an English Windows), not
    the page's language: every date field is typed as YYYY-MM-DD, as the date of birth is."""
    from pathlib import Path

    import muster

    templates = Path(muster.__file__).parent / "templates"
    pickers = [p.name for p in templates.rglob("*.html") if 'type="date"' in p.read_text()]
    assert pickers == []


def test_arabic_indic_digits_in_a_documents_expiry_are_read():
    doc = {"doc_type": "passport", "number": "N1234567", "expires_on": "٢٠٣٠-٠١-٣١"}
    cleaned = clean_member({"given_name": "عمر", "documents": [doc]})["documents"][0]
    assert cleaned["expires_on"] == dt.date(2030, 1, 31)


@pytest.mark.parametrize("language", ["en", "ar", "ckb", "kmr"])
def test_the_estimated_age_has_one_name_on_the_form_and_in_its_error(
    facilities, officer_client, household_data, language
):
    # In Kurmanji the field read "an temenê texmînî" and its error "Temenê texmînkirî": two terms.
    members = [{**household_data[0], "date_of_birth": "", "estimated_age": "300"}]
    officer_client.cookies["django_language"] = language
    response = officer_client.post(
        reverse("reception"), household_post(members, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    label = html.split('name="members[0].estimated_age"')[0].rsplit("<label>", 1)[1]
    summary = html.split("data-error-summary")[1].split("</div>")[0]
    # "Person 1 · <the field's name> · <the error>", the link to the estimated age.
    line = re.search(r'data-focus-field="members\[0\]\.estimated_age">([^<]*)</a>', summary)[1]
    named = line.split(" · ")[1]
    with translation.override(language):
        term = translation.gettext("Estimated age")
    assert named == term, (named, line)
    assert term.lower() in label.lower(), (term, label)

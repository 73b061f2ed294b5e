"""Registering a household through the reception form: one page, head first, nothing half-written."""

import pytest
from django.urls import reverse
from django.utils import translation

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.people.models import Household, IdentityDocument, Person
from tests.factories import household_post

pytestmark = pytest.mark.django_db


def test_officer_registers_a_family_of_three_and_lands_on_the_head(
    facilities, officer_client, household_data
):
    household_data[0]["documents"] = [
        {"doc_type": "national_id", "number": "01234567", "issuing_country": "irq", "mrz": ""}
    ]
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 302
    head = Person.objects.get(relationship_to_head="head")
    assert response["Location"] == reverse("person-detail", kwargs={"number": head.number})
    assert head.household.members.count() == 3
    assert IdentityDocument.objects.get(person=head).issuing_country == "IRQ"
    son = Person.objects.get(given_name="Omar")
    assert son.separated_child is True and son.date_of_birth.isoformat() == "2015-03-02"
    spouse = Person.objects.get(relationship_to_head="spouse")
    assert spouse.dob_precision == "estimated"
    assert custody.population(facilities["reception"]) == 3

    page = officer_client.get(response["Location"])
    assert f"Household {head.household.number} registered" in page.content.decode()
    assert b"clear-draft" in page.content  # tells the page script to drop the saved draft


def test_reception_point_is_remembered_for_the_next_family(
    facilities, officer_client, household_data
):
    officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    page = officer_client.get(reverse("reception")).content.decode()
    assert f'<option value="{facilities["reception"].pk}" selected>' in page


@pytest.mark.parametrize(
    "member, field, value, message",
    [
        (2, "date_of_birth", "2015-13-02", "is not a date"),
        (1, "given_name", "", "is required"),
        (2, "relationship_to_head", "cousin", "is not a known relationship"),
        # Three letters but no country: stored, it read as a nationality on manifests and exports.
        (1, "nationality", "ZZZ", "&#x27;ZZZ&#x27; is not an ISO 3166 alpha-3 code"),
    ],
)
def test_bad_member_field_is_shown_beside_it_and_nothing_is_written(
    facilities, officer_client, household_data, member, field, value, message
):
    household_data[member][field] = value
    audit_before = AuditEvent.objects.count()
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The message sits inside the label of the very input that was wrong.
    name = f"members[{member}].{field}"
    start = html.index(f'name="{name}"')
    label_end = html.index("</label>", start)
    assert message in html[start:label_end]
    # Everything typed is still there, the other members included.
    assert 'value="Muhammad"' in html and 'value="الجبوري"' in html and 'value="Omar"' in html
    if field == "relationship_to_head":
        assert '<option value="cousin" selected>' in html
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_a_refusal_on_the_page_carries_its_stable_code(facilities, officer_client, household_data):
    """The page shows the message; the element that shows it carries the code the API returns."""
    household_data[1]["date_of_birth"] = "1985-13-02"
    data = household_post(household_data, facilities["reception"])
    data["reception_point"] = ""
    response = officer_client.post(reverse("reception"), data)
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('name="members[1].date_of_birth"')
    assert '<li data-code="not_a_date">' in html[start : html.index("</label>", start)]
    assert '<li data-code="required">' in html  # the reception point the view asks for
    summary = html[html.index("data-error-summary") :]
    assert '<li data-code="not_a_date">' in summary[: summary.index("</div>")]
    assert Person.objects.count() == 0


def test_document_error_is_shown_beside_the_document(facilities, officer_client, household_data):
    household_data[1]["documents"] = [
        {"doc_type": "passport", "number": "", "issuing_country": "SY"}
    ]
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('name="members[1].documents[0].number"')
    assert "is required for a document" in html[start : html.index("</label>", start)]
    start = html.index('name="members[1].documents[0].issuing_country"')
    assert "alpha-3" in html[start : html.index("</label>", start)]
    assert Person.objects.count() == 0


def test_every_problem_is_shown_at_once_a_document_number_too(
    facilities, officer_client, household_data
):
    """A wrong date and a national number of the wrong format, both on the first answer: the
    officer is not sent back a second time for the number after fixing the date."""
    household_data[2]["date_of_birth"] = "2015-13-02"
    household_data[0]["documents"] = [
        {"doc_type": "national_id", "number": "SY123456789", "issuing_country": "SYR"}
    ]
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('name="members[2].date_of_birth"')
    assert "is not a date" in html[start : html.index("</label>", start)]
    start = html.index('name="members[0].documents[0].number"')
    label = html[start : html.index("</label>", start)]
    assert "is not a Syrian national number (11 digits" in label
    assert 'value="SY123456789"' in html  # as typed, not as the check normalised it
    summary = html[html.index("data-error-summary") :]
    assert "Syrian national number" in summary[: summary.index("</div>")]
    assert Person.objects.count() == 0


@pytest.mark.parametrize("member", [0, 1])
def test_a_bad_number_after_an_empty_document_row_is_shown_beside_the_row_it_was_typed_in(
    facilities, officer_client, household_data, member
):
    """The officer leaves the first document row empty and types a wrong national number in the
    second: the problem sits beside the second row, and the first stays empty."""
    household_data[member]["documents"] = [
        {"doc_type": "", "number": "", "issuing_country": "", "mrz": ""},
        {"doc_type": "national_id", "number": "SY123456789", "issuing_country": "SYR", "mrz": ""},
    ]
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 400
    html = response.content.decode()
    typed = html.index(f'name="members[{member}].documents[1].number"')
    assert 'value="SY123456789"' in html[typed : html.index("</label>", typed)]
    assert "is not a Syrian national number" in html[typed : html.index("</label>", typed)]
    empty = html.index(f'name="members[{member}].documents[0].number"')
    label = html[empty : html.index("</label>", empty)]
    assert "Syrian national number" not in label and 'value=""' in label
    assert Person.objects.count() == 0


def test_names_with_html_and_arabic_are_stored_exactly_and_shown_escaped(
    facilities, officer_client, household_data
):
    household_data[0]["given_name"] = '<script>alert("x")</script>'
    household_data[0]["family_name"] = "العبيدي"
    household_data[1]["alias"] = "أم عمر & <b>"
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 302
    head = Person.objects.get(relationship_to_head="head")
    assert head.given_name == '<script>alert("x")</script>'
    assert head.family_name == "العبيدي"
    assert Person.objects.get(relationship_to_head="spouse").alias == "أم عمر & <b>"
    html = officer_client.get(response["Location"]).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "العبيدي" in html


def test_name_with_bidi_override_is_flagged_hidden_characters(
    facilities, officer_client, household_data
):
    household_data[0]["given_name"] = "Ahmad\u202eدمحا"
    response = officer_client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 302
    assert Person.objects.get(relationship_to_head="head").given_name == "Ahmad\u202eدمحا"
    html = officer_client.get(response["Location"]).content.decode()
    assert "hidden characters" in html


def test_full_reception_point_asks_for_an_override_reason_then_accepts_it(
    facilities, officer_client, household_data
):
    point = facilities["reception"]
    point.capacity = 2
    point.save()
    data = household_post(household_data, point)
    response = officer_client.post(reverse("reception"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "has room for 2 more" in html and 'name="override_reason"' in html
    assert Person.objects.count() == 0

    data["override_reason"] = "no transport to the camps before morning"
    response = officer_client.post(reverse("reception"), data)
    assert response.status_code == 302
    assert Person.objects.count() == 3


def test_form_shows_head_row_and_templates_for_inline_members(facilities, officer_client):
    html = officer_client.get(reverse("reception")).content.decode()
    assert 'name="members[0].given_name"' in html
    assert 'id="member-template"' in html and 'name="members[__i__].given_name"' in html
    assert 'name="members[0].nationality" value="SYR"' in html
    assert 'data-draft-key="muster:reception:' in html


def test_people_without_the_register_action_cannot_open_reception(
    facilities, make_user, login, household_data
):
    client = login(make_user("coordinator"))
    assert client.get(reverse("reception")).status_code == 403
    response = client.post(
        reverse("reception"), household_post(household_data, facilities["reception"])
    )
    assert response.status_code == 403
    assert Person.objects.count() == 0


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("reception"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_officer_is_warned_of_a_possible_earlier_registration(registered, officer_client):
    url = reverse("reception-matches")
    html = officer_client.get(
        url, {"members[3].given_name": "محمد", "members[3].father_name": "Jassem"}
    ).content.decode()
    head = registered.members.get(relationship_to_head="head")
    assert "Possible earlier registration" in html and head.number in html
    assert "Reception Point 1" in html
    event = AuditEvent.objects.filter(action="person.search").last()
    assert event.detail["context"] == "reception" and "Jassem" not in str(event.detail)
    # A given name alone is too common to mean anything.
    assert officer_client.get(url, {"members[0].given_name": "Muhammad"}).content.strip() == b""


def test_each_member_row_asks_for_matches_when_a_name_field_changes(facilities, officer_client):
    html = officer_client.get(reverse("reception")).content.decode()
    assert f'hx-get="{reverse("reception-matches")}"' in html
    assert 'class="nm" name="members[0].family_name"' in html


def test_officer_is_told_when_the_given_name_holds_the_fathers_name_too(officer_client):
    # The name as a person says it (Muhammad Jasim, his father Jasim) typed in the given name's
    # box: matching reads it without the father's name, but the record should say it as the form
    # asks, and the officer can still move it while the family stands at the desk.
    url = reverse("reception-matches")
    said = {"members[0].given_name": "Muhammad Jasim", "members[0].father_name": "Jasim"}

    html = officer_client.get(url, said).content.decode()

    assert 'data-testid="given-with-father"' in html
    assert 'Write the given name alone (<bdi dir="auto">Muhammad</bdi>)' in html
    # Arabic script, and a typo in the father's name, alike.
    arabic = {"members[0].given_name": "محمد جاسم", "members[0].father_name": "جاسم"}
    assert "given-with-father" in officer_client.get(url, arabic).content.decode()
    # A compound given name, a kunya, or a second name that is not the father's: nothing said.
    for given, father in (
        ("Abd al-Rahman", "Ali"),
        ("Abu Omar", "Omar"),
        ("Muhammad Ali", "Jasim"),
    ):
        typed = {"members[0].given_name": given, "members[0].father_name": father}
        assert "given-with-father" not in officer_client.get(url, typed).content.decode(), given
    with translation.override("ar"):  # restores the language after, so no other test reads Arabic
        html = officer_client.get(url, said, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'اكتب الاسم وحده (<bdi dir="auto">Muhammad</bdi>)' in html


def test_the_possible_match_names_the_reception_point_that_registered_them(
    registered, facilities, officer_client, make_user
):
    # Moved on to a camp, the earlier registration read "· a facility": the officer could not
    # tell where they had been registered, which the policy lets them read.
    from muster.custody import services as custody

    head = registered.members.get(relationship_to_head="head")
    people = list(registered.members.all())
    movement = custody.dispatch(
        people, from_facility=facilities["reception"], to_facility=facilities["camp"],
        by=make_user("camp_manager"),
    )  # fmt: skip
    custody.receive(movement, people, by=make_user("camp_manager"))
    html = officer_client.get(
        reverse("reception-matches"),
        {"members[3].given_name": "محمد", "members[3].father_name": "Jassem"},
    ).content.decode()
    assert head.number in html
    assert 'data-testid="registered-at">Reception Point 1<' in html
    # Where they are now, as the policy lets a registration officer read it (a camp's name tells
    # a category: not theirs to read).
    assert 'data-testid="now-at">a facility<' in html and "Al-Hol" not in html

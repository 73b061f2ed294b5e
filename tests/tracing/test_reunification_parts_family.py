"""A child's reunification that would part her from the parents registered with her at the camp:
the caseworker sees the household and where each member is before starting it, must confirm the
parting with a reason, and the decision is in the audit log."""

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.custody import services as custody
from muster.tracing import services as tracing
from muster.tracing.models import TracingCandidate
from tests import factories

pytestmark = pytest.mark.django_db

FAMILY = [
    {"given_name": "Khalaf", "father_name": "Hesso", "family_name": "Murad", "sex": "M",
     "birth_year": "1980", "place_of_origin": "Kocho", "relationship_to_head": "head"},
    {"given_name": "Gulistan", "father_name": "Elias", "family_name": "Qasim", "sex": "F",
     "birth_year": "1984", "place_of_origin": "Kocho", "relationship_to_head": "spouse"},
    {"given_name": "Jamila", "father_name": "Khalaf", "grandfather_name": "Hesso",
     "family_name": "Murad", "mother_name": "Gulistan", "sex": "F", "date_of_birth": "2016-04-02",
     "place_of_origin": "Kocho", "relationship_to_head": "daughter"},
    {"given_name": "Dilshad", "father_name": "Khalaf", "family_name": "Murad", "sex": "M",
     "date_of_birth": "2013-01-20", "place_of_origin": "Kocho", "relationship_to_head": "son"},
]  # fmt: skip
REQUEST = {
    "given_name": "Jamila",
    "father_name": "Khalaf",
    "grandfather_name": "Hesso",
    "family_name": "Murad",
    "mother_name": "Gulistan",
    "sex": "F",
    "birth_year": "2016",
    "separation_date": "2020-08-15",
    "separation_place": "Kocho",
    "requester_name": "Hesso Murad",
    "requester_relationship": "grandfather",
    "requester_contact": "+964 750 222 2222",
}


@pytest.fixture
def at_the_camp_with_her_parents(
    small_registry, facilities, caseworkers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        family = factories.household(
            [dict(m) for m in FAMILY], reception_point=facilities["reception"]
        )
        req = tracing.open_request(REQUEST, by=caseworkers[0])
    members = list(family.members.order_by("id"))
    camp = facilities["family_camp"]
    movement = custody.dispatch(
        members, from_facility=facilities["reception"], to_facility=camp,
        by=factories.user("camp_manager", facility=facilities["reception"]),
    )  # fmt: skip
    custody.receive(movement, members, by=factories.user("camp_manager", facility=camp))
    girl = members[2]
    candidate = TracingCandidate.objects.get(request=req, person=girl)
    for caseworker, reason in zip(
        caseworkers, ("she knows her grandfather", "documents seen"), strict=True
    ):
        tracing.decide_candidate(candidate, decision="confirm", reason=reason, by=caseworker)
    req.refresh_from_db()
    tracing.record_best_interests(
        req, outcome="reunify", reasoning="grandfather able to care", candidate=candidate,
        by=caseworkers[0],
    )  # fmt: skip
    return req, members


BODY = {"receiving": "Hesso Murad", "destination_name": "Sinjar"}


def test_the_caseworker_sees_the_family_and_must_confirm_parting_the_child_from_them(
    at_the_camp_with_her_parents, caseworkers
):
    req, (father, mother, girl, brother) = at_the_camp_with_her_parents
    web = factories.signed_in(caseworkers[0])
    detail = reverse("tracing-request", args=[req.number])
    page = web.get(detail).content.decode()
    relatives = page.split('data-testid="relatives"')[1].split("</table>")[0]
    for member in (father, mother, brother):
        row = relatives.split(f">{member.number}</a>")[1].split("</tr>")[0]
        # Where each is: with her (the family camp's name is not the caseworker's to read).
        assert 'data-testid="with-person"' in row
    assert girl.number not in relatives
    assert "Family Camp" not in page
    warning = page.split('data-testid="parts-from-caregiver"')[1].split("</p>")[0]
    # It names the adults it parts her from; her brother (a child) is listed, not parted.
    assert father.number in warning and mother.number in warning
    assert brother.number not in warning
    assert 'name="separation_confirmed"' in page and 'name="separation_reason"' in page

    url = reverse("tracing-reunify", args=[req.number])
    refused = web.post(url, BODY, follow=True).content.decode()
    assert 'data-code="parts_from_caregiver"' in refused
    assert father.number in refused and mother.number in refused
    req.refresh_from_db()
    assert req.reunification_id is None
    # Ticked without a reason is no decision either.
    web.post(url, {**BODY, "separation_confirmed": "yes"})
    req.refresh_from_db()
    assert req.reunification_id is None

    reason = "court named her grandfather guardian; care by the parents assessed unsafe"
    web.post(url, {**BODY, "separation_confirmed": "yes", "separation_reason": reason})
    req.refresh_from_db()
    assert req.reunification_id is not None
    event = AuditEvent.objects.filter(action="tracing.reunify").last()
    assert event.actor_username == caseworkers[0].username
    assert event.detail["reason"] == reason
    assert set(event.detail["parted_from"]) == {father.number, mother.number}
    shown = AuditEvent.objects.filter(detail__view="tracing-reunify-household")
    assert shown.exists()


def test_the_api_refuses_it_without_the_confirmation_too(at_the_camp_with_her_parents, caseworkers):
    """The rule is the service's: no door goes around it."""
    req, _members = at_the_camp_with_her_parents
    client = factories.JsonClient(factories.signed_in(caseworkers[1]))
    response = client.post(f"/api/tracing-requests/{req.number}/reunify/", BODY)
    assert response.status_code == 400
    assert "separation_reason" in response.json()
    response = client.post(
        f"/api/tracing-requests/{req.number}/reunify/",
        {**BODY, "separation_confirmed": True, "separation_reason": "guardian named by court"},
    )
    assert response.status_code == 200, response.content


def test_the_refusal_to_part_her_is_told_beside_the_reason_in_the_form_sent(
    at_the_camp_with_her_parents, caseworkers
):
    # It came back as a message at the top of the page after a redirect, far from the box
    # where the reason is typed.
    req, (father, mother, _girl, _brother) = at_the_camp_with_her_parents
    web = factories.signed_in(caseworkers[0])
    url = reverse("tracing-reunify", args=[req.number])
    response = web.post(url, {**BODY, "note": "by road"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="messages"' not in html  # not at the top
    form = html.split(f'action="{url}"')[1].split("</form>")[0]
    box = form[form.rindex("<label", 0, form.index('name="separation_reason"')) :]
    box = box.split("</label>")[0]
    assert 'aria-invalid="true"' in box
    assert 'data-testid="error-separation_reason" data-code="parts_from_caregiver"' in box
    assert father.number in box and mother.number in box
    tick = form.split('name="separation_confirmed"')[1].split(">")[0]
    assert 'aria-invalid="true"' in tick
    # What was typed is in the form again; the other fields are not marked.
    assert 'value="Hesso Murad"' in form and 'value="Sinjar"' in form and 'value="by road"' in form
    assert form.count('aria-invalid="true"') == 2
    # Ticked, the box keeps its tick when the reason is still missing.
    again = web.post(url, {**BODY, "separation_confirmed": "yes"}).content.decode()
    tick = again.split('name="separation_confirmed"')[1].split(">")[0]
    assert "checked" in tick and "aria-invalid" not in tick
    req.refresh_from_db()
    assert req.reunification_id is None

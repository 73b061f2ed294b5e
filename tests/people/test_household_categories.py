"""A screening officer decides the categories of a household's members in one form: each member's
category chosen by the officer (nothing chosen for them), a reason for each, an audit event for
each person, and nothing recorded unless every chosen decision can be."""

import re

import pytest
from django.urls import reverse

from muster.audit.models import AuditEvent
from muster.screening.models import CategoryDecision
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(registered):
    """Head, spouse and Omar (the son), in the order the form lists them."""
    return list(registered.members.order_by("id"))


@pytest.fixture
def officer(db):
    return factories.web_as("screening_officer")


def _post(client, head, rows, **common):
    body = dict(common)
    for i, (person, values) in enumerate(rows):
        body[f"members[{i}].person"] = person.number
        for field, value in values.items():
            body[f"members[{i}].{field}"] = value
    return client.post(reverse("household-categories", args=[head.number]), body)


def test_the_form_lists_every_member_and_chooses_no_category_for_any(family, officer):
    _, client = officer
    head = family[0]
    person_page = client.get(reverse("person-detail", args=[head.number])).content.decode()
    assert reverse("household-categories", args=[head.number]) in person_page
    html = client.get(reverse("household-categories", args=[head.number])).content.decode()
    for i, member in enumerate(family):
        assert f'name="members[{i}].person" value="{member.number}"' in html
    selects = re.findall(r'<select name="members\[\d\]\.category".*?</select>', html, re.S)
    assert len(selects) == 3
    for select in selects:
        assert "selected" not in select  # the officer chooses; "not now" is what shows


def test_a_household_is_decided_in_one_submission_each_person_audited(family, officer):
    user, client = officer
    head, spouse, son = family
    response = _post(
        client,
        head,
        [
            (head, {"category": "held", "basis": "confirmed by two witnesses, interview 3"}),
            (spouse, {"category": "family_of_held", "reason": "wife of the head"}),
            (son, {"category": "family_of_held"}),
        ],
        reason="household registered together; interviewed",
        legal_basis="Art. 4",
    )
    assert response.status_code == 302
    decisions = {d.person_id: d for d in CategoryDecision.objects.all()}
    assert set(decisions) == {head.pk, spouse.pk, son.pk}
    assert decisions[head.pk].status == "pending" and not decisions[head.pk].is_current
    assert decisions[head.pk].reason == "household registered together; interviewed"
    assert decisions[spouse.pk].reason == "wife of the head"  # her own reason
    assert decisions[son.pk].is_current and decisions[son.pk].legal_basis == "Art. 4"
    assert {d.decided_by_id for d in decisions.values()} == {user.pk}
    events = AuditEvent.objects.filter(action__startswith="category.")
    assert sorted((e.action, e.object_id) for e in events) == sorted(
        [
            ("category.propose", str(head.pk)),
            ("category.decide", str(spouse.pk)),
            ("category.decide", str(son.pk)),
        ]
    )


def test_a_member_left_at_not_now_is_not_decided(family, officer):
    _, client = officer
    head, spouse, son = family
    response = _post(
        client,
        head,
        [(head, {"category": "civilian"}), (spouse, {"category": "civilian"}), (son, {})],
        reason="documents seen",
    )
    assert response.status_code == 302
    assert set(CategoryDecision.objects.values_list("person_id", flat=True)) == {head.pk, spouse.pk}


def test_one_refused_decision_records_none_and_is_told_beside_its_member(family, officer):
    _, client = officer
    head, spouse, son = family
    response = _post(
        client,
        head,
        [
            (head, {"category": "held"}),  # no basis
            (spouse, {"category": "civilian", "reason": "documents seen"}),
            (son, {"category": "civilian"}),  # no reason, and no common one
        ],
    )
    assert response.status_code == 400
    assert not CategoryDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="category.").exists()
    html = response.content.decode()
    rows = {
        m.number: r for r in html.split("<tr ") for m in family if f'data-member="{m.number}"' in r
    }
    assert 'name="members[0].basis"' in rows[head.number]
    assert re.search(r'name="members\[0\]\.basis"[^>]*aria-invalid="true"', rows[head.number])
    assert f'data-testid="error-members-{head.number}-basis"' in rows[head.number]
    assert f'data-testid="error-members-{son.number}-reason"' in rows[son.number]
    assert re.search(r'name="members\[2\]\.reason"[^>]*aria-invalid="true"', rows[son.number])
    assert "aria-invalid" not in rows[spouse.number]
    # What the officer chose and wrote is kept, to correct and send again.
    assert re.search(r'<option value="civilian" selected>', rows[spouse.number])
    assert "documents seen" in rows[spouse.number]


def test_a_reason_beside_an_undecided_member_is_refused(family, officer):
    _, client = officer
    head, spouse, son = family
    response = _post(
        client,
        head,
        [(head, {"category": "civilian", "reason": "seen"}), (spouse, {"reason": "his wife"})],
    )
    assert response.status_code == 400
    assert not CategoryDecision.objects.exists()
    assert f'data-testid="error-members-{spouse.number}-category"' in response.content.decode()


def test_a_role_that_may_not_decide_is_refused(family):
    _, client = factories.web_as("registration_officer")
    head = family[0]
    assert client.get(reverse("household-categories", args=[head.number])).status_code == 403
    response = _post(client, head, [(head, {"category": "civilian"})], reason="x")
    assert response.status_code == 403
    assert not CategoryDecision.objects.exists()

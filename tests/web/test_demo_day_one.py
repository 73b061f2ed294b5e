"""The demo on day one: reference lists loaded, hits waiting in the queue, a second screening
officer for four eyes, screening cards on the screening officer's home page, and the camp manager's
figures for their camp on theirs."""

from muster.screening.models import CategoryDecision, Hit, ReferenceList
from tests.factories import shared_demo

_demo, demo = shared_demo(persons=250, seed=2)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_demo_has_lists_pending_hits_and_a_held_proposal(demo):
    assert ReferenceList.objects.filter(is_current=True).count() == 2
    assert Hit.objects.filter(kind=Hit.Kind.REFERENCE_LIST, status="open").exists()
    assert Hit.objects.filter(kind=Hit.Kind.DUPLICATE, status="open").exists()
    pending = CategoryDecision.objects.get(status="pending")
    assert pending.category == "held" and pending.decided_by.username == "screening-officer"
    assert [row[1] for row in demo.logins if row[0] == "screening_officer"] == [
        "screening-officer",
        "screening-officer-2",
    ]
    assert "screening-officer-2" in demo.text()


def test_second_screening_officer_approves_the_first_ones_proposal(demo, login):
    pending = CategoryDecision.objects.get(status="pending")
    first = login(_user("screening-officer"))
    page = first.get("/screening/approvals/").content.decode()
    assert 'value="approve"' not in page  # nobody approves their own proposal
    client = login(_user("screening-officer-2"))
    response = client.post(
        "/screening/approvals/", {"decision": pending.pk, "action": "approve", "note": "seen"}
    )
    assert response.status_code in (200, 302)
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.approved_by.username == "screening-officer-2"


def test_screening_officer_home_shows_the_cards(demo, login):
    html = login(_user("screening-officer")).get("/").content.decode()
    assert 'data-testid="screening-cards"' in html
    open_lists = Hit.objects.filter(kind=Hit.Kind.REFERENCE_LIST, status="open").count()
    assert f'data-testid="pending-reference_list">{open_lists}<' in html
    open_dups = Hit.objects.filter(kind=Hit.Kind.DUPLICATE, status="open").count()
    assert f'data-testid="pending-duplicate">{open_dups}<' in html
    assert 'data-testid="pending-approvals">1<' in html
    assert "Last screening of the whole registry" in html and "Finished" in html


def test_camp_manager_home_shows_the_figures_of_their_camp_only(demo, login):
    from muster.access import policy
    from muster.custody.models import Facility

    manager = _user("camp-manager")
    (camp_pk,) = policy.facility_scope(manager, "facility.view")
    camp = Facility.objects.get(pk=camp_pk)
    html = login(manager).get("/").content.decode()
    assert html.count('data-testid="my-facility"') == 1
    assert camp.name in html and 'data-testid="expected"' in html
    assert 'data-testid="arrivals-today"' in html
    assert "screening-cards" not in html
    # Figures, never the whole operation's sitrep (that is the coordinator's).
    assert "Facilities: population against capacity" not in html
    other = Facility.objects.exclude(pk=camp_pk).filter(kind="displacement_camp").first()
    if other:
        assert other.name not in html


def test_other_roles_get_no_screening_cards(demo, login):
    for username in ("registration-officer", "coordinator"):
        html = login(_user(username)).get("/").content.decode()
        assert "screening-cards" not in html


def test_every_demo_login_signs_in_with_its_printed_authenticator_secret(demo, client):
    import time

    import pyotp

    assert all(secret for _role, _user, _password, secret in demo.logins)
    _role, username, password, secret = next(
        row for row in demo.logins if row[0] == "registration_officer"
    )
    assert secret in demo.text()
    client.post("/account/login/", {"username": username, "password": password})
    assert client.get("/")["Location"].startswith("/account/2fa/")
    # The demo enrolled with this step's code, which is not accepted twice: the next step's is.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/account/2fa/", {"code": code, "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200


def test_the_demos_child_flags_are_on_children(demo):
    """The scenario draws its people for 2019; the demo registers them now. A child flag on
    someone who is an adult on the day of registration would send a caseworker to the wrong
    person: every person flagged a separated or unaccompanied child is under 18 when registered,
    and some are flagged."""
    from django.db.models import Q

    from muster.people.models import Person

    flagged = Person.objects.filter(Q(separated_child=True) | Q(unaccompanied_child=True))
    assert flagged.exists()
    adults = [
        (p.number, p.birth_year) for p in flagged if (p.age_on(p.registered_at.date()) or 0) >= 18
    ]
    assert adults == []


def test_every_camp_and_holding_facility_has_its_own_manager_who_sees_only_it(demo, login):
    # Only Al-Hol had a camp manager: a bus to Areesha or Roj had nobody in the demo to receive it.
    from muster.access import policy
    from muster.custody.models import Facility, Placement

    managers = {row[1] for row in demo.logins if row[0] == "camp_manager"}
    managed = Facility.objects.filter(
        kind__in=["displacement_camp", "family_camp", "holding_facility"]
    )
    assert managed.filter(kind="displacement_camp").count() >= 2
    assert managed.filter(kind="family_camp").exists()
    text = demo.text()
    for facility in managed:
        (user,) = [
            u
            for u in map(_user, managers)
            if policy.facility_scope(u, "person.view") == {facility.pk}
        ]
        assert user.username in text
        client = login(user)
        assert facility.name in client.get("/").content.decode()
        # Their own camp's residents, and no one placed elsewhere.
        here = Placement.objects.filter(is_current=True, facility=facility).first()
        elsewhere = (
            Placement.objects.filter(is_current=True, facility__in=managed)
            .exclude(facility=facility)
            .first()
        )
        if here is not None:
            assert client.get(f"/people/{here.person.number}/").status_code == 200
        assert client.get(f"/people/{elsewhere.person.number}/").status_code == 404
    assert len(managers) == managed.count()


def test_camp_manager_home_leads_to_the_demos_last_roll_call(demo, login):
    from muster.custody.models import RollCall

    roll_call = RollCall.objects.get()
    assert roll_call.closed_at is not None and roll_call.seen > roll_call.not_seen > 0
    html = login(_user("camp-manager")).get("/").content.decode()
    assert 'data-testid="last-roll-call"' in html and f"/roll-calls/{roll_call.number}/" in html
    page = login(_user("camp-manager")).get(f"/roll-calls/{roll_call.number}/").content.decode()
    assert 'data-testid="list-not_seen"' in page

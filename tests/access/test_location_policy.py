"""'Held' is not derivable from where a person is, by roles that may not see categories.

Every person at a holding facility is held (a camp holds civilians, a family camp families of the
held): the policy names such facilities only to roles that see categories (``category_facility``).
A registration officer or a tracing caseworker sees "at a facility", cannot list who is at one, and
reads no facility name of that kind in the API, the timeline, the separations or the pages.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from muster.access import policy
from muster.access.models import Role
from muster.custody import services as custody
from muster.screening import services as screening

pytestmark = pytest.mark.django_db

HOLDING_NAME = "Holding Facility A"
BLIND = [Role.REGISTRATION_OFFICER, Role.TRACING_CASEWORKER]
SIGHTED = [Role.SCREENING_OFFICER, Role.REPATRIATION_OFFICER]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["muster_2fa_ok"] = True
    session.save()
    return client


@pytest.fixture
def held_at_holding(registered, facilities, make_user):
    """The head of the household approved as held, moved alone to the holding facility."""
    head, *rest = list(registered.members.order_by("id"))
    first, second = make_user("screening_officer"), make_user("screening_officer")
    screening.approve_category(
        screening.decide_category(head, "held", reason="on list X", basis="entry 12", by=first),
        by=second,
    )
    manager = make_user("camp_manager", facility=facilities["reception"])
    movement = custody.dispatch(
        [head],
        from_facility=facilities["reception"],
        to_facility=facilities["holding"],
        by=manager,
        separation_reason="the head is held; the family stays",
    )
    custody.receive(movement, by=make_user("camp_manager", facility=facilities["holding"]))
    return head, rest


@pytest.fixture
def users(make_user, facilities):
    made = {role: make_user(role) for role in (*BLIND, *SIGHTED)}
    made[Role.CAMP_MANAGER] = make_user(Role.CAMP_MANAGER, facility=facilities["holding"])
    made["other_camp_manager"] = make_user(Role.CAMP_MANAGER, facility=facilities["camp"])
    return made


def test_the_policy_names_category_facilities_only_to_roles_that_see_categories():
    for role, rp in policy.POLICY.items():
        if "category_facility" in rp.person_fields:
            assert "category" in rp.person_fields, role
    for role in BLIND:
        fields = policy.POLICY[role].person_fields
        assert "custody_state" in fields and "category" not in fields
        assert "category_facility" not in fields


def test_roles_whose_pages_and_exports_are_by_facility_all_see_categories():
    """Dispatch, receipt, manifests and facility rolls list people by facility: a role with any of
    those actions must be one that may see categories, or the lists themselves would tell them."""
    by_facility = {"person.export", "movement.view", "movement.dispatch", "movement.receive"}
    for role, rp in policy.POLICY.items():
        if rp.actions & by_facility:
            assert "category_facility" in rp.person_fields, role


@pytest.mark.parametrize("role", BLIND)
def test_blind_roles_read_placed_without_the_facility_in_the_api(role, held_at_holding, users):
    head, rest = held_at_holding
    client = client_for(users[role])
    data = client.get(reverse("api-person-detail", kwargs={"number": head.number})).json()
    assert data["custody_state"] == "placed"
    assert data["current_facility"] is None
    # Someone still at the reception point: named (a reception point tells no category).
    other = client.get(reverse("api-person-detail", kwargs={"number": rest[0].number})).json()
    assert other["current_facility"]["name"] == "Reception Point 1"


@pytest.mark.parametrize("role", SIGHTED + [Role.CAMP_MANAGER])
def test_roles_that_see_categories_read_the_facility(role, held_at_holding, users):
    head, _rest = held_at_holding
    client = client_for(users[role])
    data = client.get(reverse("api-person-detail", kwargs={"number": head.number})).json()
    assert data["current_facility"]["name"] == HOLDING_NAME


@pytest.mark.parametrize("role", BLIND)
def test_blind_roles_cannot_list_persons_by_a_holding_facility(
    role, held_at_holding, users, facilities
):
    client = client_for(users[role])
    url = reverse("api-person-list")
    response = client.get(url, {"facility": facilities["holding"].pk})
    assert response.status_code == 400
    assert "facility" in response.json()
    # A reception point may be listed (registration officers work there).
    response = client.get(url, {"facility": facilities["reception"].pk})
    assert response.status_code == 200 and response.json()["count"] == 2


def test_a_camp_manager_lists_only_their_own_facility(held_at_holding, users, facilities):
    url = reverse("api-person-list")
    own = client_for(users[Role.CAMP_MANAGER]).get(url, {"facility": facilities["holding"].pk})
    assert own.status_code == 200 and own.json()["count"] == 1
    other = client_for(users["other_camp_manager"])
    assert other.get(url, {"facility": facilities["holding"].pk}).status_code == 400


@pytest.mark.parametrize("role", BLIND)
def test_blind_roles_timeline_and_search_never_name_the_holding_facility(
    role, held_at_holding, users
):
    head, rest = held_at_holding
    client = client_for(users[role])
    for person in (head, rest[0]):  # the family's timeline records the separation
        url = reverse("api-person-timeline", kwargs={"number": person.number})
        body = client.get(url).content.decode()
        assert HOLDING_NAME not in body
        assert "a facility" in body
    body = client.get(reverse("api-person-list"), {"q": head.family_name}).content.decode()
    assert head.number in body and HOLDING_NAME not in body


def test_the_screening_officer_timeline_names_the_holding_facility(held_at_holding, users):
    head, _rest = held_at_holding
    client = client_for(users[Role.SCREENING_OFFICER])
    url = reverse("api-person-timeline", kwargs={"number": head.number})
    assert HOLDING_NAME in client.get(url).content.decode()


def test_the_separations_list_hides_a_holding_destination_from_the_caseworker(
    held_at_holding, users
):
    url = reverse("api-separation-list")
    blind = client_for(users[Role.TRACING_CASEWORKER]).get(url).json()["results"]
    assert blind and blind[0]["to_facility"] is None
    sighted = client_for(users[Role.SCREENING_OFFICER]).get(url).json()["results"]
    assert sighted[0]["to_facility"] == HOLDING_NAME
    assert json.dumps(blind).find(HOLDING_NAME) == -1


# --- the pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", BLIND)
def test_blind_roles_person_page_says_at_a_facility_without_naming_it(role, held_at_holding, users):
    head, rest = held_at_holding
    client = client_for(users[role])
    page = client.get(reverse("person-detail", kwargs={"number": head.number})).content.decode()
    assert 'data-testid="facility-withheld"' in page and HOLDING_NAME not in page
    # Not "At facility a facility": the badge says where in general, the note why not which.
    assert "which one is not shown to your role" in page
    # The family left behind: the separation says "moved to a facility", not where.
    page = client.get(reverse("person-detail", kwargs={"number": rest[0].number})).content.decode()
    assert HOLDING_NAME not in page and "Reception Point 1" in page


def test_the_screening_officers_person_page_names_the_holding_facility(held_at_holding, users):
    head, _rest = held_at_holding
    client = client_for(users[Role.SCREENING_OFFICER])
    page = client.get(reverse("person-detail", kwargs={"number": head.number})).content.decode()
    assert HOLDING_NAME in page and 'data-testid="facility-withheld"' not in page


@pytest.mark.parametrize("role", BLIND)
def test_blind_roles_get_no_person_list_on_a_holding_facility_page(
    role, held_at_holding, users, facilities
):
    head, _rest = held_at_holding
    client = client_for(users[role])
    response = client.get(reverse("facility-detail", kwargs={"pk": facilities["holding"].pk}))
    assert response.status_code == 200  # the facility and its figures are not personal
    assert head.number not in response.content.decode()
    sighted = client_for(users[Role.SCREENING_OFFICER])
    page = sighted.get(reverse("facility-detail", kwargs={"pk": facilities["holding"].pk}))
    assert head.number in page.content.decode()


def test_the_registration_officer_cannot_filter_a_facility_list_by_category(
    held_at_holding, users, facilities, make_user
):
    """A held person still at the reception point: filtering the point's list by 'held' would
    name them. The filter is ignored for a role that may not see categories."""
    _head, (spouse, son) = held_at_holding
    first, second = make_user("screening_officer"), make_user("screening_officer")
    screening.approve_category(
        screening.decide_category(spouse, "held", reason="on list X", basis="entry 9", by=first),
        by=second,
    )
    client = client_for(users[Role.REGISTRATION_OFFICER])
    url = reverse("facility-detail", kwargs={"pk": facilities["reception"].pk})
    page = client.get(url, {"category": "held"}).content.decode()
    assert spouse.number in page and son.number in page  # unfiltered: nothing told
    screener = client_for(users[Role.SCREENING_OFFICER]).get(url, {"category": "held"})
    assert spouse.number in screener.content.decode()
    assert son.number not in screener.content.decode()


def test_the_caseworkers_protection_pages_do_not_name_the_holding_facility(held_at_holding, users):
    _head, (_spouse, son) = held_at_holding
    client = client_for(users[Role.TRACING_CASEWORKER])
    for url in (
        reverse("separated-families"),
        reverse("protection-review", kwargs={"number": son.number}),
        reverse("children-list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert HOLDING_NAME not in response.content.decode(), url
        # Why the household was split tells the category too ("the head is held").
        assert "the head is held" not in response.content.decode(), url
    caseworkers = client.get(reverse("separated-families")).content.decode()
    assert "/movements/" not in caseworkers  # no link to a page the caseworker is refused
    page = client_for(users[Role.SCREENING_OFFICER]).get(reverse("separated-families"))
    assert HOLDING_NAME in page.content.decode()
    assert "the head is held" in page.content.decode()


def test_the_reception_match_box_does_not_name_the_holding_facility(held_at_holding, users):
    head, _rest = held_at_holding
    client = client_for(users[Role.REGISTRATION_OFFICER])
    html = client.get(
        reverse("reception-matches"),
        {"members[3].given_name": "محمد", "members[3].father_name": "Jassem"},
    ).content.decode()
    assert head.number in html  # the possible earlier registration is offered
    assert HOLDING_NAME not in html and "a facility" in html

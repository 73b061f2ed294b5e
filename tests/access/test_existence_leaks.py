"""Out of scope is answered like "does not exist": no number, no name, no relationship leaks."""

import pytest
from django.test import Client

from muster.custody import services as custody

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["muster_2fa_ok"] = True
    session.save()
    return client


@pytest.fixture
def members(registered):
    return list(registered.members.order_by("id"))


def test_api_dispatch_answers_out_of_scope_like_an_unknown_number(facilities, members, make_user):
    manager = make_user("camp_manager", facility=facilities["camp"])
    client = signed_in(manager)

    def dispatch(number):
        body = {
            "from_facility": facilities["camp"].pk,
            "to_facility": facilities["family_camp"].pk,
            "persons": [number],
        }
        response = client.post("/api/movements/", body, content_type="application/json")
        assert response.status_code == 400, response.content
        return response.json()["persons"]

    elsewhere = members[0].number  # registered at the reception point, not at this camp
    unknown = "Z" * len(elsewhere)
    assert dispatch(elsewhere) == [m.replace(unknown, elsewhere) for m in dispatch(unknown)]


def test_web_dispatch_names_no_one_for_an_id_from_elsewhere(facilities, members, make_user):
    manager = make_user("camp_manager", facility=facilities["camp"])
    response = signed_in(manager).post(
        f"/facilities/{facilities['camp'].pk}/dispatch/",
        {"person": [str(members[0].pk)], "to_facility": str(facilities["family_camp"].pk)},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert members[0].number not in body and members[0].given_name not in body


def test_household_panel_shows_nothing_of_members_outside_the_scope(facilities, members, make_user):
    dispatcher = make_user("camp_manager")
    father = members[0]
    movement = custody.dispatch(
        [father],
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=dispatcher,
        separation_reason="father to the camp clinic first",
    )
    custody.receive(movement, by=dispatcher)
    manager = make_user("camp_manager", facility=facilities["camp"])
    response = signed_in(manager).get(f"/people/{father.number}/")
    assert response.status_code == 200
    body = response.content.decode()
    for other in members[1:]:
        assert other.number not in body


@pytest.mark.parametrize(
    "url", ["/api/people/{}/", "/api/people/{}/timeline/", "/api/households/{}/"]
)
def test_api_answers_out_of_scope_and_unknown_with_the_same_404(
    facilities, members, make_user, registered, url
):
    client = signed_in(make_user("camp_manager", facility=facilities["camp"]))
    number = registered.number if "households" in url else members[0].number
    out_of_scope = client.get(url.format(number))
    unknown = client.get(url.format("Z" * len(number)))
    assert out_of_scope.status_code == unknown.status_code == 404
    assert out_of_scope.json() == unknown.json() == {"detail": "Not found."}

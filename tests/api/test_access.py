"""Who may do what through the API: the policy's actions, fields and facility scope."""

import pyotp
import pytest
from django.urls import URLPattern, get_resolver

from muster.access import services as access
from muster.api.urls import ROUTES, endpoint_policy
from muster.audit.models import AuditEvent
from muster.people.models import Person, PersonCorrection
from muster.screening import services as screening
from muster.screening.models import CategoryDecision

PASSWORD = "correct horse battery staple"  # tests/conftest.py make_user


# ------------------------------------------------------------------ corrections, mass assignment


def test_correction_changes_a_name_with_a_reason_and_keeps_the_old_value(api_as, members):
    _, registrar = api_as("registration_officer")
    number = members[0].number
    response = registrar.patch(
        f"/api/people/{number}/",
        {"family_name": "al-Ubaydi", "reason": "Spelling from his ID card"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["family_name"] == "al-Ubaydi"
    correction = PersonCorrection.objects.get(person__number=number)
    assert correction.changes == {"family_name": ["al-Obeidi", "al-Ubaydi"]}


def test_correction_without_reason_is_refused(api_as, members):
    _, registrar = api_as("registration_officer")
    response = registrar.patch(f"/api/people/{members[0].number}/", {"family_name": "X"})
    assert response.status_code == 400
    assert "reason" in response.json()
    assert not PersonCorrection.objects.exists()


@pytest.mark.parametrize(
    "smuggled",
    [
        {"category": "civilian"},
        {"number": "P22222222"},
        {"merged_into": 1},
        {"registered_by": 1},
        {"role": "administrator"},
        {"current_facility": 2},
        {"household": "H2"},
    ],
)
def test_mass_assignment_is_refused_by_name_and_nothing_changes(api_as, members, smuggled):
    _, screener = api_as("screening_officer")
    person = members[0]
    before = Person.objects.filter(pk=person.pk).values().get()
    body = {"family_name": "Changed", "reason": "looks harmless", **smuggled}
    response = screener.patch(f"/api/people/{person.number}/", body)
    assert response.status_code == 400
    assert list(response.json()) == list(smuggled)
    assert Person.objects.filter(pk=person.pk).values().get() == before  # family_name untouched too
    assert not PersonCorrection.objects.exists()
    assert not CategoryDecision.objects.exists()


def test_a_role_cannot_correct_a_field_it_cannot_see(api_as, members):
    # A repatriation officer does not see protection flags, so may not set them either.
    _, officer = api_as("repatriation_officer")
    response = officer.patch(
        f"/api/people/{members[2].number}/", {"separated_child": False, "reason": "reunited"}
    )
    assert response.status_code in (400, 403)
    assert Person.objects.get(pk=members[2].pk).separated_child is True


# ------------------------------------------------------------------ fields per role


def test_registration_officer_never_sees_category_or_screening_fields(api_as, members, make_user):
    screening.decide_category(
        members[0], "family_of_held", reason="Wife of a held man", by=make_user("screening_officer")
    )
    _, registrar = api_as("registration_officer")
    person = registrar.get(f"/api/people/{members[0].number}/").json()
    assert person["given_name"] == "Muhammad"
    assert person["documents"] == []
    for hidden in ("category", "category_reason", "category_decided_by"):
        assert hidden not in person
    listed = registrar.get("/api/people/").json()["results"]
    assert all("category" not in p for p in listed)
    # Filtering by category would reveal it: refused.
    assert registrar.get("/api/people/", {"category": "family_of_held"}).status_code == 400


def test_screening_officer_sees_the_decision_and_who_made_it(api_as, members, make_user):
    decider = make_user("screening_officer")
    screening.decide_category(members[0], "family_of_held", reason="Wife of a held man", by=decider)
    _, screener = api_as("screening_officer")
    person = screener.get(f"/api/people/{members[0].number}/").json()
    assert (person["category"], person["category_reason"], person["category_decided_by"]) == (
        "family_of_held",
        "Wife of a held man",
        decider.username,
    )
    found = screener.get("/api/people/", {"category": "family_of_held"}).json()["results"]
    assert [p["number"] for p in found] == [members[0].number]


def test_camp_manager_sees_category_but_not_documents_or_the_reason(api_as, members):
    _, manager = api_as("camp_manager")
    person = manager.get(f"/api/people/{members[0].number}/").json()
    assert "category" in person and "current_facility" in person
    assert "documents" not in person and "category_reason" not in person


def test_coordinator_is_refused_people_and_the_refusal_is_audited(api_as, members):
    user, coordinator = api_as("coordinator")
    for url in ("/api/people/", f"/api/people/{members[0].number}/", "/api/households/"):
        response = coordinator.get(url)
        assert response.status_code == 403, url
        assert response["Content-Type"] == "application/json"
    denied = AuditEvent.objects.filter(action="request.denied", actor_id=user.pk)
    assert denied.count() == 3
    assert denied.first().detail["method"] == "GET"
    assert denied.first().detail["path"] == "/api/people/"
    # Figures are theirs.
    report = coordinator.get("/api/sitrep/")
    assert report.status_code == 200
    assert report.json()["registered"] == 3
    assert "Muhammad" not in report.content.decode()


def test_only_category_deciders_may_categorise(api_as, members):
    _, registrar = api_as("registration_officer")
    response = registrar.post(
        f"/api/people/{members[0].number}/category/", {"category": "civilian", "reason": "x"}
    )
    assert response.status_code == 403
    assert not CategoryDecision.objects.exists()


def test_facilities_are_managed_only_by_administrators(api_as):
    _, manager = api_as("camp_manager")
    body = {"name": "Roj Camp", "kind": "displacement_camp", "capacity": 3000}
    assert manager.post("/api/facilities/", body).status_code == 403
    _, admin = api_as("administrator")
    response = admin.post("/api/facilities/", body)
    assert response.status_code == 201, response.content
    assert response.json()["population"] == 0
    facility_id = response.json()["id"]
    response = admin.patch(f"/api/facilities/{facility_id}/", {"capacity": 3500})
    assert response.json()["capacity"] == 3500
    response = admin.patch(f"/api/facilities/{facility_id}/", {"name_ckb": "کەمپی ڕۆژ"})
    assert response.json()["name_ckb"] == "کەمپی ڕۆژ"
    response = admin.patch(f"/api/facilities/{facility_id}/", {"name_kmr": "Kampa Rojê"})
    assert response.json()["name_kmr"] == "Kampa Rojê"
    assert admin.post("/api/facilities/", body).json() == {
        "name": ["a facility named 'Roj Camp' exists"],
        "codes": {"name": ["facility_name_taken"]},
    }
    assert AuditEvent.objects.filter(action__in=["facility.create", "facility.update"]).count() == 4


# ------------------------------------------------------------------ facility scope


def test_scoped_camp_manager_gets_404_outside_their_camp_and_the_attempt_is_audited(
    api_as, facilities, members
):
    user, manager = api_as("camp_manager", facility=facilities["camp"])
    number = members[0].number  # at Reception Point 1, not at Al-Hol
    response = manager.get(f"/api/people/{number}/")
    assert response.status_code == 404
    assert manager.get(f"/api/people/{number}/timeline/").status_code == 404
    assert manager.get("/api/people/").json()["count"] == 0
    denied = AuditEvent.objects.filter(action="request.denied", actor_id=user.pk).first()
    assert denied.object_id == str(members[0].pk)
    assert not AuditEvent.objects.filter(action="person.read", actor_id=user.pk).exists()
    # And they cannot dispatch them out of a facility that is not theirs.
    response = manager.post(
        "/api/movements/",
        {
            "from_facility": facilities["reception"].pk,
            "to_facility": facilities["camp"].pk,
            "persons": [number],
        },
    )
    assert response.status_code == 403


def test_scoped_camp_manager_sees_people_dispatched_to_their_camp(api_as, facilities, members):
    _, dispatcher = api_as("camp_manager", facility=facilities["reception"])
    response = dispatcher.post(
        "/api/movements/",
        {
            "from_facility": facilities["reception"].pk,
            "to_facility": facilities["camp"].pk,
            "persons": [members[0].number],
            "separation_reason": "Father to hospital camp for treatment; family follows",
        },
    )
    assert response.status_code == 201, response.content
    movement = response.json()["number"]
    # The sending side may not confirm arrival.
    assert dispatcher.post(f"/api/movements/{movement}/receive/", {}).status_code == 403
    _, receiver = api_as("camp_manager", facility=facilities["camp"])
    assert receiver.get(f"/api/people/{members[0].number}/").status_code == 200
    assert receiver.get(f"/api/people/{members[1].number}/").status_code == 404
    assert receiver.post(f"/api/movements/{movement}/receive/", {}).json()["received"] == 1


# ------------------------------------------------------------------ tokens


def test_token_from_username_and_password_opens_the_api(client, make_user, members, totp_code):
    user = make_user("registration_officer")
    response = client.post(
        "/api/auth/token/",
        {"username": user.username, "password": PASSWORD, "totp_code": totp_code(user)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    client.logout()
    assert client.get("/api/people/").status_code == 401
    response = client.get("/api/people/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert AuditEvent.objects.filter(action="login.success", actor_id=user.pk).exists()


def test_wrong_password_is_refused_audited_and_repeated_guessing_locks(client, make_user):
    user = make_user("registration_officer")
    body = {"username": user.username, "password": "guess"}
    response = client.post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["wrong username or password"],
        "codes": {"non_field_errors": ["wrong_credentials"]},
    }
    failure = AuditEvent.objects.get(action="login.failure")
    assert failure.detail["username"] == user.username
    assert "guess" not in str(failure.detail)
    statuses = [
        client.post("/api/auth/token/", body, content_type="application/json").status_code
        for _ in range(8)
    ]
    assert 429 in statuses  # locked (account) or throttled (address), whichever comes first


def test_screening_officer_needs_an_authenticator_code_for_a_token(client, make_user):
    user = make_user("screening_officer")
    device = access.start_totp_enrolment(user)
    assert access.confirm_totp_enrolment(user, pyotp.TOTP(device.secret).now())
    body = {"username": user.username, "password": PASSWORD}
    response = client.post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "totp_code" in response.json()


# ------------------------------------------------------------------ the endpoint map


def _api_url_names() -> set[str]:
    from muster.api import urls as api_urls

    names = set()
    basenames = {basename for _prefix, _viewset, basename in ROUTES}
    for pattern in api_urls.urlpatterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            if any(pattern.name.startswith(b + "-") for b in basenames):
                names.add(pattern.name)
    return names


def test_endpoint_policy_covers_every_route_registered_and_every_method_it_serves():
    rows = endpoint_policy()
    assert {name for name, _m, _a in rows} == _api_url_names()
    resolver = get_resolver()
    for name, method, action in rows:
        assert resolver.reverse_dict.getlist(name), name
        assert method in {"GET", "POST", "PATCH"}
        assert action in ("public", "signed_in") or "." in action
    assert ("api-person-detail", "PATCH", "person.correct") in rows
    assert ("api-person-category", "POST", "category.decide") in rows
    assert ("api-movement-report-missing", "POST", "movement.receive") in rows
    assert ("api-token-list", "POST", "public") in rows

"""The role x endpoint matrix, generated from the URL map and the one policy.

Every URL pattern must say which policy action it needs: HTML views through
``muster.access.decorators.requires`` (or ``public`` / ``signed_in``), API routes through
``muster.api.urls.endpoint_policy()``. A new URL without either fails
``test_every_url_has_a_policy_entry``; then every role is sent to every endpoint: allowed roles get
through (never 401/403), the others get 403 (or 404 for objects out of their scope), and no response
carries a person field, or a planted value of one, outside the role's allow-list.
"""

import json
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse

from muster.access import policy
from muster.access.decorators import ANY_METHOD, PUBLIC, SIGNED_IN, view_actions
from muster.access.models import Role
from tests import factories

# URL names that are not Muster endpoints: framework plumbing and the public schema.
NOT_ENDPOINTS = {
    "set_language",  # language switch (i18n)
    "schema",  # OpenAPI schema: describes the API, holds no data
    "api-docs",
    "api-root",  # DRF's index of routes
}
NOT_ENDPOINT_NAMESPACES: set[str] = set()

# Values planted in the sample person, one per field group, to find them in any response.
PLANTED = {
    "given_name": "Zaynabplanted",  # identity: not for coordinator, auditor, administrator
    "category_reason": "Reasonplanted-7Q",  # screening: only screening officers
    "documents": "DOCPLANTED99",  # documents: not for camp managers or tracing caseworkers
}
# Values planted in a tracing request: an abduction history and a requester's contact are for
# tracing caseworkers only, on every page and endpoint.
TRACING_PLANTED = {
    "separation_place": "Kochoplanted",
    "requester_contact": "+964-PLANTED-77",
    "given_name": "Soughtplanted",
}
# Values planted in a repatriation that has left: where to is told only to roles with
# ``exit_detail`` (told every kind, so a bare departure tells nothing by elimination), its
# receiving authority only to roles with ``receiving_authority``.
EXIT_PLANTED = {"destination_name": "Exitplanted-Q4", "receiving_authority": "Authplanted-R9"}
PLANTED_GROUP = {
    "given_name": "given_name",
    "category_reason": "category_reason",
    "documents": "documents",
}


def _walk(patterns, prefix="", namespace="") -> Iterator[tuple[str, str, object, list[str]]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            kwargs = list(p.pattern.regex.groupindex)
            yield (
                (f"{namespace}:{p.name}" if namespace else p.name or ""),
                prefix + str(p.pattern),
                p.callback,
                kwargs,
            )


def url_patterns() -> list[tuple[str, str, object, list[str]]]:
    out = []
    for name, route, callback, kwargs in _walk(get_resolver().url_patterns):
        if "format" in kwargs:  # DRF's ".json" twins of each route
            continue
        namespace = name.split(":")[0] if ":" in name else ""
        if name in NOT_ENDPOINTS or namespace in NOT_ENDPOINT_NAMESPACES:
            continue
        out.append((name, route, callback, kwargs))
    return out


def api_policy() -> dict[str, dict[str, str]]:
    """Every API route's policy, as muster/api/urls.py registers the apps' routes."""
    from muster.api.urls import endpoint_policy

    table: dict[str, dict[str, str]] = {}
    for url_name, method, action in endpoint_policy():
        table.setdefault(url_name, {})[method] = action
    return table


def declared_actions(name: str, callback) -> dict[str, str] | None:
    """What the endpoint says it needs, by method; ``None`` when it says nothing."""
    api = api_policy()
    if name in api:
        return api[name]
    actions = view_actions(callback)
    if actions is None:
        return None
    if ANY_METHOD in actions:
        return {"GET": actions[ANY_METHOD], **{m: a for m, a in actions.items() if m != ANY_METHOD}}
    return actions


def endpoints() -> list[tuple[str, str, str, list[str]]]:
    """(url name, method, action, kwargs) for every declared endpoint."""
    rows = []
    for name, _route, callback, kwargs in url_patterns():
        for method, action in sorted((declared_actions(name, callback) or {}).items()):
            if method != ANY_METHOD:
                rows.append((name, method, action, kwargs))
    return rows


def test_every_url_has_a_policy_entry():
    missing = [
        f"{route} (name {name!r})"
        for name, route, callback, _kwargs in url_patterns()
        if declared_actions(name, callback) is None
    ]
    assert not missing, (
        "URLs without a policy entry: decorate the view with "
        "muster.access.decorators.requires(...) / public / signed_in, or list the API route in "
        "muster.api.urls.endpoint_policy():\n  " + "\n  ".join(missing)
    )


def test_every_declared_action_is_in_the_policy():
    known = {a for rp in policy.POLICY.values() for a in rp.actions} | {PUBLIC, SIGNED_IN}
    unknown = {(n, m, a) for n, m, a, _k in endpoints() if a not in known}
    assert not unknown, f"actions no role holds (typo?): {sorted(unknown)}"


def test_a_new_undeclared_view_fails_the_matrix(monkeypatch):
    """The guard itself: an undecorated view added to the URL map is reported."""
    from django.http import HttpResponse
    from django.urls import path

    import muster.urls

    def undeclared(request):
        return HttpResponse("names of everyone")

    monkeypatch.setattr(
        muster.urls,
        "urlpatterns",
        [*muster.urls.urlpatterns, path("leak/", undeclared, name="leak")],
    )
    clear_url_caches()
    try:
        with pytest.raises(AssertionError, match="leak/"):
            test_every_url_has_a_policy_entry()
    finally:
        clear_url_caches()


# --- the matrix ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _world(module_db):
    with module_db.unblock():
        world = build_world(factories.facilities(), factories.user, factories.household_data())
        # Each role signed in once for the module (both steps), as client_for signs in: the
        # matrix sends 1,216 requests, and a sign-in per request was a third of its time.
        world["sessions"] = {
            role: client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
            for role, user in world["users"].items()
        }
        world["signed_in_at"] = time.time()
        return world


@pytest.fixture
def world(db, _world):
    """The module's world (made once: the matrix has a test per endpoint), each test's changes
    rolled back, the roles' sessions' too. Sessions older than half the idle limit are not
    used (an idle one would be ended, its requests sent to the sign-in page): each request then
    signs in anew."""
    if time.time() - _world["signed_in_at"] > settings.MUSTER["SESSION_IDLE_MINUTES"] * 30:
        return {**_world, "sessions": {}}
    return _world


def signed_in_client(world, role: str) -> Client:
    """A client on ``role``'s session of the module (:func:`client_for` when there is none)."""
    key = world["sessions"].get(role)
    if key is None:
        return client_for(world["users"][role])
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def build_world(facilities, make_user, household_data):
    """A household in transit to the camp (in the camp manager's scope), categorised, with a document."""
    from muster.custody import services as custody
    from muster.intake import services as intake
    from muster.people.validation import clean_household
    from muster.screening import services as screening

    household_data[0]["given_name"] = PLANTED["given_name"]
    household_data[0]["documents"] = [
        {"doc_type": "passport", "number": PLANTED["documents"], "issuing_country": "IRQ"}
    ]
    registrar = make_user("registration_officer")
    household = intake.register_household(
        clean_household(household_data), reception_point=facilities["reception"], by=registrar
    )
    persons = (
        list(household.members.order_by("pk"))
        if hasattr(household, "members")
        else list(household.person_set.order_by("pk"))
    )
    head = persons[0]
    screener = make_user("screening_officer")
    screening.decide_category(head, "civilian", reason=PLANTED["category_reason"], by=screener)
    movement = custody.dispatch(
        persons, from_facility=facilities["reception"], to_facility=facilities["camp"], by=registrar
    )
    # A planned return of a second household, still at the reception point (departures' endpoints).
    from muster.departures import services as departures

    second = intake.register_household(
        clean_household([dict(m, given_name="Second") for m in household_data[:2]]),
        reception_point=facilities["reception"],
        by=registrar,
    )
    departure = departures.plan_departure(
        list(second.members.all()),
        kind="return",
        from_facility=facilities["reception"],
        details={"destination_name": "Hajin", "destination_pcode": "SY090501", "convoy": "C1"},
        by=make_user("repatriation_officer"),
    )
    # A household of which two were repatriated (received by the other state), two stayed.
    third = intake.register_household(
        clean_household([dict(m, given_name="Third") for m in household_data[:2]]),
        reception_point=facilities["reception"],
        by=registrar,
    )
    leaving = list(third.members.order_by("pk"))[:1]
    liaison, approver = make_user("repatriation_officer"), make_user("repatriation_officer")
    departures.verify_nationality(
        leaving, nationality="UZB", method="interview", interview_note="city named", by=liaison
    )
    repatriation = departures.plan_departure(
        leaving,
        kind="repatriation",
        from_facility=facilities["reception"],
        details={**EXIT_PLANTED, "destination_country": "UZB"},
        separation_reason="the wife stays",
        by=liaison,
    )
    departures.approve_departure(repatriation, by=approver)
    departures.dispatch_departure(repatriation, by=liaison)
    departures.confirm(repatriation, [(p.pk, "received", "") for p in leaving], by=liaison)
    # A tracing request for the head, with a candidate (tracing's endpoints).
    from muster.tracing import services as tracing
    from muster.tracing.models import TracingCandidate

    caseworker = make_user("tracing_caseworker")
    sought = tracing.open_request(
        {
            "given_name": TRACING_PLANTED["given_name"],
            "mother_name": "Fatima",
            "sex": "M",
            "birth_year": "1985",
            "separation_date": "2014-08-15",
            "separation_place": TRACING_PLANTED["separation_place"],
            "requester_contact": TRACING_PLANTED["requester_contact"],
        },
        by=caseworker,
    )
    candidate = TracingCandidate.objects.create(
        request=sought, person=head, score=20.0, rank=1, found_at=sought.created_at, confident=True
    )
    # A roll call at the camp (its pages and endpoints), with the camp's manager's mark of the
    # head, who is on the way there: seen here, not on the list.
    camp_manager = make_user("camp_manager", facility=facilities["camp"])
    roll_call = custody.start_roll_call(facilities["camp"], by=camp_manager)
    custody.mark_seen(roll_call, head, by=camp_manager, how="scan")
    users = {}
    for role in Role.values:
        facility = facilities["camp"] if role == Role.CAMP_MANAGER else None
        users[role] = make_user(role, facility=facility, username=f"matrix-{role}")
    return {
        "person": head,
        "household": household,
        "facility": facilities["camp"],
        "movement": movement,
        "departure": departure,
        "tracing_request": sought,
        "tracing_candidate": candidate,
        "roll_call": roll_call,
        "users": users,
    }


def sample_kwargs(name: str, kwargs: list[str], world) -> dict:
    values = {}
    for k in kwargs:
        if k == "number":
            if "roll-call" in name:
                values[k] = world["roll_call"].number
            elif "movement" in name:
                values[k] = world["movement"].number
            elif "departure" in name:
                values[k] = world["departure"].number
            elif "tracing" in name:
                values[k] = world["tracing_request"].number
            elif "household" in name:
                values[k] = world["household"].number
            else:
                values[k] = world["person"].number
        elif k == "pk":
            values[k] = world["facility"].pk
        elif k == "id" and "tracing-candidate" in name:
            values[k] = world["tracing_candidate"].pk
        elif k == "user_id":  # the administrator's user pages: another role's account
            values[k] = world["users"][Role.COORDINATOR].pk
        else:
            raise AssertionError(
                f"{name}: no sample value for URL argument {k!r}; add one to sample_kwargs()"
            )
    return values


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["muster_2fa_ok"] = True
    session.save()
    return client


def allowed(role: str, action: str) -> bool:
    return action in (PUBLIC, SIGNED_IN) or action in policy.POLICY[role].actions


def _json_keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _json_keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _json_keys(v)}
    return set()


# Pages about facilities themselves (not about persons): they name every facility to every role
# with facility.view, which is not personal data.
FACILITY_PAGES = {
    "facility-list",
    "facility-detail",
    "api-facility-list",
    "api-facility-detail",
}


def check_fields(role: str, response, where: str, name: str = "", camp: str = "") -> None:
    visible = policy.POLICY[role].person_fields
    body = response.content.decode("utf-8", "replace")
    if "tracing.manage" not in policy.POLICY[role].actions:
        for field, value in TRACING_PLANTED.items():
            assert value not in body, f"{where}: {role} learns a tracing request's {field}"
    if "tracing_interest" not in visible:
        # The head is sought (a confident candidate): only the roles given the bare flag learn it.
        for trace in ('"tracing_interest"', 'data-testid="tracing-interest"'):
            assert trace not in body, f"{where}: {role} learns that a person is sought"
    for field, value in PLANTED.items():
        if PLANTED_GROUP[field] not in visible:
            assert value not in body, f"{where}: {role} sees {field} ({value})"
    if visible and "exit_detail" not in visible:
        for field, value in EXIT_PLANTED.items():
            assert value not in body, f"{where}: {role} is told a departure's {field}"
    if "receiving_authority" not in visible:
        value = EXIT_PLANTED["receiving_authority"]
        assert value not in body, f"{where}: {role} is told a repatriation's receiving authority"
    if camp and visible and "category_facility" not in visible and name not in FACILITY_PAGES:
        # The sample person is on the way to a camp: told to a role that sees persons, the camp's
        # name would tell their category (figures per facility, for roles that see no person, are
        # not about anyone).
        assert camp not in body, f"{where}: {role} is told the person goes to {camp}"
    if response.get("Content-Type", "").startswith("application/json") and body:
        # Field names too, for JSON ("id"/"number" are also facility and movement keys).
        hidden = policy.ALL_PERSON_FIELDS - visible - {"id", "number"}
        leaked = _json_keys(json.loads(body)) & hidden
        assert not leaked, f"{where}: {role} gets fields {sorted(leaked)}"


ENDPOINTS = endpoints()


@pytest.mark.parametrize(
    ("name", "method", "action", "kwargs"),
    ENDPOINTS,
    ids=[f"{m} {n}" for n, m, _a, _k in ENDPOINTS],
)
def test_role_matrix(name, method, action, kwargs, world):
    url = reverse(name, kwargs=sample_kwargs(name, kwargs, world))
    for role in world["users"]:
        client = signed_in_client(world, role)
        body = {} if method in ("POST", "PATCH", "PUT") else None
        if name.startswith("api-"):
            response = client.generic(
                method,
                url,
                json.dumps(body) if body is not None else "",
                content_type="application/json",
            )
        else:
            response = client.generic(method, url, "")
        where = f"{method} {url}"
        if allowed(role, action):
            assert response.status_code not in (401, 403), f"{where}: {role} refused ({action})"
            assert response.status_code < 500, f"{where}: {role} got {response.status_code}"
        else:
            assert response.status_code in (403, 404), (
                f"{where}: {role} lacks {action} but got {response.status_code}"
            )
        check_fields(role, response, where, name, world["facility"].name)


def test_there_is_no_django_admin_to_bypass_the_policy(world):
    """Django's admin would bypass the policy and the audit log: it is not mounted (tests/access)."""
    client = client_for(world["users"][Role.ADMINISTRATOR])
    assert client.get("/admin/").status_code == 404


def test_planted_values_are_visible_to_roles_that_may_see_them(world):
    """Positive control: the matrix's field check would see a leak, because the values do show up."""
    url = reverse("api-person-detail", kwargs={"number": world["person"].number})
    screener = client_for(world["users"][Role.SCREENING_OFFICER]).get(url).content.decode()
    assert PLANTED["given_name"] in screener
    assert PLANTED["category_reason"] in screener
    assert PLANTED["documents"] in screener
    registrar = client_for(world["users"][Role.REGISTRATION_OFFICER]).get(url).content.decode()
    assert PLANTED["documents"] in registrar and PLANTED["category_reason"] not in registrar


# How a person left, by role (the person fields of access.policy): told every departure's kind
# and destination, and a repatriation's receiving authority. The coordinator, auditor and
# administrator see no person's departure (their figures count departures by kind).
EXIT_BY_ROLE = {
    Role.REGISTRATION_OFFICER: (False, False),
    Role.SCREENING_OFFICER: (True, False),
    Role.CAMP_MANAGER: (True, False),
    Role.TRACING_CASEWORKER: (False, False),
    Role.REPATRIATION_OFFICER: (True, True),
    Role.COORDINATOR: (False, False),
    Role.AUDITOR: (False, False),
    Role.ADMINISTRATOR: (False, False),
}


def test_every_role_says_how_much_of_a_departure_it_is_told():
    assert set(EXIT_BY_ROLE) == set(Role.values)
    for role, (exit_detail, authority) in EXIT_BY_ROLE.items():
        fields = policy.POLICY[role].person_fields
        assert ("exit_detail" in fields, "receiving_authority" in fields) == (
            exit_detail,
            authority,
        ), role


def test_planted_departure_values_are_visible_to_the_repatriation_officer(world):
    """Positive control for the matrix's departure check: the liaison reads the planted place and
    authority; the caseworker's list of separated families names the departure alone."""
    officer = client_for(world["users"][Role.REPATRIATION_OFFICER])
    listed = officer.get(reverse("api-departure-list")).content.decode()
    assert all(value in listed for value in EXIT_PLANTED.values())
    caseworker = client_for(world["users"][Role.TRACING_CASEWORKER])
    page = caseworker.get(reverse("separated-families")).content.decode()
    assert "departure D" in page
    assert not any(value in page for value in EXIT_PLANTED.values())


@pytest.mark.parametrize(
    "payload",
    [
        {"category": "held"},
        {"category_reason": "changed"},
        {"given_name": "Changed", "category": "held"},
        {"current_facility": 1},
        {"role": "administrator"},
    ],
)
def test_mass_assignment_through_patch_is_refused_and_changes_nothing(world, payload):
    from muster.audit.models import AuditEvent
    from muster.people.models import Person

    person = world["person"]
    before = Person.objects.filter(pk=person.pk).values().get()
    events = AuditEvent.objects.count()
    url = reverse("api-person-detail", kwargs={"number": person.number})
    client = client_for(world["users"][Role.REGISTRATION_OFFICER])
    response = client.patch(url, json.dumps(payload), content_type="application/json")
    assert response.status_code in (400, 403), response.content
    assert Person.objects.filter(pk=person.pk).values().get() == before
    # only the refusal itself may have been recorded
    assert set(
        AuditEvent.objects.filter(pk__gt=0)
        .order_by("seq")[events:]
        .values_list("action", flat=True)
    ) <= {"request.denied"}

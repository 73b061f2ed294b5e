"""Schemathesis against the API's own OpenAPI schema, as every role: whatever is sent, never a 5xx.

Bounded (6 derandomised examples per operation a role may use, valid and invalid data mixed; one for
an operation that refuses the role at the door) so the whole run stays within the suite's time budget. Half the generated cases are pointed at records that
exist (a real registration, household, movement and facility), so detail endpoints are exercised
beyond 404.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from muster.access.models import Role
from muster.api.urls import ROUTES
from muster.custody import services as custody

OUR_PREFIXES = tuple(f"/api/{prefix}/" for prefix, _viewset, _basename in ROUTES)
# Examples per operation and role (derandomized): enough to reach each view's parsing with good and
# bad input; a signed-out client is refused before any parsing, so it needs few.
EXAMPLES_PER_OPERATION = 6
EXAMPLES_SIGNED_OUT = 2


def our_schema() -> dict:
    """The generated schema, limited to the routes muster.api.urls registers."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    schema["paths"] = {p: op for p, op in schema["paths"].items() if p.startswith(OUR_PREFIXES)}
    return schema


@pytest.fixture
def wsgi_app():
    """Django's real WSGI handler, minus the signal that closes the database connection per request.

    Django's test client does the same: closing the connection would end the test's transaction
    (on PostgreSQL everything after the first request would fail).
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(registered, facilities, make_user):
    """Records for path parameters: a household, one of its members on a movement, facilities."""
    members = list(registered.members.order_by("id"))
    manager = make_user("camp_manager")
    movement = custody.dispatch(
        members,
        from_facility=facilities["reception"],
        to_facility=facilities["camp"],
        by=manager,
    )
    from muster.tracing import services as tracing

    sought = tracing.open_request(
        {"given_name": "Nadia", "mother_name": "Shami", "sex": "F", "birth_year": "2006"},
        by=make_user("tracing_caseworker", username="fuzz-tracer"),
    )
    roll_call = custody.start_roll_call(
        facilities["camp"], by=make_user("camp_manager", facility=facilities["camp"])
    )
    return {
        "/api/roll-calls/{number}/": roll_call.number,
        "/api/tracing-requests/{number}/": sought.number,
        "/api/people/{number}/": members[0].number,
        "/api/households/{number}/": registered.number,
        "/api/movements/{number}/": movement.number,
        "/api/facilities/{id}/": str(facilities["camp"].pk),
    }


def real_parameters(path: str, world: dict) -> dict:
    for prefix, value in world.items():
        if path.startswith(prefix.rsplit("{", 1)[0]) and "{" in path:
            name = prefix.rsplit("{", 1)[1].split("}", 1)[0]
            return {name: value}
    return {}


def fuzz_operation(
    operation, known: dict, app, headers: dict, statuses: list, examples: int
) -> None:
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, use_known=st.booleans())
    def exercise(case, use_known):
        if known and use_known:
            case.path_parameters = {**(case.path_parameters or {}), **known}
        response = case.call(app=app, headers=headers)
        statuses.append((response.status_code, f"{case.method} {case.formatted_path}"))

    exercise()


@pytest.mark.slow  # minutes on a shared 2-core machine: every operation, each role
@pytest.mark.parametrize(
    "role",
    [
        Role.REGISTRATION_OFFICER,
        Role.SCREENING_OFFICER,
        Role.CAMP_MANAGER,
        Role.REPATRIATION_OFFICER,
        Role.TRACING_CASEWORKER,
        Role.COORDINATOR,
        Role.ADMINISTRATOR,
        None,  # not signed in
    ],
)
def test_no_input_makes_the_api_fail_with_a_server_error(
    role, world, facilities, make_user, wsgi_app
):
    headers = {}
    if role is not None:
        # A scoped camp manager exercises the scope paths; the others hold their role everywhere.
        scope = facilities["camp"] if role == Role.CAMP_MANAGER else None
        user = make_user(role, facility=scope)
        headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    schema = schemathesis.openapi.from_dict(our_schema())
    app = wsgi_app
    statuses: list[tuple[int, str]] = []
    operations = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith(("/token/revoke/", "/token/rotate/")):
            continue  # they end the token the fuzzer signs in with (tests/access/test_api_tokens.py)
        operations += 1
        known = real_parameters(operation.path, world)
        if role is None:
            fuzz_operation(operation, known, app, headers, statuses, EXAMPLES_SIGNED_OUT)
            continue
        # A first example tells whether the role gets past the door: a refusal (401/403) comes
        # before any parsing, so more examples would only repeat it. Operations the role may use
        # get the full number.
        first: list[tuple[int, str]] = []
        fuzz_operation(operation, known, app, headers, first, 1)
        statuses.extend(first)
        if any(code not in (401, 403) for code, _request in first):
            fuzz_operation(operation, known, app, headers, statuses, EXAMPLES_PER_OPERATION)

    # In the order they happened: on PostgreSQL the first error can abort the test's transaction.
    failures = list(dict.fromkeys(f"{req} -> {code}" for code, req in statuses if code >= 500))
    assert not failures, "\n".join(failures)
    # The run really reached the views: some requests were answered, some refused as bad input.
    codes = {code for code, _request in statuses}
    assert operations >= 40 and len(statuses) > operations
    assert codes & {200, 201} if role is not None else codes <= {400, 401, 404, 405, 429}
    assert codes & {400, 403, 404}

"""What the API answers on the demo is what its OpenAPI schema documents: a client generated from the
schema (or validating against it) reads every list and record without a surprise.

Every GET the role may use, on a small demo: the list, then the first record of it where the list
leads to one. Responses are checked by schemathesis against the schema the server itself serves.
"""

import pytest
import requests
import schemathesis
from schemathesis import Response

from muster.access.models import Role
from tests import factories
from tests.api.test_fuzz import our_schema

_demo, demo = factories.shared_demo(persons=250, seed=3)

# A list path -> the detail path its first result leads to, and the result's key for it.
DETAILS = {
    "/api/people/": ("/api/people/{number}/", "number"),
    "/api/households/": ("/api/households/{number}/", "number"),
    "/api/movements/": ("/api/movements/{number}/", "number"),
    "/api/roll-calls/": ("/api/roll-calls/{number}/", "number"),
    "/api/facilities/": ("/api/facilities/{id}/", "id"),
    "/api/departures/": ("/api/departures/{number}/", "number"),
    "/api/tracing-requests/": ("/api/tracing-requests/{number}/", "number"),
    "/api/screening/hits/": ("/api/screening/hits/{id}/", "id"),
    "/api/screening/lists/": ("/api/screening/lists/{id}/", "id"),
    "/api/screening/runs/": ("/api/screening/runs/{id}/", "id"),
}
# Detail paths with more to read about the record they name.
MORE = {
    "/api/people/{number}/": ["/api/people/{number}/timeline/"],
    "/api/tracing-requests/{number}/": ["/api/tracing-requests/{number}/candidates/"],
}


def schema_violations(schema, template: str, response) -> str:
    """'' when ``response`` (Django's test response to GET ``template``) conforms, else why not."""
    operation = schema[template]["GET"]
    answer = Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.items()},
        content=response.content,
        request=requests.Request("GET", f"http://testserver{template}").prepare(),
        elapsed=0.0,
        verify=True,
    )
    try:
        operation.validate_response(answer)
    except Exception as failure:  # schemathesis' FailureGroup: every violation, described
        found = getattr(failure, "exceptions", [failure])
        return f"GET {template}: " + "; ".join(str(getattr(f, "message", f))[:400] for f in found)
    return ""


@pytest.mark.parametrize(
    "role",
    [
        Role.SCREENING_OFFICER,
        Role.TRACING_CASEWORKER,
        Role.REPATRIATION_OFFICER,
        Role.REGISTRATION_OFFICER,
        Role.COORDINATOR,
    ],
)
def test_every_answer_a_role_reads_on_the_demo_is_the_shape_the_schema_documents(demo, role):
    _, client = factories.api_as(role)
    schema = schemathesis.openapi.from_dict(our_schema())
    lists = [
        path
        for path, methods in our_schema()["paths"].items()
        if "get" in methods and "{" not in path
    ]
    read, violations = [], []

    def check(template: str, url: str):
        response = client.get(url)
        if response.status_code == 403:  # not this role's to read
            return None
        assert response.status_code == 200, (url, response.content[:300])
        read.append(template)
        violations.append(schema_violations(schema, template, response))
        return response.json()

    for path in lists:
        body = check(path, path)
        if not body or path not in DETAILS or not body.get("results"):
            continue
        detail, key = DETAILS[path]
        value = body["results"][0][key]
        name = detail.rsplit("{", 1)[1].split("}", 1)[0]
        for template in [detail, *MORE.get(detail, [])]:
            check(template, template.replace(f"{{{name}}}", str(value)))

    assert read, "the role read nothing"
    assert [v for v in violations if v] == []


def test_every_refusal_is_documented_with_the_shape_it_has(demo, client):
    """A refusal is answered in a documented status with a documented body: a client generated
    from the schema met every 400, 401, 403 and 404 as an undocumented answer."""
    schema = schemathesis.openapi.from_dict(our_schema())
    documented = our_schema()["paths"]
    _, registrar = factories.api_as(Role.REGISTRATION_OFFICER)
    _, caseworker = factories.api_as(Role.TRACING_CASEWORKER)
    cases = [
        ("/api/people/", registrar.get("/api/people/", {"offset": "null"}), 400),
        ("/api/people/", client.get("/api/people/"), 401),
        ("/api/people/", caseworker.get("/api/people/", {"category": "held"}), 400),
        ("/api/screening/hits/", registrar.get("/api/screening/hits/"), 403),
        ("/api/people/{number}/", registrar.get("/api/people/PNOSUCH00/"), 404),
    ]
    for template, response, status in cases:
        assert response.status_code == status, (template, response.content[:200])
        assert str(status) in documented[template]["get"]["responses"], (template, status)
        assert schema_violations(schema, template, response) == ""

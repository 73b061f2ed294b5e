"""No personal data in application logs: a planted name never reaches any log record."""

import json
import logging

import pytest

from muster import cli

pytestmark = pytest.mark.django_db
PLANTED = "Qudsiyyaplantedname"
HOSTILE = "<script>alert(1)</script>\u202eevil\u200bname"


def test_a_planted_name_never_appears_in_any_log_output(
    caplog, capsys, facilities, make_user, login, household_data
):
    # Root at DEBUG (as MUSTER_LOG_LEVEL=DEBUG would set it); the loggers settings hold above DEBUG
    # (django.db.backends echoes SQL parameters) stay where the settings put them.
    caplog.set_level(logging.DEBUG)
    assert logging.getLogger("django.db.backends").getEffectiveLevel() > logging.DEBUG

    household_data[0]["given_name"] = PLANTED
    household_data[1]["family_name"] = PLANTED
    registrar = make_user("registration_officer")
    client = login(registrar)
    payload = {"reception_point": facilities["reception"].pk, "members": household_data}
    response = client.post("/api/households/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    number = response.json()["members"][0]["number"]

    # reads, searches, refusals and bad input, on the API and the pages
    client.get(f"/api/people/{number}/")
    client.get("/api/people/", {"q": PLANTED})
    client.get("/people/", {"q": PLANTED})
    client.get(f"/people/{number}/")
    bad = [{**household_data[0], "date_of_birth": f"{PLANTED}-13-02"}]
    client.post(
        "/api/households/",
        json.dumps({"reception_point": facilities["reception"].pk, "members": bad}),
        content_type="application/json",
    )
    client.patch(
        f"/api/people/{number}/",
        json.dumps({"given_name": PLANTED + "x", "category": "held"}),
        content_type="application/json",
    )
    coordinator = make_user("coordinator")
    login(coordinator).get(f"/api/people/{number}/")
    login(coordinator).get("/people/", {"q": PLANTED})
    client.post("/account/logout/")
    client.post("/account/login/", {"username": PLANTED, "password": "wrong-password-1"})

    cli.main(["audit", "who-read", number])
    cli.main(["audit", "log", "--object", number])
    cli.main(["sitrep"])

    logged = "\n".join(
        r.getMessage() + " " + str(r.args) + str(r.exc_text or "") for r in caplog.records
    )
    assert caplog.records, "nothing was logged at all: the capture is not working"
    assert PLANTED not in logged
    captured = capsys.readouterr()
    assert PLANTED not in captured.err  # what a console handler would have printed


def test_hostile_name_is_stored_unchanged_and_rendered_escaped(
    facilities, make_user, login, household_data
):
    from muster.people.models import Person

    household_data[0]["given_name"] = HOSTILE
    client = login(make_user("registration_officer"))
    payload = {"reception_point": facilities["reception"].pk, "members": household_data}
    response = client.post("/api/households/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    number = response.json()["members"][0]["number"]
    assert Person.objects.get(number=number).given_name == HOSTILE
    # the API returns it exactly
    assert client.get(f"/api/people/{number}/").json()["given_name"] == HOSTILE
    # the page escapes it: no live <script>, the text is there escaped
    page = client.get(f"/people/{number}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

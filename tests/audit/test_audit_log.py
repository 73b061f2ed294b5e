"""The auditor's questions: who looked at this child's record last month, which exports left."""

import datetime as dt

import pytest
from django.utils import timezone

from muster import cli
from muster.audit import services as audit
from muster.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(registered):
    from muster.people.models import Person

    return Person.objects.get(separated_child=True)


def read(person, user):
    audit.record("person.read", actor=user, obj=person)


def test_auditor_finds_who_read_a_childs_record(child, make_user, login):
    caseworker = make_user("tracing_caseworker")
    read(child, caseworker)
    auditor = make_user("auditor")
    response = login(auditor).get("/audit/", {"object": child.number, "action": "person.read"})
    assert response.status_code == 200
    page = response.content.decode()
    assert caseworker.username in page
    assert "audit.search" in AuditEvent.objects.values_list("action", flat=True)


@pytest.mark.parametrize(
    "role",
    [
        "registration_officer",
        "screening_officer",
        "camp_manager",
        "tracing_caseworker",
        "repatriation_officer",
        "coordinator",
        "administrator",
    ],
)
def test_only_auditors_open_the_audit_log(role, make_user, login, facilities):
    user = make_user(role, facility=facilities["camp"] if role == "camp_manager" else None)
    assert login(user).get("/audit/").status_code == 403


def test_unknown_number_and_bad_date_are_explained(make_user, login, db):
    client = login(make_user("auditor"))
    response = client.get("/audit/", {"object": "PNOSUCH", "since": "2026-13-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "no person with registration number" in page
    assert "is not a date" in page


def test_who_read_cli_lists_readers_in_the_period(child, make_user, capsys):
    caseworker = make_user("tracing_caseworker")
    read(child, caseworker)
    today = timezone.localdate()
    code = cli.main(
        ["audit", "who-read", child.number, "--since", (today - dt.timedelta(days=30)).isoformat()]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert caseworker.username in out and "person.read" in out
    code = cli.main(
        ["audit", "who-read", child.number, "--until", (today - dt.timedelta(days=30)).isoformat()]
    )
    assert caseworker.username not in capsys.readouterr().out


def test_who_read_cli_unknown_number_is_one_line_error(db, capsys):
    assert cli.main(["audit", "who-read", "PNOSUCH"]) == 1
    assert "no person with registration number 'PNOSUCH'" in capsys.readouterr().err


def test_audit_log_cli_filters_by_action_family(make_user, capsys, client):
    officer = make_user("registration_officer")
    client.post("/account/login/", {"username": officer.username, "password": "wrong-wrong-1"})
    assert cli.main(["audit", "log", "--action", "login."]) == 0
    out = capsys.readouterr().out
    assert "login.failure" in out and "role.grant" not in out


def test_deactivate_cli(make_user, capsys):
    officer = make_user("registration_officer")
    assert cli.main(["deactivate", officer.username, "--reason", "contract ended"]) == 0
    officer.refresh_from_db()
    assert not officer.is_active
    assert cli.main(["deactivate", "nobody-here"]) == 1


def test_auditor_page_shortens_the_person_ids_of_a_large_export(make_user, login):
    from muster.audit.views import SHOWN_IDS

    ids = list(range(100_001, 100_001 + 5000))
    audit.record("export", detail={"export": "facility.roll", "rows": 5000, "person_ids": ids})
    page = login(make_user("auditor")).get("/audit/", {"action": "export"}).content.decode()
    assert str(ids[SHOWN_IDS - 1]) in page and str(ids[SHOWN_IDS]) not in page
    assert f"and {5000 - SHOWN_IDS} more" in page
    assert AuditEvent.objects.get(action="export").detail["person_ids"] == ids  # stored whole

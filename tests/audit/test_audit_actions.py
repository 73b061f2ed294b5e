"""Audit actions are enums per app; their stored values never change (the hash chain covers them)."""

import ast
from pathlib import Path

import pytest

from muster.access.audit_actions import AccessAction
from muster.audit import services as audit
from muster.audit.audit_actions import AuditAction
from muster.audit.models import AuditEvent
from muster.custody.audit_actions import CustodyAction
from muster.departures.audit_actions import DeparturesAction
from muster.intake.audit_actions import IntakeAction
from muster.people.audit_actions import PeopleAction
from muster.protection.audit_actions import ProtectionAction
from muster.screening.audit_actions import ScreeningAction
from muster.tracing.audit_actions import TracingAction

ENUMS = (
    AccessAction,
    AuditAction,
    CustodyAction,
    DeparturesAction,
    IntakeAction,
    PeopleAction,
    ProtectionAction,
    ScreeningAction,
    TracingAction,
)

# Every action stored before the enums existed, exactly as stored: an enum value that drifts from
# these (a rename, a typo) would split one action's history in two and break readers of the log.
STORED = {
    "account.lock", "api_token.expire", "api_token.issue", "api_token.revoke", "api_token.rotate",
    "api_token.use", "audit.search", "backup.create", "backup.restore", "category.approve",
    "category.decide", "category.propose", "category.refuse", "dispatch.persons.list", "export",
    "facility.create", "facility.persons.list", "facility.update", "household.add_member",
    "household.members.list", "household.register", "household.separate", "login.2fa_failure",
    "login.2fa_success", "login.failure", "login.locked", "login.success", "logout",
    "movement.dispatch", "movement.manifest.read", "movement.receive", "person.correct",
    "person.dispatch", "person.document.add", "person.list", "person.merge", "person.photo.add",
    "person.photo.read", "person.read", "person.receive", "person.register",
    "person.reported_missing", "person.search", "person.slip.print", "person.unmerge",
    "placement.create", "placement.end_for_merge", "placement.restore_after_unmerge",
    "protection.review", "receive.persons.list", "request.denied", "role.grant", "role.revoke",
    "scenario.load", "screening.adjudicate", "screening.approvals.read", "screening.batch.start",
    "screening.hit", "screening.hit.list", "screening.list.import", "screening.queue.read",
    "screening.run", "screening.undo_merge", "session.expire", "totp.enrol", "totp.reset",
    "unaccounted.read", "user.create", "user.deactivate", "user.list", "user.reactivate",
}  # fmt: skip


def test_the_stored_values_are_unchanged_and_each_belongs_to_one_app():
    values = [m.value for enum in ENUMS for m in enum]
    assert len(values) == len(set(values)), "an action is declared by two apps"
    assert set(values) >= STORED, f"stored actions lost: {sorted(STORED - set(values))}"


SRC = Path(__file__).resolve().parents[2] / "src" / "muster"
RECORDERS = {"record", "record_list", "record_export"}


def _literal_actions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name not in RECORDERS:
            continue
        args = [*node.args[:1], *(k.value for k in node.keywords if k.arg == "action")]
        found += [
            f"{path.relative_to(SRC)}:{a.lineno} {a.value}"
            for a in args
            if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
    return found


def test_no_door_or_service_records_an_action_as_a_bare_string():
    paths = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]
    assert len(paths) > 50  # the scan looks where the code is
    literals = [hit for p in paths for hit in _literal_actions(p)]
    assert literals == [], "use the app's audit_actions enum: " + ", ".join(literals)


@pytest.mark.django_db
def test_an_enum_member_is_stored_as_its_value_and_the_chain_verifies():
    event = audit.record(PeopleAction.PERSON_READ, detail={"view": "test"})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert type(stored.action) is str and stored.action == "person.read"
    assert AuditEvent.objects.filter(action="person.read").count() == 1
    assert audit.verify().ok

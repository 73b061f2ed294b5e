"""The audit log made readable: action codes as translated labels, persons by registration number,
the detail as key/value rows. Used by the log page and the auditor's home."""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from muster.audit.services import PERSON_TYPE

# An export's event lists every person in it (a camp roll: tens of thousands of ids); the page shows
# the first few and the count, the CLI (`muster audit log`) prints them all.
SHOWN_IDS = 20

# What each stored action code means, for people reading the log. The stored codes never change
# (the hash chain covers them); a code missing here is shown as it is.
ACTION_LABELS = {
    "account.lock": gettext_lazy("Account locked"),
    "api_token.issue": gettext_lazy("API token issued"),
    "audit.search": gettext_lazy("Audit log searched"),
    "category.approve": gettext_lazy("Category approved"),
    "category.decide": gettext_lazy("Category decided"),
    "category.propose": gettext_lazy("Category proposed"),
    "category.refuse": gettext_lazy("Category refused"),
    "export": gettext_lazy("Export"),
    "facility.create": gettext_lazy("Facility created"),
    "facility.persons.list": gettext_lazy("Facility list viewed"),
    "household.register": gettext_lazy("Household registered"),
    "intake.import": gettext_lazy("Submissions imported"),
    "intake.import.read": gettext_lazy("Import report viewed"),
    "intake.import.start": gettext_lazy("Import of submissions started"),
    "household.separate": gettext_lazy("Family separation recorded"),
    "login.failure": gettext_lazy("Sign-in failed"),
    "login.locked": gettext_lazy("Sign-in refused: locked"),
    "login.success": gettext_lazy("Signed in"),
    "logout": gettext_lazy("Signed out"),
    "movement.dispatch": gettext_lazy("Transfer dispatched"),
    "movement.receive": gettext_lazy("Transfer received"),
    "person.correct": gettext_lazy("Record corrected"),
    "person.dispatch": gettext_lazy("Person dispatched"),
    "person.document.add": gettext_lazy("Document added"),
    "person.list": gettext_lazy("List of persons viewed"),
    "person.merge": gettext_lazy("Records merged"),
    "person.read": gettext_lazy("Record viewed"),
    "person.receive": gettext_lazy("Person received"),
    "person.register": gettext_lazy("Person registered"),
    "person.reported_missing": gettext_lazy("Reported not arrived"),
    "person.search": gettext_lazy("Search"),
    "person.unmerge": gettext_lazy("Merge undone"),
    "placement.create": gettext_lazy("Placed in a facility"),
    "placement.end_for_merge": gettext_lazy("Placement ended by a merge"),
    "protection.review": gettext_lazy("Protection review"),
    "request.denied": gettext_lazy("Access refused"),
    "role.grant": gettext_lazy("Role granted"),
    "role.revoke": gettext_lazy("Role revoked"),
    "scenario.load": gettext_lazy("Demo data loaded"),
    "screening.adjudicate": gettext_lazy("Screening hit decided"),
    "screening.approvals.read": gettext_lazy("Approvals viewed"),
    "screening.batch.start": gettext_lazy("Re-screening started"),
    "screening.hit": gettext_lazy("Screening hit"),
    "screening.hit.list": gettext_lazy("Screening hits viewed"),
    "screening.list.import": gettext_lazy("Reference list imported"),
    "screening.queue.read": gettext_lazy("Screening queue viewed"),
    "screening.run": gettext_lazy("Screening run"),
    "screening.undo_merge": gettext_lazy("Merge undone by screening"),
    "totp.enrol": gettext_lazy("Two-factor authenticator enrolled"),
    "totp.reset": gettext_lazy("Two-factor authenticator reset"),
    "unaccounted.read": gettext_lazy("Unaccounted list viewed"),
    "user.create": gettext_lazy("User created"),
    "user.deactivate": gettext_lazy("User deactivated"),
    "user.list": gettext_lazy("Users listed"),
    "user.reactivate": gettext_lazy("User reactivated"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _object_labels(events) -> dict[tuple[str, str], str]:
    """A person shown by registration number (not "people.person:3013"): the auditor may see numbers
    (they type them into the Object box), never names."""
    person_ids = {e.object_id for e in events if e.object_type == PERSON_TYPE and e.object_id}
    if not person_ids:
        return {}
    person = apps.get_model(PERSON_TYPE)
    ids = [int(i) for i in person_ids if i.isdigit()]
    return {
        (PERSON_TYPE, str(pk)): number
        for pk, number in person.objects.filter(pk__in=ids).values_list("pk", "number")
    }


def _detail_rows(detail) -> list[tuple[str, str]]:
    """The detail as key/value rows to read, not a dict."""
    if not isinstance(detail, dict):
        return [("", str(detail))] if detail not in (None, "", {}) else []
    rows = []
    for key, value in detail.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append((str(key).replace("_", " "), str(value)))
    return rows


def annotate(events) -> None:
    """Give each event of a page its readable action, object and detail."""
    labels = _object_labels(events)
    for event in events:
        event.action_label = action_label(event.action)
        event.object_label = labels.get((event.object_type, event.object_id)) or (
            f"{event.object_type}:{event.object_id}" if event.object_id else event.object_type
        )
        event.detail_rows = _detail_rows(_shown(event.detail))


def _shown(detail: dict) -> dict:
    """The event's detail with long id lists cut to their first SHOWN_IDS and a count."""
    ids = detail.get("person_ids") if isinstance(detail, dict) else None
    if not isinstance(ids, list) or len(ids) <= SHOWN_IDS:
        return detail
    more = _("… and %(n)d more") % {"n": len(ids) - SHOWN_IDS}
    return {**detail, "person_ids": [*ids[:SHOWN_IDS], more]}

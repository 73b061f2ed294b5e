"""A person's history as one ordered list: registration, category decisions, placements, movements,
reports of not arriving, corrections. Read-only; each source is shown only to roles that may see it."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from muster.custody.models import ManifestLine, Placement
from muster.people.models import Person, PersonCorrection
from muster.screening.models import CategoryDecision

# Order of events recorded at the same instant (registration and its first placement share a time).
_KIND_ORDER = {
    "registered": 0,
    "placed": 1,
    "dispatched": 2,
    "missing": 3,
    "received": 4,
    "departed": 5,
    "category": 6,
    "corrected": 7,
}


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    text: str
    detail: str = ""


def person_timeline(person: Person, fields: frozenset[str] | set[str]) -> list[Event]:
    """Everything that happened to ``person``, oldest first, limited to what ``fields`` may show."""
    events: list[Event] = []
    household = person.household.number if person.household_id else ""
    events.append(
        Event(
            person.registered_at,
            "registered",
            _("Registered"),
            _("household %(h)s") % {"h": household} if household else "",
        )
    )
    if fields & {"current_facility", "custody_state"}:
        events.extend(_custody_events(person))
    if "category" in fields:
        events.extend(_category_events(person, fields))
    events.extend(_correction_events(person, fields))
    return sorted(events, key=lambda e: (e.at, _KIND_ORDER.get(e.kind, 9)))


def _custody_events(person: Person) -> list[Event]:
    events = []
    placements = Placement.objects.filter(person=person).select_related(
        "facility", "movement__from_facility", "movement__to_facility"
    )
    for pl in placements:
        mv = pl.movement
        if pl.state == Placement.State.IN_TRANSIT and mv is not None:
            detail = _("%(from)s → %(to)s") % {
                "from": mv.from_facility.name,
                "to": mv.to_facility.name,
            }
            if mv.vehicle:
                detail += " · " + _("vehicle %(v)s") % {"v": mv.vehicle}
            events.append(
                Event(
                    pl.started_at,
                    "dispatched",
                    _("Dispatched on movement %(m)s") % {"m": mv.number},
                    detail,
                )
            )
        elif pl.state == Placement.State.PLACED and mv is not None:
            events.append(
                Event(
                    pl.started_at,
                    "received",
                    _("Received at %(f)s") % {"f": pl.facility.name},
                    _("movement %(m)s from %(from)s")
                    % {"m": mv.number, "from": mv.from_facility.name},
                )
            )
        elif pl.state == Placement.State.PLACED:
            detail = ""
            if pl.capacity_override_reason:
                detail = _("capacity override: %(r)s") % {"r": pl.capacity_override_reason}
            events.append(
                Event(
                    pl.started_at, "placed", _("Placed at %(f)s") % {"f": pl.facility.name}, detail
                )
            )
        elif pl.state == Placement.State.DEPARTED:
            events.append(Event(pl.started_at, "departed", _("Departed"), pl.note))
    missing = ManifestLine.objects.filter(
        person=person, outcome=ManifestLine.Outcome.MISSING, resolved_at__isnull=False
    ).select_related("movement__to_facility")
    for line in missing:
        events.append(
            Event(
                line.resolved_at,
                "missing",
                _("Reported not arrived at %(f)s (movement %(m)s)")
                % {"f": line.movement.to_facility.name, "m": line.movement.number},
                line.note,
            )
        )
    return events


def _category_events(person: Person, fields) -> list[Event]:
    events = []
    decisions = CategoryDecision.objects.filter(person=person).select_related("decided_by")
    for d in decisions:
        parts = []
        if "category_reason" in fields:
            parts.append(d.reason)
            if d.legal_basis:
                parts.append(_("legal basis: %(b)s") % {"b": d.legal_basis})
        if "category_decided_by" in fields and d.decided_by_id:
            parts.append(_("by %(u)s") % {"u": d.decided_by.get_username()})
        status = getattr(d, "status", "approved")
        if status != "approved":
            parts.append(d.get_status_display())
        elif not d.is_current:
            parts.append(_("superseded"))
        events.append(
            Event(
                d.decided_at,
                "category",
                _("Category: %(c)s") % {"c": d.get_category_display()},
                " · ".join(parts),
            )
        )
    return events


def _field_label(name: str) -> str:
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except Exception:  # FieldDoesNotExist: an older correction may name a field since renamed
        return name


def _correction_events(person: Person, fields) -> list[Event]:
    events = []
    for c in PersonCorrection.objects.filter(person=person).select_related("corrected_by"):
        # Show old -> new only for fields this role may see; the others are just named as changed.
        shown, hidden = [], 0
        for name, (old, new) in sorted(c.changes.items()):
            if name in fields:
                shown.append(f"{_field_label(name)}: {old or '—'} → {new or '—'}")
            else:
                hidden += 1
        if hidden:
            shown.append(_("%(n)d other field(s)") % {"n": hidden})
        detail = "; ".join(shown)
        if c.reason:
            detail += " · " + _("reason: %(r)s") % {"r": c.reason}
        events.append(Event(c.corrected_at, "corrected", _("Details corrected"), detail))
    return events

"""A person's history as one ordered list: registration, category decisions (and "held" proposals
awaiting or refused a second officer), placements, movements, reports of not arriving, corrections,
merges and their undoing, household separations, protection reviews. Read-only; each source is shown
only to roles that may see it."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from muster.access.policy import CATEGORY_FACILITY_KINDS, shows_facility, shows_separation_reason
from muster.audit import services as audit
from muster.core.text import isolate
from muster.custody.models import ManifestLine, Placement
from muster.custody.services import MERGE_LEFT_NOTE, facilities_at
from muster.departures import queries as departures
from muster.people.models import Person, PersonCorrection
from muster.protection.models import FamilySeparation, ProtectionReview
from muster.protection.queries import separations_of
from muster.screening.models import ApprovalStatus, CategoryDecision

# Order of events recorded at the same instant (registration and its first placement share a time).
_KIND_ORDER = {
    "registered": 0,
    "placed": 1,
    "dispatched": 2,
    "missing": 3,
    "received": 4,
    "leaving": 5,
    "departure_not_presented": 5,
    "departure_refused": 5,
    "departure_returned": 5,
    "departed": 5,
    "separated": 6,
    "category_proposed": 7,
    "category": 8,
    "category_refused": 9,
    "protection_review": 10,
    "merged": 11,
    "unmerged": 12,
    "corrected": 13,
}
# Fields that make a role part of screening: only they see "held" proposals not (yet) in force, who
# decided, and the reasons. Others see a category only once it is the person's category.
_SCREENING_FIELDS = {"category_reason", "category_decided_by"}


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    text: str
    detail: str = ""
    warning: str = ""


def person_timeline(
    person: Person, fields: frozenset[str] | set[str], *, protection_detail: bool = False
) -> list[Event]:
    """Everything that happened to ``person``, oldest first, limited to what ``fields`` may show.

    ``protection_detail`` adds the reason and reviewer of protection reviews (for the roles that
    review); other roles with protection fields see the outcome only.
    """
    events: list[Event] = []
    household = person.household.number if person.household_id else ""
    events.append(
        Event(
            person.registered_at,
            "registered",
            _("Registered"),
            _("household %(h)s") % {"h": isolate(household)} if household else "",
        )
    )
    if fields & {"current_facility", "custody_state"}:
        events.extend(_custody_events(person, fields))
    if "category" in fields:
        events.extend(_category_events(person, fields))
    events.extend(_correction_events(person, fields))
    if "merged_into" in fields:
        events.extend(_merge_events(person, fields))
    if "household" in fields:
        events.extend(_separation_events(person, fields))
    if fields & {"unaccompanied_child", "separated_child"}:
        events.extend(_protection_events(person, protection_detail))
    return sorted(events, key=lambda e: (e.at, _KIND_ORDER.get(e.kind, 99)))


def _custody_events(person: Person, fields) -> list[Event]:
    events = []
    placements = Placement.objects.filter(person=person).select_related(
        "facility", "movement__from_facility", "movement__to_facility"
    )
    placements = list(placements)
    missing = list(
        ManifestLine.objects.filter(
            person=person, outcome=ManifestLine.Outcome.MISSING, resolved_at__isnull=False
        ).select_related("movement__to_facility")
    )
    # Facilities are named as they were called then: a later rename must not rewrite the story.
    wanted = set()
    for pl in placements:
        if pl.facility_id:
            wanted.add((pl.facility_id, pl.started_at))
        if pl.movement is not None:
            wanted.add((pl.movement.from_facility_id, pl.started_at))
            wanted.add((pl.movement.to_facility_id, pl.started_at))
    wanted |= {(line.movement.to_facility_id, line.resolved_at) for line in missing}
    known = facilities_at(wanted)
    kinds_now = {pl.facility_id: pl.facility.kind for pl in placements if pl.facility_id}
    for pl in placements:
        if pl.movement is not None:
            kinds_now[pl.movement.from_facility_id] = pl.movement.from_facility.kind
            kinds_now[pl.movement.to_facility_id] = pl.movement.to_facility.kind
    for line in missing:
        kinds_now[line.movement.to_facility_id] = line.movement.to_facility.kind
    named = "category_facility" in fields

    def name(facility_id, at):
        # A camp or holding facility tells the category: unnamed for roles blind to categories,
        # whether it is of such a kind then or now.
        text, kind = known[(facility_id, at)]
        if not named and CATEGORY_FACILITY_KINDS & {kind, kinds_now.get(facility_id)}:
            return _("a facility")
        return text

    exit_kinds = departures.kinds_of(pl.exit_ref for pl in placements if pl.exit_ref)

    def exit_note(pl) -> str:
        # How and where they left: like a holding facility's name, a handover tells "held".
        return pl.note if departures.shows_exit(fields, exit_kinds.get(pl.exit_ref, "")) else ""

    for pl in placements:
        mv = pl.movement
        if pl.state == Placement.State.IN_TRANSIT and mv is not None:
            detail = _("%(from)s → %(to)s") % {
                "from": isolate(name(mv.from_facility_id, pl.started_at)),
                "to": isolate(name(mv.to_facility_id, pl.started_at)),
            }
            if mv.vehicle:
                detail += " · " + _("vehicle %(v)s") % {"v": isolate(mv.vehicle)}
            events.append(
                Event(
                    pl.started_at,
                    "dispatched",
                    _("Dispatched on movement %(m)s") % {"m": isolate(mv.number)},
                    detail,
                )
            )
        elif pl.state == Placement.State.PLACED and mv is not None:
            events.append(
                Event(
                    pl.started_at,
                    "received",
                    _("Received at %(f)s") % {"f": isolate(name(pl.facility_id, pl.started_at))},
                    _("movement %(m)s from %(from)s")
                    % {
                        "m": isolate(mv.number),
                        "from": isolate(name(mv.from_facility_id, pl.started_at)),
                    },
                )
            )
        elif pl.state == Placement.State.PLACED:
            detail = ""
            if pl.capacity_override_reason:
                detail = _("capacity override: %(r)s") % {"r": isolate(pl.capacity_override_reason)}
            events.append(
                Event(
                    pl.started_at,
                    "placed",
                    _("Placed at %(f)s") % {"f": isolate(name(pl.facility_id, pl.started_at))},
                    detail,
                )
            )
        elif pl.state == Placement.State.LEAVING:
            events.append(
                Event(
                    pl.started_at,
                    "leaving",
                    _("Left custody on departure %(d)s") % {"d": isolate(pl.exit_ref)},
                    exit_note(pl),
                )
            )
        elif pl.state == Placement.State.DEPARTED:
            events.append(
                Event(
                    pl.started_at,
                    "departed",
                    _("Departed (%(d)s), confirmed by the receiving side")
                    % {"d": isolate(pl.exit_ref)},
                    exit_note(pl),
                )
            )
    for line in departures.lines_of(person).filter(
        outcome__in=["not_presented", "refused", "returned"], resolved_at__isnull=False
    ):
        events.append(
            Event(
                line.resolved_at,
                "departure_" + line.outcome,
                _("%(o)s on departure %(d)s")
                % {"o": line.get_outcome_display(), "d": line.departure.number},
                line.note,
            )
        )
    for line in missing:
        events.append(
            Event(
                line.resolved_at,
                "missing",
                _("Reported not arrived at %(f)s (movement %(m)s)")
                % {
                    "f": isolate(name(line.movement.to_facility_id, line.resolved_at)),
                    "m": isolate(line.movement.number),
                },
                line.note,
            )
        )
    return events


def _category_events(person: Person, fields) -> list[Event]:
    """Approved decisions are categories; a "held" proposal is shown as such, never as a category."""
    screening_role = bool(fields & _SCREENING_FIELDS)
    show_who = "category_decided_by" in fields
    events = []
    decisions = CategoryDecision.objects.filter(person=person).select_related(
        "decided_by", "approved_by"
    )
    for d in decisions:
        category = d.get_category_display()
        reasons = []
        if "category_reason" in fields:
            reasons.append(d.reason)
            if d.legal_basis:
                reasons.append(_("legal basis: %(b)s") % {"b": isolate(d.legal_basis)})
            if d.basis:
                reasons.append(_("basis: %(b)s") % {"b": isolate(d.basis)})
        proposer = d.decided_by.get_username() if show_who and d.decided_by_id else ""
        approver = d.approved_by.get_username() if show_who and d.approved_by_id else ""
        needed_approval = d.approved_at is not None or d.status != ApprovalStatus.APPROVED
        if needed_approval and screening_role:
            text = (
                _("%(c)s proposed by %(u)s") % {"c": isolate(category), "u": isolate(proposer)}
                if proposer
                else _("%(c)s proposed") % {"c": isolate(category)}
            )
            if d.status == ApprovalStatus.PENDING:
                text += " — " + _("awaiting approval by a second officer")
            events.append(Event(d.decided_at, "category_proposed", text, " · ".join(reasons)))
            reasons = []  # shown with the proposal; the approval or refusal carries its note
        if d.status == ApprovalStatus.REFUSED:
            if screening_role:
                note = d.approval_note if "category_reason" in fields else ""
                text = (
                    _("%(c)s refused by %(u)s") % {"c": isolate(category), "u": isolate(approver)}
                    if approver
                    else _("%(c)s refused") % {"c": isolate(category)}
                )
                events.append(Event(d.approved_at or d.decided_at, "category_refused", text, note))
            continue
        if d.status != ApprovalStatus.APPROVED:
            continue
        parts = list(reasons)
        if needed_approval:
            if approver:
                parts.append(_("approved by %(u)s") % {"u": isolate(approver)})
            if "category_reason" in fields and d.approval_note:
                parts.append(d.approval_note)
        elif proposer:
            parts.append(_("by %(u)s") % {"u": isolate(proposer)})
        if not d.is_current:
            parts.append(_("superseded"))
        events.append(
            Event(
                d.approved_at if needed_approval else d.decided_at,
                "category",
                _("Category: %(c)s") % {"c": isolate(category)},
                " · ".join(parts),
            )
        )
    return events


def _merge_events(person: Person, fields) -> list[Event]:
    """Merges and their undoing, from the audit events people.services writes for both records."""
    events = []
    records = audit.search(object_type=audit.PERSON_TYPE, object_id=str(person.pk)).filter(
        action__in=("person.merge", "person.unmerge")
    )
    show_who = "category_decided_by" in fields
    for e in records.order_by("seq"):
        by = (
            _("by %(u)s") % {"u": isolate(e.actor_username)}
            if show_who and e.actor_username
            else ""
        )
        if e.action == "person.merge":
            if e.detail.get("duplicate") == person.number:
                text = _("Merged into %(n)s (same person)") % {
                    "n": isolate(e.detail.get("kept", ""))
                }
            else:
                text = _("Registration %(n)s merged into this record (same person)") % {
                    "n": isolate(e.detail.get("duplicate", ""))
                }
            warning = _moved_unrecorded(
                e.seq, e.detail.get("kept", ""), e.detail.get("duplicate", ""), fields
            )
            events.append(Event(e.at, "merged", text, by, warning))
        else:
            text = _("Merge with %(n)s undone: separate persons") % {
                "n": isolate(e.detail.get("was_merged_into", ""))
            }
            events.append(Event(e.at, "unmerged", text, by))
    return events


def _moved_unrecorded(merge_seq: int, kept: str, duplicate: str, fields) -> str:
    """The warning of a merge whose two records were at different facilities with no movement
    recorded between them (custody.end_for_merge audits it, just before the merge)."""
    dup = Person.objects.filter(number=duplicate).only("pk").first()
    if dup is None:
        return ""
    event = (
        audit.search(object_type=audit.PERSON_TYPE, object_id=str(dup.pk))
        .filter(action="placement.end_for_merge", seq__lt=merge_seq)
        .order_by("-seq")
        .first()
    )
    if event is None or not event.detail.get("warning"):
        return ""
    now_at = Placement.objects.filter(pk=event.detail.get("placement")).select_related("facility")
    was_at = (
        Placement.objects.filter(
            person__number=kept, note__endswith=MERGE_LEFT_NOTE.format(duplicate=duplicate)
        )
        .select_related("facility")
        .order_by("-ended_at", "-id")
    )
    a, b = was_at.first(), now_at.first()
    if a is None or b is None or a.facility is None or b.facility is None:
        return _("The two records were at different places with no movement recorded between them.")
    if not (shows_facility(fields, a.facility) and shows_facility(fields, b.facility)):
        return _("The two records were at different places with no movement recorded between them.")
    return _(
        "The two records were at different places: %(a)s and %(b)s, with no movement recorded "
        "between them. Check where the person is."
    ) % {"a": isolate(a.facility.name), "b": isolate(b.facility.name)}


def _separation_events(person: Person, fields) -> list[Event]:
    events = []
    moved = set(FamilySeparation.objects.filter(moved=person).values_list("pk", flat=True))
    for sep in separations_of(person):
        shown = sep.to_facility_id is not None and shows_facility(fields, sep.to_facility)
        where = (
            _("moved to %(f)s") if sep.pk in moved else _("stayed when others moved to %(f)s")
        ) % {
            "f": isolate(sep.to_facility.name)
            if shown
            else (isolate(sep.destination) if sep.destination else _("a facility"))
        }
        events.append(
            Event(
                sep.recorded_at,
                "separated",
                _("Separated from household: %(r)s") % {"r": isolate(sep.reason)}
                if shows_separation_reason(fields)
                else _("Separated from household"),
                where,
            )
        )
    return events


def _protection_events(person: Person, detail: bool) -> list[Event]:
    events = []
    for review in ProtectionReview.objects.filter(person=person).select_related("reviewer"):
        parts = []
        if detail:
            parts.append(review.reason)
            parts.append(_("by %(u)s") % {"u": isolate(review.reviewer.get_username())})
        events.append(
            Event(
                review.at,
                "protection_review",
                _("Protection review: %(o)s") % {"o": isolate(review.get_outcome_display())},
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
            shown.append(
                ngettext("%(n)d other field", "%(n)d other fields", hidden) % {"n": isolate(hidden)}
            )
        detail = "; ".join(shown)
        if c.reason:
            detail += " · " + _("reason: %(r)s") % {"r": isolate(c.reason)}
        events.append(Event(c.corrected_at, "corrected", _("Details corrected"), detail))
    return events

"""Where the person has been: placements, movements, reports of not arriving, departures, and the
roll calls they were seen at."""

from django.db.models import Q
from django.utils.translation import gettext as _

from muster.access.policy import CATEGORY_FACILITY_KINDS
from muster.core.text import isolate
from muster.custody.models import ManifestLine, Placement
from muster.custody.queries import roll_call_sightings
from muster.custody.services import facilities_at, whereabouts
from muster.departures import queries as departures
from muster.people.models import Person
from muster.reports.timeline.event import Event


def ask_where() -> str:
    """What a role not told how a person left reads instead: whom to ask."""
    return _(
        "How and where they went is not shown to your role: ask the repatriation / return "
        "officer or the coordinator."
    )


def custody_events(person: Person, fields) -> list[Event]:
    events = []
    placements = Placement.objects.filter(person=person).select_related(
        "facility", "movement__from_facility", "movement__to_facility"
    )
    placements = list(placements)
    # Every report of not arriving, also one followed by a late receipt: the report stays history.
    missing = list(
        ManifestLine.objects.filter(
            person=person, reported_missing_at__isnull=False
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
    wanted |= {(line.movement.to_facility_id, line.reported_missing_at) for line in missing}
    known = facilities_at(wanted)
    kinds_now = {pl.facility_id: pl.facility.kind for pl in placements if pl.facility_id}
    for pl in placements:
        if pl.movement is not None:
            kinds_now[pl.movement.from_facility_id] = pl.movement.from_facility.kind
            kinds_now[pl.movement.to_facility_id] = pl.movement.to_facility.kind
    for line in missing:
        kinds_now[line.movement.to_facility_id] = line.movement.to_facility.kind
    named = "category_facility" in fields
    reported_missing = {line.movement_id for line in missing}

    def name(facility_id, at):
        # A camp or holding facility tells the category: unnamed for roles blind to categories,
        # whether it is of such a kind then or now.
        text, kind = known[(facility_id, at)]
        if not named and CATEGORY_FACILITY_KINDS & {kind, kinds_now.get(facility_id)}:
            return _("a facility")
        return text

    exits = departures.exits_of(pl.exit_ref for pl in placements if pl.exit_ref)

    def exit_note(pl) -> str:
        # How and where they left: like a holding facility's name, a handover tells "held", and
        # the other kinds tell it by elimination: every kind alike for the roles not told them.
        departure = exits.get(pl.exit_ref)
        if not departures.shows_exit(fields, departure.kind if departure else ""):
            return ask_where()
        if departure is not None and pl.state == Placement.State.DEPARTED:
            authority = departures.shows_receiving_authority(fields, departure.kind)
            return departure.exit_text(authority=authority)
        return pl.note

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
            detail = _("movement %(m)s from %(from)s") % {
                "m": isolate(mv.number),
                "from": isolate(name(mv.from_facility_id, pl.started_at)),
            }
            if mv.pk in reported_missing:
                detail += " · " + _("received late, after being reported not arrived")
            events.append(
                Event(
                    pl.started_at,
                    "received",
                    _("Received at %(f)s") % {"f": isolate(name(pl.facility_id, pl.started_at))},
                    detail,
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
        Q(outcome__in=["refused", "returned"], resolved_at__isnull=False)
        | Q(not_presented_at__isnull=False)
    ):
        # Not presented, then found (received or back in custody): both stay in the history. The
        # receiving side's notes may name the place or the authority.
        told = departures.shows_exit(fields, line.departure.kind)
        if line.not_presented_at is not None:
            events.append(
                Event(
                    line.not_presented_at,
                    "departure_not_presented",
                    _("%(o)s on departure %(d)s")
                    % {"o": departures.Outcome.NOT_PRESENTED.label, "d": line.departure.number},
                    line.not_presented_note if told else "",
                )
            )
        if line.outcome in ("refused", "returned") and line.resolved_at is not None:
            events.append(
                Event(
                    line.resolved_at,
                    "departure_" + line.outcome,
                    _("%(o)s on departure %(d)s")
                    % {"o": line.get_outcome_display(), "d": line.departure.number},
                    line.note if told else "",
                )
            )
    for line in missing:
        events.append(
            Event(
                line.reported_missing_at,
                "missing",
                _("Reported not arrived at %(f)s (movement %(m)s)")
                % {
                    "f": isolate(name(line.movement.to_facility_id, line.reported_missing_at)),
                    "m": isolate(line.movement.number),
                },
                line.note,
            )
        )
    return events


def roll_call_events(person: Person, fields, facility_ids: set[int] | None) -> list[Event]:
    """The roll calls the person was seen at, at the facilities ``facility_ids`` (those whose roll
    calls the reader may read; ``None``: every one): on the list, or seen there though not on it,
    with where the registry had them then."""
    lines = list(roll_call_sightings(person, facility_ids))
    if not lines:
        return []
    known = facilities_at((line.roll_call.facility_id, line.seen_at) for line in lines)
    named = "category_facility" in fields
    events = []
    for line in lines:
        roll_call = line.roll_call
        facility, kind = known[(roll_call.facility_id, line.seen_at)]
        if not named and kind in CATEGORY_FACILITY_KINDS:
            facility = _("a facility")
        where = {"f": isolate(facility)}
        detail = _("roll call %(n)s") % {"n": isolate(roll_call.number)}
        if line.on_list:
            events.append(
                Event(
                    line.seen_at, "roll_call", _("Seen at the roll call at %(f)s") % where, detail
                )
            )
            continue
        detail += " · " + _("where the registry had them: %(w)s") % {
            "w": whereabouts(line, roll_call, detailed=named)
        }
        events.append(
            Event(
                line.seen_at,
                "roll_call_not_on_list",
                _("Seen at the roll call at %(f)s, not on its list") % where,
                detail,
            )
        )
    return events

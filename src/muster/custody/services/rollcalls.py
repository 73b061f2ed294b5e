"""Roll calls: a physical count at a facility reconciled against the list of those placed there.

``start_roll_call`` takes the list (everyone placed at the facility then), ``mark_seen`` marks one
person seen (idempotent: a second mark, or two officers marking at once, marks once), recording
someone not on the list beside it with where the registry has them, and ``close_roll_call`` settles
every line and keeps the figures. A roll call never moves anyone: what it finds is for people to
act on (receive, report, correct).

A mark keeps the counts it changes on the roll call's row, in its own transaction: at 70,000 on the
list, counting the lines again after every scan cost the camp manager 0.16 s a wristband. The close
counts them again and, should they differ, the count wins and the difference is logged.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.numbering import new_number
from muster.core.rows import insert_rows
from muster.core.text import isolate
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Facility, Placement, RollCall, RollCallLine
from muster.custody.services.merges import merge_copies
from muster.custody.services.placements import State, _lock_facility
from muster.people import services as people
from muster.people.models import Person

logger = logging.getLogger("muster.custody.services")

Outcome = RollCallLine.Outcome
How = RollCallLine.How

# Eastern Arabic and Persian digits, as an Arabic keyboard types a wristband's number.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class Figures:
    """A roll call's counts: ``expected`` on the list at the start, of whom ``seen``, ``left``
    (dispatched or departed since the start and not seen: not missing) and ``not_seen``; beside the
    list, ``arrived`` (placed here since the start) and ``not_on_list`` (seen here, registered
    elsewhere).

    While the roll call is open, ``not_seen`` is those on the list not marked seen yet (the list
    to tick; ``left`` are among them until the close tells them apart), and ``left`` and
    ``arrived`` are ``None`` when not counted (after a mark: see :func:`figures`)."""

    expected: int
    seen: int
    not_seen: int
    left: int | None
    arrived: int | None
    not_on_list: int


@dataclass(frozen=True)
class Marked:
    """What a mark did: ``kind`` is ``marked`` (seen, on the list), ``already`` (on the list,
    marked before), ``arrived`` (not on the list, placed here since the start), ``not_on_list``
    (recorded as seen here though the registry has them elsewhere) or ``already_not_on_list``."""

    kind: str
    line: RollCallLine
    person: Person
    asked: Person  # the record whose number was given (merged into ``person``, or the same)
    roll_call: RollCall  # as the mark left it: its kept counts (:func:`figures`)


def _closed_error() -> ValidationError:
    return ValidationError(
        {
            "roll_call": [
                ValidationError(
                    _("this roll call is closed: nothing can be marked or changed"),
                    code="roll_call_closed",
                )
            ]
        }
    )


def open_roll_call(facility: Facility) -> RollCall | None:
    return RollCall.objects.filter(facility=facility, closed_at__isnull=True).first()


@transaction.atomic
def start_roll_call(facility: Facility, *, by, request=None) -> RollCall:
    """Open a roll call at ``facility``: its list is everyone placed there now. Refused while
    another is open there (one count at a time, or two lists would disagree)."""
    _lock_facility(facility)
    current = open_roll_call(facility)
    if current is not None:
        raise ValidationError(
            {
                "facility": [
                    ValidationError(
                        _(
                            "roll call %(n)s, started %(at)s, is still open here: close it "
                            "before starting another"
                        )
                        % {
                            "n": isolate(current.number),
                            "at": isolate(
                                timezone.localtime(current.started_at).strftime("%Y-%m-%d %H:%M")
                            ),
                        },
                        code="roll_call_open",
                    )
                ]
            }
        )
    now = timezone.now()
    ids = list(
        Placement.objects.filter(facility=facility, is_current=True, state=State.PLACED)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    try:
        with transaction.atomic():
            roll_call = RollCall.objects.create(
                number=new_number("RC"),
                facility=facility,
                started_at=now,
                started_by=by,
                expected=len(ids),
            )
    except IntegrityError:  # started by another officer meanwhile (SQLite does not lock a row)
        raise ValidationError(
            {
                "facility": [
                    ValidationError(_("a roll call is already open here"), code="roll_call_open")
                ]
            }
        ) from None
    insert_rows(
        RollCallLine,
        ("roll_call_id", "person_id", "on_list"),
        ((roll_call.pk, i, True) for i in ids),
    )
    if connection.vendor == "postgresql":
        transaction.on_commit(_analyze_lines, robust=True)
    audit.record(
        CustodyAction.ROLL_CALL_START,
        actor=by,
        obj=roll_call,
        request=request,
        detail={"facility": facility.pk, "expected": len(ids)},
    )
    return roll_call


def _analyze_lines() -> None:
    """Statistics on the lines a start has just written, for the queries of the scans, pages and
    close that follow (PostgreSQL): without them the planner takes a new roll call's tens of
    thousands of lines for a handful until autovacuum comes round. ANALYZE reads a sample, in
    a fraction of a second at any size; run after the commit, it holds no lock of the start's."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(RollCallLine._meta.db_table)}")


def person_by_number(number: str) -> Person | None:
    """The person a wristband's number names (typed in any case, with spaces, in Eastern digits),
    or ``None``."""
    cleaned = "".join((number or "").translate(_DIGITS).split()).upper()[:20]
    if not cleaned:
        return None
    return Person.objects.filter(number=cleaned).first()


@transaction.atomic
def mark_seen(roll_call: RollCall, person: Person, *, by, how: str, request=None) -> Marked:
    """Mark ``person`` seen at the roll call (see :class:`Marked` for what it answers).

    The roll call's row is locked for the mark (none after the close); the line's update only
    when not yet seen, and the unique line per person, make a repeated or simultaneous mark a
    single one, counted once on the row. Someone not on the list is recorded with where the
    registry has them now, never moved. A merged duplicate's wristband marks the record it was
    merged into."""
    if how not in How.values:
        raise ValueError(f"how must be one of {How.values}")
    roll_call = RollCall.objects.select_for_update().get(pk=roll_call.pk)
    if roll_call.closed_at is not None:
        raise _closed_error()
    asked, person = person, people.surviving_record(person)
    now = timezone.now()
    line = RollCallLine.objects.filter(roll_call=roll_call, person=person).first()
    if line is not None and line.on_list:
        marked = RollCallLine.objects.filter(pk=line.pk, seen_at__isnull=True).update(
            seen_at=now, seen_by=by, how=how, outcome=Outcome.SEEN
        )
        line.refresh_from_db()
        if not marked:
            return Marked("already", line, person, asked, roll_call)
        _count(roll_call, "seen_on_list")
        audit.record(
            CustodyAction.ROLL_CALL_MARK,
            actor=by,
            obj=person,
            request=request,
            detail={"roll_call": roll_call.number, "how": how, "outcome": Outcome.SEEN},
        )
        return Marked("marked", line, person, asked, roll_call)
    if line is not None:
        return Marked("already_not_on_list", line, person, asked, roll_call)
    placement = (
        Placement.objects.filter(person=person, is_current=True)
        .select_related("facility", "movement")
        .first()
    )
    here = (
        placement is not None
        and placement.state == State.PLACED
        and placement.facility_id == roll_call.facility_id
    )
    try:
        with transaction.atomic():
            line = RollCallLine.objects.create(
                roll_call=roll_call,
                person=person,
                on_list=False,
                outcome=Outcome.ARRIVED if here else Outcome.ELSEWHERE,
                seen_at=now,
                seen_by=by,
                how=how,
                **_found(placement),
            )
    except IntegrityError:
        line = RollCallLine.objects.get(roll_call=roll_call, person=person)
        return Marked("already_not_on_list", line, person, asked, roll_call)
    if not here:
        _count(roll_call, "seen_elsewhere")
    audit.record(
        CustodyAction.ROLL_CALL_MARK,
        actor=by,
        obj=person,
        request=request,
        detail={
            "roll_call": roll_call.number,
            "how": how,
            "outcome": line.outcome,
        },
    )
    return Marked("arrived" if here else "not_on_list", line, person, asked, roll_call)


def _count(roll_call: RollCall, field: str) -> None:
    """One more on the kept count ``field``: added by the database (right whoever else marks at
    the same moment), and on ``roll_call``, whose row the mark holds locked."""
    RollCall.objects.filter(pk=roll_call.pk).update(**{field: F(field) + 1})
    setattr(roll_call, field, getattr(roll_call, field) + 1)


def _found(placement: Placement | None) -> dict:
    """Where a placement puts someone, as a line keeps it."""
    if placement is None:
        return {}
    return {
        "found_state": placement.state,
        "found_facility_id": placement.facility_id,
        "found_movement_id": placement.movement_id if placement.state == State.IN_TRANSIT else None,
        "found_exit_ref": placement.exit_ref,
    }


def _left(roll_call: RollCall) -> QuerySet:
    """Ids of the persons on the list not seen who are no longer placed here (open roll call).

    A set difference (EXCEPT), not a join: the lines a start has just written have no statistics
    on PostgreSQL until they are analysed, and the planner, taking them for one, looked up every
    placement here for each line in a nested loop (97 s at 42,751 on the list, 358 s at 68,689).
    A set operation hashes or sorts each side once, whatever the planner knows."""
    unseen = roll_call.lines.filter(on_list=True, seen_at__isnull=True)
    here = Placement.objects.filter(
        facility_id=roll_call.facility_id, is_current=True, state=State.PLACED
    )
    return (
        unseen.order_by()
        .values_list("person_id", flat=True)
        .difference(here.order_by().values_list("person_id", flat=True))
    )


def _arrivals(roll_call: RollCall) -> set[int]:
    """Ids of those placed here since the start who are not on the list (a merge's copy is no
    arrival). Those placed are few: their lines are looked up by person, not the list searched
    for each of them (a plan that, as in :func:`_left`, would hang on the lines' statistics)."""
    placed = set(
        Placement.objects.filter(
            facility_id=roll_call.facility_id,
            state=State.PLACED,
            started_at__gte=roll_call.started_at,
        )
        .exclude(merge_copies())
        .values_list("person_id", flat=True)
    )
    if not placed:
        return placed
    listed = roll_call.lines.filter(on_list=True, person_id__in=placed)
    return placed - set(listed.values_list("person_id", flat=True))


def figures(roll_call: RollCall, *, counted: bool = True) -> Figures:
    """The counts: those the close kept; while open, those the marks keep and, when ``counted``,
    those who left or arrived since the start, counted from the placements (a mark changes neither:
    after one, ``counted=False`` answers from the row alone)."""
    if roll_call.closed_at is not None:
        return Figures(
            expected=roll_call.expected,
            seen=roll_call.seen,
            not_seen=roll_call.not_seen,
            left=roll_call.left or 0,
            arrived=roll_call.arrived or 0,
            not_on_list=roll_call.not_on_list or 0,
        )
    return Figures(
        expected=roll_call.expected,
        seen=roll_call.seen_on_list,
        not_seen=roll_call.expected - roll_call.seen_on_list,
        left=_left(roll_call).count() if counted else None,
        arrived=len(_arrivals(roll_call)) if counted else None,
        not_on_list=roll_call.seen_elsewhere,
    )


def _check_kept_counts(roll_call: RollCall) -> None:
    """The close's check of what the marks kept against the lines: the count wins, and a
    difference is logged (a mark kept nowhere, or a line written past :func:`mark_seen`)."""
    counts = roll_call.lines.aggregate(
        seen_on_list=Count("id", filter=Q(on_list=True, seen_at__isnull=False)),
        seen_elsewhere=Count("id", filter=Q(on_list=False, outcome=Outcome.ELSEWHERE)),
    )
    kept = {field: getattr(roll_call, field) for field in counts}
    if kept != counts:
        logger.warning(
            "roll call %s: the counts kept mark by mark (%s) differ from its lines (%s); "
            "the lines' count is kept",
            roll_call.number,
            kept,
            counts,
        )
        for field, n in counts.items():
            setattr(roll_call, field, n)


def _settle_left(roll_call: RollCall) -> None:
    """Each line on the list not seen whose person is no longer placed here is *left*, with where
    the registry has them now (:func:`_found`; nothing for a record merged away, which has no
    placement of its own), in one statement however many left.

    Each line's placement is read by its person, in scalar subqueries: planned on their own, each
    is one probe of the unique index of current placements, whatever the planner thinks of the
    lines (a join of the lines to the placements hung on their statistics, see :func:`_left`).
    Updated in a ``CASE`` per line by Django's ``bulk_update``, 20,000 who left took 28 s."""
    current = Placement.objects.filter(person_id=OuterRef("person_id"), is_current=True).order_by()

    def where_now(field: str) -> Subquery:
        return Subquery(current.values(field)[:1])

    here = current.filter(state=State.PLACED, facility_id=roll_call.facility_id)
    roll_call.lines.filter(on_list=True, seen_at__isnull=True).alias(
        placed_here=Subquery(here.values("pk")[:1])
    ).filter(placed_here__isnull=True).update(
        outcome=Outcome.LEFT,
        found_state=Coalesce(where_now("state"), Value("")),
        found_facility_id=where_now("facility_id"),
        found_movement_id=Subquery(
            current.filter(state=State.IN_TRANSIT).values("movement_id")[:1]
        ),
        found_exit_ref=Coalesce(where_now("exit_ref"), Value("")),
    )


@transaction.atomic
def close_roll_call(roll_call: RollCall, *, by, note: str = "", request=None) -> RollCall:
    """Close the roll call: each line on the list not seen is *left* (no longer placed here:
    dispatched, departed; with where to) or *not seen*; those who arrived meanwhile are added;
    the figures are kept (the marks' kept counts checked against the lines first). Read-only from
    then on."""
    roll_call = RollCall.objects.select_for_update().get(pk=roll_call.pk)
    if roll_call.closed_at is not None:
        raise _closed_error()
    _check_kept_counts(roll_call)
    now = timezone.now()
    _settle_left(roll_call)
    roll_call.lines.filter(on_list=True, outcome="").update(outcome=Outcome.NOT_SEEN)
    arrived = _arrivals(roll_call)
    if arrived:
        # Those recorded beside the list are those seen here not on it: a line a scan, few.
        recorded = arrived & set(
            roll_call.lines.filter(on_list=False).values_list("person_id", flat=True)
        )
        roll_call.lines.filter(on_list=False, person_id__in=recorded).update(
            outcome=Outcome.ARRIVED,
            found_state=State.PLACED,
            found_facility_id=roll_call.facility_id,
            found_movement=None,
            found_exit_ref="",
        )
        insert_rows(
            RollCallLine,
            ("roll_call_id", "person_id", "on_list", "outcome", "found_state", "found_facility_id"),
            (
                (roll_call.pk, p, False, Outcome.ARRIVED, State.PLACED, roll_call.facility_id)
                for p in sorted(arrived - recorded)
            ),
        )
    counts = dict(roll_call.lines.values_list("outcome").annotate(n=Count("id")).order_by())
    roll_call.closed_at = now
    roll_call.closed_by = by
    roll_call.note = (note or "").strip()
    roll_call.seen = counts.get(Outcome.SEEN, 0)
    roll_call.not_seen = counts.get(Outcome.NOT_SEEN, 0)
    roll_call.left = counts.get(Outcome.LEFT, 0)
    roll_call.arrived = counts.get(Outcome.ARRIVED, 0)
    roll_call.not_on_list = counts.get(Outcome.ELSEWHERE, 0)
    roll_call.save()
    audit.record(
        CustodyAction.ROLL_CALL_CLOSE,
        actor=by,
        obj=roll_call,
        request=request,
        detail={
            "facility": roll_call.facility_id,
            "expected": roll_call.expected,
            "seen": roll_call.seen,
            "not_seen": roll_call.not_seen,
            "left": roll_call.left,
            "arrived": roll_call.arrived,
            "not_on_list": roll_call.not_on_list,
            "note": bool(roll_call.note),
        },
    )
    return roll_call


def not_yet_seen(roll_call: RollCall) -> QuerySet:
    """Persons on the list not marked seen (an open roll call's list to tick)."""
    return Person.objects.filter(
        roll_call_lines__roll_call=roll_call,
        roll_call_lines__on_list=True,
        roll_call_lines__seen_at__isnull=True,
    )


def lines_with(roll_call: RollCall, outcome: str) -> QuerySet:
    """A closed roll call's lines of one outcome, with who and where."""
    return roll_call.lines.filter(outcome=outcome).select_related(
        "person__household", "found_facility", "found_movement", "seen_by"
    )


def whereabouts(line: RollCallLine, roll_call: RollCall, *, detailed: bool) -> str:
    """Where the registry had the person of ``line`` (not on the list, or left), in words.

    ``detailed``: the reader may be told which facility, movement or departure (the person is in
    their scope); otherwise only the kind of place, as a number outside one's facilities is not
    to tell more."""
    state = line.found_state
    facility = line.found_facility
    if state == State.PLACED and line.found_facility_id == roll_call.facility_id:
        return _("placed here since the roll call started")
    if state == State.PLACED:
        if detailed and facility is not None:
            return _("placed at %(f)s") % {"f": isolate(facility.display_name)}
        return _("placed at another facility")
    if state == State.IN_TRANSIT:
        movement = line.found_movement
        if detailed and movement is not None:
            if movement.to_facility_id == roll_call.facility_id:
                return _("in transit to here on %(m)s, not yet received") % {
                    "m": isolate(movement.number)
                }
            return _("in transit on %(m)s from %(a)s to %(b)s") % {
                "m": isolate(movement.number),
                "a": isolate(movement.from_facility.display_name),
                "b": isolate(movement.to_facility.display_name),
            }
        return _("in transit between other facilities")
    if state == Placement.State.LEAVING:
        if detailed:
            return _("leaving on departure %(d)s, not yet confirmed") % {
                "d": isolate(line.found_exit_ref)
            }
        return _("leaving custody on a departure")
    if state == Placement.State.DEPARTED:
        if detailed:
            return _("departed on %(d)s") % {"d": isolate(line.found_exit_ref)}
        return _("left custody")
    return _("registered, never placed at a facility")


def mark_answer(
    marked: Marked, roll_call: RollCall, *, detailed: bool, named: bool
) -> tuple[str, str]:
    """What a mark is answered with, in words, and how it reads: ``ok``, ``warn`` or ``bad``.
    ``named``: the reader may be told the person's name; ``detailed``: where they are
    (:func:`whereabouts`)."""
    person = marked.person
    who = isolate(person.number) + (f" {isolate(person.display_name)}" if named else "")
    if marked.asked.pk != person.pk:
        who = _("%(old)s (now recorded as %(who)s)") % {
            "old": isolate(marked.asked.number),
            "who": who,
        }
    if marked.kind == "marked":
        return _("marked: %(who)s") % {"who": who}, "ok"
    if marked.kind == "already":
        at = timezone.localtime(marked.line.seen_at).strftime("%H:%M")
        return _("already marked: %(who)s, at %(at)s") % {"who": who, "at": isolate(at)}, "warn"
    where = whereabouts(marked.line, roll_call, detailed=detailed)
    if marked.kind == "arrived":
        text = _("not on the list, %(where)s: %(who)s, recorded as seen")
        return text % {"who": who, "where": where}, "warn"
    if marked.kind == "not_on_list":
        text = _(
            "not on the list: %(who)s is %(where)s in the registry. Recorded as seen here, for "
            "follow-up; nobody was moved."
        )
        return text % {"who": who, "where": where}, "bad"
    text = _("already recorded as seen here, not on the list: %(who)s (%(where)s)")
    return text % {"who": who, "where": where}, "warn"

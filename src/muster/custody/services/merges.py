"""Custody when two records of one person are merged, and restored when the merge is undone."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.text import isolate
from muster.custody.audit_actions import CustodyAction
from muster.custody.models import Placement
from muster.custody.services.placements import State

# Placement notes that tie a merge's custody changes to the duplicate, so an unmerge can undo them.
MERGE_NOTE = "merged into {kept}"
MERGE_MOVE_NOTE = "location of {duplicate} (merge)"
MERGE_LEFT_NOTE = "left for the location of {duplicate} (merge)"
# A placement an unmerge puts back (where a record was before the merge): nobody arrived then.
UNMERGE_RESTORE_NOTE = "restored: merge with {duplicate} undone"


# A copy's note starts as MERGE_MOVE_NOTE's text before the duplicate and holds the text after it
# (more may be appended when the copy ends); a restored placement's starts as UNMERGE_RESTORE_NOTE's.
_COPY_START, _COPY_HOLDS = MERGE_MOVE_NOTE.partition("{duplicate}")[::2]
_RESTORE_START = UNMERGE_RESTORE_NOTE.partition("{duplicate}")[0]


def merge_copies() -> Q:
    """The placements a merge made for the kept record (the duplicate's location, copied), and
    those its undoing put back: no one arrived there then, so arrival counts leave them out."""
    return (Q(note__startswith=_COPY_START) & Q(note__contains=_COPY_HOLDS)) | Q(
        note__startswith=_RESTORE_START
    )


def merge_copy_sql(row: str) -> str:
    """SQL: the placement ``row`` (a table or its alias) is a merge's copy or an unmerge's
    restoration (``merge_copies``), for the counters that the database keeps
    (``muster.reports.counters``)."""
    return (
        f"(({row}.note LIKE '{_COPY_START}%' AND {row}.note LIKE '%{_COPY_HOLDS}%')"
        f" OR {row}.note LIKE '{_RESTORE_START}%')"
    )


def _end(placement: Placement, note: str, now) -> None:
    placement.is_current = False
    placement.ended_at = now
    placement.note = (placement.note + " " if placement.note else "") + note
    placement.save(update_fields=["is_current", "ended_at", "note"])


def _copy_placement(source: Placement, person, *, by, now, note: str) -> Placement:
    return Placement.objects.create(
        person=person,
        state=source.state,
        facility=source.facility,
        movement=source.movement if source.state == State.IN_TRANSIT else None,
        exit_ref=source.exit_ref,
        started_at=now,
        created_by=by,
        note=note,
    )


def _moved_unrecorded(kept, kept_cur, dup_cur) -> str:
    if kept_cur is None or kept_cur.state != State.PLACED or not dup_cur.facility_id:
        return ""
    if kept_cur.facility_id == dup_cur.facility_id:
        return ""
    return _("%(p)s was at %(a)s and is now at %(b)s, with no movement recorded between them.") % {
        "p": isolate(kept.number),
        "a": isolate(kept_cur.facility.display_name),
        "b": isolate(dup_cur.facility.display_name),
    }


def merge_location_warning(duplicate, kept) -> str:
    """What a merge of ``duplicate`` into ``kept`` would warn about, read before it is confirmed:
    the two records placed at different facilities with no movement recorded between them."""
    current = {
        p.person_id: p
        for p in Placement.objects.filter(
            person__in=[duplicate, kept], is_current=True
        ).select_related("facility")
    }
    dup_cur, kept_cur = current.get(duplicate.pk), current.get(kept.pk)
    if dup_cur is None or kept_cur is None:
        return ""
    if (dup_cur.started_at, dup_cur.pk) < (kept_cur.started_at, kept_cur.pk):
        dup_cur, kept_cur = kept_cur, dup_cur  # the newer one is where the person is
    return _moved_unrecorded(kept, kept_cur, dup_cur)


@transaction.atomic
def end_for_merge(duplicate, kept, *, by, request=None) -> dict:
    """Custody side of a merge: the kept record takes the person's true current location.

    That is the newest confirmed placement of the two records: a person re-registered today at a
    reception point is there, not where an older record last saw them. When the two records were at
    different facilities with no movement recorded between them, the merge carries a warning (in
    the audit and the returned dict). A record in transit is refused: receive or report it first.
    Returns ``{"placement": ended duplicate placement or None, "warning": str}``.
    """
    locked = {
        p.person_id: p
        for p in Placement.objects.select_for_update().filter(
            person__in=[duplicate, kept], is_current=True
        )
    }
    dup_cur, kept_cur = locked.get(duplicate.pk), locked.get(kept.pk)
    for person, current in ((duplicate, dup_cur), (kept, kept_cur)):
        if current is not None and current.state in (State.IN_TRANSIT, State.LEAVING):
            raise ValidationError(
                {
                    "persons": [
                        ValidationError(
                            _("%(p)s is in transit; receive it before merging") % {"p": person},
                            code="in_transit",
                        )
                    ]
                }
            )
    result = {"placement": None, "warning": ""}
    if dup_cur is None:
        return result
    now = timezone.now()
    newer = kept_cur is None or (dup_cur.started_at, dup_cur.pk) > (
        kept_cur.started_at,
        kept_cur.pk,
    )
    moved = newer and (
        kept_cur is None
        or (kept_cur.state, kept_cur.facility_id) != (dup_cur.state, dup_cur.facility_id)
    )
    if moved:
        result["warning"] = _moved_unrecorded(kept, kept_cur, dup_cur)
        if kept_cur is not None:
            _end(kept_cur, MERGE_LEFT_NOTE.format(duplicate=duplicate.number), now)
        _copy_placement(
            dup_cur, kept, by=by, now=now, note=MERGE_MOVE_NOTE.format(duplicate=duplicate.number)
        )
    _end(dup_cur, MERGE_NOTE.format(kept=kept.number), now)
    result["placement"] = dup_cur
    detail = {"placement": dup_cur.pk, "kept": kept.number, "kept_moved": moved}
    if result["warning"]:
        detail["warning"] = "moved with no movement recorded"
    audit.record(
        CustodyAction.PLACEMENT_END_FOR_MERGE,
        actor=by,
        obj=duplicate,
        request=request,
        detail=detail,
    )
    return result


@transaction.atomic
def restore_after_unmerge(person, kept=None, *, by, reason: str, request=None) -> list[Placement]:
    """Undo the custody side of a merge: the duplicate goes back where its placement was ended by
    the merge, and the kept record (if the merge moved it) back where it was before."""
    now = timezone.now()
    restored = []
    if kept is not None:
        kept_cur = (
            Placement.objects.select_for_update().filter(person=kept, is_current=True).first()
        )
        if kept_cur is not None and kept_cur.note == MERGE_MOVE_NOTE.format(
            duplicate=person.number
        ):
            before = (
                Placement.objects.filter(
                    person=kept, note__endswith=MERGE_LEFT_NOTE.format(duplicate=person.number)
                )
                .order_by("-ended_at", "-id")
                .first()
            )
            _end(kept_cur, f"unmerged from {person.number}", now)
            if before is not None:
                note = UNMERGE_RESTORE_NOTE.format(duplicate=person.number)
                restored.append(_copy_placement(before, kept, by=by, now=now, note=note))
            audit.record(
                CustodyAction.PLACEMENT_RESTORE_AFTER_UNMERGE,
                actor=by,
                obj=kept,
                request=request,
                detail={"duplicate": person.number},
            )
    has_current = Placement.objects.filter(person=person, is_current=True).exists()
    last = Placement.objects.filter(person=person).order_by("-started_at", "-id").first()
    if last is None or has_current or last.state != Placement.State.PLACED:
        return restored
    note = UNMERGE_RESTORE_NOTE.format(duplicate=kept.number if kept is not None else "")
    restored.append(_copy_placement(last, person, by=by, now=now, note=note))
    audit.record(
        CustodyAction.PLACEMENT_RESTORE_AFTER_UNMERGE,
        actor=by,
        obj=person,
        request=request,
        detail={"facility": last.facility_id},
    )
    return restored

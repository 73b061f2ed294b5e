"""The receiving side: confirm each person (received, not presented, refused, returned), one by one or from its spreadsheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.custody.services import exits as custody_exits
from muster.departures.audit_actions import DeparturesAction
from muster.departures.models import Departure, DepartureLine
from muster.departures.services.rules import (
    NEEDS_NOTE,
    NEXT,
    OPEN,
    Outcome,
    Status,
    _exit_note,
    _locked,
)
from muster.departures.signals import departure_confirmed
from muster.people.models import Person


@dataclass
class ConfirmResult:
    received: int = 0
    not_presented: int = 0
    refused: int = 0
    returned: int = 0
    per_outcome: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.received + self.not_presented + self.refused + self.returned


@transaction.atomic
def confirm(
    departure: Departure,
    outcomes: Sequence[tuple[int, str, str]],
    *,
    by,
    source: str = "manual",
    request=None,
) -> ConfirmResult:
    """Record the receiving side's word on each person: ``(person_id, outcome, note)``.

    Received: the person has departed. Not presented: they stay *leaving* (unaccounted) until found.
    Refused, or (after not presented) returned: they are back at the facility they left. A note is
    required for anything but received. All or nothing: one bad line refuses the whole call.
    """
    departure = _locked(departure)
    if departure.status not in (Status.DISPATCHED, Status.CLOSED):
        raise ValidationError(
            {
                "status": [
                    ValidationError(
                        _("%(d)s has not been dispatched") % {"d": departure.number},
                        code="not_dispatched",
                    )
                ]
            }
        )
    wanted = {}
    errors: list[ValidationError] = []
    for pid, outcome, note in outcomes:
        if pid in wanted:
            errors.append(
                ValidationError(_("person %(p)s is given twice") % {"p": pid}, code="listed_twice")
            )
            continue
        wanted[pid] = (outcome, (note or "").strip())
    lines = {
        line.person_id: line
        for line in departure.lines.select_for_update()
        .filter(person_id__in=list(wanted))
        .select_related("person")
    }
    for pid, (outcome, note) in wanted.items():
        line = lines.get(pid)
        if line is None:
            errors.append(
                ValidationError(
                    _("person %(p)s is not on manifest %(d)s") % {"p": pid, "d": departure.number},
                    code="not_on_manifest",
                )
            )
            continue
        allowed = NEXT.get(line.outcome, set())
        if outcome not in allowed:
            errors.append(
                ValidationError(
                    _("%(p)s is %(o)s: cannot become '%(n)s'")
                    % {"p": line.person.number, "o": line.get_outcome_display(), "n": outcome},
                    code="outcome_not_allowed",
                )
            )
        elif outcome in NEEDS_NOTE and not note:
            errors.append(
                ValidationError(
                    _("%(p)s: say what the receiving side said ('%(n)s' needs a note)"),
                    code="note_required",
                    # "person": whose line it is, for a page to tell it beside the line's note.
                    params={"p": line.person.number, "n": Outcome(outcome).label, "person": pid},
                )
            )
    if not wanted:
        errors.append(ValidationError(_("no person given"), code="nobody_given"))
    if errors:
        raise ValidationError({"outcomes": errors[:50]})
    now = timezone.now()
    groups: dict[str, list[int]] = {}
    for pid, (outcome, _note) in wanted.items():
        groups.setdefault(outcome, []).append(pid)
    ref = departure.number
    if groups.get(Outcome.RECEIVED):
        custody_exits.complete_exit(
            groups[Outcome.RECEIVED], ref=ref, by=by, note=_exit_note(departure), request=request
        )
    back = groups.get(Outcome.REFUSED, []) + groups.get(Outcome.RETURNED, [])
    if back:
        custody_exits.return_from_exit(
            back,
            ref=ref,
            facility=departure.from_facility,
            by=by,
            note=_("back from departure %(d)s") % {"d": ref},
            request=request,
        )
    result = ConfirmResult()
    for outcome, pids in groups.items():
        setattr(result, outcome, len(pids))
        if outcome == Outcome.RECEIVED:
            DepartureLine.objects.filter(departure=departure, person_id__in=pids).update(
                outcome=outcome, resolved_at=now, resolved_by=by, source=source
            )
        else:  # one note per person: small numbers
            for pid in pids:
                kept = (
                    {"not_presented_at": now, "not_presented_note": wanted[pid][1]}
                    if outcome == Outcome.NOT_PRESENTED
                    else {}
                )
                DepartureLine.objects.filter(departure=departure, person_id=pid).update(
                    outcome=outcome,
                    resolved_at=now,
                    resolved_by=by,
                    source=source,
                    note=wanted[pid][1],
                    **kept,
                )
    still_open = departure.lines.filter(outcome__in=OPEN).exists()
    status = Status.DISPATCHED if still_open else Status.CLOSED
    if status != departure.status or (status == Status.CLOSED and departure.closed_at is None):
        departure.status = status
        departure.closed_at = None if still_open else now
        departure.save(update_fields=["status", "closed_at"])
    audit.record(
        DeparturesAction.DEPARTURE_CONFIRM,
        actor=by,
        obj=departure,
        request=request,
        detail={"source": source, **{k: len(v) for k, v in groups.items()}},
    )
    for pid, (outcome, _note) in wanted.items():
        audit.record(
            DeparturesAction.PERSON_DEPART_CONFIRM,
            actor=by,
            object_type="people.person",
            object_id=pid,
            request=request,
            detail={"departure": ref, "outcome": outcome, "source": source},
        )
    departure_confirmed.send(
        sender=Departure,
        departure=departure,
        outcomes={pid: outcome for pid, (outcome, _note) in wanted.items()},
        by=by,
        request=request,
    )
    return result


def import_receipt(
    departure: Departure,
    content: bytes,
    *,
    filename: str = "",
    by,
    apply: bool = True,
    request=None,
):
    """Read the receiving side's spreadsheet into a row-by-row report and, with ``apply``, confirm
    the rows that are sound, in one transaction. Unknown numbers, numbers given twice, persons not on
    this manifest, unknown outcomes and changes the manifest does not allow are reported and change
    nothing. Raises :class:`~muster.departures.receipts.ReceiptFileError` for an unreadable file."""
    import hashlib

    from muster.departures import receipts

    departure = Departure.objects.select_related("from_facility").get(pk=departure.pk)
    if departure.status not in (Status.DISPATCHED, Status.CLOSED):
        raise ValidationError(
            {
                "status": [
                    ValidationError(
                        _("%(d)s has not been dispatched") % {"d": departure.number},
                        code="not_dispatched",
                    )
                ]
            }
        )
    rows = receipts.read_rows(content, filename)
    report = receipts.ReceiptReport()
    seen: dict[str, int] = {}
    for _row, data in rows:
        seen[data["number"]] = seen.get(data["number"], 0) + 1
    numbers = [d["number"] for _r, d in rows if d["number"]]
    persons = dict(Person.objects.filter(number__in=numbers).values_list("number", "id"))
    lines = {
        line.person_id: line
        for line in DepartureLine.objects.filter(
            departure=departure, person_id__in=persons.values()
        )
    }
    for row_no, data in rows:
        number = data["number"]
        r = receipts.ReportRow(
            row=row_no, number=number, outcome=data.get("outcome", ""), note=data.get("note", "")
        )
        report.rows.append(r)
        outcome = receipts.normalise_outcome(r.outcome)
        pid = persons.get(number)
        line = lines.get(pid) if pid else None
        if not number:
            r.status, r.message = "missing_id", _("no registration number")
        elif seen[number] > 1:
            r.status = "duplicate"
            r.message = _("%(n)s appears %(c)d times in the file: none of its rows applied") % {
                "n": number,
                "c": seen[number],
            }
        elif pid is None:
            r.status, r.message = "unknown_id", _("no person with this registration number")
        elif line is None:
            r.status = "not_on_manifest"
            r.message = _("not on manifest %(d)s") % {"d": departure.number}
        elif outcome is None:
            r.status = "bad_outcome"
            r.message = _("'%(v)s' is not an outcome (received, not_presented, refused)") % {
                "v": r.outcome[:40]
            }
        elif line.outcome == outcome:
            r.status, r.message = (
                "unchanged",
                _("already %(o)s") % {"o": line.get_outcome_display()},
            )
        elif outcome not in NEXT.get(line.outcome, set()):
            r.status = "not_allowed"
            r.message = _("is %(o)s: cannot become '%(n)s'") % {
                "o": line.get_outcome_display(),
                "n": outcome,
            }
        elif outcome in NEEDS_NOTE and not r.note.strip():
            r.status, r.message = (
                "note_required",
                _("'%(n)s' needs a note") % {"n": Outcome(outcome).label},
            )
        else:
            r.person_id, r.outcome = pid, outcome
    with transaction.atomic():
        if apply and report.ok_rows:
            confirm(
                departure,
                [(r.person_id, r.outcome, r.note) for r in report.ok_rows],
                by=by,
                source="import",
                request=request,
            )
            report.applied = True
        audit.record(
            DeparturesAction.DEPARTURE_IMPORT,
            actor=by,
            obj=departure,
            request=request,
            detail={
                "file_sha256": hashlib.sha256(content).hexdigest(),
                "applied": report.applied,
                "rows": len(report.rows),
                **report.summary(),
            },
        )
    return report

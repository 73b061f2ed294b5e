"""The verbs of departures: plan a batch, approve it, dispatch it, confirm each person, import the
receiving side's confirmation, cancel, record a death, record a nationality verification.

Each verb is one transaction and writes its audit events inside it. Custody's placements change only
through :mod:`muster.custody.services.exits`; the protection rules (children without a caregiver, families
split) come from :mod:`muster.protection.rules`; the "held" rule reads screening's categories.

Refusals name the field and the persons: a held person may leave only by handover to an authority
(with its legal basis), for treatment abroad, or by death; a child with no adult of their household on
the same departure needs a protection review that permits it; a repatriation needs each person's
nationality verified as the destination state's; a batch that splits a household needs a reason.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.core.numbering import new_number
from muster.custody.models import Facility
from muster.custody.services import exits as custody_exits
from muster.departures.audit_actions import DeparturesAction
from muster.departures.models import Departure, DepartureLine, Kind, NationalityVerification
from muster.people.models import IdentityDocument, Person
from muster.protection import rules as protection
from muster.screening.models import ApprovalStatus, Category, CategoryDecision

Outcome = DepartureLine.Outcome
Status = Departure.Status

# What each kind must say, beyond the persons. Return: a sponsor too when anyone on it is family of a
# held person (see _check_details).
REQUIRED = {
    Kind.RETURN: ("destination_name", "destination_pcode", "convoy"),
    Kind.REPATRIATION: ("destination_country", "receiving_authority"),
    Kind.HANDOVER: ("receiving_authority", "legal_basis"),
    Kind.RELEASE: ("guarantor", "destination_name"),
    Kind.MEDICAL: ("destination_name", "destination_country"),
    Kind.DEATH: ("death_source", "death_date"),
}
# Kinds a second officer approves before dispatch (four eyes, as for "held").
NEEDS_APPROVAL = frozenset({Kind.REPATRIATION, Kind.HANDOVER, Kind.RELEASE, Kind.MEDICAL})
# The only ways a held person leaves custody.
HELD_MAY_LEAVE = frozenset({Kind.HANDOVER, Kind.MEDICAL, Kind.DEATH})
DETAIL_FIELDS = (
    "destination_name",
    "destination_pcode",
    "destination_country",
    "receiving_authority",
    "legal_basis",
    "guarantor",
    "convoy",
    "death_source",
    "death_date",
    "planned_date",
    "note",
)
MAX_BATCH = 10000
# Outcomes the receiving side (or our staff from the signed manifest) may give, from each state.
NEXT = {
    Outcome.PENDING: {Outcome.RECEIVED, Outcome.NOT_PRESENTED, Outcome.REFUSED},
    Outcome.NOT_PRESENTED: {Outcome.RECEIVED, Outcome.REFUSED, Outcome.RETURNED},
}
NEEDS_NOTE = frozenset({Outcome.NOT_PRESENTED, Outcome.REFUSED, Outcome.RETURNED})
OPEN = (Outcome.PENDING, Outcome.NOT_PRESENTED)


def _numbers(persons: Iterable) -> str:
    return ", ".join(sorted(p.number for p in persons)[:20])


def _clean_details(kind: str, details: dict) -> dict:
    errors: dict[str, list[ValidationError]] = {}
    if kind not in Kind.values:
        raise ValidationError(
            {"kind": [ValidationError(_("'%(v)s' is not a kind of departure (%(list)s)")
                      % {"v": str(kind)[:40], "list": ", ".join(Kind.values)}, code="not_a_kind")]}
        )  # fmt: skip
    clean = {}
    for key in DETAIL_FIELDS:
        value = details.get(key)
        if isinstance(value, str):
            value = value.strip()
            if any(ord(c) < 32 and c not in "\n\t" for c in value):
                errors[key] = [
                    ValidationError(_("contains a control character"), code="control_character")
                ]
        clean[key] = value if value not in (None, "") else ("" if key not in _DATES else None)
    for key in _DATES:
        value = clean[key]
        if isinstance(value, str):
            from muster.core.parsing import parse_day

            day = parse_day(value)
            if day is None:
                errors[key] = [
                    ValidationError(
                        _("'%(v)s' is not a date (YYYY-MM-DD)") % {"v": value[:40]},
                        code="not_a_date",
                    )
                ]
            clean[key] = day
    country = clean["destination_country"]
    if country:
        country = country.upper()
        if len(country) != 3 or not country.isascii() or not country.isalpha():
            errors["destination_country"] = [
                ValidationError(
                    _("'%(v)s' is not a country code (ISO 3166 alpha-3, e.g. IRQ)")
                    % {"v": country[:20]},
                    code="not_a_country",
                )
            ]
        clean["destination_country"] = country
    for key in REQUIRED[kind]:
        if not clean[key] and key not in errors:
            errors[key] = [
                ValidationError(
                    _("required for a departure of kind '%(k)s'") % {"k": Kind(kind).label},
                    code="required_for_kind",
                )
            ]
    if errors:
        raise ValidationError(errors)
    return clean


_DATES = ("death_date", "planned_date")


def _held(person_ids: Sequence[int]) -> set[int]:
    """Persons held, or proposed as held and awaiting the second officer."""
    return set(
        CategoryDecision.objects.filter(person_id__in=list(person_ids), category=Category.HELD)
        .filter(Q(is_current=True) | Q(status=ApprovalStatus.PENDING))
        .values_list("person_id", flat=True)
    )


def _family_of_held(person_ids: Sequence[int]) -> set[int]:
    return set(
        CategoryDecision.objects.filter(
            person_id__in=list(person_ids), category=Category.FAMILY_OF_HELD, is_current=True
        ).values_list("person_id", flat=True)
    )


def latest_verifications(person_ids: Sequence[int]) -> dict[int, NationalityVerification]:
    out: dict[int, NationalityVerification] = {}
    for v in NationalityVerification.objects.filter(person_id__in=list(person_ids)).order_by(
        "verified_at", "id"
    ):
        out[v.person_id] = v
    return out


def _unverified(persons: Sequence[Person], country: str) -> list[Person]:
    latest = latest_verifications([p.pk for p in persons])
    return [
        p
        for p in persons
        if (v := latest.get(p.pk)) is None
        or v.outcome != NationalityVerification.Outcome.VERIFIED
        or v.nationality != country
    ]


def check_persons(
    persons: Sequence[Person],
    kind: str,
    details: dict,
    from_facility: Facility,
    *,
    separation_reason: str = "",
    departure: Departure | None = None,
) -> protection.TransferPlan:
    """Every refusal rule, with all the reasons at once; returns the household separations made."""
    errors: dict[str, list[ValidationError]] = {}
    ids = [p.pk for p in persons]
    if not persons:
        raise ValidationError(
            {"persons": [ValidationError(_("select at least one person"), code="nobody_selected")]}
        )
    if len(set(ids)) != len(ids):
        raise ValidationError(
            {"persons": [ValidationError(_("a person is listed twice"), code="listed_twice")]}
        )
    if len(ids) > MAX_BATCH:
        raise ValidationError(
            {
                "persons": [
                    ValidationError(
                        _("at most %(n)d persons on one departure") % {"n": MAX_BATCH},
                        code="too_many_persons",
                    )
                ]
            }
        )
    by_id = {p.pk: p for p in persons}
    away = custody_exits.not_placed_at(ids, from_facility)
    if away:
        errors["persons"] = [
            ValidationError(
                _("not currently at %(f)s: %(list)s")
                % {"f": from_facility.name, "list": _numbers(by_id[i] for i in away)},
                code="not_at_facility",
            )
        ]
    other = DepartureLine.objects.filter(person_id__in=ids, outcome__in=[Outcome.PLANNED, *OPEN])
    if departure is not None:
        other = other.exclude(departure=departure)
    elsewhere = list(other.values_list("person_id", "departure__number"))
    if elsewhere:
        errors.setdefault("persons", []).append(
            ValidationError(
                _("already on another departure: %(list)s")
                % {"list": ", ".join(f"{by_id[p].number} ({d})" for p, d in elsewhere[:20])},
                code="on_another_departure",
            )
        )
    held = _held(ids)
    if held and kind not in HELD_MAY_LEAVE:
        errors["held"] = [
            ValidationError(
                _(
                    "%(list)s: held (or proposed as held). A held person leaves custody only by "
                    "handover to an authority with its legal basis, for treatment abroad, or by death; "
                    "screening must review the category first."
                )
                % {"list": _numbers(by_id[i] for i in held)},
                code="held",
            )
        ]
    if kind != Kind.DEATH:
        alone = protection.children_without_caregiver(persons)
        if alone:
            errors["protection_review"] = [
                ValidationError(
                    _(
                        "%(list)s: under 18 (or age unknown) with no adult of their household on this "
                        "departure. Add the family, or record a protection review that permits the "
                        "departure with a named caregiver."
                    )
                    % {"list": _numbers(alone)},
                    code="protection_review_required",
                )
            ]
    if kind == Kind.REPATRIATION and details.get("destination_country"):
        unverified = _unverified(persons, details["destination_country"])
        if unverified:
            errors["nationality"] = [
                ValidationError(
                    _(
                        "%(list)s: nationality not verified as %(c)s; record the documents or interview first"
                    )
                    % {"list": _numbers(unverified), "c": details["destination_country"]},
                    code="nationality_not_verified",
                )
            ]
    if kind == Kind.RETURN and not details.get("guarantor"):
        sponsored = _family_of_held(ids)
        if sponsored:
            errors["guarantor"] = [
                ValidationError(
                    _(
                        "%(list)s: family of a held person; a return needs a named sponsor or guarantor"
                    )
                    % {"list": _numbers(by_id[i] for i in sponsored)},
                    code="guarantor_required",
                )
            ]
    plan = protection.TransferPlan()
    if kind != Kind.DEATH:
        try:
            plan = protection.check_departure_split(persons, separation_reason=separation_reason)
        except ValidationError as exc:
            for key, messages in exc.error_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return plan


@transaction.atomic
def plan_departure(
    persons: Sequence[Person],
    *,
    kind: str,
    from_facility: Facility,
    details: dict,
    by,
    request=None,
    separation_reason: str = "",
) -> Departure:
    """Put persons on a new departure (status planned, or approved for kinds without approval).

    All the refusal rules are checked here and again at dispatch; nobody leaves custody yet.
    """
    clean = _clean_details(kind, details)
    if kind == Kind.DEATH:
        raise ValidationError(
            {
                "kind": [
                    ValidationError(
                        _("a death is recorded with record_death, not planned"),
                        code="use_record_death",
                    )
                ]
            }
        )
    persons = list(persons)
    check_persons(persons, kind, clean, from_facility, separation_reason=separation_reason)
    now = timezone.now()
    departure = Departure.objects.create(
        number=new_number("D"),
        kind=kind,
        status=Status.PLANNED if kind in NEEDS_APPROVAL else Status.APPROVED,
        from_facility=from_facility,
        created_by=by,
        created_at=now,
        separation_reason=(separation_reason or "").strip(),
        **clean,
    )
    DepartureLine.objects.bulk_create(
        [
            DepartureLine(departure=departure, person=p, position=i)
            for i, p in enumerate(persons, 1)
        ],
        batch_size=2000,
    )
    audit.record(
        DeparturesAction.DEPARTURE_PLAN,
        actor=by,
        obj=departure,
        request=request,
        detail={
            "kind": kind,
            "from": from_facility.pk,
            "persons": len(persons),
            "person_ids": [p.pk for p in persons],
        },
    )
    return departure


def _locked(departure: Departure) -> Departure:
    return (
        Departure.objects.select_for_update().select_related("from_facility").get(pk=departure.pk)
    )


@transaction.atomic
def approve_departure(departure: Departure, *, by, note: str = "", request=None) -> Departure:
    """A second officer approves a planned departure (not the one who planned it)."""
    departure = _locked(departure)
    if departure.status != Status.PLANNED:
        raise ValidationError(
            {"status": [ValidationError(_("%(d)s is %(s)s, not awaiting approval")
                        % {"d": departure.number, "s": departure.get_status_display()}, code="not_awaiting_approval")]}
        )  # fmt: skip
    if by is None or departure.created_by_id == getattr(by, "pk", None):
        raise ValidationError(
            {
                "approved_by": [
                    ValidationError(
                        _("a second officer must approve: not the one who planned it"),
                        code="same_officer",
                    )
                ]
            }
        )
    departure.status = Status.APPROVED
    departure.approved_by = by
    departure.approved_at = timezone.now()
    departure.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        DeparturesAction.DEPARTURE_APPROVE,
        actor=by,
        obj=departure,
        request=request,
        detail={"note": note[:200]},
    )
    return departure


@transaction.atomic
def cancel_departure(departure: Departure, *, reason: str, by, request=None) -> Departure:
    """Call off a departure before dispatch; its persons stay where they are, free for another."""
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": [
                    ValidationError(
                        _("say why the departure is called off"), code="reason_required"
                    )
                ]
            }
        )
    departure = _locked(departure)
    if departure.status not in (Status.PLANNED, Status.APPROVED):
        raise ValidationError(
            {"status": [ValidationError(_("%(d)s has been dispatched: confirm or refuse its persons instead")
                        % {"d": departure.number}, code="already_dispatched")]}
        )  # fmt: skip
    departure.lines.filter(outcome=Outcome.PLANNED).update(
        outcome=Outcome.WITHDRAWN, note=reason.strip(), resolved_at=timezone.now(), resolved_by=by
    )
    departure.status = Status.CANCELLED
    departure.closed_at = timezone.now()
    departure.save(update_fields=["status", "closed_at"])
    audit.record(
        DeparturesAction.DEPARTURE_CANCEL,
        actor=by,
        obj=departure,
        request=request,
        detail={"reason": "given"},
    )
    return departure


def _details(departure: Departure) -> dict:
    return {k: getattr(departure, k) for k in DETAIL_FIELDS}


@transaction.atomic
def dispatch_departure(departure: Departure, *, by, request=None) -> Departure:
    """The persons leave: custody *placed* -> *leaving*; each line awaits the receiving side.

    The refusal rules run again (a category or a review may have changed since planning).
    """
    departure = _locked(departure)
    if departure.status != Status.APPROVED:
        reason = (
            _("%(d)s awaits a second officer's approval")
            if departure.status == Status.PLANNED
            else _("%(d)s is %(s)s and cannot be dispatched")
        ) % {"d": departure.number, "s": departure.get_status_display()}
        raise ValidationError({"status": [reason]})
    lines = list(
        departure.lines.filter(outcome=Outcome.PLANNED)
        .select_related("person")
        .order_by("position")
    )
    persons = [line.person for line in lines]
    plan = check_persons(
        persons,
        departure.kind,
        _details(departure),
        departure.from_facility,
        separation_reason=departure.separation_reason,
        departure=departure,
    )
    now = timezone.now()
    ids = [p.pk for p in persons]
    custody_exits.start_exit(
        ids,
        ref=departure.number,
        from_facility=departure.from_facility,
        by=by,
        request=request,
        now=now,
    )
    DepartureLine.objects.filter(pk__in=[line.pk for line in lines]).update(outcome=Outcome.PENDING)
    protection.record_separation(
        plan,
        to_facility=None,
        destination=_("departure %(d)s: %(to)s")
        % {"d": departure.number, "to": departure.destination or departure.get_kind_display()},
        reason=departure.separation_reason,
        by=by,
        request=request,
    )
    departure.status = Status.DISPATCHED
    departure.dispatched_by = by
    departure.dispatched_at = now
    departure.save(update_fields=["status", "dispatched_by", "dispatched_at"])
    audit.record(
        DeparturesAction.DEPARTURE_DISPATCH,
        actor=by,
        obj=departure,
        request=request,
        detail={"kind": departure.kind, "persons": len(ids)},
    )
    for pid in ids:
        audit.record(
            DeparturesAction.PERSON_DEPART_DISPATCH,
            actor=by,
            object_type="people.person",
            object_id=pid,
            request=request,
            detail={"departure": departure.number, "kind": departure.kind},
        )
    return departure


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


def _exit_note(departure: Departure) -> str:
    return f"{departure.get_kind_display()} · {departure.number} · {departure.destination}".strip(
        " ·"
    )


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
    errors: list[str] = []
    for pid, outcome, note in outcomes:
        if pid in wanted:
            errors.append(_("person %(p)s is given twice") % {"p": pid})
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
                _("person %(p)s is not on manifest %(d)s") % {"p": pid, "d": departure.number}
            )
            continue
        allowed = NEXT.get(line.outcome, set())
        if outcome not in allowed:
            errors.append(
                _("%(p)s is %(o)s: cannot become '%(n)s'")
                % {"p": line.person.number, "o": line.get_outcome_display(), "n": outcome}
            )
        elif outcome in NEEDS_NOTE and not note:
            errors.append(
                _("%(p)s: say what the receiving side said ('%(n)s' needs a note)")
                % {"p": line.person.number, "n": outcome}
            )
    if not wanted:
        errors.append(_("no person given"))
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
                DepartureLine.objects.filter(departure=departure, person_id=pid).update(
                    outcome=outcome,
                    resolved_at=now,
                    resolved_by=by,
                    source=source,
                    note=wanted[pid][1],
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
    return result


@transaction.atomic
def record_death(
    person: Person,
    *,
    from_facility: Facility | None = None,
    details: dict,
    by,
    request=None,
) -> Departure:
    """A death: the person leaves custody at once (nobody on another side confirms it). The source of
    the record (death certificate, hospital report, burial witness) and the date are required."""
    clean = _clean_details(Kind.DEATH, details)
    if from_facility is None:
        from muster.custody.models import Placement

        current = Placement.objects.filter(person=person, is_current=True).first()
        if current is None or current.state != Placement.State.PLACED:
            raise ValidationError(
                {
                    "persons": [
                        ValidationError(
                            _("%(p)s is not at a facility now") % {"p": person.number},
                            code="not_at_a_facility",
                        )
                    ]
                }
            )
        from_facility = current.facility
    check_persons([person], Kind.DEATH, clean, from_facility)
    now = timezone.now()
    departure = Departure.objects.create(
        number=new_number("D"),
        kind=Kind.DEATH,
        status=Status.CLOSED,
        from_facility=from_facility,
        created_by=by,
        created_at=now,
        dispatched_by=by,
        dispatched_at=now,
        closed_at=now,
        **clean,
    )
    DepartureLine.objects.create(
        departure=departure,
        person=person,
        position=1,
        outcome=Outcome.RECEIVED,
        resolved_at=now,
        resolved_by=by,
        source="record",
    )
    custody_exits.exit_at_once(
        [person.pk],
        ref=departure.number,
        from_facility=from_facility,
        by=by,
        note=_exit_note(departure),
        request=request,
    )
    audit.record(
        DeparturesAction.DEPARTURE_DEATH,
        actor=by,
        obj=departure,
        request=request,
        detail={"persons": 1},
    )
    audit.record(
        DeparturesAction.PERSON_DEPART_DEATH,
        actor=by,
        obj=person,
        request=request,
        detail={"departure": departure.number},
    )
    return departure


@transaction.atomic
def verify_nationality(
    persons: Sequence[Person],
    *,
    nationality: str,
    method: str,
    outcome: str = NationalityVerification.Outcome.VERIFIED,
    interview_note: str = "",
    by,
    request=None,
) -> list[NationalityVerification]:
    """Record how each person's nationality was (or was not) verified: documents seen, interview,
    confirmed by the state. With a document method, each person's document of that country is named."""
    errors: dict[str, list[ValidationError]] = {}
    nationality = (nationality or "").strip().upper()
    if len(nationality) != 3 or not nationality.isascii() or not nationality.isalpha():
        errors["nationality"] = [
            ValidationError(
                _("'%(v)s' is not a country code (ISO 3166 alpha-3)") % {"v": nationality[:20]},
                code="not_a_country",
            )
        ]
    if method not in NationalityVerification.Method.values:
        errors["method"] = [ValidationError(_("'%(v)s' is not a method (%(list)s)")
                            % {"v": str(method)[:40], "list": ", ".join(NationalityVerification.Method.values)}, code="not_a_method")]  # fmt: skip
    if outcome not in NationalityVerification.Outcome.values:
        errors["outcome"] = [
            ValidationError(
                _("'%(v)s' is not an outcome (verified, not_verified)") % {"v": str(outcome)[:40]},
                code="not_an_outcome",
            )
        ]
    if method in ("interview", "both") and not (interview_note or "").strip():
        errors["interview_note"] = [
            ValidationError(
                _("an interview needs a note of what was established"),
                code="interview_note_required",
            )
        ]
    if not persons:
        errors["persons"] = [
            ValidationError(_("select at least one person"), code="nobody_selected")
        ]
    if errors:
        raise ValidationError(errors)
    documents: dict[int, int] = {}
    if method in ("document", "both"):
        for pid, doc_id in IdentityDocument.objects.filter(
            person__in=persons, issuing_country=nationality
        ).values_list("person_id", "id"):
            documents.setdefault(pid, doc_id)
        missing = [p for p in persons if p.pk not in documents]
        if missing and outcome == NationalityVerification.Outcome.VERIFIED:
            raise ValidationError(
                {"method": [ValidationError(_("%(list)s: no identity document of %(c)s recorded; verify by interview")
                            % {"list": _numbers(missing), "c": nationality}, code="no_document")]}
            )  # fmt: skip
    now = timezone.now()
    rows = NationalityVerification.objects.bulk_create(
        [
            NationalityVerification(
                person=p,
                nationality=nationality,
                method=method,
                outcome=outcome,
                document_id=documents.get(p.pk),
                interview_note=(interview_note or "").strip(),
                verified_by=by,
                verified_at=now,
            )
            for p in persons
        ],
        batch_size=2000,
    )
    for p in persons:
        audit.record(
            DeparturesAction.PERSON_NATIONALITY_VERIFY,
            actor=by,
            obj=p,
            request=request,
            detail={"nationality": nationality, "method": method, "outcome": outcome},
        )
    return rows


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
            r.status, r.message = "note_required", _("'%(n)s' needs a note") % {"n": outcome}
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

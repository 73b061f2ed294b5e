"""Protection safeguards on every placement and transfer: children in holding, separated families.

Custody calls :func:`check_transfer` before it places or dispatches anyone, and
:func:`record_separation` once the movement exists, in the same transaction. The checks live here,
not in the views, so no door (web form, API, CLI, bulk import) can go around them.

- A person under 18 (or whose age is unknown: nobody has shown they are an adult) cannot go to a
  holding facility unless their latest protection review permits it.
- Moving part of a registered household away from the members it is with needs a stated reason;
  the separation is recorded and shown on every member's page and in the separated-families list.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.audit import services as audit
from muster.people.models import Household, Person
from muster.protection.audit_actions import ProtectionAction
from muster.protection.models import FamilySeparation, ProtectionReview

ADULT_AGE = 18
# custody's Facility.Kind.HOLDING_FACILITY (custody consults these rules, so they cannot import it).
HOLDING_FACILITY = "holding_facility"


@dataclass
class Separation:
    """Members of one household who would end up apart: those moving and those staying."""

    household_id: int
    moved: list = field(default_factory=list)
    remained_ids: list[int] = field(default_factory=list)


@dataclass
class TransferPlan:
    """What :func:`check_transfer` found; handed back to :func:`record_separation`."""

    separations: list[Separation] = field(default_factory=list)


def is_child(person, day=None) -> bool:
    """Under 18 on ``day`` (today); unknown age counts as a child until shown otherwise."""
    age = person.age_on(day or timezone.localdate())
    return age is None or age < ADULT_AGE


def adult_born_by(today: dt.date) -> dt.date:
    """The last date of birth of a person 18 or older today."""
    if today.month == 2 and today.day == 29:
        return dt.date(today.year - ADULT_AGE, 2, 28)
    return today.replace(year=today.year - ADULT_AGE)


def child_condition(today: dt.date, prefix: str = "") -> Q:
    """:func:`is_child` as a query (on the person at ``prefix``, e.g. "person__"): a date of
    birth after :func:`adult_born_by`; without one, a year of birth after today's year less 18;
    neither known."""
    return (
        Q(**{f"{prefix}date_of_birth__gt": adult_born_by(today)})
        | Q(
            **{
                f"{prefix}date_of_birth__isnull": True,
                f"{prefix}birth_year__gt": today.year - ADULT_AGE,
            }
        )
        | Q(**{f"{prefix}date_of_birth__isnull": True, f"{prefix}birth_year__isnull": True})
    )


def latest_review(person):
    return ProtectionReview.objects.filter(person=person).order_by("-at", "-id").first()


def holding_permitted(person) -> bool:
    review = latest_review(person)
    return review is not None and review.outcome == ProtectionReview.Outcome.HOLDING_PERMITTED


def _location(placement: dict | None) -> int | None:
    """Where a current placement puts the person: the facility, or where they are being taken."""
    if placement is None:
        return None
    if placement["placements__state"] == "placed":
        return placement["placements__facility_id"]
    if placement["placements__state"] == "in_transit":
        return placement["placements__movement__to_facility_id"]
    return None  # departed: no longer with the family in custody


def check_transfer(
    persons: Sequence, to_facility, *, separation_reason: str = "", by=None
) -> TransferPlan:
    """Refuse a placement or transfer that breaks a safeguard; return the separations it makes.

    Raises ``ValidationError`` with field ``protection_review`` (a child to holding without a review
    that permits it) or ``separation_reason`` (a household split without a reason).
    """
    errors: dict[str, list[ValidationError]] = {}
    if to_facility.kind == HOLDING_FACILITY:
        blocked = [p.number for p in persons if is_child(p) and not holding_permitted(p)]
        if blocked:
            errors["protection_review"] = [
                ValidationError(
                    _(
                        "%(list)s: under 18 (or age unknown) and no protection review permits placement "
                        "in a holding facility. Record a protection review first."
                    )
                    % {"list": ", ".join(blocked[:20])},
                    code="protection_review_required",
                )
            ]

    moving_ids = {p.pk for p in persons}
    household_ids = {p.household_id for p in persons if p.household_id}
    plan = TransferPlan()
    if household_ids:
        members = Person.objects.filter(
            household_id__in=household_ids, merged_into__isnull=True
        ).values_list("id", "household_id")
        # Current placements read through the person: custody consults this module, not the reverse.
        placements = {
            row["id"]: row
            for row in Person.objects.filter(
                household_id__in=household_ids, placements__is_current=True
            ).values(
                "id",
                "placements__state",
                "placements__facility_id",
                "placements__movement__to_facility_id",
            )
        }
        movers_of: dict[int, list] = {}
        for p in persons:
            movers_of.setdefault(p.household_id, []).append(p)
        members_of: dict[int, list[int]] = {}
        for member_id, household_id in members:
            members_of.setdefault(household_id, []).append(member_id)
        for hh in sorted(household_ids):
            movers = movers_of[hh]
            # Where the movers are now; a first placement (nowhere yet) separates them from anyone
            # of their household who is somewhere else.
            origins = {_location(placements.get(p.pk)) for p in movers}
            staying = [
                m
                for m in members_of.get(hh, ())
                if m not in moving_ids
                and (loc := _location(placements.get(m))) is not None
                and loc != to_facility.pk
                and (loc in origins or origins == {None})
            ]
            if staying:
                plan.separations.append(Separation(hh, moved=movers, remained_ids=staying))
        if plan.separations and not (separation_reason or "").strip():
            errors["separation_reason"] = [
                ValidationError(
                    _(
                        "This transfer separates members of household(s) %(list)s from their family; "
                        "keep the family together or state the reason for separating them."
                    )
                    % {
                        "list": ", ".join(
                            str(h)
                            for h in _household_numbers([s.household_id for s in plan.separations])
                        )
                    },
                    code="separation_reason_required",
                )
            ]
    if errors:
        raise ValidationError(errors)
    return plan


def check_receipt(
    received: Sequence, left_behind: Sequence, *, separation_reason: str = ""
) -> TransferPlan:
    """Receiving part of a household off a manifest while others of it stay in transit (or were
    reported not arrived) splits the family, as a dispatch would: it needs a stated reason and is
    recorded. ``left_behind`` are the persons on the same manifest not received now.
    """
    plan = TransferPlan()
    by_household: dict[int, list] = {}
    for p in left_behind:
        if p.household_id:
            by_household.setdefault(p.household_id, []).append(p)
    for hh in sorted(by_household):
        movers = [p for p in received if p.household_id == hh]
        if movers:
            plan.separations.append(
                Separation(hh, moved=movers, remained_ids=[p.pk for p in by_household[hh]])
            )
    if plan.separations and not (separation_reason or "").strip():
        children = [
            p.number
            for s in plan.separations
            for p in left_behind
            if p.pk in s.remained_ids and is_child(p)
        ]
        message = _(
            "Receiving only part of household(s) %(list)s leaves the others in transit; receive "
            "the whole family or state the reason."
        ) % {"list": ", ".join(_household_numbers([s.household_id for s in plan.separations]))}
        if children:
            message += " " + _("Children left in transit: %(list)s.") % {
                "list": ", ".join(children[:20])
            }
        # The reason is for a family parted on purpose: one who was not on the vehicle must be
        # reported, or they stay "in transit" and are counted unaccounted only when overdue.
        message += " " + _(
            "Anyone who was not on the vehicle: tick them and report them as not arrived, so they "
            "are counted as unaccounted at once."
        )
        raise ValidationError(
            {"separation_reason": [ValidationError(message, code="separation_reason_required")]}
        )
    return plan


def _household_numbers(ids: list[int]) -> list[str]:
    return list(Household.objects.filter(pk__in=ids).values_list("number", flat=True))


def record_separation(
    plan: TransferPlan,
    *,
    to_facility,
    reason: str,
    by,
    movement=None,
    request=None,
    destination: str = "",
    departure=None,
    reasons: dict[int, str] | None = None,
) -> list:
    """Record each separation the transfer made (called inside the custody transaction).

    A departure leaves custody: ``to_facility`` is ``None``, ``departure`` is the departure (where
    to is read from it in each reader's language) and ``destination`` the text as written now.
    ``reasons``: a household's own reason (household id -> text), in place of ``reason``.
    """
    out = []
    now = timezone.now()
    for sep in plan.separations:
        record = FamilySeparation.objects.create(
            household_id=sep.household_id,
            to_facility=to_facility,
            destination=destination[:300],
            movement=movement,
            departure=departure,
            reason=((reasons or {}).get(sep.household_id) or reason).strip(),
            recorded_by=by,
            recorded_at=now,
        )
        record.moved.set([p.pk for p in sep.moved])
        record.remained.set(sep.remained_ids)
        audit.record(
            ProtectionAction.HOUSEHOLD_SEPARATE,
            actor=by,
            object_type="people.household",
            object_id=sep.household_id,
            request=request,
            detail={
                "separation": record.pk,
                "to_facility": to_facility.pk if to_facility is not None else None,
                "moved": len(sep.moved),
                "remained": len(sep.remained_ids),
            },
        )
        out.append(record)
    return out


# --- departures (returns, repatriation, handover, release): consulted before anyone leaves custody


def departure_permitted(person) -> bool:
    review = latest_review(person)
    return review is not None and review.outcome == ProtectionReview.Outcome.DEPARTURE_PERMITTED


def children_without_caregiver(persons: Sequence) -> list:
    """Children (under 18 or age unknown) on a departure with no adult of their household on it.

    An unaccompanied child has no caregiver whoever travels with them. Each is refused unless their
    latest protection review permits the departure (best interests assessed, caregiver named).
    """
    adult_households = {p.household_id for p in persons if p.household_id and not is_child(p)}
    return [
        p
        for p in persons
        if is_child(p)
        and (p.unaccompanied_child or p.household_id not in adult_households)
        and not departure_permitted(p)
    ]


def check_departure_split(persons: Sequence, *, separation_reason: str = "") -> TransferPlan:
    """A departure taking part of a household out of custody while others of it stay in custody
    (placed, or in transit between facilities) separates the family: it needs a stated reason,
    and :func:`record_separation` records it. Members already gone are no longer in custody."""
    moving_ids = {p.pk for p in persons}
    household_ids = {p.household_id for p in persons if p.household_id}
    plan = TransferPlan()
    if not household_ids:
        return plan
    staying: dict[int, list[int]] = {}
    rows = Person.objects.filter(
        household_id__in=household_ids,
        merged_into__isnull=True,
        placements__is_current=True,
        placements__state__in=["placed", "in_transit"],
    ).values_list("id", "household_id")
    for pid, hh in rows:
        if pid not in moving_ids:
            staying.setdefault(hh, []).append(pid)
    for hh in sorted(staying):
        plan.separations.append(
            Separation(
                hh, moved=[p for p in persons if p.household_id == hh], remained_ids=staying[hh]
            )
        )
    if plan.separations and not (separation_reason or "").strip():
        raise ValidationError(
            {
                "separation_reason": [
                    _(
                        "This departure separates members of household(s) %(list)s from their "
                        "family, who stay in custody (%(staying)s); add the whole household or "
                        "state the reason."
                    )
                    % {
                        "list": ", ".join(
                            _household_numbers([s.household_id for s in plan.separations])[:20]
                        ),
                        # Named: the batch lists the household's members at this facility only,
                        # and those who stay may be held elsewhere.
                        "staying": ", ".join(
                            Person.objects.filter(
                                pk__in=[pk for s in plan.separations for pk in s.remained_ids]
                            )
                            .order_by("number")
                            .values_list("number", flat=True)[:20]
                        ),
                    }
                ]
            }
        )
    return plan

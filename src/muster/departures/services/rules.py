"""What a departure must satisfy: the details each kind needs, every refusal rule, shared helpers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from muster.core.parsing import PCODE
from muster.custody.models import Facility
from muster.custody.services import exits as custody_exits
from muster.departures.models import Departure, DepartureLine, Kind, NationalityVerification
from muster.identity import is_state_code
from muster.people.models import Person
from muster.people.validation import read_country
from muster.protection import rules as protection
from muster.screening import services as screening
from muster.screening.models import Category, CategoryDecision

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
    # The family member or the office taking the person into their care, and where.
    Kind.REUNIFICATION: ("guarantor", "destination_name"),
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
    errors.update(_dates_in_time(clean, errors))
    pcode = clean["destination_pcode"]
    if pcode and not PCODE.match(pcode):
        # "zzz" reached the person's page and the partners' HXL export as a P-code.
        errors["destination_pcode"] = [
            ValidationError(
                _("'%(v)s' is not a P-code (e.g. IQ-G05-D0035)") % {"v": pcode[:20]},
                code="invalid_pcode",
            )
        ]
    country = clean["destination_country"]
    if country:
        # Typed as the batch's nationality is: the code, or the country's name in any language
        # of the interface ("Fransa", "Îraq", "العراق"), stored as the code.
        country = read_country(country) or country.upper()
        # QQQ, or ICAO's XXX (unspecified), were read as "nationality not verified as XXX"
        if not is_state_code(country):
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
# A departure is planned ahead; one entered a few days late keeps its date.  Further back, or
# more than a year ahead, a date is a slip of the year (2025 for 2026) that nobody would see.
PLANNED_DAYS_PAST, PLANNED_DAYS_AHEAD = 7, 366


def _dates_in_time(clean: dict, errors: dict) -> dict[str, list[ValidationError]]:
    """The dates that cannot be: a death to come, a departure planned long ago or far ahead."""
    from datetime import date, timedelta

    from django.utils import timezone

    today, out = timezone.localdate(), {}
    death, planned = clean["death_date"], clean["planned_date"]
    if isinstance(death, date) and "death_date" not in errors and death > today:
        out["death_date"] = [
            ValidationError(_("%(d)s is in the future") % {"d": death.isoformat()}, code="future")
        ]
    if isinstance(planned, date) and "planned_date" not in errors:
        if planned < today - timedelta(days=PLANNED_DAYS_PAST):
            message = _(
                "%(d)s is more than %(n)d days ago; a departure is planned ahead (leave the date "
                "empty if you do not know it)"
            ) % {"d": planned.isoformat(), "n": PLANNED_DAYS_PAST}
            out["planned_date"] = [ValidationError(message, code="long_ago")]
        elif planned > today + timedelta(days=PLANNED_DAYS_AHEAD):
            message = _("%(d)s is more than a year ahead") % {"d": planned.isoformat()}
            out["planned_date"] = [ValidationError(message, code="too_far_ahead")]
    return out


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
    held = screening.held_or_proposed(ids)
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
    # A child's reunification is refused by tracing unless a best-interests determination says
    # reunify: that determination stands in for the protection review of a child leaving alone.
    if kind not in (Kind.DEATH, Kind.REUNIFICATION):
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


def _locked(departure: Departure) -> Departure:
    return (
        Departure.objects.select_for_update().select_related("from_facility").get(pk=departure.pk)
    )


def _details(departure: Departure) -> dict:
    return {k: getattr(departure, k) for k in DETAIL_FIELDS}


def _exit_note(departure: Departure) -> str:
    return departure.exit_text()

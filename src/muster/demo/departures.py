"""Departures in the demo: return convoys to Deir ez-Zor villages, a handover of Iraqi held men in
batches, repatriations of foreign families with discrepancies, each through the departures services.
What the officers write (notes, authorities, reasons) is in the demo's language (``load_demo``)."""

import random
from collections import defaultdict

from django.db import models, transaction
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from muster.custody.models import Facility, Placement
from muster.people.models import Person
from muster.scenario.places import IRAQ, SINJAR, SYRIA

# Villages of Deir ez-Zor governorate (P-codes SY09...) that the return convoys go to.
RETURN_CONVOYS = 3
HOUSEHOLDS_PER_CONVOY = 5
HANDOVER_BATCHES = 2
HANDOVER_BATCH_SIZE = 12
REPATRIATED_FAMILIES = 3
ARABIC_PLACE_NAMES = {p.name: p.arabic for p in (*SYRIA, *IRAQ, *SINJAR)}


def _place(name: str) -> str:
    """A village as an officer writing in the demo's language types it: in Arabic script for
    Arabic and Sorani."""
    return ARABIC_PLACE_NAMES.get(name, name) if get_language_bidi() else name


def load_departures(officers: dict, seed: int) -> None:
    """Every state of a departure, so a new user sees them all: return convoys to Deir ez-Zor villages
    (one confirmed, one with a person not presented, one awaiting the receiving side), a handover of
    Iraqi held men to Iraq's authorities in batches (the families stay: a recorded separation), and a
    repatriation of a few foreign families with discrepancies (not presented, refused). Each goes
    through the departures services, as an officer would; a group the rules refuse is left out."""
    from django.core.exceptions import ValidationError

    from muster.departures import services as departures
    from muster.protection.rules import is_child

    rng = random.Random(seed + 23)
    planner = officers.get("repatriation-officer")
    approver = officers.get("repatriation-officer-2")
    if planner is None or approver is None:
        return

    def placed(facility_kind: str, category: str):
        return (
            Person.objects.filter(
                placements__is_current=True,
                placements__state=Placement.State.PLACED,
                placements__facility__kind=facility_kind,
                category_decisions__is_current=True,
                category_decisions__category=category,
                merged_into__isnull=True,
            )
            .select_related("household")
            .order_by("id")
        )

    def attempt(make):
        try:
            with transaction.atomic():
                return make()
        except ValidationError:
            return None

    def whole_households(persons: list[Person]) -> dict[int, list[Person]]:
        """Households all of whose members are in ``persons`` (nobody elsewhere in custody)."""
        by_hh = defaultdict(list)
        for p in persons:
            if p.household_id:
                by_hh[p.household_id].append(p)
        sizes = dict(
            Person.objects.filter(household_id__in=by_hh, merged_into__isnull=True)
            .values_list("household_id")
            .annotate(n=models.Count("id"))
        )
        return {hh: members for hh, members in by_hh.items() if sizes.get(hh) == len(members)}

    # Return convoys of civilian households from the camp to their villages in Deir ez-Zor.
    civilians = [
        p
        for p in placed(Facility.Kind.DISPLACEMENT_CAMP, "civilian")
        if p.origin_pcode.startswith("SY09") and p.nationality == "SYR"
    ]
    families = whole_households(civilians)
    by_village = defaultdict(list)
    for members in families.values():
        head = members[0]
        by_village[(head.place_of_origin, head.origin_pcode)].append(members)
    villages = sorted(by_village, key=lambda v: -len(by_village[v]))[:RETURN_CONVOYS]
    for i, (village, pcode) in enumerate(villages):
        persons = [
            p for members in by_village[(village, pcode)][:HOUSEHOLDS_PER_CONVOY] for p in members
        ]
        facility = Placement.objects.get(person=persons[0], is_current=True).facility

        def convoy(persons=persons, facility=facility, village=village, pcode=pcode, i=i):
            d = departures.plan_departure(
                persons,
                kind="return",
                from_facility=facility,
                details={
                    "destination_name": _place(village),
                    "destination_pcode": pcode,
                    "convoy": _("Convoy %(n)d") % {"n": i + 1},
                    "guarantor": _("Tribal council of %(village)s") % {"village": _place(village)},
                },
                by=planner,
            )
            departures.dispatch_departure(d, by=planner)
            if i == 0:
                departures.confirm(d, [(p.pk, "received", "") for p in persons], by=planner)
            elif i == 1:
                outcomes = [(p.pk, "received", "") for p in persons[:-1]]
                outcomes.append(
                    (persons[-1].pk, "not_presented", _("not on the bus at the checkpoint"))
                )
                departures.confirm(d, outcomes, by=planner)
            return d

        attempt(convoy)

    # A handover of Iraqi held men to Iraq's authorities, in batches; their families stay.
    held = [
        p
        for p in placed(Facility.Kind.HOLDING_FACILITY, "held")
        if p.nationality == "IRQ" and not is_child(p)
    ]
    at = dict(
        Placement.objects.filter(person__in=held, is_current=True).values_list(
            "person_id", "facility_id"
        )
    )
    by_facility = defaultdict(list)
    for p in held:
        by_facility[at[p.pk]].append(p)
    largest = max(by_facility, key=lambda f: len(by_facility[f]), default=None)
    held = by_facility.get(largest, [])
    rng.shuffle(held)
    for b in range(HANDOVER_BATCHES):
        batch = held[b * HANDOVER_BATCH_SIZE : (b + 1) * HANDOVER_BATCH_SIZE]
        if not batch:
            break
        facility = Facility.objects.get(pk=largest)

        def handover(batch=batch, facility=facility, b=b):
            d = departures.plan_departure(
                batch,
                kind="handover",
                from_facility=facility,
                details={
                    "receiving_authority": _("Iraqi security forces (Counter-Terrorism Service)"),
                    "legal_basis": _(
                        "Transfer arrangement with the Government of Iraq, batch %(n)d"
                    )
                    % {"n": b + 1},
                    "destination_country": "IRQ",
                    "destination_name": _("Al-Qaim border crossing"),
                },
                separation_reason=_(
                    "held person handed over to Iraq's authorities; the family stays in the "
                    "family camp pending repatriation"
                ),
                by=planner,
            )
            departures.approve_departure(d, by=approver)
            departures.dispatch_departure(d, by=planner)
            outcomes = [(p.pk, "received", "") for p in batch]
            if b == 1 and len(batch) > 1:
                outcomes[-1] = (batch[-1].pk, "refused", _("not on the receiving side's list"))
            departures.confirm(d, outcomes, by=approver)
            return d

        attempt(handover)

    # Repatriation of a few foreign families to their states, with discrepancies.
    foreign = [
        p
        for p in placed(Facility.Kind.FAMILY_CAMP, "family_of_held")
        if p.nationality not in ("", "SYR", "IRQ")
    ]
    families = sorted(whole_households(foreign).values(), key=lambda m: m[0].pk)
    done = 0
    for members in families:
        if done >= REPATRIATED_FAMILIES or not any(not is_child(p) for p in members):
            continue
        country = members[0].nationality
        facility = Placement.objects.get(person=members[0], is_current=True).facility

        def repatriate(members=members, country=country, facility=facility, n=done):
            departures.verify_nationality(
                members,
                nationality=country,
                method="interview",
                interview_note=_("consular interview: birthplace, parents and documents described"),
                by=planner,
            )
            d = departures.plan_departure(
                members,
                kind="repatriation",
                from_facility=facility,
                details={
                    "destination_country": country,
                    "receiving_authority": _("Ministry of Foreign Affairs (%(country)s) delegation")
                    % {"country": country},
                    "destination_name": _("Semalka crossing"),
                },
                by=planner,
            )
            departures.approve_departure(d, by=approver)
            departures.dispatch_departure(d, by=planner)
            outcomes = [(p.pk, "received", "") for p in members]
            if n == 1:
                outcomes[-1] = (
                    members[-1].pk,
                    "not_presented",
                    _("not at the crossing with the family"),
                )
            elif n == 2:
                outcomes = outcomes[:1]  # the rest still await the delegation's confirmation
            departures.confirm(d, outcomes, by=approver)
            return d

        if attempt(repatriate) is not None:
            done += 1

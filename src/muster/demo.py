"""Loading the synthetic scenario into the database for ``muster demo`` (and tests, benchmarks).

The scenario is shifted so its last arrival day is today. Households that arrived more than two days ago
have been screened, categorised and moved (with a received movement) to a camp or holding facility by
category; recent arrivals are still at their reception point, some not yet categorised; a few buses are
in transit, one of them overdue so that the unaccounted list is not empty. Loading uses bulk inserts
(60,000 persons in well under two minutes) and writes one audit event for the whole load.
"""

import datetime as dt
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from muster.access import services as access
from muster.access.models import Role
from muster.audit import services as audit
from muster.core.numbering import new_number
from muster.custody.models import Facility, ManifestLine, Movement, Placement
from muster.people.models import PROTECTION_FLAGS, Household, IdentityDocument, Person
from muster.people.search import person_name_key
from muster.screening.models import CategoryDecision, Hit

DESTINATION_KIND = {
    "civilian": Facility.Kind.DISPLACEMENT_CAMP,
    "held": Facility.Kind.HOLDING_FACILITY,
    "family_of_held": Facility.Kind.FAMILY_CAMP,
}
DEMO_PASSWORD_SUFFIX = "-demo-2026"
BATCH = 2000


@dataclass
class DemoSummary:
    created: bool
    persons: int
    households: int
    seconds: float
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)

    def text(self) -> str:
        head = (
            f"Loaded {self.persons} persons in {self.households} households in {self.seconds:.1f} s."
            if self.created
            else f"Demo data already present ({self.persons} persons); nothing loaded again."
        )
        rows = "\n".join(
            f"  {role:22} {user:22} {pw:34} {secret}" for role, user, pw, secret in self.logins
        )
        return (
            f"{head}\nDemo logins (role, username, password, authenticator secret):\n{rows}\n"
            "Roles with a secret sign in with a 6-digit code: add the secret to any TOTP "
            "authenticator app,\nor run with MUSTER_TOTP_REQUIRED_ROLES= to turn the second factor off."
        )


def demo_users(camp: Facility | None) -> list[tuple[str, str, str, str]]:
    """One demo user per role; the camp manager is scoped to the largest camp.

    Roles that must sign in with a second factor get an authenticator enrolled with a secret that is
    printed with the login (add it to any TOTP app), so the demo shows the real sign-in.
    """
    import pyotp

    User = get_user_model()
    logins = []
    accounts = [(role, role.replace("_", "-")) for role in Role.values]
    # A second screening officer, so "held" can be proposed by one and approved by another (four
    # eyes) in the browser, without the CLI.
    at = accounts.index((Role.SCREENING_OFFICER, "screening-officer")) + 1
    accounts.insert(at, (Role.SCREENING_OFFICER, "screening-officer-2"))
    # And a second repatriation officer: repatriations, handovers and releases need an approver.
    at = accounts.index((Role.REPATRIATION_OFFICER, "repatriation-officer")) + 1
    accounts.insert(at, (Role.REPATRIATION_OFFICER, "repatriation-officer-2"))
    for role, username in accounts:
        password = username + DEMO_PASSWORD_SUFFIX
        user = User.objects.filter(username=username).first()
        if user is None:
            facility_names = [camp.name] if role == Role.CAMP_MANAGER and camp else []
            user = access.create_user(
                username,
                password,
                roles=[role],
                facility_names=facility_names,
                check_password=False,
            )
        secret = ""
        if access.totp_required(user):
            device = access.confirmed_device(user)
            if device is None:
                device = access.start_totp_enrolment(user)
                access.confirm_totp_enrolment(user, pyotp.TOTP(device.secret).now())
            secret = device.secret
        logins.append((role, username, password, secret))
    return logins


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


def load_demo(persons: int = 5000, seed: int = 1, progress: bool = True) -> DemoSummary:
    from muster.scenario import generate

    started = time.monotonic()
    existing = Person.objects.count()
    if existing:
        camp = (
            Facility.objects.filter(kind=Facility.Kind.DISPLACEMENT_CAMP)
            .order_by("-capacity")
            .first()
        )
        return DemoSummary(False, existing, Household.objects.count(), 0.0, demo_users(camp))

    _progress(progress, f"Generating a synthetic evacuation of {persons} persons (seed {seed})…")
    scenario = generate(persons=persons, seed=seed)
    with transaction.atomic():
        facilities = _load_facilities(scenario)
        camp = max(
            (f for f in facilities.values() if f.kind == Facility.Kind.DISPLACEMENT_CAMP),
            key=lambda f: f.capacity or 0,
            default=None,
        )
        logins = demo_users(camp)
        User = get_user_model()
        officers = {
            u.username: u for u in User.objects.filter(username__in=[login[1] for login in logins])
        }
        n_persons, n_households = _load_people(scenario, facilities, officers, seed, progress)
        audit.record(
            "scenario.load",
            detail={"persons": n_persons, "households": n_households, "seed": seed},
        )
        _load_reference_lists(scenario, officers["screening-officer"], seed)
    _progress(progress, "Screening the registry against the reference lists…")
    _screen(officers["screening-officer"])
    _re_registrations(scenario, facilities, officers["registration-officer"], seed)
    _progress(progress, "Departures: return convoys, a handover in batches, repatriations…")
    _departures(officers, seed)
    return DemoSummary(True, n_persons, n_households, time.monotonic() - started, logins)


def _load_facilities(scenario) -> dict[str, Facility]:
    out = {}
    for spec in scenario.facilities:
        facility, _ = Facility.objects.get_or_create(
            name=spec.name,
            defaults=dict(
                kind=spec.kind,
                capacity=spec.capacity,
                pcode=spec.pcode,
                location_name=spec.location_name,
            ),
        )
        out[spec.name] = facility
    return out


def _load_people(scenario, facilities, officers, seed: int, progress: bool) -> tuple[int, int]:
    rng = random.Random(seed)
    registrar = officers["registration-officer"]
    screener = officers["screening-officer"]
    manager = officers["camp-manager"]
    households = list(scenario.households)
    last_day = max(h.arrival_date for h in households)
    shift = timezone.localdate() - last_day
    tz = timezone.get_current_timezone()
    now = timezone.now()
    by_kind = defaultdict(list)
    for f in facilities.values():
        by_kind[f.kind].append(f)

    n_persons = 0
    # Movements are grouped per (day, reception point, destination): one bus manifest each.
    movements: dict[tuple, Movement] = {}
    in_transit_budget = {"overdue": 7, "recent": 40}
    occupancy: dict[int, int] = defaultdict(int)
    for start in range(0, len(households), BATCH):
        chunk = households[start : start + BATCH]
        hh_rows, person_rows, specs = [], [], []
        for h in chunk:
            day = h.arrival_date + shift
            at = dt.datetime.combine(day, dt.time(6, 0), tzinfo=tz) + dt.timedelta(
                minutes=rng.randrange(0, 11 * 60)
            )
            at = min(at, now - dt.timedelta(minutes=5))
            hh = Household(number=new_number("H"), registered_at=at, registered_by=registrar)
            hh_rows.append(hh)
            for m in h.members:
                person_rows.append(
                    Person(
                        number=new_number("P"),
                        household=hh,
                        relationship_to_head=m.relationship_to_head,
                        given_name=m.given_name,
                        father_name=m.father_name,
                        grandfather_name=m.grandfather_name,
                        family_name=m.family_name,
                        mother_name=m.mother_name,
                        alias=m.alias,
                        name_key=person_name_key(
                            m.given_name, m.father_name, m.grandfather_name, m.family_name
                        ),
                        sex=m.sex,
                        date_of_birth=m.date_of_birth,
                        birth_year=m.birth_year,
                        dob_precision=m.dob_precision,
                        nationality=m.nationality,
                        place_of_origin=m.place_of_origin,
                        origin_pcode=m.origin_pcode,
                        registered_at=at,
                        registered_by=registrar,
                        **{flag: flag in m.vulnerabilities for flag in PROTECTION_FLAGS},
                    )
                )
                specs.append((m, h, at))
        Household.objects.bulk_create(hh_rows, batch_size=1000)
        for p in person_rows:
            p.household_id = p.household.pk
        Person.objects.bulk_create(person_rows, batch_size=1000)

        docs, decisions, placements, lines = [], [], [], []
        for person, (m, h, at) in zip(person_rows, specs, strict=True):
            for doc_type, number, country in m.documents:
                docs.append(
                    IdentityDocument(
                        person=person,
                        doc_type=doc_type,
                        number=number,
                        issuing_country=country,
                        recorded_at=at,
                    )
                )
            reception = facilities[h.reception_point]
            age_days = (now - at).days
            decided = age_days >= 1 or rng.random() < 0.5
            if decided:
                decisions.append(
                    CategoryDecision(
                        person=person,
                        category=m.category,
                        decided_by=screener,
                        decided_at=at + dt.timedelta(hours=3),
                        reason="Demo scenario: screening interview and document check.",
                        legal_basis="Demo",
                    )
                )
            if not decided or age_days < 2:
                _maybe_in_transit(
                    person,
                    m,
                    at,
                    reception,
                    by_kind,
                    movements,
                    placements,
                    lines,
                    in_transit_budget,
                    rng,
                    manager,
                    now,
                )
                continue
            # The facility with the most free places takes the next person, as a coordinator would.
            dest = max(
                _destinations(by_kind, m.category),
                key=lambda f: (f.capacity or 0) - occupancy[f.pk],
            )
            occupancy[dest.pk] += 1
            moved_at = at + dt.timedelta(hours=20)
            movement = _bus(
                movements,
                (moved_at.date(), reception.pk, dest.pk),
                from_facility=reception,
                to_facility=dest,
                status=Movement.Status.RECEIVED,
                dispatched_at=moved_at,
                dispatched_by=manager,
                vehicle=f"Bus {len(movements) % 40 + 1}",
            )
            received_at = moved_at + dt.timedelta(hours=4)
            placements += _left_reception(
                person,
                reception,
                at,
                movement,
                moved_at,
                registrar=registrar,
                manager=manager,
                received_at=received_at,
            )
            placements.append(
                Placement(
                    person=person,
                    state="placed",
                    facility=dest,
                    movement=movement,
                    started_at=received_at,
                    created_by=manager,
                    capacity_override_reason="Demo scenario load",
                )
            )
            lines.append(
                ManifestLine(
                    movement=movement,
                    person=person,
                    outcome="received",
                    resolved_at=received_at,
                    resolved_by=manager,
                )
            )
        IdentityDocument.objects.bulk_create(docs, batch_size=2000)
        CategoryDecision.objects.bulk_create(decisions, batch_size=2000)
        Placement.objects.bulk_create(placements, batch_size=2000)
        ManifestLine.objects.bulk_create(lines, batch_size=2000)
        n_persons += len(person_rows)
        _progress(progress, f"  loaded {n_persons} persons")
    return n_persons, len(households)


def _maybe_in_transit(
    person, m, at, reception, by_kind, movements, placements, lines, budget, rng, manager, now
):
    """Recent arrivals stay at reception; a few are on a bus (one bus overdue: unaccounted).

    Each bus leaves at a fixed time (13.5 h ago for the overdue one, 1 h ago for the other) and takes
    only people who had arrived before it left.
    """
    departs = {"overdue": now - dt.timedelta(hours=13.5), "recent": now - dt.timedelta(hours=1)}
    if budget["overdue"] > 0 and at < departs["overdue"]:
        kind = "overdue"
    elif budget["recent"] > 0 and at < departs["recent"] and rng.random() < 0.2:
        kind = "recent"
    else:
        placements.append(
            Placement(
                person=person,
                state="placed",
                facility=reception,
                started_at=at,
                created_by=person.registered_by,
            )
        )
        return
    budget[kind] -= 1
    # The largest facility of the kind: for civilians the camp whose manager the demo signs in, so
    # that their "expected" list and a bus to receive are there on day one.
    dest = max(_destinations(by_kind, m.category), key=lambda f: f.capacity or 0)
    movement = _bus(
        movements,
        ("transit", kind, reception.pk, dest.pk),
        from_facility=reception,
        to_facility=dest,
        dispatched_at=departs[kind],
        dispatched_by=manager,
        vehicle="Bus 7" if kind == "overdue" else "Truck 2",
    )
    placements += _left_reception(
        person,
        reception,
        at,
        movement,
        movement.dispatched_at,
        registrar=person.registered_by,
        manager=manager,
    )
    lines.append(ManifestLine(movement=movement, person=person))


def _destinations(by_kind, category) -> list[Facility]:
    """The facilities a person of this category goes to from reception (a camp if none of that kind)."""
    return by_kind.get(DESTINATION_KIND[category]) or by_kind[Facility.Kind.DISPLACEMENT_CAMP]


def _bus(movements: dict, key, **fields) -> Movement:
    """The movement for ``key`` (one bus per day and route), created with ``fields`` the first time."""
    movement = movements.get(key)
    if movement is None:
        movement = Movement(number=new_number("M"), **fields)
        movement.save()
        movements[key] = movement
    return movement


def _left_reception(
    person, reception, arrived_at, movement, left_at, *, registrar, manager, received_at=None
) -> list[Placement]:
    """A stay at reception ended by leaving on ``movement``, then the journey: over at
    ``received_at``, or (``None``) still on the road, the person's current placement."""
    journey = {} if received_at is None else {"ended_at": received_at, "is_current": False}
    return [
        Placement(
            person=person,
            state="placed",
            facility=reception,
            started_at=arrived_at,
            ended_at=left_at,
            is_current=False,
            created_by=registrar,
        ),
        Placement(
            person=person,
            state="in_transit",
            movement=movement,
            started_at=left_at,
            created_by=manager,
            **journey,
        ),
    ]


# Reference lists as authorities hand them over: a few hundredths of the adults of the "held"
# category, spelled as each register would, so that the screening queue has list hits on day one.
DEMO_LISTS = (
    ("Ministry of Interior wanted persons", "Ministry of Interior", "authority_ar", 0.04),
    ("Partner agency watch list", "Protection cluster partner", "ngo", 0.02),
)


def _load_reference_lists(scenario, screener, seed: int) -> None:
    import csv
    import io

    from muster.identity import PERSON_COLUMNS
    from muster.scenario.sources import render_records
    from muster.screening.imports import import_reference_list

    rng = random.Random(seed + 7)
    adults = [p for p in scenario.persons if p.category == "held" and not p.is_child]
    # A few listed men came out as civilians and are not held: their hits are what a screening
    # officer proposes "held" for, and a second officer approves.
    civilians = [p for p in scenario.persons if p.category == "civilian" and not p.is_child]
    for name, owner, source, share in DEMO_LISTS:
        chosen = rng.sample(adults, min(len(adults), max(3, min(150, round(share * len(adults))))))
        chosen += rng.sample(civilians, min(len(civilians), 3))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(PERSON_COLUMNS)
        records = render_records(chosen, {source: 1.0}, seed=seed, duplicates_within_source=0)
        for record, _truth in records:
            writer.writerow([record.get(col, "") for col in PERSON_COLUMNS])
        import_reference_list(
            out.getvalue().encode(),
            name=name,
            owner=owner,
            legal_basis="Demo scenario: list supplied under a data-sharing agreement.",
            list_date=timezone.localdate(),
            by=screener,
            file_name=f"{source}.csv",
            source_format="csv",
            skip_bad_rows=True,
        )


def _screen(screener) -> None:
    """Screen the whole registry against the reference lists now, rather than by the worker, so the
    queue holds list hits when the demo opens. The loaded registry has no duplicates by construction,
    so the registry-against-itself pass (the slow half at 60,000 persons) is left to the
    re-registrations below, which are screened as any registration is."""
    from muster.screening import services as screening
    from muster.screening.models import ScreeningRun

    started = timezone.now()
    run = ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.BATCH,
        status=ScreeningRun.Status.RUNNING,
        reason="Demo load: the whole registry against the reference lists",
        created_at=started,
        started_at=started,
        started_by=screener,
    )
    persons = list(Person.objects.filter(merged_into__isnull=True).order_by("id"))
    hits = screening.screen_persons(persons, run=run, registry=False)
    run.total = run.done = len(persons)
    run.hits_created = len(hits)
    run.status = ScreeningRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        "screening.run",
        actor=screener,
        obj=run,
        detail={"kind": run.kind, "persons": run.done, "hits": run.hits_created},
    )
    # One "held" proposal waiting for the second screening officer, on a confirmed list hit.
    hit = next(
        (
            h
            for h in Hit.objects.filter(
                kind=Hit.Kind.REFERENCE_LIST, band=Hit.Band.LIKELY
            ).order_by("-score", "id")
            if (current := screening.current_category(h.person)) is None
            or current.category != "held"
        ),
        None,
    )
    if hit is not None:
        screening.adjudicate(
            hit,
            "confirm",
            reason="Demo: listed person, identity checked at interview.",
            by=screener,
        )
        screening.decide_category(
            hit.person,
            "held",
            reason="Demo: confirmed on the list; the interview supports it.",
            legal_basis=hit.reference_entry.reference_list.legal_basis,
            basis_hit=hit,
            by=screener,
        )


RE_REGISTRATION_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name",
                          "mother_name", "alias", "sex", "date_of_birth", "birth_year",
                          "place_of_origin", "nationality")  # fmt: skip


def _re_registrations(scenario, facilities, registrar, seed: int) -> None:
    """A few adults come back to a reception point today and are registered again, spelled as
    another register would (the camp's Latin habits, or Arabic script): registered through the
    reception service, so that screening finds them as it would on the day (duplicate hits)."""
    from django.core.exceptions import ValidationError

    from muster.intake import services as intake
    from muster.people.validation import clean_household
    from muster.scenario.sources import render_records

    rng = random.Random(seed + 11)
    adults = [p for p in scenario.persons if not p.is_child and p.father_name and p.family_name]
    count = max(3, min(40, len(adults) // 500))
    chosen = rng.sample(adults, min(count, len(adults)))
    points = sorted(
        (f for f in facilities.values() if f.kind == Facility.Kind.RECEPTION_POINT),
        key=lambda f: f.name,
    )
    for i, spec in enumerate(chosen):
        source = "camp" if i % 2 else "authority_ar"
        record, _truth = next(iter(render_records([spec], {source: 1.0}, seed=seed + i)))
        member = {k: record[k] for k in RE_REGISTRATION_FIELDS if record.get(k)}
        if member.get("date_of_birth"):
            member.pop("birth_year", None)
        member["relationship_to_head"] = "head"
        try:
            intake.register_household(
                clean_household([member]),
                reception_point=points[i % len(points)],
                by=registrar,
                override_reason="Demo scenario load",
            )
        except ValidationError:
            # A rendering the reception form would refuse (a register's impossible date): the
            # officer would have corrected it; the demo skips that person.
            continue


# Villages of Deir ez-Zor governorate (P-codes SY09...) that the return convoys go to.
RETURN_CONVOYS = 3
HOUSEHOLDS_PER_CONVOY = 5
HANDOVER_BATCHES = 2
HANDOVER_BATCH_SIZE = 12
REPATRIATED_FAMILIES = 3


def _departures(officers: dict, seed: int) -> None:
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
                    "destination_name": village,
                    "destination_pcode": pcode,
                    "convoy": f"Convoy {i + 1}",
                    "guarantor": "Tribal council of " + village,
                },
                by=planner,
            )
            departures.dispatch_departure(d, by=planner)
            if i == 0:
                departures.confirm(d, [(p.pk, "received", "") for p in persons], by=planner)
            elif i == 1:
                outcomes = [(p.pk, "received", "") for p in persons[:-1]]
                outcomes.append(
                    (persons[-1].pk, "not_presented", "not on the bus at the checkpoint")
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
                    "receiving_authority": "Iraqi security forces (Counter-Terrorism Service)",
                    "legal_basis": "Transfer arrangement with the Government of Iraq, batch "
                    + str(b + 1),
                    "destination_country": "IRQ",
                    "destination_name": "Al-Qaim border crossing",
                },
                separation_reason="held person handed over to Iraq's authorities; the family "
                "stays in the family camp pending repatriation",
                by=planner,
            )
            departures.approve_departure(d, by=approver)
            departures.dispatch_departure(d, by=planner)
            outcomes = [(p.pk, "received", "") for p in batch]
            if b == 1 and len(batch) > 1:
                outcomes[-1] = (batch[-1].pk, "refused", "not on the receiving side's list")
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
                interview_note="consular interview: birthplace, parents and documents described",
                by=planner,
            )
            d = departures.plan_departure(
                members,
                kind="repatriation",
                from_facility=facility,
                details={
                    "destination_country": country,
                    "receiving_authority": f"Ministry of Foreign Affairs ({country}) delegation",
                    "destination_name": "Semalka crossing",
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
                    "not at the crossing with the family",
                )
            elif n == 2:
                outcomes = outcomes[:1]  # the rest still await the delegation's confirmation
            departures.confirm(d, outcomes, by=approver)
            return d

        if attempt(repatriate) is not None:
            done += 1

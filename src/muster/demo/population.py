"""The scenario's facilities, households and persons, their placements and the buses between
facilities, in bulk inserts."""

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from muster.core.numbering import new_number
from muster.custody.models import Facility, ManifestLine, Movement, Placement
from muster.demo.users import BATCH, DESTINATION_KIND, _progress
from muster.people.models import PROTECTION_FLAGS, Household, IdentityDocument, Person
from muster.people.search import person_name_key
from muster.screening.models import CategoryDecision

# The scenario's facilities as Arabic speakers write them, shown in the Arabic UI.
FACILITY_NAMES_AR = {
    "Reception point 1 (Baghouz)": "نقطة الاستقبال 1 (الباغوز)",
    "Reception point 2 (Al-Marashida)": "نقطة الاستقبال 2 (المراشدة)",
    "Reception point 3 (Al-Sousa)": "نقطة الاستقبال 3 (السوسة)",
    "Al-Omar screening site": "موقع التدقيق في حقل العمر",
    "Al-Hol camp": "مخيم الهول",
    "Areesha camp": "مخيم العريشة",
    "Roj family camp": "مخيم روج للعائلات",
    "Hasakah central holding facility": "مركز الاحتجاز المركزي في الحسكة",
    "Al-Shaddadi holding facility": "مركز احتجاز الشدادي",
    "Derik holding facility": "مركز احتجاز ديريك",
}


# The same in Sorani Kurdish, shown in the Sorani UI (the terms of the interface's own
# translation: خاڵی پێشوازی, کەمپی خێزانان, بنکەی دەستبەسەرکردن).
FACILITY_NAMES_CKB = {
    "Reception point 1 (Baghouz)": "خاڵی پێشوازی 1 (باغۆز)",
    "Reception point 2 (Al-Marashida)": "خاڵی پێشوازی 2 (مەراشیدە)",
    "Reception point 3 (Al-Sousa)": "خاڵی پێشوازی 3 (سووسە)",
    "Al-Omar screening site": "شوێنی پشکنینی کێڵگەی عومەر",
    "Al-Hol camp": "کەمپی هەول",
    "Areesha camp": "کەمپی عەریشە",
    "Roj family camp": "کەمپی خێزانانی ڕۆژ",
    "Hasakah central holding facility": "بنکەی ناوەندیی دەستبەسەرکردنی حەسەکە",
    "Al-Shaddadi holding facility": "بنکەی دەستبەسەرکردنی شەدادی",
    "Derik holding facility": "بنکەی دەستبەسەرکردنی دێریک",
}

FACILITY_NAMES_KMR = {
    "Reception point 1 (Baghouz)": "Xala pêşwaziyê 1 (Baxoz)",
    "Reception point 2 (Al-Marashida)": "Xala pêşwaziyê 2 (Meraşîde)",
    "Reception point 3 (Al-Sousa)": "Xala pêşwaziyê 3 (Sûse)",
    "Al-Omar screening site": "Cihê pişkinînê yê Omer",
    "Al-Hol camp": "Kampa Holê",
    "Areesha camp": "Kampa Erîşe",
    "Roj family camp": "Kampa malbatan a Rojê",
    "Hasakah central holding facility": "Navenda girtinê ya navendî ya Hesekê",
    "Al-Shaddadi holding facility": "Navenda girtinê ya Şeddadê",
    "Derik holding facility": "Navenda girtinê ya Dêrikê",
}


def _load_facilities(scenario) -> dict[str, Facility]:
    out = {}
    for spec in scenario.facilities:
        facility, _created = Facility.objects.get_or_create(
            name=spec.name,
            defaults=dict(
                name_ar=FACILITY_NAMES_AR.get(spec.name, ""),
                name_ckb=FACILITY_NAMES_CKB.get(spec.name, ""),
                name_kmr=FACILITY_NAMES_KMR.get(spec.name, ""),
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
    # The overdue bus (13.5 h on the road) also takes those of the last day with arrivals before
    # yesterday, whatever the hour: its riders must have arrived before it left, and within the
    # last two days only those who came before the hour it left did, which at some hours of the
    # day was nobody, and the unaccounted list the demo promises was empty.
    overdue_day = max(
        (d for d in (h.arrival_date + shift for h in households)
         if d < timezone.localdate() - dt.timedelta(days=1)),
        default=None,
    )  # fmt: skip
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
                        **_flags(m, at.date()),
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
                        reason=_("Demo scenario: screening interview and document check."),
                        legal_basis=_("Demo"),
                    )
                )
            overdue = h.arrival_date + shift == overdue_day and in_transit_budget["overdue"] > 0
            if not decided or age_days < 2 or overdue:
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
                vehicle=_("Bus %(n)d") % {"n": len(movements) % 40 + 1},
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
                    capacity_override_reason=_("Demo scenario load"),
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
        vehicle=_("Bus %(n)d") % {"n": 7} if kind == "overdue" else _("Truck %(n)d") % {"n": 2},
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


CHILD_FLAGS = ("unaccompanied_child", "separated_child")


def _flags(m, registered_on: dt.date) -> dict[str, bool]:
    """The protection flags of a generated person, as registered on ``registered_on``.

    The scenario's people and their flags are drawn for the 2019 evacuation; the demo registers
    them in recent weeks. Someone who was a separated child then is an adult now, and a child flag
    on an adult would send a caseworker to the wrong person: the child flags hold only for those
    under 18 on the day they are registered."""
    born = m.date_of_birth or (dt.date(m.birth_year, 7, 1) if m.birth_year else None)
    adult = born is not None and (registered_on - born).days >= 18 * 365.25
    return {
        flag: flag in m.vulnerabilities and not (adult and flag in CHILD_FLAGS)
        for flag in PROTECTION_FLAGS
    }


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

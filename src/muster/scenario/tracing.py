"""A tracing population: abducted women and children among the registered, and families' requests.

``tracing_set(registered, requests, seed)`` generates an evacuation whose abducted persons (the
generator's :class:`~muster.scenario.model.KidnapRecord`) number a few hundred, registers
everyone once, and writes the requests their families filed years after the separation:

- The registry is the person-record layout (DESIGN.md), each person once, from the project's
  registers (Latin, or Arabic script).  An abducted person renamed by the captors is registered
  under the captors' given name (Aisha, Abdullah) and often the captors' chain of names; a child
  usually still gives the mother's name, sometimes the father's, grandfather's or clan name,
  and sometimes the birth name, which the officer writes as an alias.  The place of origin is
  the village taken from, the district, or the captors' town.  Ages are estimates (+-2 years,
  sometimes rounded to five), written as a birth year.
- Some abducted children were taken with a sibling or with their mother: their requests share
  the mother's name, the place and the day, and only the given name and the age tell them apart.
- A request names the person as the family knows them: the birth names in Kurmanji Latin,
  English-style Latin or Arabic script, the birth year or the age at separation, the date and
  place of separation, sometimes a distinguishing mark.  A share of requests are for persons who
  are not among the registered (still missing): they must not get a confident match.

Everything is synthetic and deterministic for a seed; the default populations of
:func:`muster.scenario.generate` are unchanged (only the kidnapped share differs here).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from muster.identity import PERSON_COLUMNS
from muster.scenario import places as P
from muster.scenario.model import CanonicalName, KidnapRecord, PersonSpec
from muster.scenario.names import EMPTY, Name
from muster.scenario.population import generate
from muster.scenario.shape import PopulationShape
from muster.scenario.sources import render_records

REQUEST_COLUMNS = (
    *PERSON_COLUMNS,
    "separation_date",
    "separation_place",
    "age_at_separation",
    "distinguishing_marks",
)
TRUTH_COLUMNS = ("record_id_a", "record_id_b", "person_key", "renamed")

# The registers that hold the registry, each person once (shares of persons).
REGISTERS = {"reception": 0.5, "camp": 0.2, "authority_ar": 0.2, "ngo": 0.1}


@dataclass(frozen=True, slots=True)
class TracingHabits:
    """How abducted persons were registered and how families wrote their requests."""

    # Share of the abducted renamed by the captors; None keeps the population's own (65 %).
    renamed: float | None = None
    # Registration of a renamed person: which birth names survive beside the captors' names.
    child_keeps_mother: float = 0.85
    adult_keeps_mother: float = 0.9
    child_keeps_father: float = 0.25
    adult_keeps_father: float = 0.5
    keeps_grandfather: float = 0.3
    keeps_family: float = 0.3
    birth_name_as_alias: float = 0.15
    origin_is_sinjar: float = 0.8  # else the captors' town
    origin_district_only: float = 0.2  # "Sinjar" rather than the village
    age_noise: int = 2  # registered age = true age +- this
    age_rounded: float = 0.2  # estimated to five years
    # Families taken together.
    sibling: float = 0.25
    with_mother: float = 0.1
    # Requests.
    kurmanji: float = 0.45
    arabic: float = 0.25  # the rest English-style Latin
    request_father: float = 0.9
    request_grandfather: float = 0.6
    request_family: float = 0.7
    request_mother: float = 0.9
    request_birth_year: float = 0.45  # else the age at separation
    request_year_off: float = 0.2  # the family's year or age one off
    marks: float = 0.3
    # Registers holding the registry (shares of persons); None: REGISTERS.  "authority_ar"
    # writes Arabic script, the others Latin.
    registers: tuple[tuple[str, float], ...] | None = None


HABITS = TracingHabits()

# Kurmanji Latin spellings of the names Yazidi families give (Hawar alphabet: x = kh, ş = sh,
# c = j, ç = ch, î/û long vowels, e short a).
KURMANJI = {
    "Azad": "Azad", "Dilshad": "Dilşad", "Shivan": "Şivan", "Baran": "Baran", "Kawa": "Kawa",
    "Serhat": "Serhat", "Zana": "Zana", "Ciwan": "Ciwan", "Rezan": "Rezan", "Hogir": "Hogir",
    "Khairi": "Xêrî", "Dakhil": "Dexîl", "Saido": "Seydo", "Barakat": "Berekat", "Haji": "Hecî",
    "Elias": "Êlyas", "Murad": "Mirad", "Qasim": "Qasim", "Khalaf": "Xelef", "Hadi": "Hadî",
    "Basee": "Basî", "Jalo": "Calo", "Shirin": "Şîrîn", "Rojda": "Rojda", "Berivan": "Berîvan",
    "Gulistan": "Gulîstan", "Jihan": "Cîhan", "Ronahi": "Ronahî", "Zozan": "Zozan",
    "Nazdar": "Nazdar", "Dilvin": "Dilvîn", "Hevi": "Hêvî", "Bese": "Bese", "Adkee": "Adkê",
    "Nadia": "Nadiya", "Layla": "Leyla", "Khawla": "Xewla", "Nasima": "Nesîma", "Suzan": "Suzan",
    "Jilan": "Cîlan", "Khatun": "Xatûn", "Naze": "Naze", "Hesso": "Heso", "Naif": "Nayif",
    "Sulaiman": "Silêman", "Ali": "Elî", "Rasho": "Reşo", "Pisso": "Pîso", "Ilyas": "Îlyas",
}  # fmt: skip
_KURMANJI_RULES = (("kh", "x"), ("sh", "ş"), ("ch", "ç"), ("j", "c"), ("ee", "î"), ("oo", "û"))

MARKS = (
    "scar on the left hand", "birthmark on the neck", "mole under the right eye",
    "burn scar on the arm", "missing front tooth", "tattoo dots on the chin", "scar on the forehead",
    "limps on the right leg",
)  # fmt: skip
_SINJAR_PLACE = {p.name: p for p in P.SINJAR}
_SINJAR_KURMANJI = {"Kocho": "Koço", "Tel Ezer": "Til Ezer", "Siba Sheikh Khidir": "Sîba Şêx Xidir",
                    "Hardan": "Herdan", "Sinjar": "Şingal", "Khanasor": "Xanesor",
                    "Solagh": "Solax"}  # fmt: skip


def kurmanji(latin: str) -> str:
    """The Kurmanji Latin spelling of a name: the known form, else letter rules.

    >>> kurmanji("Khalaf"), kurmanji("Shirin"), kurmanji("Jamila")
    ('Xelef', 'Şîrîn', 'Camila')
    """
    if latin in KURMANJI:
        return KURMANJI[latin]
    out = latin
    for a, b in _KURMANJI_RULES:
        out = out.replace(a, b).replace(a.capitalize(), b.upper())
    return out


@dataclass(slots=True)
class TracingSet:
    """A registry, the families' requests and the truth: which registry record is who was sought."""

    registry: list[dict[str, str]]
    requests: list[dict[str, str]]
    truth: list[dict[str, str]]  # one row per request; record_id_b "" when not registered

    def true_records(self) -> dict[str, str]:
        """request id -> registry record id of the person sought ("" when not registered)."""
        return {t["record_id_a"]: t["record_id_b"] for t in self.truth}

    def write(self, folder: str | Path) -> tuple[Path, Path, Path]:
        """Write registry.csv, requests.csv and truth.csv into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = (folder / "registry.csv", folder / "requests.csv", folder / "truth.csv")
        for path, rows, columns in zip(
            paths,
            (self.registry, self.requests, self.truth),
            (PERSON_COLUMNS, REQUEST_COLUMNS, TRUTH_COLUMNS),
            strict=True,
        ):
            _write_csv(path, rows, columns)
        return paths


def _write_csv(path: Path, rows: Iterable[dict[str, str]], columns: tuple[str, ...]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])


def tracing_set(
    registered: int = 20_000,
    requests: int = 400,
    seed: int = 1,
    unregistered_share: float = 0.2,
    habits: TracingHabits = HABITS,
) -> TracingSet:
    """A registry of ``registered`` persons and ``requests`` requests, deterministic for ``seed``.

    About ``unregistered_share`` of the requests seek a person who is not in the registry; a
    quarter more abducted persons than requested are registered, so that some abducted persons
    are nobody's request (as in the field: not every family has filed one yet).
    """
    if registered < 100 or requests < 1:
        raise ValueError("a tracing set needs at least 100 registered and 1 request")
    missing = round(requests * unregistered_share)
    found = requests - missing
    abducted = found + found // 4 + missing
    persons = registered + missing
    if abducted > persons // 4:
        raise ValueError(f"{requests} requests need more than {registered} registered persons")
    shape = PopulationShape(kidnapped_share=abducted / persons)
    scenario = generate(persons=persons, seed=seed, shape=shape)
    r = random.Random(seed * 7919 + 13)
    people = list(scenario.persons)
    victims = [p for p in people if p.kidnap is not None]
    r.shuffle(victims)
    if habits.renamed is not None:
        others = [p for p in people if p.kidnap is None]
        victims = [_renamed(p, others, r, habits.renamed) for p in victims]
    victims = _families(victims, r, habits)
    by_key = {p.key: p for p in victims}
    people = [by_key.get(p.key, p) for p in people]
    sought_missing = {p.key for p in victims[:missing]}
    sought = victims[: missing + found]
    registered_people = [
        _as_registered(p, r, habits) if p.kidnap else p
        for p in people
        if p.key not in sought_missing
    ]
    registry, record_of = _register(registered_people, r, habits, seed)
    rows, truth = [], []
    for n, person in enumerate(sought, start=1):
        rid = f"req-{n:06d}"
        rows.append(_request(person, rid, r, habits))
        assert person.kidnap is not None
        truth.append(
            {
                "record_id_a": rid,
                "record_id_b": record_of.get(person.key, ""),
                "person_key": person.key,
                "renamed": "1" if person.kidnap.renamed else "0",
            }
        )
    order = list(range(len(rows)))
    r.shuffle(order)
    return TracingSet(registry, [rows[i] for i in order], [truth[i] for i in order])


def _renamed(p: PersonSpec, others: list[PersonSpec], r: random.Random, share: float) -> PersonSpec:
    """Draw again whether ``p`` was renamed: a new captors' name is the chain of names of an
    evacuee of the same sex (a captor's household), and that evacuee's town."""
    k = p.kidnap
    assert k is not None
    rename = r.random() < share
    if rename == k.renamed:
        return p
    if not rename:
        return replace(p, kidnap=replace(k, renamed=False), canonical=k.birth_name,
                       place_of_origin=k.taken_from, origin_pcode=k.taken_from_pcode)  # fmt: skip
    host = others[int(r.random() * len(others))]
    for _ in range(20):
        if host.sex == p.sex:
            break
        host = others[int(r.random() * len(others))]
    c = host.canonical
    canonical = CanonicalName(c.given_name, c.father_name, c.grandfather_name, c.family_name,
                              c.mother_name, EMPTY)  # fmt: skip
    return replace(p, kidnap=replace(k, renamed=True), canonical=canonical,
                   place_of_origin=host.place_of_origin, origin_pcode=host.origin_pcode)  # fmt: skip


def _families(victims: list[PersonSpec], r: random.Random, h: TracingHabits) -> list[PersonSpec]:
    """Some children taken with a sibling or their mother: the same lineage, place and day."""
    out: list[PersonSpec] = []
    for p in victims:
        k = p.kidnap
        assert k is not None
        earlier = out[int(r.random() * len(out))] if out else None
        x = r.random()
        if earlier is not None and k.age_when_taken < 14:
            ek = earlier.kidnap
            assert ek is not None
            b = k.birth_name
            if x < h.sibling and ek.age_when_taken < 16:
                e = ek.birth_name
                b = CanonicalName(b.given_name, e.father_name, e.grandfather_name, e.family_name,
                                  e.mother_name, EMPTY)  # fmt: skip
            elif x < h.sibling + h.with_mother and earlier.sex == "F" and ek.age_when_taken >= 18:
                e = ek.birth_name
                b = CanonicalName(b.given_name, b.father_name, b.grandfather_name, b.family_name,
                                  e.given_name, EMPTY)  # fmt: skip
            if b is not k.birth_name:
                k = replace(k, birth_name=b, taken_from=ek.taken_from,
                            taken_from_pcode=ek.taken_from_pcode, taken_on=ek.taken_on)  # fmt: skip
                canonical = b if not k.renamed else p.canonical
                p = replace(p, kidnap=k, canonical=canonical)
        out.append(p)
    return out


def _as_registered(p: PersonSpec, r: random.Random, h: TracingHabits) -> PersonSpec:
    """An abducted person as the register holds them: which birth names the person still gave."""
    k = p.kidnap
    assert k is not None
    child = k.age_when_taken < 14
    rand = r.random
    origin, pcode = p.place_of_origin, p.origin_pcode
    if k.renamed:
        b, c = k.birth_name, p.canonical
        keep = h.child_keeps_mother if child else h.adult_keeps_mother
        mother = b.mother_name if rand() < keep else c.mother_name
        keep = h.child_keeps_father if child else h.adult_keeps_father
        father = b.father_name if rand() < keep else c.father_name
        grandfather = b.grandfather_name if rand() < h.keeps_grandfather else c.grandfather_name
        family = b.family_name if rand() < h.keeps_family else c.family_name
        alias = b.given_name if rand() < h.birth_name_as_alias else EMPTY
        canonical = CanonicalName(c.given_name, father, grandfather, family, mother, alias)
        if rand() < h.origin_is_sinjar:
            origin, pcode = k.taken_from, k.taken_from_pcode
    else:
        canonical = k.birth_name
        origin, pcode = k.taken_from, k.taken_from_pcode
    if origin in _SINJAR_PLACE and rand() < h.origin_district_only:
        origin = "Sinjar"
    return replace(p, canonical=canonical, place_of_origin=origin, origin_pcode=pcode)


def _register(
    people: list[PersonSpec], r: random.Random, h: TracingHabits, seed: int
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Each person once, in one of the registers; abducted persons with an estimated age."""
    shares = dict(h.registers) if h.registers is not None else REGISTERS
    names = [n for n in shares if shares[n] > 0]
    cum, total = [], 0.0
    for name in names:
        total += shares[name]
        cum.append(total)
    groups: dict[str, list[PersonSpec]] = {n: [] for n in names}
    for p in people:
        x = r.random() * total
        groups[next(n for n, c in zip(names, cum, strict=True) if x < c)].append(p)
    rows: list[tuple[dict[str, str], PersonSpec]] = []
    for i, name in enumerate(names):
        persons = groups[name]
        rendered = render_records(persons, {name: 1.0}, seed=seed * 31 + i,
                                  duplicates_within_source=0.0)  # fmt: skip
        rows.extend((rec, p) for (rec, _), p in zip(rendered, persons, strict=True))
    r.shuffle(rows)
    registry, record_of = [], {}
    for n, (rec, p) in enumerate(rows, start=1):
        rec = dict(rec, record_id=f"reg-{n:07d}")
        if p.kidnap is not None:
            age = p.age + int(r.random() * (2 * h.age_noise + 1)) - h.age_noise
            if age >= 8 and r.random() < h.age_rounded:
                age = 5 * round(age / 5)
            rec["date_of_birth"], rec["birth_year"] = "", str(p.arrival_date.year - max(0, age))
        registry.append(rec)
        record_of[p.key] = rec["record_id"]
    return registry, record_of


def _spell(n: Name, script: str, r: random.Random) -> str:
    if not n:
        return ""
    if script == "arabic":
        return n.arabic
    if script == "kurmanji":
        return kurmanji(n.latin)
    cum = n.variant_cum
    x = r.random() * cum[-1]
    return next(v for v, c in zip(n.variants, cum, strict=True) if x < c)


def _request(p: PersonSpec, rid: str, r: random.Random, h: TracingHabits) -> dict[str, str]:
    """The request a family wrote for ``p``: birth names, age, when and where taken."""
    k: KidnapRecord | None = p.kidnap
    assert k is not None
    rand = r.random
    x = rand()
    script = "kurmanji" if x < h.kurmanji else ("arabic" if x < h.kurmanji + h.arabic else "latin")
    b = k.birth_name

    def part(n: Name, p_given: float) -> str:
        return _spell(n, script, r) if rand() < p_given else ""

    place = k.taken_from
    if script == "arabic":
        place_text = _SINJAR_PLACE[place].arabic if place in _SINJAR_PLACE else place
    elif script == "kurmanji":
        place_text = _SINJAR_KURMANJI.get(place, place)
    else:
        place_text = place
    off = (1 if rand() < 0.5 else -1) if rand() < h.request_year_off else 0
    birth_year = age = ""
    if rand() < h.request_birth_year:
        birth_year = str(p.true_date_of_birth.year + off)
    else:
        age = str(max(0, k.age_when_taken + off))
    return {
        "record_id": rid,
        "source": "family",
        "given_name": _spell(b.given_name, script, r),
        "father_name": part(b.father_name, h.request_father),
        "grandfather_name": part(b.grandfather_name, h.request_grandfather),
        "family_name": part(b.family_name, h.request_family),
        "mother_name": part(b.mother_name, h.request_mother),
        "alias": "",
        "sex": p.sex,
        "date_of_birth": "",
        "birth_year": birth_year,
        "place_of_origin": place_text if rand() < 0.5 else "",
        "nationality": "IRQ",
        "separation_date": k.taken_on.isoformat() if age or rand() < 0.9 else "",
        "separation_place": place_text if rand() < 0.95 else "",
        "age_at_separation": age,
        "distinguishing_marks": r.choice(MARKS) if rand() < h.marks else "",
    }

"""Noisy, labelled renderings of the same people as several registers would hold them.

Each :class:`SourceStyle` is one register with its own habits: script, transliteration style, how
often it drops the grandfather's name, how it writes dates, how careless its typists are.
``render_records`` turns persons into rows of the person-record CSV layout (DESIGN.md), each
labelled with the key of the true person, for identity-resolution tests and benchmarks.

Sources:

- ``reception``: Latin, style A (Mohammed, Hussein, al-Obeidi); careful, full dates often.
- ``camp``: Latin, style B (Mohamed, Husain, Alobaidi); drops the grandfather's name often and
  records a birth year only.
- ``authority_ar``: Arabic script, sometimes with vowel marks; hamza, ta marbuta and alef maqsura
  vary; full dates, sometimes with day and month swapped.
- ``ngo``: Latin, style C, French-influenced (Mouhamed, Oussama, El Obeidi); more typos.
- ``heldout``: HELD BACK. Different noise (loose spellings from the whole attested pool, upper
  case, heavier typos, ±1 year estimates). Identity-resolution developers must not look at or tune
  on this source's output; benchmarks report it separately as the honest out-of-sample figure.

Records of one person are produced together, so callers that care about order (for example a
dedupe benchmark that must not reward adjacency) should shuffle; within-source re-registrations
are delayed by a random number of persons so they are not adjacent in the output.
"""

from __future__ import annotations

import csv
import heapq
import random
from bisect import bisect
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from muster.identity import PERSON_COLUMNS
from muster.scenario import places as P
from muster.scenario.model import PersonSpec, Scenario
from muster.scenario.names import Name
from muster.scenario.noise import (
    SPELLING_HABITS,
    arabic_orthography,
    arabic_typo,
    latin_typo,
    respell,
)


@dataclass(frozen=True, slots=True)
class SourceStyle:
    """The habits of one register. Probabilities are per record (or per name part for typos)."""

    name: str
    script: str  # "latin" or "arabic"
    spelling: int  # transliteration style 0=A, 1=B, 2=C; -1 draws from all attested spellings
    p_styled: float = 0.9  # otherwise an attested variant: officers in one register still differ
    p_typo: float = 0.02  # per name part
    p_missing_father: float = 0.02
    p_missing_grandfather: float = 0.1
    p_missing_family: float = 0.03
    p_missing_mother: float = 0.2
    p_alias: float = 0.5  # alias written when the person has one
    p_swap_father_grandfather: float = 0.01
    p_split_compound: float = 0.0  # "Abd al-Rahman" typed as given "Abd" + father "al-Rahman"
    p_upper: float = 0.0
    # Dates, drawn in this order: missing, year only, 1 January default, else the full date.
    p_date_missing: float = 0.03
    p_year_only: float = 0.3
    p_jan1: float = 0.15
    p_daymonth_swap: float = 0.0
    p_year_shift: float = 0.05  # an estimated year, one off
    p_year_with_date: float = 1.0
    p_sex_missing: float = 0.005
    p_origin_missing: float = 0.1
    p_nationality_missing: float = 0.02
    # Arabic-script habits.
    p_hamza: float = 0.0
    p_teh_marbuta: float = 0.0
    p_alef_maqsura: float = 0.0
    p_join_abd: float = 0.0
    p_diacritics: float = 0.0
    p_drop_article: float = 0.0
    # Knobs for populations written elsewhere (benchmarks); each is off by default and draws no
    # random number when off, so the sources above render what they always rendered.
    p_arabic: float = 0.0  # a Latin register whose officers write some records in Arabic script
    lineage: bool = True  # False: a list that holds no father, grandfather, mother or alias
    p_sparse: float = 0.0  # record keeps only the given name, one more name and the year
    p_swap_given_father: float = 0.0
    p_swap_given_family: float = 0.0  # a foreign list that puts the surname first
    p_sex_wrong: float = 0.0
    p_nationality_default: float = 0.0  # the form's default nationality left in place
    nationality_default: str = "SYR"
    p_age_rounded: float = 0.0  # a year derived from an age estimated to five years
    respell: str = ""  # a spelling habit from noise.SPELLING_HABITS, on Latin records
    p_respell: float = 1.0


SOURCES: dict[str, SourceStyle] = {
    "reception": SourceStyle(
        "reception", "latin", 0, p_styled=0.92, p_typo=0.015, p_missing_grandfather=0.1,
        p_missing_mother=0.15, p_alias=0.6, p_year_only=0.35, p_jan1=0.2,
    ),
    "camp": SourceStyle(
        "camp", "latin", 1, p_styled=0.85, p_typo=0.03, p_missing_grandfather=0.55,
        p_missing_mother=0.4, p_alias=0.3, p_split_compound=0.15, p_year_only=0.85, p_jan1=0.05,
        p_year_shift=0.08, p_year_with_date=1.0, p_origin_missing=0.3,
    ),
    "authority_ar": SourceStyle(
        "authority_ar", "arabic", 0, p_typo=0.02, p_missing_grandfather=0.05, p_missing_mother=0.05,
        p_alias=0.4, p_swap_father_grandfather=0.02, p_year_only=0.1, p_jan1=0.25,
        p_daymonth_swap=0.08, p_year_with_date=0.5, p_hamza=0.5, p_teh_marbuta=0.4,
        p_alef_maqsura=0.3, p_join_abd=0.4, p_diacritics=0.08, p_drop_article=0.1,
    ),
    "ngo": SourceStyle(
        "ngo", "latin", 2, p_styled=0.8, p_typo=0.06, p_missing_father=0.05,
        p_missing_grandfather=0.3, p_missing_mother=0.3, p_alias=0.5,
        p_swap_father_grandfather=0.03, p_split_compound=0.1, p_year_only=0.4, p_jan1=0.1,
        p_year_shift=0.1, p_year_with_date=0.3, p_sex_missing=0.02, p_origin_missing=0.2,
    ),
    "heldout": SourceStyle(
        "heldout", "latin", -1, p_styled=0.0, p_typo=0.08, p_missing_father=0.04,
        p_missing_grandfather=0.35, p_missing_family=0.08, p_missing_mother=0.5, p_alias=0.25,
        p_swap_father_grandfather=0.06, p_split_compound=0.2, p_upper=0.5, p_date_missing=0.06,
        p_year_only=0.45, p_jan1=0.2, p_daymonth_swap=0.05, p_year_shift=0.15,
        p_year_with_date=0.0, p_sex_missing=0.03, p_origin_missing=0.35, p_nationality_missing=0.1,
    ),
}  # fmt: skip

_PLACE_ARABIC = {p.name: p.arabic for table in (P.SYRIA, P.IRAQ, P.SINJAR) for p in table}


def _in_arabic(part):
    def arabic_part(n: Name) -> str:
        return part(n, True)

    return arabic_part


def check_style(style: SourceStyle) -> None:
    """Raise ValueError naming the field when a style cannot be rendered."""
    if style.script not in ("latin", "arabic"):
        raise ValueError(f"source {style.name}: script must be 'latin' or 'arabic'")
    if style.respell and style.respell not in SPELLING_HABITS:
        raise ValueError(
            f"source {style.name}: respell must be one of {SPELLING_HABITS}, got {style.respell!r}"
        )


class _Renderer:
    def __init__(self, style: SourceStyle, rand) -> None:
        self.s = style
        self.rand = rand

    def part(self, n: Name, arabic: bool = False) -> str:
        s = self.s
        rand = self.rand
        if not n:
            return ""
        if arabic or s.script == "arabic":
            text = arabic_orthography(n.arabic, rand, s.p_hamza, s.p_teh_marbuta, s.p_alef_maqsura,
                                      s.p_join_abd, s.p_diacritics)  # fmt: skip
            if s.p_drop_article and text.startswith("ال") and rand() < s.p_drop_article:
                text = text[2:]
            if rand() < s.p_typo:
                text = arabic_typo(text, rand)
            return text
        if s.spelling >= 0 and rand() < s.p_styled:
            text = n.styled[s.spelling]
        else:
            cum = n.variant_cum
            text = n.variants[bisect(cum, rand() * cum[-1])]
        if s.respell and (s.p_respell >= 1.0 or rand() < s.p_respell):
            text = respell(text, s.respell)
        if rand() < s.p_typo:
            text = latin_typo(text, rand)
        return text

    def record(self, p: PersonSpec, record_id: str) -> dict[str, str]:
        s = self.s
        rand = self.rand
        c = p.canonical
        part = self.part
        arabic = bool(s.p_arabic) and rand() < s.p_arabic
        if arabic:
            part = _in_arabic(part)
        given = part(c.given_name)
        if s.lineage:
            father = "" if rand() < s.p_missing_father else part(c.father_name)
            grandfather = "" if rand() < s.p_missing_grandfather else part(c.grandfather_name)
        else:
            father = grandfather = ""
        family = "" if rand() < s.p_missing_family else part(c.family_name)
        if s.lineage:
            mother = "" if rand() < s.p_missing_mother else part(c.mother_name)
            alias = part(c.alias) if c.alias and rand() < s.p_alias else ""
        else:
            mother = alias = ""
        if s.p_split_compound and " " in given and rand() < s.p_split_compound:
            # The second half of a compound name slides into the father's column, and so on.
            given, rest = given.split(" ", 1)
            father, grandfather = rest, father
        if rand() < s.p_swap_father_grandfather:
            father, grandfather = grandfather, father
        if s.p_swap_given_father and rand() < s.p_swap_given_father:
            given, father = father, given
        if s.p_swap_given_family and rand() < s.p_swap_given_family:
            given, family = family, given
        if s.p_upper and rand() < s.p_upper:
            given, father, grandfather, family, mother, alias = (
                x.upper() for x in (given, father, grandfather, family, mother, alias)
            )
        dob, year = self.dates(p)
        origin = "" if rand() < s.p_origin_missing else p.place_of_origin
        if origin and (arabic or s.script == "arabic"):
            origin = _PLACE_ARABIC.get(origin) or origin
        sex = "" if rand() < s.p_sex_missing else p.sex
        nationality = "" if rand() < s.p_nationality_missing else p.nationality
        if s.p_sex_wrong and sex and rand() < s.p_sex_wrong:
            sex = "F" if sex == "M" else "M"
        if s.p_nationality_default and rand() < s.p_nationality_default:
            nationality = s.nationality_default
        if s.p_sparse and rand() < s.p_sparse:
            # A quick list (a checkpoint, a distribution): given name, one more name, the year.
            keep_father = bool(father) and rand() < 0.5
            father = father if keep_father else ""
            family = "" if keep_father else family
            grandfather = mother = alias = origin = ""
            year = year or dob[:4]
            dob = ""
        return {
            "record_id": record_id,
            "source": s.name,
            "given_name": given,
            "father_name": father,
            "grandfather_name": grandfather,
            "family_name": family,
            "mother_name": mother,
            "alias": alias,
            "sex": sex,
            "date_of_birth": dob,
            "birth_year": year,
            "place_of_origin": origin,
            "nationality": nationality,
        }

    def dates(self, p: PersonSpec) -> tuple[str, str]:
        s = self.s
        rand = self.rand
        true = p.true_date_of_birth
        year = true.year
        if rand() < s.p_year_shift:
            year += 1 if rand() < 0.5 and year < p.arrival_date.year - 1 else -1
        if s.p_age_rounded and rand() < s.p_age_rounded:
            return "", str(p.arrival_date.year - 5 * round(p.age / 5))
        x = rand()
        if x < s.p_date_missing:
            return "", ""
        x -= s.p_date_missing
        if x < s.p_year_only:
            return "", str(year)
        x -= s.p_year_only
        if x < s.p_jan1:
            dob = f"{year:04d}-01-01"
        else:
            month, day = true.month, true.day
            if day <= 12 and month != day and rand() < s.p_daymonth_swap:
                month, day = day, month
            elif month == 2 and day == 29 and year != true.year:
                day = 28  # a shifted year may not have 29 February
            dob = f"{year:04d}-{month:02d}-{day:02d}"
        return dob, (str(year) if rand() < s.p_year_with_date else "")


def render_records(
    population_or_persons: Scenario | Iterable[PersonSpec],
    sources: Mapping[str, float],
    seed: int = 0,
    duplicates_within_source: float = 0.01,
    styles: Mapping[str, SourceStyle] | None = None,
) -> Iterator[tuple[dict[str, str], str]]:
    """Yield ``(record, truth_person_key)`` for each appearance of each person in each source.

    ``sources`` maps a name in :data:`SOURCES` (or in ``styles``, which adds or replaces sources
    for this call) to the probability that a person appears in it; every person appears in at
    least one source. ``duplicates_within_source`` is the rate at which a person is registered a
    second time in the same source (a separate record, with fresh noise).
    """
    known = {**SOURCES, **(styles or {})}
    unknown = [name for name in sources if name not in known]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; known sources are {sorted(known)}")
    for name in sources:
        check_style(known[name])
    if not sources:
        raise ValueError("give at least one source, e.g. {'reception': 1.0, 'camp': 0.6}")
    persons = (
        population_or_persons.persons
        if isinstance(population_or_persons, Scenario)
        else population_or_persons
    )
    rng = random.Random(seed)
    rand = rng.random
    names = list(sources)
    probs = [float(sources[n]) for n in names]
    renderers = [_Renderer(known[n], rand) for n in names]
    counters = [0] * len(names)
    cum = [sum(probs[: i + 1]) for i in range(len(probs))]
    total = cum[-1] or 1.0
    pending: list[tuple[int, int, int, PersonSpec]] = []  # (due, tiebreak, source index, person)
    tiebreak = 0
    for position, person in enumerate(persons):
        while pending and pending[0][0] <= position:
            _, _, k, dup = heapq.heappop(pending)
            counters[k] += 1
            yield renderers[k].record(dup, f"{names[k]}-{counters[k]:07d}"), dup.key
        chosen = [k for k in range(len(names)) if rand() < probs[k]]
        if not chosen:
            chosen = [min(bisect(cum, rand() * total), len(names) - 1)]
        for k in chosen:
            counters[k] += 1
            yield renderers[k].record(person, f"{names[k]}-{counters[k]:07d}"), person.key
            if duplicates_within_source and rand() < duplicates_within_source:
                tiebreak += 1
                heapq.heappush(pending, (position + 1 + int(rand() * 500), tiebreak, k, person))
    while pending:
        _, _, k, dup = heapq.heappop(pending)
        counters[k] += 1
        yield renderers[k].record(dup, f"{names[k]}-{counters[k]:07d}"), dup.key


def write_person_csv(
    records: Iterable[dict[str, str] | tuple[dict[str, str], str]], path: str | Path
) -> int:
    """Write records (or ``(record, truth)`` pairs, truth dropped) as the person-record CSV; return the count."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(PERSON_COLUMNS)
        for item in records:
            record = item[0] if isinstance(item, tuple) else item
            writer.writerow([record.get(col, "") for col in PERSON_COLUMNS])
            count += 1
    return count

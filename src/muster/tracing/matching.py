"""Matching a tracing request to the registered: renamed children, grown-up ages, any script.

Plain deduplication looks for the same name.  A child abducted in 2014 may be registered in
2019 under the name the captors gave (Aisha, Abdullah) and often under the captors' chain of
names, with an age that was estimated; what survives is what the child remembered or what the
captors did not change: the mother's name, the place taken from, sometimes the father's,
grandfather's or clan name, the sex, and an age that grew with the years since.

The score is a Fellegi–Sunter log-likelihood ratio (bits) with fixed parameters and a hidden
state: the person was registered under the birth name, or renamed.  Each state has its own
m-probabilities (how often a field agrees for the true person), written below with the reason
for each; the u-probabilities (how often the field agrees by chance) are the frequencies of
the request's own values in the registry, counted when the index is built (like term-frequency
adjustment in Splink), so that agreeing on "Gulistan" or on "Kocho" weighs what its rarity
says.  Nothing is learnt from labelled pairs::

    score = log2( P(levels | match) / P(levels | not a match) )
    P(levels | match) = p_birth_name * prod m_birth(level) + (1 - p_birth_name) * prod m_renamed(level)
    P(levels | not a match) = prod u(level)

A missing value on either side is no evidence (factor 1).  Names are compared with the
identity library's levels (``exact``, ``transliteration``, ``arabic_script_equivalent`` count
as agreeing; ``typo`` as close), so a Kurmanji request (Xelef, Şîrîn, Cîhan) meets a Latin or
Arabic-script registration (Khalaf, شيرين, جيهان).  The request's given name is also compared
with the registration's alias, where officers write a birth name the person still gave.

Birth years: a request gives a birth year, or an age at separation and the date (a 6-year-old
taken in August 2014 was born in 2007 or 2008); the registry's year is an estimate.  The
level is the distance in years beyond that uncertainty.

Candidates come from an inverted index (built once) on the name skeletons of mother, given
name and alias, father and grandfather, each with sex and birth year (the request reads nine
years around its own), on the place, and on the mother's name (alone, or with the family
name) without the year, for an age estimate far off; a
candidate's block hits, weighed by how rare each block is, choose the few hundred that are
scored in full.  ``TracingIndex.candidates(request, top=10)`` answers in milliseconds at a
million registered.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from muster.core.parsing import parse_int
from muster.identity import NameKey, check_record, normalise_name
from muster.identity.internals.comparisons import name_level_code

from .places import SINJAR, sinjar_place

REQUEST_FIELDS = (
    "separation_date",
    "separation_place",
    "age_at_separation",
    "distinguishing_marks",
)
NAME_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name")

# A request's best candidate at or above this score is a confident match.  Names weigh what
# they weigh within the community (Sinjar), so a request is in effect compared with a few
# thousand registered (prior odds about 2^-12); 24 bits leave odds of about 2^12 in favour.
# The benchmark's tuning seeds (1-3) confirmed it: no request for an unregistered person
# reached it there.
CONFIDENT_SCORE = 24.0
# Candidates scored in full per request, chosen by their block hits.
SCORED_CANDIDATES = 400
# A block larger than this (a common name in a common year) is read only if nothing rarer is.
BLOCK_CAP = 3000

P_BIRTH_NAME = 0.5  # registered under the birth name or renamed: no strong prior either way

# m-probabilities per name field and level (agree, close, disagree), for the two states.
# Birth name: the family and the register write the same names, with some slips; a register
# drops or mishears a grandfather or a clan name more often.  Renamed: the captors' given name
# (a birth name survives only as an alias or where the person insisted); the captors' chain
# often replaces the father's, grandfather's and family name, but a child usually still knows
# the mother's name, and the mother was often held with the child.
M_BIRTH = {
    "given_name": (0.92, 0.05, 0.03),
    "father_name": (0.88, 0.06, 0.06),
    "grandfather_name": (0.80, 0.07, 0.13),
    "family_name": (0.80, 0.07, 0.13),
    "mother_name": (0.88, 0.06, 0.06),
}
M_RENAMED = {
    "given_name": (0.10, 0.02, 0.88),
    "father_name": (0.30, 0.03, 0.67),
    "grandfather_name": (0.22, 0.03, 0.75),
    "family_name": (0.30, 0.05, 0.65),
    "mother_name": (0.72, 0.05, 0.23),
}
# Place taken from against place of origin: same place, same district (Sinjar), other.  A
# renamed person is often registered with the captors' town.
M_PLACE_BIRTH = (0.55, 0.20, 0.25)
M_PLACE_RENAMED = (0.35, 0.15, 0.50)
# Birth-year distance beyond the request's own uncertainty: 0, 1, 2, 3, 4, 5-6, 7 and more.
# Registered ages are estimates (+-2 years), sometimes rounded to five; families misremember
# by a year.  Both states alike.
YEAR_BUCKETS = (0, 1, 2, 3, 4, 5, 5, 6)  # distance -> bucket (distances >= 7: bucket 6)
M_YEAR = (0.28, 0.32, 0.20, 0.08, 0.05, 0.045, 0.025)
YEAR_LABELS = ("same", "1 year", "2 years", "3 years", "4 years", "5-6 years", "7+ years")
M_SEX = (0.98, 0.02)  # agree, disagree
# A u-probability is never taken below this: a name seen once in a million records is not
# allowed more than about 13 bits, as one misread name can make a spelling look unique.
U_FLOOR = 1e-4
U_CLOSE = 0.01  # chance of a close (typo-level) name by chance
YEAR_WINDOW = 4
# Registered persons from Sinjar needed before their name frequencies are trusted.
MIN_COMMUNITY = 50


@dataclass(frozen=True, slots=True)
class TraceCandidate:
    """A registered person who may be the one sought, with the evidence field by field."""

    record_id: str
    score: float  # log2 likelihood ratio, bits
    confident: bool
    reading: str  # "birth name" or "renamed": which state explains the evidence better
    explanation: dict[str, dict[str, str]]

    def explanation_text(self) -> str:
        """One line for a CSV cell: ``field level (weight); ...``, strongest evidence first."""
        items = sorted(self.explanation.items(), key=lambda kv: -abs(float(kv[1]["weight"])))
        parts = [f"reading {self.reading}"]
        for field, item in items:
            if item["level"] == "missing":
                parts.append(f"{field} missing")
            else:
                parts.append(f"{field} {item['level']} ({float(item['weight']):+.1f})")
        return "; ".join(parts)


class RequestError(ValueError):
    """A request that cannot be read; the message names the field."""


@dataclass(slots=True)
class _Person:
    names: tuple[NameKey, ...]  # NAME_FIELDS, then alias
    sex: str
    year: int | None
    place: NameKey
    place_id: str  # a Sinjar place id, or ""


@dataclass(slots=True)
class _Query:
    person: _Person
    centre: float | None  # estimated birth year (a half year when from an age)
    slack: float  # the request's own uncertainty, in years
    place_text: str
    record: dict[str, str]


def _year(record: Mapping[str, str]) -> int | None:
    dob = record.get("date_of_birth") or ""
    year = record.get("birth_year") or dob[:4]
    return int(year) if year else None


def check_request(record: Mapping[str, object], row: int | None = None) -> dict[str, str]:
    """A request as a checked person record plus the request columns (all strings).

    >>> check_request({"record_id": "q1", "given_name": "Nadia", "age_at_separation": "9",
    ...                "separation_date": "2014-08-15"})["age_at_separation"]
    '9'
    """
    where = f"row {row}, " if row else ""
    person = {k: v for k, v in record.items() if k not in REQUEST_FIELDS}
    out = check_record(person, row)
    extra = {f: str(record.get(f) or "").strip() for f in REQUEST_FIELDS}
    when = extra["separation_date"]
    if when:
        try:
            date.fromisoformat(when)
        except ValueError:
            raise RequestError(
                f"{where}column separation_date: '{when}' is not a date (YYYY-MM-DD)"
            ) from None
    age = extra["age_at_separation"]
    if age:
        if parse_int(age, lo=0, hi=120) is None:
            raise RequestError(
                f"{where}column age_at_separation: '{age}' is not an age in years (0-120)"
            )
        if not when:
            raise RequestError(
                f"{where}column separation_date: needed with age_at_separation "
                "(the age is counted from it)"
            )
    return {**out, **extra}


def _name_keys(record: Mapping[str, str]) -> tuple[NameKey, ...]:
    parts = [normalise_name(record.get(f) or "", "family" if f == "family_name" else "given")
             for f in NAME_FIELDS]  # fmt: skip
    parts.append(normalise_name(record.get("alias") or ""))
    return tuple(parts)


def _person(record: Mapping[str, str], place_text: str) -> _Person:
    place = normalise_name(place_text, "place")
    return _Person(
        _name_keys(record), record.get("sex") or "", _year(record), place, sinjar_place(place_text)
    )


def _query(request: Mapping[str, str]) -> _Query:
    place_text = request.get("separation_place") or request.get("place_of_origin") or ""
    person = _person(request, place_text)
    age, when = request.get("age_at_separation") or "", request.get("separation_date") or ""
    if person.year is not None:
        centre, slack = float(person.year), 0.0
    elif age and when:
        # Born in the year of separation minus the age, or the year before: the centre of the two.
        centre, slack = int(when[:4]) - int(age) - 0.5, 0.5
    else:
        centre, slack = None, 0.0
    return _Query(person, centre, slack, place_text, dict(request))


def _skeletons(key: NameKey) -> set[str]:
    return {s for s in (key.skeleton, key.skeleton2) if len(s) >= 2}


def _name_level(a: NameKey, b: NameKey) -> int:
    """2 agree, 1 close, 0 disagree, -1 missing (identity's levels, grouped)."""
    code = name_level_code(a, b)
    if code < 0:
        return -1
    return 2 if code >= 2 else code


def _place_level(q: _Person, p: _Person) -> int:
    """2 same place, 1 same district, 0 other, -1 missing."""
    if not q.place.folded or not p.place.folded:
        return -1
    if q.place_id and p.place_id:
        if q.place_id == p.place_id:
            return 2
        return 1  # both in Sinjar district (one may be the district itself)
    return 2 if name_level_code(q.place, p.place) >= 2 else 0


def _year_bucket(q: _Query, year: int | None) -> int:
    if q.centre is None or year is None:
        return -1
    distance = max(0.0, abs(year - q.centre) - q.slack)
    d = int(math.ceil(distance - 1e-9))
    return YEAR_BUCKETS[d] if d < len(YEAR_BUCKETS) else 6


class TracingIndex:
    """The registry held in memory for tracing requests, built once.

    >>> index = TracingIndex([{"record_id": "r1", "given_name": "Aisha", "father_name": "Omar",
    ...     "mother_name": "Gulistan", "sex": "F", "birth_year": "2005", "place_of_origin": "Kocho"}])
    >>> best = index.candidates({"record_id": "q1", "given_name": "Nadia", "mother_name": "Gulîstan",
    ...     "sex": "F", "age_at_separation": "9", "separation_date": "2014-08-15",
    ...     "separation_place": "Koço"})[0]
    >>> best.record_id, best.reading, best.explanation["mother_name"]["level"]
    ('r1', 'renamed', 'agree')
    """

    def __init__(self, records: Iterable[Mapping[str, object]] = ()) -> None:
        self._ids: list[str] = []
        self._rows: list[tuple[str, ...]] = []
        self._people: list[_Person] = []
        self._blocks: dict[tuple, list[int]] = defaultdict(list)
        self._tf: list[Counter[str]] = [Counter() for _ in NAME_FIELDS]
        self._tf_sinjar: list[Counter[str]] = [Counter() for _ in NAME_FIELDS]
        self._n_sinjar = 0
        self._place_tf: Counter[str] = Counter()
        self._years: Counter[int] = Counter()
        self._sex: Counter[str] = Counter()
        self._strings: dict[str, str] = {}
        for record in records:
            self.add(record)

    def __len__(self) -> int:
        return len(self._people)

    # --- building ---------------------------------------------------------------------------
    def add(self, record: Mapping[str, object]) -> None:
        """Add one registered person (a person record, DESIGN.md layout)."""
        rec = check_record(record)
        intern = self._strings.setdefault
        row = tuple(intern(rec[c], rec[c]) for c in _SHOWN)
        person = _person(rec, rec["place_of_origin"])
        pos = len(self._people)
        self._ids.append(rec["record_id"])
        self._rows.append(row)
        self._people.append(person)
        tables = (self._tf, self._tf_sinjar) if person.place_id else (self._tf,)
        self._n_sinjar += bool(person.place_id)
        for tf in tables:
            for i, key in enumerate(person.names[: len(NAME_FIELDS)]):
                if key.folded:
                    tf[i][key.skeleton or key.key1] += 1
            alias = person.names[5]
            if alias.folded and alias.skeleton != person.names[0].skeleton:
                tf[0][alias.skeleton or alias.key1] += 1
        if person.place.folded:
            self._place_tf[_place_key(person)] += 1
            if person.place_id:
                self._place_tf[SINJAR + "*"] += 1
        if person.year is not None:
            self._years[person.year] += 1
        self._sex[person.sex] += 1
        for key in _block_keys(person):
            self._blocks[key].append(pos)

    # --- reading ----------------------------------------------------------------------------
    def candidates(self, request: Mapping[str, object], top: int = 10) -> list[TraceCandidate]:
        """The registered persons who may be the one sought, best first (at most ``top``)."""
        query = _query(check_request(request))
        positions = self._retrieve(query)
        if not positions:
            return []
        u = self._chance(query)
        scored = []
        for pos in positions:
            score, reading, levels = self._score(query, self._people[pos], u)
            scored.append((score, -pos, pos, reading, levels))
        best = heapq.nlargest(top, scored)
        out = []
        for score, _, pos, reading, levels in best:
            out.append(
                TraceCandidate(
                    self._ids[pos],
                    round(score, 2),
                    score >= CONFIDENT_SCORE,
                    reading,
                    self._explain(query, pos, levels, reading, u),
                )
            )
        return out

    def _retrieve(self, q: _Query) -> list[int]:
        n = max(1, len(self._people))
        hits: dict[int, float] = defaultdict(float)
        for _rule, keys in _query_keys(q):
            seen: set[int] = set()
            blocks = [self._blocks.get(k) for k in keys]
            size = sum(len(b) for b in blocks if b)
            if not size or size > BLOCK_CAP * 3:
                continue
            weight = math.log2(n / size) + 1.0
            for block in blocks:
                if not block:
                    continue
                for pos in block:
                    if pos not in seen:
                        seen.add(pos)
                        hits[pos] += weight
        if len(hits) <= SCORED_CANDIDATES:
            return list(hits)
        return heapq.nlargest(SCORED_CANDIDATES, hits, key=hits.__getitem__)

    def _chance(self, q: _Query) -> dict[str, tuple[float, ...]]:
        """u-probabilities of each level for this request's values (chance agreement)."""
        n = max(1, len(self._people))
        u: dict[str, tuple[float, ...]] = {}
        # A request from Sinjar is from a community whose names are few and shared: a name
        # agrees by chance as often as it is found among the registered from Sinjar, not among
        # all the registered (where a Kurdish name is rare and would weigh too much).
        community = q.person.place_id and self._n_sinjar >= MIN_COMMUNITY
        for i, field in enumerate(NAME_FIELDS):
            key = q.person.names[i]
            if not key.folded:
                continue
            k = key.skeleton or key.key1
            agree = max(U_FLOOR, self._tf[i][k] / n)
            if community:
                agree = max(agree, self._tf_sinjar[i][k] / self._n_sinjar)
            u[field] = (agree, U_CLOSE, max(0.05, 1.0 - agree - U_CLOSE))
        if q.person.place.folded:
            same = max(U_FLOOR, self._place_tf[_place_key(q.person)] / n)
            district = 0.0
            if q.person.place_id:
                district = max(U_FLOOR, self._place_tf[SINJAR + "*"] / n - same)
            u["place"] = (same, max(U_FLOOR, district), max(0.05, 1.0 - same - district))
        if q.centre is not None:
            known = sum(self._years.values()) or 1
            buckets = [0.0] * 7
            for year, count in self._years.items():
                distance = max(0.0, abs(year - q.centre) - q.slack)
                d = int(math.ceil(distance - 1e-9))
                buckets[YEAR_BUCKETS[d] if d < len(YEAR_BUCKETS) else 6] += count
            u["year"] = tuple(max(U_FLOOR, b / known) for b in buckets)
        if q.person.sex:
            share = max(0.05, self._sex[q.person.sex] / n)
            u["sex"] = (share, max(0.05, 1.0 - share))
        return u

    def _levels(self, q: _Query, p: _Person) -> dict[str, int]:
        qn, pn = q.person.names, p.names
        levels = {"given_name": max(_name_level(qn[0], pn[0]), _name_level(qn[0], pn[5]))}
        for i, field in enumerate(NAME_FIELDS[1:], start=1):
            levels[field] = _name_level(qn[i], pn[i])
        levels["place"] = _place_level(q.person, p)
        levels["year"] = _year_bucket(q, p.year)
        sex = q.person.sex
        levels["sex"] = -1 if not sex or not p.sex else (0 if sex == p.sex else 1)
        return levels

    def _score(
        self, q: _Query, p: _Person, u: Mapping[str, tuple[float, ...]]
    ) -> tuple[float, str, dict[str, int]]:
        levels = self._levels(q, p)
        birth = renamed = 0.0  # log2 P(levels | match, state) - log2 P(levels | not a match)
        for field, level in levels.items():
            if level < 0 or field not in u:
                continue
            mb, mr = _m(field, level)
            chance = math.log2(_u(u[field], field, level))
            birth += math.log2(mb) - chance
            renamed += math.log2(mr) - chance
        a = math.log2(P_BIRTH_NAME) + birth
        b = math.log2(1.0 - P_BIRTH_NAME) + renamed
        top = max(a, b)
        score = top + math.log2(2.0 ** (a - top) + 2.0 ** (b - top))
        return score, "birth name" if a >= b else "renamed", levels

    def _explain(
        self,
        q: _Query,
        pos: int,
        levels: Mapping[str, int],
        reading: str,
        u: Mapping[str, tuple[float, ...]],
    ) -> dict[str, dict[str, str]]:
        shown = dict(zip(_SHOWN, self._rows[pos], strict=True))
        req = q.record
        out = {}
        for field, level in levels.items():
            weight = 0.0
            if level >= 0 and field in u:
                mb, mr = _m(field, level)
                m = mb if reading == "birth name" else mr
                weight = math.log2(m) - math.log2(_u(u[field], field, level))
            if field == "place":
                a, b = q.place_text, shown["place_of_origin"]
            elif field == "year":
                a = req.get("birth_year") or (
                    f"age {req.get('age_at_separation')} on {req.get('separation_date')}"
                    if req.get("age_at_separation")
                    else ""
                )
                b = shown["birth_year"] or shown["date_of_birth"][:4]
            else:
                a, b = req.get(field, ""), shown.get(field, "")
                if field == "given_name" and shown["alias"]:
                    b = f"{b} (alias {shown['alias']})"
            out[field] = {
                "level": _label(field, level),
                "request": a,
                "registry": b,
                "weight": f"{weight:.2f}",
            }
        return out


_SHOWN = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name", "alias",
          "sex", "date_of_birth", "birth_year", "place_of_origin")  # fmt: skip


def _place_key(p: _Person) -> str:
    return p.place_id or p.place.key1


def _m(field: str, level: int) -> tuple[float, float]:
    """(m given the birth name, m given renamed) of a field's level."""
    if field in M_BIRTH:
        i = 2 - level  # level 2 agree -> index 0
        return M_BIRTH[field][i], M_RENAMED[field][i]
    if field == "place":
        return M_PLACE_BIRTH[2 - level], M_PLACE_RENAMED[2 - level]
    if field == "year":
        return M_YEAR[level], M_YEAR[level]
    return M_SEX[level], M_SEX[level]


def _u(u: tuple[float, ...], field: str, level: int) -> float:
    if field in M_BIRTH or field == "place":
        return u[2 - level]
    return u[level]


def _label(field: str, level: int) -> str:
    if level < 0:
        return "missing"
    if field == "year":
        return YEAR_LABELS[level]
    if field == "sex":
        return ("agree", "disagree")[level]
    if field == "place":
        return ("other", "same district", "same place")[level]
    return ("disagree", "close", "agree")[level]


# Block rules: (rule name, name field index or None).  A name rule keys on the name's skeleton,
# the sex and the birth year; the lineage rule on mother and family name alone, for an age
# estimate far off.
_YEAR_RULES = (("mother", 4), ("given", 0), ("alias", 5), ("father", 1), ("grandfather", 2))


def _block_keys(p: _Person) -> Iterable[tuple]:
    year = p.year if p.year is not None else "?"
    sex = p.sex or "?"
    for rule, i in _YEAR_RULES:
        for s in _skeletons(p.names[i]):
            yield ("given" if rule == "alias" else rule, s, sex, year)
    if p.place.folded:
        yield ("place", _place_key(p), sex, year)
    for m in _skeletons(p.names[4]):
        yield ("mother_any_year", m, sex)
        for f in _skeletons(p.names[3]):
            yield ("lineage", m, f)


def _query_keys(q: _Query) -> Iterable[tuple[str, list[tuple]]]:
    p = q.person
    if q.centre is not None:
        lo = int(math.floor(q.centre - q.slack)) - YEAR_WINDOW
        hi = int(math.ceil(q.centre + q.slack)) + YEAR_WINDOW
        years: list[object] = [*range(lo, hi + 1), "?"]
    else:
        years = []  # no year: only the rules without one
    sexes = [p.sex, "?"] if p.sex else ["M", "F", "?"]
    if years:
        for rule, i in _YEAR_RULES[:1] + _YEAR_RULES[1:2] + _YEAR_RULES[3:]:
            skeletons = _skeletons(p.names[i])
            if skeletons:
                keys = [(rule, s, x, y) for s in skeletons for x in sexes for y in years]
                yield rule, keys
        if p.place.folded:
            # A village's request also reads the district's block ("Sinjar" in the register).
            places = {_place_key(p), SINJAR} if p.place_id else {_place_key(p)}
            keys = [("place", k, x, y) for k in places for x in sexes for y in years]
            yield "place", keys
    mothers = _skeletons(p.names[4])
    if mothers:
        yield "mother_any_year", [("mother_any_year", m, x) for m in mothers for x in sexes]
    lineage = [("lineage", m, f) for m in mothers for f in _skeletons(p.names[3])]
    if lineage:
        yield "lineage", lineage

"""One-to-many screening of a single registration against a registry held in memory.

The index keeps, per blocking rule, a dictionary from key to record positions, and scores the
few candidates with the same comparison levels and trained parameters as the batch engines
(Python forms of the SQL levels), so a query costs milliseconds even at a million records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .blocking import rule_shape
from .comparisons import (
    CROSSED_FIELDS,
    ESTIMATE_YEARS,
    NAME_FIELDS,
    NAME_PART,
    SWAPS,
    dob_level_array,
    dob_level_code,
    exact_level_code,
    explanation,
    field_level_code,
    name_level_code,
)
from .frequency import AGREE_LEVEL, class_key, frequency_bits
from .frequency import FIELDS as FREQUENCY_FIELDS
from .model import Model, comparison_levels
from .names import NameKey, normalise_name
from .prepare import (
    BLOCKING_RULES,
    COMPARED_VALUES,
    CROSSED,
    NOT_SCREENED,
    RULE_CAPS,
    compared_parts,
)
from .records import Record, check_record

# Screening uses the batch engines' blocking rules, so a candidate is a pair of the kind the
# model was trained on and its probability means the same.  (A wider rule, given and father
# name without a year for any two records, found no more true duplicates on the benchmark and
# brought in a third of the false hits: namesakes whose other lineage names all disagree.)  One
# query may read larger blocks than a batch self-join can afford, hence a higher cap than
# prepare.BLOCK_CAP; but not for the batch's undated rules (given and father's or family name,
# one record at least with no birth year): their blocks hold the two names' records of every
# year, and they keep the batch's cap of eight (``_CAPS``).  A query with no year reads the
# whole block, one with a year its undated records.  Measured with bench/screening.py (memory
# path, 100k registry, 3,000 queries, seed 5): coarse_dates, sparse and drawn51 found 2, 9 and
# 11 more true duplicates (of the 8, 36 and 18 missed before with no year on one side that the
# model would score 0.8) for 6, 7 and 4 more false hits; a cap of 40 found 4, 24 and 17 for 9,
# 35 and 11 more, one of 200 7, 31 and 20 for 18, 100 and 13.  On ten populations not tuned on
# (50k, 2,000 queries) the cap of eight found 31 more in all (median 2.5 a population, none
# fewer) for 24 more false hits (median 1.5, at most 8: sparse seed 11; namesake none,
# skewed_names 3); bench/RESULTS.md, Screening, "Undated records at reception".
# Not the given name, sex and year (held to blocks of three in a batch, prepare.RULE_CAPS): at
# SCREENING_CAP it would bring a query up to 2,000 namesakes, each a weak hit for an officer to
# look at; measured for deduplication only.  Nor, for the same reason, the family name, sex and
# year (cousins and namesakes of one family and year), nor the given name, sex and year with the
# family name's initial, nor the father's name, sex and year.  The rules on given and father's
# names in either order are kept (a record with the two swapped is found only through them):
# each holds another name or the full date, and a pair is read crosswise only where that agrees.
# The rules left out: prepare.NOT_SCREENED (the estimated years' eras are read through the
# year's blocks instead: ``_ESTIMATE_REACH``).
SCREENING_RULES = {k: v for k, v in BLOCKING_RULES.items() if k not in NOT_SCREENED}
SCREENING_CAP = 2000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A registry record that may be the screened person, with how each field agreed."""

    record_id: str
    score: float  # match weight (log2 odds)
    match_probability: float
    band: str  # "strong" (>= 0.99), "probable" (>= 0.9), "possible" (>= 0.5) or "weak"
    explanation: dict[str, dict[str, str]]


def _band(p: float) -> str:
    if p >= 0.99:
        return "strong"
    if p >= 0.9:
        return "probable"
    if p >= 0.5:
        return "possible"
    return "weak"


@dataclass(frozen=True, slots=True)
class _Entry:
    record: Record
    names: dict[str, NameKey]
    yr: int | None
    mo: int | None
    dy: int | None
    precise: bool
    plain: bool  # no father, grandfather or mother name
    keys: tuple[tuple[str, str], ...] = ()  # (rule, key) of each block it is in: _block_keys

    @property
    def estimated(self) -> bool:
        """A birth year alone or the 1 January default (blocking.SIDE_FLAGS' ``estimated``)."""
        return self.yr is not None and not self.precise

    @property
    def undated(self) -> bool:
        """No birth year (blocking.SIDE_FLAGS' ``undated``)."""
        return self.yr is None

    @property
    def read(self) -> dict[str, str]:
        """The name fields as compared (``comparisons.explanation`` shows those read otherwise
        than written)."""
        return {f: k.original for f, k in self.names.items()}


_LINEAGE = ("father_name", "grandfather_name", "mother_name")


def _entry(record: Record) -> _Entry:
    # A whole name in the given name's column, a kunya as the given name, a mother's whole name,
    # a town with its governorate: compared as the batch compares them (prepare.compared_parts,
    # prepare.COMPARED_VALUES).
    compared: dict[str, object] = {**record, **compared_parts(record)}
    for field, (own, _) in COMPARED_VALUES.items():
        compared[field] = own(str(compared[field]))
    names = {f: normalise_name(compared[f], NAME_PART.get(f, "given")) for f in NAME_FIELDS}
    dob = record["date_of_birth"]
    if dob:
        yr, mo, dy = int(dob[:4]), int(dob[5:7]), int(dob[8:10])
        precise = not (mo == 1 and dy == 1)
    else:
        yr = int(record["birth_year"]) if record["birth_year"] else None
        mo = dy = None
        precise = False
    plain = not any(names[f].folded for f in _LINEAGE)
    entry = _Entry(record, names, yr, mo, dy, precise, plain)
    return _Entry(record, names, yr, mo, dy, precise, plain, _block_keys(entry))


def _names_set(one: str, other: str) -> Callable[[_Entry], str | None]:
    """Two names' broad keys in alphabetical order (``prepare.names_set``)."""

    def get(e: _Entry) -> str | None:
        a, b = e.names[one].broad, e.names[other].broad
        return "|".join(sorted((a, b))) if a and b else None

    return get


def _getter(attr: str) -> Callable[[_Entry], str | None]:
    """How a blocking rule's attribute is read from an entry (None: the record has none)."""
    if attr == "plain":
        return lambda e: "1" if e.plain else None
    if attr == "names_set_b":
        return _names_set("given_name", "family_name")
    if attr in CROSSED:  # read as a set here: the pairs in order are the other rules' anyway
        one, other = CROSSED[attr]
        return _names_set(one[:-2], other[:-2])
    if attr.endswith("_b"):
        field = attr[:-2]
        return lambda e: e.names[field].broad or None
    if attr == "yr":
        return lambda e: None if e.yr is None else str(e.yr)
    if attr == "dob":
        return lambda e: e.record["date_of_birth"] if e.precise else None
    return lambda e: e.record.get(attr) or None


# Each rule with the getters of the attributes its key is made of (a trailing side flag,
# blocking.SIDE_FLAGS, is not part of the key: such a rule keys every record, and candidates()
# keeps its pairs with one side at least flagged, as the batch engines do), its side flag (the
# _Entry attribute of that name: None for a rule without one), whether it pairs birth years one
# apart (blocking.rule_shape: the year is then the key's last part).  Screening reads the flags
# ``plain`` and ``undated``; a rule on another (``estimated``) must be in NOT_SCREENED.
_READ_FLAGS = ("plain", "undated")
_OTHER_FLAGS = [
    r for r, a in SCREENING_RULES.items() if rule_shape(a)[2] and a[-1] not in _READ_FLAGS
]
if _OTHER_FLAGS:
    raise RuntimeError(f"screening cannot read the side flags of {_OTHER_FLAGS}: NOT_SCREENED")
_RULES = [
    (
        rule,
        [_getter(a) for a in (attrs[:-1] if side else attrs)],
        attrs[-1] if side else None,
        by_year,
    )
    for rule, attrs in SCREENING_RULES.items()
    for _, by_year, side in [rule_shape(attrs)]
]
_FLAG = {rule: flag for rule, _, flag, _ in _RULES if flag}
_PLAIN_RULES = {rule for rule, flag in _FLAG.items() if flag == "plain"}
# Each rule's cap on the records of a block read (a block over it is left out, as the batch
# leaves it out; the index's block does not count the query, the batch's does).  The undated
# rules keep the batch's (prepare.RULE_CAPS): their blocks are a name pair's records of every
# year, and a query with no year reads them all (figures above SCREENING_RULES).
_CAPS = {
    rule: RULE_CAPS[rule] if _FLAG.get(rule) == "undated" else SCREENING_CAP
    for rule in SCREENING_RULES
}


def _block_keys(e: _Entry) -> tuple[tuple[str, str], ...]:
    """The record's block keys (made once, when the entry is: kept on it)."""
    out = []
    for rule, getters, _, _ in _RULES:
        parts = [get(e) for get in getters]
        if all(parts):
            out.append((rule, "|".join(parts)))  # type: ignore[arg-type]
    return tuple(out)


_BY_YEAR = {rule for rule, _, _, by_year in _RULES if by_year}
# The batch's estimated years' rules (prepare's ``_era_`` rules, in NOT_SCREENED: the index
# keeps no block of six years) as the index can read them without a block of their own: for a
# query with lineage names and a year, the blocks of the rule on the same names with the year
# (each such rule with the era rule's cap), 2 to comparisons.ESTIMATE_YEARS years either side,
# and of them the records with lineage names, one of the two years at least an estimate
# (``_Entry.estimated``).  A block over the cap is left out, as the batch leaves out an era's:
# the namesakes of common names (skewed_names 100k: 55 false hits more in 3,000 queries, none
# true, with no cap; 16 at 12).  bench/RESULTS.md, "Screening: estimated years".
_ESTIMATE_REACH = {
    rule: RULE_CAPS[era_rule]
    for era_rule, era_attrs in BLOCKING_RULES.items()
    if "era_a" in era_attrs
    for rule, attrs in SCREENING_RULES.items()
    if attrs == (*era_attrs[: era_attrs.index("era_a")], "yr")
}


def _keys(e: _Entry, near_years: bool = False) -> Iterable[tuple[str, str]]:
    """The record's block keys; a query (``near_years``) also reads the blocks of the years
    before and after its own, as the batch engines join neighbouring years (the year is the last
    part of such a rule's key)."""
    for rule, key in e.keys:
        yield rule, key
        if near_years and rule in _BY_YEAR and e.yr is not None:
            prefix = key.rsplit("|", 1)[0]
            for year in (e.yr - 1, e.yr + 1):
                yield rule, f"{prefix}|{year}"


def _levels(a: _Entry, b: _Entry) -> dict[str, int]:
    """One pair's field levels (the reference form; the index scores arrays of pairs at once,
    ``ScreeningIndex._pair_levels``, and tests/identity checks the two agree)."""
    out = {f: field_level_code(a.names[f], b.names[f], f) for f in NAME_FIELDS}
    for crossed, (fa, fb) in CROSSED_FIELDS.items():
        out[crossed] = name_level_code(a.names[fa], b.names[fb])
    for fields, differing in SWAPS:
        differ = all(out[f] == 0 for f in differing)
        for swapped, (fa, fb) in fields.items():
            out[swapped] = name_level_code(a.names[fa], b.names[fb]) if differ else -1
    out["date_of_birth"] = dob_level_code(a.yr, a.mo, a.dy, a.precise, b.yr, b.mo, b.dy, b.precise)
    out["sex"] = exact_level_code(a.record["sex"], b.record["sex"])
    out["nationality"] = exact_level_code(a.record["nationality"], b.record["nationality"])
    return out


# The columns of an entry as the index holds it for scoring arrays of pairs: each name field's
# NameKey as a number (the index's own numbering), the birth date's parts, sex and nationality
# as numbers (0: empty), the name classes of frequency.FIELDS as numbers (0: no name).
_COLUMNS = (
    *NAME_FIELDS, "has_year", "yr", "mo", "dy", "precise", "sex", "nationality",
    *(f"{f}_class" for f in FREQUENCY_FIELDS),
)  # fmt: skip
_COL = {c: i for i, c in enumerate(_COLUMNS)}
# Pairs of names whose level is remembered (a level depends on the two names only), at most so
# many per pair of fields compared; past that, new pairs are scored each time they are met.
_LEVEL_MEMO_CAP = 4_000_000
_NO_CODES = np.empty(0, dtype=np.int64)
_NO_LEVELS = np.empty(0, dtype=np.int8)


class _Classes:
    """One field's name classes as the index counts them (``frequency.frequency_bits``): each
    class a number (0: no name), the records of each, the records with a name, and the sum of
    c * (c - 1) over the classes."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {"": 0}
        self.count = np.zeros(64, dtype=np.int64)
        self.known = 0
        self.pair_sum = 0

    def of(self, key: str) -> int:
        """The class's number (a new class gets one, with no records yet)."""
        n = self.number.setdefault(key, len(self.number))
        if n >= len(self.count):
            self.count = np.concatenate([self.count, np.zeros(len(self.count), dtype=np.int64)])
        return n

    def add(self, n: int, step: int = 1) -> None:
        """One record more (``step`` 1) or fewer (-1) of class ``n``."""
        if n:
            c = int(self.count[n]) - (step < 0)  # the others of its class before the change
            self.count[n] += step
            self.pair_sum += step * 2 * c
            self.known += step


class ScreeningIndex:
    """An in-memory registry for screening one new registration at a time.

    >>> index = ScreeningIndex([{"record_id": "r1", "given_name": "Muhammad",
    ...     "father_name": "Jasim", "family_name": "al-Obeidi", "birth_year": "1984"}])
    >>> best = index.candidates({"record_id": "new", "given_name": "محمد",
    ...     "father_name": "جاسم", "family_name": "العبيدي", "birth_year": "1984"})[0]
    >>> best.record_id, best.explanation["given_name"]["level"]
    ('r1', 'transliteration')
    """

    def __init__(self, records: Iterable[Mapping[str, object]] = (), model: Model | None = None):
        self.model = model or Model.default()
        self._weights = self.model.weight_table()
        self._entries: list[_Entry] = []
        self._ids: dict[str, int] = {}
        self._blocks: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._plain_blocks: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._columns = np.zeros((64, len(_COLUMNS)), dtype=np.int64)  # a row per position
        self._name_ids: dict[int, int] = {}  # id(NameKey) -> its number
        self._names: list[NameKey] = []
        self._value_ids: dict[str, int] = {"": 0}
        # Per pair of fields compared, the codes (first name's number << 32 | second's) of the
        # pairs of names met, sorted, and their levels.
        self._level_memo: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        # Per field of frequency.FIELDS: records per name class, the records with a name, and
        # the sum of c * (c - 1) over the classes (frequency.frequency_bits).
        self._classes = {f: _Classes() for f in FREQUENCY_FIELDS}
        for record in records:
            self.add(record)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, record: Mapping[str, object]) -> None:
        """Add (or replace, by record_id) one record in the registry."""
        entry = _entry(check_record(record))
        rid = entry.record["record_id"]
        known: set[tuple[str, str]] = set()
        if rid in self._ids:
            # Replacing: the position stays in the old entry's blocks; read, it gives the new
            # entry, which those blocks may no longer fit: candidates() scores it anyway.
            pos = self._ids[rid]
            known = set(_keys(self._entries[pos]))
            for f, classes in self._classes.items():
                classes.add(int(self._columns[pos, _COL[f"{f}_class"]]), -1)
            self._entries[pos] = entry
        else:
            pos = len(self._entries)
            self._entries.append(entry)
            self._ids[rid] = pos
            if pos >= len(self._columns):
                grown = np.zeros((2 * len(self._columns), len(_COLUMNS)), dtype=np.int64)
                grown[:pos] = self._columns[:pos]
                self._columns = grown
        self._columns[pos] = self._row(entry)
        for f, classes in self._classes.items():
            classes.add(int(self._columns[pos, _COL[f"{f}_class"]]))
        for rule, key in _keys(entry):
            if (rule, key) not in known:  # a position once per block, however often replaced
                self._blocks[rule][key].append(pos)
        # Of the blocks of rules ending in "plain", the positions a record with lineage names
        # may meet there: the plain records', and any replaced one's in the blocks its earlier
        # values put it in (_found keeps those of them plain now).
        plain_keys = [(r, k) for r, k in known if r in _PLAIN_RULES] if known else []
        if entry.plain:
            plain_keys += [(r, k) for r, k in _keys(entry) if r in _PLAIN_RULES]
        for rule, key in plain_keys:
            sub = self._plain_blocks[rule][key]
            if pos not in sub:
                sub.append(pos)

    def candidates(
        self, record: Mapping[str, object], limit: int = 20, min_score: float = 0.0
    ) -> list[Candidate]:
        """Registry records that may be this person, best first; ``min_score`` is a probability."""
        return self.candidates_many([record], limit=limit, min_score=min_score)[0]

    def candidates_many(
        self, records: Iterable[Mapping[str, object]], limit: int = 20, min_score: float = 0.0
    ) -> list[list[Candidate]]:
        """:meth:`candidates` of each record, in one scoring pass over all their candidate pairs
        (a chunk of new registrations screened at once). A record already in the index (same
        record_id, same values: a registration just added) is read from it, not prepared again.

        >>> index = ScreeningIndex([{"record_id": "r1", "given_name": "Omar",
        ...     "father_name": "Ali", "family_name": "Hassan", "birth_year": "1990"}])
        >>> [len(c) for c in index.candidates_many([{"record_id": "q1", "given_name": "Omar",
        ...     "father_name": "Ali", "family_name": "Hassan", "birth_year": "1990"},
        ...     {"record_id": "q2", "given_name": "Zaid", "birth_year": "1950"}])]
        [1, 0]
        """
        queries: list[_Entry] = []
        rows: list[list[int] | np.ndarray] = []
        held: list[bool] = []  # whether the query is the index's own record
        for record in records:
            entry, pos = self._query(record)
            queries.append(entry)
            rows.append(self._columns[pos] if pos is not None else self._row(entry))
            held.append(pos is not None)
        out: list[list[Candidate]] = [[] for _ in queries]
        of_query: list[int] = []
        positions: list[int] = []  # (query, position) of each pair, in the order found
        for q, query in enumerate(queries):
            found = self._found(query)
            positions.extend(found)
            of_query.extend([q] * len(found))
        if not positions:
            return out
        qs = np.array(of_query, dtype=np.int64)
        ps = np.array(positions, dtype=np.int64)
        levels = self._pair_levels(np.asarray(rows, dtype=np.int64)[qs], self._columns[ps])
        weight = self.model.match_weight(comparison_levels(levels))
        weight += self._frequency_bits(
            levels, np.asarray(rows, dtype=np.int64)[qs], ps, np.asarray(held, dtype=bool)[qs]
        )
        prob = 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))
        kept = np.flatnonzero(prob >= min_score)
        # Each query's pairs best first; lexsort is stable, so ties keep the order they were found.
        for i in kept[np.lexsort((-weight[kept], qs[kept]))].tolist():
            q, p = of_query[i], positions[i]
            if len(out[q]) >= limit:
                continue
            other = self._entries[p]
            row = {f: int(lv[i]) for f, lv in levels.items()}
            out[q].append(
                Candidate(
                    other.record["record_id"],
                    float(weight[i]),
                    float(prob[i]),
                    _band(float(prob[i])),
                    explanation(row, queries[q].record, other.record, queries[q].read, other.read),
                )
            )
        return out

    def _frequency_bits(
        self, levels: dict[str, np.ndarray], rows: np.ndarray, ps: np.ndarray, held: np.ndarray
    ) -> np.ndarray:
        """Per pair (the query's row, the record's position, whether the query is the index's
        own record), the bits its names' frequencies add (``frequency.frequency_shift``), as the
        batch would weigh it with the registry and the query (counted once) as its records."""
        out = np.zeros(len(ps), dtype=np.float64)
        for f, classes in self._classes.items():
            col = _COL[f"{f}_class"]
            a, b = rows[:, col], self._columns[ps, col]
            agree = (levels[f] >= AGREE_LEVEL) & (a > 0) & (b > 0)
            if not agree.any():
                continue
            a, b, new = a[agree], b[agree], ~held[agree]  # a new query adds its own record
            count = np.maximum(classes.count[a] + new, classes.count[b] + (new & (a == b)))
            pair_sum = classes.pair_sum + 2 * classes.count[a] * new
            out[agree] += frequency_bits(count, pair_sum, classes.known + new)
        return out

    def _row(self, entry: _Entry) -> list[int]:
        """The entry's columns (``_COLUMNS``), its names and values numbered as the index's."""
        row = []
        for f in NAME_FIELDS:
            # Numbered by the object (normalise_name hands out one per name it has in its
            # cache): equal keys from two objects get two numbers, which costs a level computed
            # twice, never a wrong one; _names keeps each object, so its id is never reused.
            key = entry.names[f]
            n = self._name_ids.get(id(key))
            if n is None:
                n = self._name_ids[id(key)] = len(self._names)
                self._names.append(key)
            row.append(n)
        row += [
            entry.yr is not None,
            entry.yr or 0,
            entry.mo or 0,
            entry.dy or 0,
            entry.precise,
        ]
        for f in ("sex", "nationality"):
            value = entry.record[f]
            row.append(self._value_ids.setdefault(value, len(self._value_ids)))
        row += [self._classes[f].of(class_key(entry.names[f])) for f in FREQUENCY_FIELDS]
        return row

    def _name_level_array(self, pair: tuple[str, str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``name_level_code`` of each pair of numbered names (field ``pair[0]`` of one side,
        ``pair[1]`` of the other), computed once per distinct pair of names and remembered."""
        if not len(a):
            return np.empty(0, dtype=np.int8)
        codes, inverse = np.unique((a << 32) | b, return_inverse=True)
        known, known_levels = self._level_memo.get(pair, (_NO_CODES, _NO_LEVELS))
        at = np.searchsorted(known, codes)
        hit = np.zeros(len(codes), dtype=bool)
        if len(known):
            hit = known[np.minimum(at, len(known) - 1)] == codes
        levels = np.empty(len(codes), dtype=np.int8)
        levels[hit] = known_levels[at[hit]]
        new = ~hit
        if new.any():
            names = self._names
            field = pair[0] if pair[0] == pair[1] else ""
            fresh = np.array(
                [
                    field_level_code(names[code >> 32], names[code & 0xFFFFFFFF], field)
                    for code in codes[new].tolist()
                ],
                dtype=np.int8,
            )
            levels[new] = fresh
            if len(known) + len(fresh) <= _LEVEL_MEMO_CAP:  # codes are sorted: so is the merge
                self._level_memo[pair] = (
                    np.insert(known, at[new], codes[new]),
                    np.insert(known_levels, at[new], fresh),
                )
        return levels[inverse.reshape(-1)]

    def _pair_levels(self, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
        """The field levels of each pair (rows of ``a`` and ``b``, ``_COLUMNS``), as ``_levels``."""
        col = _COL
        out = {f: self._name_level_array((f, f), a[:, col[f]], b[:, col[f]]) for f in NAME_FIELDS}
        for crossed, (fa, fb) in CROSSED_FIELDS.items():
            out[crossed] = self._name_level_array((fa, fb), a[:, col[fa]], b[:, col[fb]])
        for fields, differing in SWAPS:
            differ = np.logical_and.reduce([out[f] == 0 for f in differing])
            for swapped, (fa, fb) in fields.items():
                level = np.full(len(a), -1, dtype=np.int8)
                pair = a[differ, col[fa]], b[differ, col[fb]]
                level[differ] = self._name_level_array((fa, fb), *pair)
                out[swapped] = level
        side = [
            tuple(x[:, col[c]] for c in ("yr", "mo", "dy")) + (x[:, col["precise"]] == 1,)
            for x in (a, b)
        ]
        missing = (a[:, col["has_year"]] == 0) | (b[:, col["has_year"]] == 0)
        out["date_of_birth"] = dob_level_array(side[0], side[1], missing)
        for f in ("sex", "nationality"):
            x, y = a[:, col[f]], b[:, col[f]]
            out[f] = np.where((x == 0) | (y == 0), -1, x == y).astype(np.int8)
        return out

    def _query(self, record: Mapping[str, object]) -> tuple[_Entry, int | None]:
        """The record's entry, and its position when it is the index's own (same values)."""
        checked = check_record(record)
        pos = self._ids.get(checked["record_id"])
        if pos is not None and self._entries[pos].record == checked:
            return self._entries[pos], pos
        return _entry(checked), None

    def _found(self, query: _Entry) -> list[int]:
        """Positions of the records sharing a block with ``query`` (itself out)."""
        positions: set[int] = set()
        entries = self._entries
        blocks, plain_blocks = self._blocks, self._plain_blocks
        for rule, key in _keys(query, near_years=True):
            of_rule = blocks.get(rule)
            block = of_rule.get(key) if of_rule is not None else None
            if block and len(block) <= _CAPS[rule]:
                flag = _FLAG.get(rule)
                if flag is None or getattr(query, flag):
                    positions.update(block)
                elif flag == "plain":
                    # Only the block's plain records: the positions filtering the whole block
                    # for them would give.
                    positions.update(p for p in plain_blocks[rule].get(key, ()) if entries[p].plain)
                else:  # a few records (the rule's cap): those with the flag
                    positions.update(p for p in block if getattr(entries[p], flag))
        if not query.plain and query.yr is not None:
            positions.update(self._estimate_reach(query))
        # A position keeps its record_id (add replaces in place): the one holding the query's
        # record_id is the query itself, or its earlier values.
        positions.discard(self._ids.get(query.record["record_id"], -1))
        return list(positions)

    def _estimate_reach(self, query: _Entry) -> Iterable[int]:
        """Positions of records with lineage names whose birth year is 2 to ESTIMATE_YEARS from
        the query's, one of the two an estimate, in a block of ``_ESTIMATE_REACH`` within its
        cap that holds the query's key but for the year (the query has lineage names, a year)."""
        entries = self._entries
        estimated = query.estimated
        for rule, key in query.keys:
            cap = _ESTIMATE_REACH.get(rule)
            of_rule = self._blocks.get(rule)
            if cap is None or of_rule is None:
                continue
            prefix = key.rsplit("|", 1)[0]
            for gap in range(2, ESTIMATE_YEARS + 1):
                for year in (query.yr - gap, query.yr + gap):  # type: ignore[operator]
                    block = of_rule.get(f"{prefix}|{year}")
                    if block and len(block) <= cap:
                        for p in block:
                            e = entries[p]
                            if not e.plain and (estimated or e.estimated):
                                yield p

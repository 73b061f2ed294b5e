"""The registry held in memory for tracing requests: building the index, retrieving and scoring."""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from muster.identity import check_record, skeleton_with_article
from muster.tracing.matching.blocking import _block_keys, _place_key, _query_keys
from muster.tracing.matching.claims import Claims, Reading, _sought
from muster.tracing.matching.comparisons import _name_level, _place_level, _year_bucket
from muster.tracing.matching.records import (
    TraceCandidate,
    _Person,
    _person,
    _Query,
    _query,
    check_request,
)
from muster.tracing.matching.weights import (
    ANOTHER_FAMILY,
    BLOCK_CAP,
    COMMUNITY_NAME,
    CONFIDENT_SCORE,
    MIN_COMMUNITY,
    MIN_COMMUNITY_NAME,
    NAME_FIELDS,
    P_BIRTH_NAME,
    SCORED_CANDIDATES,
    U_CLOSE,
    U_FLOOR,
    YEAR_BUCKETS,
    _bits,
    _label,
)
from muster.tracing.places import SINJAR

_SHOWN = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name", "alias",
          "sex", "date_of_birth", "birth_year", "place_of_origin")  # fmt: skip


class TracingIndex(Claims):
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
        self._years: Counter[float] = Counter()
        # The year's chance agreement per (centre, slack) of a request: a few dozen distinct
        # values, each counted over the registry's years once (until the next registration).
        self._year_chance: dict[tuple[float, float], tuple[float, ...]] = {}
        self._sex: Counter[str] = Counter()
        # Per name field, the skeletons of the community's names (see ANOTHER_FAMILY) and how
        # many of the registered from Sinjar bear one: found once from the frequencies, until
        # the next registration.
        self._community: list[tuple[set[str], int]] | None = None
        self._strings: dict[str, str] = {}
        self._pos: dict[str, int] = {}  # record_id -> its latest position
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
        person = _person(rec, rec["place_of_origin"], registered=True)
        pos = len(self._people)
        self._ids.append(rec["record_id"])
        self._pos[rec["record_id"]] = pos
        self._rows.append(row)
        self._people.append(person)
        tables = (self._tf, self._tf_sinjar) if person.place_id else (self._tf,)
        self._n_sinjar += bool(person.place_id)
        for tf in tables:
            for i, key in enumerate(person.names[: len(NAME_FIELDS)]):
                if key.folded:
                    tf[i][key.skeleton or key.key1] += 1
                    article = skeleton_with_article(key)
                    if article and article != key.skeleton:
                        tf[i][article] += 1  # الياس is also an Elias (see skeleton_with_article)
            alias = person.names[5]
            if alias.folded and alias.skeleton != person.names[0].skeleton:
                tf[0][alias.skeleton or alias.key1] += 1
        if person.place.folded:
            self._place_tf[_place_key(person)] += 1
            if person.place_id:
                self._place_tf[SINJAR + "*"] += 1
        if person.born is not None:
            self._years[person.born] += 1
            self._year_chance.clear()
        self._sex[person.sex] += 1
        self._community = None
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
        return self._ranked(query, scored, top, u)

    def candidates_among(
        self, request: Mapping[str, object], record_ids: Iterable[str], top: int = 10
    ) -> list[TraceCandidate]:
        """Like :meth:`candidates`, but scoring only the registered ``record_ids`` (persons just
        registered, checked against an open request) on the whole registry's frequencies."""
        query = _query(check_request(request))
        positions = {self._pos[r] for r in record_ids if r in self._pos}
        if not positions:
            return []
        u = self._chance(query)
        scored = []
        for pos in positions:
            score, reading, levels = self._score(query, self._people[pos], u)
            scored.append((score, -pos, pos, reading, levels))
        return self._ranked(query, scored, top, u)

    def prepare(self, request: Mapping[str, object]) -> Reading:
        """A request record read once against this index, to be scored again and again (the
        services keep the open requests' readings while they are unchanged)."""
        query = _query(check_request(request))
        return Reading(query, self._chance(query), _sought(query))

    def _ranked(self, query: _Query, scored: list, top: int, u) -> list[TraceCandidate]:
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
        # Ties broken by the registration's position, not by the order the keys' blocks were met
        # (string hashes, which differ from one process to the next): the same request against
        # the same registry scores the same candidates every time.
        return heapq.nlargest(SCORED_CANDIDATES, hits, key=lambda pos: (hits[pos], -pos))

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
            agree = U_FLOOR
            for other in (key, q.alts[i]):
                if other is None:
                    continue
                for k in {other.skeleton or other.key1, skeleton_with_article(other)} - {""}:
                    agree = max(agree, self._tf[i][k] / n)
                    if community:
                        agree = max(agree, self._tf_sinjar[i][k] / self._n_sinjar)
            disagree = max(0.05, 1.0 - agree - U_CLOSE)
            if community:
                # Split by the registered name (ANOTHER_FAMILY): a community name other than
                # this one, or another name, by chance among the registered from Sinjar.
                names, bearers = self._community_names()[i]
                mass = bearers / self._n_sinjar
                if (key.skeleton or key.key1) in names:
                    mass -= agree
                family = min(max(0.01, mass), disagree - 0.01)
                u[field] = (agree, U_CLOSE, max(0.04, disagree - family), family)
            else:
                u[field] = (agree, U_CLOSE, disagree)
        if q.person.place.folded:
            same = max(U_FLOOR, self._place_tf[_place_key(q.person)] / n)
            district = 0.0
            if q.person.place_id:
                district = max(U_FLOOR, self._place_tf[SINJAR + "*"] / n - same)
            u["place"] = (same, max(U_FLOOR, district), max(0.05, 1.0 - same - district))
        if q.centre is not None:
            u["year"] = self._year_u(q.centre, q.slack)
        if q.person.sex:
            share = max(0.05, self._sex[q.person.sex] / n)
            u["sex"] = (share, max(0.05, 1.0 - share))
        return u

    def _community_names(self) -> list[tuple[set[str], int]]:
        """Per name field, the skeletons of the community's names (at least
        :data:`COMMUNITY_NAME` times as common among the registered from Sinjar as among all the
        registered, and borne by :data:`MIN_COMMUNITY_NAME` of them or more) and how many of the
        registered from Sinjar bear one of them (the chance of such a name, counted once)."""
        if self._community is None:
            n, within = max(1, len(self._people)), max(1, self._n_sinjar)
            self._community = []
            for tf, tfs in zip(self._tf, self._tf_sinjar, strict=True):
                names = {k for k, c in tfs.items()
                         if c >= MIN_COMMUNITY_NAME and c * n >= COMMUNITY_NAME * tf[k] * within}  # fmt: skip
                self._community.append((names, sum(tfs[k] for k in names)))
        return self._community

    def _year_u(self, centre: float, slack: float) -> tuple[float, ...]:
        """u-probabilities of the year's levels for a request's (centre, slack)."""
        cached = self._year_chance.get((centre, slack))
        if cached is None:
            known = sum(self._years.values()) or 1
            buckets = [0.0] * 7
            for year, count in self._years.items():
                distance = max(0.0, abs(year - centre) - slack)
                d = int(math.ceil(distance - 1e-9))
                buckets[YEAR_BUCKETS[d] if d < len(YEAR_BUCKETS) else 6] += count
            cached = tuple(max(U_FLOOR, b / known) for b in buckets)
            self._year_chance[(centre, slack)] = cached
        return cached

    def _levels(self, q: _Query, p: _Person, u: Mapping[str, tuple[float, ...]]) -> dict[str, int]:
        qn, pn, alts = q.person.names, p.names, q.alts
        levels = {"given_name": max(_name_level(qn[0], pn[0]), _name_level(qn[0], pn[5]))}
        if alts[0] is not None:
            alt = alts[0]
            levels["given_name"] = max(
                levels["given_name"], _name_level(alt, pn[0]), _name_level(alt, pn[5])
            )
        for i, field in enumerate(NAME_FIELDS[1:], start=1):
            levels[field] = _name_level(qn[i], pn[i])
            if alts[i] is not None:
                levels[field] = max(levels[field], _name_level(alts[i], pn[i]))
        if q.person.place_id:
            # A disagreeing name of the community is another family's (ANOTHER_FAMILY), where
            # the request's chance agreement is split so (a request from Sinjar).
            community = self._community_names()
            for i, field in enumerate(NAME_FIELDS):
                if levels[field] == 0 and len(u.get(field, ())) == 4:
                    key = pn[i]
                    if (key.skeleton or key.key1) in community[i][0]:
                        levels[field] = ANOTHER_FAMILY
        levels["place"] = _place_level(q.person, p)
        levels["year"] = _year_bucket(q, p.born)
        sex = q.person.sex
        levels["sex"] = -1 if not sex or not p.sex else (0 if sex == p.sex else 1)
        return levels

    def _score(
        self, q: _Query, p: _Person, u: Mapping[str, tuple[float, ...]]
    ) -> tuple[float, str, dict[str, int]]:
        levels = self._levels(q, p, u)
        birth = renamed = 0.0  # log2 P(levels | match, state) - log2 P(levels | not a match)
        for field, level in levels.items():
            if level < 0 or field not in u:
                continue
            b, r = _bits(field, level, u[field])
            birth += b
            renamed += r
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
                weight = _bits(field, level, u[field])[reading != "birth name"]
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

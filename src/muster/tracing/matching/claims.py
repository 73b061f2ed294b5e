"""Requests that claim the same registered person: a batch weighed jointly (`muster trace match`)
and a live request weighed against the other open requests (the services). One registration is one
person: when another request claims it much more strongly, it drops in this request's list, and
the explanation says which request claims it."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from muster.tracing.matching.blocking import _block_keys
from muster.tracing.matching.comparisons import _name_level
from muster.tracing.matching.records import TraceCandidate, _Query, _query, check_request
from muster.tracing.matching.weights import (
    CLAIM_MARGIN,
    CONFIDENT_SCORE,
    CONFIRMED_CLAIM,
    JOINT_POOL,
    NEGLIGIBLE_CLAIM,
    UNCLAIMED_OFFSET,
)


def _sought(q: _Query) -> tuple:
    """What tells two requests for the same person from requests for namesakes or siblings:
    given name, sex, birth year, father's and mother's names."""
    names = q.person.names
    return (names[0], q.person.sex, q.centre, names[1], names[4])


def _person_of_request(request: Mapping[str, object]) -> tuple:
    return _sought(_query(check_request(request)))


def _same_sought(a: tuple, b: tuple) -> bool:
    """Two requests that may seek the same person: given names agree, same sex, birth years
    within a year and a half (a family's year one off), and the parents: the father's or the
    mother's names agree, and neither disagrees where both requests give it.  A Yazidi given
    name is shared by many (Layla, Berivan, Elias): two requests for girls named Berivan born
    the same year, of other or unnamed parents, are for two persons and compete for a
    registration."""
    if (a[1] and b[1] and a[1] != b[1]) or (
        a[2] is not None and b[2] is not None and abs(a[2] - b[2]) > 1.5
    ):
        return False  # the cheap tests first: a live check weighs many pairs
    if _name_level(a[0], b[0]) < 2:
        return False
    parents = [_name_level(x, y) for x, y in zip(a[3:], b[3:], strict=True)]
    return 0 not in parents and 2 in parents


def _claim_penalty(
    score: float, rivals: list[tuple[float, int]], unclaimed: float
) -> tuple[float, bool]:
    """What the other requests' claims on a registration cost a candidate, and whether it may
    stay confident.

    The score becomes ``-log2(2^-s + 2^-(e + U))``, a soft minimum of the candidate's own score
    s and of its margin over the rivals e = s - log2(sum 2^s') shifted by U (``unclaimed``:
    log2 of the registered less :data:`UNCLAIMED_OFFSET`): ranked by it, candidates rank by
    the odds that the registration is this request's person rather than another request's or
    nobody's.  It stays confident if its own score was and no rival comes within
    :data:`CLAIM_MARGIN` bits of it."""
    claimed = math.log2(sum(2.0**s for s, _ in rivals))
    penalty = math.log2(1.0 + 2.0 ** (claimed - unclaimed))
    return penalty, score - claimed >= CLAIM_MARGIN


class Reading(NamedTuple):
    """One reading of a request, prepared against an index (:meth:`TracingIndex.prepare`): the
    query, its chance agreements and what tells it from a sibling's request."""

    query: _Query
    chance: dict[str, tuple[float, ...]]
    sought: tuple


class Rival(NamedTuple):
    """Another open request, as :meth:`TracingIndex.candidates_claimed` weighs it: ``label`` (its
    number, shown in the explanation), its ``readings`` (:meth:`TracingIndex.prepare`), the
    index keys of each reading (``request_keys``) and ``person``: the record id of the person a
    caseworker confirmed for it, or ``""``. ``readings`` is read only for a rival that shares a
    key with a candidate (the services prepare it then)."""

    label: str
    readings: Sequence[Reading]
    keys: Sequence[set[tuple]]
    person: str = ""


class Rivals:
    """The open requests as rivals (:class:`Rival`), indexed by the keys they read and the persons
    confirmed for them: built once while the open requests are unchanged, so that a check finds
    the few rivals of its candidates without looking at every open request."""

    def __init__(self, rivals: Iterable[Rival]) -> None:
        self.rivals = list(rivals)
        self.by_key: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        self.by_person: dict[str, list[int]] = defaultdict(list)
        for ri, rival in enumerate(self.rivals):
            for rj, keys in enumerate(rival.keys):
                for key in keys:
                    self.by_key[key].append((ri, rj))
            if rival.person:
                self.by_person[rival.person].append(ri)

    def __len__(self) -> int:
        return len(self.rivals)


def _other_request(score: float, claim: float, request_id: str, penalty: float) -> dict:
    """The explanation's row for the strongest other request claiming the same registration."""
    return {
        "level": "claims more" if claim > score else "claims less",
        "request": "",
        "registry": f"{request_id} ({claim:.1f} bits)",
        "weight": f"{-penalty:.2f}",
    }


class Claims:
    """What :class:`~muster.tracing.matching.index.TracingIndex` does with rival requests (a mixin:
    it retrieves and scores with the index's own methods)."""

    def candidates_jointly(
        self, requests: Iterable[Mapping[str, object]], top: int = 10
    ) -> list[list[TraceCandidate]]:
        """Candidates for a batch of requests (a list per request, in the requests' order, best
        first), each registered person weighed against every request of the batch it answers.

        One registered person is one person sought: a registration that another request of the
        batch claims strongly (the sibling taken the same day, whose given name it bears) is
        less likely this request's.  A candidate's score loses ``log2(1 + sum 2^(s' - U))``
        over the other requests' scores s' for the same registration (U: the odds that a
        registered person is nobody's request, log2 of the registered less
        :data:`UNCLAIMED_OFFSET`, 10 bits at 20,000), so that
        candidates rank by the odds that the registration is this request's person rather
        than another's or nobody's; a registration nobody else claims keeps its score.  A
        candidate stays confident if its own score reaches :data:`CONFIDENT_SCORE` and no
        other request's comes within :data:`CLAIM_MARGIN` bits (then the score shown may be
        lower than the threshold: it is the odds against the rivals).  The explanation's
        ``other_request`` names the strongest rival.  Requests that may seek the same person
        (two offices, one child: given names agree, same sex, birth years within a year and a
        half, a parent's name agrees and none disagrees) do not compete."""
        batch = list(requests)
        pool = max(top, JOINT_POOL)
        prepared = []  # per request: query, chance, its best (score, -pos, pos, reading, levels)
        for request in batch:
            query = _query(check_request(request))
            positions = self._retrieve(query)
            u = self._chance(query) if positions else {}
            scored = []
            for pos in positions:
                score, reading, levels = self._score(query, self._people[pos], u)
                scored.append((round(score, 2), -pos, pos, reading, levels))
            prepared.append((query, u, heapq.nlargest(pool, scored)))
        keys = [_person_of_request(r) for r in batch]
        ids = [str(r.get("record_id") or "") for r in batch]
        unclaimed = math.log2(max(2, len(self._people))) - UNCLAIMED_OFFSET
        claims: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for i, (_, _, best) in enumerate(prepared):
            for score, _, pos, _, _ in best:
                claims[pos].append((score, i))
        out: list[list[TraceCandidate]] = []
        for i, (query, u, best) in enumerate(prepared):
            adjusted = []
            for n, entry in enumerate(best):
                score, pos = entry[0], entry[2]
                rivals = [
                    (s, j) for s, j in claims[pos] if j != i and not _same_sought(keys[i], keys[j])
                ]
                penalty, keeps = _claim_penalty(score, rivals, unclaimed) if rivals else (0, True)
                adjusted.append((round(score - penalty, 2), -n, entry, rivals, penalty, keeps))
            adjusted.sort(key=lambda t: (t[0], t[1]), reverse=True)
            found = []
            for shown, _, (score, _, pos, reading, levels), rivals, penalty, keeps in adjusted[
                :top
            ]:
                explanation = self._explain(query, pos, levels, reading, u)
                if rivals:
                    claim, j = max(rivals)
                    explanation["other_request"] = _other_request(score, claim, ids[j], penalty)
                confident = score >= CONFIDENT_SCORE and keeps
                found.append(TraceCandidate(self._ids[pos], shown, confident, reading, explanation))
            out.append(found)
        return out

    def candidates_claimed(
        self,
        readings: Sequence[Reading],
        rivals: Rivals | Iterable[Rival],
        top: int = 10,
        record_ids: Iterable[str] | None = None,
        min_score: float | None = None,
        scores: dict | None = None,
        exclude: str = "",
    ) -> list[TraceCandidate]:
        """One request's candidates (best per person over its ``readings``) weighed, as
        :meth:`candidates_jointly` weighs a batch, against the ``rivals``: the other open
        requests.  Only the rivals sharing an index key with a candidate are scored, and only
        against the candidates that share one with them (what the batch's retrieval would have
        let them claim), so a live check costs a few scorings, not a batch.  A rival whose person
        is confirmed claims that registration with at least :data:`CONFIRMED_CLAIM` bits.

        ``record_ids``: score only these registered persons (newcomers checked against an open
        request), else search the whole index.  ``min_score``: leave out the candidates whose own
        score (before the rivals' claims) is lower; a contested candidate drops in the list, not
        out of it.  ``scores``: a dict shared by the calls of one check (several requests against
        the same newcomers), so that each reading is scored against each person once, not once
        per request that weighs it.  ``exclude``: the label of the request itself, when it is
        among the ``rivals``.
        """
        if scores is None:
            scores = {}
        if not isinstance(rivals, Rivals):
            rivals = Rivals(rivals)

        def score_of(reading: Reading, pos: int) -> tuple:
            key = (id(reading), pos)
            if key not in scores:
                scores[key] = self._score(reading.query, self._people[pos], reading.chance)
            return scores[key]

        among = None
        if record_ids is not None:
            among = {self._pos[r] for r in record_ids if r in self._pos}
            if not among:
                return []
        best: dict[int, tuple] = {}  # pos -> (score, reading label, levels, reading)
        for reading in readings:
            positions = among if among is not None else self._retrieve(reading.query)
            for pos in positions:
                score, label, levels = score_of(reading, pos)
                score = round(score, 2)
                if pos not in best or best[pos][0] < score:
                    best[pos] = (score, label, levels, reading)
        if min_score is not None:
            best = {pos: entry for pos, entry in best.items() if entry[0] >= min_score}
        if not best:
            return []
        pool = heapq.nlargest(max(top, JOINT_POOL), best, key=lambda p: (best[p][0], -p))
        unclaimed = math.log2(max(2, len(self._people))) - UNCLAIMED_OFFSET
        claims: dict[int, list[tuple[float, str]]] = defaultdict(list)
        for pos in pool:
            for ri, score in self._claims_on(pos, rivals, scores, score_of, unclaimed):
                rival = rivals.rivals[ri]
                if exclude and rival.label == exclude:
                    continue
                if any(self._same(scores, a, b) for a in readings for b in rival.readings):
                    continue  # two requests for one person do not compete
                claims[pos].append((score, rival.label))
        adjusted = []
        for n, pos in enumerate(pool):
            score = best[pos][0]
            rivals_here = claims.get(pos, [])
            penalty, keeps = (
                _claim_penalty(score, rivals_here, unclaimed) if rivals_here else (0.0, True)
            )
            adjusted.append((round(score - penalty, 2), -n, pos, rivals_here, penalty, keeps))
        adjusted.sort(key=lambda t: (t[0], t[1]), reverse=True)
        found = []
        for shown, _, pos, rivals_here, penalty, keeps in adjusted[:top]:
            score, label, levels, reading = best[pos]
            explanation = self._explain(reading.query, pos, levels, label, reading.chance)
            if rivals_here:
                claim, who = max(rivals_here)
                explanation["other_request"] = _other_request(score, claim, who, penalty)
            confident = score >= CONFIDENT_SCORE and keeps
            found.append(TraceCandidate(self._ids[pos], shown, confident, label, explanation))
        return found

    def _claims_on(self, pos: int, rivals: Rivals, scores: dict, score_of, unclaimed: float):
        """Every rival's claim on the registration at ``pos`` (once per check): the rivals whose
        readings share a key with it, scored; a person confirmed for a rival, at least
        :data:`CONFIRMED_CLAIM`. A claim :data:`NEGLIGIBLE_CLAIM` bits below ``unclaimed`` (the
        odds that a registration is nobody's) would cost under 0.0001 bit: left out."""
        key = ("claims", id(rivals), pos)
        if key in scores:
            return scores[key]
        floor = unclaimed - NEGLIGIBLE_CLAIM
        near = {entry for k in _block_keys(self._people[pos]) for entry in rivals.by_key.get(k, ())}
        found: dict[int, float] = {}
        for ri, rj in sorted(near):
            # A rival's readings are prepared only now, when it is near a candidate.
            score = round(score_of(rivals.rivals[ri].readings[rj], pos)[0], 2)
            if score >= floor:
                found[ri] = max(found.get(ri, score), score)
        for ri in rivals.by_person.get(self._ids[pos], ()):
            found[ri] = max(found.get(ri, CONFIRMED_CLAIM), CONFIRMED_CLAIM)
        scores[key] = sorted(found.items())
        return scores[key]

    @staticmethod
    def _same(scores: dict, a: Reading, b: Reading) -> bool:
        key = ("same", id(a), id(b))
        if key not in scores:
            scores[key] = _same_sought(a.sought, b.sought)
        return scores[key]

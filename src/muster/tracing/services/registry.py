"""The registry as the tracing matcher reads it: one process-wide :class:`TracingIndex`, built lazily
from the database and kept in step before each use, like screening's registry index.

Persons registered since the last look are added; a correction since then rebuilds the index on
its next use (corrections are few; the matcher has no "replace"). Merged records are filtered out
against the database by the caller, so a stale entry can only propose, never decide.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence

from muster.people.models import Person, PersonCorrection
from muster.screening.matching import PERSON_FIELDS, person_record
from muster.tracing.matching import Reading, Rival, Rivals, TracingIndex, person_keys, request_keys

# "Aisha, Abdullah; Dalal" in other_names: each is tried as the given name.
_SPLIT = re.compile(r"[,;/\n،]+")


def request_records(req) -> list[dict[str, str]]:
    """A tracing request as matcher records: the given name, then each of its other names as the
    given name (the captors' names the family knows)."""
    base = {
        "record_id": f"r{req.pk}",
        "given_name": req.given_name,
        "father_name": req.father_name,
        "grandfather_name": req.grandfather_name,
        "family_name": req.family_name,
        "mother_name": req.mother_name,
        "sex": req.sex,
        "birth_year": str(req.birth_year or ""),
        "separation_date": req.separation_date.isoformat() if req.separation_date else "",
        "separation_place": req.separation_place,
        "age_at_separation": ""
        if req.age_at_separation is None or not req.separation_date
        else str(req.age_at_separation),
    }
    records = [base] if base["given_name"] else []
    for name in _SPLIT.split(req.other_names or ""):
        name = name.strip()
        if name and name != base["given_name"]:
            records.append({**base, "given_name": name})
    if not records:
        records.append(base)  # the mother's name and the rest still block and score
    return records


class _Registry:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.index: TracingIndex | None = None
            self.person_mark = 0
            self.correction_mark = 0

    def _load(self, qs) -> None:
        for row in qs.values(*PERSON_FIELDS).order_by("id").iterator(chunk_size=5000):
            self.index.add(person_record(row))
            self.person_mark = max(self.person_mark, row["id"])

    def sync(self) -> TracingIndex:
        with self.lock:
            last = PersonCorrection.objects.order_by("-id").values_list("id", flat=True).first()
            if self.index is not None and (last or 0) > self.correction_mark:
                self.index = None  # a name or a birth year changed: read everyone again
            if self.index is None:
                self.index = TracingIndex()
                self.person_mark = 0
                self.correction_mark = last or 0
                self._load(Person.objects.filter(merged_into__isnull=True))
                return self.index
            self._load(Person.objects.filter(id__gt=self.person_mark, merged_into__isnull=True))
            return self.index


REGISTRY = _Registry()


def reset() -> None:
    """Forget the in-memory index (tests; after a restore from backup)."""
    REGISTRY.reset()
    _KEYS.clear()
    _READINGS.clear()
    _RIVALS[:] = [None, None, None]


# A request's index keys, kept while it is unchanged: computing them for every open request at
# every registration costs about 0.3 ms each (100 ms a household at 400 requests), looking them up
# next to nothing. Keyed by (request id, updated_at); dropped when the request is not open any more.
_KEYS: dict[int, tuple[object, list[set[tuple]]]] = {}


def _keys_of(req) -> list[set[tuple]]:
    cached = _KEYS.get(req.pk)
    if cached is not None and cached[0] == req.updated_at:
        return cached[1]
    keys = [request_keys(record) for record in request_records(req)]
    _KEYS[req.pk] = (req.updated_at, keys)
    return keys


def requests_reading(requests: Iterable, persons: Iterable[Person]) -> dict[int, list[dict]]:
    """Which of ``requests`` may be answered by ``persons`` (sharing an index key with them):
    request id -> its matcher records. The rest need not be scored."""
    requests = list(requests)
    keys: set[tuple] = set()
    for p in persons:
        keys |= person_keys(person_record(p))
    with REGISTRY.lock:
        for stale in set(_KEYS) - {r.pk for r in requests}:
            del _KEYS[stale]
        out: dict[int, list[dict]] = defaultdict(list)
        for req in requests:
            if any(k & keys for k in _keys_of(req)):
                out[req.pk] = request_records(req)
    return out


# A request's readings prepared against the index (the query and its chance agreements), kept
# while the request is unchanged and the index the same object (a rebuild after a correction
# prepares them again; registrations added since only shift the chance agreements a little).
_READINGS: dict[int, tuple[object, TracingIndex, list[Reading]]] = {}


def readings_of(index: TracingIndex, req) -> list[Reading]:
    """The request's readings (its given name, then each other name) prepared against ``index``."""
    with REGISTRY.lock:
        cached = _READINGS.get(req.pk)
        if cached is not None and cached[0] == req.updated_at and cached[1] is index:
            return cached[2]
        readings = [index.prepare(record) for record in request_records(req)]
        _READINGS[req.pk] = (req.updated_at, index, readings)
        return readings


class _Readings(Sequence):
    """A rival's readings, prepared on first use (most rivals share no key with a candidate)."""

    def __init__(self, index: TracingIndex, req) -> None:
        self.index, self.req, self.done = index, req, None

    def _all(self) -> list[Reading]:
        if self.done is None:
            self.done = readings_of(self.index, self.req)
        return self.done

    def __getitem__(self, i):
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())


# The open requests as rivals, indexed by their keys: (what they were built from, the index, them).
_RIVALS: list = [None, None, None]


def rivals(index: TracingIndex, requests: Iterable) -> Rivals:
    """The open ``requests`` as rivals for a registration: each claims what it matches, and the
    person a caseworker confirmed for it above all. Kept while the open requests, their
    confirmed persons and the index are unchanged (a request's readings are prepared only when it
    is first near a candidate)."""
    requests = list(requests)
    signature = tuple((r.pk, r.updated_at, r.linked_person_id) for r in requests)
    with REGISTRY.lock:
        if _RIVALS[0] == signature and _RIVALS[1] is index:
            return _RIVALS[2]
        for stale in set(_READINGS) - {r.pk for r in requests}:
            del _READINGS[stale]
        built = Rivals(
            Rival(req.number, _Readings(index, req), _keys_of(req), str(req.linked_person_id or ""))
            for req in requests
        )
        _RIVALS[:] = [signature, index, built]
        return built

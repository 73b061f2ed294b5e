"""Comparing a request with a registered person field by field: the level of each field."""

from __future__ import annotations

import math

from muster.identity import NameKey
from muster.identity.internals.comparisons import name_level_code
from muster.tracing.matching.records import _Person, _Query
from muster.tracing.matching.weights import YEAR_BUCKETS


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


def _year_bucket(q: _Query, year: float | None) -> int:
    if q.centre is None or year is None:
        return -1
    distance = max(0.0, abs(year - q.centre) - q.slack)
    d = int(math.ceil(distance - 1e-9))
    return YEAR_BUCKETS[d] if d < len(YEAR_BUCKETS) else 6

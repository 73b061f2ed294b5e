"""Blocking: the inverted-index keys of a registered person, and the keys a request reads."""

from __future__ import annotations

import math
from collections.abc import Iterable

from muster.identity import NameKey, check_record, skeleton_with_article
from muster.tracing.matching.records import _Person, _person, _Query, _query, check_request
from muster.tracing.matching.weights import YEAR_WINDOW
from muster.tracing.places import SINJAR


def _skeletons(key: NameKey) -> set[str]:
    return {s for s in (key.skeleton, key.skeleton2, skeleton_with_article(key)) if len(s) >= 2}


def _place_key(p: _Person) -> str:
    return p.place_id or p.place.key1


# Block rules: (rule name, name field index or None).  A name rule keys on the name's skeleton,
# the sex and the birth year; the lineage rule on mother and family name alone, for an age
# estimate far off.
_YEAR_RULES = (("mother", 4), ("given", 0), ("alias", 5), ("father", 1), ("grandfather", 2))


def _key_year(p: _Person) -> int | str:
    """The birth year a registration is keyed under: the year as it is compared (``born``: an
    estimated year is read ``ESTIMATE_SHIFT`` years earlier), so that a request's window
    of :data:`YEAR_WINDOW` years each side reaches the same years as the score's levels.  Keyed
    under the year as written, a registration whose estimated year was 5 years later than the
    request's (4 years as compared, a weight the score still reads) was never retrieved, while
    one 4 years earlier (5 as compared) was."""
    return int(math.floor(p.born)) if p.born is not None else "?"


def _block_keys(p: _Person) -> Iterable[tuple]:
    year = _key_year(p)
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

    def names(i: int) -> set[str]:
        # alias (5) is read under "given": request names are NAME_FIELDS only
        alt = q.alts[i] if i < len(q.alts) else None
        return _skeletons(p.names[i]) | (_skeletons(alt) if alt is not None else set())

    if q.centre is not None:
        lo = int(math.floor(q.centre - q.slack)) - YEAR_WINDOW
        hi = int(math.ceil(q.centre + q.slack)) + YEAR_WINDOW
        years: list[object] = [*range(lo, hi + 1), "?"]
    else:
        years = []  # no year: only the rules without one
    sexes = [p.sex, "?"] if p.sex else ["M", "F", "?"]
    if years:
        for rule, i in _YEAR_RULES[:1] + _YEAR_RULES[1:2] + _YEAR_RULES[3:]:
            skeletons = names(i)
            if skeletons:
                keys = [(rule, s, x, y) for s in skeletons for x in sexes for y in years]
                yield rule, keys
        if p.place.folded:
            # A village's request also reads the district's block ("Sinjar" in the register).
            places = {_place_key(p), SINJAR} if p.place_id else {_place_key(p)}
            keys = [("place", k, x, y) for k in places for x in sexes for y in years]
            yield "place", keys
    mothers = names(4)
    if mothers:
        yield "mother_any_year", [("mother_any_year", m, x) for m in mothers for x in sexes]
    lineage = [("lineage", m, f) for m in mothers for f in names(3)]
    if lineage:
        yield "lineage", lineage


def request_keys(request) -> set[tuple]:
    """Every index key a request reads (a checked request record): to find which open requests
    a new registration may answer without scoring them all."""
    return {k for _rule, keys in _query_keys(_query(check_request(request))) for k in keys}


def person_keys(record) -> set[tuple]:
    """The index keys of a registered person (a person record)."""
    rec = check_record(record)
    return set(_block_keys(_person(rec, rec["place_of_origin"], registered=True)))

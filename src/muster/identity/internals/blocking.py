"""Candidate pairs: each blocking rule's key as one integer per record, the joins as SQL.

The rules (``prepare.BLOCKING_RULES``) compare broad name keys, dates and sex.  Joining on
those strings, concatenated per rule, cost most of a million-record run; here every attribute
is numbered once (over both lists when linking), a rule's key is the number of its combination
of attributes, and a rule ending in the birth year folds the year into the key so that "same
key, year one apart" is "key + 1".  Blocks over the cap are dropped here, before the engine
sees them, and so are the records whose pairs in a block an earlier, coarser rule finds.
DuckDB and Spark then run the same plain integer joins (``candidate_pairs_sql``),
each rule leaving out the pairs an earlier rule found, and return each pair once, as one
integer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .prepare import BLOCK_CAP, BLOCKING_RULES, CROSSED, RULE_CAPS, SCORED_ONLY, Prepared

RULES = tuple(BLOCKING_RULES.items())


# A rule's last attribute may be a side flag: the rule pairs only where one record at least
# has it.  Each flag is a column of ``block_keys``' tables: ``p``, the record has no father,
# grandfather or mother name (``plain``); ``u``, it has no birth year (``undated``); ``e``, its
# birth year is an estimate: a year alone, or a date of 1 January (``estimated``); ``s``, it
# has no sex (``unsexed``).
SIDE_FLAGS = {"plain": "p", "undated": "u", "estimated": "e", "unsexed": "s"}
# Flags a rule reads as "one record has it and the other not": a list that records no sex at
# all (FEBRL) would otherwise pair every record on the given name and year (FEBRL 3 0.9519 ->
# 0.9514, 4 0.9608 -> 0.9600 with "one at least"), where the case is a record without the sex
# beside one with it, which the rules with the sex cannot pair.
ONE_SIDE_ONLY = frozenset({"s"})


def _sides(side: str) -> str:
    """SQL: records a and b are a pair a rule with side flag ``side`` may make (one of them at
    least has the flag; one only, for ``ONE_SIDE_ONLY``)."""
    return f"a.{side} <> b.{side}" if side in ONE_SIDE_ONLY else f"(a.{side} OR b.{side})"


def rule_shape(attrs: tuple[str, ...]) -> tuple[tuple[str, ...], bool, str | None]:
    """A rule's key attributes (without the year and the side flag), whether it pairs birth
    years one apart (its key ends in ``yr``, before the flag if any) and the column of its side
    flag (``SIDE_FLAGS``; None: any two records of a block)."""
    side = SIDE_FLAGS.get(attrs[-1])
    keyed = attrs[:-1] if side else attrs
    by_year = keyed[-1] == "yr"
    return (keyed[:-1] if by_year else keyed), by_year, side


def _codes(values: np.ndarray) -> np.ndarray:
    """Number each distinct value (missing: -1)."""
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64)


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Number each distinct pair (a, b); -1 where either is missing."""
    out = np.full(len(a), -1, dtype=np.int64)
    both = (a >= 0) & (b >= 0)
    if both.any():
        out[both] = pd.factorize(a[both] * (int(b.max()) + 1) + b[both])[0]
    return out


def _attribute_codes(
    attr: str, both: pd.DataFrame, left: Prepared, right: Prepared | None
) -> np.ndarray:
    """Each record's blocking attribute, numbered (missing: -1).

    A name's broad key is numbered once per distinct name (the name tables), not per record;
    a full date as its year, month and day.
    """
    field = attr[:-2]
    if attr.endswith("_b") and field in left.names:
        sides = [left] if right is None else [left, right]
        tables = [s.names[field] for s in sides]
        broad = pd.concat([t["n_b"] for t in tables], ignore_index=True).replace("", None)
        numbered = _codes(broad.to_numpy(dtype=object))
        out, start = [], 0
        for side, table in zip(sides, tables, strict=True):
            ids = side.frame[f"{field}_id"].to_numpy()
            table_ids = table["id"].to_numpy()
            lookup = np.full(max(ids.max(initial=-1), table_ids.max(initial=-1)) + 2, -1)
            lookup[table_ids] = numbered[start : start + len(table)]
            out.append(lookup[ids])  # id -1 reads the last entry: -1
            start += len(table)
        return np.concatenate(out) if len(out) > 1 else out[0]
    if attr == "dob":
        present = both[attr].notna().to_numpy()
        parts = [both[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in ("yr", "mo", "dy")]
        date = parts[0] * 10_000 + parts[1] * 100 + parts[2]
        if not np.isnan(date[present]).any():  # else a date the reader did not check
            return np.where(present, np.nan_to_num(date), -1).astype(np.int64)
    return _codes(both[attr].to_numpy(dtype=object))


def _capped(block: np.ndarray, cap: int) -> np.ndarray:
    """The block keys with blocks of more than ``cap`` records dropped (-1)."""
    valid = np.flatnonzero(block >= 0)
    if len(valid):
        inverse, distinct = pd.factorize(block[valid])
        counts = np.bincount(inverse, minlength=len(distinct))
        block = block.copy()
        block[valid[counts[inverse] > cap]] = -1
    return block


def crossed(attrs: tuple[str, ...]) -> bool:
    """Whether a rule joins crosswise (its first attribute is a set of ``prepare.CROSSED``)."""
    return attrs[0] in CROSSED


def _crossed_keys(
    attrs: tuple[str, ...],
    block: np.ndarray,
    both: pd.DataFrame,
    codes: dict[str, np.ndarray],
    year: np.ndarray | None,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """A crosswise rule's two keys per record in a block of it (``block`` >= 0; -1 elsewhere):
    its two fields in order and crosswise, with the rule's other attributes (and year), numbered
    together so that one record's key in order equals another's crosswise exactly when its first
    field is the other's second, its second the other's first, and the rest agrees (a year
    either side too, by year).  A record that no other record meets so is left out (-1): it
    would add nothing to the join's pairs, nor to its left-out pairs (``_found``), only to its
    cost, and most records of a block have none."""
    names, _, _ = rule_shape(attrs)
    rows = np.flatnonzero(block >= 0)
    first, second = CROSSED[names[0]]
    values = np.concatenate(
        [both[first].to_numpy(dtype=object)[rows], both[second].to_numpy(dtype=object)[rows]]
    )
    shared = pd.factorize(values)[0].astype(np.int64)  # both present in every block
    one, two = shared[: len(rows)], shared[len(rows) :]
    width_names = int(shared.max(initial=0)) + 1
    pair = np.concatenate([one * width_names + two, two * width_names + one])
    for a in names[1:]:
        rest = np.tile(codes[a][rows], 2)  # present in every block
        pair = pd.factorize(pair * (int(rest.max(initial=0)) + 1) + rest)[0].astype(np.int64)
    if year is not None:
        pair = pair * width + np.tile(year[rows], 2)
    mine, theirs = pair[: len(rows)], pair[len(rows) :]
    keys, counts = np.unique(mine, return_counts=True)

    def meeting(values: np.ndarray) -> np.ndarray:
        """How many records' key in order is each of ``values``."""
        at = np.minimum(np.searchsorted(keys, values), max(len(keys) - 1, 0))
        return np.where(keys[at] == values, counts[at], 0) if len(keys) else values * 0

    partners = meeting(theirs) - (theirs == mine)  # not the record itself
    if year is not None:
        partners += meeting(theirs + 1) + meeting(theirs - 1)
    met = rows[partners > 0]
    ordered = np.full(len(block), -1, dtype=np.int64)
    across = np.full(len(block), -1, dtype=np.int64)
    ordered[met], across[met] = mine[partners > 0], theirs[partners > 0]
    return ordered, across


def _uncovered(
    i: int, attrs: tuple[str, ...], keys: dict[str, np.ndarray], over: dict[int, np.ndarray]
) -> np.ndarray:
    """Rule ``i``'s keys without the records whose every pair in it an earlier, coarser rule
    finds already (they would be joined only to be left out: ``candidate_pairs_sql``).

    An earlier rule ``j`` on a subset of ``i``'s attributes finds every pair of ``i``'s block of
    a record whose block of ``j`` is within the cap: the other record shares those attributes,
    so it is in that block too.  For ``j`` by year, ``i`` must be by year and the record's
    blocks of ``j`` a year either side within the cap (``over``: per rule by year, its keys
    over the cap); for ``j`` with a side flag, ``i`` with the same.  The pairs found, and the
    rule that finds each, are unchanged (tests/identity/test_blocking.py); the joins are smaller
    (skewed_names 200k: the rule of given, father and family names and year reads 8,228
    records, not 181,646).
    """
    names, by_year, side = rule_shape(attrs)
    k = keys[f"k{i}"]
    if crossed(attrs):
        return k  # no rule's attributes are a crosswise rule's
    for j, (_, earlier) in enumerate(RULES[:i]):
        j_names, j_by_year, j_side = rule_shape(earlier)
        if (
            not set(j_names) <= set(names)
            or (j_by_year and not by_year)
            or (j_side not in (None, side))
        ):
            continue
        if crossed(earlier):
            continue
        kj = keys[f"k{j}"]
        covered = kj >= 0
        if j_by_year and len(over[j]):
            covered &= ~np.isin(kj - 1, over[j]) & ~np.isin(kj + 1, over[j])
        k = np.where(covered, -1, k)
    return k


def block_keys(left: Prepared, right: Prepared | None, cap: int = BLOCK_CAP) -> list[pd.DataFrame]:
    """Per list: ``rid``, the side flags ``p`` (no father, grandfather or mother name), ``u``
    (no birth year), ``e`` (an estimated birth year) and ``s`` (no sex), and one key ``k<i>``
    per rule (-1: the record is not in a block of
    that rule of at most ``cap`` records, or an earlier rule finds every pair it has there:
    ``_uncovered``); a crosswise rule's ``k<i>`` is its fields in order and ``x<i>`` crosswise
    (``_crossed_keys``).

    Blocks are counted over both lists when linking, as one list's block can be small and the
    other's large.  Two records share a rule's key exactly when they shared its attributes
    (and birth year, for a rule ending in it).
    """
    frames = [left.frame] if right is None else [left.frame, right.frame]
    both = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    yr = both["yr"].to_numpy(dtype=np.float64, na_value=np.nan)
    has_year = ~np.isnan(yr)
    low = np.nanmin(yr) if has_year.any() else 0.0
    # "Same key, year + 1" must be "block + 1": room for one year past the last.
    width = int(np.nanmax(yr) - low) + 2 if has_year.any() else 2
    year = np.where(has_year, yr - low, 0).astype(np.int64)
    codes: dict[str, np.ndarray] = {}
    keys: dict[str, np.ndarray] = {}
    over: dict[int, np.ndarray] = {}
    for i, (_, attrs) in enumerate(RULES):
        names, by_year, _ = rule_shape(attrs)
        for a in names:
            if a not in codes:
                codes[a] = _attribute_codes(a, both, left, right)
        k = codes[names[0]]
        for a in names[1:]:
            k = _combine(k, codes[a])
        if by_year:
            k = np.where((k >= 0) & has_year, k * width + year, -1)
        keys[f"k{i}"] = _capped(k, min(cap, RULE_CAPS.get(RULES[i][0], cap)))
        if crossed(attrs):
            keys[f"k{i}"], keys[f"x{i}"] = _crossed_keys(
                attrs, keys[f"k{i}"], both, codes, year if by_year else None, width
            )
            continue  # no rule is covered by a crosswise one (``_uncovered``)
        if by_year:
            # Which blocks are over the cap, for the years either side (``_uncovered``).
            dropped = (k >= 0) & (keys[f"k{i}"] < 0)
            over[i] = np.unique(k[dropped])
    for i, (_, attrs) in enumerate(RULES):
        keys[f"k{i}"] = _uncovered(i, attrs, keys, over)
    plain = both["plain"].notna().to_numpy()
    estimated = has_year & ~both["precise"].to_numpy(dtype=bool)
    unsexed = both["sex"].isna().to_numpy()
    out = []
    start = 0
    for f in frames:
        part = slice(start, start + len(f))
        cols = {
            "rid": f["rid"].to_numpy(dtype=np.int64),
            "p": plain[part],
            "u": ~has_year[part],
            "e": estimated[part],
            "s": unsexed[part],
        }
        cols.update({name: k[part] for name, k in keys.items()})
        out.append(pd.DataFrame(cols))
        start += len(f)
    return out


def _found(i: int, attrs: tuple[str, ...]) -> str:
    """SQL: rule ``i`` pairs records a and b (keys are never NULL: -1 is no block)."""
    _, by_year, side = rule_shape(attrs)
    other = f"b.x{i}" if crossed(attrs) else f"b.k{i}"  # a.k = b.x exactly when b.k = a.x
    if by_year:
        found = f"a.k{i} >= 0 AND {other} >= 0 AND abs(a.k{i} - {other}) <= 1"
    else:
        found = f"a.k{i} >= 0 AND a.k{i} = {other}"
    return f"({found} AND {_sides(side)})" if side else f"({found})"


def candidate_pairs_sql(dedupe: bool, n_right: int) -> str:
    """Candidate pairs of tables ``lt`` and ``rt`` (keyed by ``block_keys``; the same table
    when deduplicating) as one column ``c`` = (left row * ``n_right`` + right row) * 2 + 1 when
    a rule of ``prepare.SCORED_ONLY`` found the pair (not trained on), + 0 otherwise.

    Every rule pairs the records of one block; a rule ending in ``yr`` also pairs the block
    of year y with that of year y + 1 (birth years one apart: keys one apart); a rule ending
    in a side flag pairs only where one record at least has the flag (``SIDE_FLAGS``; one
    record only, for ``ONE_SIDE_ONLY``).  Each
    pair comes once: a rule leaves out the pairs an earlier rule found (so no distinct over tens of
    millions of pairs is needed), and in one list each pair is taken in one order only.  A
    crosswise rule (``prepare.CROSSED``) joins a record's key in order to another's crosswise.
    """
    n = int(n_right)
    ctes, selects = [], []
    for i, (rule, attrs) in enumerate(RULES):
        tag = int(rule in SCORED_ONLY)
        code = f"(a.rid * {n} + b.rid) * 2 + {tag} AS c"
        ordered = f"(least(a.rid, b.rid) * {n} + greatest(a.rid, b.rid)) * 2 + {tag} AS c"
        ctes.append(f"l{i} AS (SELECT * FROM lt WHERE k{i} >= 0)")
        r = f"l{i}"
        if not dedupe:
            ctes.append(f"r{i} AS (SELECT * FROM rt WHERE k{i} >= 0)")
            r = f"r{i}"
        join = f"FROM l{i} a JOIN {r} b"
        earlier = " OR ".join(_found(j, a) for j, (_, a) in enumerate(RULES[:i]))
        new = f" AND NOT ({earlier})" if earlier else ""
        _, by_year, side = rule_shape(attrs)
        if crossed(attrs):
            # One record's key in order against the other's crosswise (never a side flag).
            if dedupe:
                selects.append(f"SELECT {code} {join} ON a.k{i} = b.x{i} WHERE a.rid < b.rid{new}")
                if by_year:
                    selects.append(
                        f"SELECT {ordered} {join} ON b.x{i} = a.k{i} + 1 WHERE TRUE{new}"
                    )
            else:
                ons = [f"a.k{i} = b.x{i}"]
                if by_year:
                    ons += [f"b.x{i} = a.k{i} + 1", f"a.k{i} = b.x{i} + 1"]
                selects += [f"SELECT {code} {join} ON {on} WHERE TRUE{new}" for on in ons]
            continue
        if side:
            # Driven from the flagged side, so the cost follows the flagged records.
            one_side = side in ONE_SIDE_ONLY
            if dedupe:
                once = f"a.{side} AND " + (
                    f"NOT b.{side}" if one_side else f"(a.rid < b.rid OR NOT b.{side})"
                )
                selects.append(f"SELECT {ordered} {join} ON a.k{i} = b.k{i} WHERE {once}{new}")
            else:
                first = f"a.{side} AND NOT b.{side}" if one_side else f"a.{side}"
                for which in (first, f"b.{side} AND NOT a.{side}"):
                    selects.append(f"SELECT {code} {join} ON a.k{i} = b.k{i} WHERE {which}{new}")
        elif dedupe:
            selects.append(f"SELECT {code} {join} ON a.k{i} = b.k{i} WHERE a.rid < b.rid{new}")
        else:
            selects.append(f"SELECT {code} {join} ON a.k{i} = b.k{i} WHERE TRUE{new}")
        if by_year:
            # Birth years one apart: the block of year y + 1 joined to that of year y.
            where = _sides(side) if side else "TRUE"
            if dedupe:
                selects.append(f"SELECT {ordered} {join} ON b.k{i} = a.k{i} + 1 WHERE {where}{new}")
            else:
                for on in (f"b.k{i} = a.k{i} + 1", f"a.k{i} = b.k{i} + 1"):
                    selects.append(f"SELECT {code} {join} ON {on} WHERE {where}{new}")
    return "WITH " + ",\n".join(ctes) + "\n" + "\nUNION ALL\n".join(selects)


def pairs_from_codes(codes: np.ndarray, n_right: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair codes -> (left rows, right rows, trained on), ordered by left row, then right row.

    ``codes`` is sorted and overwritten in place (the right rows) when it is a writable 64-bit
    array, as the engine's own result is: at a million records it holds 50M pairs, and each
    copy of it is 400 MB at the run's peak.  (Rows stay 64-bit: numpy copies 32-bit indices to
    64 bits at every lookup, which cost 8 s of 80 at 1M.)"""
    codes = np.asarray(codes)
    if codes.dtype != np.int64 or not codes.flags.writeable:
        codes = codes.astype(np.int64)
    codes.sort()
    train = (codes & 1) == 0
    codes >>= 1
    left = codes // n_right
    np.remainder(codes, n_right, out=codes)
    return left, codes, train


__all__ = ["block_keys", "candidate_pairs_sql", "pairs_from_codes"]

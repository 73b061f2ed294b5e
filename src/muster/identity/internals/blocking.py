"""Candidate pairs: each blocking rule's key as one integer per record, the joins as SQL.

The rules (``prepare.BLOCKING_RULES``) compare broad name keys, dates and sex.  Joining on
those strings, concatenated per rule, cost most of a million-record run; here every attribute
is numbered once (over both lists when linking), a rule's key is the number of its combination
of attributes, and a rule ending in the birth year folds the year into the key so that "same
key, year one apart" is "key + 1".  Blocks over the cap are dropped here, before the engine
sees them.  DuckDB and Spark then run the same plain integer joins (``candidate_pairs_sql``)
and return each pair as one integer, so the union of the rules' pairs is a distinct over one
column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .prepare import BLOCK_CAP, BLOCKING_RULES, Prepared

RULES = tuple(BLOCKING_RULES.items())


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


def _capped(block: np.ndarray, cap: int) -> np.ndarray:
    """The block keys with blocks of more than ``cap`` records dropped (-1)."""
    valid = np.flatnonzero(block >= 0)
    if len(valid):
        _, inverse, counts = np.unique(block[valid], return_inverse=True, return_counts=True)
        block = block.copy()
        block[valid[counts[inverse] > cap]] = -1
    return block


def block_keys(left: Prepared, right: Prepared | None, cap: int = BLOCK_CAP) -> list[pd.DataFrame]:
    """Per list: ``rid``, ``p`` (no father, grandfather or mother name) and one key ``k<i>``
    per rule (-1: the record is not in a block of that rule of at most ``cap`` records).

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
    for i, (_, attrs) in enumerate(RULES):
        last = attrs[-1]
        names = attrs[:-1] if last in ("yr", "plain") else attrs
        for a in names:
            if a not in codes:
                codes[a] = _codes(both[a].to_numpy(dtype=object))
        k = codes[names[0]]
        for a in names[1:]:
            k = _combine(k, codes[a])
        if last == "yr":
            k = np.where((k >= 0) & has_year, k * width + year, -1)
        keys[f"k{i}"] = _capped(k, cap)
    plain = both["plain"].notna().to_numpy()
    out = []
    start = 0
    for f in frames:
        part = slice(start, start + len(f))
        cols = {"rid": f["rid"].to_numpy(dtype=np.int64), "p": plain[part]}
        cols.update({name: k[part] for name, k in keys.items()})
        out.append(pd.DataFrame(cols))
        start += len(f)
    return out


def candidate_pairs_sql(dedupe: bool, n_right: int) -> str:
    """Candidate pairs of tables ``lt`` and ``rt`` (keyed by ``block_keys``; the same table
    when deduplicating) as one column ``c`` = left row * ``n_right`` + right row, distinct.

    Every rule pairs the records of one block; a rule ending in ``yr`` also pairs the block
    of year y with that of year y + 1 (birth years one apart); a rule ending in ``plain`` pairs
    only where one record at least has no lineage names.
    """
    n = int(n_right)
    ctes, selects = [], []

    def code(a: str, b: str) -> str:
        return f"{a}.rid * {n} + {b}.rid AS c"

    ordered = f"least(a.rid, b.rid) * {n} + greatest(a.rid, b.rid) AS c"
    for i, (_, attrs) in enumerate(RULES):
        p = ", p" if attrs[-1] == "plain" else ""
        ctes.append(f"l{i} AS (SELECT rid, k{i} AS k{p} FROM lt WHERE k{i} >= 0)")
        r = f"l{i}"
        if not dedupe:
            ctes.append(f"r{i} AS (SELECT rid, k{i} AS k{p} FROM rt WHERE k{i} >= 0)")
            r = f"r{i}"
        join = f"FROM l{i} a JOIN {r} b"
        if attrs[-1] == "plain":
            # Driven from the plain side, so the cost follows the plain records.
            if dedupe:
                selects.append(f"SELECT {ordered} {join} ON a.k = b.k AND a.rid <> b.rid WHERE a.p")
            else:
                selects += [
                    f"SELECT {code('a', 'b')} {join} ON a.k = b.k WHERE {s}.p" for s in "ab"
                ]
            continue
        if dedupe:
            selects.append(f"SELECT {code('a', 'b')} {join} ON a.k = b.k AND a.rid < b.rid")
        else:
            selects.append(f"SELECT {code('a', 'b')} {join} ON a.k = b.k")
        if attrs[-1] == "yr":
            if dedupe:
                selects.append(f"SELECT {ordered} {join} ON b.k = a.k + 1")
            else:
                selects.append(f"SELECT {code('a', 'b')} {join} ON b.k = a.k + 1")
                selects.append(f"SELECT {code('a', 'b')} {join} ON a.k = b.k + 1")
    return "WITH " + ",\n".join(ctes) + "\n" + "\nUNION\n".join(selects)


def pairs_from_codes(codes: np.ndarray, n_right: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted pair codes -> (left rows, right rows), ordered by left row, then right row."""
    codes = np.sort(np.asarray(codes, dtype=np.int64))
    return codes // n_right, codes % n_right


__all__ = ["block_keys", "candidate_pairs_sql", "pairs_from_codes"]

"""Clustering matched pairs into persons: connected components over accepted pairs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def connected_components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label (smallest member row) for each of ``n`` rows joined by edges a-b.

    >>> connected_components(4, np.array([0, 2]), np.array([1, 3])).tolist()
    [0, 0, 2, 2]
    """
    labels = np.arange(n, dtype=np.int64)
    if len(a) == 0:
        return labels
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        low = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        # Pointer jumping: every row takes its label's label until stable.
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(before, labels):
            return labels


# With sources given, the most records of one source a cluster may hold (guarded_clusters): a
# list rarely registers one person three times (pipeline.crowded_records).
SOURCE_CAP = 2


def guarded_clusters(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    score: np.ndarray,
    conflict: Callable[[int, int], bool],
    direct_conflict: Callable[[int, int], bool] | None = None,
    sources: np.ndarray | None = None,
) -> np.ndarray:
    """Clusters from accepted pairs, best first, never joining two records that conflict.

    Connected components let one wrong pair chain two families together, and a chain of right
    pairs can still put brothers in one cluster (A = A', A' = B?).  Here the pairs are merged
    best score first, and two clusters merge only when no record of one ``conflict``s with a
    record of the other (different given names, birth years two or more apart, different sex:
    see pipeline.record_conflicts, which also keeps apart two records compared and found clearly
    different).  Two single records are joined on their pair's own evidence, which the model
    has weighed, unless ``direct_conflict`` says they cannot be one person (their given names
    disagree and both carry lineage names: brothers, whose shared lineage can outweigh the
    given name's fixed weight where lineage agreement is rare among candidates).  With
    ``sources`` (a code per row, -1 unknown), two clusters merge only when no source has more
    than ``SOURCE_CAP`` records in the merged one.  Label: the smallest row of the cluster.

    >>> guarded_clusters(3, np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.8]),
    ...                  lambda i, j: {i, j} == {0, 2}).tolist()
    [0, 0, 2]
    """
    # A conflict test may say at once whether any record of one cluster conflicts with any of
    # another (``pipeline.record_conflicts``: ``between``), as ``conflict`` pair by pair would.
    between = getattr(conflict, "between", None)
    # Roots of two clusters found to conflict.  A cluster only grows and keeps its root while it
    # is one, so two clusters found apart stay apart: a crowded run's accepted pairs link the
    # same two clusters of namesakes again and again (drawn201 200k: 32.7M tests, 694 s).
    apart: set[tuple[int, int]] = set()
    parent = list(range(n))
    members: dict[int, list[int]] = {}
    # Records per known source, per cluster of two records or more.
    held: dict[int, dict[int, int]] = {}

    def holds(root: int) -> dict[int, int]:
        if root in held:
            return held[root]
        code = int(sources[root]) if sources is not None else -1
        return {code: 1} if code >= 0 else {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    order = np.argsort(-np.asarray(score), kind="stable")
    for i, j in zip(np.asarray(a)[order].tolist(), np.asarray(b)[order].tolist(), strict=True):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        mi = members.get(ri, [ri])
        mj = members.get(rj, [rj])
        if len(mi) > 1 or len(mj) > 1:
            roots = (ri, rj) if ri < rj else (rj, ri)
            if roots in apart:
                continue
            if between(mi, mj) if between else any(conflict(x, y) for x in mi for y in mj):
                apart.add(roots)
                continue
        elif direct_conflict is not None and direct_conflict(i, j):
            continue
        if sources is not None:
            hi, hj = holds(ri), holds(rj)
            if any(hi.get(code, 0) + k > SOURCE_CAP for code, k in hj.items()):
                continue
            merged = dict(hi)
            for code, k in hj.items():
                merged[code] = merged.get(code, 0) + k
            held[ri] = held[rj] = merged
        if len(mi) < len(mj):
            ri, rj, mi, mj = rj, ri, mj, mi
        parent[rj] = ri
        members[ri] = mi + mj
        members.pop(rj, None)
        if sources is not None:
            held.pop(rj, None)
    labels = np.array([find(x) for x in range(n)], dtype=np.int64)
    # The smallest row of each cluster names it, as connected_components does.
    smallest = np.full(n, n, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n, dtype=np.int64))
    return smallest[labels]


def unambiguous_pairs(
    a: np.ndarray,
    b: np.ndarray,
    score: np.ndarray,
    conflict: Callable[[int, int], bool],
    margin: float,
) -> np.ndarray:
    """Which accepted pairs to cluster: not those of a record that fits two persons alike.

    A record whose best accepted partner and another accepted partner within ``margin`` (of the
    score, log2 odds) cannot be one person (``conflict``) could be either of them, and the
    evidence does not say which: joining it to the better one by a hair puts it with the wrong
    person about as often as with the right one, and brings that person's whole cluster along.
    Such a record keeps none of its pairs and stays on its own.  Where records carry little (a
    given name, one more name, a year) and many persons share that much, this is most of
    what goes wrong (bench/RESULTS.md).

    >>> unambiguous_pairs(np.array([0, 0]), np.array([1, 2]), np.array([5.0, 4.5]),
    ...                   lambda i, j: {i, j} == {1, 2}, 1.0).tolist()
    [False, False]
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    keep = np.ones(len(a), dtype=bool)
    if len(a) < 2:
        return keep
    ends = np.concatenate([a, b])
    other = np.concatenate([b, a])
    weight = np.concatenate([score, score])
    pair = np.concatenate([np.arange(len(a))] * 2)
    order = np.lexsort((-weight, ends))
    ends, other, weight, pair = ends[order], other[order], weight[order], pair[order]
    first = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])
    best = np.repeat(first, np.diff(np.r_[first, len(ends)]))
    # A rival: another partner of the same record, within the margin of its best one.
    rivals = np.flatnonzero((np.arange(len(ends)) != best) & (weight[best] - weight < margin))
    ambiguous = set()
    for k in rivals.tolist():
        s = int(best[k])
        if s not in ambiguous and conflict(int(other[s]), int(other[k])):
            ambiguous.add(s)
    for s in ambiguous:
        stop = s + 1
        while stop < len(ends) and ends[stop] == ends[s]:
            stop += 1
        keep[pair[s:stop]] = False
    return keep

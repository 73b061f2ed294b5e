"""Accuracy measures for the identity benchmark: pairwise and B-cubed, blocking recall, slices."""

from __future__ import annotations

import numpy as np


def _pair_codes(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    return lo * n + hi


def true_pairs(truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All within-person record pairs (row indices) for integer person labels ``truth``."""
    order = np.argsort(truth, kind="stable")
    sorted_truth = truth[order]
    starts = np.flatnonzero(np.r_[True, sorted_truth[1:] != sorted_truth[:-1]])
    sizes = np.diff(np.r_[starts, len(truth)])
    left, right = [], []
    for size in range(2, int(sizes.max(initial=1)) + 1):
        groups = starts[sizes == size]
        if not len(groups):
            continue
        for i in range(size):
            for j in range(i + 1, size):
                left.append(order[groups + i])
                right.append(order[groups + j])
    if not left:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    return np.concatenate(left), np.concatenate(right)


def _comb2(x: np.ndarray) -> float:
    x = x.astype(np.float64)
    return float((x * (x - 1) / 2).sum())


def cluster_scores(pred: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Pairwise precision/recall/F1 and B-cubed F1 of predicted cluster labels."""
    _, pred = np.unique(pred, return_inverse=True)
    _, truth = np.unique(truth, return_inverse=True)
    joint = pred.astype(np.int64) * (truth.max() + 1) + truth
    _, joint_counts = np.unique(joint, return_counts=True)
    pred_counts = np.bincount(pred)
    truth_counts = np.bincount(truth)
    tp = _comb2(joint_counts)
    pp, tt = _comb2(pred_counts), _comb2(truth_counts)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # B-cubed: per record, overlap of its predicted and true clusters.
    _, joint_inv = np.unique(joint, return_inverse=True)
    overlap = np.bincount(joint_inv)[joint_inv]
    b_p = float(np.mean(overlap / pred_counts[pred]))
    b_r = float(np.mean(overlap / truth_counts[truth]))
    b_f1 = 2 * b_p * b_r / (b_p + b_r)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "bcubed_f1": b_f1,
        "predicted_pairs": pp,
        "true_pairs": tt,
    }


def blocking_recall(cand_l: np.ndarray, cand_r: np.ndarray, truth: np.ndarray) -> tuple[float, int]:
    n = len(truth)
    tl, tr = true_pairs(truth)
    if not len(tl):
        return 1.0, len(cand_l)
    found = np.isin(_pair_codes(tl, tr, n), _pair_codes(cand_l, cand_r, n))
    return float(found.mean()), len(cand_l)


def slice_recall(pred: np.ndarray, truth: np.ndarray, in_slice: np.ndarray) -> float:
    """Recall over true pairs with at least one record in the slice."""
    tl, tr = true_pairs(truth)
    mask = in_slice[tl] | in_slice[tr]
    if not mask.any():
        return float("nan")
    return float((pred[tl[mask]] == pred[tr[mask]]).mean())

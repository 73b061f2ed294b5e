"""Clustering matched pairs into persons: connected components over accepted pairs."""

from __future__ import annotations

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

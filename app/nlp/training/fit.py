"""A logistic regression over named features, fitted by full-batch Adam in numpy. Every
step sees every example in the same order, so the same data give the same weights: no
sampling, no random initialisation (the weights start at zero)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np


def fit(rows: list[list[str]], labels: list[int], *, l2: float = 1.0, steps: int = 300,
        rate: float = 0.1, min_count: int = 2) -> dict[str, float]:
    """Weights for the features seen at least `min_count` times (always "bias")."""
    counts = Counter(f for feats in rows for f in set(feats))
    vocab = sorted(f for f, n in counts.items() if n >= min_count or f == "bias")
    index = {f: i for i, f in enumerate(vocab)}
    cols, owner = [], []
    for r, feats in enumerate(rows):
        for f in sorted(set(feats)):
            if f in index:
                cols.append(index[f])
                owner.append(r)
    col = np.asarray(cols, dtype=np.int64)
    row = np.asarray(owner, dtype=np.int64)
    y = np.asarray(labels, dtype=np.float64)
    n, v = len(rows), len(vocab)

    def gradient(w: np.ndarray) -> np.ndarray:
        z = np.bincount(row, weights=w[col], minlength=n)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return np.bincount(col, weights=(p - y)[row], minlength=v) / n + l2 * w / n

    w = _adam(gradient, v, steps, rate)
    return {f: float(x) for f, x in zip(vocab, w, strict=True)}


def fit_ranking(groups: list[list[list[str]]], gold: list[list[int]], *, l2: float = 1.0, steps: int = 300,
                rate: float = 0.1, min_count: int = 2) -> dict[str, float]:
    """Weights of a linear ranker: in each group of candidates (feature lists), the ones
    marked 1 in `gold` should score highest (a softmax over the group, its gold share
    spread evenly over the marked ones). Full-batch Adam from zero, as fit()."""
    counts = Counter(f for group in groups for feats in group for f in set(feats))
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    cols, owner, member, target = [], [], [], []
    r = 0
    for g, (group, marks) in enumerate(zip(groups, gold, strict=True)):
        positives = sum(marks)
        for feats, mark in zip(group, marks, strict=True):
            for f in sorted(set(feats)):
                if f in index:
                    cols.append(index[f])
                    owner.append(r)
            member.append(g)
            target.append(mark / positives)
            r += 1
    col = np.asarray(cols, dtype=np.int64)
    row = np.asarray(owner, dtype=np.int64)
    grp = np.asarray(member, dtype=np.int64)
    y = np.asarray(target, dtype=np.float64)
    n, v, ng = r, len(vocab), len(groups)

    def gradient(w: np.ndarray) -> np.ndarray:
        z = np.bincount(row, weights=w[col], minlength=n)
        top = np.full(ng, -np.inf)
        np.maximum.at(top, grp, z)
        e = np.exp(z - top[grp])
        p = e / np.bincount(grp, weights=e, minlength=ng)[grp]
        return np.bincount(col, weights=(p - y)[row], minlength=v) / ng + l2 * w / ng

    w = _adam(gradient, v, steps, rate)
    return {f: float(x) for f, x in zip(vocab, w, strict=True)}


def _adam(gradient: Callable[[np.ndarray], np.ndarray], size: int, steps: int, rate: float) -> np.ndarray:
    """Full-batch Adam from zero weights: the same gradients give the same weights."""
    w = np.zeros(size)
    m = np.zeros(size)
    s = np.zeros(size)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        grad = gradient(w)
        m = beta1 * m + (1 - beta1) * grad
        s = beta2 * s + (1 - beta2) * grad * grad
        w -= rate * (m / (1 - beta1**step)) / (np.sqrt(s / (1 - beta2**step)) + eps)
    return w

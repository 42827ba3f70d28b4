"""Two textbook learners for the three paradigms of machine learning: k-means (unsupervised) and least squares
(supervised)."""

import numpy as np

from compute._common import arr, jsonable

MAX_POINTS = 1000
MAX_ITER = 300


def _init_centres(x: np.ndarray, k: int) -> np.ndarray:
    """Deterministic farthest-point start: the first point, then repeatedly the point farthest from all chosen."""
    chosen = [0]
    for _ in range(1, k):
        d = ((x[:, None, :] - x[chosen][None, :, :]) ** 2).sum(-1).min(1)
        chosen.append(int(d.argmax()))
    return x[chosen].copy()


def kmeans(points: list[list[float]], k: int) -> dict:
    """k-means (Lloyd's algorithm) on unlabelled points: cluster of each point, centres, within-cluster SSE.

    Starts from farthest-point centres (deterministic) and alternates assign-to-nearest / move-to-mean until
    the assignment stops changing. Clusters are numbered in order of first appearance in `points`.

    Returns:
        labels: the cluster (0..k-1) of each point.
        centres: the mean of each cluster.
        sizes: the number of points in each cluster.
        inertia: the sum of squared distances of the points to their centres.
        order: the point indices sorted by cluster (stable), for drawing the points grouped.
        grouped: the points in that order.
        iterations: the number of assignment steps.
    """
    x = arr(points, "points", ndim=2)
    if not 1 <= k <= len(x) <= MAX_POINTS:
        raise ValueError(f"need 1 ≤ k ≤ number of points ≤ {MAX_POINTS}, got k = {k} and {len(x)} points")
    c = _init_centres(x, k)
    labels, steps = np.full(len(x), -1), 0
    while steps < MAX_ITER:
        steps += 1
        new = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
        if np.array_equal(new, labels):
            break
        labels = new
        c = np.array([x[labels == j].mean(0) if np.any(labels == j) else c[j] for j in range(k)])
    first = {lab: i for i, lab in reversed(list(enumerate(labels)))}
    rank = {lab: r for r, lab in enumerate(sorted(first, key=first.get))}
    labels = np.array([rank[lab] for lab in labels])
    c = np.array([x[labels == j].mean(0) for j in range(len(rank))])
    order = np.argsort(labels, kind="stable")
    inertia = float(((x - c[labels]) ** 2).sum())
    return jsonable({"labels": labels, "centres": c, "sizes": np.bincount(labels, minlength=len(rank)),
                     "inertia": inertia, "order": order, "grouped": x[order], "iterations": steps})


def linear_fit(x: list[float], y: list[float]) -> dict:
    """Least-squares line ŷ = w·x + b fitted to labelled samples: predictions, errors and the mean squared loss.

    Returns:
        w: the slope.
        b: the intercept.
        predictions: ŷ of each sample.
        errors: ŷ − y of each sample.
        squared: (ŷ − y)² of each sample.
        mse: the mean of the squared errors (the loss).
    """
    xs, ys = arr(x, "x", ndim=1), arr(y, "y", ndim=1)
    if xs.size != ys.size or xs.size < 2 or np.ptp(xs) == 0:
        raise ValueError("x and y need the same length (≥ 2) and x at least two distinct values")
    w = float(((xs - xs.mean()) * (ys - ys.mean())).sum() / ((xs - xs.mean()) ** 2).sum())
    b = float(ys.mean() - w * xs.mean())
    pred = w * xs + b
    err = pred - ys
    return jsonable({"w": w, "b": b, "predictions": pred, "errors": err, "squared": err ** 2,
                     "mse": float((err ** 2).mean())})

"""Binary classification metrics: confusion matrix, precision/recall/F1, ROC and precision–recall curves.

Conventions as scikit-learn: positive label 1, a score >= threshold predicts positive, undefined ratios
(0/0) are 0 (zero_division="warn" behaviour), ROC AUC by the trapezoid rule (ties count ½), the PR curve
has one point per distinct score and starts at (recall 0, precision 1) (as precision_recall_curve).
"""

import numpy as np

from compute._common import arr, jsonable


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def classification(y_true: list[int], y_score: list[float], threshold: float = 0.5) -> dict:
    """Confusion counts and precision/recall/F1/accuracy at a threshold, plus ROC and PR curves and AUC.

    Returns:
        tp: true positives at the threshold.
        fp: false positives.
        fn: false negatives.
        tn: true negatives.
        precision: tp / (tp + fp).
        recall: tp / (tp + fn), the true-positive rate.
        f1: harmonic mean of precision and recall.
        accuracy: (tp + tn) / n.
        error_rate: (fp + fn) / n, the share of wrong predictions (1 − accuracy).
        fpr: fp / (fp + tn) at the threshold.
        roc: {fpr, tpr} points from (0, 0) to (1, 1), one per distinct score (descending).
        pr: {recall, precision} points, (0, 1) then one per distinct score (descending).
        pr_step: {recall, precision} of the PR curve as a step plot: precision P_k held over recall
            (R_{k−1}, R_k] for each k where recall grows, so the area under it is the average precision.
        auc: area under the ROC curve.
        average_precision: Σ (R_k − R_{k−1}) P_k over the PR points (sklearn's AP).
    """
    y = np.asarray(y_true)
    s = arr(y_score, "y_score", ndim=1)
    if y.shape != s.shape or y.size == 0:
        raise ValueError("y_true and y_score must be non-empty and of the same length")
    if not np.isin(y, [0, 1]).all():
        raise ValueError("y_true must contain only 0 and 1")
    y = y.astype(bool)
    pred = s >= threshold
    tp, fp = int((pred & y).sum()), int((pred & ~y).sum())
    fn, tn = int((~pred & y).sum()), int((~pred & ~y).sum())
    precision, recall = _div(tp, tp + fp), _div(tp, tp + fn)
    f1 = _div(2 * precision * recall, precision + recall)
    P, N = int(y.sum()), int((~y).sum())
    if P == 0 or N == 0:
        raise ValueError("y_true needs both classes for ROC/PR curves")
    thresholds = np.unique(s)[::-1]
    tps = np.array([(y & (s >= t)).sum() for t in thresholds], dtype=float)
    fps = np.array([(~y & (s >= t)).sum() for t in thresholds], dtype=float)
    tpr, fpr_curve = np.r_[0.0, tps / P], np.r_[0.0, fps / N]
    pr_rec, pr_prec = np.r_[0.0, tps / P], np.r_[1.0, tps / (tps + fps)]
    grow = np.flatnonzero(np.diff(pr_rec) > 0) + 1  # the k with R_k > R_{k−1} (others add no area)
    step_rec = np.column_stack([pr_rec[grow - 1], pr_rec[grow]]).ravel()  # R_{k−1}, R_k for each such k
    step_prec = np.repeat(pr_prec[grow], 2)  # P_k, P_k
    return jsonable({
        "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall, "f1": f1,
        "accuracy": (tp + tn) / y.size, "error_rate": (fp + fn) / y.size, "fpr": _div(fp, fp + tn),
        "roc": {"fpr": fpr_curve, "tpr": tpr}, "pr": {"recall": pr_rec, "precision": pr_prec},
        "pr_step": {"recall": step_rec, "precision": step_prec},
        "auc": float(np.sum(np.diff(fpr_curve) * (tpr[1:] + tpr[:-1]) / 2)),
        "average_precision": float(np.sum(np.diff(pr_rec) * pr_prec[1:])),
    })

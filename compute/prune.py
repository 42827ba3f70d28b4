"""Magnitude pruning (unstructured, L1): zero the weights of smallest |w|, as torch.nn.utils.prune.l1_unstructured."""

import math

import numpy as np

from compute._common import arr, jsonable


def init_linear(in_features: int, out_features: int, seed: int = 0) -> dict:
    """A Linear layer's weight drawn as torch initialises it, U(−1/√in, 1/√in), with a seeded numpy generator.

    Returns:
        weight: out_features × in_features (torch layout: row j holds the weights into output j).
        bound: 1/√in_features.
    """
    if not (1 <= in_features <= 64 and 1 <= out_features <= 64):
        raise ValueError(f"in_features and out_features must be in 1..64, got {in_features}, {out_features}")
    bound = 1 / math.sqrt(in_features)
    w = np.random.default_rng(seed).uniform(-bound, bound, size=(out_features, in_features))
    return jsonable({"weight": w, "bound": bound})


def magnitude(weights: list[list[float]], amount: float = 0.5) -> dict:
    """Prune the round(amount·n) weights of smallest magnitude (ties: first in row-major order).

    Returns:
        mask: True where a weight is kept (torch's weight_mask as booleans).
        pruned: the weights with the pruned ones set to 0.
        threshold: the largest pruned magnitude: every |w| at or below it is removed.
        smallest_kept: the smallest kept magnitude.
        pruned_count: how many weights were removed.
        kept_count: how many remain.
        sparsity: pruned_count / n.
        sorted_magnitudes: all |w| in increasing order (for a bar chart).
        sorted_kept: for each sorted magnitude, whether it is kept.
        kept_per_row: kept weights per output row (connections left into each output).
    """
    w = arr(weights, "weights", ndim=2)
    if not 0 <= amount <= 1:
        raise ValueError(f"amount must be a fraction in [0, 1], got {amount}")
    flat = np.abs(w).ravel()
    k = round(amount * flat.size)  # torch: round(amount * tensor.nelement())
    order = np.argsort(flat, kind="stable")
    keep = np.ones(flat.size, dtype=bool)
    keep[order[:k]] = False
    mask = keep.reshape(w.shape)
    srt = flat[order]
    return jsonable({"mask": mask, "pruned": np.where(mask, w, 0.0),
                     "threshold": float(srt[k - 1]) if k else 0.0,
                     "smallest_kept": float(srt[k]) if k < flat.size else 0.0,
                     "pruned_count": k, "kept_count": int(flat.size - k), "sparsity": k / flat.size,
                     "sorted_magnitudes": srt, "sorted_kept": keep[order], "kept_per_row": mask.sum(1)})

"""Shared helpers for compute/: array conversion, JSON-safe results, argument checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def arr(values: Any, name: str = "values", ndim: int | None = None) -> np.ndarray:
    """A float64 array from list input; rejects NaN/inf and (optionally) the wrong number of dimensions."""
    a = np.asarray(values, dtype=np.float64)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {list(a.shape)}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must contain only finite numbers")
    return a


def weighted(values: Any, probs: Any, vname: str, pname: str) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D vector and a probability distribution over it, checked: same length, p ≥ 0, Σp = 1."""
    v, p = arr(values, vname, ndim=1), arr(probs, pname, ndim=1)
    if v.shape != p.shape:
        raise ValueError(f"{vname} and {pname} must have the same length, got {v.size} and {p.size}")
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError(f"{pname} must be a probability distribution (sums to {p.sum():.6g})")
    return v, p


def jsonable(x: Any) -> Any:
    """Plain Python floats/ints/bools/str/lists/dicts; numpy scalars and arrays converted; NaN/inf refused."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        if not math.isfinite(f):
            raise ValueError(f"result is not finite: {f}")
        return 0.0 if f == 0.0 else f  # no negative zero in output
    if x is None or isinstance(x, str):
        return x
    raise TypeError(f"not JSON-serialisable: {type(x).__name__}")


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax (subtract the max)."""
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """x - logsumexp(x), stable."""
    m = np.max(z, axis=axis, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function without overflow for large |x|."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """log σ(x) = -log(1 + e^-x), stable."""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


def positive(value: float, name: str) -> float:
    """The value, or a ValueError saying it must be > 0."""
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return float(value)


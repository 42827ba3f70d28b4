"""Next-token distributions: softmax with temperature, top-k and top-p truncation, seeded sampling.

Conventions follow the Hugging Face logits warpers (transformers 5.x `generation/logits_process.py`):
temperature is applied first (`logits / T`), then top-k, then top-p; the truncated distribution is the
softmax over the kept tokens (equivalently, removed logits set to -inf).
"""

import numpy as np

from compute._common import arr, jsonable, positive
from compute._common import softmax as _softmax

# cumulative mass within this of p counts as reaching p (float noise in hand-typed specs)
TOP_P_TOLERANCE = 1e-12


def _scaled(logits: list[float], temperature: float) -> np.ndarray:
    z = arr(logits, "logits", ndim=1)
    if z.size == 0:
        raise ValueError("logits must not be empty")
    return z / positive(temperature, "temperature")


def softmax(logits: list[float], temperature: float = 1.0) -> dict:
    """Softmax of logits / temperature: the probability of every token.

    Returns:
        probs: softmax(logits / temperature), one per logit, sums to 1.
    """
    return jsonable({"probs": _softmax(_scaled(logits, temperature))})


def _masked_probs(z: np.ndarray, kept: np.ndarray) -> np.ndarray:
    probs = np.zeros_like(z)
    probs[kept] = _softmax(z[kept])
    return probs


def top_k(logits: list[float], k: int, temperature: float = 1.0) -> dict:
    """Top-k truncation: keep the k most likely tokens (ties with the k-th value are kept), renormalise.

    Returns:
        base_probs: softmax(logits / temperature) before truncation.
        probs: renormalised over the kept tokens, 0 elsewhere.
        kept: one bool per token, True when it stays in the sampling pool.
        n_kept: number of kept tokens (more than k only when the k-th value is tied).
        kept_mass: total base probability of the kept tokens.
    """
    z = _scaled(logits, temperature)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    kk = min(int(k), z.size)
    kth = np.sort(z)[::-1][kk - 1]
    kept = z >= kth  # HF: remove scores < k-th largest, so ties with it stay
    base = _softmax(z)
    return jsonable({"base_probs": base, "probs": _masked_probs(z, kept), "kept": kept,
                     "n_kept": int(kept.sum()), "kept_mass": float(base[kept].sum())})


def top_p(logits: list[float], p: float, temperature: float = 1.0) -> dict:
    """Top-p (nucleus) truncation: keep the smallest most-likely prefix with mass >= p (crossing token kept).

    Returns:
        base_probs: softmax(logits / temperature) before truncation.
        order: token indices sorted by descending probability (stable: equal probabilities keep input order).
        cumulative: running sum of base_probs along `order`.
        probs: renormalised over the kept tokens, 0 elsewhere.
        kept: one bool per token, True when it stays in the sampling pool.
        n_kept: number of kept tokens.
        cumulative_kept: base probability mass of the kept tokens (>= p).
    """
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    z = _scaled(logits, temperature)
    base = _softmax(z)
    order = np.argsort(-base, kind="stable")
    cum = np.cumsum(base[order])
    n = int(np.argmax(cum >= p - TOP_P_TOLERANCE)) + 1 if p < 1 else z.size
    kept = np.zeros(z.size, dtype=bool)
    kept[order[:n]] = True
    return jsonable({"base_probs": base, "order": order, "cumulative": cum, "probs": _masked_probs(z, kept),
                     "kept": kept, "n_kept": n, "cumulative_kept": float(cum[n - 1])})


def temperature_curves(logits: list[float], temperatures: list[float]) -> dict:
    """Softmax of the same logits at several temperatures (low T sharpens, high T flattens).

    Returns:
        temperatures: the temperatures, as given.
        probs: one probability list per temperature.
        entropy: Shannon entropy (nats) of each distribution.
        max_prob: the largest probability of each distribution.
    """
    rows = [_softmax(_scaled(logits, t)) for t in temperatures]
    ent = [float(-(r[r > 0] * np.log(r[r > 0])).sum()) for r in rows]
    return jsonable({"temperatures": [float(t) for t in temperatures], "probs": rows, "entropy": ent,
                     "max_prob": [float(r.max()) for r in rows]})


MAX_SAMPLES = 1_000_000


def multinomial(logits: list[float], n: int = 1, seed: int = 0, temperature: float = 1.0) -> dict:
    """Multinomial sampling over the whole vocabulary: softmax(logits / T), then n seeded draws (numpy PCG64).

    Returns:
        probs: softmax(logits / temperature).
        samples: the n drawn token indices, in draw order.
        counts: how often each token was drawn.
        frequencies: counts / n.
    """
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"n must be in [1, {MAX_SAMPLES}], got {n}")
    probs = _softmax(_scaled(logits, temperature))
    rng = np.random.default_rng(seed)
    samples = rng.choice(probs.size, size=n, p=probs)
    counts = np.bincount(samples, minlength=probs.size)
    return jsonable({"probs": probs, "samples": samples, "counts": counts, "frequencies": counts / n})

"""ALiBi attention biases (Press et al. 2022): per-head slopes and the linear distance penalty."""

import math

import numpy as np

from compute._common import arr, jsonable, softmax

MAX_SEQ = 512


def _slopes(n: int) -> list[float]:
    def power_of_2(k: int) -> list[float]:
        start = 2 ** (-(2 ** -(math.log2(k) - 3)))
        return [start * start ** i for i in range(k)]

    if math.log2(n).is_integer():
        return power_of_2(n)
    closest = 2 ** math.floor(math.log2(n))
    return power_of_2(closest) + _slopes(2 * closest)[0::2][:n - closest]


def slopes(n_heads: int) -> dict:
    """Head-specific ALiBi slopes m_h: 2^(−8h/H) for H a power of 2, interleaved from 2H otherwise (fairseq).

    Returns:
        slopes: one slope per head (head 1 first).
        heads: the head numbers 1 … H (a chart's categories).
    """
    if n_heads < 1:
        raise ValueError(f"n_heads must be >= 1, got {n_heads}")
    return jsonable({"slopes": _slopes(n_heads), "heads": list(range(1, n_heads + 1))})


def bias(n_heads: int, seq_len: int, causal: bool = True) -> dict:
    """ALiBi bias −m_h·(i−j) added to the attention score of query i on key j, per head.

    With causal = True only keys j <= i are attended; the future positions hold 0 in `bias` and False in
    `allowed` (the causal mask removes them). With causal = False the bias is −m_h·|i−j|.

    Returns:
        slopes: one slope per head.
        heads: the head numbers 1 … H.
        distance: seq × seq table of i − j.
        bias: heads × seq × seq biases.
        allowed: seq × seq, True where query i may attend to key j.
    """
    if not 1 <= seq_len <= MAX_SEQ:
        raise ValueError(f"seq_len must be in [1, {MAX_SEQ}], got {seq_len}")
    sl = slopes(n_heads)
    m = np.array(sl["slopes"])
    i = np.arange(seq_len)
    dist = i[:, None] - i[None, :]
    allowed = dist >= 0 if causal else np.ones_like(dist, dtype=bool)
    b = -m[:, None, None] * np.abs(dist)[None]
    b = np.where(allowed[None], b, 0.0)
    return jsonable({"slopes": m, "heads": sl["heads"], "distance": dist, "bias": b, "allowed": allowed})


def attention(scores: list[list[float]], n_heads: int, head: int = 1) -> dict:
    """One head of causal ALiBi attention: scores − m_h·(i−j), then the row softmax over the keys j ≤ i.

    `scores` is the seq × seq matrix of raw scores q_i·k_j/√d (entries above the diagonal are ignored);
    `head` counts from 1.

    Returns:
        slope: m of this head.
        bias: seq × seq, −m·(i−j) where j ≤ i, null above the diagonal.
        biased: seq × seq, scores + bias where j ≤ i, null above the diagonal (−∞ before the softmax).
        weights: seq × seq attention weights (softmax of each row of `biased`; 0 above the diagonal).
        weights_no_bias: the same softmax of the raw scores, for comparison.
    """
    s = arr(scores, "scores", ndim=2)
    n = s.shape[0]
    if s.shape != (n, n) or not 1 <= n <= MAX_SEQ:
        raise ValueError(f"scores must be a square matrix of side 1..{MAX_SEQ}, got shape {list(s.shape)}")
    if not 1 <= head <= n_heads:
        raise ValueError(f"head must be in [1, {n_heads}], got {head}")
    out = bias(n_heads, n)
    allowed = np.array(out["allowed"])
    b = np.array(out["bias"][head - 1])

    def masked_softmax(z: np.ndarray) -> np.ndarray:
        return softmax(np.where(allowed, z, -np.inf), axis=-1)

    def lower(z: np.ndarray) -> list:
        return [[float(z[i, j]) if allowed[i, j] else None for j in range(n)] for i in range(n)]

    return jsonable({"slope": out["slopes"][head - 1], "bias": lower(b), "biased": lower(s + b),
                     "weights": masked_softmax(s + b), "weights_no_bias": masked_softmax(s)})

"""ALiBi attention biases (Press et al. 2022): per-head slopes and the linear distance penalty."""

import math

import numpy as np

from compute._common import jsonable

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
    """
    if n_heads < 1:
        raise ValueError(f"n_heads must be >= 1, got {n_heads}")
    return jsonable({"slopes": _slopes(n_heads)})


def bias(n_heads: int, seq_len: int, causal: bool = True) -> dict:
    """ALiBi bias −m_h·(i−j) added to the attention score of query i on key j, per head.

    With causal = True only keys j <= i are attended; the future positions hold 0 in `bias` and False in
    `allowed` (the causal mask removes them). With causal = False the bias is −m_h·|i−j|.

    Returns:
        slopes: one slope per head.
        distance: seq × seq table of i − j.
        bias: heads × seq × seq biases.
        allowed: seq × seq, True where query i may attend to key j.
    """
    if not 1 <= seq_len <= MAX_SEQ:
        raise ValueError(f"seq_len must be in [1, {MAX_SEQ}], got {seq_len}")
    m = np.array(slopes(n_heads)["slopes"])
    i = np.arange(seq_len)
    dist = i[:, None] - i[None, :]
    allowed = dist >= 0 if causal else np.ones_like(dist, dtype=bool)
    b = -m[:, None, None] * np.abs(dist)[None]
    b = np.where(allowed[None], b, 0.0)
    return jsonable({"slopes": m, "distance": dist, "bias": b, "allowed": allowed})

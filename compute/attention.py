"""Attention bookkeeping: MHA/GQA/MQA head sharing, KV-cache sizes and the causal mask."""

from typing import Literal

import numpy as np

from compute._common import jsonable

BYTES_PER_ELEMENT = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}
Dtype = Literal["fp32", "fp16", "bf16", "fp8", "int8", "int4"]


def _kind(n_heads: int, n_kv_heads: int) -> str:
    return "MHA" if n_kv_heads == n_heads else "MQA" if n_kv_heads == 1 else "GQA"


def head_groups(n_heads: int, n_kv_heads: int) -> dict:
    """Which key/value head each query head reads (GQA: consecutive query heads share one, as repeat_kv).

    Returns:
        kind: "MHA" (one KV head per query head), "GQA" or "MQA" (a single KV head).
        group_size: query heads per KV head.
        kv_head: for each query head, the index of its KV head.
        groups: for each KV head, the query heads that use it.
    """
    if n_heads < 1 or n_kv_heads < 1 or n_heads % n_kv_heads:
        raise ValueError(f"n_kv_heads must divide n_heads (both >= 1), got {n_heads} and {n_kv_heads}")
    g = n_heads // n_kv_heads
    kv = [h // g for h in range(n_heads)]
    return jsonable({"kind": _kind(n_heads, n_kv_heads), "group_size": g, "kv_head": kv,
                     "groups": [list(range(k * g, (k + 1) * g)) for k in range(n_kv_heads)]})


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def kv_cache_bytes(layers: int, heads: int, kv_heads: int, head_dim: int, seq_len: int, batch: int = 1,
                   dtype: Dtype = "fp16") -> dict:
    """KV-cache size 2 (K and V) × layers × kv_heads × head_dim × seq_len × batch × bytes per element.

    Returns:
        bytes: cache size with the given kv_heads.
        per_token_bytes: bytes added per generated token (batch 1).
        mha_bytes: the same model with kv_heads = heads.
        gqa_bytes: with the given kv_heads (equal to bytes).
        mqa_bytes: with a single KV head.
        kind: "MHA", "GQA" or "MQA" for the given kv_heads.
        bytes_per_element: size of one cached number in `dtype`.
    """
    head_groups(heads, kv_heads)  # validates divisibility
    for name, v in (("layers", layers), ("head_dim", head_dim), ("seq_len", seq_len), ("batch", batch)):
        if v < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")
    if dtype not in BYTES_PER_ELEMENT:
        raise ValueError(f"dtype must be one of {', '.join(BYTES_PER_ELEMENT)}, got {dtype!r}")
    bpe = BYTES_PER_ELEMENT[dtype]

    def size(kv: int, s: int = seq_len, b: int = batch) -> int | float:
        return _num(2 * layers * kv * head_dim * s * b * bpe)

    return jsonable({"bytes": size(kv_heads), "per_token_bytes": size(kv_heads, 1, 1),
                     "mha_bytes": size(heads), "gqa_bytes": size(kv_heads), "mqa_bytes": size(1),
                     "kind": _kind(heads, kv_heads), "bytes_per_element": _num(bpe)})


def causal_mask(seq_len: int, masked_value: float = -1e9) -> dict:
    """Additive causal mask: 0 where query i may see key j (j <= i), `masked_value` above the diagonal.

    Returns:
        mask: seq × seq additive mask.
        allowed: seq × seq booleans (True on and below the diagonal).
    """
    if not 1 <= seq_len <= 512:
        raise ValueError(f"seq_len must be in [1, 512], got {seq_len}")
    allowed = np.tril(np.ones((seq_len, seq_len), dtype=bool))
    return jsonable({"mask": np.where(allowed, 0.0, float(masked_value)), "allowed": allowed})


def mla_cache_bytes(layers: int, latent_dim: int, rope_dim: int, seq_len: int, batch: int = 1,
                    dtype: Dtype = "fp16") -> dict:
    """MLA cache size (DeepSeek-V2): per token and layer the latent c^KV (latent_dim) and the RoPE key k^R.

    Size = layers × (latent_dim + rope_dim) × seq_len × batch × bytes per element; K and V of every head
    are rebuilt from c^KV by up-projections, so they are not cached.

    Returns:
        bytes: cache size.
        per_token_bytes: bytes added per generated token (batch 1).
        elements_per_token_layer: latent_dim + rope_dim.
    """
    for name, v in (("layers", layers), ("latent_dim", latent_dim), ("seq_len", seq_len), ("batch", batch)):
        if v < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")
    if rope_dim < 0:
        raise ValueError(f"rope_dim must be >= 0, got {rope_dim}")
    if dtype not in BYTES_PER_ELEMENT:
        raise ValueError(f"dtype must be one of {', '.join(BYTES_PER_ELEMENT)}, got {dtype!r}")
    bpe = BYTES_PER_ELEMENT[dtype]
    per = latent_dim + rope_dim
    return jsonable({"bytes": _num(layers * per * seq_len * batch * bpe), "per_token_bytes": _num(layers * per * bpe),
                     "elements_per_token_layer": per})


def causal_softmax(scores: list[list[float]], head_dim: int | None = None) -> dict:
    """Attention weights from raw scores: optional 1/sqrt(head_dim) scaling, the causal mask, row softmax.

    Returns:
        scaled: the scores after scaling (all cells: q·k exists everywhere before the mask).
        masked: the scaled scores where j <= i, None above the diagonal (−∞ once the mask is added).
        weights: softmax of each row over its visible keys; 0 above the diagonal; each row sums to 1.
        allowed: seq × seq booleans (True on and below the diagonal).
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 2 or s.shape[0] != s.shape[1] or not 1 <= s.shape[0] <= 64 or not np.all(np.isfinite(s)):
        raise ValueError(f"scores must be a square matrix of finite numbers, at most 64 × 64, got {scores!r}")
    if head_dim is not None and head_dim < 1:
        raise ValueError(f"head_dim must be >= 1, got {head_dim}")
    scaled = s / np.sqrt(head_dim) if head_dim else s
    allowed = np.tril(np.ones(s.shape, dtype=bool))
    z = np.where(allowed, scaled, -np.inf)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    weights = e / e.sum(axis=1, keepdims=True)
    masked = [[float(v) if ok else None for v, ok in zip(row, arow, strict=True)]
              for row, arow in zip(scaled, allowed, strict=True)]
    return jsonable({"scaled": scaled, "masked": masked, "weights": weights, "allowed": allowed})

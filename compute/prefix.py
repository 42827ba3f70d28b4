"""Prefix-Tuning (Li & Liang, 2021): trainable key/value vectors prepended at every layer of a frozen decoder.

Conventions of peft's PrefixTuningConfig without the reparameterisation MLP (prefix_projection=False): one
embedding of num_virtual_tokens × (layers · 2 · kv_heads · head_dim) numbers, read as past key/values.
"""

from compute._common import jsonable

MAX_SEQ = 64


def shapes(layers: int, prefix_len: int, hidden_size: int, heads: int, kv_heads: int, seq_len: int,
           batch: int = 1, head_dim: int | None = None) -> dict:
    """Trainable parameters and tensor shapes of a prefix of `prefix_len` virtual tokens on a frozen decoder.

    Every layer gets its own prefix keys and values (kv_heads · head_dim numbers each per virtual token); the
    real tokens attend to all prefix positions and, causally, to the real tokens before them.

    Returns:
        head_dim: hidden_size / heads unless given.
        kv_dim: numbers per key (or value) vector of one position: kv_heads · head_dim.
        per_layer: trainable numbers of one layer's prefix: 2 (K and V) · prefix_len · kv_dim.
        params: all trainable numbers: layers · per_layer.
        key_shape: one layer's prefix keys (also the values): [batch, kv_heads, prefix_len, head_dim].
        cache_shape: one layer's keys during the forward pass: [batch, kv_heads, prefix_len + seq_len, head_dim].
        key_len: prefix_len + seq_len positions a query can attend to at most.
        allowed: seq_len × (prefix_len + seq_len) booleans: real token i may attend to key position j.
        prefix_cols: per key position, True for the prefix.
    """
    if min(layers, prefix_len, hidden_size, heads, kv_heads, seq_len, batch) < 1:
        raise ValueError("layers, prefix_len, hidden_size, heads, kv_heads, seq_len and batch must be >= 1")
    if heads % kv_heads:
        raise ValueError(f"heads ({heads}) must be a multiple of kv_heads ({kv_heads})")
    if prefix_len + seq_len > MAX_SEQ:
        raise ValueError(f"prefix_len + seq_len must be <= {MAX_SEQ}, got {prefix_len + seq_len}")
    hd = head_dim or hidden_size // heads
    kv_dim = kv_heads * hd
    per_layer = 2 * prefix_len * kv_dim
    allowed = [[j < prefix_len or j - prefix_len <= i for j in range(prefix_len + seq_len)] for i in range(seq_len)]
    return jsonable({"head_dim": hd, "kv_dim": kv_dim, "per_layer": per_layer, "params": layers * per_layer,
                     "key_shape": [batch, kv_heads, prefix_len, hd],
                     "cache_shape": [batch, kv_heads, prefix_len + seq_len, hd], "key_len": prefix_len + seq_len,
                     "allowed": allowed, "prefix_cols": [j < prefix_len for j in range(prefix_len + seq_len)]})

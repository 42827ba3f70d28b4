"""A tiny seeded Llama-style causal LM in numpy that also returns every layer's hidden state.

The weights are `rlhf_models.tiny_weights` (named as transformers' LlamaForCausalLM state dict); the forward
pass is the same as `rlhf_models.value_head`. Used by the decoding strategies that read a model's inside:
speculative decoding (a draft that is the target's first layers), contrastive search (hidden states) and
DoLa (early-exit logits of each layer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compute._common import softmax
from compute.rlhf_models import _rms, _rope, check_shape, tiny_weights


@dataclass(frozen=True)
class TinyLM:
    """Weights plus the shape fields a forward pass needs; `layers` may be fewer than the weights hold."""

    weights: dict[str, np.ndarray]
    vocab: int
    hidden_size: int
    layers: int
    heads: int
    kv_heads: int
    eps: float = 1e-6
    rope_base: float = 10000.0


def build(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
          seed: int = 0, init_std: float = 1.0) -> TinyLM:
    """A seeded random model (validated shapes)."""
    check_shape(vocab, hidden_size, layers, heads, kv_heads, intermediate_size)
    w = tiny_weights(vocab, hidden_size, layers, heads, kv_heads, intermediate_size, seed, init_std)
    return TinyLM({k: v for k, v in w.items() if not k.startswith("v_head")}, vocab, hidden_size, layers,
                  heads, kv_heads)


def truncated(model: TinyLM, layers: int) -> TinyLM:
    """The same model cut after its first `layers` decoder layers (final norm and LM head kept)."""
    if not 1 <= layers <= model.layers:
        raise ValueError(f"layers must be in [1, {model.layers}], got {layers}")
    keep = {k: v for k, v in model.weights.items()
            if not k.startswith("model.layers.") or int(k.split(".")[2]) < layers}
    return TinyLM(keep, model.vocab, model.hidden_size, layers, model.heads, model.kv_heads, model.eps,
                  model.rope_base)


def check_ids(model: TinyLM, ids: list[int], name: str = "input_ids") -> np.ndarray:
    """The ids as an array, each in [0, vocab)."""
    a = np.asarray(ids)
    if a.ndim != 1 or not a.size or np.any(a < 0) or np.any(a >= model.vocab):
        raise ValueError(f"{name} must be a non-empty list of ids in [0, {model.vocab}), got {list(ids)}")
    return a.astype(int)


def forward(model: TinyLM, ids: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """(residual stream after the embedding and after each layer, last hidden state after the final norm,
    logits): seq × hidden arrays and seq × vocab."""
    w, s = model.weights, len(ids)
    hd = model.hidden_size // model.heads
    group = model.heads // model.kv_heads
    h = w["model.embed_tokens.weight"][ids]
    stream = [h]
    mask = np.triu(np.full((s, s), -np.inf), 1)
    for i in range(model.layers):
        p = f"model.layers.{i}."
        x = _rms(h, w[p + "input_layernorm.weight"], model.eps)
        q = (x @ w[p + "self_attn.q_proj.weight"].T).reshape(s, model.heads, hd).transpose(1, 0, 2)
        k = (x @ w[p + "self_attn.k_proj.weight"].T).reshape(s, model.kv_heads, hd).transpose(1, 0, 2)
        v = (x @ w[p + "self_attn.v_proj.weight"].T).reshape(s, model.kv_heads, hd).transpose(1, 0, 2)
        q, k = _rope(q, model.rope_base), np.repeat(_rope(k, model.rope_base), group, axis=0)
        att = softmax(q @ k.transpose(0, 2, 1) / np.sqrt(hd) + mask)
        o = (att @ np.repeat(v, group, axis=0)).transpose(1, 0, 2).reshape(s, model.heads * hd)
        h = h + o @ w[p + "self_attn.o_proj.weight"].T
        x = _rms(h, w[p + "post_attention_layernorm.weight"], model.eps)
        g = x @ w[p + "mlp.gate_proj.weight"].T
        h = h + (g / (1 + np.exp(-g)) * (x @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
        stream.append(h)
    last = _rms(h, w["model.norm.weight"], model.eps)
    return stream, last, last @ w["lm_head.weight"].T


def early_exit_logits(model: TinyLM, stream: list[np.ndarray]) -> list[np.ndarray]:
    """Logits of every layer's residual stream read through the final norm and the LM head (early exit)."""
    w = model.weights
    return [_rms(h, w["model.norm.weight"], model.eps) @ w["lm_head.weight"].T for h in stream]

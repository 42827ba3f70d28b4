"""Shapes and numbers of a decoder-only LLM's output layer (LM head + softmax)."""

import math

import numpy as np

from compute._common import arr, jsonable, softmax


def output_layer(vocab: int, hidden_size: int, seq_len: int, last_logits: list[float],
                 tokens: list[str] | None = None) -> dict:
    """LM head shapes and the next-token probabilities; the softmax is over the shown candidate logits only.

    A real LM head produces `vocab` logits per position; a diagram shows a few candidates. `probs` is the
    exact softmax over the logits given in `last_logits` (i.e. the distribution renormalised over those
    candidates), so the printed probabilities are consistent with the printed logits.

    Returns:
        hidden_shape: [seq_len, hidden_size], the last decoder layer's hidden states.
        weight_shape: [hidden_size, vocab], the LM head projection.
        logits_shape: [seq_len, vocab], logits for every position.
        last_logits: the shown last-position logits, as given.
        probs: softmax over the shown candidate logits.
        argmax: index of the largest logit (first on ties), the greedy choice.
        argmax_token: tokens[argmax] when tokens are given, else "".
        chosen: one flag per candidate, true only at argmax (bar highlights, cell states).
        order: candidate indices by descending probability (stable).
    """
    for name, v in (("vocab", vocab), ("hidden_size", hidden_size), ("seq_len", seq_len)):
        if v < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")
    z = arr(last_logits, "last_logits", ndim=1)
    if not 1 <= z.size <= vocab:
        raise ValueError(f"last_logits must have 1..vocab ({vocab}) values, got {z.size}")
    if tokens is not None and len(tokens) != z.size:
        raise ValueError(f"tokens must have one entry per logit ({z.size}), got {len(tokens)}")
    probs = softmax(z)
    i = int(np.argmax(z))
    return jsonable({
        "hidden_shape": [seq_len, hidden_size], "weight_shape": [hidden_size, vocab],
        "logits_shape": [seq_len, vocab], "last_logits": z, "probs": probs, "argmax": i,
        "argmax_token": tokens[i] if tokens is not None else "", "chosen": [j == i for j in range(z.size)],
        "order": np.argsort(-probs, kind="stable"),
    })


def param_count(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
                head_dim: int | None = None, tied_embeddings: bool = False, qkv_bias: bool = False) -> dict:
    """Parameter count of a Llama/Qwen-style decoder (GQA attention, SwiGLU MLP, RMSNorm, no other biases).

    Qwen2.5-0.5B (vocab 151936, hidden 896, 24 layers, 14 heads, 2 KV heads, MLP 4864, tied, qkv_bias)
    gives 494,032,768.

    Returns:
        total: all parameters.
        embedding: vocab × hidden.
        lm_head: hidden × vocab (0 when tied to the embedding).
        per_layer: parameters of one decoder layer.
        attention: per layer, q/k/v/o projections (+ q/k/v biases).
        mlp: per layer, gate/up/down projections (3·hidden·intermediate).
        norms: per layer, the two RMSNorm weights (2·hidden); the final norm adds hidden once.
    """
    hd = head_dim or hidden_size // heads
    attn = hidden_size * heads * hd * 2 + hidden_size * kv_heads * hd * 2
    if qkv_bias:
        attn += heads * hd + 2 * kv_heads * hd
    mlp = 3 * hidden_size * intermediate_size
    per_layer = attn + mlp + 2 * hidden_size
    emb = vocab * hidden_size
    head = 0 if tied_embeddings else emb
    total = emb + layers * per_layer + hidden_size + head
    return jsonable({"total": total, "embedding": emb, "lm_head": head,
                     "per_layer": per_layer, "attention": attn, "mlp": mlp, "norms": 2 * hidden_size})


def _silu(z: np.ndarray) -> np.ndarray:
    return z / (1.0 + np.exp(-z))


def activations(x: list[float]) -> dict:
    """Activation curves on the given points: ReLU, sigmoid, SiLU/Swish x·σ(x), GELU (exact, erf).

    Returns:
        x: the points, as given.
        relu: max(0, x).
        sigmoid: 1 / (1 + e^−x).
        silu: x·σ(x), the gate of SwiGLU.
        gelu: x·Φ(x) with the normal CDF Φ (erf form, torch's default).
    """
    z = arr(x, "x", ndim=1)
    erf = np.vectorize(math.erf)
    return jsonable({"x": z, "relu": np.maximum(z, 0.0), "sigmoid": 1.0 / (1.0 + np.exp(-z)), "silu": _silu(z),
                     "gelu": 0.5 * z * (1.0 + erf(z / math.sqrt(2.0))) if z.size else z})


def swiglu(x: list[float], w_gate: list[list[float]], w_up: list[list[float]],
           w_down: list[list[float]]) -> dict:
    """SwiGLU MLP of Llama: down(silu(gate(x)) ⊙ up(x)), no biases; weights as torch Linear (out × in).

    Returns:
        gate: W_gate·x.
        up: W_up·x.
        hidden: silu(gate) ⊙ up.
        output: W_down·hidden.
    """
    v = arr(x, "x", ndim=1)
    g, u, d = arr(w_gate, "w_gate", 2), arr(w_up, "w_up", 2), arr(w_down, "w_down", 2)
    if g.shape != u.shape or g.shape[1] != v.size or d.shape[1] != g.shape[0]:
        raise ValueError("shapes must be w_gate, w_up: inter × d, w_down: d_out × inter, x: d")
    gate, up = g @ v, u @ v
    hidden = _silu(gate) * up
    return jsonable({"gate": gate, "up": up, "hidden": hidden, "output": d @ hidden})

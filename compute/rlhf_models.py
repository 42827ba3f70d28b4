"""The models of PPO-based RLHF: a tiny causal LM with a value head (TRL's two-headed critic), and the
parameter counts and memory of the four PPO models with and without one shared base.

`value_head` runs a Llama-style decoder in numpy (embedding, RMSNorm, RoPE attention with GQA, SwiGLU,
final norm) with seeded random weights, then the two heads of TRL's `AutoModelForCausalLMWithValueHead`
on the same last hidden state: the LM head (logits) and `ValueHead.summary`, a Linear(hidden, 1) (values).
tests/compute/test_rlhf_models.py loads the same weights into transformers' LlamaForCausalLM.
"""

import numpy as np

from compute._common import arr, jsonable, log_softmax, softmax
from compute.llm import param_count
from compute.lora import param_counts as lora_counts


def _rms(x: np.ndarray, w: np.ndarray, eps: float) -> np.ndarray:
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def _rope(x: np.ndarray, base: float) -> np.ndarray:
    """Rotate heads × seq × head_dim by RoPE, half-split layout (transformers' rotate_half)."""
    d = x.shape[-1]
    inv = 1.0 / base ** (np.arange(0, d, 2) / d)
    ang = np.outer(np.arange(x.shape[1]), inv)
    emb = np.concatenate([ang, ang], axis=1)
    rot = np.concatenate([-x[..., d // 2:], x[..., :d // 2]], axis=-1)
    return x * np.cos(emb) + rot * np.sin(emb)


def check_shape(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int) -> None:
    """Refuse a tiny-model shape that cannot be built (sizes < 1, heads that do not split evenly)."""
    for name, v in (("vocab", vocab), ("hidden_size", hidden_size), ("layers", layers), ("heads", heads),
                    ("kv_heads", kv_heads), ("intermediate_size", intermediate_size)):
        if v < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")
    if hidden_size % heads or heads % kv_heads or (hidden_size // heads) % 2:
        raise ValueError("hidden_size must split into heads of even size, and heads into kv_heads groups")


def tiny_weights(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int,
                 intermediate_size: int, seed: int = 0, init_std: float = 0.02) -> dict[str, np.ndarray]:
    """Seeded N(0, init_std) weights named as transformers' LlamaForCausalLM state dict, plus `v_head.*`.

    Linear weights are out × in (torch layout); RMSNorm weights are ones; the value head's bias is 0
    (TRL's `v_head_init_strategy="normal"`).
    """
    rng = np.random.default_rng(seed)
    hd = hidden_size // heads
    w: dict[str, np.ndarray] = {"model.embed_tokens.weight": rng.normal(0, init_std, (vocab, hidden_size))}
    shapes = {"self_attn.q_proj": (heads * hd, hidden_size), "self_attn.k_proj": (kv_heads * hd, hidden_size),
              "self_attn.v_proj": (kv_heads * hd, hidden_size), "self_attn.o_proj": (hidden_size, heads * hd),
              "mlp.gate_proj": (intermediate_size, hidden_size), "mlp.up_proj": (intermediate_size, hidden_size),
              "mlp.down_proj": (hidden_size, intermediate_size)}
    for i in range(layers):
        for name, shape in shapes.items():
            w[f"model.layers.{i}.{name}.weight"] = rng.normal(0, init_std, shape)
        w[f"model.layers.{i}.input_layernorm.weight"] = np.ones(hidden_size)
        w[f"model.layers.{i}.post_attention_layernorm.weight"] = np.ones(hidden_size)
    w["model.norm.weight"] = np.ones(hidden_size)
    w["lm_head.weight"] = rng.normal(0, init_std, (vocab, hidden_size))
    w["v_head.summary.weight"] = rng.normal(0, init_std, (1, hidden_size))
    w["v_head.summary.bias"] = np.zeros(1)
    return w


def value_head(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
               input_ids: list[int], seed: int = 0, init_std: float = 0.02, eps: float = 1e-6,
               rope_base: float = 10000.0) -> dict:
    """A tiny random causal LM with TRL's value head: logits [seq, vocab] and values [seq, 1] from one pass.

    Both heads read the decoder's last hidden state (after the final RMSNorm), as
    `AutoModelForCausalLMWithValueHead.forward` does with `hidden_states[-1]`.

    Returns:
        hidden_shape: [seq, hidden_size], the shared last hidden state.
        logits_shape: [seq, vocab], the LM head's output.
        values_shape: [seq, 1], the value head's output (TRL squeezes it to [seq]).
        lm_head_shape: [hidden_size, vocab].
        v_head_shape: [hidden_size, 1].
        hidden: the last hidden state (seq × hidden_size).
        hidden_by_dim: the same transposed (hidden_size × seq), one column per position.
        logits: seq × vocab.
        by_vocab: the logits transposed (vocab × seq), one column per position.
        values: one value per position.
        next_token: argmax of each position's logits (the greedy next token).
        next_prob: softmax probability of that token.
        params: {decoder, lm_head, v_head, total}: parameter counts of the shared trunk and of each head.
    """
    check_shape(vocab, hidden_size, layers, heads, kv_heads, intermediate_size)
    ids = np.asarray(input_ids)
    if ids.ndim != 1 or not ids.size or np.any(ids < 0) or np.any(ids >= vocab):
        raise ValueError(f"input_ids must be a non-empty list of ids in [0, {vocab}), got {list(input_ids)}")
    w = tiny_weights(vocab, hidden_size, layers, heads, kv_heads, intermediate_size, seed, init_std)
    s, hd, group = ids.size, hidden_size // heads, heads // kv_heads
    h = w["model.embed_tokens.weight"][ids]
    mask = np.triu(np.full((s, s), -np.inf), 1)
    for i in range(layers):
        p = f"model.layers.{i}."
        x = _rms(h, w[p + "input_layernorm.weight"], eps)
        q = (x @ w[p + "self_attn.q_proj.weight"].T).reshape(s, heads, hd).transpose(1, 0, 2)
        k = (x @ w[p + "self_attn.k_proj.weight"].T).reshape(s, kv_heads, hd).transpose(1, 0, 2)
        v = (x @ w[p + "self_attn.v_proj.weight"].T).reshape(s, kv_heads, hd).transpose(1, 0, 2)
        q, k = _rope(q, rope_base), np.repeat(_rope(k, rope_base), group, axis=0)
        att = softmax(q @ k.transpose(0, 2, 1) / np.sqrt(hd) + mask)
        o = (att @ np.repeat(v, group, axis=0)).transpose(1, 0, 2).reshape(s, heads * hd)
        h = h + o @ w[p + "self_attn.o_proj.weight"].T
        x = _rms(h, w[p + "post_attention_layernorm.weight"], eps)
        g = x @ w[p + "mlp.gate_proj.weight"].T
        h = h + (g / (1 + np.exp(-g)) * (x @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    last = _rms(h, w["model.norm.weight"], eps)
    logits = last @ w["lm_head.weight"].T
    values = last @ w["v_head.summary.weight"][0] + w["v_head.summary.bias"][0]
    nxt = logits.argmax(1)
    decoder = sum(a.size for n, a in w.items() if n.startswith("model."))
    return jsonable({
        "hidden_shape": [s, hidden_size], "logits_shape": [s, vocab], "values_shape": [s, 1],
        "lm_head_shape": [hidden_size, vocab], "v_head_shape": [hidden_size, 1],
        "hidden": last, "hidden_by_dim": last.T, "logits": logits, "by_vocab": logits.T, "values": values,
        "next_token": nxt,
        "next_prob": softmax(logits)[np.arange(s), nxt],
        "params": {"decoder": decoder, "lm_head": vocab * hidden_size, "v_head": hidden_size + 1,
                   "total": decoder + vocab * hidden_size + hidden_size + 1},
    })


_PROJ = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def ppo_memory(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
               tied_embeddings: bool = False, qkv_bias: bool = False, lora_r: int = 8,
               lora_targets: list[str] | None = None, weight_bytes: int = 2, train_bytes: int = 16) -> dict:
    """Parameters and weight memory of PPO's four models: four full copies vs one frozen base + LoRA per role.

    Separate: the actor and critic are fully trained, the reference and reward model are frozen copies.
    Shared: one frozen base (decoder + LM head) serves all four; the reference is the base with no adapter,
    the actor, reward model and critic add their own LoRA adapter (peft, on `lora_targets` of every layer),
    the reward model a reward head [hidden, 1] (no bias, as transformers' sequence-classification `score`) and
    the critic a value head [hidden, 1] + bias (TRL's ValueHead). A trained parameter costs `train_bytes`
    (16: bf16 weight and gradient, fp32 master copy and two Adam moments), a frozen one `weight_bytes`.
    Activations, KV cache and the rollout buffer are not counted.

    Returns:
        base: {decoder, lm_head}: the shared trunk (embedding, layers, final norm) and the LM head (0 if tied).
        heads: {lm, reward, value}: head parameters (lm = lm_head, or the tied embedding's size).
        lora_per_role: one adapter's parameters.
        separate: per role {params, trained, bytes}, roles policy, reference, reward, value; and total_bytes.
        shared: the same for the shared base (the base counted once, under reference), and total_bytes.
        saved_bytes: separate − shared total bytes.
        saved_fraction: saved_bytes / separate total bytes.
        roles: the role names in the order of the lists below.
        separate_gib: bytes per role in GiB (2^30 bytes), separate models.
        shared_gib: bytes per role in GiB, shared base.
    """
    targets = list(lora_targets or ["q_proj", "v_proj"])
    bad = [t for t in targets if t not in _PROJ]
    if bad:
        raise ValueError(f"unknown lora_targets {bad} (expected some of {list(_PROJ)})")
    if lora_r < 1 or weight_bytes < 1 or train_bytes < 1:
        raise ValueError("lora_r, weight_bytes and train_bytes must be >= 1")
    pc = param_count(vocab, hidden_size, layers, heads, kv_heads, intermediate_size,
                     tied_embeddings=tied_embeddings, qkv_bias=qkv_bias)
    decoder, lm = pc["total"] - pc["lm_head"], pc["lm_head"]
    hd = hidden_size // heads
    dims = {"q_proj": (hidden_size, heads * hd), "k_proj": (hidden_size, kv_heads * hd),
            "v_proj": (hidden_size, kv_heads * hd), "o_proj": (heads * hd, hidden_size),
            "gate_proj": (hidden_size, intermediate_size), "up_proj": (hidden_size, intermediate_size),
            "down_proj": (intermediate_size, hidden_size)}
    lora = layers * sum(lora_counts(*dims[t], r=lora_r)["lora"] for t in targets)
    rm_head, v_head = hidden_size, hidden_size + 1

    def role(params: int, trained: int) -> dict:
        return {"params": params, "trained": trained,
                "bytes": trained * train_bytes + (params - trained) * weight_bytes}

    sep = {"policy": role(decoder + lm, decoder + lm), "reference": role(decoder + lm, 0),
           "reward": role(decoder + rm_head, 0), "value": role(decoder + v_head, decoder + v_head)}
    sh = {"policy": role(lora, lora), "reference": role(decoder + lm, 0), "reward": role(lora + rm_head, 0),
          "value": role(lora + v_head, lora + v_head)}
    sep_total = sum(r["bytes"] for r in sep.values())
    sh_total = sum(r["bytes"] for r in sh.values())
    return jsonable({
        "base": {"decoder": decoder, "lm_head": lm},
        "heads": {"lm": lm or pc["embedding"], "reward": rm_head, "value": v_head},
        "lora_per_role": lora,
        "separate": {**sep, "total_bytes": sep_total}, "shared": {**sh, "total_bytes": sh_total},
        "saved_bytes": sep_total - sh_total, "saved_fraction": (sep_total - sh_total) / sep_total,
        "roles": list(sep), "separate_gib": [r["bytes"] / 2**30 for r in sep.values()],
        "shared_gib": [r["bytes"] / 2**30 for r in sh.values()],
    })


def token_entropy(logits: list[list[float]]) -> dict:
    """Entropy H = −Σ p log p of the policy's next-token distribution at each position (PPO's bonus term).

    Returns:
        entropy: H at each position (one row of `logits` each), in nats.
        mean: the mean over the positions, the S in L^CLIP + c1·L^V − c2·S.
    """
    z = arr(logits, "logits", 2)
    lp = log_softmax(z, axis=1)
    h = -(np.exp(lp) * lp).sum(axis=1)
    return jsonable({"entropy": h, "mean": float(h.mean())})

"""Trainable parameters of the main fine-tuning families on one Llama/Qwen-style decoder."""

from compute import llm, lora, prefix
from compute._common import jsonable


def trainable(vocab: int, hidden_size: int, layers: int, heads: int, kv_heads: int, intermediate_size: int,
              tied_embeddings: bool = False, qkv_bias: bool = False, lora_r: int = 8, virtual_tokens: int = 4,
              bottleneck: int = 64) -> dict:
    """Trainable parameters of full, selective, additive and reparameterised fine-tuning, and their shares.

    full: every weight. last_layer / first_layer: only the top (output side) or the bottom (input side)
    decoder layer (selective). norms: only the RMSNorm weights
    (selective, like LayerNorm tuning). lora: rank-lora_r LoRA on q_proj and v_proj of every layer (peft's
    default targets for Llama/Qwen). prefix: Prefix-Tuning, virtual_tokens keys and values per layer.
    prompt: Prompt Tuning, virtual_tokens input embeddings. adapter: two Houlsby bottleneck adapters per
    layer (down hidden→bottleneck and up bottleneck→hidden, with biases).

    Returns:
        total: parameters of the model (= full).
        counts: method -> trainable parameters (full, last_layer, first_layer, norms, lora, prefix, prompt,
            adapter).
        shares: method -> trainable / total.
    """
    if min(lora_r, virtual_tokens, bottleneck) < 1:
        raise ValueError("lora_r, virtual_tokens and bottleneck must be >= 1")
    pc = llm.param_count(vocab=vocab, hidden_size=hidden_size, layers=layers, heads=heads, kv_heads=kv_heads,
                         intermediate_size=intermediate_size, tied_embeddings=tied_embeddings, qkv_bias=qkv_bias)
    head_dim = hidden_size // heads
    q = lora.param_counts(d_in=hidden_size, d_out=heads * head_dim, r=lora_r)["lora"]
    v = lora.param_counts(d_in=hidden_size, d_out=kv_heads * head_dim, r=lora_r)["lora"]
    px = prefix.shapes(layers=layers, prefix_len=virtual_tokens, hidden_size=hidden_size, heads=heads,
                       kv_heads=kv_heads, seq_len=1)["params"]
    adapter = 2 * layers * (2 * hidden_size * bottleneck + bottleneck + hidden_size)
    counts = {"full": pc["total"], "last_layer": pc["per_layer"], "first_layer": pc["per_layer"],
              "norms": layers * pc["norms"] + hidden_size, "lora": layers * (q + v), "prefix": px,
              "prompt": virtual_tokens * hidden_size, "adapter": adapter}
    return jsonable({"total": pc["total"], "counts": counts, "shares": {k: n / pc["total"] for k, n in counts.items()}})

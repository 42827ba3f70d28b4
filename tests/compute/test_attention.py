import math

import numpy as np
import pytest

from compute import attention, llm


def test_head_groups_gqa_mha_mqa():
    g = attention.head_groups(n_heads=8, n_kv_heads=2)
    assert g["kind"] == "GQA" and g["kv_head"] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert g["groups"] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert attention.head_groups(n_heads=4, n_kv_heads=4)["kind"] == "MHA"
    assert attention.head_groups(n_heads=4, n_kv_heads=1)["kv_head"] == [0, 0, 0, 0]
    with pytest.raises(ValueError):
        attention.head_groups(n_heads=6, n_kv_heads=4)


def test_head_groups_match_transformers_repeat_kv():
    torch = pytest.importorskip("torch")
    from transformers.models.llama.modeling_llama import repeat_kv

    kv = torch.arange(3, dtype=torch.float32).reshape(1, 3, 1, 1)  # KV head k holds the value k
    expanded = repeat_kv(kv, 4)[0, :, 0, 0].long().tolist()
    assert attention.head_groups(n_heads=12, n_kv_heads=3)["kv_head"] == expanded


def test_kv_cache_bytes_hand_worked():
    # Llama-2-7B-like: 32 layers, 32 heads, head_dim 128, 4096 tokens, fp16: 2·32·32·128·4096·2 = 2 GiB
    out = attention.kv_cache_bytes(layers=32, heads=32, kv_heads=8, head_dim=128, seq_len=4096)
    assert out["mha_bytes"] == 2 * 1024 ** 3
    assert out["bytes"] == out["gqa_bytes"] == 2 * 1024 ** 3 // 4
    assert out["mqa_bytes"] == 2 * 1024 ** 3 // 32
    assert out["per_token_bytes"] == 2 * 32 * 8 * 128 * 2
    assert attention.kv_cache_bytes(layers=1, heads=1, kv_heads=1, head_dim=1, seq_len=1, dtype="int4")[
        "bytes"] == 1


def test_kv_cache_bytes_match_a_dynamic_cache(tiny_llama):
    import torch
    with torch.no_grad():
        out = tiny_llama(torch.tensor([list(range(1, 11))]), use_cache=True)
    cache = out.past_key_values
    total = sum(t.numel() * t.element_size() for layer in cache.layers for t in (layer.keys, layer.values))
    cfg = tiny_llama.config
    ours = attention.kv_cache_bytes(layers=cfg.num_hidden_layers, heads=cfg.num_attention_heads,
                                    kv_heads=cfg.num_key_value_heads, head_dim=cfg.hidden_size // 4,
                                    seq_len=10, dtype="fp32")
    assert ours["bytes"] == total == 2560


def test_causal_mask():
    out = attention.causal_mask(seq_len=3)
    assert out["mask"] == [[0.0, -1e9, -1e9], [0.0, 0.0, -1e9], [0.0, 0.0, 0.0]]


def test_param_count_qwen25_05b():
    out = llm.param_count(vocab=151936, hidden_size=896, layers=24, heads=14, kv_heads=2,
                          intermediate_size=4864, tied_embeddings=True, qkv_bias=True)
    assert out["total"] == 494_032_768  # published size of Qwen2.5-0.5B


def test_param_count_matches_num_parameters(tiny_llama):
    cfg = tiny_llama.config
    out = llm.param_count(vocab=cfg.vocab_size, hidden_size=cfg.hidden_size, layers=cfg.num_hidden_layers,
                          heads=cfg.num_attention_heads, kv_heads=cfg.num_key_value_heads,
                          intermediate_size=cfg.intermediate_size, tied_embeddings=cfg.tie_word_embeddings)
    assert out["total"] == tiny_llama.num_parameters()


def test_mla_cache_is_latent_plus_rope_key_per_token_and_layer():
    # DeepSeek-V2 (Table 1 of the paper): (d_c + d_h^R)·l elements per token, d_c = 4·d_h, d_h^R = d_h/2
    d_h, layers = 128, 60
    out = attention.mla_cache_bytes(layers=layers, latent_dim=4 * d_h, rope_dim=d_h // 2, seq_len=1000,
                                    dtype="bf16")
    assert out["elements_per_token_layer"] == 576
    assert out["per_token_bytes"] == 576 * layers * 2
    assert out["bytes"] == 576 * layers * 2 * 1000
    # … which the paper equates to GQA with 2.25 groups: 9/2·d_h·l elements against 2·n_g·d_h·l
    gqa_like = 2 * 2.25 * d_h * layers * 2
    assert out["per_token_bytes"] == gqa_like
    with pytest.raises(ValueError, match="latent_dim"):
        attention.mla_cache_bytes(layers=1, latent_dim=0, rope_dim=0, seq_len=1)


@pytest.mark.parametrize("head_dim", [None, 64])
def test_causal_softmax_matches_torch_scaled_dot_product_attention_weights(head_dim):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    scores = rng.normal(0, 3, (4, 4))
    out = attention.causal_softmax(scores.tolist(), head_dim)
    scale = 1 / math.sqrt(head_dim) if head_dim else 1.0
    # the weights SDPA applies: softmax(q·kᵀ·scale + causal mask); with v = I they come out as the output
    n = 4
    q, k = torch.tensor(scores, dtype=torch.float64), torch.eye(n, dtype=torch.float64)
    ref = torch.nn.functional.scaled_dot_product_attention(q[None], k[None], torch.eye(n, dtype=torch.float64)[None],
                                                           is_causal=True, scale=scale)[0]
    np.testing.assert_allclose(out["weights"], ref.numpy(), atol=1e-12)
    assert out["masked"][0][1] is None and out["masked"][3][2] == pytest.approx(scores[3, 2] * scale)
    np.testing.assert_allclose(np.sum(out["weights"], axis=1), 1.0)

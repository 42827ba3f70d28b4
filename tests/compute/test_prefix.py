import copy

import pytest

from compute import llm, prefix


def test_prefix_counts_and_shapes_match_peft_on_a_tiny_llama(tiny_llama):
    peft = pytest.importorskip("peft")
    cfg = tiny_llama.config
    out = prefix.shapes(layers=cfg.num_hidden_layers, prefix_len=3, hidden_size=cfg.hidden_size,
                        heads=cfg.num_attention_heads, kv_heads=cfg.num_key_value_heads, seq_len=5, batch=2)
    model = peft.get_peft_model(copy.deepcopy(tiny_llama), peft.PrefixTuningConfig(task_type="CAUSAL_LM",
                                                                                  num_virtual_tokens=3))
    trainable, total = model.get_nb_trainable_parameters()
    assert trainable == out["params"] == 2 * 2 * 3 * 16
    # full fine-tuning trains every weight of the base model: llm.param_count counts the same module
    full = llm.param_count(vocab=cfg.vocab_size, hidden_size=cfg.hidden_size, layers=cfg.num_hidden_layers,
                           heads=cfg.num_attention_heads, kv_heads=cfg.num_key_value_heads,
                           intermediate_size=cfg.intermediate_size)["total"]
    assert total - trainable == full == sum(p.numel() for p in tiny_llama.parameters())
    cache = model.get_prompt(batch_size=2)
    assert len(cache.layers) == cfg.num_hidden_layers
    for layer in cache.layers:
        assert list(layer.keys.shape) == list(layer.values.shape) == out["key_shape"]


def test_prefix_cache_grows_by_the_prompt_and_the_base_model_stays_frozen(tiny_llama):
    peft = pytest.importorskip("peft")
    import torch

    cfg = tiny_llama.config
    out = prefix.shapes(layers=cfg.num_hidden_layers, prefix_len=3, hidden_size=cfg.hidden_size,
                        heads=cfg.num_attention_heads, kv_heads=cfg.num_key_value_heads, seq_len=5)
    model = peft.get_peft_model(copy.deepcopy(tiny_llama), peft.PrefixTuningConfig(task_type="CAUSAL_LM",
                                                                                  num_virtual_tokens=3))
    res = model(input_ids=torch.tensor([[1, 2, 3, 4, 5]]), use_cache=True)
    assert list(res.past_key_values.layers[0].keys.shape) == out["cache_shape"]
    res.logits.sum().backward()
    grads = {n for n, p in model.named_parameters() if p.grad is not None}
    assert grads and all("prompt_encoder" in n for n in grads)


def test_prefix_mask_lets_every_token_see_the_whole_prefix():
    out = prefix.shapes(layers=1, prefix_len=2, hidden_size=8, heads=2, kv_heads=1, seq_len=3)
    assert out["allowed"] == [[True, True, True, False, False],
                              [True, True, True, True, False],
                              [True, True, True, True, True]]
    assert out["prefix_cols"] == [True, True, False, False, False] and out["kv_dim"] == 4


def test_prefix_rejects_bad_heads():
    with pytest.raises(ValueError, match="multiple of kv_heads"):
        prefix.shapes(layers=1, prefix_len=2, hidden_size=8, heads=3, kv_heads=2, seq_len=3)

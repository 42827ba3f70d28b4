import copy

import pytest

from compute import finetune


def _counts(model):
    cfg = model.config
    return finetune.trainable(vocab=cfg.vocab_size, hidden_size=cfg.hidden_size, layers=cfg.num_hidden_layers,
                              heads=cfg.num_attention_heads, kv_heads=cfg.num_key_value_heads,
                              intermediate_size=cfg.intermediate_size, lora_r=4, virtual_tokens=3, bottleneck=8)


def test_full_and_selective_counts_match_the_modules(tiny_llama):
    out = _counts(tiny_llama)
    assert out["counts"]["full"] == out["total"] == sum(p.numel() for p in tiny_llama.parameters())
    assert out["counts"]["last_layer"] == sum(p.numel() for p in tiny_llama.model.layers[-1].parameters())
    assert out["counts"]["first_layer"] == sum(p.numel() for p in tiny_llama.model.layers[0].parameters())
    assert out["counts"]["norms"] == sum(p.numel() for n, p in tiny_llama.named_parameters() if "norm" in n)
    assert out["shares"]["full"] == 1.0


@pytest.mark.parametrize(("method", "make"), [
    ("lora", lambda peft: peft.LoraConfig(r=4, lora_alpha=8)),  # peft's default targets: q_proj, v_proj
    ("prefix", lambda peft: peft.PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=3)),
    ("prompt", lambda peft: peft.PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=3)),
])
def test_peft_methods_train_the_counted_parameters(tiny_llama, method, make):
    peft = pytest.importorskip("peft")
    model = peft.get_peft_model(copy.deepcopy(tiny_llama), make(peft))
    trainable, _ = model.get_nb_trainable_parameters()
    assert trainable == _counts(tiny_llama)["counts"][method]


def test_adapter_count_is_two_bottleneck_modules_per_layer(tiny_llama):
    torch = pytest.importorskip("torch")
    d = tiny_llama.config.hidden_size
    adapter = torch.nn.Sequential(torch.nn.Linear(d, 8), torch.nn.GELU(), torch.nn.Linear(8, d))
    per_model = 2 * tiny_llama.config.num_hidden_layers * sum(p.numel() for p in adapter.parameters())
    assert _counts(tiny_llama)["counts"]["adapter"] == per_model

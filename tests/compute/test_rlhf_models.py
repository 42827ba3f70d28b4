"""rlhf_models against transformers (tiny models built from a config, no hub) and peft.

The value head mirrors TRL's `AutoModelForCausalLMWithValueHead` (trl/models/modeling_value_head.py): its
`ValueHead` is dropout + `summary = nn.Linear(hidden_size, 1)` applied to `hidden_states[-1]` of the wrapped
causal LM, squeezed to [batch, seq]; the LM logits come unchanged from the wrapped model. TRL is not installed
here, so the test rebuilds that head in torch on transformers' LlamaForCausalLM.
"""

import numpy as np
import pytest

from compute import rlhf_models as m

CFG = {"vocab": 8, "hidden_size": 4, "layers": 2, "heads": 2, "kv_heads": 1, "intermediate_size": 8}
IDS = [2, 5, 0, 3, 4, 1]


def _hf_llama(torch, transformers, weights):
    cfg = transformers.LlamaConfig(vocab_size=CFG["vocab"], hidden_size=CFG["hidden_size"],
                                   intermediate_size=CFG["intermediate_size"], num_hidden_layers=CFG["layers"],
                                   num_attention_heads=CFG["heads"], num_key_value_heads=CFG["kv_heads"],
                                   rms_norm_eps=1e-6, tie_word_embeddings=False, attn_implementation="eager",
                                   pad_token_id=None, bos_token_id=None, eos_token_id=None)
    model = transformers.LlamaForCausalLM(cfg).double().eval()
    model.load_state_dict({k: torch.tensor(v) for k, v in weights.items() if not k.startswith("v_head")},
                          strict=True)
    return model


def test_value_head_matches_a_transformers_llama_with_trls_value_head():
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    out = m.value_head(**CFG, input_ids=IDS, seed=3, init_std=1.0)
    w = m.tiny_weights(**CFG, seed=3, init_std=1.0)
    model = _hf_llama(torch, transformers, w)

    class ValueHead(torch.nn.Module):  # TRL's ValueHead, re-typed
        def __init__(self, hidden_size):
            super().__init__()
            self.dropout = torch.nn.Dropout(0.1)
            self.summary = torch.nn.Linear(hidden_size, 1)

        def forward(self, hidden_states):
            return self.summary(self.dropout(hidden_states))

    v_head = ValueHead(CFG["hidden_size"]).double().eval()
    v_head.summary.weight.data = torch.tensor(w["v_head.summary.weight"])
    v_head.summary.bias.data = torch.tensor(w["v_head.summary.bias"])
    with torch.no_grad():
        base = model(torch.tensor([IDS]), output_hidden_states=True)
        value = v_head(base.hidden_states[-1]).squeeze(-1)
    assert list(base.logits.shape[1:]) == out["logits_shape"] == [6, 8]
    assert list(value.shape) == [1, 6] and out["values_shape"] == [6, 1]
    np.testing.assert_allclose(out["logits"], base.logits[0].numpy(), atol=1e-5)  # HF computes RoPE in fp32
    np.testing.assert_allclose(out["hidden"], base.hidden_states[-1][0].numpy(), atol=1e-5)
    np.testing.assert_allclose(out["values"], value[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(out["by_vocab"], np.array(out["logits"]).T)
    assert out["next_token"] == base.logits[0].argmax(-1).tolist()
    n_lm = model.lm_head.weight.numel()
    assert out["params"] == {"decoder": model.num_parameters() - n_lm, "lm_head": n_lm,
                             "v_head": sum(p.numel() for p in v_head.parameters()),
                             "total": model.num_parameters() + CFG["hidden_size"] + 1}
    assert out["lm_head_shape"] == list(model.lm_head.weight.T.shape) and out["v_head_shape"] == [4, 1]


def test_value_head_is_causal_and_rejects_bad_ids():
    full = m.value_head(**CFG, input_ids=IDS, init_std=1.0)
    prefix = m.value_head(**CFG, input_ids=IDS[:3], init_std=1.0)
    np.testing.assert_allclose(full["values"][:3], prefix["values"], atol=1e-12)  # no peeking ahead
    assert full["values"][3:] != m.value_head(**CFG, input_ids=IDS[:3] + [7, 7, 7], init_std=1.0)["values"][3:]
    with pytest.raises(ValueError, match="input_ids"):
        m.value_head(**CFG, input_ids=[0, 8])
    with pytest.raises(ValueError, match="heads"):
        m.value_head(**{**CFG, "heads": 3}, input_ids=IDS)


QWEN_TINY = {"vocab": 32, "hidden_size": 16, "layers": 2, "heads": 4, "kv_heads": 2, "intermediate_size": 24}


@pytest.mark.parametrize("tied", [True, False])
def test_ppo_memory_counts_match_transformers_and_peft(tied):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    peft = pytest.importorskip("peft")
    torch.manual_seed(0)
    cfg = transformers.Qwen2Config(vocab_size=32, hidden_size=16, intermediate_size=24, num_hidden_layers=2,
                                   num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=tied,
                                   num_labels=1, pad_token_id=0)
    lm = transformers.Qwen2ForCausalLM(cfg)
    rm = transformers.Qwen2ForSequenceClassification(cfg)
    targets = ["q_proj", "v_proj", "down_proj"]
    out = m.ppo_memory(**QWEN_TINY, tied_embeddings=tied, qkv_bias=True, lora_r=4, lora_targets=targets)
    sep, sh = out["separate"], out["shared"]
    assert sep["policy"]["params"] == sep["reference"]["params"] == lm.num_parameters()
    assert sep["reward"]["params"] == rm.num_parameters()  # score head: Linear(hidden, 1, bias=False)
    assert sep["value"]["params"] == lm.num_parameters() - out["base"]["lm_head"] + 16 + 1
    n_lm = lm.num_parameters()  # before peft wraps it in place
    adapted = peft.get_peft_model(lm, peft.LoraConfig(r=4, lora_alpha=8, target_modules=targets))
    trainable, total = adapted.get_nb_trainable_parameters()
    assert out["lora_per_role"] == trainable == sh["policy"]["trained"]
    assert sh["reference"]["params"] == total - trainable  # the base, adapters disabled
    assert sh["value"]["trained"] == trainable + 17 and sh["reward"]["trained"] == 0
    # bytes: 16 per trained parameter (bf16 weight + grad, fp32 master + Adam m, v), 2 per frozen one
    assert sh["total_bytes"] == 2 * n_lm + 16 * trainable + 2 * (trainable + 16) + 16 * (trainable + 17)
    assert out["saved_bytes"] == sep["total_bytes"] - sh["total_bytes"] > 0
    assert out["roles"] == ["policy", "reference", "reward", "value"]
    assert out["shared_gib"] == [sh[r]["bytes"] / 2**30 for r in out["roles"]]


def test_ppo_memory_for_qwen2_5_0_5b():
    out = m.ppo_memory(vocab=151936, hidden_size=896, layers=24, heads=14, kv_heads=2, intermediate_size=4864,
                       tied_embeddings=True, qkv_bias=True, lora_r=8, lora_targets=["q_proj", "v_proj"])
    n = 494_032_768  # Qwen2.5-0.5B's published parameter count (tied embeddings)
    assert out["separate"]["policy"]["params"] == n
    per_layer = 8 * (896 + 896) + 8 * (896 + 128)  # q: 896→896, v: 896→2·64
    assert out["lora_per_role"] == 24 * per_layer
    assert out["separate"]["total_bytes"] == 16 * n + 2 * n + 2 * (n + 896) + 16 * (n + 897)
    with pytest.raises(ValueError, match="lora_targets"):
        m.ppo_memory(**QWEN_TINY, lora_targets=["qkv"])


def test_token_entropy_matches_torch_categorical():
    torch = pytest.importorskip("torch")
    logits = [[-1.0, -0.5, 0.8, 1.9], [0.0, 0.0, 0.0, 0.0], [9.0, -9.0, 0.0, 1.0]]
    out = m.token_entropy(logits)
    ref = torch.distributions.Categorical(logits=torch.tensor(logits, dtype=torch.float64)).entropy()
    np.testing.assert_allclose(out["entropy"], ref.numpy(), atol=1e-12)
    assert out["entropy"][1] == pytest.approx(np.log(4))  # uniform: the maximum
    assert out["mean"] == pytest.approx(float(ref.mean()))

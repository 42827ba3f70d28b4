import math

import pytest

from compute import llm


def test_output_layer_shapes_are_qwen_numbers():
    out = llm.output_layer(vocab=151936, hidden_size=896, seq_len=3, last_logits=[2.0, 3.1, -1.7])
    assert out["hidden_shape"] == [3, 896]
    assert out["logits_shape"] == [3, 151936]
    assert out["weight_shape"] == [896, 151936]


def test_output_layer_probs_are_softmax_of_shown_logits():
    logits = [2.0, 3.1, -1.7, 8.6, 5.3, 3.4, -1.7]
    out = llm.output_layer(vocab=151936, hidden_size=896, seq_len=3, last_logits=logits,
                           tokens=["我", "怎", "不", "么", "要", "你", "他"])
    z = sum(math.exp(x) for x in logits)
    assert out["probs"] == pytest.approx([math.exp(x) / z for x in logits])
    assert out["argmax"] == 3 and out["argmax_token"] == "么"
    assert out["chosen"] == [False, False, False, True, False, False, False]
    assert out["order"][:3] == [3, 4, 5]
    # the original diagram printed 0.34 for the top token: not the softmax of these logits
    assert out["probs"][3] == pytest.approx(0.954, abs=1e-3)


def test_output_layer_flags_only_the_first_of_tied_largest_logits():
    out = llm.output_layer(vocab=10, hidden_size=4, seq_len=1, last_logits=[1.0, 5.0, 5.0, -2.0])
    assert out["chosen"] == [False, True, False, False]
    assert out["chosen"].index(True) == int(max(range(4), key=lambda j: ([1.0, 5.0, 5.0, -2.0][j], -j)))


def test_output_layer_rejects_mismatched_tokens():
    with pytest.raises(ValueError, match="tokens"):
        llm.output_layer(vocab=10, hidden_size=4, seq_len=1, last_logits=[1.0, 2.0], tokens=["a"])


def test_output_layer_matches_a_torch_lm_head():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    head = torch.nn.Linear(16, 50, bias=False)
    h = torch.randn(3, 16)
    logits = head(h)
    shown = logits[-1, :6].double()
    out = llm.output_layer(vocab=50, hidden_size=16, seq_len=3, last_logits=shown.tolist())
    assert out["logits_shape"] == list(logits.shape)
    assert out["hidden_shape"] == list(h.shape)
    assert out["probs"] == pytest.approx(torch.softmax(shown, -1).tolist(), abs=1e-9)


def test_activations_hand_values():
    out = llm.activations(x=[-1.0, 0.0, 2.0])
    assert out["relu"] == [0.0, 0.0, 2.0]
    assert out["silu"] == pytest.approx([-1 / (1 + math.e), 0.0, 2 / (1 + math.exp(-2))])
    assert out["gelu"][2] == pytest.approx(1.9544997, abs=1e-6)


def test_activations_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = torch.linspace(-6, 6, 25, dtype=torch.float64)
    out = llm.activations(x=x.tolist())
    for key, ref in (("relu", F.relu(x)), ("sigmoid", torch.sigmoid(x)), ("silu", F.silu(x)), ("gelu", F.gelu(x))):
        assert out[key] == pytest.approx(ref.tolist(), abs=1e-12), key


@pytest.mark.parametrize(("family", "hidden", "inter", "heads", "seed"), [
    ("llama", 8, 12, 2, 0),
    ("qwen2", 3, 4, 1, 1),  # the SwiGLU diagram's own shape
])
def test_swiglu_matches_the_transformers_mlp(family, hidden, inter, heads, seed):
    torch = pytest.importorskip("torch")
    if family == "llama":
        from transformers import LlamaConfig as Config
        from transformers.models.llama.modeling_llama import LlamaMLP as MLP
    else:
        from transformers import Qwen2Config as Config
        from transformers.models.qwen2.modeling_qwen2 import Qwen2MLP as MLP

    torch.manual_seed(seed)
    mlp = MLP(Config(hidden_size=hidden, intermediate_size=inter, num_attention_heads=heads)).double()
    x = torch.randn(hidden, dtype=torch.float64)
    out = llm.swiglu(x=x.tolist(), w_gate=mlp.gate_proj.weight.tolist(), w_up=mlp.up_proj.weight.tolist(),
                     w_down=mlp.down_proj.weight.tolist())
    with torch.no_grad():
        gate, up = mlp.gate_proj(x), mlp.up_proj(x)
        silu = torch.nn.functional.silu(gate)
        assert out["gate"] == pytest.approx(gate.tolist()) and out["up"] == pytest.approx(up.tolist())
        assert out["hidden"] == pytest.approx((silu * up).tolist(), abs=1e-12)
        assert out["output"] == pytest.approx(mlp(x[None])[0].tolist(), abs=1e-12)
        # the gate the SwiGLU diagram draws is SiLU of the gate projection
        assert llm.activations(x=out["gate"])["silu"] == pytest.approx(silu.tolist())

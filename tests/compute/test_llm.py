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
    assert out["order"][:3] == [3, 4, 5]
    # the original diagram printed 0.34 for the top token: not the softmax of these logits
    assert out["probs"][3] == pytest.approx(0.954, abs=1e-3)


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

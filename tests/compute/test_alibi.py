import math

import numpy as np
import pytest

from compute import alibi


def _fairseq_get_slopes(n):
    # ofirpress/attention_with_linear_biases fairseq/models/transformer.py l.742-756 (@4b92f28a), re-typed
    def get_slopes_power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        ratio = start
        return [start * ratio ** i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return get_slopes_power_of_2(closest_power_of_2) + _fairseq_get_slopes(2 * closest_power_of_2)[0::2][
        :n - closest_power_of_2]


def test_heads_number_the_slopes_from_one():
    assert alibi.slopes(n_heads=4)["heads"] == [1, 2, 3, 4]
    out = alibi.bias(n_heads=16, seq_len=3)
    assert out["heads"] == list(range(1, 17)) and len(out["heads"]) == len(out["slopes"])


def test_slopes_for_8_and_12_heads():
    assert alibi.slopes(n_heads=8)["slopes"] == pytest.approx([2 ** -i for i in range(1, 9)])
    s12 = alibi.slopes(n_heads=12)["slopes"]
    assert s12[:8] == pytest.approx([2 ** -i for i in range(1, 9)])
    assert s12[8:] == pytest.approx([0.7071, 0.3536, 0.1768, 0.0884], abs=1e-4)


@pytest.mark.parametrize("n", range(1, 65))
def test_slopes_match_fairseq_and_bloom(n):
    torch = pytest.importorskip("torch")
    from transformers.models.bloom.modeling_bloom import build_alibi_tensor

    ours = alibi.slopes(n_heads=n)["slopes"]
    assert ours == pytest.approx(_fairseq_get_slopes(n), rel=1e-12)
    # bloom: alibi[h, 0, j] = slope_h · j for an all-ones attention mask
    bloom = build_alibi_tensor(torch.ones(1, 3), n, torch.float64).reshape(n, 3)
    assert np.allclose(bloom[:, 1].numpy(), ours, rtol=1e-6)


def test_bias_is_minus_slope_times_distance_under_the_causal_mask():
    out = alibi.bias(n_heads=2, seq_len=4)
    m = out["slopes"][0]
    assert out["bias"][0][3] == pytest.approx([-3 * m, -2 * m, -m, 0.0])
    assert out["allowed"][1] == [True, True, False, False]
    assert out["bias"][0][1][2] == 0.0


def test_causal_alibi_attention_equals_bloom_style_bias_after_softmax():
    # fairseq/bloom add slope·j per row; softmax is shift-invariant per row, so it matches −slope·(i−j)
    out = alibi.bias(n_heads=4, seq_len=6)
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(6, 6))
    for h, m in enumerate(out["slopes"]):
        a = scores + np.array(out["bias"][h])
        b = scores + m * np.arange(6)[None, :]
        mask = np.array(out["allowed"])
        for z in (a, b):
            z[~mask] = -np.inf
        sa = np.exp(a - a.max(1, keepdims=True))
        sb = np.exp(b - b.max(1, keepdims=True))
        assert np.allclose(sa / sa.sum(1, keepdims=True), sb / sb.sum(1, keepdims=True))


def test_non_causal_bias_is_symmetric():
    b = np.array(alibi.bias(n_heads=1, seq_len=5, causal=False)["bias"][0])
    assert np.allclose(b, b.T) and b[0, 4] == pytest.approx(-4 * 0.00390625)


def test_attention_adds_the_head_bias_before_a_causal_row_softmax():
    scores = [[0.3, 9.0, 9.0, 9.0], [1.2, -0.4, 9.0, 9.0], [0.1, 0.9, 0.5, 9.0], [-0.2, 0.6, 1.1, 0.0]]
    n_heads, head = 8, 3
    m = 2 ** (-8 * head / n_heads)  # the paper's geometric sequence for H a power of 2
    out = alibi.attention(scores=scores, n_heads=n_heads, head=head)
    assert out["slope"] == pytest.approx(m)
    for i, row in enumerate(scores):
        z = [row[j] - m * (i - j) for j in range(i + 1)]  # only keys j <= i; the 9.0s must not leak in
        e = [math.exp(v) for v in z]
        ref = [v / sum(e) for v in e] + [0.0] * (len(row) - i - 1)
        assert out["weights"][i] == pytest.approx(ref)
        assert out["biased"][i] == pytest.approx(z + [None] * (len(row) - i - 1))
        assert out["bias"][i][: i + 1] == pytest.approx([-m * (i - j) for j in range(i + 1)])
        e0 = [math.exp(row[j]) for j in range(i + 1)]
        assert out["weights_no_bias"][i][: i + 1] == pytest.approx([v / sum(e0) for v in e0])
    with pytest.raises(ValueError, match="head must be"):
        alibi.attention(scores=scores, n_heads=8, head=9)
    with pytest.raises(ValueError, match="square"):
        alibi.attention(scores=[[1.0, 2.0]], n_heads=8)

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

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import sampling

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)

logit_lists = st.lists(st.floats(-20, 20, allow_nan=False), min_size=1, max_size=12)
temps = st.floats(0.05, 5.0)


def test_softmax_of_equal_logits_is_uniform():
    assert sampling.softmax(logits=[3.0, 3.0, 3.0, 3.0])["probs"] == pytest.approx([0.25] * 4)


def test_softmax_hand_worked_two_tokens():
    # p(a) = e^1 / (e^1 + e^0) = 0.7310585786
    assert sampling.softmax(logits=[1.0, 0.0])["probs"] == pytest.approx([0.7310585786, 0.2689414214])


def test_softmax_temperature_divides_logits():
    # T = 2 on [2, 0] is softmax of [1, 0]
    out = sampling.softmax(logits=[2.0, 0.0], temperature=2.0)
    assert out["probs"] == pytest.approx([0.7310585786, 0.2689414214])


def test_softmax_is_stable_for_huge_logits():
    assert sampling.softmax(logits=[1000.0, 999.0])["probs"] == pytest.approx([0.7310585786, 0.2689414214])


def test_nonpositive_temperature_is_refused():
    with pytest.raises(ValueError, match="temperature"):
        sampling.softmax(logits=[1.0], temperature=0.0)


@PROPS
@given(logit_lists, temps)
def test_softmax_sums_to_one_and_keeps_order(logits, t):
    p = np.array(sampling.softmax(logits=logits, temperature=t)["probs"])
    assert p.sum() == pytest.approx(1.0)
    assert np.all(p >= 0)
    x = np.array(logits)
    assert np.all((p[:, None] >= p[None, :]) | ~(x[:, None] > x[None, :]))  # larger logit, no smaller prob


def test_top_k_hand_worked():
    out = sampling.top_k(logits=[math.log(0.5), math.log(0.3), math.log(0.2)], k=2)
    assert out["kept"] == [True, True, False]
    assert out["probs"] == pytest.approx([0.625, 0.375, 0.0])
    assert out["kept_mass"] == pytest.approx(0.8)


def test_top_k_keeps_ties_with_kth_value():
    out = sampling.top_k(logits=[1.0, 2.0, 2.0, 0.0], k=1)
    assert out["kept"] == [False, True, True, False]
    assert out["n_kept"] == 2


def test_top_p_catalogue_example_keeps_five_tokens():
    # the original Top-P diagram: probabilities 0.2 .17 .14 .12 .1 .06 .04 (+ rest of vocabulary), P = 0.7
    probs = [0.2, 0.17, 0.14, 0.12, 0.1, 0.06, 0.04, 0.17]  # last = "…" rest of the vocabulary, put last
    out = sampling.top_p(logits=[math.log(q) for q in probs], p=0.7)
    # descending: .2 .17(first) .17(last, stable order) .14 .12 -> .2+.17+.17+.14 = .68 < .7, +.12 = .80
    assert out["n_kept"] == 5
    assert out["cumulative_kept"] == pytest.approx(0.80)


def test_top_p_crossing_token_is_kept_and_exact_hit_stops():
    lg = [math.log(q) for q in (0.5, 0.3, 0.2)]
    assert sampling.top_p(logits=lg, p=0.6)["kept"] == [True, True, False]
    assert sampling.top_p(logits=lg, p=0.8)["kept"] == [True, True, False]  # 0.5 + 0.3 reaches 0.8 exactly
    assert sampling.top_p(logits=lg, p=0.5)["kept"] == [True, False, False]
    assert sampling.top_p(logits=lg, p=1.0)["kept"] == [True, True, True]


@PROPS
@given(logit_lists, st.floats(0.01, 1.0), temps)
def test_top_p_keeps_the_smallest_sufficient_prefix(logits, p, t):
    out = sampling.top_p(logits=logits, p=p, temperature=t)
    base, kept = np.array(out["base_probs"]), np.array(out["kept"])
    assert base[kept].sum() >= p - 1e-9
    # dropping the least likely kept token falls below p (smallest prefix), unless only one is kept
    if kept.sum() > 1:
        assert base[kept].sum() - base[kept].min() < p + 1e-9
    if (~kept).any():
        assert base[kept].min() >= base[~kept].max()
    assert np.array(out["probs"]).sum() == pytest.approx(1.0)
    assert np.all(np.array(out["probs"])[~kept] == 0)


@PROPS
@given(logit_lists, st.integers(1, 15), temps)
def test_top_k_keeps_at_least_k_most_likely(logits, k, t):
    out = sampling.top_k(logits=logits, k=k, temperature=t)
    kept = np.array(out["kept"])
    assert kept.sum() >= min(k, len(logits))
    if (~kept).any():
        assert np.array(logits)[kept].min() > np.array(logits)[~kept].max()
    assert sum(out["probs"]) == pytest.approx(1.0)


def test_temperature_curves_sharpen_and_flatten():
    out = sampling.temperature_curves(logits=[2.0, 1.0, 0.5, -1.0], temperatures=[0.3, 1.0, 3.0])
    assert out["entropy"][0] < out["entropy"][1] < out["entropy"][2]
    assert out["probs"][1] == pytest.approx(sampling.softmax(logits=[2.0, 1.0, 0.5, -1.0])["probs"])


def test_multinomial_is_seeded_and_matches_probabilities():
    a = sampling.multinomial(logits=[1.0, 0.0, -1.0, 2.0], n=200_000, seed=7)
    b = sampling.multinomial(logits=[1.0, 0.0, -1.0, 2.0], n=200_000, seed=7)
    assert a["samples"][:50] == b["samples"][:50]
    assert np.allclose(a["frequencies"], a["probs"], atol=5e-3)
    assert sum(a["counts"]) == 200_000


# --- cross-check: Hugging Face logits warpers (transformers/generation/logits_process.py) ---

X = [2.0, 1.0, 0.5, 0.0, -1.0, 3.0, 0.25, -0.5]


@pytest.mark.parametrize("t", [0.5, 1.0, 1.7])
@pytest.mark.parametrize("k", [1, 3, 8])
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.99])
def test_matches_hf_warpers_temperature_then_top_k_then_top_p(t, k, p):
    torch = pytest.importorskip("torch")
    lp = pytest.importorskip("transformers.generation.logits_process")
    x = torch.tensor([X], dtype=torch.float64)
    scores = lp.TemperatureLogitsWarper(float(t))(None, x)
    scores = lp.TopKLogitsWarper(k)(None, scores)
    scores = lp.TopPLogitsWarper(p)(None, scores)
    hf_kept = torch.isfinite(scores[0]).numpy()
    hf_probs = torch.softmax(scores[0], -1).numpy()

    # ours: top-k, then top-p on the top-k-truncated logits
    kout = sampling.top_k(logits=X, k=k, temperature=t)
    trunc = [x / t if kk else -1e9 for x, kk in zip(X, kout["kept"], strict=True)]
    pout = sampling.top_p(logits=trunc, p=p)
    kept = np.array(kout["kept"]) & np.array(pout["kept"])
    assert kept.tolist() == hf_kept.tolist()
    assert np.allclose(pout["probs"], hf_probs, atol=1e-6)


def test_hf_top_k_ties_agree():
    torch = pytest.importorskip("torch")
    lp = pytest.importorskip("transformers.generation.logits_process")
    x = torch.tensor([[1.0, 2.0, 2.0, 0.0]])
    hf = torch.isfinite(lp.TopKLogitsWarper(1)(None, x)[0]).tolist()
    assert sampling.top_k(logits=[1.0, 2.0, 2.0, 0.0], k=1)["kept"] == hf


def test_hf_applies_temperature_before_top_k_and_top_p():
    pytest.importorskip("torch")
    from transformers import GenerationConfig
    from transformers.generation.logits_process import (
        TemperatureLogitsWarper,
        TopKLogitsWarper,
        TopPLogitsWarper,
    )
    from transformers.generation.utils import GenerationMixin

    cfg = GenerationConfig(do_sample=True, temperature=0.7, top_k=5, top_p=0.9)
    procs = GenerationMixin._get_logits_processor(
        GenerationMixin.__new__(GenerationMixin), generation_config=cfg, input_ids_seq_length=1,
        encoder_input_ids=None, prefix_allowed_tokens_fn=None, logits_processor=None)
    warpers = (TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper)
    assert [type(p) for p in procs if type(p) in warpers] == list(warpers)


def test_multinomial_frequencies_agree_with_torch_multinomial():
    torch = pytest.importorskip("torch")
    logits = [1.0, 0.0, -1.0, 2.0, 0.5]
    ours = sampling.multinomial(logits=logits, n=200_000, seed=3)
    g = torch.Generator().manual_seed(3)
    draws = torch.multinomial(torch.softmax(torch.tensor(logits, dtype=torch.float64), -1), 200_000,
                              replacement=True, generator=g)
    freq = torch.bincount(draws, minlength=5).double() / 200_000
    assert np.allclose(ours["frequencies"], freq.numpy(), atol=7e-3)
    assert np.allclose(ours["probs"], torch.softmax(torch.tensor(logits, dtype=torch.float64), -1).numpy())

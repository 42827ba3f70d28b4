import math

import numpy as np
import pytest
from scipy import integrate, stats

from compute import bon

# closed forms of E[max of N standard normals] (order statistics of the normal; e.g. David & Nagaraja)
CLOSED = {
    1: 0.0,
    2: 1 / math.sqrt(math.pi),
    3: 3 / (2 * math.sqrt(math.pi)),
    4: 6 / math.pi**1.5 * math.atan(math.sqrt(2)),
    5: 5 / (4 * math.sqrt(math.pi)) * (1 + 6 / math.pi * math.asin(1 / 3)),
}


def test_expected_best_matches_the_closed_forms():
    out = bon.expected_best(ns=list(CLOSED))
    assert out["z"] == pytest.approx(list(CLOSED.values()), abs=1e-9)


@pytest.mark.parametrize("n", [6, 8, 16, 64])
def test_expected_best_matches_scipy_quadrature_of_the_order_statistic(n):
    ref, _ = integrate.quad(lambda x: x * n * stats.norm.pdf(x) * stats.norm.cdf(x) ** (n - 1), -np.inf, np.inf)
    assert bon.expected_best(ns=[n])["z"][0] == pytest.approx(ref, abs=1e-8)


def test_expected_best_agrees_with_a_seeded_simulation_and_scales_with_mean_and_std():
    rng = np.random.default_rng(0)
    ns, mean, std = [1, 2, 6, 16], 0.5, 2.0
    out = bon.expected_best(ns=ns, mean=mean, std=std)
    for n, e in zip(ns, out["expected"], strict=True):
        best = rng.normal(mean, std, size=(200_000, n)).max(axis=1)
        assert e == pytest.approx(best.mean(), abs=4 * best.std() / math.sqrt(best.size))
    assert out["gain"] == pytest.approx([e - mean for e in out["expected"]])


@pytest.mark.parametrize("n", [1, 2, 6, 32])
def test_kl_is_the_integral_of_the_best_of_n_density_ratio(n):
    # best-of-N density / base density = N·F^(N−1); with u = F(r) ~ Beta(N, 1) the KL is ∫ N u^(N−1) log(N u^(N−1)) du
    ref, _ = integrate.quad(lambda u: n * u ** (n - 1) * math.log(n * u ** (n - 1)) if u > 0 else 0.0, 0, 1)
    assert bon.expected_best(ns=[n])["kl"][0] == pytest.approx(ref, abs=1e-8)


@pytest.mark.parametrize("kwargs", [{"ns": []}, {"ns": [0]}, {"ns": [2.5]}, {"ns": [2], "std": 0.0}])
def test_expected_best_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        bon.expected_best(**kwargs)


RSFT = {"logits": [1.2, 1.0, 0.5, 0.0, -0.3], "rewards": [-1.0, 0.2, 0.5, 0.9, 1.3], "prompts": 8, "k": 4,
        "rounds": 3, "lr": 1.0, "steps": 5, "seed": 2}


def test_rejection_sampling_keeps_the_first_best_answer_of_each_prompt():
    out = bon.rejection_sampling(**RSFT)
    rewards = np.array(RSFT["rewards"])
    for samples, scores, mask, kept in zip(out["samples"], out["scores"], out["kept_mask"], out["kept"], strict=True):
        samples, scores, mask = np.array(samples), np.array(scores), np.array(mask)
        assert np.array_equal(scores, rewards[samples])
        assert np.array_equal(mask.argmax(axis=1), scores.argmax(axis=1)) and (mask.sum(axis=1) == 1).all()
        assert kept == [int(s[m]) for s, m in zip(samples, mask.argmax(axis=1), strict=True)]
    first = np.random.default_rng(RSFT["seed"]).choice(5, size=(8, 4), p=np.array(out["probs"][0]))
    assert out["samples"][0] == first.tolist()


def test_rejection_sampling_fine_tunes_like_torch_sgd_on_the_cross_entropy_of_the_kept_answers():
    torch = pytest.importorskip("torch")
    out = bon.rejection_sampling(**RSFT)
    theta = torch.tensor(RSFT["logits"], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([theta], lr=RSFT["lr"])
    assert torch.softmax(theta, 0).tolist() == pytest.approx(out["probs"][0])
    for t, kept in enumerate(out["kept"]):
        labels = torch.tensor(kept)
        for step in range(RSFT["steps"]):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(theta.expand(len(kept), -1), labels)
            if step == 0:
                assert loss.item() == pytest.approx(out["loss_before"][t])
            loss.backward()
            opt.step()
        assert torch.softmax(theta, 0).tolist() == pytest.approx(out["probs"][t + 1], abs=1e-12)
        expected = float(torch.softmax(theta, 0).detach() @ torch.tensor(RSFT["rewards"], dtype=torch.float64))
        assert out["expected"][t + 1] == pytest.approx(expected)
    assert out["expected"] == sorted(out["expected"])  # this configuration improves every round


@pytest.mark.parametrize("bad", [{"rewards": [1.0]}, {"k": 0}, {"lr": 0.0}, {"logits": [1.0, float("nan"), 0, 0, 0]}])
def test_rejection_sampling_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        bon.rejection_sampling(**{**RSFT, **bad})

import math

import numpy as np
import pytest

from compute import policy

TRPO = {"logits": [0.0, 0.5, 0.0, 0.5], "rewards": [1.0, 0.6, 0.3, 0.0], "max_kl": 0.1, "batch": 10,
        "reward_noise": 0.8, "seed": 7, "scales": [0.0, 0.5, 1.0, 2.0]}


def _torch_trpo(logits, actions, adv, max_kl):
    """TRPO's step written again with torch autograd: g, F = ∇²KL, natural gradient, halving line search."""
    torch = pytest.importorskip("torch")
    old = torch.tensor(logits, dtype=torch.float64)
    a, A = torch.tensor(actions), torch.tensor(adv, dtype=torch.float64)
    logp_old = torch.log_softmax(old, -1)

    def surrogate(th):
        return (torch.exp(torch.log_softmax(th, -1)[a] - logp_old[a]) * A).mean()

    def kl(th):
        return (logp_old.exp() * (logp_old - torch.log_softmax(th, -1))).sum()

    th = old.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(surrogate(th), th)
    fisher = torch.autograd.functional.hessian(kl, old.clone())
    d = torch.linalg.pinv(fisher) @ g
    step = math.sqrt(2 * max_kl / float(d @ fisher @ d)) * d
    s = 1.0
    while not (float(kl(old + s * step)) <= max_kl and float(surrogate(old + s * step)) > 0):
        s /= 2
    return {"g": g.numpy(), "fisher": fisher.numpy(), "scale": s, "probs": torch.softmax(old + s * step, -1).numpy(),
            "kl": lambda t: float(kl(old + t * step)), "sur": lambda t: float(surrogate(old + t * step))}


def test_trpo_step_matches_torch_autograd():
    out = policy.trpo_step(**TRPO)
    ref = _torch_trpo(TRPO["logits"], out["actions"], out["advantages"], TRPO["max_kl"])
    np.testing.assert_allclose(out["gradient"], ref["g"], atol=1e-12)
    np.testing.assert_allclose(out["fisher"], ref["fisher"], atol=1e-12)
    assert out["accepted_scale"] == ref["scale"] == 0.5
    np.testing.assert_allclose(out["new_probs"], ref["probs"], atol=1e-12)
    for row in out["tried"]:
        assert row["kl"] == pytest.approx(ref["kl"](row["scale"]), abs=1e-12)
        assert row["surrogate"] == pytest.approx(ref["sur"](row["scale"]), abs=1e-12)
    assert [r["accepted"] for r in out["tried"]] == [False, True]
    for s, kl, sur in zip(out["curve"]["scale"], out["curve"]["kl"], out["curve"]["surrogate"], strict=True):
        assert kl == pytest.approx(ref["kl"](s), abs=1e-12) and sur == pytest.approx(ref["sur"](s), abs=1e-12)


def test_trpo_quadratic_model_and_boundary():
    out = policy.trpo_step(**TRPO)
    # the full step makes the quadratic KL model ½ΔθᵀFΔθ equal δ; the exact KL is δ at the boundary
    step = out["full_scale"] * np.array(out["direction"])
    assert 0.5 * step @ np.array(out["fisher"]) @ step == pytest.approx(TRPO["max_kl"])
    edge = policy.trpo_step(**{**TRPO, "scales": [out["boundary_scale"]]})
    assert edge["curve"]["kl"][0] == pytest.approx(TRPO["max_kl"], rel=1e-9)
    assert out["accepted_scale"] <= out["boundary_scale"] < 1
    # the true objective is Σ π(a)·r(a) under the true rewards
    r = np.array(TRPO["rewards"])
    assert out["new_objective"] == pytest.approx(np.array(out["new_probs"]) @ r)
    assert out["old_objective"] == pytest.approx(np.array(out["old_probs"]) @ r)
    assert np.mean(out["advantages"]) == pytest.approx(0, abs=1e-12)


def test_trpo_rejects_bad_input():
    with pytest.raises(ValueError):
        policy.trpo_step(logits=[0.0, 1.0], rewards=[1.0], max_kl=0.1)
    with pytest.raises(ValueError):
        policy.trpo_step(logits=[0.0, 1.0], rewards=[1.0, 0.0], max_kl=0.0)


def test_outputs_match_torch():
    torch = pytest.importorskip("torch")
    scores, x = [2.6, -0.1, 0.2, 0.8], [-1.0, 0.0, 0.3, 1.5]
    out = policy.outputs(scores, mean=0.3, std=0.5, x=x, draws=50, seed=1)
    t = torch.tensor(scores, dtype=torch.float64)
    np.testing.assert_allclose(out["stochastic"], torch.softmax(t, -1).numpy(), atol=1e-12)
    np.testing.assert_allclose(out["deterministic"],
                               torch.nn.functional.one_hot(t.argmax(), 4).numpy(), atol=0)
    normal = torch.distributions.Normal(torch.tensor(0.3, dtype=torch.float64), torch.tensor(0.5, dtype=torch.float64))
    np.testing.assert_allclose(out["pdf"], normal.log_prob(torch.tensor(x, dtype=torch.float64)).exp().numpy(),
                               atol=1e-12)
    assert sum(out["counts"]) == 50 and len(out["samples"]) == 50 and out["best"] == 0

"""rl.mc_td_targets against the textbook definitions, written out here: G = Σ γ^k r_k for MC and r_0 + γ·V̂(s′) for
TD(0), true values m·Σ_{k<H} γ^k (Sutton & Barto ch. 6: MC unbiased with variance σ²Σγ^{2k}, TD biased, variance σ²)."""

import math

import numpy as np
import pytest

from compute.rl_targets import mc_td_targets, policy_gradient_variance


def _geometric(gamma: float, n: int) -> float:
    return sum(gamma ** k for k in range(n))


def test_without_noise_mc_is_exact_and_td_is_off_by_gamma_times_the_estimate_error():
    m, gamma, h, nxt = [1.0, 2.0], 0.9, 6, [3.0, 12.0]
    out = mc_td_targets(reward_means=m, reward_std=0.0, horizon=h, gamma=gamma, next_estimates=nxt, episodes=4)
    true_v = [mi * _geometric(gamma, h) for mi in m]
    assert out["true_values"] == pytest.approx(true_v)
    assert np.allclose(out["mc"], 0.0)
    td_err = [mi + gamma * ni - vi for mi, ni, vi in zip(m, nxt, true_v, strict=True)]  # r_0 = m exactly
    assert np.allclose(out["td"], [td_err] * 4)
    assert out["mc_bias"] == pytest.approx(0.0, abs=1e-12) and out["td_spread"] == pytest.approx(0.0, abs=1e-12)
    assert out["td_bias"] == pytest.approx(math.hypot(*td_err))
    assert out["td_bias_exact"] == pytest.approx(math.hypot(*td_err))


def test_sample_statistics_match_the_theory_over_many_episodes():
    gamma, h, sigma = 0.9, 20, 1.0
    out = mc_td_targets(reward_means=[1.0, 1.0], reward_std=sigma, horizon=h, gamma=gamma,
                        next_estimates=[5.0, 10.0], episodes=500, seed=7)
    mc, td = np.array(out["mc"]), np.array(out["td"])
    mc_sd = sigma * math.sqrt(sum(gamma ** (2 * k) for k in range(h)))
    assert out["mc_std"] == pytest.approx(mc_sd) and out["td_std"] == sigma
    assert np.abs(mc.mean(0)).max() < 4 * mc_sd / math.sqrt(500)  # unbiased
    assert mc.std(0) == pytest.approx([mc_sd, mc_sd], rel=0.15)
    assert td.std(0) == pytest.approx([sigma, sigma], rel=0.15)
    true_next = _geometric(gamma, h - 1)
    assert td.mean(0) == pytest.approx([gamma * (5 - true_next), gamma * (10 - true_next)], abs=0.2)
    assert out["td_spread"] < out["mc_spread"]


def test_the_seed_fixes_the_sample():
    args = dict(reward_means=[1.0, 0.5], reward_std=1.0, horizon=5, gamma=0.8, next_estimates=[1.0, 1.0])
    assert mc_td_targets(**args, seed=3) == mc_td_targets(**args, seed=3)
    assert mc_td_targets(**args, seed=3)["mc"] != mc_td_targets(**args, seed=4)["mc"]


@pytest.mark.parametrize("bad, msg", [
    ({"reward_means": [1.0]}, "one value per start state"),
    ({"gamma": 1.5}, "gamma must be in"),
    ({"horizon": 1}, "horizon must be in"),
    ({"episodes": 0}, "episodes must be in"),
    ({"reward_std": -1.0}, "reward_std must be >= 0"),
])
def test_bad_arguments_are_refused(bad, msg):
    args = dict(reward_means=[1.0, 1.0], reward_std=1.0, horizon=5, gamma=0.9, next_estimates=[1.0, 1.0])
    with pytest.raises(ValueError, match=msg):
        mc_td_targets(**{**args, **bad})


def _one_sample_gradients(q, pi, w):
    """Reference: the gradient of w(a)·log softmax(θ)[a] at θ = log π, by central finite differences, per action."""
    theta = np.log(np.asarray(pi, dtype=float))
    out = []
    for a in range(len(q)):
        g = np.zeros(len(q))
        for b in range(len(q)):
            e = np.zeros(len(q))
            e[b] = 1e-6
            lp = [t - np.log(np.exp(t).sum()) for t in (theta + e, theta - e)]
            g[b] = w[a] * (lp[0][a] - lp[1][a]) / 2e-6
        out.append(g)
    return np.array(out)


def test_policy_gradient_variance_matches_finite_difference_scores():
    q, pi = [97.0, 100.0, 106.0], [0.2, 0.5, 0.3]
    out = policy_gradient_variance(q_values=q, pi=pi)
    v = sum(p * x for p, x in zip(pi, q, strict=True))
    assert out["v"] == pytest.approx(v) and out["advantages"] == pytest.approx([x - v for x in q])
    p = np.array(pi)
    for weight, key in ((np.array(q), "variance_q"), (np.array(q) - v, "variance_a")):
        g = _one_sample_gradients(q, pi, weight)
        mean = p @ g
        assert out["expected_gradient"] == pytest.approx(mean, abs=1e-5)  # same for both weights
        assert out[key] == pytest.approx(float(p @ (g ** 2).sum(1) - mean @ mean), rel=1e-5)
    assert out["variance_a"] < out["variance_q"] / 100


def test_policy_gradient_variance_refuses_a_bad_policy():
    with pytest.raises(ValueError, match="probability distribution"):
        policy_gradient_variance(q_values=[1.0, 2.0], pi=[0.7, 0.7])
    with pytest.raises(ValueError, match="same length"):
        policy_gradient_variance(q_values=[1.0, 2.0], pi=[1.0])

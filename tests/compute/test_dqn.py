"""compute.dqn against torch.nn (the Q-network), a CleanRL-style ε-greedy loop and the Gaussian max written out."""

import math

import numpy as np
import pytest

from compute import dqn, rl


def _phi(z: np.ndarray) -> np.ndarray:
    return np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)


def _cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))


def _expected_max_and_picks(mu: list[float], sigma: float) -> tuple[float, list[float]]:
    """E[max_i X_i] and P(argmax = i) for independent X_i ~ N(mu_i, σ²), by numerical integration."""
    x = np.linspace(min(mu) - 10 * sigma, max(mu) + 10 * sigma, 40_001)
    cdfs = [_cdf((x - m) / sigma) for m in mu]
    pdfs = [_phi((x - m) / sigma) / sigma for m in mu]
    picks = []
    for i in range(len(mu)):
        others = np.prod([cdfs[j] for j in range(len(mu)) if j != i], axis=0)
        picks.append(float(np.trapezoid(pdfs[i] * others, x)))
    density_of_max = sum(pdfs[i] * np.prod([cdfs[j] for j in range(len(mu)) if j != i], axis=0)
                         for i in range(len(mu)))
    return float(np.trapezoid(x * density_of_max, x)), picks


def test_q_network_matches_torch_linear_relu_linear():
    torch = pytest.importorskip("torch")
    state = [0.0, 1.0, 0.0, 0.0]
    out = dqn.q_network(state=state, n_actions=3, hidden=5, seed=3, epsilon=0.2)
    net = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(out["w1"], dtype=torch.float64))
        net[0].bias.copy_(torch.tensor(out["b1"], dtype=torch.float64))
        net[2].weight.copy_(torch.tensor(out["w2"], dtype=torch.float64))
        net[2].bias.copy_(torch.tensor(out["b2"], dtype=torch.float64))
        q = net(torch.tensor(state, dtype=torch.float64))
        h = net[1](net[0](torch.tensor(state, dtype=torch.float64)))
    assert out["q_values"] == pytest.approx(q.tolist(), abs=1e-12)
    assert out["hidden"] == pytest.approx(h.tolist(), abs=1e-12)
    assert out["greedy"] == int(torch.argmax(q))
    # torch.nn.Linear's default init draws from U(−1/√fan_in, 1/√fan_in)
    assert np.max(np.abs(out["w1"])) <= 1 / math.sqrt(4) and np.max(np.abs(out["w2"])) <= 1 / math.sqrt(5)


def test_q_network_epsilon_greedy_probabilities_match_a_sampling_loop():
    out = dqn.q_network(state=[1.0, 0.0, 0.0], n_actions=4, hidden=3, seed=1, epsilon=0.3)
    q = np.array(out["q_values"])
    rng = np.random.default_rng(7)
    draws = 200_000
    # CleanRL dqn.py: if random() < ε take a uniformly random action, else argmax Q
    explore = rng.random(draws) < 0.3
    actions = np.where(explore, rng.integers(0, 4, draws), int(np.argmax(q)))
    freq = np.bincount(actions, minlength=4) / draws
    assert out["epsilon_probs"] == pytest.approx(freq.tolist(), abs=0.005)
    assert sum(out["epsilon_probs"]) == pytest.approx(1.0)
    assert out["greedy_onehot"] == [1.0 if a == int(np.argmax(q)) else 0.0 for a in range(4)]
    assert out["explore_each"] == pytest.approx(0.3 / 4)
    assert out["gap"] == pytest.approx(np.sort(q)[-1] - np.sort(q)[-2])


def test_q_network_rejects_bad_arguments():
    with pytest.raises(ValueError):
        dqn.q_network(state=[1.0], n_actions=2, epsilon=1.5)
    with pytest.raises(ValueError):
        dqn.q_network(state=[1.0], n_actions=0)


def test_single_estimator_of_equal_values_is_biased_by_the_expected_max_of_three_normals():
    # E[max of 3 iid N(0, 1)] = 3 / (2√π); the double estimator evaluates an independent draw: E = 0
    out = dqn.overestimation(q_values=[0.0, 0.0, 0.0], noise_std=1.0, trials=200_000, seed=2)
    assert out["single_bias"] == pytest.approx(3 / (2 * math.sqrt(math.pi)), abs=0.01)
    assert out["double_bias"] == pytest.approx(0.0, abs=0.01)


def test_single_and_double_estimators_match_the_integrals():
    mu, sigma = [1.0, 1.5, 0.5, 1.2], 0.8
    expected_max, picks = _expected_max_and_picks(mu, sigma)
    out = dqn.overestimation(q_values=mu, noise_std=sigma, trials=200_000, seed=5)
    assert out["true_max"] == 1.5
    assert out["single_mean"] == pytest.approx(expected_max, abs=0.01)
    assert out["single_pick_rate"] == pytest.approx(picks, abs=0.005)
    assert out["double_pick_rate"] == pytest.approx(picks, abs=0.005)
    # Double DQN: E[Q̂_target(argmax Q̂_online)] = Σ_a P(a* = a)·Q(a), below the true max
    assert out["double_mean"] == pytest.approx(sum(p * m for p, m in zip(picks, mu, strict=True)), abs=0.01)
    assert out["double_bias"] < 0 < out["single_bias"]


def test_overestimation_histograms_and_first_draw_are_consistent():
    out = dqn.overestimation(q_values=[2.0, 3.0], noise_std=1.0, trials=5_000, seed=0, bins=10)
    assert len(out["edges"]) == 11 and len(out["centers"]) == 10
    assert sum(out["single_hist"]) == pytest.approx(1.0) and sum(out["double_hist"]) == pytest.approx(1.0)
    online, target = out["sample_online"], out["sample_target"]
    assert out["sample_double_pick"] == int(np.argmax(online)) and out["sample_single_pick"] == int(np.argmax(target))
    assert out["sample_single"] == max(target)
    assert out["sample_double"] == target[out["sample_double_pick"]]
    # the same draw through rl.dqn_targets (r = 0, γ = 1) gives the same two estimates
    ref = rl.dqn_targets(rewards=[0.0], next_q_online=[online], next_q_target=[target], gamma=1.0)
    assert ref["dqn"] == [out["sample_single"]] and ref["double_dqn"] == [out["sample_double"]]
    noiseless = dqn.overestimation(q_values=[2.0, 3.0], noise_std=0.0, trials=10)
    assert noiseless["single_bias"] == 0.0 and noiseless["double_bias"] == 0.0
    with pytest.raises(ValueError):
        dqn.overestimation(q_values=[1.0], trials=0)

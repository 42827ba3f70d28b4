"""rl.trajectory_values and rl.mc_rollouts against the Bellman expectation equation solved independently.

References: V(s) = Σ p·(r + γV(s′)) (Sutton & Barto eq. 3.14 with the policy folded into p), and the second
moment M(s) = E[G²] = Σ p·(r² + 2γr·V(s′) + γ²M(s′)), both written again here by recursion over states;
the sample mean of n i.i.d. returns has standard deviation σ/√n.
"""

import math

import numpy as np
import pytest

from compute.rl_episodes import mc_rollouts, trajectory_values

ENV = {
    "s": [{"p": 0.5, "r": 1.0, "to": "a"}, {"p": 0.3, "r": 0.0, "to": "b"}, {"p": 0.2, "r": 2.0, "to": "T"}],
    "a": [{"p": 0.6, "r": 2.0, "to": "T"}, {"p": 0.4, "r": 0.0, "to": "c"}],
    "b": [{"p": 0.5, "r": 4.0, "to": "T"}, {"p": 0.5, "r": -1.0, "to": "T"}],
    "c": [{"p": 1.0, "r": 1.0, "to": "T"}],
}


def bellman(env: dict, s: str, gamma: float) -> float:
    return sum(x["p"] * (x["r"] + gamma * bellman(env, x["to"], gamma)) for x in env.get(s, []))


def second_moment(env: dict, s: str, gamma: float) -> float:
    return sum(x["p"] * (x["r"] ** 2 + 2 * gamma * x["r"] * bellman(env, x["to"], gamma)
                         + gamma ** 2 * second_moment(env, x["to"], gamma)) for x in env.get(s, []))


@pytest.mark.parametrize("gamma", [1.0, 0.9, 0.5])
def test_value_is_the_bellman_solution(gamma):
    out = trajectory_values(env=ENV, start="s", gamma=gamma)
    assert out["value"] == pytest.approx(bellman(ENV, "s", gamma))
    var = second_moment(ENV, "s", gamma) - bellman(ENV, "s", gamma) ** 2
    assert out["std"] == pytest.approx(math.sqrt(var))
    assert sum(out["probs"]) == pytest.approx(1.0)
    assert sum(out["terms"]) == pytest.approx(out["value"])


def test_trajectories_listed_with_their_probability_and_return():
    out = trajectory_values(env=ENV, start="s", gamma=0.9)
    assert out["states"] == [["s", "a", "T"], ["s", "a", "c", "T"], ["s", "b", "T"], ["s", "b", "T"], ["s", "T"]]
    assert out["probs"] == pytest.approx([0.5 * 0.6, 0.5 * 0.4 * 1.0, 0.3 * 0.5, 0.3 * 0.5, 0.2])
    assert out["rewards"][1] == [1.0, 0.0, 1.0]
    assert out["returns"][1] == pytest.approx(1.0 + 0.9 * 0.0 + 0.81 * 1.0)


def test_cycle_and_bad_probabilities_are_refused():
    with pytest.raises(ValueError, match="acyclic"):
        trajectory_values(env={"s": [{"p": 1.0, "r": 0.0, "to": "s"}]}, start="s")
    with pytest.raises(ValueError, match="distribution"):
        trajectory_values(env={"s": [{"p": 0.5, "r": 0.0, "to": "T"}]}, start="s")
    with pytest.raises(ValueError, match="start"):
        trajectory_values(env=ENV, start="T")


def test_running_mean_and_counts():
    out = mc_rollouts(env=ENV, start="s", episodes=200, gamma=1.0, seed=3)
    g = np.array(out["returns"])
    for n in (1, 7, 50, 200):
        assert out["estimates"][n - 1] == pytest.approx(g[:n].mean())
    exact = trajectory_values(env=ENV, start="s", gamma=1.0)
    assert g == pytest.approx([exact["returns"][i] for i in out["trajectory"]])
    assert sum(out["counts"]) == 200
    assert out["true_value"] == pytest.approx(bellman(ENV, "s", 1.0))
    sd = math.sqrt(second_moment(ENV, "s", 1.0) - bellman(ENV, "s", 1.0) ** 2)
    assert out["upper"][99] == pytest.approx(out["true_value"] + 2 * sd / 10)
    assert out["lower"][99] == pytest.approx(out["true_value"] - 2 * sd / 10)


def test_estimate_converges_to_the_true_value():
    n = 20_000
    out = mc_rollouts(env=ENV, start="s", episodes=n, gamma=0.9, seed=0)
    v = bellman(ENV, "s", 0.9)
    sd = math.sqrt(second_moment(ENV, "s", 0.9) - v ** 2)
    assert abs(out["estimate"] - v) < 4 * sd / math.sqrt(n)
    exact = trajectory_values(env=ENV, start="s", gamma=0.9)
    for f, p in zip(out["frequencies"], exact["probs"], strict=True):
        assert abs(f - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert np.var(out["returns"]) == pytest.approx(sd ** 2, rel=0.05)


def test_seeded_and_reproducible():
    a = mc_rollouts(env=ENV, start="s", episodes=30, seed=1)
    b = mc_rollouts(env=ENV, start="s", episodes=30, seed=1)
    c = mc_rollouts(env=ENV, start="s", episodes=30, seed=2)
    assert a == b
    assert a["returns"] != c["returns"]


@pytest.mark.parametrize("gamma", [1.0, 0.8, 0.0])
def test_return_terms_rows_are_the_discounted_returns(gamma):
    from compute.rl_episodes import return_terms
    rewards = [3.0, 1.0, 2.0, 4.0]
    out = return_terms(rewards=rewards, gamma=gamma)
    # G_t = Σ_{k=t+1}^{T} γ^{k-t-1} r_k (Sutton & Barto eq. 3.8), written out directly
    expected = [sum(gamma ** (k - t - 1) * rewards[k - 1] for k in range(t + 1, 5)) for t in range(5)]
    assert out["returns"] == pytest.approx(expected)
    assert out["mask"] == [[k > t for k in range(1, 5)] for t in range(5)]
    assert out["terms"][0][3] == pytest.approx(gamma ** 3 * 4.0)
    assert out["terms"][2][1] == 0.0
    assert [sum(row) for row in out["terms"]] == pytest.approx(expected)

"""imitation.behaviour_cloning: the fit against scikit-learn's LogisticRegression, the rollouts against a plain
re-simulation with the same random numbers, and the task's rules written again here."""

import itertools

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from compute import imitation

WIND = [0, 1, 0, -1, 0, 1, -1, 0, 1, 0, -1, 0, 0, 1, -1, 0]


@pytest.mark.parametrize("c", [0.3, 1.0, 2.0, 10.0])
def test_clone_probabilities_match_sklearn_logistic_regression(c):
    out = imitation.behaviour_cloning(wind=WIND, half_width=2, c=c, horizon=5, runs=10)
    x = np.eye(5)[np.array(out["demo_lanes"]) + 2]
    ref = LogisticRegression(C=c, tol=1e-12, max_iter=100000).fit(x, out["demo_actions"])
    assert np.array(out["probs"]) == pytest.approx(ref.predict_proba(np.eye(5)), abs=1e-6)


def test_fit_softmax_matches_sklearn_on_dense_features():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3))
    y = (x @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=40) > 0).astype(int) + (x[:, 0] > 1)
    w, b = imitation.fit_softmax(x, y, 3, c=0.7)
    ref = LogisticRegression(C=0.7, tol=1e-12, max_iter=100000).fit(x, y)
    ours = np.exp(x @ w.T + b)
    ours /= ours.sum(1, keepdims=True)
    assert ours == pytest.approx(ref.predict_proba(x), abs=1e-6)


def test_demonstrations_follow_the_expert_rule_and_the_wind():
    out = imitation.behaviour_cloning(wind=WIND, horizon=3, runs=1)
    lanes, acts = out["demo_lanes"], out["demo_actions"]
    assert lanes[0] == 0
    for t in range(len(WIND) - 1):
        steer = {0: -1, 1: 0, 2: 1}[acts[t]]
        assert steer == -np.sign(lanes[t]) == out["demo_steer"][t]  # back towards the centre
        assert lanes[t + 1] == lanes[t] + steer + WIND[t]
    assert out["seen"] == [False, True, True, True, False]
    assert out["counts"] == [lanes.count(x) for x in range(-2, 3)]


def test_unseen_lanes_get_the_overall_action_frequencies_shrunk_only_by_the_bias():
    # a one-hot column that is always 0 gets weight 0 under L2: π there is softmax(bias) alone, the same on both
    out = imitation.behaviour_cloning(wind=WIND, horizon=3, runs=1)
    p = np.array(out["probs"])
    assert p[0] == pytest.approx(p[4])
    assert p[0][1] > p[0][0] == pytest.approx(p[0][2])
    assert out["greedy"][1:4] == out["expert"][1:4] == [2, 1, 0]


def test_mistake_is_one_minus_the_probability_of_the_expert_action():
    out = imitation.behaviour_cloning(wind=WIND, horizon=3, runs=1)
    p = np.array(out["probs"])
    want = [1 - p[x + 2, a] for x, a in zip(out["demo_lanes"], out["demo_actions"], strict=True)]
    assert out["mistake"] == pytest.approx(want)
    assert out["mean_mistake"] == pytest.approx(np.mean(want))


def _resimulate(probs, half_width, horizon, runs, seed):
    """The clone driven with the same uniform draws, one run at a time, in plain Python."""
    rng = np.random.default_rng(seed)
    u = [rng.random(runs) for _ in range(horizon)]
    paths = []
    for r in range(runs):
        x, path, alive = 0, [0], True
        for t in range(horizon):
            if alive:
                row, acc, a = probs[min(max(x, -half_width), half_width) + half_width], 0.0, 2
                for k in range(3):
                    acc += row[k]
                    if u[t][r] <= acc:
                        a = k
                        break
                x += (-1, 0, 1)[a]
                alive = abs(x) <= half_width
            path.append(x)
        paths.append(path)
    return paths


def test_rollouts_and_fractions_match_a_plain_resimulation():
    out = imitation.behaviour_cloning(wind=WIND, horizon=12, runs=300, seed=10)
    paths = _resimulate(out["probs"], 2, 12, 300, 10)
    assert out["sample"] == paths[0]
    off = [[abs(x) > 2 for x in p] for p in paths]
    seen = set(out["demo_lanes"])
    outside = [[abs(x) > 2 or x not in seen for x in p] for p in paths]
    assert out["offroad"] == pytest.approx(np.mean(off, axis=0))
    assert out["unseen"] == pytest.approx(np.mean(outside, axis=0))
    first_off = next((t for t, o in enumerate(off[0]) if o), None)
    assert out["sample_off_at"] == first_off
    assert out["sample_left_at"] == next((t for t, o in enumerate(outside[0]) if o), None)


def test_offroad_only_grows_and_the_expert_never_leaves_the_centre():
    out = imitation.behaviour_cloning(wind=WIND, horizon=30, runs=2000, seed=0)
    assert all(b >= a for a, b in zip(out["offroad"], out["offroad"][1:], strict=False))
    assert out["offroad"][-1] > 0.05
    assert out["expert_lanes"] == [0] * 31
    assert out["expert_offroad"] == [0.0] * 31


@pytest.mark.parametrize("kw", [{"wind": [2]}, {"wind": []}, {"wind": [0.5]}, {"wind": [1], "c": 0},
                                {"wind": [1], "runs": 0}, {"wind": [1], "dagger_runs": -1},
                                {"wind": [1], "dagger_runs": 201},
                                {"wind": [1], "half_width": 0}])
def test_bad_arguments_are_refused(kw):
    with pytest.raises(ValueError):
        imitation.behaviour_cloning(**kw)


# --- corridor_irl: RL and IRL on a corridor, checked by value iteration written again here -----------------------

def _step(s, a, n):
    return s if s == n - 1 else min(max(s + (-1, 1)[a], 0), n - 1)


def _q_values(reward, gamma, n, sweeps=3000):
    v = [0.0] * n
    for _ in range(sweeps):
        v = [max(reward[s] + gamma * v[_step(s, a, n)] for a in (0, 1)) for s in range(n)]
    return [[reward[s] + gamma * v[_step(s, a, n)] for a in (0, 1)] for s in range(n)], v


def _evaluate(reward, policy, gamma, n, sweeps=3000):
    v = [0.0] * n
    for _ in range(sweeps):
        v = [reward[s] + gamma * v[_step(s, policy[s], n)] for s in range(n)]
    return v


def test_rl_on_the_true_reward_walks_right_and_its_values_satisfy_bellman():
    out = imitation.corridor_irl(reward=[-1, -1, -1, -1, 10], gamma=0.9, lam=0.1)
    assert out["policy"] == [1, 1, 1, 1, 1] and out["demo"] == [0, 1, 2, 3, 4]
    assert out["values"][4] == pytest.approx(10 / (1 - 0.9))
    for s in range(4):
        assert out["values"][s] == pytest.approx(-1 + 0.9 * out["values"][s + 1])


@pytest.mark.parametrize("gamma,lam", [(0.9, 0.1), (0.8, 0.5), (0.5, 0.0)])
def test_irl_counts_and_pick_match_a_brute_force_by_value_iteration(gamma, lam):
    reward, n = [-1, -1, -1, -1, 10], 5
    out = imitation.corridor_irl(reward=reward, gamma=gamma, lam=lam)
    expert = out["policy"]
    consistent, strict, best = 0, 0, None
    for cand in itertools.product([-1.0, 0.0, 1.0], repeat=n):
        q, _ = _q_values(cand, gamma, n)
        gaps = [q[s][expert[s]] - q[s][1 - expert[s]] for s in range(n - 1)]
        if min(gaps) >= -1e-7:
            consistent += 1
            strict += min(gaps) > 1e-7
            v = _evaluate(cand, expert, gamma, n)  # Ng & Russell (2000), eq. 4: (P_π(s) − P_a(s)) V^π
            margin = sum((v[_step(s, expert[s], n)] - v[_step(s, 1 - expert[s], n)]) for s in range(n - 1))
            score = margin - lam * sum(abs(x) for x in cand)
            if best is None or score > best[0] + 1e-9:
                best = (score, list(cand))
    assert out["candidates"] == 3 ** n
    assert (out["consistent"], out["strict"]) == (consistent, strict)
    assert out["r_hat"] == best[1] and out["score"] == pytest.approx(best[0])
    assert out["zero_consistent"] is True


def test_the_recovered_reward_differs_from_the_true_one_but_gives_the_expert_policy():
    out = imitation.corridor_irl(reward=[-1, -1, -1, -1, 10], gamma=0.9, lam=0.1)
    assert out["r_hat"] != out["reward"]
    q, v = _q_values(out["r_hat"], 0.9, 5)
    assert out["values_hat"] == pytest.approx(v)
    assert out["policy_hat"][:4] == [int(q[s][1] >= q[s][0]) for s in range(4)] == out["policy"][:4]
    assert out["same_policy"] is True


@pytest.mark.parametrize("kw", [{"reward": [1]}, {"reward": [0] * 8}, {"reward": [0, 1], "gamma": 1.0},
                                {"reward": [0, 1], "lam": -1}, {"reward": [0, 1], "levels": []}])
def test_corridor_irl_refuses_bad_arguments(kw):
    with pytest.raises(ValueError):
        imitation.corridor_irl(**kw)


def test_one_dagger_round_refits_on_the_expert_labels_of_the_clone_states():
    out = imitation.behaviour_cloning(wind=WIND, c=2.0, horizon=12, runs=300, seed=10, dagger_runs=5)
    paths = _resimulate(out["probs"], 2, 12, 300, 10)
    visited = [x for p in paths[:5] for x in p if abs(x) <= 2]
    labels = [{-1: 2, 0: 1, 1: 0}[int(np.sign(x))] for x in visited]  # the expert steers back to the centre
    assert out["dagger_added"] == len(visited)
    lanes, acts = out["demo_lanes"] + visited, out["demo_actions"] + labels
    ref = LogisticRegression(C=2.0, tol=1e-12, max_iter=100000).fit(np.eye(5)[np.array(lanes) + 2], acts)
    assert np.array(out["dagger_probs"]) == pytest.approx(ref.predict_proba(np.eye(5)), abs=1e-6)
    assert out["dagger_seen"] == [x in set(lanes) for x in range(-2, 3)]
    again = _resimulate(out["dagger_probs"], 2, 12, 300, 10)
    assert out["dagger_offroad"] == pytest.approx(np.mean([[abs(x) > 2 for x in p] for p in again], axis=0))

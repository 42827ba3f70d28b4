import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import rl

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)

rewards_st = st.lists(st.floats(-10, 10), min_size=1, max_size=15)


def test_discounted_returns_textbook_example():
    # rewards 4, 3, 5, 2 with γ = 1: G = 14, 10, 7, 2 and the terminal 0
    out = rl.discounted_returns(rewards=[4, 3, 5, 2], gamma=1.0)
    assert out["returns"] == [14.0, 10.0, 7.0, 2.0, 0.0]
    assert out["backward"] == [0.0, 2.0, 7.0, 10.0, 14.0]


def test_discounted_returns_with_discount():
    # G_2 = 5, G_1 = 3 + .5·5 = 5.5, G_0 = 4 + .5·5.5 = 6.75
    assert rl.discounted_returns(rewards=[4, 3, 5], gamma=0.5)["returns"] == [6.75, 5.5, 5.0, 0.0]


@PROPS
@given(rewards_st, st.floats(0, 1))
def test_discounted_returns_equal_the_forward_sum(rewards, gamma):
    g = rl.discounted_returns(rewards=rewards, gamma=gamma)["returns"]
    for t in range(len(rewards)):
        direct = sum(gamma ** k * r for k, r in enumerate(rewards[t:]))
        assert g[t] == pytest.approx(direct, abs=1e-9)
    assert np.isclose(g[-1], 0.0)


def test_discounted_returns_weights_are_each_rewards_share_of_g0():
    # G_0 = Σ_k γ^k r_k: the weights are the gradient of G_0 with respect to each reward (one-hot rewards)
    out = rl.discounted_returns(rewards=[4, 3, 5, 2], gamma=0.5)
    assert out["weights"] == [1.0, 0.5, 0.25, 0.125]
    for k in range(4):
        one_hot = [1.0 if j == k else 0.0 for j in range(4)]
        assert rl.discounted_returns(rewards=one_hot, gamma=0.5)["returns"][0] == out["weights"][k]
    assert rl.discounted_returns(rewards=[1, 1], gamma=0.0)["weights"] == [1.0, 0.0]


def _brute_gae(r, v, d, gamma, lam):
    T = len(r)
    delta = [r[t] + gamma * v[t + 1] * (1 - d[t]) - v[t] for t in range(T)]
    adv = []
    for t in range(T):
        total, w = 0.0, 1.0
        for k in range(t, T):
            total += w * delta[k]
            if d[k]:
                break
            w *= gamma * lam
        adv.append(total)
    return delta, adv


episode = st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-5, 5), min_size=n, max_size=n),
    st.lists(st.floats(-5, 5), min_size=n + 1, max_size=n + 1),
    st.lists(st.booleans(), min_size=n, max_size=n)))


@PROPS
@given(episode, st.floats(0, 1), st.floats(0, 1))
def test_gae_equals_the_truncated_sum_of_discounted_td_errors(ep, gamma, lam):
    r, v, d = ep
    out = rl.gae(rewards=r, values=v, gamma=gamma, lam=lam, dones=d)
    delta, adv = _brute_gae(r, v, d, gamma, lam)
    assert np.allclose(out["deltas"], delta, atol=1e-9)
    assert np.allclose(out["advantages"], adv, atol=1e-6)
    assert np.allclose(out["returns"], np.array(adv) + np.array(v[:-1]), atol=1e-6)


@PROPS
@given(episode, st.floats(0, 1))
def test_gae_lambda_one_is_monte_carlo_advantage(ep, gamma):
    r, v, _ = ep
    v = v[:-1] + [0.0]  # terminal state after the last step
    out = rl.gae(rewards=r, values=v, gamma=gamma, lam=1.0)
    g = rl.discounted_returns(rewards=r, gamma=gamma)["returns"][:-1]
    assert np.allclose(out["returns"], g, atol=1e-6)
    assert np.allclose(out["advantages"], np.array(g) - np.array(v[:-1]), atol=1e-6)


@PROPS
@given(episode, st.floats(0, 1))
def test_gae_lambda_zero_is_td_error(ep, gamma):
    r, v, d = ep
    out = rl.gae(rewards=r, values=v, gamma=gamma, lam=0.0, dones=d)
    assert np.allclose(out["advantages"], rl.td_error(rewards=r, values=v, gamma=gamma, dones=d)["errors"])


def test_gae_hand_worked():
    # δ1 = 1 + .9·0 - .5 = .5 (terminal), δ0 = 0 + .9·.5 - 1 = -.55; A0 = -.55 + .9·.5·.5 = -.325
    out = rl.gae(rewards=[0, 1], values=[1.0, 0.5, 7.0], gamma=0.9, lam=0.5, dones=[False, True])
    assert out["deltas"] == pytest.approx([-0.55, 0.5])
    assert out["advantages"] == pytest.approx([-0.325, 0.5])


@PROPS
@given(episode, st.floats(0.5, 1), st.floats(0, 1))
def test_gae_matches_cleanrl_loop_in_torch(ep, gamma, lam):
    torch = pytest.importorskip("torch")
    r, v, d = ep
    T = len(r)
    rewards, values = torch.tensor(r, dtype=torch.float64), torch.tensor(v[:-1], dtype=torch.float64)
    # CleanRL stores done on the *next* observation: dones[t+1] = ours[t], next_done = ours[T-1]
    dones = torch.tensor([0.0] + [float(x) for x in d[:-1]], dtype=torch.float64)
    next_done, next_value = float(d[-1]), v[-1]
    advantages = torch.zeros(T, dtype=torch.float64)
    lastgaelam = 0.0
    for t in reversed(range(T)):  # cleanrl/ppo.py l.218-231
        if t == T - 1:
            nextnonterminal, nextvalues = 1.0 - next_done, next_value
        else:
            nextnonterminal, nextvalues = 1.0 - dones[t + 1], values[t + 1]
        delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
        advantages[t] = lastgaelam = delta + gamma * lam * nextnonterminal * lastgaelam
    out = rl.gae(rewards=r, values=v, gamma=gamma, lam=lam, dones=d)
    assert np.allclose(out["advantages"], advantages.numpy(), atol=1e-6)
    assert np.allclose(out["returns"], (advantages + values).numpy(), atol=1e-6)


def test_td_errors_vanish_in_expectation_at_the_random_walk_true_values():
    # Sutton & Barto Example 6.2: states A..E, true values 1/6..5/6, reward 1 on the right exit, γ = 1
    v = [0.0] + [i / 6 for i in range(1, 6)] + [0.0]
    for s in range(1, 6):
        left = rl.td_error(rewards=[0.0], values=[v[s], v[s - 1]])["errors"][0]
        right = rl.td_error(rewards=[1.0 if s == 5 else 0.0], values=[v[s], v[s + 1]])["errors"][0]
        assert 0.5 * left + 0.5 * right == pytest.approx(0.0, abs=1e-12)


def test_random_walk_true_values_solve_the_bellman_system():
    # the same values from numpy's linear solve of V = P V + r
    P = np.zeros((5, 5))
    b = np.zeros(5)
    for s in range(5):
        if s > 0:
            P[s, s - 1] = 0.5
        if s < 4:
            P[s, s + 1] = 0.5
        else:
            b[s] = 0.5
    solved = np.linalg.solve(np.eye(5) - P, b)
    assert np.allclose(solved, [i / 6 for i in range(1, 6)])


def test_n_step_targets_hand_worked_and_limits():
    r, v = [1.0, 2.0, 3.0], [0.5, 0.25, 0.125, 0.0]
    out = rl.n_step_td_target(rewards=r, values=v, n=2, gamma=0.5)
    # G_{0:2} = 1 + .5·2 + .25·V2 = 2.03125; G_{1:3} = 2 + .5·3 + .25·V3 = 3.5; G_{2:3} = 3 + .5·0
    assert out["targets"] == pytest.approx([2.03125, 3.5, 3.0])
    assert out["bootstrap_index"] == [2, 3, 3]
    assert rl.n_step_td_target(rewards=r, values=v, n=1, gamma=0.5)["targets"] == \
        pytest.approx(rl.td_error(rewards=r, values=v, gamma=0.5)["targets"])
    assert rl.n_step_td_target(rewards=r, values=v, n=10, gamma=0.5)["targets"] == \
        pytest.approx(rl.discounted_returns(rewards=r, gamma=0.5)["returns"][:-1])


def test_mc_value_sample_average_and_constant_alpha():
    eps = [[1.0, 1.0], [0.0], [4.0, -1.0]]
    out = rl.mc_value(episode_rewards=eps)
    assert out["returns"] == [2.0, 0.0, 3.0]
    assert out["estimates"] == pytest.approx([2.0, 1.0, 5 / 3])
    out = rl.mc_value(episode_rewards=eps, alpha=0.5, v0=0.0)
    assert out["estimates"] == pytest.approx([1.0, 0.5, 1.75])


def test_epsilon_schedule_matches_cleanrl_linear_schedule():
    def linear_schedule(start_e, end_e, duration, t):  # cleanrl/dqn.py l.106-108
        slope = (end_e - start_e) / duration
        return max(slope * t + start_e, end_e)

    out = rl.epsilon_schedule(start=1.0, end=0.05, steps=500, total=1000)
    for t in (0, 250, 500, 1000):
        assert out["epsilons"][t] == pytest.approx(linear_schedule(1.0, 0.05, 500, t))
    exp = rl.epsilon_schedule(start=1.0, end=0.01, steps=100, kind="exponential")
    assert exp["epsilons"][0] == 1.0 and exp["epsilons"][-1] == pytest.approx(0.01)
    assert all(a >= b for a, b in zip(exp["epsilons"], exp["epsilons"][1:], strict=False))


def test_asymptotic_epsilon_matches_the_pytorch_dqn_tutorial():
    # EPS_END + (EPS_START - EPS_END) * math.exp(-1. * steps_done / EPS_DECAY), from the PyTorch DQN tutorial
    import math
    out = rl.epsilon_schedule(start=0.9, end=0.05, steps=1000, total=3000, kind="asymptotic")
    for t in (0, 1, 500, 1000, 3000):
        assert out["epsilons"][t] == pytest.approx(0.05 + (0.9 - 0.05) * math.exp(-1.0 * t / 1000))
        assert out["exploit"][t] == pytest.approx(1 - out["epsilons"][t])
    assert min(out["epsilons"]) > 0.05  # approaches the floor, never clamped to it
    with pytest.raises(ValueError):
        rl.epsilon_schedule(steps=10, kind="asymptotic", decay=1.5)


def test_advantage_baseline_example():
    assert rl.advantage(q_values=[100, 101, 102], v=100)["advantages"] == [0.0, 1.0, 2.0]
    assert rl.advantage(q_values=[1.0, 3.0])["v"] == 2.0


def test_bellman_v_is_policy_weighted_q():
    out = rl.bellman_v(pi=[0.5, 0.3, 0.2], q=[2.6, 4.3, 1.7])
    assert out["v"] == pytest.approx(1.3 + 1.29 + 0.34)
    with pytest.raises(ValueError):
        rl.bellman_v(pi=[0.5, 0.6], q=[1.0, 2.0])


def test_bellman_q_matches_the_sum_over_next_states():
    # Sutton & Barto eq. 3.13 with deterministic rewards: q(s,a) = Σ_s′ p(s′|s,a)[r + γ v(s′)], written out by hand
    p, r, v, gamma = [0.7, 0.3], [1.0, 0.0], [3.0, 2.0], 0.9
    out = rl.bellman_q(p=p, r=r, v_next=v, gamma=gamma)
    assert out["targets"] == pytest.approx([1.0 + 0.9 * 3.0, 0.0 + 0.9 * 2.0])
    assert out["q"] == pytest.approx(0.7 * 3.7 + 0.3 * 1.8)
    assert sum(out["terms"]) == pytest.approx(out["q"])
    with pytest.raises(ValueError):
        rl.bellman_q(p=[0.5, 0.6], r=[0, 0], v_next=[1, 1])
    with pytest.raises(ValueError):
        rl.bellman_q(p=[1.0], r=[0, 0], v_next=[1])


def test_categorical_return_distribution_moments():
    out = rl.categorical_return_distribution(support=[-1.0, 0.0, 1.0], probs=[0.2, 0.3, 0.5])
    assert out["mean"] == pytest.approx(0.3)
    assert out["variance"] == pytest.approx(0.61)
    assert out["cdf"] == pytest.approx([0.2, 0.5, 1.0])
    assert out["mode"] == 1.0


def test_dqn_and_double_dqn_targets_differ_when_argmaxes_differ():
    out = rl.dqn_targets(rewards=[1.0, 0.0], next_q_online=[[1.0, 2.0], [3.0, 0.0]],
                         next_q_target=[[5.0, 4.0], [1.0, 2.0]], gamma=0.5, dones=[False, True])
    assert out["dqn"] == [1.0 + 0.5 * 5.0, 0.0]
    assert out["double_dqn"] == [1.0 + 0.5 * 4.0, 0.0]
    assert out["online_argmax"] == [1, 0] and out["target_argmax"] == [0, 1]


def test_max_bias_two_equal_actions_is_one_over_root_pi():
    out = rl.max_bias(q_values=[0.0, 0.0], noise_std=1.0, trials=200_000, seed=1)
    assert out["bias"] == pytest.approx(1 / np.sqrt(np.pi), abs=0.01)
    assert rl.max_bias(q_values=[1.0, 2.0], noise_std=0.0)["bias"] == 0.0

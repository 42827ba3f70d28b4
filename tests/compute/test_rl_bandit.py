"""rl.bandit_run against the ε-greedy bandit algorithm of Sutton & Barto (2018), §2.4, written again as loops."""

import numpy as np
import pytest

from compute import rl_bandit

MU = [0.2, -0.8, 1.5, 0.4, 1.1]


def _reference(mu, eps, q0, std, steps, runs, seed):
    """The book's 'simple bandit algorithm', one run at a time, from the same random numbers in the same order."""
    rng = np.random.default_rng(seed)
    k = len(mu)
    noise = rng.normal(0.0, std, size=(runs, steps, k))
    coin = rng.random((runs, steps))
    rand_arm = rng.integers(0, k, size=(runs, steps))
    tie = rng.random((runs, steps, k))
    arms, rewards, rewards_by_arm = [], [], []
    for run in range(runs):
        Q, N = [q0] * k, [0] * k
        seen = [[] for _ in range(k)]
        a_run, r_run = [], []
        for t in range(steps):
            if coin[run, t] < eps:
                A = int(rand_arm[run, t])
            else:
                top = max(Q)
                tied = [a for a in range(k) if Q[a] == top]
                A = max(tied, key=lambda a: tie[run, t, a])
            R = mu[A] + noise[run, t, A]
            N[A] += 1
            Q[A] = Q[A] + (R - Q[A]) / N[A]  # eq. 2.3
            seen[A].append(R)
            a_run.append(A)
            r_run.append(R)
        arms.append(a_run)
        rewards.append(r_run)
        rewards_by_arm.append((Q, seen))
    return np.array(arms), np.array(rewards), rewards_by_arm


@pytest.mark.parametrize(("eps", "q0"), [(0.0, 0.0), (0.1, 0.0), (0.0, 5.0), (1.0, 0.0)])
def test_bandit_run_matches_the_books_loop(eps, q0):
    steps, runs = 60, 7
    out = rl_bandit.bandit_run(arm_means=MU, epsilons=[eps], initial=[q0], reward_std=1.0, steps=steps,
                               runs=runs, seed=3)
    arms, rewards, finals = _reference(MU, eps, q0, 1.0, steps, runs, 3)
    best = int(np.argmax(MU))
    assert out["best_arm"] == best == 2
    np.testing.assert_allclose(out["avg_reward"][0], rewards.mean(0), atol=1e-12)
    np.testing.assert_allclose(out["optimal_rate"][0], (arms == best).mean(0), atol=1e-12)
    regret = [[sum(MU[best] - MU[a] for a in row[:t + 1]) for t in range(steps)] for row in arms]
    np.testing.assert_allclose(out["regret"][0], np.mean(regret, 0), atol=1e-9)
    q, seen = finals[0]
    np.testing.assert_allclose(out["q_example"][0], q, atol=1e-12)
    # the incremental mean equals the plain sample mean of each arm's rewards (q0 forgotten after one pull)
    for a in range(len(MU)):
        if seen[a]:
            assert q[a] == pytest.approx(sum(seen[a]) / len(seen[a]))
    assert sum(out["pulls"][0]) == pytest.approx(1.0)


def test_exploring_beats_greedy_in_the_long_run():
    # the book's Figure 2.2 finding: greedy locks onto a sub-optimal arm in many runs; ε = 0.1 keeps finding the best
    out = rl_bandit.bandit_run(arm_means=MU, epsilons=[0.0, 0.1], steps=400, runs=300, seed=0)
    greedy, eps = out["final_optimal_rate"]
    assert eps > greedy + 0.2
    assert out["final_regret"][0] > out["final_regret"][1]
    # pure exploration (ε = 1) has linear regret: the mean gap per step
    uni = rl_bandit.bandit_run(arm_means=MU, epsilons=[1.0], steps=200, runs=200, seed=0)
    assert uni["final_regret"][0] / 200 == pytest.approx(np.mean(max(MU) - np.array(MU)), rel=0.05)


def test_bandit_run_rejects_bad_arguments():
    with pytest.raises(ValueError):
        rl_bandit.bandit_run(arm_means=[1.0], epsilons=[0.1])
    with pytest.raises(ValueError):
        rl_bandit.bandit_run(arm_means=MU, epsilons=[1.5])
    with pytest.raises(ValueError):
        rl_bandit.bandit_run(arm_means=MU, epsilons=[0.1], initial=[0.0, 1.0])
    with pytest.raises(ValueError):
        rl_bandit.bandit_run(arm_means=MU, epsilons=[0.1], steps=100_000, runs=100)

"""pg.reinforce_trajectories against torch autograd of the REINFORCE surrogate (1/N) Σ_i Σ_t log π(a_t|s_t)·G_t,
with the trajectories replayed through the MDP tables and the returns summed again here."""

from itertools import product

import numpy as np
import pytest
import torch

from compute.pg_multistep import reinforce_trajectories

LOGITS = [[0.4, -0.2], [0.1, 0.6], [-0.3, 0.2]]
NEXT = [[1, 2], [0, 2], [1, 0]]
REWARDS = [[1.0, -1.0], [2.0, 0.5], [-2.0, 3.0]]


def _surrogate_grad(logits, states, actions, returns):
    theta = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    logp = torch.log_softmax(theta, dim=1)
    s = torch.tensor(states)[:, :-1]
    a = torch.tensor(actions)
    surrogate = (logp[s, a] * torch.tensor(returns, dtype=torch.float64)).sum(1).mean()
    surrogate.backward()
    return theta.grad.numpy()


def test_trajectories_follow_the_mdp_and_returns_are_the_discounted_reward_to_go():
    out = reinforce_trajectories(LOGITS, NEXT, REWARDS, start=0, episodes=5, steps=4, gamma=0.9, seed=2)
    for s, a, r, g in zip(out["states"], out["actions"], out["rewards"], out["returns"], strict=True):
        assert s[0] == 0 and len(a) == 4
        for t in range(4):
            assert s[t + 1] == NEXT[s[t]][a[t]] and r[t] == REWARDS[s[t]][a[t]]
            assert g[t] == pytest.approx(sum(0.9 ** (k - t) * r[k] for k in range(t, 4)))
    assert out["totals"] == [g[0] for g in out["returns"]]


def test_gradient_matches_torch_autograd_of_the_surrogate_and_the_update_is_ascent():
    out = reinforce_trajectories(LOGITS, NEXT, REWARDS, start=0, episodes=6, steps=3, gamma=1.0, lr=0.3, seed=5)
    ref = _surrogate_grad(LOGITS, out["states"], out["actions"], out["returns"])
    assert np.allclose(np.reshape(out["gradient"], (3, 2)), ref)
    assert np.allclose(out["logits_after"], np.array(LOGITS) + 0.3 * ref)
    assert np.allclose(out["probs_after"], torch.softmax(torch.tensor(out["logits_after"]), 1).numpy())
    # the per-trajectory sums average to ĝ, and each step's push is G_t·(1 − π(a_t|s_t))
    assert np.allclose(np.mean(out["per_trajectory"], 0), out["gradient"])
    probs = torch.softmax(torch.tensor(LOGITS), 1).numpy()
    for i, (s, a) in enumerate(zip(out["states"], out["actions"], strict=True)):
        for t in range(3):
            assert out["push"][i][t] == pytest.approx(out["returns"][i][t] * (1 - probs[s[t], a[t]]))


def test_estimate_converges_to_the_exact_gradient_of_the_expected_return():
    # exact J(θ) by enumerating every action sequence of the 2-step MDP, differentiated by autograd
    theta = torch.tensor(LOGITS, dtype=torch.float64, requires_grad=True)
    pi = torch.softmax(theta, 1)
    j = sum(pi[0, a0] * pi[NEXT[0][a0], a1] * (REWARDS[0][a0] + REWARDS[NEXT[0][a0]][a1])
            for a0 in range(2) for a1 in range(2))
    j.backward()
    out = reinforce_trajectories(LOGITS, NEXT, REWARDS, start=0, episodes=40_000, steps=2, seed=0)
    assert np.allclose(np.reshape(out["gradient"], (3, 2)), theta.grad.numpy(), atol=0.05)


@pytest.mark.parametrize("kw", [{"next_state": [[0, 5], [0, 1], [1, 0]]}, {"rewards": [[1.0], [2.0], [3.0]]},
                                {"episodes": 0}, {"gamma": 1.5}, {"start": 3},
                                {"steps": 9}])
def test_bad_arguments_are_refused(kw):
    args = {"logits": LOGITS, "next_state": NEXT, "rewards": REWARDS} | kw
    with pytest.raises(ValueError):
        reinforce_trajectories(**args)


def test_exact_objective_and_gradient_match_autograd_of_the_enumerated_expected_return():
    def expected_return(theta):
        pi = torch.softmax(theta, 1)
        total = 0.0
        for seq in product(range(2), repeat=3):
            s, p, ret = 0, 1.0, 0.0
            for t, a in enumerate(seq):
                p, ret, s = p * pi[s, a], ret + 0.9 ** t * REWARDS[s][a], NEXT[s][a]
            total = total + p * ret
        return total

    theta = torch.tensor(LOGITS, dtype=torch.float64, requires_grad=True)
    j = expected_return(theta)
    j.backward()
    out = reinforce_trajectories(LOGITS, NEXT, REWARDS, episodes=4, steps=3, gamma=0.9, lr=0.2, seed=1)
    assert out["objective"] == pytest.approx(j.item())
    assert np.allclose(np.reshape(out["exact_gradient"], (3, 2)), theta.grad.numpy())
    after = expected_return(torch.tensor(out["logits_after"], dtype=torch.float64))
    assert out["objective_after"] == pytest.approx(after.item())

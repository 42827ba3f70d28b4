"""pg.* against independent references: torch autograd for the score-function gradients and the critic's
semi-gradient, the exact expectation Σ_k p_k f_k (and the variance written out) for importance sampling."""

import numpy as np
import pytest
import torch

from compute.policy_gradient import actor_critic_step, importance_sampling, reinforce


def _autograd_reinforce(logits, actions, returns):
    theta = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    logp = torch.log_softmax(theta, dim=0)
    surrogate = (logp[torch.tensor(actions)] * torch.tensor(returns, dtype=torch.float64)).mean()
    surrogate.backward()
    return theta.grad.numpy()


def test_reinforce_gradient_matches_torch_autograd_of_the_surrogate():
    logits, returns = [0.2, 1.0, -0.5, 0.3], [2.0, 5.0, -1.0, 0.5]
    out = reinforce(logits=logits, action_returns=returns, samples=7, noise_std=1.5, lr=0.2, seed=3)
    ref = _autograd_reinforce(logits, out["actions"], out["returns"])
    assert np.allclose(out["gradient"], ref)
    assert np.allclose(out["logits_after"], np.array(logits) + 0.2 * ref)
    assert np.allclose(out["probs_after"], torch.softmax(torch.tensor(out["logits_after"]), 0).numpy())
    # without noise every return is the action's own value
    clean = reinforce(logits=logits, action_returns=returns, samples=5, seed=1)
    assert clean["returns"] == [returns[a] for a in clean["actions"]]


def test_reinforce_exact_gradient_is_autograd_of_expected_return_and_the_estimate_converges():
    logits, returns = [0.0, 0.5, -0.5], [1.0, 3.0, -1.0]
    theta = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    (torch.softmax(theta, 0) @ torch.tensor(returns, dtype=torch.float64)).backward()
    out = reinforce(logits=logits, action_returns=returns, samples=200_000, seed=0)
    assert np.allclose(out["exact_gradient"], theta.grad.numpy())
    assert np.allclose(out["gradient"], theta.grad.numpy(), atol=0.02)
    assert out["objective_after"] > out["objective"]


def test_reinforce_actions_follow_the_policy():
    out = reinforce(logits=[0.0, np.log(3.0)], action_returns=[0.0, 1.0], samples=40_000, seed=5)
    assert np.mean(out["actions"]) == pytest.approx(0.75, abs=0.01)  # π = [1/4, 3/4]


def test_actor_critic_step_matches_autograd_of_both_losses():
    logits, v_s, v_next, a, r, gamma = [0.4, -0.2, 0.1], 2.0, 3.5, 2, 1.0, 0.9
    out = actor_critic_step(logits=logits, v_s=v_s, v_next=v_next, action=a, reward=r, gamma=gamma,
                            lr_actor=0.3, lr_critic=0.1)
    theta = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    v = torch.tensor(v_s, dtype=torch.float64, requires_grad=True)
    target = r + gamma * v_next  # semi-gradient: the target is a constant
    delta = target - v
    (0.5 * delta ** 2).backward()
    actor_loss = -torch.log_softmax(theta, 0)[a] * delta.detach()
    actor_loss.backward()
    assert out["target"] == pytest.approx(target)
    assert out["delta"] == pytest.approx(target - v_s)
    assert out["v_after"] == pytest.approx(v_s - 0.1 * v.grad.item())
    assert np.allclose(out["logits_after"], np.array(logits) - 0.3 * theta.grad.numpy())
    assert np.allclose(out["actor_gradient"], -theta.grad.numpy())


def test_actor_critic_terminal_ignores_next_value_and_sign_of_delta_moves_the_action():
    out = actor_critic_step(logits=[0.0, 0.0], v_s=1.0, v_next=100.0, action=0, reward=3.0, terminal=True)
    assert out["target"] == 3.0 and out["delta"] == 2.0
    assert out["probs_after"][0] > out["probs"][0]
    worse = actor_critic_step(logits=[0.0, 0.0], v_s=5.0, v_next=0.0, action=0, reward=1.0)
    assert worse["delta"] < 0 and worse["probs_after"][0] < worse["probs"][0]
    with pytest.raises(ValueError):
        actor_critic_step(logits=[0.0, 0.0], v_s=0, v_next=0, action=2, reward=0)


def test_importance_sampling_against_exact_expectation_and_variance():
    p, q, f = [0.4, 0.3, 0.2, 0.1], [0.1, 0.2, 0.3, 0.4], [-3.0, 0.0, 2.0, 5.0]
    exact_p = sum(pk * fk for pk, fk in zip(p, f, strict=True))
    exact_q = sum(qk * fk for qk, fk in zip(q, f, strict=True))
    w = [pk / qk for pk, qk in zip(p, q, strict=True)]
    var_w = sum(qk * (fk * wk) ** 2 for qk, fk, wk in zip(q, f, w, strict=True)) - exact_p ** 2
    out = importance_sampling(p=p, q=q, f=f, samples=200_000, seed=2)
    assert out["weights"] == pytest.approx(w)
    assert out["exact_p"] == pytest.approx(exact_p) and out["exact_q"] == pytest.approx(exact_q)
    assert out["var_weighted"] == pytest.approx(var_w)
    assert out["var_direct"] == pytest.approx(sum(pk * (fk - exact_p) ** 2 for pk, fk in zip(p, f, strict=True)))
    assert out["weighted"] == pytest.approx(exact_p, abs=4 * np.sqrt(var_w / 200_000))
    assert out["plain"] == pytest.approx(exact_q, abs=0.02)  # the unweighted mean estimates E_q, not E_p
    assert out["sample_var_weighted"] == pytest.approx(var_w, rel=0.02)
    assert out["running_weighted"][-1] == pytest.approx(out["weighted"])


def test_importance_sampling_draws_and_support_condition():
    out = importance_sampling(p=[0.5, 0.5], q=[0.25, 0.75], f=[1.0, 2.0], samples=40_000, show=3, seed=0)
    assert np.mean(out["draws"]) == pytest.approx(0.75, abs=0.01)
    assert out["first"] == out["draws"][:3] and len(out["running_plain"]) == 40_000
    first = out["rows"][0]
    k = out["draws"][0]
    assert first["x"] == k + 1 and first["w"] == pytest.approx([0.5 / 0.25, 0.5 / 0.75][k])
    assert first["fw"] == pytest.approx([1.0, 2.0][k] * first["w"])
    # the band is E_p[f] ± 2 standard errors of the weighted mean after n draws
    var_w = 0.25 * (1 * 2) ** 2 + 0.75 * (2 * 2 / 3) ** 2 - 1.5 ** 2
    assert out["band_high"][99] == pytest.approx(1.5 + 2 * np.sqrt(var_w / 100))
    assert out["band_low"][0] == pytest.approx(1.5 - 2 * np.sqrt(var_w))
    with pytest.raises(ValueError):
        importance_sampling(p=[0.5, 0.5], q=[1.0, 0.0], f=[1.0, 2.0])

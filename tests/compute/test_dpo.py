import math

import numpy as np
import pytest

from compute import dpo

PC, PR, RC, RR = [-10.0, -7.0, -20.0], [-12.0, -6.0, -25.0], [-11.0, -7.5, -21.0], [-11.5, -6.2, -24.0]


def test_sigmoid_loss_hand_worked():
    # Δ = (−10+11) − (−12+11.5) = 1.5; β = .1 → loss = log(1 + e^−.15)
    out = dpo.loss(policy_chosen_logps=[-10.0], policy_rejected_logps=[-12.0], ref_chosen_logps=[-11.0],
                   ref_rejected_logps=[-11.5], beta=0.1)
    assert out["loss"] == pytest.approx(math.log1p(math.exp(-0.15)))
    assert out["chosen_reward"] == pytest.approx([0.1]) and out["rejected_reward"] == pytest.approx([-0.05])
    assert out["grad_weight"] == pytest.approx([1 / (1 + math.exp(0.15))])
    assert out["accuracy"] == 1.0


def test_equal_policy_and_reference_gives_log_two():
    out = dpo.loss(policy_chosen_logps=[-3.0], policy_rejected_logps=[-4.0], ref_chosen_logps=[-3.0],
                   ref_rejected_logps=[-4.0], beta=0.5)
    assert out["loss"] == pytest.approx(math.log(2))
    assert out["grad_weight"] == [0.5]


@pytest.mark.parametrize("kind", ["sigmoid", "hinge", "ipo"])
def test_loss_and_gradient_weight_match_torch_autograd(kind):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    beta = 0.8
    pc = torch.tensor(PC, dtype=torch.float64, requires_grad=True)
    pr = torch.tensor(PR, dtype=torch.float64, requires_grad=True)
    rc, rr = torch.tensor(RC, dtype=torch.float64), torch.tensor(RR, dtype=torch.float64)
    lw, ll = torch.tensor([3.0, 2.0, 5.0]), torch.tensor([4.0, 1.0, 6.0])
    chosen, rejected = pc - rc, pr - rr  # TRL 1.16 dpo_trainer.py l.1354-1355
    if kind == "sigmoid":
        losses = -F.logsigmoid(beta * (chosen - rejected))
    elif kind == "hinge":
        losses = torch.relu(1 - beta * (chosen - rejected))
    else:
        losses = (chosen / lw - rejected / ll - 1 / (2 * beta)) ** 2
    losses.mean().backward()
    kw = dict(chosen_lengths=[3, 2, 5], rejected_lengths=[4, 1, 6]) if kind == "ipo" else {}
    out = dpo.loss(policy_chosen_logps=PC, policy_rejected_logps=PR, ref_chosen_logps=RC,
                   ref_rejected_logps=RR, beta=beta, kind=kind, **kw)
    assert np.allclose(out["losses"], losses.detach().numpy())
    B = len(PC)
    scale = lw.numpy() if kind == "ipo" else 1.0  # ∂Δ_avg/∂logπ_w = 1/len_w
    # ∂ mean loss / ∂ logπ(y_w) = −β·grad_weight / B (per-token-averaged for IPO)
    assert np.allclose(pc.grad.numpy(), -beta * np.array(out["grad_weight"]) / B / scale)
    scale_l = ll.numpy() if kind == "ipo" else 1.0
    assert np.allclose(pr.grad.numpy(), beta * np.array(out["grad_weight"]) / B / scale_l)
    assert out["chosen_reward"] == pytest.approx((beta * chosen).detach().tolist())


def test_trl_has_no_label_smoothing_in_sigmoid_loss():
    # what we implement for "sigmoid": plain −logσ(βΔ) (TRL 1.16); checked by the hand example above
    out = dpo.loss(policy_chosen_logps=[0.0], policy_rejected_logps=[0.0], ref_chosen_logps=[0.0],
                   ref_rejected_logps=[2.0], beta=1.0)
    assert out["loss"] == pytest.approx(-math.log(1 / (1 + math.exp(-2.0))))


def test_sigmoid_weight_curve_values():
    out = dpo.sigmoid_weight_curve(deltas=[-10.0, 0.0, 10.0], beta=1.0)
    assert out["weights"] == pytest.approx([1 / (1 + math.exp(-10)), 0.5, 1 / (1 + math.exp(10))])
    w = dpo.sigmoid_weight_curve(deltas=[-3.0, 3.0])["weights"]
    assert w[0] == pytest.approx(0.9526, abs=1e-4) and w[1] == pytest.approx(0.0474, abs=1e-4)


def test_beta_policy_limits_and_hand_example():
    ref, r = [0.5, 0.25, 0.25], [0.0, 1.0, 2.0]
    out = dpo.beta_policy(ref_probs=ref, rewards=r, betas=[1.0, 1e6, 1e-3])
    z = 0.5 + 0.25 * math.e + 0.25 * math.e ** 2
    assert out["policies"][0] == pytest.approx([0.5 / z, 0.25 * math.e / z, 0.25 * math.e ** 2 / z])
    assert out["policies"][1] == pytest.approx(ref, abs=1e-5)  # β → ∞: stays at the reference
    assert out["policies"][2] == pytest.approx([0.0, 0.0, 1.0], abs=1e-9)  # β → 0: all on the best reward
    assert out["kl_to_ref"][1] < out["kl_to_ref"][0] < out["kl_to_ref"][2]


def test_beta_policy_maximises_the_kl_regularised_objective():
    ref, r, beta = np.array([0.4, 0.3, 0.2, 0.1]), np.array([1.0, -0.5, 2.0, 0.3]), 0.7
    best = np.array(dpo.beta_policy(ref_probs=ref.tolist(), rewards=r.tolist(), betas=[beta])["policies"][0])

    def objective(q):
        return q @ r - beta * (q * np.log(q / ref)).sum()

    rng = np.random.default_rng(0)
    for _ in range(200):
        q = rng.dirichlet(np.ones(4))
        assert objective(q) <= objective(best) + 1e-12


TINY = {"vocab": 8, "hidden_size": 16, "layers": 2, "heads": 2, "kv_heads": 1, "intermediate_size": 32}


def _torch_dpo_pair(torch, hf_ref, prompt, chosen, rejected, beta, lr, steps):
    """The DPO loss of Rafailov et al. (2023, eq. 7) on transformers' Llama: the policy is a copy of the
    reference whose LM head alone is trained by torch.optim.SGD; log π(y|x) sums log_softmax(logits)
    gathered at the answer tokens only (the prompt's labels masked out)."""
    import copy

    F = torch.nn.functional
    policy = copy.deepcopy(hf_ref)
    for p in policy.parameters():
        p.requires_grad_(False)
    policy.lm_head.weight.requires_grad_(True)
    opt = torch.optim.SGD([policy.lm_head.weight], lr=lr)

    def logp(model, answer):
        ids = torch.tensor([prompt + answer])
        lp = F.log_softmax(model(ids).logits[0, :-1], -1)
        tok = lp.gather(-1, ids[0, 1:, None])[:, 0]
        mask = torch.zeros_like(tok)
        mask[len(prompt) - 1:] = 1  # labels ids[1:]: the answer starts at label len(prompt) − 1
        return tok, (tok * mask).sum()

    def dpo():
        with torch.no_grad():
            rc, rr = logp(hf_ref, chosen)[1], logp(hf_ref, rejected)[1]
        pc, pr = logp(policy, chosen)[1], logp(policy, rejected)[1]
        return -F.logsigmoid(beta * ((pc - rc) - (pr - rr))), pc, pr

    history = []
    for _ in range(steps + 1):
        opt.zero_grad()
        loss, pc, pr = dpo()
        loss.backward()
        history.append(loss.item())
        grad = policy.lm_head.weight.grad.clone()
        if len(history) <= steps:
            opt.step()
    tok_c = logp(policy, chosen)[0].detach().numpy()
    opt.step()
    nxt = float(dpo()[0])
    return history, float(pc), float(pr), tok_c, float(grad.norm()), nxt


@pytest.mark.parametrize(("seed", "beta", "lr", "steps"), [(0, 0.1, 0.5, 0), (3, 0.5, 0.2, 3), (7, 1.0, 0.05, 5)])
def test_tiny_pair_matches_transformers_llama_trained_with_torch_sgd(seed, beta, lr, steps):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from compute import tiny_lm
    from tests.compute.test_speculative import hf_llama

    hf = hf_llama(torch, transformers, tiny_lm.build(**TINY, seed=seed, init_std=1.0), TINY["intermediate_size"])
    prompt, chosen, rejected = [1, 2, 3, 4], [5, 6, 7], [0, 6]
    ours = dpo.tiny_pair(**TINY, prompt=prompt, chosen=chosen, rejected=rejected, beta=beta, seed=seed,
                         init_std=1.0, lr=lr, steps=steps)
    history, pc, pr, tok_c, gnorm, nxt = _torch_dpo_pair(torch, hf, prompt, chosen, rejected, beta, lr, steps)
    # transformers builds RoPE's inverse frequencies in float32, hence ~1e-6 differences
    np.testing.assert_allclose(ours["losses"], history, rtol=1e-5)
    assert ours["chosen"]["policy_logp"] == pytest.approx(pc, rel=1e-5)
    assert ours["rejected"]["policy_logp"] == pytest.approx(pr, rel=1e-5)
    np.testing.assert_allclose(ours["chosen"]["policy_token_logps"], tok_c, atol=1e-5)
    assert ours["grad_norm"] == pytest.approx(gnorm, rel=1e-5)
    assert ours["next_loss"] == pytest.approx(nxt, rel=1e-5)
    assert ours["chosen"]["mask"] == [0, 0, 0, 1, 1, 1] and ours["rejected"]["mask"] == [0, 0, 0, 1, 1]


def test_tiny_pair_starts_at_log_two_and_its_rewards_agree_with_the_loss():
    out = dpo.tiny_pair(**TINY, prompt=[1, 2], chosen=[3], rejected=[4, 5], beta=0.2, steps=0)
    assert out["loss"] == pytest.approx(math.log(2)) and out["delta"] == 0.0  # policy = reference copy
    trained = dpo.tiny_pair(**TINY, prompt=[1, 2], chosen=[3], rejected=[4, 5], beta=0.2, lr=0.1, steps=4)
    c, r = trained["chosen"], trained["rejected"]
    assert c["ref_logp"] == out["chosen"]["ref_logp"]  # the reference stays frozen
    assert c["reward"] == pytest.approx(0.2 * (c["policy_logp"] - c["ref_logp"]))
    assert trained["loss"] == pytest.approx(-math.log(1 / (1 + math.exp(-(c["reward"] - r["reward"])))))
    assert trained["losses"] == sorted(trained["losses"], reverse=True) and trained["next_loss"] < trained["loss"]
    assert trained["loss_curve"] == [*trained["losses"], trained["next_loss"]]
    np.testing.assert_allclose(np.exp(c["policy_logprobs"]).sum(axis=1), 1.0)
    assert c["in_loss"] == [0, 0, 1] and c["policy_at_token"] == [None, *c["policy_token_logps"]]
    padded = dpo.tiny_pair(**TINY, prompt=[1, 2], chosen=[3], rejected=[4, 5], beta=0.2, steps=0, pad_to=4)
    assert padded["chosen"]["in_loss"] == [0, 0, 1, 0] and padded["rejected"]["in_loss"] == [0, 0, 1, 1]
    assert padded["chosen"]["policy_at_token"][3] is None
    assert padded["chosen"]["policy_logp"] == out["chosen"]["policy_logp"]  # padding changes no number
    with pytest.raises(ValueError, match="pad_to"):
        dpo.tiny_pair(**TINY, prompt=[1, 2], chosen=[3], rejected=[4, 5], pad_to=3)
    in_loss = [t for t, m in zip(c["policy_token_logps"], c["mask"], strict=True) if m]
    assert c["policy_logp"] == pytest.approx(sum(in_loss))

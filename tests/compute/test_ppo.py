import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import ppo

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)


def test_clip_objective_positive_advantage():
    out = ppo.clip_objective(ratio=[0.5, 1.0, 1.5], advantage=1.0, eps=0.2)
    assert out["objective"] == pytest.approx([0.5, 1.0, 1.2])
    assert out["clipped"] == [False, False, True]
    assert out["gradient"] == [1.0, 1.0, 0.0]
    assert out["bounds"] == pytest.approx([0.8, 1.2])


def test_clip_objective_negative_advantage():
    out = ppo.clip_objective(ratio=[0.5, 1.0, 1.5], advantage=-1.0, eps=0.2)
    assert out["objective"] == pytest.approx([-0.8, -1.0, -1.5])
    assert out["clipped"] == [True, False, False]


@PROPS
@given(st.lists(st.floats(0.0, 3.0), min_size=1, max_size=20), st.floats(-5, 5), st.floats(0.05, 0.5))
def test_clip_objective_never_exceeds_unclipped(ratios, a, eps):
    out = ppo.clip_objective(ratio=ratios, advantage=a, eps=eps)
    assert all(o <= u + 1e-12 for o, u in zip(out["objective"], out["unclipped"], strict=True))


def test_clip_objective_gradient_matches_autograd():
    torch = pytest.importorskip("torch")
    ratios = [0.5, 0.79, 0.95, 1.05, 1.19, 1.3, 2.0]
    for a in (2.0, -0.5):
        r = torch.tensor(ratios, dtype=torch.float64, requires_grad=True)
        obj = torch.min(r * a, torch.clamp(r, 0.8, 1.2) * a)
        obj.sum().backward()
        out = ppo.clip_objective(ratio=ratios, advantage=a, eps=0.2)
        assert np.allclose(out["objective"], obj.detach().numpy())
        assert np.allclose(out["gradient"], r.grad.numpy())


def test_losses_match_cleanrl_formulas_in_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    n = 16
    new, old = rng.normal(-1, 0.3, n), rng.normal(-1, 0.3, n)
    adv, v, v_old, ret = rng.normal(0, 1, n), rng.normal(0, 1, n), rng.normal(0, 1, n), rng.normal(0, 1, n)
    ours = ppo.losses(new_logprobs=new.tolist(), old_logprobs=old.tolist(), advantages=adv.tolist(),
                      new_values=v.tolist(), old_values=v_old.tolist(), returns=ret.tolist(), entropy=1.3)
    t = {k: torch.tensor(x) for k, x in dict(new=new, old=old, adv=adv, v=v, v_old=v_old, ret=ret).items()}
    # cleanrl/ppo.py l.251-285, clip_coef 0.2, ent_coef 0.01, vf_coef 0.5, norm_adv, clip_vloss
    logratio = t["new"] - t["old"]
    ratio = logratio.exp()
    old_approx_kl = (-logratio).mean()
    approx_kl = ((ratio - 1) - logratio).mean()
    clipfrac = ((ratio - 1.0).abs() > 0.2).float().mean()
    mb_adv = (t["adv"] - t["adv"].mean()) / (t["adv"].std() + 1e-8)
    pg_loss = torch.max(-mb_adv * ratio, -mb_adv * torch.clamp(ratio, 0.8, 1.2)).mean()
    v_unclipped = (t["v"] - t["ret"]) ** 2
    v_clipped = t["v_old"] + torch.clamp(t["v"] - t["v_old"], -0.2, 0.2)
    v_loss = 0.5 * torch.max(v_unclipped, (v_clipped - t["ret"]) ** 2).mean()
    loss = pg_loss - 0.01 * 1.3 + v_loss * 0.5
    for key, ref in dict(pg_loss=pg_loss, v_loss=v_loss, loss=loss, approx_kl=approx_kl,
                         old_approx_kl=old_approx_kl, clipfrac=clipfrac).items():
        assert ours[key] == pytest.approx(ref.item(), abs=1e-9), key


def test_kl_penalty_k1_catalogue_example():
    out = ppo.kl_penalty(logprobs=[-2.3, -8.3, -5.2], ref_logprobs=[-2.5, -8.9, -5.5])
    assert out["kl"] == pytest.approx([0.2, 0.6, 0.3])
    assert out["kl_sum"] == pytest.approx(1.1)


def test_kl_penalty_rewards_add_score_on_last_token():
    out = ppo.kl_penalty(logprobs=[-1.0, -2.0], ref_logprobs=[-1.5, -2.0], kl_coef=0.1, score=3.0)
    assert out["rewards"] == pytest.approx([-0.05, 3.0])


@PROPS
@given(st.lists(st.tuples(st.floats(-20, 0), st.floats(-20, 0)), min_size=1, max_size=10))
def test_k3_is_never_negative(pairs):
    lp, ref = zip(*pairs, strict=True)
    assert min(ppo.kl_penalty(logprobs=list(lp), ref_logprobs=list(ref), estimator="k3")["kl"]) >= 0


def test_k1_and_k3_are_unbiased_monte_carlo_estimates_of_kl():
    q = np.array([0.5, 0.3, 0.15, 0.05])  # policy (samples come from here)
    p = np.array([0.25, 0.25, 0.25, 0.25])  # reference
    exact = float((q * np.log(q / p)).sum())
    x = np.random.default_rng(0).choice(4, size=1_000_000, p=q)
    lp, ref = np.log(q)[x].tolist(), np.log(p)[x].tolist()
    for est in ("k1", "k3"):
        assert np.mean(ppo.kl_penalty(logprobs=lp, ref_logprobs=ref, estimator=est)["kl"]) == \
            pytest.approx(exact, abs=1e-2)
    k2 = np.mean(ppo.kl_penalty(logprobs=lp, ref_logprobs=ref, estimator="k2")["kl"])
    assert k2 > 0 and abs(k2 - exact) > 1e-3  # biased


def test_token_logprobs_match_torch_log_softmax_and_gather():
    torch = pytest.importorskip("torch")
    logits = [[-1.0, 0.5, 2.0, 0.1], [3.0, -2.0, 0.0, 1.0], [0.2, 0.2, -0.7, 4.0]]
    ids = [2, 3, 0]
    out = ppo.token_logprobs(logits=logits, tokens=ids)
    lp = torch.tensor(logits, dtype=torch.float64).log_softmax(-1)
    ref = torch.gather(lp, -1, torch.tensor(ids)[:, None]).squeeze(-1)
    np.testing.assert_allclose(out["logprobs"], lp.numpy(), rtol=1e-12)
    np.testing.assert_allclose(out["by_vocab"], lp.T.numpy(), rtol=1e-12)
    assert out["gathered"] == pytest.approx(ref.tolist())
    assert out["probs"] == pytest.approx(ref.exp().tolist())


def test_token_logprobs_rows_are_normalised_even_for_huge_logits():
    out = ppo.token_logprobs(logits=[[1000.0, 999.0, 0.0]], tokens=[1])
    assert sum(np.exp(out["logprobs"][0])) == pytest.approx(1.0)
    assert out["gathered"][0] == pytest.approx(-1.0 - np.log1p(np.exp(-1.0) + np.exp(-1000.0)))


@pytest.mark.parametrize("ids", [[0], [0, 5], [0, 1.5], [-1, 0]])
def test_token_logprobs_rejects_bad_ids(ids):
    with pytest.raises(ValueError, match="tokens must"):
        ppo.token_logprobs(logits=[[0.0, 1.0], [1.0, 0.0]], tokens=ids)

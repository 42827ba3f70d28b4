import math

import numpy as np
import pytest

from compute import reward, reward_feedback


def test_soft_label_loss_matches_torch_bce_with_logits_and_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    a, b, p = rng.normal(0, 2, 16), rng.normal(0, 2, 16), rng.uniform(0, 1, 16)
    ta = torch.tensor(a, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    # a soft-label pairwise loss is binary cross-entropy of the score gap against the preference probability
    per = torch.nn.functional.binary_cross_entropy_with_logits(ta - tb, torch.tensor(p), reduction="none")
    per.sum().backward()
    out = reward_feedback.soft_label_loss(scores_a=a.tolist(), scores_b=b.tolist(), prefs=p.tolist())
    assert out["losses"] == pytest.approx(per.detach().numpy().tolist(), abs=1e-9)
    assert out["loss"] == pytest.approx(per.mean().item(), abs=1e-9)
    assert out["grad_a"] == pytest.approx(ta.grad.numpy().tolist(), abs=1e-9)
    assert [-g for g in out["grad_a"]] == pytest.approx(tb.grad.numpy().tolist(), abs=1e-9)


def test_hard_label_is_the_bradley_terry_loss():
    out = reward_feedback.soft_label_loss(scores_a=[1.4, -0.2], scores_b=[-0.3, 0.5], prefs=[1.0, 1.0])
    bt = reward.bradley_terry_loss(chosen_scores=[1.4, -0.2], rejected_scores=[-0.3, 0.5])
    assert out["losses"] == pytest.approx(bt["losses"])
    assert out["prob_a"] == pytest.approx(bt["prob_chosen"])


def test_soft_label_of_one_half_is_minimised_at_equal_scores():
    out = reward_feedback.soft_label_loss(scores_a=[0.0, 1.0], scores_b=[0.0, 0.0], prefs=[0.5, 0.5])
    assert out["grad_a"][0] == pytest.approx(0.0)
    assert out["losses"][0] == pytest.approx(math.log(2))
    assert out["losses"][1] > out["losses"][0]


@pytest.mark.parametrize("prefs", [[1.2], [-0.1]])
def test_soft_label_rejects_non_probabilities(prefs):
    with pytest.raises(ValueError, match="prefs"):
        reward_feedback.soft_label_loss(scores_a=[0.0], scores_b=[0.0], prefs=prefs)


def test_rule_based_reward_is_the_rm_score_plus_a_linear_model_of_the_propositions():
    # Mu et al. 2024, eq. (1): R_tot = R_rm + Σ_i w_i φ_i, written independently here
    rm, phi, w = 0.35, [0.92, 0.08, 0.15, 0.81], [1.2, -1.6, -0.9, 0.6]
    out = reward_feedback.rule_based(rm_score=rm, features=phi, weights=w)
    expected = [wi * fi for wi, fi in zip(w, phi, strict=True)]
    assert out["contributions"] == pytest.approx(expected)
    assert out["rbr"] == pytest.approx(sum(expected))
    assert out["total"] == pytest.approx(rm + sum(expected))


def test_rule_based_rejects_mismatched_or_out_of_range_features():
    with pytest.raises(ValueError, match="same length"):
        reward_feedback.rule_based(rm_score=0.0, features=[0.5, 0.5], weights=[1.0])
    with pytest.raises(ValueError, match="probabilities"):
        reward_feedback.rule_based(rm_score=0.0, features=[1.5], weights=[1.0])

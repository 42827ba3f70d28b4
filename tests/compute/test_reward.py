import math

import numpy as np
import pytest

from compute import reward


def test_bradley_terry_hand_worked():
    out = reward.bradley_terry_loss(chosen_scores=[2.0, 0.0], rejected_scores=[1.0, 0.0])
    assert out["losses"] == pytest.approx([math.log1p(math.exp(-1.0)), math.log(2)])
    assert out["prob_chosen"] == pytest.approx([1 / (1 + math.exp(-1)), 0.5])
    assert out["accuracy"] == 0.5


def test_bradley_terry_matches_trl_reward_trainer_formula():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(1)
    c, r = rng.normal(0, 3, 32), rng.normal(0, 3, 32)
    # trl/trainer/reward_trainer.py l.790-795
    ref = -F.logsigmoid(torch.tensor(c) - torch.tensor(r) - 0.5).mean().item()
    assert reward.bradley_terry_loss(chosen_scores=c.tolist(), rejected_scores=r.tolist(),
                                     margin=0.5)["loss"] == pytest.approx(ref, abs=1e-9)


def test_large_gaps_do_not_overflow():
    out = reward.bradley_terry_loss(chosen_scores=[-800.0, 800.0], rejected_scores=[800.0, -800.0])
    assert out["losses"] == pytest.approx([1600.0, 0.0])

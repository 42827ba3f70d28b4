import math

import numpy as np
import pytest

from compute import distill


def test_identical_logits_give_zero_kl():
    out = distill.kd_loss(teacher_logits=[[1.0, 2.0, 3.0]], student_logits=[[1.0, 2.0, 3.0]], T=4.0)
    assert out["loss"] == pytest.approx(0.0, abs=1e-12)


def test_soft_targets_flatten_with_temperature():
    out = distill.kd_loss(teacher_logits=[[2.0, 0.0]], student_logits=[[0.0, 0.0]], T=2.0)
    # softmax([1, 0]) = [0.731, 0.269]; KL to uniform = Σ p log(2p)
    p = np.array([math.e, 1.0]) / (math.e + 1)
    assert out["soft_targets"][0] == pytest.approx(p.tolist())
    assert out["loss"] == pytest.approx(4 * float((p * np.log(2 * p)).sum()))


def test_matches_torch_kl_div_batchmean_times_t_squared():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    t, s, T = rng.normal(size=(4, 7)), rng.normal(size=(4, 7)), 3.0
    labels = [0, 3, 6, 2]
    ts, ss = torch.tensor(t), torch.tensor(s)
    soft = F.kl_div(F.log_softmax(ss / T, -1), F.softmax(ts / T, -1), reduction="batchmean") * T * T
    hard = F.cross_entropy(ss, torch.tensor(labels))
    out = distill.kd_loss(teacher_logits=t.tolist(), student_logits=s.tolist(), T=T, alpha=0.3, labels=labels)
    assert out["loss"] == pytest.approx(soft.item(), abs=1e-10)
    assert out["hard_loss"] == pytest.approx(hard.item(), abs=1e-10)
    assert out["total"] == pytest.approx(0.3 * hard.item() + 0.7 * soft.item(), abs=1e-10)

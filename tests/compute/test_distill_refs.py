"""distill.kd_loss as the knowledge-distillation diagram uses it, against torch written out in the test."""

import numpy as np
import pytest

from compute import distill

TEACHER = [1.0, 9.0, 5.0, 4.5, 2.0]
STUDENT = [2.0, 6.0, 2.5, 3.5, 1.5]


@pytest.mark.parametrize("T", [1.0, 2.0, 4.0, 10.0])
def test_soft_and_hard_loss_and_the_t_squared_gradient(T):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    zt = torch.tensor([TEACHER], dtype=torch.float64)
    zs = torch.tensor([STUDENT], dtype=torch.float64, requires_grad=True)
    p = F.softmax(zt / T, -1)
    soft = T * T * (p * (p.log() - F.log_softmax(zs / T, -1))).sum(-1).mean()  # Hinton's T²·KL(p ‖ q)
    hard = F.cross_entropy(zs, torch.tensor([1]))
    total = 0.3 * hard + 0.7 * soft
    out = distill.kd_loss(teacher_logits=[TEACHER], student_logits=[STUDENT], T=T, alpha=0.3, labels=[1])
    assert out["loss"] == pytest.approx(soft.item(), abs=1e-12)
    assert out["kl"][0] == pytest.approx(soft.item() / (T * T), abs=1e-12)
    assert out["hard_loss"] == pytest.approx(hard.item(), abs=1e-12)
    assert out["total"] == pytest.approx(total.item(), abs=1e-12)
    assert np.allclose(out["soft_targets"][0], p[0].numpy())
    (grad,) = torch.autograd.grad(soft, zs)
    # d(T²·KL)/dz_s = T·(q_T − p_T): without the T² factor the gradient would shrink as 1/T
    q = np.array(out["student_probs"][0])
    assert np.allclose(grad[0].numpy(), T * (q - np.array(out["soft_targets"][0])), atol=1e-12)


def test_high_temperature_gradient_approaches_logit_matching():
    # Hinton et al. 2015, §2.1: for large T (zero-mean logits), T²·KL's gradient → (z_s − z_t)/N
    t, s = np.array(TEACHER), np.array(STUDENT)
    t, s = t - t.mean(), s - s.mean()
    T = 1000.0
    out = distill.kd_loss(teacher_logits=[t.tolist()], student_logits=[s.tolist()], T=T)
    grad = T * (np.array(out["student_probs"][0]) - np.array(out["soft_targets"][0]))
    assert np.allclose(grad, (s - t) / t.size, atol=1e-3)

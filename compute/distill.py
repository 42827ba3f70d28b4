"""Knowledge distillation (Hinton et al. 2015): softened teacher targets and the T²-scaled KL loss."""

import numpy as np

from compute._common import arr, jsonable, log_softmax


def kd_loss(teacher_logits: list[list[float]], student_logits: list[list[float]], T: float = 2.0,
            alpha: float = 0.5, labels: list[int] | None = None) -> dict:
    """Distillation loss T²·KL(softmax(t/T) ‖ softmax(s/T)), averaged over examples; plus hard CE with labels.

    The KL is per example, averaged over the batch (torch's reduction="batchmean"). With labels the
    total is alpha·CE(labels, softmax(s)) + (1 − alpha)·T²·KL; without, it is the soft loss alone.

    Returns:
        loss: T²·KL, batch-averaged (the soft loss).
        kl: KL per example (before × T²).
        soft_targets: softmax(teacher / T) per example.
        student_probs: softmax(student / T) per example.
        hard_loss: cross-entropy of the student at T = 1 against labels (0.0 without labels).
        total: the combined loss.
    """
    t, s = arr(teacher_logits, "teacher_logits", ndim=2), arr(student_logits, "student_logits", ndim=2)
    if t.shape != s.shape:
        raise ValueError(f"teacher and student logits must have the same shape, got {t.shape} and {s.shape}")
    if not T > 0:
        raise ValueError(f"T must be > 0, got {T}")
    lt, ls = log_softmax(t / T), log_softmax(s / T)
    pt = np.exp(lt)
    kl = (pt * (lt - ls)).sum(1)
    soft = float(kl.mean() * T * T)
    hard = 0.0
    if labels is not None:
        if len(labels) != s.shape[0]:
            raise ValueError("labels must have one entry per example")
        hard = float(-np.mean(log_softmax(s)[np.arange(s.shape[0]), labels]))
    total = alpha * hard + (1 - alpha) * soft if labels is not None else soft
    return jsonable({"loss": soft, "kl": kl, "soft_targets": pt, "student_probs": np.exp(ls),
                     "hard_loss": hard, "total": total})

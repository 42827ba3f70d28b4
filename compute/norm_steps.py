"""LayerNorm and RMSNorm of one vector, step by step, with their learned scale γ (and LayerNorm's shift β).

Formulas as torch.nn.LayerNorm / torch.nn.RMSNorm with elementwise_affine=True: eps inside the square
root, LayerNorm's biased variance, RMSNorm without mean subtraction and without bias (Llama, Qwen).
"""

import numpy as np

from compute._common import arr, jsonable


def steps(x: list[float], gamma: list[float], beta: list[float], eps: float = 1e-5) -> dict:
    """The same vector through LayerNorm and RMSNorm: every intermediate, then γ·x̂ (+ β for LayerNorm).

    Returns:
        mean: μ, the mean of x (LayerNorm only).
        centered: x − μ.
        centered_sq: (x − μ)², whose mean is the variance.
        var: σ², the biased variance.
        std: sqrt(σ² + eps), LayerNorm's divisor.
        ln_hat: (x − μ)/std.
        ln_out: γ ⊙ ln_hat + β, what torch.nn.LayerNorm returns.
        sq: x², whose mean is RMSNorm's statistic.
        mean_sq: mean(x²).
        rms: sqrt(mean(x²) + eps), RMSNorm's divisor.
        rms_hat: x / rms.
        rms_out: γ ⊙ rms_hat, what torch.nn.RMSNorm returns.
    """
    v, g, b = arr(x, "x", ndim=1), arr(gamma, "gamma", ndim=1), arr(beta, "beta", ndim=1)
    if not (v.size == g.size == b.size) or v.size == 0:
        raise ValueError(f"x, gamma and beta must be non-empty and the same length, got {v.size}, {g.size}, {b.size}")
    if not eps >= 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    mean = v.mean()
    centered = v - mean
    var = (centered ** 2).mean()
    std = np.sqrt(var + eps)
    mean_sq = (v ** 2).mean()
    rms = np.sqrt(mean_sq + eps)
    ln_hat, rms_hat = centered / std, v / rms
    return jsonable({"mean": mean, "centered": centered, "centered_sq": centered ** 2, "var": var, "std": std,
                     "ln_hat": ln_hat, "ln_out": g * ln_hat + b, "sq": v ** 2, "mean_sq": mean_sq, "rms": rms,
                     "rms_hat": rms_hat, "rms_out": g * rms_hat})

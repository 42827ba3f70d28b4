"""LayerNorm, RMSNorm and BatchNorm without the affine part, with the statistics they use.

Rows of `x` are the batch, columns the features. Formulas as in torch.nn (eps inside the square root;
LayerNorm and BatchNorm normalise with the biased variance; BatchNorm's running variance uses N−1).
"""

import numpy as np

from compute._common import arr, jsonable


def layer_norm(x: list[list[float]], eps: float = 1e-5) -> dict:
    """LayerNorm: normalise each row over its features, (x − mean)/sqrt(var + eps) (torch.nn.LayerNorm).

    Returns:
        output: the normalised rows.
        mean: per-row mean.
        var: per-row biased variance.
        std: per-row sqrt(var + eps), the divisor.
    """
    v = arr(x, "x", ndim=2)
    mean, var = v.mean(1), v.var(1)
    return jsonable({"output": (v - mean[:, None]) / np.sqrt(var[:, None] + eps), "mean": mean, "var": var,
                     "std": np.sqrt(var + eps)})


def rms_norm(x: list[list[float]], eps: float = 1e-6) -> dict:
    """RMSNorm: scale each row by 1/sqrt(mean(x²) + eps); no mean subtraction, no bias (Llama).

    Returns:
        output: the normalised rows.
        rms: per-row sqrt(mean(x²) + eps).
    """
    v = arr(x, "x", ndim=2)
    rms = np.sqrt((v ** 2).mean(1) + eps)
    return jsonable({"output": v / rms[:, None], "rms": rms})


def batch_norm(x: list[list[float]], eps: float = 1e-5, momentum: float = 0.1,
               running_mean: list[float] | None = None, running_var: list[float] | None = None) -> dict:
    """BatchNorm (training step): normalise each feature over the batch and update the running statistics.

    Running stats start at 0 / 1 when not given and follow torch.nn.BatchNorm1d:
    running = (1 − momentum)·running + momentum·batch_stat, with the unbiased (N−1) batch variance.

    Returns:
        output: the normalised batch.
        mean: per-feature batch mean.
        var: per-feature biased batch variance (used to normalise).
        running_mean: updated running mean.
        running_var: updated running variance.
        std: per-feature sqrt(var + eps), the divisor.
    """
    v = arr(x, "x", ndim=2)
    n, f = v.shape
    if n < 2:
        raise ValueError("batch_norm needs a batch of at least 2 rows")
    rm = np.zeros(f) if running_mean is None else arr(running_mean, "running_mean", 1)
    rv = np.ones(f) if running_var is None else arr(running_var, "running_var", 1)
    mean, var = v.mean(0), v.var(0)
    return jsonable({"output": (v - mean) / np.sqrt(var + eps), "mean": mean, "var": var,
                     "running_mean": (1 - momentum) * rm + momentum * mean,
                     "running_var": (1 - momentum) * rv + momentum * v.var(0, ddof=1), "std": np.sqrt(var + eps)})

"""LayerNorm, RMSNorm and BatchNorm without the affine part, with the statistics they use; a residual stack.

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


def _ln(v: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """LayerNorm of each row without γ, β (as torch.nn.LayerNorm(elementwise_affine=False))."""
    return (v - v.mean(1, keepdims=True)) / np.sqrt(v.var(1, keepdims=True) + eps)


def residual_stack(layers: int = 12, width: int = 64, tokens: int = 16, seed: int = 0) -> dict:
    """The hidden-state scale through a stack of residual blocks, norm before (pre) or after (post) the add.

    Random inputs x_0 ~ N(0, 1) (tokens × width), drawn first from numpy's default_rng(seed); then per block
    an MLP F(h) = W₂·relu(W₁·h), W₁ ~ N(0, 2/width) (4·width × width), W₂ ~ N(0, 1/(4·width)) (width ×
    4·width), so F keeps a unit-scale input at unit scale. Both stacks use the same weights:
    pre-norm x_{i+1} = x_i + F(LN(x_i)); post-norm x_{i+1} = LN(x_i + F(x_i)) (LN without γ, β).

    Returns:
        blocks: 0 … layers (0 = the input).
        rms_pre: RMS of all entries of x_i in the pre-norm stack.
        rms_post: the same for post-norm (1 after every block: the norm resets it).
        sqrt_blocks: √(i + 1), the growth expected when each block adds an independent unit-scale term.
    """
    if not 1 <= layers <= 64 or not 2 <= width <= 512 or not 1 <= tokens <= 256:
        raise ValueError("layers must be in [1, 64], width in [2, 512], tokens in [1, 256]")
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal((tokens, width))
    weights = [(rng.normal(0, np.sqrt(2 / width), (4 * width, width)),
                rng.normal(0, np.sqrt(1 / (4 * width)), (width, 4 * width))) for _ in range(layers)]

    def block(h: np.ndarray, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
        return np.maximum(h @ w1.T, 0) @ w2.T

    pre, post = [x0], [x0]
    for w1, w2 in weights:
        pre.append(pre[-1] + block(_ln(pre[-1]), w1, w2))
        post.append(_ln(post[-1] + block(post[-1], w1, w2)))

    def rms(v: np.ndarray) -> float:
        return float(np.sqrt(np.mean(v ** 2)))

    return jsonable({"blocks": list(range(layers + 1)), "rms_pre": [rms(v) for v in pre],
                     "rms_post": [rms(v) for v in post], "sqrt_blocks": np.sqrt(np.arange(layers + 1) + 1.0)})

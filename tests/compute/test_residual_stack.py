"""norms.residual_stack against torch.nn: the same blocks built from nn.Linear, nn.ReLU and nn.LayerNorm."""

import numpy as np
import pytest

from compute import norms


def _torch_stack(layers: int, width: int, tokens: int, seed: int) -> tuple[list[float], list[float]]:
    """Pre-norm x + F(LN(x)) and post-norm LN(x + F(x)) with torch modules, weights drawn by the documented recipe."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    x0 = torch.tensor(rng.standard_normal((tokens, width)))
    ln = torch.nn.LayerNorm(width, elementwise_affine=False, dtype=torch.float64)
    mlps = []
    for _ in range(layers):
        up = torch.nn.Linear(width, 4 * width, bias=False, dtype=torch.float64)
        down = torch.nn.Linear(4 * width, width, bias=False, dtype=torch.float64)
        with torch.no_grad():
            up.weight.copy_(torch.tensor(rng.normal(0, np.sqrt(2 / width), (4 * width, width))))
            down.weight.copy_(torch.tensor(rng.normal(0, np.sqrt(1 / (4 * width)), (width, 4 * width))))
        mlps.append(torch.nn.Sequential(up, torch.nn.ReLU(), down))
    pre, post = [x0], [x0]
    with torch.no_grad():
        for f in mlps:
            pre.append(pre[-1] + f(ln(pre[-1])))
            post.append(ln(post[-1] + f(post[-1])))
    return [float(v.pow(2).mean().sqrt()) for v in pre], [float(v.pow(2).mean().sqrt()) for v in post]


@pytest.mark.parametrize("layers,width,tokens,seed", [(12, 64, 16, 0), (5, 8, 3, 7)])
def test_matches_torch_modules(layers, width, tokens, seed):
    out = norms.residual_stack(layers=layers, width=width, tokens=tokens, seed=seed)
    ref_pre, ref_post = _torch_stack(layers, width, tokens, seed)
    assert out["rms_pre"] == pytest.approx(ref_pre, rel=1e-9)
    assert out["rms_post"] == pytest.approx(ref_post, rel=1e-9)
    assert out["blocks"] == list(range(layers + 1))


def test_pre_norm_grows_like_the_square_root_and_post_norm_stays_at_one():
    out = norms.residual_stack(layers=24, width=128, tokens=32, seed=1)
    pre, post = np.array(out["rms_pre"]), np.array(out["rms_post"])
    assert pre[12] > 3 * pre[0] and pre[24] > pre[12], "each pre-norm block adds to the residual stream"
    assert pre[-1] == pytest.approx(np.sqrt(25), rel=0.15)
    assert np.allclose(post[1:], 1.0, atol=1e-4), "LayerNorm after the add resets the scale"
    assert out["sqrt_blocks"] == pytest.approx(np.sqrt(np.arange(25) + 1.0))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="layers"):
        norms.residual_stack(layers=0)

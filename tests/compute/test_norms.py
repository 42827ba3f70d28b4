import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import norms

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)

X = [[0.2, 0.1, 0.6, -1.0], [2.0, 0.0, 1.0, 1.0], [0.5, -0.5, 3.0, 0.0]]


def test_layer_norm_hand_worked():
    out = norms.layer_norm(x=[[1.0, 3.0]], eps=0.0)
    assert out["output"] == [[-1.0, 1.0]] and out["mean"] == [2.0] and out["var"] == [1.0]


def test_rms_norm_hand_worked():
    out = norms.rms_norm(x=[[3.0, 4.0]], eps=0.0)  # rms = sqrt(12.5)
    assert out["output"][0] == pytest.approx([3 / 12.5 ** 0.5, 4 / 12.5 ** 0.5])


@PROPS
@given(st.lists(st.lists(st.floats(-100, 100), min_size=3, max_size=3), min_size=1, max_size=5))
def test_layer_norm_rows_have_zero_mean(rows):
    out = np.array(norms.layer_norm(x=rows)["output"])
    assert np.allclose(out.mean(1), 0, atol=1e-6)


def test_norms_match_torch_nn():
    torch = pytest.importorskip("torch")
    x = torch.tensor(X, dtype=torch.float64)
    ln = torch.nn.LayerNorm(4, eps=1e-5, elementwise_affine=False, dtype=torch.float64)
    assert np.allclose(norms.layer_norm(x=X)["output"], ln(x).numpy(), atol=1e-10)
    rms = torch.nn.RMSNorm(4, eps=1e-6, elementwise_affine=False, dtype=torch.float64)
    assert np.allclose(norms.rms_norm(x=X)["output"], rms(x).numpy(), atol=1e-10)
    bn = torch.nn.BatchNorm1d(4, eps=1e-5, momentum=0.1, affine=False, dtype=torch.float64).train()
    out = norms.batch_norm(x=X)
    assert np.allclose(out["output"], bn(x).detach().numpy(), atol=1e-10)
    assert np.allclose(out["running_mean"], bn.running_mean.numpy())
    assert np.allclose(out["running_var"], bn.running_var.numpy())  # unbiased N−1 update
    again = norms.batch_norm(x=X, running_mean=out["running_mean"], running_var=out["running_var"])
    bn(x)
    assert np.allclose(again["running_var"], bn.running_var.numpy())


def test_rms_norm_matches_llama_rms_norm():
    torch = pytest.importorskip("torch")
    from transformers.models.llama.modeling_llama import LlamaRMSNorm

    x = torch.tensor(X, dtype=torch.float32)
    ref = LlamaRMSNorm(4, eps=1e-6)(x).detach().numpy()
    assert np.allclose(norms.rms_norm(x=X, eps=1e-6)["output"], ref, atol=1e-6)


def test_std_is_the_divisor_of_each_group():
    ln, bn = norms.layer_norm(x=X, eps=1e-5), norms.batch_norm(x=X, eps=1e-5)
    x = np.array(X)
    assert ln["std"] == pytest.approx(np.sqrt(x.var(1) + 1e-5).tolist())
    assert bn["std"] == pytest.approx(np.sqrt(x.var(0) + 1e-5).tolist())
    # the output is (x − mean) / std, row by row and column by column
    assert np.allclose(ln["output"], (x - x.mean(1, keepdims=True)) / np.array(ln["std"])[:, None])
    assert np.allclose(bn["output"], (x - x.mean(0)) / np.array(bn["std"]))

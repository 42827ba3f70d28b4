import numpy as np
import pytest

from compute import norm_steps

X = [2.0, -1.0, 0.5, 3.0, -0.5, 1.0]
G = [1.0, 0.5, 1.5, 0.8, 1.2, 1.0]
B = [0.1, 0.0, -0.2, 0.3, 0.0, -0.1]


def test_hand_worked_two_values():
    out = norm_steps.steps(x=[1.0, 3.0], gamma=[1.0, 2.0], beta=[0.5, 0.0], eps=0.0)
    assert out["mean"] == 2.0 and out["var"] == 1.0 and out["ln_hat"] == [-1.0, 1.0]
    assert out["ln_out"] == [-0.5, 2.0]
    assert out["mean_sq"] == 5.0 and out["rms"] == pytest.approx(5 ** 0.5)
    assert out["rms_out"] == pytest.approx([1 / 5 ** 0.5, 6 / 5 ** 0.5])


def test_matches_torch_layer_norm_and_rms_norm_with_affine():
    torch = pytest.importorskip("torch")
    x = torch.tensor([X], dtype=torch.float64)
    ln = torch.nn.LayerNorm(6, eps=1e-5, dtype=torch.float64)
    rms = torch.nn.RMSNorm(6, eps=1e-5, dtype=torch.float64)
    with torch.no_grad():
        ln.weight.copy_(torch.tensor(G)), ln.bias.copy_(torch.tensor(B)), rms.weight.copy_(torch.tensor(G))
    out = norm_steps.steps(x=X, gamma=G, beta=B, eps=1e-5)
    assert np.allclose(out["ln_out"], ln(x).detach().numpy()[0], atol=1e-12)
    assert np.allclose(out["rms_out"], rms(x).detach().numpy()[0], atol=1e-12)
    assert out["var"] == pytest.approx(torch.var(x, unbiased=False).item())


def test_rms_norm_matches_llama_rms_norm():
    torch = pytest.importorskip("torch")
    from transformers.models.llama.modeling_llama import LlamaRMSNorm

    m = LlamaRMSNorm(6, eps=1e-6)
    with torch.no_grad():
        m.weight.copy_(torch.tensor(G))
    ref = m(torch.tensor([X], dtype=torch.float32)).detach().numpy()[0]
    assert np.allclose(norm_steps.steps(x=X, gamma=G, beta=B, eps=1e-6)["rms_out"], ref, atol=1e-6)


def test_rms_equals_std_when_the_mean_is_zero():
    x = [1.0, -1.0, 2.0, -2.0]
    out = norm_steps.steps(x=x, gamma=[1.0] * 4, beta=[0.0] * 4)
    assert out["rms"] == pytest.approx(out["std"]) and out["ln_out"] == pytest.approx(out["rms_out"])


def test_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        norm_steps.steps(x=[1.0, 2.0], gamma=[1.0], beta=[0.0, 0.0])

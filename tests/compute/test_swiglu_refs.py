"""llm.swiglu / llm.activations (the SwiGLU diagram) against transformers' Qwen2MLP and torch's SiLU."""

import numpy as np
import pytest

from compute import llm


def test_swiglu_matches_qwen2_mlp_from_a_tiny_config():
    torch = pytest.importorskip("torch")
    from transformers import Qwen2Config
    from transformers.models.qwen2.modeling_qwen2 import Qwen2MLP

    torch.manual_seed(1)
    mlp = Qwen2MLP(Qwen2Config(hidden_size=3, intermediate_size=4, num_attention_heads=1)).double()
    x = torch.randn(3, dtype=torch.float64)
    out = llm.swiglu(x=x.tolist(), w_gate=mlp.gate_proj.weight.tolist(), w_up=mlp.up_proj.weight.tolist(),
                     w_down=mlp.down_proj.weight.tolist())
    with torch.no_grad():
        gate, up = mlp.gate_proj(x), mlp.up_proj(x)
        hidden = torch.nn.functional.silu(gate) * up
        assert np.allclose(out["gate"], gate.numpy()) and np.allclose(out["up"], up.numpy())
        assert np.allclose(out["hidden"], hidden.numpy(), atol=1e-12)
        assert np.allclose(out["output"], mlp(x[None])[0].numpy(), atol=1e-12)
        # the gate the diagram draws is SiLU of the gate projection
        assert np.allclose(llm.activations(x=out["gate"])["silu"], torch.nn.functional.silu(gate).numpy())


def test_silu_curve_minimum_is_swish_minimum():
    z = np.linspace(-5, 5, 4001)
    silu = np.array(llm.activations(x=z.tolist())["silu"])
    assert silu.min() == pytest.approx(-0.278464, abs=1e-5)  # z·σ(z) has its minimum at z ≈ −1.2785
    assert z[silu.argmin()] == pytest.approx(-1.2785, abs=3e-3)

"""llm.activations (the SwiGLU diagram's SiLU curve) against the Swish minimum and torch's activations.

llm.swiglu itself is checked against transformers' Llama and Qwen2 MLPs in test_llm.py."""

import numpy as np
import pytest

from compute import llm


def test_silu_curve_minimum_is_swish_minimum():
    z = np.linspace(-5, 5, 4001)
    silu = np.array(llm.activations(x=z.tolist())["silu"])
    assert silu.min() == pytest.approx(-0.278464, abs=1e-5)  # z·σ(z) has its minimum at z ≈ −1.2785
    assert z[silu.argmin()] == pytest.approx(-1.2785, abs=3e-3)

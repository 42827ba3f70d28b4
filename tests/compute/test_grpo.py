import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import grpo

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)


def test_advantages_verified_trl_numbers():
    # compute-references.md §4: rewards [1,0,0,1] and [1,1,1,0] with G = 4
    a = grpo.advantages(rewards=[1, 0, 0, 1])["advantages"]
    assert a == pytest.approx([0.8659, -0.8659, -0.8659, 0.8659], abs=1e-4)
    b = grpo.advantages(rewards=[1, 1, 1, 0])["advantages"]
    assert b == pytest.approx([0.4999, 0.4999, 0.4999, -1.4997], abs=1e-4)


def test_all_equal_rewards_give_zero_advantage():
    out = grpo.advantages(rewards=[0.7, 0.7, 0.7])
    assert out["advantages"] == [0.0, 0.0, 0.0] and out["std"] == 0.0


@PROPS
@given(st.lists(st.floats(-10, 10), min_size=2, max_size=16))
def test_advantages_match_torch_unbiased_std(rewards):
    torch = pytest.importorskip("torch")
    r = torch.tensor(rewards, dtype=torch.float64)
    ref = (r - r.mean()) / (r.std() + 1e-4)  # torch.std is Bessel-corrected, like trl nanstd
    out = grpo.advantages(rewards=rewards)
    assert np.allclose(out["advantages"], ref.numpy(), atol=1e-6)
    assert abs(sum(out["advantages"])) < 1e-6 * len(rewards) * (1 + max(map(abs, out["advantages"])))

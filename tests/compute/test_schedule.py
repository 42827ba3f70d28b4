import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute import schedule

# deterministic, no per-example deadline (first examples import torch), short on 2 cores
PROPS = settings(deadline=None, max_examples=60, derandomize=True)


def test_grad_accumulation_events():
    out = schedule.grad_accumulation(micro_batches=3, steps=2)
    actions = [e["action"] for e in out["events"]]
    assert actions == ["forward_backward"] * 3 + ["update", "zero_grad"] + ["forward_backward"] * 3 + [
        "update", "zero_grad"]
    assert out["updates"] == 2 and out["loss_scale"] == pytest.approx(1 / 3)
    assert [e["batch"] for e in out["events"] if e["batch"]] == [1, 2, 3, 4, 5, 6]


def test_following_the_accumulation_schedule_equals_one_big_batch_step():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    x, y = torch.randn(12, 3), torch.randn(12, 1)
    big = torch.nn.Linear(3, 1)
    acc = torch.nn.Linear(3, 1)
    acc.load_state_dict(big.state_dict())
    torch.nn.functional.mse_loss(big(x), y).backward()
    plan = schedule.grad_accumulation(micro_batches=4, steps=1, micro_batch_size=3)
    for e in plan["events"]:
        if e["action"] == "forward_backward":
            sl = slice((e["batch"] - 1) * 3, e["batch"] * 3)
            (torch.nn.functional.mse_loss(acc(x[sl]), y[sl]) * plan["loss_scale"]).backward()
        elif e["action"] == "update":
            assert torch.allclose(acc.weight.grad, big.weight.grad, atol=1e-6)
            assert torch.allclose(acc.bias.grad, big.bias.grad, atol=1e-6)


def test_ppo_epochs_count_updates():
    out = schedule.ppo_epochs(epochs=4, minibatches=4)
    assert out["updates"] == 16
    assert [(e["epoch"], e["minibatch"]) for e in out["events"][:5]] == [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1)]


@PROPS
@given(st.integers(1, 16), st.sampled_from(["none", "checkpoint", "full"]), st.integers(1, 5))
def test_checkpointing_schedules_are_valid(layers, mode, every):
    out = schedule.checkpointing(layers=layers, mode=mode, every=every)
    stored = {0}
    done_backward = []
    for e in out["events"]:
        i = e["layer"]
        if e["phase"] in ("forward", "recompute"):
            assert i - 1 in stored, "a layer runs only with its input available"
            stored = set(e["stored"])
            assert i in stored
        else:
            assert i - 1 in stored and i in stored, "backward needs the layer's input and output"
            stored = set(e["stored"])
            done_backward.append(i)
    assert done_backward == list(range(layers, 0, -1))
    assert out["forward_computations"] >= layers


def test_checkpointing_memory_compute_trade_off():
    none = schedule.checkpointing(layers=8, mode="none")
    ck = schedule.checkpointing(layers=8, mode="checkpoint", every=3)
    full = schedule.checkpointing(layers=8, mode="full")
    assert none["peak_stored"] == 9 and none["forward_computations"] == 8
    assert full["forward_computations"] == 8 + 7 * 8 // 2
    assert full["peak_stored"] < ck["peak_stored"] < none["peak_stored"]
    assert none["forward_computations"] < ck["forward_computations"] < full["forward_computations"]
    assert np.isclose(ck["forward_computations"], 8 + (1 + 2 + 2))  # segments (6,8], (3,6], (0,3]


def _cleanrl_minibatches(batch_size, minibatch_size, update_epochs, seed):
    """CleanRL ppo.py's loop, written again: global numpy seed, in-place shuffle per epoch, slices."""
    np.random.seed(seed)
    b_inds, out = np.arange(batch_size), []
    for _ in range(update_epochs):
        np.random.shuffle(b_inds)
        out.append([list(b_inds[start:start + minibatch_size] + 1) for start in range(0, batch_size, minibatch_size)])
    return out


@pytest.mark.parametrize(("n", "b", "epochs", "seed"), [(8, 2, 3, 0), (10, 4, 2, 5), (6, 6, 4, 1)])
def test_ppo_minibatches_match_cleanrl(n, b, epochs, seed):
    out = schedule.ppo_minibatches(samples=n, minibatch_size=b, epochs=epochs, seed=seed)
    ref = _cleanrl_minibatches(n, b, epochs, seed)
    assert [[mb["samples"] for mb in ep] for ep in out["epochs"]] == ref
    assert out["updates"] == epochs * len(ref[0]) == sum(len(ep) for ep in out["epochs"])
    assert [mb["update"] for ep in out["epochs"] for mb in ep] == list(range(1, out["updates"] + 1))


@PROPS
@given(n=st.integers(1, 40), b=st.integers(1, 40), epochs=st.integers(1, 5), seed=st.integers(0, 99))
def test_every_epoch_uses_each_sample_once(n, b, epochs, seed):
    b = min(b, n)
    out = schedule.ppo_minibatches(samples=n, minibatch_size=b, epochs=epochs, seed=seed)
    for order, ep in zip(out["order"], out["epochs"], strict=True):
        assert sorted(order) == list(range(1, n + 1))
        assert [s for mb in ep for s in mb["samples"]] == order
    assert out["minibatches_per_epoch"] == -(-n // b) and out["uses_per_sample"] == epochs

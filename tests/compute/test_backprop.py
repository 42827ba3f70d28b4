import pytest

from compute import backprop

MODES = ["store", "checkpoint", "full"]


def simulate(layers: int, mode: str, every: int) -> tuple[int, list[int]]:
    """Independent model of one training step: the peak of activations held and the recompute counts."""
    kept = {"store": set(range(1, layers + 1)), "checkpoint": set(range(1, layers + 1, every)), "full": set()}[mode]
    memory: dict[int, float] = {}
    calls = [0] * layers
    peak = 0

    def forward(i: int, x: float) -> float:
        calls[i - 1] += 1
        return 2.0 * x + i  # any layer: the value itself is checked below

    def put(i: int, v: float) -> None:
        nonlocal peak
        memory[i] = v
        peak = max(peak, len(memory))

    value = {0: 1.0}
    for i in range(1, layers + 1):
        value[i] = forward(i, value[i - 1])
        put(i, value[i])
        if i - 1 not in kept:
            memory.pop(i - 1, None)
    if layers not in kept:
        memory.pop(layers)
    for i in range(layers, 0, -1):
        if i not in memory:
            if mode == "full":  # replay the chain from the input, holding a value only until the next uses it
                x = 1.0
                for j in range(1, i + 1):
                    x = forward(j, x)
                    put(j, x)
                    memory.pop(j - 1, None)
            else:  # replay from the last checkpoint below, keeping the replayed segment
                c = max((k for k in memory if k < i), default=0)
                x = memory.get(c, 1.0)
                for j in range(c + 1, i + 1):
                    x = forward(j, x)
                    put(j, x)
        assert memory[i] == value[i], "the gradient of a layer sees the activation of the forward pass"
        del memory[i]
    assert not memory
    return peak, [c - 1 for c in calls]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layers,every", [(1, 1), (4, 2), (5, 2), (6, 3), (7, 3), (8, 4), (9, 2)])
def test_schedule_matches_an_independent_simulation(layers, mode, every):
    out = backprop.training_step(layers=layers, mode=mode, every=every)
    peak, recomputes = simulate(layers, mode, every)
    assert out["peak"] == peak
    assert out["recompute_counts"] == recomputes
    assert [s["phase"] for s in out["steps"]] == ["forward"] * layers + ["loss"] + ["backward"] * layers
    assert [s["layer"] for s in out["steps"] if s["phase"] == "backward"] == list(range(layers, 0, -1))
    assert [s["step"] for s in out["steps"]] == list(range(1, 2 * layers + 2))


def test_four_layers_trade_memory_for_compute():
    store, ck, full = (backprop.training_step(4, m, 2) for m in MODES)
    assert (store["kept"], ck["kept"], full["kept"]) == ([1, 2, 3, 4], [1, 3], [])
    assert (store["recomputes"], ck["recomputes"], full["recomputes"]) == (0, 2, 10)
    assert store["peak"] > ck["peak"] > full["peak"]
    assert [s["recompute"] for s in ck["steps"][5:]] == [[4], [], [2], []]
    assert [s["recompute"] for s in full["steps"][5:]] == [[1, 2, 3, 4], [1, 2, 3], [1, 2], [1]]


def _count_forward_calls(layers: int, mode: str, every: int):
    """Run a tiny nn.Sequential-like chain with torch.utils.checkpoint; count each layer's forward calls."""
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint

    torch.manual_seed(0)
    calls = [0] * layers

    class Counted(torch.nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            self.i, self.lin = i, torch.nn.Linear(3, 3)

        def forward(self, x):
            calls[self.i] += 1
            return torch.tanh(self.lin(x))

    net = torch.nn.Sequential(*(Counted(i) for i in range(layers)))
    x = torch.randn(2, 3)
    kept = set(backprop.kept_activations(layers, mode, every))
    if mode == "full":  # every prefix of the chain checkpointed inside the next: recompute from the input
        def prefix(k, h):
            return h if k == 0 else checkpoint(lambda y: net[k - 1](prefix(k - 1, y)), h, use_reentrant=False)
        out = prefix(layers, x)
    else:  # each run of non-kept layers is one checkpointed segment
        out, i = x, 0
        while i < layers:
            if i + 1 in kept:
                out, i = net[i](out), i + 1
            else:
                j = i
                while j < layers and j + 1 not in kept:
                    j += 1
                seg = net[i:j]
                out, i = checkpoint(seg, out, use_reentrant=False), j
    out.pow(2).sum().backward()
    grads = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    net(x).pow(2).sum().backward()
    for g, p in zip(grads, net.parameters(), strict=True):
        assert torch.allclose(g, p.grad, atol=1e-6), "checkpointing must not change the gradients"
    return [c - 2 for c in calls]  # minus the forward pass and the plain reference run


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layers,every", [(4, 2), (6, 3), (5, 2)])
def test_recompute_counts_match_torch_checkpoint(layers, mode, every):
    out = backprop.training_step(layers=layers, mode=mode, every=every)
    assert out["recompute_counts"] == _count_forward_calls(layers, mode, every)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="mode"):
        backprop.training_step(4, "some")
    with pytest.raises(ValueError, match="layers"):
        backprop.training_step(0)


@pytest.mark.parametrize("mode", MODES)
def test_occupancy_marks_what_each_step_holds_and_recomputes(mode):
    out = backprop.training_step(layers=5, mode=mode, every=2)
    columns = list(zip(*out["occupancy"], strict=True))
    assert len(columns) == len(out["steps"]) == 11
    for step, col in zip(out["steps"], columns, strict=True):
        assert {i + 1 for i, v in enumerate(col) if v == 2} == set(step["recompute"])
        assert set(step["held"]) <= {i + 1 for i, v in enumerate(col) if v}
        if step["phase"] == "backward":
            assert col[step["layer"] - 1] > 0, "the gradient step uses its activation"
    assert out["occupancy"][0][0] == 1 and out["occupancy"][-1][:4] == [0, 0, 0, 0]


def test_recomputed_in_lists_the_steps_that_rerun_each_layer():
    full = backprop.training_step(4, "full")
    assert full["recomputed_in"] == [[6, 7, 8, 9], [6, 7, 8], [6, 7], [6]]
    assert [len(s) for s in full["recomputed_in"]] == full["recompute_counts"]

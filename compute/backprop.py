"""One training step as numbered steps: forward, loss, backward, with stored or recomputed activations."""

from typing import Literal

from compute._common import jsonable

Mode = Literal["store", "checkpoint", "full"]


def kept_activations(layers: int, mode: Mode, every: int = 2) -> list[int]:
    """Layers whose activation a_i is kept from the forward pass for the backward pass.

    store: all; checkpoint: layers 1, 1 + every, 1 + 2·every, … (the checkpoints); full: none.
    """
    if mode == "store":
        return list(range(1, layers + 1))
    if mode == "checkpoint":
        return list(range(1, layers + 1, every))
    if mode == "full":
        return []
    raise ValueError(f"mode must be store, checkpoint or full, got {mode!r}")


def training_step(layers: int = 4, mode: Mode = "store", every: int = 2) -> dict:
    """The numbered steps of one training step through a chain of `layers` layers.

    a_0 is the input (always there, not counted); layer i computes a_i from a_{i−1}, and the gradient of
    layer i needs a_i. Steps 1…L run the layers forward, step L+1 the loss, steps L+2…2L+1 the gradients
    of layers L…1. An activation that is not kept is dropped as soon as the next layer has used it; when a
    backward step needs a dropped a_i it re-runs the layers from the nearest held activation below
    (checkpoint: the checkpoint before it, keeping the re-run ones for the next backward steps; full: from
    the input, keeping only a_i). This is what `torch.utils.checkpoint` does with every non-checkpoint
    segment wrapped (checkpoint) or with every prefix of the chain wrapped inside the next (full).

    Returns:
        steps: {step, phase ("forward", "loss", "backward"), layer (0 for the loss), recompute (layers re-run
            in this step, in order), held (activation indices held after the step), peak (most held at once
            during the step)}.
        kept: activations kept from the forward pass for the backward pass.
        dropped: the others.
        recompute_counts: per layer (index 0 = layer 1), how often its forward is re-run.
        recomputed_in: per layer, the steps that re-run it.
        recomputes: their sum.
        forward_calls: layers + recomputes.
        peak: most activations held at once.
        kept_after_forward: how many are held when the loss is taken.
        step_numbers: the steps' numbers, 1 … 2·layers + 1.
        held_profile: activations held after each step (index 0 = step 1).
        peak_profile: most activations held during each step.
        occupancy: rows a_1 … a_L, columns steps 1 … 2L+1: 2 if the step recomputes the activation, 1 if it
            is in memory during the step (computed, kept or used), 0 if not.
    """
    if not 1 <= layers <= 32 or every < 1:
        raise ValueError("layers must be in [1, 32] and every >= 1")
    keep = set(kept_activations(layers, mode, every))
    held: set[int] = set()
    counts = [0] * layers
    steps: list[dict] = []

    def run(i: int, drop_input: bool, peak: list[int]) -> None:
        """Compute a_i from a_{i−1} (held, or the input), then optionally drop a_{i−1}."""
        held.add(i)
        peak[0] = max(peak[0], len(held))
        if drop_input:
            held.discard(i - 1)

    occupancy: list[list[int]] = []

    def log(phase: str, layer: int, recompute: list[int], peak: int, present: set[int]) -> None:
        occupancy.append([2 if i in recompute else int(i in present) for i in range(1, layers + 1)])
        steps.append({"step": len(steps) + 1, "phase": phase, "layer": layer, "recompute": recompute,
                      "held": sorted(held), "peak": max(peak, len(held))})

    for i in range(1, layers + 1):
        peak, before = [len(held)], set(held)
        run(i, i - 1 not in keep, peak)
        log("forward", i, [], peak[0], before | held)
    peak, before = [len(held)], set(held)
    if layers not in keep:
        held.discard(layers)
    log("loss", 0, [], peak[0], before)
    kept_after_forward = len(held)
    for i in range(layers, 0, -1):
        peak, redo, before = [len(held)], [], set(held)
        if i not in held:
            start = 0 if mode == "full" else max([c for c in held if c < i], default=0)
            for j in range(start + 1, i + 1):
                run(j, mode == "full" and j - 1 not in keep, peak)
                counts[j - 1] += 1
                redo.append(j)
        held.discard(i)  # the gradient of layer i has used a_i
        log("backward", i, redo, peak[0], before | {i})
    recomputes = sum(counts)
    return jsonable({
        "steps": steps, "kept": sorted(keep), "dropped": [i for i in range(1, layers + 1) if i not in keep],
        "recompute_counts": counts,
        "recomputed_in": [[s["step"] for s in steps if i in s["recompute"]] for i in range(1, layers + 1)],
        "recomputes": recomputes, "forward_calls": layers + recomputes,
        "peak": max(s["peak"] for s in steps), "kept_after_forward": kept_after_forward,
        "step_numbers": [s["step"] for s in steps], "held_profile": [len(s["held"]) for s in steps],
        "peak_profile": [s["peak"] for s in steps],
        "occupancy": [list(row) for row in zip(*occupancy, strict=True)],
    })

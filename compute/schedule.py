"""Training schedules drawn as timelines: gradient accumulation, PPO epochs × minibatches, checkpointing."""

from typing import Literal

import numpy as np

from compute._common import jsonable


def grad_accumulation(micro_batches: int, steps: int, micro_batch_size: int = 1) -> dict:
    """Gradient accumulation: forward/backward each micro-batch (loss × 1/micro_batches), then one update.

    The summed gradients equal the gradient of the mean loss over the effective batch, so accumulation
    over k micro-batches of size b matches one step on a batch of k·b.

    Returns:
        events: in order, {t, step, micro_batch, batch, action} with action "forward_backward" (gradient of
            the scaled micro-batch loss added to the accumulated gradient), "update" (optimizer step) or
            "zero_grad"; batch counts micro-batches from 1 over the whole run, step and micro_batch from 1.
        updates: number of optimizer steps.
        effective_batch_size: micro_batches × micro_batch_size.
        loss_scale: 1 / micro_batches.
    """
    if micro_batches < 1 or not 1 <= steps <= 100:
        raise ValueError("micro_batches must be >= 1 and steps in [1, 100]")
    events, t, batch = [], 0, 0
    for s in range(1, steps + 1):
        for m in range(1, micro_batches + 1):
            batch += 1
            t += 1
            events.append({"t": t, "step": s, "micro_batch": m, "batch": batch, "action": "forward_backward"})
        for action in ("update", "zero_grad"):
            t += 1
            events.append({"t": t, "step": s, "micro_batch": 0, "batch": 0, "action": action})
    return jsonable({"events": events, "updates": steps, "effective_batch_size": micro_batches * micro_batch_size,
                     "loss_scale": 1.0 / micro_batches})


def ppo_epochs(epochs: int, minibatches: int, iterations: int = 1) -> dict:
    """PPO's update loop: each rollout batch is reused for `epochs` passes over `minibatches` minibatches.

    Returns:
        events: {t, iteration, epoch, minibatch, update} for every gradient update, in order (from 1).
        updates: total number of gradient updates (iterations × epochs × minibatches).
    """
    if min(epochs, minibatches, iterations) < 1 or epochs * minibatches * iterations > 10_000:
        raise ValueError("epochs, minibatches and iterations must be >= 1 (at most 10 000 updates)")
    events, u = [], 0
    for it in range(1, iterations + 1):
        for e in range(1, epochs + 1):
            for m in range(1, minibatches + 1):
                u += 1
                events.append({"t": u, "iteration": it, "epoch": e, "minibatch": m, "update": u})
    return jsonable({"events": events, "updates": u})


def checkpointing(layers: int, mode: Literal["none", "checkpoint", "full"] = "none", every: int = 2) -> dict:
    """Forward/backward order and stored activations without, with segment, or with full recomputation.

    Activation a_i is layer i's output (a_0 the input); backward of layer i needs a_{i−1} and frees a_i.
    none: keep every a_i. checkpoint: keep a_0, a_every, a_2·every, … and the output; in backward each
    segment is recomputed from its checkpoint. full: keep only a_0 and the output; every layer's backward
    recomputes the forward from a_0 (least memory, quadratic compute).

    Returns:
        events: {step, phase ("forward", "recompute", "backward"), layer, stored (sorted activation indices
            held after the event)}.
        peak_stored: the largest number of activations held at once.
        forward_computations: forward + recompute layer evaluations.
    """
    if not 1 <= layers <= 64 or every < 1:
        raise ValueError("layers must be in [1, 64] and every >= 1")
    keep_always = {0, layers}
    if mode == "none":
        keep = set(range(layers + 1))
    elif mode == "checkpoint":
        keep = set(range(0, layers + 1, every)) | keep_always
    elif mode == "full":
        keep = keep_always
    else:
        raise ValueError(f"mode must be none, checkpoint or full, got {mode!r}")
    stored, events = {0}, []

    def log(phase: str, layer: int) -> None:
        events.append({"step": len(events) + 1, "phase": phase, "layer": layer, "stored": sorted(stored)})

    for i in range(1, layers + 1):  # forward: compute a_i from a_{i-1}, drop a_{i-1} unless kept
        stored.add(i)
        if i - 1 not in keep:
            stored.discard(i - 1)
        log("forward", i)
    for i in range(layers, 0, -1):
        if i - 1 not in stored:  # recompute a_{start+1} … a_{i-1} from the nearest stored activation below
            start = max(s for s in stored if s < i - 1)
            for j in range(start + 1, i):
                stored.add(j)
                if mode == "full" and j - 1 not in keep:
                    stored.discard(j - 1)
                log("recompute", j)
        stored.discard(i)
        log("backward", i)
    return jsonable({"events": events, "peak_stored": max(len(e["stored"]) for e in events),
                     "forward_computations": sum(e["phase"] != "backward" for e in events)})


def ppo_minibatches(samples: int, minibatch_size: int, epochs: int, seed: int = 0) -> dict:
    """Which buffer samples each PPO minibatch takes: reshuffle every epoch, then cut into minibatches (CleanRL).

    As CleanRL's ppo.py: `b_inds = arange(N)`; every epoch `shuffle(b_inds)` in place (numpy RandomState(seed),
    the same stream as `np.random.seed(seed)`), then minibatch j takes `b_inds[j·B:(j+1)·B]` (the last may be
    shorter). Sample ids are counted from 1.

    Returns:
        ids: the sample ids 1 … N, in buffer order.
        order: per epoch, the shuffled sample ids.
        epochs: per epoch, its minibatches {epoch, minibatch, samples, update} (update counted from 1 over the run).
        minibatches_per_epoch: ⌈N / B⌉.
        updates: the number of gradient steps, epochs × ⌈N / B⌉.
        uses_per_sample: how often each sample enters a gradient step (= epochs).
    """
    if not 1 <= samples <= 10_000 or not 1 <= minibatch_size <= samples or not 1 <= epochs <= 100:
        raise ValueError("need 1 <= minibatch_size <= samples <= 10 000 and 1 <= epochs <= 100")
    rng, inds = np.random.RandomState(seed), np.arange(samples)
    per_epoch = -(-samples // minibatch_size)
    order, plan, u = [], [], 0
    for e in range(1, epochs + 1):
        rng.shuffle(inds)
        order.append(inds + 1)
        rows = []
        for j in range(per_epoch):
            u += 1
            rows.append({"epoch": e, "minibatch": j + 1, "update": u,
                         "samples": inds[j * minibatch_size:(j + 1) * minibatch_size] + 1})
        plan.append(rows)
    return jsonable({"ids": np.arange(1, samples + 1), "order": order, "epochs": plan,
                     "minibatches_per_epoch": per_epoch, "updates": u,
                     "uses_per_sample": epochs})

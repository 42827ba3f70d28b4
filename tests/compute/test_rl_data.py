"""rl.replay_versions against a collections.deque replay buffer, and rl.dyna_q_corridor against Sutton &
Barto's tabular Dyna-Q (section 8.2) written again here and the closed forms it implies."""

from collections import deque

import numpy as np
import pytest

from compute.rl_data import dyna_q_corridor, replay_versions


def test_replay_buffer_matches_a_deque():
    buf: deque[int] = deque(maxlen=10)
    for version in range(5):  # π_0 … π_4 each collect 3 transitions
        buf.extend([version] * 3)
    out = replay_versions(capacity=10, per_update=3, updates=4)
    assert out["buffer"] == list(buf)
    assert out["current"] == 4 and out["on_policy"] == [4, 4, 4]
    assert out["from_current"] == 3 and out["fraction_current"] == pytest.approx(3 / 10)
    assert out["versions"] == sorted(set(buf)) and out["oldest"] == buf[0]


def test_buffer_not_yet_full_holds_everything():
    out = replay_versions(capacity=50, per_update=2, updates=2)
    assert out["buffer"] == [0, 0, 1, 1, 2, 2] and out["in_buffer"] == 6


def test_replay_arguments_are_checked():
    with pytest.raises(ValueError):
        replay_versions(capacity=0, per_update=1, updates=1)


def _dyna_reference(cells, n, episodes, alpha, gamma, seed):
    """Tabular Dyna-Q (S&B 2nd ed., p. 164) with a single action, written independently of the module."""
    rng = np.random.default_rng(seed)
    q = [0.0] * cells
    model = {}
    out = []
    for _ in range(episodes):
        for s in range(cells - 1):
            s2 = s + 1
            r = 1.0 if s2 == cells - 1 else 0.0
            nxt = 0.0 if s2 == cells - 1 else q[s2]
            q[s] = q[s] + alpha * (r + gamma * nxt - q[s])          # (d) direct RL
            model[s] = (r, s2)                                        # (e) model learning
            for _ in range(n):                                        # (f) planning
                keys = list(model)
                ps = keys[rng.integers(len(keys))]
                pr, ps2 = model[ps]
                pn = 0.0 if ps2 == cells - 1 else q[ps2]
                q[ps] = q[ps] + alpha * (pr + gamma * pn - q[ps])
        out.append(q[:cells - 1])
    return out


def test_dyna_matches_the_reference_loop():
    out = dyna_q_corridor(cells=6, planning_steps=5, episodes=4, alpha=0.5, gamma=0.9, seed=3)
    ref = _dyna_reference(6, 5, 4, 0.5, 0.9, 3)
    assert np.allclose(out["dyna"]["values"], ref)


def test_q_learning_moves_the_value_back_one_state_per_episode():
    # with α = 1 and updates in the order the steps happen, episode e gives γ^j to the e states nearest the goal
    cells, gamma = 6, 0.9
    out = dyna_q_corridor(cells=cells, planning_steps=5, episodes=5, alpha=1.0, gamma=gamma, seed=0)
    for e, values in enumerate(out["model_free"]["values"], start=1):
        expect = [gamma ** (cells - 2 - i) if i >= cells - 1 - e else 0.0 for i in range(cells - 1)]
        assert values == pytest.approx(expect)
    assert out["model_free"]["first_episode"] == cells - 1
    assert out["model_free"]["real_steps"] == (cells - 1) ** 2
    assert out["model_free"]["updates_per_step"] == 1


def test_enough_planning_reaches_the_bellman_values_in_one_episode():
    cells, gamma = 5, 0.8
    out = dyna_q_corridor(cells=cells, planning_steps=200, episodes=1, alpha=1.0, gamma=gamma, seed=1)
    assert out["dyna"]["values"][0] == pytest.approx([gamma ** (cells - 2 - i) for i in range(cells - 1)])
    assert out["dyna"]["first_episode"] == 1
    assert out["dyna"]["updates"] == (cells - 1) * 201


def test_start_value_never_reached_is_null():
    out = dyna_q_corridor(cells=8, planning_steps=0, episodes=2)
    assert out["model_free"]["first_episode"] is None and out["model_free"]["real_steps"] is None

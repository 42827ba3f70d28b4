"""rl.dqn_io_shapes against torch: both layouts built as nn.Sequential MLPs, run on the inputs they take, their
parameters counted by torch."""

import pytest

from compute.rl_dqn import dqn_io_shapes


def _net(torch, sizes):
    layers = []
    for i, o in zip(sizes, sizes[1:], strict=False):
        layers += [torch.nn.Linear(i, o), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


@pytest.mark.parametrize(("state_dim", "n_actions", "hidden"), [(2, 3, [120, 84]), (4, 2, [64]), (8, 5, [])])
def test_shapes_and_parameters_match_torch(state_dim, n_actions, hidden):
    torch = pytest.importorskip("torch")
    state = [0.1 * (i + 1) for i in range(state_dim)]
    out = dqn_io_shapes(state_dim=state_dim, n_actions=n_actions, hidden=hidden, state=state)
    s = torch.tensor(state)
    pair_in = torch.cat([s.repeat(n_actions, 1), torch.eye(n_actions)], dim=1)  # one row per action
    pair = _net(torch, [state_dim + n_actions, *hidden, 1])
    alone = _net(torch, [state_dim, *hidden, n_actions])
    assert list(pair_in.shape) == out["pair_input_shape"] and torch.allclose(pair_in, torch.tensor(out["pair_input"]))
    assert list(pair(pair_in).shape) == out["pair_output_shape"]
    assert list(alone(s[None]).shape) == out["state_output_shape"] and list(s[None].shape) == out["state_input_shape"]
    assert out["pair_params"] == sum(p.numel() for p in pair.parameters())
    assert out["state_params"] == sum(p.numel() for p in alone.parameters())
    assert out["rows_per_choice"] == [n_actions, 1]


def test_checks_its_inputs():
    with pytest.raises(ValueError):
        dqn_io_shapes(state_dim=2, n_actions=3, hidden=[8], state=[0.0])
    with pytest.raises(ValueError):
        dqn_io_shapes(state_dim=0, n_actions=3, hidden=[8])

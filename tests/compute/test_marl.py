"""compute.marl against independent references: the lane game re-simulated car by car, MADDPG's networks built
in torch and counted by torch, the feudal hierarchy's regions found by recursive halving of the map."""

import itertools

import pytest

from compute.marl import feudal_hierarchy, lane_game, maddpg_sizes


def _step(n_lanes, positions, actions):
    """The game written again: move, clip, then +1 for a car alone in its lane, −1 otherwise."""
    new = []
    for p, a in zip(positions, actions, strict=True):
        q = p + a
        new.append(0 if q < 0 else n_lanes - 1 if q >= n_lanes else q)
    return new, [1 if sum(1 for m in new if m == lane) == 1 else -1 for lane in new]


def test_lane_game_collision_and_views():
    out = lane_game(n_lanes=4, positions=[0, 1, 3], actions=[0, 1, -1])
    assert out["new_lanes"] == [0, 2, 2]
    assert out["rewards"] == [1, -1, -1] and out["team_reward"] == -1
    assert out["collided"] == [False, True, True]
    # car 0: wall on its left, car 1 on its right; car 2: lane 2 free on its left, wall on its right
    assert out["observations"] == [[-1, 0, 1], [1, 0, 0], [0, 0, -1]]
    assert out["joint_size"] == 27 and out["n_actions"] == 3
    assert out["joint_index"] == 1 * 9 + 2 * 3 + 0
    assert out["before_grid"] == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
    assert out["after_grid"] == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]] and out["occupancy"] == [1, 0, 2, 0]
    assert out["on_road"] == [[v != -1 for v in view] for view in out["observations"]]


@pytest.mark.parametrize(("n_lanes", "positions"), [(4, [0, 1, 3]), (3, [0, 2]), (5, [1, 2, 3, 4])])
def test_lane_game_safe_count_by_enumeration(n_lanes, positions):
    safe = 0
    for joint in itertools.product((-1, 0, 1), repeat=len(positions)):
        _, rewards = _step(n_lanes, positions, joint)
        safe += all(r == 1 for r in rewards)
        out = lane_game(n_lanes=n_lanes, positions=positions, actions=list(joint))
        assert out["rewards"] == rewards
    assert out["safe_joint"] == safe and out["joint_size"] == 3 ** len(positions)


def test_lane_game_checks_its_inputs():
    for kwargs in ({"n_lanes": 4, "positions": [0, 0], "actions": [0, 0]},
                   {"n_lanes": 4, "positions": [0, 1], "actions": [0, 2]},
                   {"n_lanes": 4, "positions": [0, 4], "actions": [0, 0]},
                   {"n_lanes": 4, "positions": [0, 1], "actions": [0]}):
        with pytest.raises(ValueError):
            lane_game(**kwargs)


def _mlp(torch, sizes):
    layers = []
    for i, o in itertools.pairwise(sizes):
        layers += [torch.nn.Linear(i, o), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


@pytest.mark.parametrize(("obs", "act", "hidden"), [([3, 3, 3], [1, 1, 1], [32, 32]), ([8, 10], [2, 5], [64]),
                                                   ([4], [2], [])])
def test_maddpg_sizes_match_torch(obs, act, hidden):
    torch = pytest.importorskip("torch")
    out = maddpg_sizes(obs_dims=obs, act_dims=act, hidden=hidden)
    actors = [_mlp(torch, [o, *hidden, a]) for o, a in zip(obs, act, strict=True)]
    critic_in = torch.cat([torch.zeros(1, o) for o in obs] + [torch.zeros(1, a) for a in act], dim=1)
    critic = _mlp(torch, [critic_in.shape[1], *hidden, 1])
    assert out["actor_params"] == [sum(p.numel() for p in m.parameters()) for m in actors]
    assert out["critic_params"] == sum(p.numel() for p in critic.parameters())
    assert out["critic_input"] == critic_in.shape[1] and list(critic(critic_in).shape) == [1, 1]
    assert [actors[i](torch.zeros(1, o)).shape[1] for i, o in enumerate(obs)] == act
    assert out["total_params"] == sum(out["actor_params"]) + len(obs) * out["critic_params"]


def test_maddpg_critic_vector_is_torch_cat():
    torch = pytest.importorskip("torch")
    obs, act = [[-1.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [[0.5], [-0.25]]
    out = maddpg_sizes(obs_dims=[3, 3], act_dims=[1, 1], hidden=[8], observations=obs, actions=act)
    ref = torch.cat([torch.tensor(obs[0]), torch.tensor(act[0]), torch.tensor(obs[1]), torch.tensor(act[1])])
    assert out["critic_vector"] == ref.tolist() and len(out["critic_vector"]) == out["critic_input"]


def test_maddpg_checks_its_inputs():
    with pytest.raises(ValueError):
        maddpg_sizes(obs_dims=[3, 3], act_dims=[1], hidden=[8])
    with pytest.raises(ValueError):
        maddpg_sizes(obs_dims=[0], act_dims=[1], hidden=[8])
    with pytest.raises(ValueError):
        maddpg_sizes(obs_dims=[2], act_dims=[1], hidden=[8], observations=[[0.0]], actions=[[1.0]])


def _region(side, levels_left, row, col, r0=0, c0=0, split=2):
    """[row, col] of the region holding a cell, found by cutting the map into split × split pieces repeatedly."""
    path = [(0, 0)]
    size = side
    for _ in range(levels_left):
        size //= split
        r0, c0 = r0 + (row - r0) // size * size, c0 + (col - c0) // size * size
        path.append((r0 // size, c0 // size))
    return path


@pytest.mark.parametrize(("levels", "split", "cell"), [(4, 2, [5, 6]), (3, 3, [7, 1]), (2, 2, [1, 0])])
def test_feudal_hierarchy_by_recursive_cutting(levels, split, cell):
    out = feudal_hierarchy(levels=levels, split=split, horizon=16, cell=cell)
    side = split ** (levels - 1)
    assert out["regions"] == [list(p) for p in _region(side, levels - 1, *cell, split=split)]
    assert out["counts"] == [(split ** (lv - 1)) ** 2 for lv in range(1, levels + 1)]
    assert out["periods"][-1] == 1 and out["periods"][0] == split ** (levels - 1)
    assert out["decisions"] == [len(range(0, 16, p)) for p in out["periods"]]
    for lv, m in enumerate(out["bottom_masks"]):
        width = side // out["sides"][lv]
        assert sum(map(sum, m)) == width * width and m[cell[0]][cell[1]] == 1
        assert sum(map(sum, out["masks"][lv])) == 1
        flat = [k for row in out["numbers"][lv] for k in row]
        assert flat == list(range(1, out["counts"][lv] + 1))


def test_feudal_checks_its_inputs():
    with pytest.raises(ValueError):
        feudal_hierarchy(levels=4, split=2, horizon=16, cell=[8, 0])
    with pytest.raises(ValueError):
        feudal_hierarchy(levels=1, split=2, horizon=16, cell=[0, 0])

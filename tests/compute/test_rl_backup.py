"""rl.td0_update against Sutton & Barto eq. 6.2 (their driving-home example 6.1, a tabular TD(0) loop and one
gradient step in torch), and rl.backup_diagrams / backup_cost against the tree they draw, counted here."""

import pytest

from compute.rl_backup import backup_cost, backup_diagrams, td0_update


def test_driving_home_first_leg():
    # S&B example 6.1: leaving the office, 30 minutes predicted; 5 minutes later at the car, 35 still to go
    out = td0_update(value=30, reward=5, next_value=35, alpha=1.0, gamma=1.0)
    assert out["target"] == pytest.approx(40) and out["error"] == pytest.approx(10)
    assert out["new_value"] == pytest.approx(40) and out["remaining"] == pytest.approx(0)


def test_matches_a_tabular_td0_loop():
    v = {"A": 2.0, "B": 5.0}
    alpha, gamma, r = 0.3, 0.9, 1.5
    v["A"] += alpha * (r + gamma * v["B"] - v["A"])  # eq. 6.2 written again
    out = td0_update(value=2.0, reward=r, next_value=5.0, alpha=alpha, gamma=gamma)
    assert out["new_value"] == pytest.approx(v["A"])
    assert out["bootstrap"] == pytest.approx(gamma * 5.0)
    assert out["step"] == pytest.approx(alpha * out["error"])
    assert out["remaining"] == pytest.approx((1 - alpha) * out["error"])


def test_terminal_next_state_is_not_bootstrapped():
    out = td0_update(value=1.0, reward=2.0, next_value=99.0, alpha=0.5, gamma=0.9, terminal=True)
    assert out["bootstrap"] == 0 and out["target"] == pytest.approx(2.0)


def test_is_one_gradient_step_on_the_squared_td_error():
    torch = pytest.importorskip("torch")
    v = torch.tensor(4.0, requires_grad=True)
    target = torch.tensor(1.0 + 0.8 * 6.0)  # semi-gradient: the target is held fixed
    (0.5 * (target - v) ** 2).backward()
    with torch.no_grad():
        stepped = v - 0.25 * v.grad
    out = td0_update(value=4.0, reward=1.0, next_value=6.0, alpha=0.25, gamma=0.8)
    assert out["new_value"] == pytest.approx(float(stepped))


def test_rejects_bad_step_sizes():
    with pytest.raises(ValueError):
        td0_update(value=0, reward=0, next_value=0, alpha=0)
    with pytest.raises(ValueError):
        td0_update(value=0, reward=0, next_value=0, gamma=1.5)


def _walk(node: dict, depth: int = 0) -> dict[str, tuple[dict, int]]:
    out = {node["id"]: (node, depth)}
    for c in node.get("children", []):
        out.update(_walk(c, depth + 1))
    return out


@pytest.mark.parametrize(("n_actions", "n_next", "depth"), [(2, 2, 2), (3, 1, 3), (1, 2, 4), (2, 3, 1)])
def test_paths_lie_in_the_tree_and_their_sizes_are_the_costs(n_actions, n_next, depth):
    out = backup_diagrams(n_actions=n_actions, n_next=n_next, depth=depth)
    nodes = _walk(out["tree"])
    assert len(nodes) == out["nodes"]
    kinds = out["kinds"]
    assert sorted(kinds["state"] + kinds["action"] + kinds["terminal"]) == sorted(nodes)
    assert set(kinds["terminal"]) == {i for i, (_n, d) in nodes.items() if d == 2 * depth}
    assert set(kinds["action"]) == {i for i, (_n, d) in nodes.items() if d % 2 == 1}
    states = kinds["state"] + kinds["terminal"]
    assert len(states) == sum((n_actions * n_next) ** k for k in range(depth + 1))
    for method in ("td", "mc", "dp", "exhaustive"):
        for path in out[method]:
            parent = out["tree"]
            for ident in path:  # every step goes to a child of the previous node
                assert ident in [c["id"] for c in parent["children"]]
                parent = nodes[ident][0]
        # transitions read = distinct states reached below the root
        reached = {i for p in out[method] for i in p if i not in kinds["action"]}
        assert len(reached) == out["cost"][method]
    assert out["cost"]["leaves"] == sum(1 for n, d in nodes.values() if d == 2 * depth)


def test_costs_of_a_larger_problem():
    c = backup_cost(n_actions=4, n_next=3, depth=10)
    assert (c["td"], c["mc"], c["dp"]) == (1, 10, 12)
    assert c["exhaustive"] == (12 ** 11 - 12) // 11 and c["leaves"] == 12 ** 10


def test_sample_picks_the_episode_and_is_checked():
    out = backup_diagrams(n_actions=2, n_next=2, depth=2, sample=[1, 0, 0, 1])
    assert out["mc"] == [["sa1", "sa1s0", "sa1s0a0", "sa1s0a0s1"]] and out["td"] == [["sa1", "sa1s0"]]
    with pytest.raises(ValueError):
        backup_diagrams(n_actions=2, n_next=2, depth=2, sample=[2, 0, 0, 0])
    with pytest.raises(ValueError):
        backup_diagrams(n_actions=4, n_next=4, depth=3)


def test_only_the_one_step_methods_bootstrap():
    out = backup_diagrams(n_actions=2, n_next=2, depth=2, sample=[1, 0, 0, 1])
    for method, expected in (("td", {"sa1s0"}), ("dp", {"sa0s0", "sa0s1", "sa1s0", "sa1s1"}),
                             ("mc", set()), ("exhaustive", set())):
        assert set(out["bootstrapped"][method]) == expected, method
    assert all(not {"shape", "role"} & set(n) for n, _ in _walk(out["tree"]).values()), "data, not presentation"

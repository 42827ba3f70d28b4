"""scene.shift and scene.bbox: a moved primitive is a new equal-typed value, a group's remembered box moves with it."""

from renderer.scene import Group, Line, Meta, Rect, Text, bbox, shift


def _group() -> Group:
    return Group((Rect(1.0, 2.0, 10.0, 4.0), Text(5.0, 30.0, "a", 10.0, width=6.0, pivot=(5.0, 30.0)),
                  Group((Line(((0.5, 0.25), (20.0, 8.0))),))), Meta("g"))


def test_shift_moves_every_child_and_leaves_the_original():
    g = _group()
    m = shift(g, 3.0, -2.0)
    assert g.children[0] == Rect(1.0, 2.0, 10.0, 4.0)  # frozen values: the original is unchanged
    assert m.children[0] == Rect(4.0, 0.0, 10.0, 4.0)
    assert (m.children[1].x, m.children[1].y, m.children[1].pivot) == (8.0, 28.0, (8.0, 28.0))
    assert m.children[2].children[0].points == ((3.5, -1.75), (23.0, 6.0))
    assert m.meta == Meta("g")


def test_group_box_after_shifts_equals_a_fresh_measurement():
    g = _group()
    bbox(g)  # remembered on g
    moved = shift(shift(g, 0.1, 0.7), 1e-3, 2.3)
    fresh = Group(tuple(shift(shift(c, 0.1, 0.7), 1e-3, 2.3) for c in _group().children), Meta("g"))
    assert bbox(moved) == bbox(fresh)
    assert moved == fresh  # equality compares fields only, not the remembered box


def test_group_box_of_an_empty_group_is_zero():
    assert bbox(shift(Group(()), 5.0, 5.0)) == (0, 0, 0, 0)


def test_path_commands_of_every_length_move_by_x_and_y():
    from renderer.scene import Path

    p = Path((("M", 1.0, 2.0), ("L", 3.0, 4.0), ("Q", 1.0, 1.0, 2.0, 2.0), ("C", 0.0, 0.0, 1.0, 1.0, 2.0, 2.0), ("Z",)))
    assert shift(p, 10.0, 100.0).cmds == (("M", 11.0, 102.0), ("L", 13.0, 104.0), ("Q", 11.0, 101.0, 12.0, 102.0),
                                          ("C", 10.0, 100.0, 11.0, 101.0, 12.0, 102.0), ("Z",))


def test_path_box_is_remembered_and_moves_exactly():
    from renderer.scene import Path

    cmds = (("M", 0.1, 0.7), ("C", 0.3, -0.2, 5.05, 1.0, 2.0, 2.2), ("L", -1.5, 3.3), ("Z",))
    p = Path(cmds)
    assert bbox(p) == (-1.5, -0.2, 5.05, 3.3)
    moved = shift(shift(p, 0.1, 0.2), 1e-3, 0.3)
    assert bbox(moved) == bbox(Path(moved.cmds))  # the carried box equals a fresh measurement

"""Size limits, safe component paths and guarded compute calls: each refusal is located and names its limit."""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path

import pytest

import renderer.bind.compute_calls as bind_mod
from compute import registry
from renderer.spec import models
from renderer.spec.errors import SpecError
from renderer.spec.limits import (
    LIMITS,
    MAX_CHART_POINTS,
    MAX_ELEMENTS,
    MAX_LIST_ITEMS,
    MAX_TENSOR_CELLS,
    MAX_TEXT_CHARS,
    check_call_args,
    check_limits,
    memory_limit,
)
from renderer.spec.paths import check_components, safe_component_path
from renderer.spec.yamlpos import Located, load_yaml


def doc_of(text: str, file: str = "s.yaml") -> Located:
    return load_yaml(file, text.encode("utf-8"))


def messages(doc: Located, data=None) -> list[str]:
    return [f"{p.line}:{p.col}: {p.message}" for p in check_limits(doc, data)]


# ---------------------------------------------------------------------------------------------- data limits


def test_every_limit_is_listed_with_its_value():
    for name in ("max_file_bytes", "max_depth", "max_yaml_nodes", "max_elements", "max_tensor_cells",
                 "max_chart_points", "max_text_chars", "max_list_items", "max_arg_items"):
        assert isinstance(LIMITS[name], int) and LIMITS[name] > 0


def test_a_spec_within_the_limits_has_no_problems():
    assert messages(doc_of("body:\n  row: [{box: a}, {text: b}, {tensor: {values: [[1, 2], [3, 4]]}}]\n")) == []


def test_element_count_is_limited_and_reported_at_the_body():
    items = ", ".join(["{box: x}"] * (MAX_ELEMENTS + 5))
    out = messages(doc_of(f"id: x\nbody:\n  column: [{items}]\n"))
    assert out == [f"3:3: too many elements: the diagram has more than {MAX_ELEMENTS} (limit max_elements = "
                   f"{MAX_ELEMENTS}; a component's elements count at every use)"]


def test_element_kinds_added_later_are_counted_too(monkeypatch):
    monkeypatch.setattr(models, "ELEMENT_KINDS", (*models.ELEMENT_KINDS, "widget"))
    items = ", ".join(["{widget: {size: 1}}"] * (MAX_ELEMENTS + 1))
    assert messages(doc_of(f"body:\n  row: [{items}]\n"))[0].startswith("2:3: too many elements")


def test_tensor_cells_are_limited_wherever_the_cells_are_given():
    side = int(MAX_TENSOR_CELLS ** 0.5) + 1
    matrix = [[0.0] * side for _ in range(side)]
    doc = doc_of("body:\n  column:\n    - box: a\n    - tensor: {values: x}\n")
    data = {**doc.data, "body": {"column": [{"box": "a"}, {"tensor": {"values": matrix, "roles": "x"}}]}}
    assert messages(doc, data) == [f"4:24: tensor values has more than {MAX_TENSOR_CELLS} cells (limit "
                                   f"max_tensor_cells = {MAX_TENSOR_CELLS}; give the cells shown and the real "
                                   "size in `shape`)"]


def test_chart_points_are_counted_over_all_series():
    doc = doc_of("body:\n  chart: {series: x}\n")
    n = MAX_LIST_ITEMS  # every list within its own limit, the chart over its total
    data = {"body": {"chart": {"series": [{"y": [float(i)] * n} for i in range(MAX_CHART_POINTS // n + 1)]}}}
    assert messages(doc, data) == [f"2:10: chart has more than {MAX_CHART_POINTS} data points "
                                   f"(limit max_chart_points = {MAX_CHART_POINTS})"]


def test_text_length_is_limited_with_more_room_for_code():
    long = "x" * (MAX_TEXT_CHARS + 1)
    assert messages(doc_of(f"title: {long}\nbody: {{code: {{code: {long}}}}}\n")) == [
        f"1:8: text is {MAX_TEXT_CHARS + 1} characters long (limit max_text_chars = {MAX_TEXT_CHARS})"]


def test_list_length_is_limited_anywhere():
    doc = doc_of("vars: {v: x}\n")
    data = {"vars": {"v": list(range(MAX_LIST_ITEMS + 1))}}
    assert messages(doc, data) == [f"1:11: list has {MAX_LIST_ITEMS + 1} items (limit max_list_items = "
                                   f"{MAX_LIST_ITEMS})"]


def test_invisible_characters_in_keys_and_ids_are_named():
    out = messages(doc_of('body:\n  box: {id: "a\\u200db", "te\\u200bxt": x}\n'))
    assert out == ['2:13: id "a\\u200db" contains U+200D ZERO WIDTH JOINER (expected ASCII letters, digits, '
                   '_ and -: retype it)',
                   '2:25: key "te\\u200bxt" contains U+200B ZERO WIDTH SPACE, an invisible or combining '
                   'character (expected a plain key: retype it)']


def test_visible_unicode_in_text_and_keys_is_fine():
    assert messages(doc_of("title: \"é ש 模 e\u0301\"\nvars: {词元: [a]}\nbody: {box: \"\u200fשלום\"}\n")) == []


# ------------------------------------------------------------------------------------------ compute calls


def test_ten_million_numbers_are_refused_before_the_call():
    args = {"logits": [0.5] * 10_000_000}
    t0 = time.monotonic()
    assert check_call_args(args) == ("logits", "argument 'logits' has more than 100000 values "
                                               "(limit max_arg_items = 100000)")
    nested = {"x": [[0.5] * 1000 for _ in range(1000)]}
    assert check_call_args(nested)[0] == "x"
    assert time.monotonic() - t0 < 1.0
    assert check_call_args({"s": ["a" * 60_000, "b" * 60_000]})[1].endswith("(limit max_arg_chars = 100000)")
    assert check_call_args({"logits": [1.0, 2.0], "p": 0.5}) is None


def test_a_compute_call_is_stopped_after_its_time_limit_even_if_it_swallows_the_first_alarm(monkeypatch):
    def stubborn(**_kw):
        try:
            while True:
                pass
        except BaseException:  # noqa: B036 - the point: a function that eats the first interrupt
            pass
        while True:
            pass

    monkeypatch.setattr(registry, "get", lambda name: stubborn)
    monkeypatch.setattr(bind_mod, "COMPUTE_SECONDS", 0.3)
    handler = signal.getsignal(signal.SIGALRM)
    t0 = time.monotonic()
    with pytest.raises(bind_mod.ComputeError, match=r"took longer than 0.3 s \(limit compute_seconds = 0.3\)"):
        bind_mod.call_cached("test.stubborn", {}, "src", use_cache=False)
    assert time.monotonic() - t0 < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left to go off later
    assert signal.getsignal(signal.SIGALRM) == handler
    time.sleep(0.6)


def test_a_compute_call_that_allocates_too_much_fails_alone(monkeypatch):
    def greedy(**_kw):
        return {"x": bytearray(8 * 1024**3)}

    monkeypatch.setattr(registry, "get", lambda name: greedy)
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(bind_mod.ComputeError, match="limit compute_memory_bytes"):
        bind_mod.call_cached("test.greedy", {}, "src", use_cache=False)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_memory_limit_is_restored_after_the_block():
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(MemoryError), memory_limit(64 * 1024**2):
        bytearray(1024**3)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


# ------------------------------------------------------------------------------------- component paths


@pytest.fixture
def comp_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "templates" / "components"
    root.mkdir(parents=True)
    (root / "good.yaml").write_text("body: {box: good}\n", encoding="utf-8")
    (tmp_path / "secret.yaml").write_text("body: {box: secret}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("name, message", [
    ("../../etc/passwd", "component '../../etc/passwd' leaves templates/components/ with '..'"),
    ("a/../../b", "component 'a/../../b' leaves templates/components/ with '..'"),
    ("..\\..\\secret", "component '..\\..\\secret' leaves templates/components/ with '..'"),
    ("/etc/passwd", "component '/etc/passwd' is an absolute path"),
    ("C:\\Windows\\win", "component 'C:\\Windows\\win' is an absolute path"),
    ("~/secret", "component '~/secret' is an absolute path"),
    ("sub/good", "component name 'sub/good' has the wrong form"),
    ("good.yaml", "component name 'good.yaml' has the wrong form"),
    ("", "component name '' has the wrong form"),
    ("a\x00b", "component name ''a\\x00b'' has the wrong form"),
    ("x" * 65, "has the wrong form (expected a kebab-case file name in templates/components/, no folders, "
               "at most 64 characters)"),
    (42, "component name must be a string"),
    ("missing", "unknown component 'missing' (expected one of: good)"),
])
def test_unsafe_or_unknown_component_names_are_refused(comp_root: Path, name, message):
    doc = doc_of("body:\n  use: {component: x}\n")
    with pytest.raises(SpecError) as e:
        safe_component_path(name, doc, ("body", "use", "component"), comp_root)
    p = e.value.problems[0]
    assert (p.file, p.line, p.col) == ("s.yaml", 2, 20)
    assert message in p.message


def test_symlinks_out_of_the_folder_are_refused_and_inside_allowed(comp_root: Path, tmp_path: Path):
    (comp_root / "out.yaml").symlink_to(tmp_path / "secret.yaml")
    (comp_root / "abs.yaml").symlink_to("/etc/passwd")
    (comp_root / "alias.yaml").symlink_to("good.yaml")
    (comp_root / "dangling.yaml").symlink_to(tmp_path / "nope.yaml")
    (comp_root / "loop.yaml").symlink_to(comp_root / "loop.yaml")
    for name in ("out", "abs"):
        with pytest.raises(SpecError, match=f"component '{name}' is a symlink pointing outside"):
            safe_component_path(name, root=comp_root)
    for name in ("dangling", "loop"):
        with pytest.raises(SpecError, match=f"unknown component '{name}'"):
            safe_component_path(name, root=comp_root)
    assert safe_component_path("alias", root=comp_root) == (comp_root / "good.yaml").resolve()


def test_a_symlinked_folder_out_of_the_tree_is_refused(comp_root: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.yaml").write_text("body: {box: x}\n", encoding="utf-8")
    os.symlink(elsewhere / "x.yaml", comp_root / "x.yaml")
    with pytest.raises(SpecError, match="symlink pointing outside"):
        safe_component_path("x", root=comp_root)


def test_only_regular_files_are_components(comp_root: Path):
    (comp_root / "dir.yaml").mkdir()
    os.mkfifo(comp_root / "fifo.yaml")  # reading it would block the build
    for name in ("dir", "fifo"):
        with pytest.raises(SpecError, match=f"component '{name}' is not a regular file"):
            safe_component_path(name, root=comp_root)


def test_component_cycles_are_located_where_the_loop_closes(comp_root: Path):
    (comp_root / "a.yaml").write_text("body:\n  row:\n    - use: {component: b}\n", encoding="utf-8")
    (comp_root / "b.yaml").write_text("body:\n  column:\n    - box: x\n    - use: {component: a}\n",
                                      encoding="utf-8")
    doc = doc_of("body:\n  use: {component: a}\n")
    with pytest.raises(SpecError) as e:
        check_components(doc, comp_root)
    p = e.value.problems[0]
    assert p.file.endswith("b.yaml") and (p.line, p.col) == (4, 24)
    assert p.message == "components used in a cycle: a → b → a (expected at most 8 levels, no cycles)"


def test_component_chains_deeper_than_the_limit_are_refused(comp_root: Path):
    for i in range(10):
        (comp_root / f"c{i}.yaml").write_text(f"body:\n  use: {{component: c{i + 1}}}\n", encoding="utf-8")
    (comp_root / "c10.yaml").write_text("body: {box: end}\n", encoding="utf-8")
    with pytest.raises(SpecError, match="components nested too deeply: c0 → c1 → .* → c8"):
        check_components(doc_of("body:\n  use: {component: c0}\n"), comp_root)


def test_component_fan_out_bombs_are_refused_before_expansion(comp_root: Path):
    for i in range(8):
        inner = "{box: leaf}" if i == 7 else f"{{use: {{component: f{i + 1}}}}}"
        (comp_root / f"f{i}.yaml").write_text("body:\n  row: [" + ", ".join([inner] * 10) + "]\n", encoding="utf-8")
    t0 = time.monotonic()
    with pytest.raises(SpecError) as e:
        check_components(doc_of("body:\n  use: {component: f0}\n"), comp_root)
    assert time.monotonic() - t0 < 2
    assert str(e.value) == ("s.yaml:2:20: error: component 'f0' expands to more than 50000 values "
                            "(limit max_yaml_nodes = 50000)")


def test_parameters_repeated_in_a_component_count_at_every_use(comp_root: Path):
    refs = ", ".join(['"{{ params.v }}"'] * 200)
    (comp_root / "rep.yaml").write_text(f"params: {{v: null}}\nbody:\n  row: [{refs}]\n", encoding="utf-8")
    big = "[" + ", ".join(["1"] * 400) + "]"
    with pytest.raises(SpecError, match="component 'rep' expands to more than 50000 values"):
        check_components(doc_of(f"body:\n  use: {{component: rep, args: {{v: {big}}}}}\n"), comp_root)
    check_components(doc_of("body:\n  use: {component: rep, args: {v: [1, 2]}}\n"), comp_root)


def test_a_poisoned_compute_cache_entry_is_recomputed_not_trusted(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path / "cache"))
    args = {"logits": [1.0, 2.0]}
    fresh = bind_mod.call_cached("sampling.softmax", args, "src")
    (entry,) = (tmp_path / "cache").rglob("*.json")
    for poison in ('{"probs": [NaN, Infinity]}', "[" * 100_000, "x" * (bind_mod.MAX_RESULT_BYTES + 1)):
        entry.write_text(poison, encoding="utf-8")
        assert bind_mod.call_cached("sampling.softmax", args, "src") == fresh


def test_components_nesting_past_the_depth_limit_are_refused_before_expansion(comp_root: Path):
    deep = "{column: [" * 30
    (comp_root / "d1.yaml").write_text(f"body: {deep}{{use: {{component: d2}}}}{']}' * 30}\n", encoding="utf-8")
    (comp_root / "d2.yaml").write_text(f"body: {deep}{{box: x}}{']}' * 30}\n", encoding="utf-8")
    with pytest.raises(SpecError) as e:
        check_components(doc_of("body:\n  column:\n    - use: {component: d1}\n"), comp_root)
    assert str(e.value) == ("s.yaml:3:24: error: component 'd1' nests too deeply once expanded: more than 64 "
                            "levels (limit max_depth = 64)")
    check_components(doc_of("body:\n  column:\n    - use: {component: d2}\n"), comp_root)  # 30 levels: fine

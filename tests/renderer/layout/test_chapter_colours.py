"""`chapter-role-meaning`: `vizspec check` over a chapter warns when one colour role's legend text differs
between its diagrams, reusing the scenes it lays out anyway."""

from __future__ import annotations

from renderer.app.check import check_spec
from renderer.app.check_legend import chapter_findings

BODY = ("body:\n  row:\n    - box: {text: a, role: model}\n    - box: {text: b, role: data}\n")


def spec(write_spec, name: str, chapter: str, model_text: str, extra: str = "") -> object:
    return write_spec(f"id: {name}\nchapter: {chapter}\ntitle: T\n{extra}{BODY}legend:\n"
                      f"  - {{role: model, text: {{en: {model_text}, zh: 模型}}}}\n"
                      f"  - {{role: data, text: {{en: prompt, zh: 提示}}}}\n", f"{name}.yaml")


def run(paths) -> list[tuple[str | None, str]]:
    meanings: dict = {}
    waived: list = []
    for p in paths:
        assert check_spec(p, waived=waived, meanings=meanings, only=("legend", "role-meaning")) == []
    return chapter_findings(meanings)


def test_a_role_explained_two_ways_in_one_chapter_is_one_warning_naming_both_diagrams(write_spec):
    got = run([spec(write_spec, "one", "ch", "policy"), spec(write_spec, "two", "ch", "reward model")])
    assert len(got) == 1
    src, message = got[0]
    assert "colour role 'model'" in message and "'policy' (one)" in message and "'reward model' (two)" in message
    assert src and src.split(":")[0].endswith("two.yaml") and src.endswith(":9:5")  # at its legend entry
    assert "data" not in message.split("means")[0]  # 'data' says 'prompt' in both: no finding


def test_the_same_words_or_another_chapter_are_not_reported(write_spec):
    assert run([spec(write_spec, "one", "ch", "policy"), spec(write_spec, "two", "ch", "policy")]) == []
    assert run([spec(write_spec, "one", "ch", "policy"), spec(write_spec, "two", "other", "reward model")]) == []


def test_a_diagram_that_waives_the_check_is_left_out_of_the_comparison(write_spec):
    waive = "waive: {chapter-role-meaning: 'here model is the reward model, drawn as in the paper'}\n"
    paths = [spec(write_spec, "one", "ch", "policy"), spec(write_spec, "two", "ch", "reward model", waive)]
    assert run(paths) == []


def test_check_counts_the_warnings_and_lists_them_when_asked(write_spec, capsys):
    from renderer.app.cli import main

    paths = [str(spec(write_spec, "one", "ch", "policy")), str(spec(write_spec, "two", "ch", "reward model"))]
    main(["check", *paths])  # (these tiny specs have layout defects of their own: the exit code says so)
    err = capsys.readouterr().err
    assert "warning:" not in err and "1 chapter colour warning(s) (--chapter-colours lists them)" in err
    main(["check", "--chapter-colours", *paths])
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "colour role 'model'" in err

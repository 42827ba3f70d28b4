"""`vizspec validate` rejects everything `render` would, plus ids that differ from their file name and
numbers typed by hand — each located at file:line:col, without writing anything, the other specs checked."""

from __future__ import annotations

import pytest

from renderer.app.cli import main

HEAD = "id: {id}\nchapter: sft\ntitle: {{en: T, zh: T}}\n"
DIST = "compute:\n  dist: {fn: sampling.softmax, args: {logits: [1.0, 2.0, 0.5, -1.0]}}\n"
FN = "compute:\n  d: {{fn: sampling.softmax, args: {{{args}}}}}\n"
ROW = "body:\n  row:\n    items:\n      - box: {id: a, text: a}\n      - box: {id: b, text: b}\n"
CHART = "body:\n  chart: {{kind: bar, x: {{categories: [a, b, c, d]}}, {rest}}}\n"

MISTAKES = {  # name: (spec text after the head, line, what the message says)
    "placeholder-typo": (DIST + "body: {box: '{{ dist.prob[0] }}'}\n", 6, "prob"),
    "filter-typo": (DIST + "body: {box: \"{{ dist.probs[0] | fmtt('.2f') }}\"}\n", 6, "fmtt"),
    "unknown-role": ("body: {box: {text: a, role: nosuch}}\n", 4, "unknown colour role 'nosuch'"),
    "axis-max-text": (DIST + CHART.format(rest="y: {max: high}, series: [{values: '{{ dist.probs }}'}]"), 7,
                      "high"),
    "five-values-four-categories": (CHART.format(rest="series: [{values: [1, 2, 3, 4, 5]}]"), 5,
                                    "5 values but the x axis has 4"),
    "bad-format": (DIST + "body: {box: \"{{ dist.probs[0] | fmt('.2q') }}\"}\n", 6, ".2q"),
    "hand-typed-number": (DIST + "body: {box: 'p = 0.34'}\n", 6, "the number 0.34"),
    # the other eight of the sixteen: mistakes validate already caught, kept caught
    "unknown-key": ("body: {box: {text: a, colour: model}}\n", 4, "unknown key 'colour' (expected one of: "),
    "unknown-element-kind": ("body: {bxo: a}\n", 4, "unknown key 'bxo' (expected one of: aside, bits, box, "),
    "unknown-function": (FN.format(args="logits: [1.0, 2.0]").replace("softmax", "softmx") + "body: {box: a}\n",
                         5, "unknown compute function 'sampling.softmx'"),
    "argument-type": (FN.format(args="logits: abc") + "body: {box: a}\n", 5,
                      "argument 'logits' of sampling.softmax: wrong type: text \"abc\" (expected list[float])"),
    "misspelt-argument": (FN.format(args="logit: [1.0, 2.0]") + "body: {box: a}\n", 5,
                          "has no argument 'logit' (did you mean 'logits'? expected: logits, temperature)"),
    "edge-to-unknown-element": (ROW + "edges:\n  - {from: a, to: c}\n", 10,
                                "edge to unknown element id 'c' (expected one of: a, b)"),
    "duplicate-element-id": (ROW.replace("{id: b,", "{id: a,"), 8, "duplicate element id 'a' (first defined at "),
    "yaml-syntax": ("body: {box: a\n", 5, "YAML syntax"),
}


def write(root, name: str, body: str, ident: str | None = None):
    p = root / "specs" / "sft" / f"{name}.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(HEAD.format(id=ident or name) + body, encoding="utf-8")
    return p


@pytest.mark.parametrize("name", MISTAKES)
def test_each_mistake_fails_validate_with_a_located_message(name, tmp_path, capsys):
    body, line, words = MISTAKES[name]
    bad = write(tmp_path, name, body)
    good = write(tmp_path, "fine", "body: {box: a}\n")
    assert main(["validate", str(bad), str(good)]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    located = [ln for ln in text.splitlines() if ln.startswith(f"{bad}:{line}:") or f"{name}.yaml:{line}:" in ln]
    assert located and any(words in ln for ln in located), text
    assert sum(": error: " in ln for ln in text.splitlines()) == 1, f"one mistake, one error:\n{text}"
    assert "Traceback" not in text
    assert "1 valid, 1 invalid" in text, "the good spec is still checked and counted"
    assert not (tmp_path / "build").exists(), "validate writes nothing"


def test_an_id_that_differs_from_the_file_name_is_reported_at_the_id(tmp_path, capsys):
    p = write(tmp_path, "my-diagram", "body: {box: a}\n", ident="another-name")
    assert main(["validate", str(p)]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "my-diagram.yaml:1:5: error: id 'another-name' differs from the file name 'my-diagram.yaml' " \
           "(expected id: my-diagram)" in text, text


def test_a_valid_spec_passes(tmp_path, capsys):
    p = write(tmp_path, "fine", DIST + "body: {box: \"{{ dist.probs[0] | fmt('.2f') }}\"}\n")
    assert main(["validate", str(p)]) == 0
    out = capsys.readouterr()
    assert "1 valid, 0 invalid" in out.out + out.err


def test_version_is_printed(capsys):
    from renderer import __version__

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"vizspec {__version__}"


@pytest.mark.parametrize("name", [*MISTAKES, "id-differs"])
def test_the_pre_commit_hook_blocks_each_mistake_without_an_activated_venv(name, tmp_path):
    import os
    import subprocess

    from renderer.project import ROOT

    if name == "id-differs":
        bad, line, words = write(tmp_path, name, "body: {box: a}\n", ident="another-name"), 1, "differs from"
    else:
        body, line, words = MISTAKES[name]
        bad = write(tmp_path, name, body)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"  # no venv on PATH: the hook finds the repository's own
    done = subprocess.run([str(ROOT / "scripts" / "vizspec-hook"), str(bad)], capture_output=True, text=True,
                          env=env, timeout=300)
    text = done.stdout + done.stderr
    assert done.returncode == 1, text
    assert any(f"{name}.yaml:{line}:" in ln and words in ln for ln in text.splitlines()), text
    assert "Traceback" not in text


@pytest.mark.parametrize("field, shown", [
    ("y: {max: \"{{ dist.probs[1] | fmt('.2f') }}\"}, series: [{values: '{{ dist.probs }}'}]", '"0.61"'),
    ("series: [{values: 'p {{ dist.probs }}'}]", '"p 0.2242, 0.6095, 0.136, 0.03034"'),
])
def test_text_where_data_is_expected_says_what_turned_it_into_text(field, shown, tmp_path, capsys):
    path = write(tmp_path, "text-for-data", DIST + CHART.format(rest=field))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"got text {shown} (a placeholder that gives data stands alone, with no other text and no fmt or " \
           "percent" in err
    assert err.count("error:") == 1


@pytest.mark.parametrize(("chapter", "folder", "words"), [
    ("rl-basic", "sft", "unknown chapter 'rl-basic' (did you mean 'rl-basics'? expected one of "),
    ("no-such-chapter", "sft", "unknown chapter 'no-such-chapter' (expected one of "),
    ("dpo", "sft", "chapter 'dpo' differs from the spec's folder specs/sft/ (expected chapter: sft)"),
])
def test_a_chapter_must_be_known_and_match_its_folder(chapter, folder, words, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("renderer.app.validate.SPECS_DIR", tmp_path / "specs")  # the collection's folder
    bad = tmp_path / "specs" / folder / "wrong-chapter.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text(f"id: wrong-chapter\nchapter: {chapter}\ntitle: T\nbody: {{box: a}}\n", encoding="utf-8")
    good = write(tmp_path, "fine", "body: {box: a}\n")
    assert main(["validate", str(bad), str(good)]) == 1
    err = capsys.readouterr()
    assert f"wrong-chapter.yaml:2:10: error: {words}" in err.err and "1 valid, 1 invalid" in err.out + err.err
    if "unknown" in words:
        assert "llm-basics, sft, dpo" in err.err and "templates/chapters.yaml" in err.err


def test_a_spec_outside_the_collection_may_use_any_chapter(tmp_path, capsys):
    scratch = tmp_path / "notes" / "scratch.yaml"
    scratch.parent.mkdir()
    scratch.write_text("id: scratch\nchapter: my-own\ntitle: T\nbody: {box: a}\n", encoding="utf-8")
    assert main(["validate", str(scratch)]) == 0


def test_render_names_a_failed_spec_and_the_output_folder_relative_to_the_working_directory(tmp_path, capsys,
                                                                                             monkeypatch):
    bad = write(tmp_path, "broken", MISTAKES["unknown-key"][0])
    monkeypatch.chdir(tmp_path)
    assert main(["render", str(bad.resolve()), "--format", "svg", "--out", str(tmp_path / "out"),
                 "--no-gallery"]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "specs/sft/broken.yaml:4:" in text and "→ out" in text, text
    assert str(tmp_path) not in text, f"an absolute path where a relative one reads better:\n{text}"

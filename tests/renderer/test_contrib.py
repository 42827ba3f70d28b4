"""Contributor tools: `vizspec new`, `render --changed`, `vizspec diff`, pre-commit hook, CI workflow, guide."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from renderer.app import build as build_mod
from renderer.app.build import output_path
from renderer.app.cli import build_parser, main
from renderer.app.gitdiff import changed_specs, diff, value_changes
from renderer.app.starters import KINDS, STARTERS_DIR, StarterError, new_spec
from renderer.project import ROOT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "build"


# ---------------------------------------------------------------------------------------------------------
# vizspec new


def test_there_is_a_starter_for_every_kind():
    assert sorted(p.stem for p in STARTERS_DIR.glob("*.yaml")) == sorted(KINDS)
    assert KINDS == ("flow", "chart", "tree", "tensor", "table", "timeline")


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_a_starter_that_validates_and_renders(kind, tmp_path):
    from renderer.app.build import render_spec
    from renderer.spec.loader import load

    path = new_spec(f"my-{kind}", kind, "drafts", tmp_path / "specs")
    assert path == tmp_path / "specs" / "drafts" / f"my-{kind}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/diagram.schema.json")
    spec = load(path)
    assert spec.diagram.id == f"my-{kind}" and spec.diagram.chapter == "drafts"
    assert kind == "flow" or kind in text.split("body:", 1)[1].split(":", 1)[0]  # the body is that kind
    res = render_spec(path, tmp_path / "out", ("svg",))
    assert res.status == "rendered", res.problems
    assert output_path(tmp_path / "out", "svg", "zh", f"my-{kind}").is_file()


def test_new_refuses_to_overwrite_or_reuse_an_id_or_take_a_bad_name(tmp_path):
    specs = tmp_path / "specs"
    path = new_spec("mine", "flow", "drafts", specs)
    path.write_text("edited")
    with pytest.raises(StarterError, match="already exists"):
        new_spec("mine", "chart", "drafts", specs)
    assert path.read_text() == "edited"
    with pytest.raises(StarterError, match="already used by"):
        new_spec("mine", "flow", "other", specs)
    with pytest.raises(StarterError, match="kebab-case"):
        new_spec("Bad_Id", "flow", "drafts", specs)
    with pytest.raises(StarterError, match="kebab-case"):
        new_spec("ok", "flow", "../escape", specs)
    with pytest.raises(StarterError, match="unknown kind"):
        new_spec("ok", "pie", "drafts", specs)


def test_cli_new_then_validate(tmp_path, capsys):
    specs = tmp_path / "specs"
    assert main(["new", "attention-demo", "--kind", "tensor", "--chapter", "attention", "--specs", str(specs)]) == 0
    target = specs / "attention" / "attention-demo.yaml"
    assert f"wrote {target}" in capsys.readouterr().err
    assert main(["validate", str(target)]) == 0
    assert main(["new", "attention-demo", "--kind", "tensor", "--chapter", "attention", "--specs", str(specs)]) == 1
    assert "already exists" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------
# A temporary git repository


def run_git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git repository with the fixture specs and the component they use, one commit."""
    for k, v in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
                 "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": "/dev/null"}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(build_mod, "environment_key", lambda: "pinned-env")
    r = tmp_path / "repo"
    shutil.copytree(FIXTURES, r / "specs")
    (r / "templates" / "components").mkdir(parents=True)
    shutil.copyfile(build_mod.COMPONENTS_DIR / "ppo-four-models.yaml",
                    r / "templates" / "components" / "ppo-four-models.yaml")
    (r / ".gitignore").write_text("build/\n")
    run_git(r, "init", "-q", "-b", "main")
    run_git(r, "add", "-A")
    run_git(r, "commit", "-q", "-m", "specs")
    return r


def names(paths) -> list[str]:
    return sorted(Path(p).stem for p in paths)


def test_nothing_changed_selects_nothing(repo):
    assert changed_specs("HEAD", cwd=repo).specs == []


def test_changed_selects_edited_and_untracked_specs_and_users_of_changed_components(repo):
    soft = repo / "specs" / "basics" / "fx-softmax.yaml"
    soft.write_text(soft.read_text().replace("Softmax of three logits", "Softmax (edited)"))
    shutil.copyfile(repo / "specs" / "extras" / "fx-plain.yaml", repo / "specs" / "extras" / "fx-new.yaml")
    assert names(changed_specs("HEAD", cwd=repo).specs) == ["fx-new", "fx-softmax"]
    comp = repo / "templates" / "components" / "ppo-four-models.yaml"
    comp.write_text(comp.read_text() + "\n# edited\n")
    sel = changed_specs("HEAD", cwd=repo)
    assert names(sel.specs) == ["fx-component", "fx-new", "fx-softmax"]
    assert sel.reasons[str((repo / "specs" / "extras" / "fx-component.yaml").resolve())].startswith("component")
    run_git(repo, "add", "-A")  # staged changes count too
    assert names(changed_specs("HEAD", cwd=repo).specs) == ["fx-component", "fx-new", "fx-softmax"]
    run_git(repo, "commit", "-q", "-m", "edit")
    assert changed_specs("HEAD", cwd=repo).specs == []
    assert names(changed_specs("HEAD~1", cwd=repo).specs) == ["fx-component", "fx-new", "fx-softmax"]


def test_changed_selects_callers_of_a_changed_compute_module(repo):
    (repo / "compute").mkdir()
    (repo / "compute" / "rl.py").write_text("# v1\n")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "compute")
    (repo / "compute" / "rl.py").write_text("# v2\n")
    assert names(changed_specs("HEAD", cwd=repo).specs) == ["fx-returns"]


def test_changed_since_a_branch_point_ignores_later_commits_on_the_base(repo):
    run_git(repo, "checkout", "-q", "-b", "feature")
    plain = repo / "specs" / "extras" / "fx-plain.yaml"
    plain.write_text(plain.read_text().replace("Plain boxes", "Plain boxes, edited"))
    run_git(repo, "commit", "-q", "-am", "feature edit")
    run_git(repo, "checkout", "-q", "main")
    soft = repo / "specs" / "basics" / "fx-softmax.yaml"
    soft.write_text(soft.read_text().replace("Softmax of three logits", "main moved on"))
    run_git(repo, "commit", "-q", "-am", "main edit")
    run_git(repo, "checkout", "-q", "feature")
    assert names(changed_specs("main", cwd=repo).specs) == ["fx-plain"]


def test_cli_render_changed_renders_only_changed_specs(repo, monkeypatch, capsys):
    monkeypatch.chdir(repo)
    out = repo / "build"
    assert main(["render", "--changed", "--out", str(out), "--format", "svg"]) == 0
    assert "no spec changed since HEAD" in capsys.readouterr().err
    soft = repo / "specs" / "basics" / "fx-softmax.yaml"
    soft.write_text(soft.read_text().replace("Softmax of three logits", "Softmax (edited)"))
    assert main(["render", "--changed", "--out", str(out), "--format", "svg", "--jobs", "1"]) == 0
    assert "1 rendered, 0 cached, 0 failed" in capsys.readouterr().err
    assert sorted(p.name for p in (out / "svg" / "en").iterdir()) == ["fx-softmax.svg"]
    assert main(["render", "--changed", "nonexistent-ref", "--out", str(out)]) == 2


# ---------------------------------------------------------------------------------------------------------
# vizspec diff


def test_value_changes_lists_changed_added_and_removed_values():
    before = {"p": {"fn": "f", "args": {"x": [1, 2]}, "result": {"probs": [0.5, 0.5], "k": 1}}}
    after = {"p": {"fn": "f", "args": {"x": [1, 3]}, "result": {"probs": [0.4, 0.6], "n": 2}}}
    rows = {r["path"]: (r["change"], r["before"], r["after"]) for r in value_changes(before, after)}
    assert rows == {"p(args).x[1]": ("changed", 2, 3), "p.probs[0]": ("changed", 0.5, 0.4),
                    "p.probs[1]": ("changed", 0.5, 0.6), "p.k": ("removed", 1, None), "p.n": ("added", None, 2)}
    assert value_changes(before, before) == []


def test_diff_writes_before_after_images_and_changed_values(repo, monkeypatch):
    monkeypatch.chdir(repo)
    soft = repo / "specs" / "basics" / "fx-softmax.yaml"
    soft.write_text(soft.read_text().replace("logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]"))
    shutil.copyfile(repo / "specs" / "extras" / "fx-plain.yaml", repo / "specs" / "extras" / "fx-new.yaml")
    (repo / "specs" / "extras" / "fx-new.yaml").write_text(
        (repo / "specs" / "extras" / "fx-plain.yaml").read_text().replace("id: fx-plain", "id: fx-new"))
    comp = repo / "templates" / "components" / "ppo-four-models.yaml"
    comp.write_text(comp.read_text().replace('"Reference model"', '"Frozen reference"'))
    out = repo / "build" / "diff"
    items = {it.id: it for it in diff("HEAD", out)}
    assert sorted(items) == ["fx-component", "fx-new", "fx-softmax"]

    soft_item = items["fx-softmax"]
    assert soft_item.status == "changed" and not soft_item.same_images
    paths = {r["path"]: r for r in soft_item.values}
    assert paths["p(args).logits[0]"]["before"] == 2.0 and paths["p(args).logits[0]"]["after"] == 3.0
    assert "p.probs[0]" in paths and paths["p.probs[0]"]["before"] < paths["p.probs[0]"]["after"]
    before_svg = (out / "fx-softmax" / "before.en.svg").read_text()
    after_svg = (out / "fx-softmax" / "after.en.svg").read_text()
    assert "2, 1, 0.1" in before_svg and "3, 1, 0.1" in after_svg
    for side in ("before", "after"):
        for lang in ("en", "zh"):
            assert (out / "fx-softmax" / f"{side}.{lang}.png").read_bytes()[:4] == b"\x89PNG"

    comp_item = items["fx-component"]  # the component as of HEAD is used for "before"
    assert comp_item.status == "changed" and comp_item.values == []
    assert "Reference model" in (out / "fx-component" / "before.en.svg").read_text()
    assert "Frozen reference" in (out / "fx-component" / "after.en.svg").read_text()

    assert items["fx-new"].status == "added" and not (out / "fx-new" / "before.en.svg").exists()
    html = (out / "index.html").read_text()
    for did in items:
        assert f'id="{did}"' in html
    assert 'src="fx-softmax/before.en.svg"' in html and "p.probs[0]" in html
    assert json.loads((out / "fx-softmax" / "changes.json").read_text())["status"] == "changed"


def test_diff_reports_a_spec_broken_by_the_change(repo, monkeypatch, capsys):
    monkeypatch.chdir(repo)
    plain = repo / "specs" / "extras" / "fx-plain.yaml"
    plain.write_text(plain.read_text().replace("role: module}", "role: nope}"))
    assert main(["diff", "--out", str(repo / "build" / "diff")]) == 1
    err = capsys.readouterr().err
    assert "failed" in err and "fx-plain" in err
    item = json.loads((repo / "build" / "diff" / "fx-plain" / "changes.json").read_text())
    assert item["before"]["ok"] and not item["after"]["ok"] and "nope" in item["after"]["problems"][0]


# ---------------------------------------------------------------------------------------------------------
# pre-commit hook, CI workflow, contributor guide


def test_pre_commit_hook_validates_changed_specs():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "vizspec-validate"]
    assert hook["entry"] == "scripts/vizspec-hook"  # validate, then check, with the repository's .venv
    script = (ROOT / "scripts" / "vizspec-hook").read_text()
    assert "renderer.app.cli validate" in script and "renderer.app.cli check" in script
    assert re.search(hook["files"], "specs/rlhf/ppo-kl.yaml") and not re.search(hook["files"], "renderer/cli.py")
    assert hook.get("pass_filenames", True) is True


def test_ci_workflow_validates_renders_changed_on_prs_everything_on_main_and_uploads_build():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "render.yml").read_text())
    triggers = wf.get("on", wf.get(True))
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "vizspec validate" in runs
    assert re.search(r"vizspec render --changed", runs) and re.search(r"vizspec render all", runs)
    pr = [s for s in steps if "render --changed" in s.get("run", "")][0]
    full = [s for s in steps if "render all" in s.get("run", "")][0]
    assert "pull_request" in pr["if"] and "pull_request" in full["if"]
    prime = [i for i, s in enumerate(steps) if "vizspec diff --prime" in s.get("run", "")]  # main keeps its base
    assert prime and "!= 'pull_request'" in steps[prime[0]]["if"] and prime[0] > steps.index(full)  # after build/
    upload = [s for s in steps if "upload-artifact" in s.get("uses", "")]
    assert upload and upload[0]["with"]["path"] == "build/"
    checkout = [s for s in steps if "checkout" in s.get("uses", "")][0]
    assert checkout["with"]["fetch-depth"] == 0  # --changed needs the base branch's history


def test_contributing_walks_through_adding_a_diagram_with_real_commands():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    order = ["vizspec new", "vizspec validate", "vizspec render", "vizspec watch", "vizspec explain", "make test"]
    positions = [text.find(s) for s in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions, strict=True))
    assert positions == sorted(positions), "the guide goes new → validate → render → look → explain → test"
    commands = set(build_parser()._subparsers._group_actions[0].choices)
    for used in set(re.findall(r"vizspec ([a-z]+)", text)):
        assert used in commands, f"CONTRIBUTING.md mentions `vizspec {used}`, which does not exist"


def test_pixel_diff_counts_changed_pixels_and_draws_them_red(tmp_path):
    from PIL import Image

    from renderer.app.diff_report import CHANGED_RGB, pixel_diff

    before = Image.new("RGB", (20, 10), "white")
    after = before.copy()
    for x in range(4, 7):
        for y in range(2, 4):
            after.putpixel((x, y), (0, 0, 0))
    after.putpixel((15, 8), (252, 252, 252))  # within the antialiasing tolerance: not a change
    before.save(tmp_path / "b.png")
    after.save(tmp_path / "a.png")
    d = pixel_diff(tmp_path / "b.png", tmp_path / "a.png", tmp_path / "o.png")
    assert (d.changed, d.total, d.bbox, d.size_changed) == (6, 200, (4, 2, 7, 4), False)
    over = Image.open(tmp_path / "o.png").convert("RGB")
    assert over.getpixel((5, 3)) == CHANGED_RGB and over.getpixel((0, 0)) == (255, 255, 255)
    same = pixel_diff(tmp_path / "a.png", tmp_path / "a.png", tmp_path / "same.png")
    assert same.changed == 0 and same.bbox is None and not (tmp_path / "same.png").exists()  # no overlay to show
    Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(tmp_path / "clear.png")  # transparent: white, as before
    assert pixel_diff(tmp_path / "b.png", tmp_path / "clear.png").changed == 0
    Image.new("RGB", (20, 12), "white").save(tmp_path / "taller.png")  # two white rows more: padded white
    grown = pixel_diff(tmp_path / "b.png", tmp_path / "taller.png")
    assert grown.size_changed and grown.changed == 0 and grown.total == 240


def test_pixel_diff_matches_the_channel_by_channel_definition_on_every_byte_value(tmp_path):
    """Words compared and faded at once must give what the definition gives per channel: changed where some
    colour channel differs by more than TOLERANCE, the rest faded to int(255 − FADE·(255 − v))."""
    import numpy as np
    from PIL import Image

    from renderer.app.diff_report import CHANGED_RGB, FADE, TOLERANCE, pixel_diff
    from renderer.backends.png import encode_png

    rng = np.random.default_rng(7)
    h, w = 64, 256
    before = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    before[0, :, :3] = np.arange(256, dtype=np.uint8)[:, None]  # every value of every channel
    step = rng.choice([0, 0, 0, 1, TOLERANCE, TOLERANCE + 1, 100, 128, 200, 255], (h, w, 3))
    after = before.copy()
    after[..., :3] = (before[..., :3].astype(int) + step * rng.choice([-1, 1], (h, w, 3))).clip(0, 255)
    before[..., 3] = after[..., 3] = 255
    (tmp_path / "b.png").write_bytes(encode_png(before, w, h))
    (tmp_path / "a.png").write_bytes(encode_png(after, w, h))
    d = pixel_diff(tmp_path / "b.png", tmp_path / "a.png", tmp_path / "o.png")

    rgb_a, rgb_b = after[..., :3].astype(int), before[..., :3].astype(int)
    mask = (np.abs(rgb_a - rgb_b) > TOLERANCE).any(axis=2)
    assert 0 < mask.sum() < h * w and d.changed == int(mask.sum())
    ys, xs = np.nonzero(mask)
    assert d.bbox == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    expect = np.vectorize(lambda v: int(255 - FADE * (255 - v)))(rgb_a)
    expect[mask] = CHANGED_RGB
    assert (np.asarray(Image.open(tmp_path / "o.png").convert("RGB")) == expect).all()


def test_diff_lists_changed_first_with_overlays_folds_unchanged_and_writes_a_summary(repo, monkeypatch):
    monkeypatch.chdir(repo)
    soft = repo / "specs" / "basics" / "fx-softmax.yaml"
    soft.write_text(soft.read_text().replace("logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]"))
    plain = repo / "specs" / "extras" / "fx-plain.yaml"
    plain.write_text(plain.read_text() + "# a comment: the file changed, the picture did not\n")
    out = repo / "build" / "diff"
    items = diff("HEAD", out, workers=2)
    assert [(it.id, it.status) for it in items] == [("fx-softmax", "changed"), ("fx-plain", "unchanged")]
    soft_item = items[0]
    for lang in ("en", "zh"):
        px = soft_item.pixels[lang]
        assert 0 < px["changed"] < px["total"]
        assert (out / "fx-softmax" / f"overlay.{lang}.png").read_bytes()[:4] == b"\x89PNG"
    assert items[1].pixels["en"]["changed"] == 0 and not (out / "fx-plain" / "overlay.en.png").exists()
    html = (out / "index.html").read_text()
    assert html.index('id="fx-softmax"') < html.index('<details class="unchanged">') < html.index('id="fx-plain"')
    assert 'src="fx-softmax/overlay.en.png"' in html and 'src="fx-plain/' not in html
    md = (out / "summary.md").read_text()
    assert "1 of 2 diagram(s) changed" in md and "| `fx-softmax` | changed |" in md
    assert "`p(args).logits[0]` | 2.0 | 3.0 |" in md and "1 unchanged" in md and "`fx-plain`" in md
    assert json.loads((out / "diff.json").read_text())["diagrams"][0]["pixels"]["en"]["changed"] > 0
    # the comparison's PNGs are drawn at DIFF_SCALE (1×: a quarter of the build's 2× pixels), on both sides
    from PIL import Image

    from renderer.app.gitdiff import DIFF_SCALE

    for side in ("before", "after"):
        svg = (out / "fx-softmax" / f"{side}.en.svg").read_text()
        width = float(re.search(r'<svg\b[^>]*?\bwidth="([\d.]+)"', svg).group(1))
        assert abs(Image.open(out / "fx-softmax" / f"{side}.en.png").width - width * DIFF_SCALE) <= 1


def test_a_renderer_change_is_drawn_with_the_base_renderer_before(repo):
    from renderer.app.gitdiff import _base_renderer_usable, _overlay_from_git, changed_specs

    (repo / "renderer" / "app").mkdir(parents=True)
    mod = repo / "renderer" / "app" / "gitdiff.py"
    mod.write_text("def snapshot_main(argv=None):\n    return 0\n")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "renderer")
    mod.write_text("def snapshot_main(argv=None):\n    return 1  # changed\n")
    sel = changed_specs("HEAD", cwd=repo)
    assert sel.renderer_changed and len(sel.specs) == 4  # every diagram, "theme or renderer changed"
    assert _base_renderer_usable(repo, sel.base)
    tree = repo.parent / "tree"
    (tree / "renderer" / "app").mkdir(parents=True)
    (tree / "renderer" / "app" / "gitdiff.py").write_text("today's")
    _overlay_from_git(tree, repo, sel.base, ("renderer",))
    assert (tree / "renderer" / "app" / "gitdiff.py").read_text().endswith("return 0\n")


def test_ci_posts_the_diff_summary_on_pull_requests():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "render.yml").read_text())
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    post = [s for s in steps if "summary.md" in s.get("run", "")]
    assert post and "pull_request" in post[0]["if"] and "gh pr comment" in post[0]["run"]
    assert "GITHUB_STEP_SUMMARY" in post[0]["run"] and wf["permissions"]["pull-requests"] == "write"


def test_a_repeated_diff_takes_unchanged_snapshots_from_the_cache(repo, monkeypatch):
    from renderer.app import gitdiff

    monkeypatch.chdir(repo)
    soft = repo / "specs" / "basics" / "fx-softmax.yaml"
    soft.write_text(soft.read_text().replace("logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]"))
    first = {it.id: it for it in diff("HEAD", repo / "build" / "diff")}
    cached = sorted((gitdiff._cache_dir() / "diff").glob("*/*/snapshot.json"))
    assert len(cached) == 2  # before and after of fx-softmax
    for snap in cached:  # mark the cached copies: a second diff must show these, not new renders
        info = json.loads(snap.read_text())
        info["meta"]["title"]["en"] = "from the cache"
        snap.write_text(json.dumps(info))
    again = {it.id: it for it in diff("HEAD", repo / "build" / "diff")}
    assert again["fx-softmax"].after["title"]["en"] == "from the cache"
    assert again["fx-softmax"].values == first["fx-softmax"].values and again["fx-softmax"].status == "changed"
    soft.write_text(soft.read_text().replace("logits: [3.0, 1.0, 0.1]", "logits: [4.0, 1.0, 0.1]"))
    third = {it.id: it for it in diff("HEAD", repo / "build" / "diff")}
    assert third["fx-softmax"].before["title"]["en"] == "from the cache"  # the base side: same spec, same tree
    assert third["fx-softmax"].after["title"]["en"] == "Softmax of three logits"  # a new spec: rendered


def test_a_snapshot_tree_key_depends_on_that_tree_not_on_todays_renderer(tmp_path, monkeypatch):
    from renderer.app.gitdiff import source_tree_key

    tree = tmp_path / "tree"
    (tree / "renderer").mkdir(parents=True)
    (tree / "renderer" / "a.py").write_text("x = 1\n")
    k = source_tree_key(tree)
    monkeypatch.setattr(build_mod, "environment_key", lambda: "today's renderer changed")
    monkeypatch.setattr(build_mod, "tree_hash", lambda *a, **k: "today's renderer changed", raising=False)
    assert source_tree_key(tree) == k  # the base side's snapshots are found again while the change under review moves
    (tree / "renderer" / "a.py").write_text("x = 2\n")
    assert source_tree_key(tree) != k

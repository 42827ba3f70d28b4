"""`vizspec diff` draws only what the comparison needs: PNGs where the SVGs differ, comparisons cached, servers
that die fail only their diagrams (renderer/app/diff_run.py, diff_snap.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from renderer.app import build as build_mod
from renderer.app import diff_run
from renderer.app.gitdiff import DIFF_SCALE, diff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "build"


def run_git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git repository with the fixture specs and the component they use, one commit (as test_contrib's)."""
    for k, v in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
                 "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": "/dev/null"}.items():
        monkeypatch.setenv(k, v)
    r = tmp_path / "repo"
    shutil.copytree(FIXTURES, r / "specs")
    (r / "templates" / "components").mkdir(parents=True)
    shutil.copyfile(build_mod.COMPONENTS_DIR / "ppo-four-models.yaml",
                    r / "templates" / "components" / "ppo-four-models.yaml")
    (r / ".gitignore").write_text("build/\n")
    run_git(r, "init", "-q", "-b", "main")
    run_git(r, "add", "-A")
    run_git(r, "commit", "-q", "-m", "specs")
    monkeypatch.chdir(r)
    return r


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_the_same_svg_bytes_need_no_png_and_count_as_unchanged(repo):
    plain = repo / "specs" / "extras" / "fx-plain.yaml"
    plain.write_text(plain.read_text() + "# the file changed, the picture did not\n")
    edit(repo / "specs" / "basics" / "fx-softmax.yaml", "logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]")
    out = repo / "build" / "diff"
    items = {it.id: it for it in diff("HEAD", out)}
    same = items["fx-plain"]
    assert same.status == "unchanged" and same.same_images
    assert sorted(p.name for p in (out / "fx-plain").iterdir()) == [
        "after.en.svg", "after.zh.svg", "before.en.svg", "before.zh.svg", "changes.json"]  # no PNG, no overlay
    from renderer.backends.png import svg_size

    for lang in ("en", "zh"):
        w, h = svg_size((out / "fx-plain" / f"after.{lang}.svg").read_text(), DIFF_SCALE)
        assert same.pixels[lang] == {"changed": 0, "total": w * h, "bbox": None, "size_changed": False}
        assert same.after["files"][lang] == {"svg": f"fx-plain/after.{lang}.svg"}
    moved = items["fx-softmax"]  # a changed picture still gets both PNGs and an overlay per language
    assert moved.status == "changed"
    for lang in ("en", "zh"):
        assert set(moved.after["files"][lang]) == {"svg", "png", "overlay"}
        assert set(moved.before["files"][lang]) == {"svg", "png"}
        assert 0 < moved.pixels[lang]["changed"] < moved.pixels[lang]["total"]


def test_a_change_in_one_language_only_is_a_change(repo):
    # en draws the same bytes; zh moved: the diagram changed (the en PNG is not drawn, the zh pixels are counted)
    edit(repo / "specs" / "extras" / "fx-plain.yaml", 'zh: "右"', 'zh: "右边的方框"')
    out = repo / "build" / "diff"
    (item,) = diff("HEAD", out)
    assert item.status == "changed" and not item.same_images and item.values == []
    assert item.pixels["en"]["changed"] == 0 and "png" not in item.after["files"]["en"]
    assert item.pixels["zh"]["changed"] > 0 and (out / "fx-plain" / "overlay.zh.png").is_file()
    md = (out / "summary.md").read_text()
    assert "1 of 1 diagram(s) changed" in md and "| `fx-plain` | changed | 0 (0 %) / " in md


def test_pixel_comparisons_come_from_the_cache_on_a_rerun(repo):
    from renderer import trust

    edit(repo / "specs" / "basics" / "fx-softmax.yaml", "logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]")
    out = repo / "build" / "diff"
    first = {it.id: it for it in diff("HEAD", out)}
    cached = sorted((trust.cache_dir() / "diff-compare").glob("*/*/pixels.json"))
    assert len(cached) == 2  # en and zh of fx-softmax
    for p in cached:  # mark them: the rerun must report these, not count again
        px = json.loads(p.read_text())
        p.write_text(json.dumps({**px, "changed": px["changed"] + 1}))
    again = {it.id: it for it in diff("HEAD", out)}
    for lang in ("en", "zh"):
        assert again["fx-softmax"].pixels[lang]["changed"] == first["fx-softmax"].pixels[lang]["changed"] + 1
    snaps = sorted((trust.cache_dir() / "diff").glob("*/*/snapshot.json"))
    assert len(snaps) == 2 and all(  # the PNGs drawn for the comparison were kept with their snapshots
        {"svg", "png"} <= set(json.loads(s.read_text())["outputs"]["en"]) for s in snaps)


def test_a_server_that_dies_fails_its_diagrams_and_the_diff_goes_on(repo, monkeypatch):
    monkeypatch.setattr(diff_run, "SERVER", "import sys; sys.exit(3)")
    edit(repo / "specs" / "extras" / "fx-plain.yaml", 'en: "right"', 'en: "far right"')
    out = repo / "build" / "diff"
    (item,) = diff("HEAD", out, workers=2)
    assert item.status == "failed"
    assert any(diff_run.DIED in p for p in item.before["problems"] + item.after["problems"])
    assert "| `fx-plain` | failed |" in (out / "summary.md").read_text()


def test_each_side_keeps_at_most_jobs_servers_and_hands_jobs_to_the_free_one(repo, monkeypatch):
    started = []
    real = diff_run.Side._start

    def counting(self):
        started.append(self.tree)
        real(self)

    monkeypatch.setattr(diff_run.Side, "_start", counting)
    for f in (repo / "specs").rglob("*.yaml"):
        f.write_text(f.read_text() + "# touched\n")
    items = diff("HEAD", repo / "build" / "diff", workers=2)
    assert len(items) == 4 and all(it.status == "unchanged" for it in items)
    assert len(started) <= 4 and len(set(started)) == 2  # two per side, however many specs


def test_decode_png_reads_what_encode_png_writes_and_declines_other_pngs(tmp_path):
    import io

    import numpy as np
    from PIL import Image

    from renderer.backends.png import decode_png, encode_png

    rng = np.random.default_rng(0)
    for channels in (3, 4):
        px = rng.integers(0, 256, (7, 5, channels), dtype=np.uint8)
        data = encode_png(px, 5, 7)
        assert np.array_equal(decode_png(data), px)
        assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), px)  # a PNG any reader reads alike
    buf = io.BytesIO()
    Image.fromarray(px[..., :3]).save(buf, "PNG")  # Pillow filters its rows: not ours, read by Pillow
    assert decode_png(buf.getvalue()) is None
    assert decode_png(b"not a png") is None


LEGACY = '''"""A ref's renderer from before the snapshot servers: snapshot_main draws SVG and PNG of every spec."""
import json
import sys
from pathlib import Path


def snapshot_main(argv=None):
    from renderer.app.diff_snap import snapshot_svg
    from renderer.backends.png import svg_to_png
    from renderer.backends.svg import without_fonts

    for spec, dest in json.loads((argv or sys.argv[1:])[0]):
        info = snapshot_svg(Path(spec), Path(dest))
        for lang, outs in info["outputs"].items():
            raster = without_fonts((Path(dest) / f"{lang}.svg").read_bytes())
            (Path(dest) / f"{lang}.png").write_bytes(svg_to_png(raster, 1.0))
            outs["png"] = f"{lang}.png"
        (Path(dest) / "snapshot.json").write_text(json.dumps({**info, "legacy": True}))
    return 0
'''


def test_a_ref_whose_renderer_has_no_servers_draws_its_side_the_old_way(repo):
    from renderer.app.gitdiff import _base_renderer_serves, changed_specs

    mod = repo / "renderer" / "app" / "gitdiff.py"  # merged over today's renderer in the before tree
    mod.parent.mkdir(parents=True)
    mod.write_text(LEGACY)
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "an old renderer")
    mod.write_text(LEGACY + "# changed\n")  # a renderer change: every diagram, the ref's renderer before
    edit(repo / "specs" / "basics" / "fx-softmax.yaml", "logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]")
    sel = changed_specs("HEAD", cwd=repo)
    assert sel.renderer_changed and not _base_renderer_serves(repo, sel.base)
    out = repo / "build" / "diff"
    items = {it.id: it for it in diff("HEAD", out)}
    assert len(items) == 4
    assert {i: it.status for i, it in items.items() if it.status != "unchanged"} == {"fx-softmax": "changed"}
    for it in items.values():  # the old way drew every PNG before; today's side only where the SVGs differ
        assert all("png" in f for f in it.before["files"].values())
        assert ("png" in it.after["files"]["en"]) == (it.id == "fx-softmax")
    assert items["fx-softmax"].pixels["en"]["changed"] > 0
    assert json.loads((out / "fx-softmax" / "changes.json").read_text())["status"] == "changed"


def test_the_after_side_takes_the_svgs_a_current_build_drew(tmp_path, monkeypatch):
    from renderer.app import diff_snap
    from renderer.app.build import build
    from renderer.app.gitdiff import _built_svgs

    spec = tmp_path / "specs" / "fx-plain.yaml"
    spec.parent.mkdir()
    shutil.copyfile(FIXTURES / "extras" / "fx-plain.yaml", spec)
    out = tmp_path / "build"
    build([spec], out, ("svg",), gallery=False)
    built = _built_svgs([spec], out)
    assert built == {str(spec): {lang: str(out / "svg" / lang / "fx-plain.svg") for lang in ("en", "zh")}}
    drawn, taken = tmp_path / "drawn", tmp_path / "taken"
    diff_snap.snapshot_svg(spec, drawn)
    for p in built[str(spec)].values():  # marked: the snapshot must hold the build's file, not a new drawing
        Path(p).write_bytes(Path(p).read_bytes().replace(b"</svg>", b"<!-- built --></svg>"))
    diff_snap.snapshot_svg(spec, taken, {lang: Path(p) for lang, p in built[str(spec)].items()})
    assert (taken / "en.svg").read_bytes().endswith(b"<!-- built --></svg>\n")
    assert (taken / "values.json").read_bytes() == (drawn / "values.json").read_bytes()
    def no_layout(*_a, **_k):
        raise AssertionError("a PNG of a snapshot laid the diagram out again")

    monkeypatch.setattr("renderer.layout.layout", no_layout)
    for snap in (drawn, taken):  # the PNGs: rasterised from the SVGs there, no second layout
        diff_snap.png({"dest": str(snap), "langs": ["en", "zh"]}, "")
    for lang in ("en", "zh"):
        png = (taken / f"{lang}.png").read_bytes()
        assert png[:4] == b"\x89PNG" and png == (drawn / f"{lang}.png").read_bytes()
    assert _built_svgs([spec], tmp_path / "nothing-built") == {}
    spec.write_text(spec.read_text().replace('"left"', '"far left"'))  # changed since the build: drawn
    assert _built_svgs([spec], out) == {}


def test_a_rerun_takes_everything_from_the_cache_without_starting_a_server(repo, monkeypatch):
    edit(repo / "specs" / "basics" / "fx-softmax.yaml", "logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]")
    plain = repo / "specs" / "extras" / "fx-plain.yaml"
    plain.write_text(plain.read_text() + "# touched\n")
    out = repo / "build" / "diff"
    first = [(it.id, it.status, it.pixels, it.values) for it in diff("HEAD", out)]
    summary = (out / "summary.md").read_text()
    started = []
    monkeypatch.setattr(diff_run.Side, "_start", lambda self: started.append(self.tree))
    again = [(it.id, it.status, it.pixels, it.values) for it in diff("HEAD", out)]
    assert started == [] and again == first and (out / "summary.md").read_text() == summary
    assert (out / "fx-softmax" / "overlay.en.png").is_file() and (out / "fx-softmax" / "before.zh.png").is_file()


def test_a_primed_commit_gives_later_diffs_their_base_side_from_the_cache(repo, monkeypatch, tmp_path):
    from renderer.app.diff_prime import prime

    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path / "primed-cache"))
    first = prime()
    assert (first.specs, first.drawn, first.cached, first.failed) == (4, 4, 0, [])
    again = prime()
    assert (again.drawn, again.cached) == (0, 4)
    edit(repo / "specs" / "basics" / "fx-softmax.yaml", "logits: [2.0, 1.0, 0.1]", "logits: [3.0, 1.0, 0.1]")
    jobs, submit = [], diff_run.Side.submit

    def noted(self, job, *args, **kwargs):
        jobs.append((self.tree.name, job["op"]))
        return submit(self, job, *args, **kwargs)

    monkeypatch.setattr(diff_run.Side, "submit", noted)
    items = {it.id: it for it in diff("HEAD", repo / "build" / "diff")}
    assert {i: it.status for i, it in items.items()} == {"fx-softmax": "changed"}
    assert items["fx-softmax"].pixels["en"]["changed"] > 0
    assert ("after", "snap") in jobs and ("before", "snap") not in jobs  # the base side: what prime kept
    assert ("before", "png") in jobs  # (prime keeps SVGs; a PNG is drawn where the two sides differ)


def test_trimming_the_diff_cache_removes_the_least_recently_used_entries_first(repo, monkeypatch, tmp_path):
    import os

    from renderer.app import diff_snap
    from renderer.app.diff_prime import prime, trim_cache

    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path / "trim-cache"))
    prime()
    entries = sorted((tmp_path / "trim-cache" / "diff").glob("??/*"))
    assert len(entries) == 4
    for age, entry in enumerate(entries):  # the first the oldest
        for p in [entry, *entry.rglob("*")]:
            os.utime(p, (1e9 + age * 1000, 1e9 + age * 1000))
    assert diff_snap.cache_get(entries[0].name, tmp_path / "taken")  # used now: the newest
    size = {e: sum(p.stat().st_size for p in e.rglob("*") if p.is_file()) for e in entries}
    assert trim_cache(sum(size.values()) / 1e6) == 0  # within the limit: nothing goes
    limit = (sum(size.values()) - size[entries[1]] - size[entries[2]] + 1) / 1e6
    assert trim_cache(limit) == 2
    assert [e.exists() for e in entries] == [True, False, False, True]


def test_diff_prime_from_the_command_line_says_what_it_kept_and_takes_no_ref(repo, capsys):
    from renderer.app.cli import main

    assert main(["diff", "--prime"]) == 0
    out = capsys.readouterr()
    assert "4 spec(s): 4 snapshot(s) drawn, 0 already in the cache, 0 failed" in out.out + out.err
    assert main(["diff", "--prime"]) == 0
    out = capsys.readouterr()
    assert "0 snapshot(s) drawn, 4 already in the cache" in out.out + out.err
    assert main(["diff", "main", "--prime"]) == 2
    assert "diff --prime takes no ref (got 'main')" in capsys.readouterr().err

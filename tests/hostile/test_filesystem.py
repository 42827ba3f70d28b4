"""Hostile file-system layouts: the trust boundary of docs/architecture.md, case by case.

A spec pull request controls every file of the checkout, symlinks and FIFOs included, and anything
committed under build/ or a cache. Each case builds its layout in tmp_path and asserts: a located
error (or a correct render), no traceback, nothing outside `--out` touched (a sentinel folder is
snapshotted before and after), and the other specs of the same build rendered. CLI cases run the real
command in a subprocess with a timeout guard (a FIFO or /dev/zero must never hang it).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from renderer.app import build as build_mod
from renderer.project import ROOT

TIMEOUT = 300  # a guard against hangs, far above the normal run time
SECRET_TEXT = "TOPSECRET-7f3a"


def spec_text(did: str, text: str = "fine") -> str:
    return (f"id: {did}\nchapter: basics\ntitle: {{en: \"T {did}\", zh: \"T {did}\"}}\n"
            f"body:\n  column:\n    - box: {{id: a, text: \"{text}\"}}\n")


RETURNS_SPEC = """id: six
chapter: basics
title: {en: "Six", zh: "Six"}
compute:
  g: {fn: rl.discounted_returns, args: {rewards: [1, 2, 3], gamma: 1.0}}
body:
  column:
    - box: {id: a, text: "G = {{ g.returns[0] | fmt('g') }}"}
"""


def vizspec(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the CLI in a subprocess (the environment carries this test's cache and secret folders)."""
    return subprocess.run([sys.executable, "-m", "renderer.app.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry below `folder` with its kind, size, mtime and (for links) target: to compare later."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            out[str(p.relative_to(folder))] = (st.st_mode, st.st_size, st.st_mtime_ns,
                                               os.readlink(p) if p.is_symlink() else None)
    return out


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A sentinel folder outside the project and outside every --out: it must never change."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.yaml").write_text(spec_text("leaked", SECRET_TEXT), encoding="utf-8")
    (d / "victim.txt").write_text("do not touch\n", encoding="utf-8")
    (d / "sub").mkdir()
    (d / "sub" / "inner.yaml").write_text(spec_text("inner", SECRET_TEXT), encoding="utf-8")
    return d


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    """A specs folder with one good spec."""
    d = tmp_path / "specs"
    d.mkdir()
    (d / "good.yaml").write_text(spec_text("good"), encoding="utf-8")
    return d


def assert_clean(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


def all_output_text(out: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------------------
# Reading: symlinks out, FIFOs, devices, huge files


def test_a_symlinked_spec_out_of_the_folder_is_a_located_error_and_the_others_render(specs, outside, tmp_path):
    (specs / "leak.yaml").symlink_to(outside / "secret.yaml")
    (specs / "zero.yaml").symlink_to("/dev/zero")
    before = snapshot(outside)
    out = tmp_path / "out"
    p = vizspec("render", str(specs), "--out", str(out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 1
    assert f"{specs / 'leak.yaml'}:1:1: error: " in p.stderr
    assert "is a symbolic link to a file outside the project" in p.stderr
    assert f"{specs / 'zero.yaml'}:1:1: error: " in p.stderr
    assert (out / "svg" / "en" / "good.svg").is_file()
    assert SECRET_TEXT not in all_output_text(out)
    assert snapshot(outside) == before


def test_a_symlinked_subfolder_out_is_located_and_links_to_root_or_loops_do_not_hang(specs, outside, tmp_path):
    (specs / "chapter").symlink_to(outside / "sub", target_is_directory=True)
    (specs / "root").symlink_to("/", target_is_directory=True)
    (specs / "loop").symlink_to(".", target_is_directory=True)
    before = snapshot(outside)
    found = build_mod.find_specs(specs)
    assert found == sorted([specs / "chapter", specs / "good.yaml", specs / "root"])  # loop: visited once
    out = tmp_path / "out"
    p = vizspec("render", str(specs), "--out", str(out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 1
    assert f"{specs / 'chapter'}:1:1: error: " in p.stderr and "symbolic link to a folder outside" in p.stderr
    assert f"{specs / 'root'}:1:1: error: " in p.stderr
    assert "1 rendered" in p.stderr and (out / "svg" / "en" / "good.svg").is_file()
    assert SECRET_TEXT not in all_output_text(out)
    assert snapshot(outside) == before


def test_a_fifo_named_on_the_command_line_or_found_in_a_folder_never_hangs(specs, tmp_path):
    fifo = specs / "pipe.yaml"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    p = vizspec("render", str(fifo), "--out", str(out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 1 and f"{fifo}:1:1: error: " in p.stderr and "named pipe" in p.stderr
    p = vizspec("render", str(specs), "--out", str(out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 1 and f"{fifo}:1:1: error: " in p.stderr
    assert (out / "svg" / "en" / "good.svg").is_file()
    p = vizspec("validate", str(fifo), "/dev/zero")
    assert_clean(p)
    assert p.returncode == 1 and "named pipe" in p.stderr and "/dev/zero:1:1: error: /dev/zero is a device" in p.stderr


def test_a_huge_spec_is_refused_by_its_size_before_it_is_read(specs, tmp_path):
    huge = specs / "huge.yaml"
    with open(huge, "wb") as f:
        f.truncate(6 * 1024**3)  # 6 GB, sparse: reading it would exhaust memory
    out = tmp_path / "out"
    p = vizspec("render", str(specs), "--out", str(out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 1
    assert f"{huge}:1:1: error: file too large: {6 * 1024**3} bytes (limit max_file_bytes = 1000000)" in p.stderr
    assert (out / "svg" / "en" / "good.svg").is_file()


def test_a_component_linked_to_dev_zero_or_a_fifo_component_fails_located_without_hanging(specs, tmp_path):
    comps = tmp_path / "components"
    comps.mkdir()
    (comps / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(comps / "pipe.yaml")
    for name in ("zero", "pipe"):
        (specs / f"uses-{name}.yaml").write_text(
            f"id: uses-{name}\nchapter: basics\ntitle: T\nbody:\n  use: {{component: {name}}}\n", encoding="utf-8")
    code = (f"from pathlib import Path\nfrom renderer.spec import components\nfrom renderer.app.build import build, "
            f"find_specs\ncomponents.COMPONENTS_DIR = Path({str(comps)!r})\n"
            f"r = build(find_specs(Path({str(specs)!r})), Path({str(tmp_path / 'out')!r}), ('svg',), jobs=1, "
            f"components_dir=Path({str(comps)!r}))\n"
            "for x in r.results: print(x.status, *x.problems)\n")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert_clean(p)
    lines = p.stdout.splitlines()
    assert lines[0] == "rendered"  # good.yaml
    assert lines[1].startswith("failed ") and "component 'pipe' is not a regular file" in lines[1]
    assert lines[2].startswith("failed ") and "component 'zero' is a symlink pointing outside" in lines[2]


def test_a_theme_or_chapters_file_linked_out_of_the_project_is_refused(tmp_path, monkeypatch):
    from renderer.app import chapters
    from renderer.layout import theme as theme_mod
    from renderer.spec.errors import SpecError

    inside = ROOT / "build"
    inside.mkdir(exist_ok=True)
    link = inside / f".trust-test-theme-{os.getpid()}.yaml"
    link.symlink_to("/etc/hostname" if Path("/etc/hostname").exists() else "/etc/passwd")
    try:
        with pytest.raises(SpecError, match="is a symbolic link to a file outside the project"):
            theme_mod.load_theme.__wrapped__(link)
        monkeypatch.setattr(chapters, "CHAPTERS_FILE", link)
        chapters._chapter_names.cache_clear()
        assert chapters._chapter_names() == {}
    finally:
        link.unlink()
        chapters._chapter_names.cache_clear()


def test_reading_refuses_links_out_of_the_project_and_allows_files_named_outside_it(tmp_path, outside):
    from renderer import trust

    own = tmp_path / "mine.yaml"
    own.write_text("id: x\n", encoding="utf-8")
    assert trust.read_file(own, 100) == b"id: x\n"  # a file named outside the project: allowed where it is
    (tmp_path / "in").mkdir()
    link = tmp_path / "in" / "link.yaml"  # its folder is tmp_path/in; the target is not in it
    link.symlink_to(outside / "secret.yaml")
    with pytest.raises(trust.Refused, match="symbolic link to a file outside"):
        trust.read_file(link, 10_000)
    inner = tmp_path / "inner.yaml"
    inner.symlink_to(own)
    assert trust.read_file(inner, 100) == b"id: x\n"  # a link within its own folder
    with pytest.raises(trust.Refused, match="a folder"):
        trust.read_file(tmp_path, 100)


# ---------------------------------------------------------------------------------------------------------
# Writing and deleting: planted symlinks, untrusted stamps, --out over the sources


def test_a_symlinked_output_folder_is_refused_and_nothing_is_written_through_it(specs, outside, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "svg").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    p = vizspec("render", str(specs), "--out", str(out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 1
    assert f"{specs / 'good.yaml'}:1:1: error: cannot write the output: " in p.stderr
    assert "is a symbolic link; vizspec never writes through links" in p.stderr
    assert snapshot(outside) == before
    link_out = tmp_path / "link-out"
    link_out.symlink_to(outside, target_is_directory=True)
    p = vizspec("render", str(specs), "--out", str(link_out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 2 and "goes through a symbolic link" in p.stderr
    assert snapshot(outside) == before


def test_a_report_path_planted_as_a_symlink_is_replaced_not_followed(specs, outside, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").symlink_to(outside / "victim.txt")
    before = snapshot(outside)
    p = vizspec("render", str(specs), "--out", str(out), "--format", "svg", "--report", str(out / "report.json"))
    assert_clean(p)
    assert p.returncode == 0
    assert not (out / "report.json").is_symlink()
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["rendered"] == 1
    assert snapshot(outside) == before


@pytest.mark.parametrize("version", [1, 2])
def test_a_planted_stamp_file_deletes_nothing_it_lists(specs, outside, tmp_path, version):
    out = tmp_path / "out"
    (out / "svg" / "en").mkdir(parents=True)
    planted = out / "svg" / "en" / "planted.svg"
    planted.write_text("<svg>not written by vizspec</svg>", encoding="utf-8")
    gone_spec = str(tmp_path / "specs" / "deleted.yaml")  # a spec that no longer exists
    rels = ["../outside/victim.txt", f"../../{outside.name}/victim.txt", str(outside / "victim.txt"),
            "svg/en/planted.svg", "svg/en/../../../outside/victim.txt"]
    stamp = {"version": version, "mac": "0" * 64, "specs": {gone_spec: {
        "sha": "x", "components": [], "fns": [], "id": "deleted", "meta": {},
        "targets": {r: {"key": "k", "size": 12, "sha": "0" * 64} for r in rels}}}}
    (out / ".vizspec-build.json").write_text(json.dumps(stamp), encoding="utf-8")
    before = snapshot(outside)
    p = vizspec("render", str(specs), "--out", str(out), "--format", "svg")
    assert_clean(p)
    assert p.returncode == 0
    assert snapshot(outside) == before
    assert planted.read_text(encoding="utf-8") == "<svg>not written by vizspec</svg>"
    assert (out / "svg" / "en" / "good.svg").is_file()


def test_pruning_deletes_only_outputs_the_tool_wrote_and_stamped(specs, tmp_path):
    out = tmp_path / "out"
    extra = specs / "extra.yaml"
    extra.write_text(spec_text("extra"), encoding="utf-8")
    r = build_mod.build(build_mod.find_specs(specs), out, ("svg",), jobs=1, gallery=False)
    assert not r.failed
    en, zh = out / "svg" / "en" / "extra.svg", out / "svg" / "zh" / "extra.svg"
    zh.write_text("<svg>edited by hand</svg>", encoding="utf-8")  # not what the tool wrote
    extra.unlink()
    build_mod.build(build_mod.find_specs(specs), out, ("svg",), jobs=1, gallery=False)
    assert not en.exists()  # the tool's own output of a deleted spec: pruned
    assert zh.read_text(encoding="utf-8") == "<svg>edited by hand</svg>"  # not its bytes: kept


def test_an_output_replaced_in_out_or_stamps_signed_by_someone_else_are_not_taken_as_cached(
        specs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert not build_mod.build(build_mod.find_specs(specs), out, ("svg",), jobs=1, gallery=False).failed
    svg = out / "svg" / "en" / "good.svg"
    real = svg.read_bytes()
    fake = (b"<svg>" + SECRET_TEXT.encode()).ljust(len(real), b" ")  # same size as the real one
    svg.write_bytes(fake)
    r = build_mod.build(build_mod.find_specs(specs), out, ("svg",), jobs=1, gallery=False)
    assert r.results[0].status == "rendered" and svg.read_bytes() == real
    # a build folder committed by someone else: their stamps, their files, another secret
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    build_mod.build(build_mod.find_specs(specs), out, ("svg",), jobs=1, gallery=False)
    svg.write_bytes(fake)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "me"))
    r = build_mod.build(build_mod.find_specs(specs), out, ("svg",), jobs=1, gallery=False)
    assert r.results[0].status == "rendered" and svg.read_bytes() == real


def test_out_may_not_be_or_contain_or_lie_in_the_sources():
    from renderer.app.files import UnsafeOutput, check_out

    for bad in (ROOT, ROOT / "specs", ROOT / "specs" / "rl", ROOT / "templates", ROOT.parent):
        with pytest.raises(UnsafeOutput, match="sources"):
            check_out(bad)
    check_out(ROOT / "build")
    check_out(ROOT / "build" / "diff")


def test_render_slides_and_watch_refuse_an_out_over_the_sources(specs, tmp_path):
    spec_before = snapshot(ROOT / "specs")
    for args in (["render", str(specs / "good.yaml"), "--format", "svg", "--no-gallery", "--out", "."],
                 ["render", str(specs / "good.yaml"), "--format", "svg", "--out", "specs"],
                 ["slides", "--chapter", "no-such-chapter", "--out", "specs"],
                 ["watch", "--port", "0", "--out", str(specs), "--specs", str(specs)]):
        p = vizspec(*args)
        assert_clean(p)
        assert p.returncode == 2, (args, p.stderr)
        assert "the project's sources" in p.stderr, p.stderr
    assert snapshot(ROOT / "specs") == spec_before
    assert not (ROOT / "svg").exists()


# ---------------------------------------------------------------------------------------------------------
# git: `diff` and `render --changed` on a reviewed tree with hostile links


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A git repository with two committed specs."""
    for k, v in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
                 "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": "/dev/null"}.items():
        monkeypatch.setenv(k, v)
    r = tmp_path / "repo"
    (r / "specs" / "basics").mkdir(parents=True)
    for did in ("one", "two"):
        (r / "specs" / "basics" / f"{did}.yaml").write_text(spec_text(did), encoding="utf-8")
    (r / ".gitignore").write_text("build/\n", encoding="utf-8")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "specs"]):
        subprocess.run(["git", *args], cwd=r, check=True, capture_output=True)
    return r


def test_diff_out_over_the_specs_or_the_tree_refuses_and_deletes_nothing(repo):
    (repo / "specs" / "basics" / "wip.yaml").write_text(spec_text("wip"), encoding="utf-8")  # uncommitted work
    before = snapshot(repo)
    for out in ("specs", ".", "specs/basics"):
        p = vizspec("diff", "--out", out, cwd=repo)
        assert_clean(p)
        assert p.returncode == 2 and "the project's sources" in p.stderr, p.stderr
    assert snapshot(repo) == before
    (repo / "notes").mkdir()
    (repo / "notes" / "mine.txt").write_text("mine", encoding="utf-8")
    p = vizspec("diff", "--out", "notes", cwd=repo)  # a folder diff did not write is not emptied
    assert_clean(p)
    assert p.returncode == 2 and "did not write" in p.stderr
    assert (repo / "notes" / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_diff_and_render_changed_with_a_symlink_out_of_the_tree(repo, outside):
    (repo / "specs" / "basics" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (repo / "specs" / "etc").symlink_to("/", target_is_directory=True)
    one = repo / "specs" / "basics" / "one.yaml"
    one.write_text(spec_text("one", "edited"), encoding="utf-8")
    before = snapshot(outside)
    p = vizspec("diff", "--out", "build/diff", cwd=repo)
    assert_clean(p)
    assert p.returncode == 1
    assert "changed   one" in p.stderr and "failed    leak" in p.stderr and "failed    etc" in p.stderr
    problems = json.loads((repo / "build" / "diff" / "leak" / "changes.json").read_text())["after"]["problems"]
    assert problems[0].endswith("leak.yaml is a symbolic link to a file outside the project (expected a regular "
                                "file inside it; links out of the project are not followed)")
    assert SECRET_TEXT not in all_output_text(repo / "build" / "diff")
    p = vizspec("render", "--changed", "--out", "build", "--format", "svg", cwd=repo)
    assert_clean(p)
    assert p.returncode == 1
    assert "specs/basics/leak.yaml:1:1: error: " in p.stderr and "outside the project" in p.stderr
    assert (repo / "build" / "svg" / "en" / "one.svg").is_file()
    assert SECRET_TEXT not in all_output_text(repo / "build")
    assert snapshot(outside) == before


# ---------------------------------------------------------------------------------------------------------
# Caches: outside the checkout, verified by content


def _cache_entries(cache: Path) -> list[Path]:
    return [p for p in (cache / "compute").rglob("*.json")]


@pytest.mark.parametrize("form", ["raw", "signed-by-someone-else"])
def test_a_planted_compute_cache_entry_cannot_change_a_number(tmp_path, monkeypatch, form):
    cache = tmp_path / "checkout-cache"  # as CI had it: a cache folder the pull request can commit to
    monkeypatch.setenv("VIZSPEC_CACHE", str(cache))
    spec = tmp_path / "six.yaml"
    spec.write_text(RETURNS_SPEC, encoding="utf-8")
    out = tmp_path / "out"
    assert not build_mod.build([spec], out, ("svg",), jobs=1, gallery=False).failed
    assert ">G = 6<" in (out / "svg" / "en" / "six.svg").read_text(encoding="utf-8")
    [entry] = _cache_entries(cache)
    planted = {"returns": [999999, 5, 3]}
    entry.write_text(json.dumps(planted) if form == "raw" else json.dumps({"mac": "ab" * 32, "result": planted}),
                     encoding="utf-8")
    r = build_mod.build([spec], tmp_path / "out2", ("svg",), jobs=1, gallery=False)
    assert not r.failed
    svg = (tmp_path / "out2" / "svg" / "en" / "six.svg").read_text(encoding="utf-8")
    assert ">G = 6<" in svg and "999999" not in svg


def test_the_compute_cache_lives_outside_the_checkout_by_default(tmp_path, monkeypatch):
    from renderer import trust
    from renderer.bind import compute_calls

    monkeypatch.delenv("VIZSPEC_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(ROOT)
    where = compute_calls.cache_dir().resolve()
    assert not where.is_relative_to(ROOT)
    assert where == (tmp_path / "xdg" / "vizspec").resolve()
    key = trust.secret()
    assert key is not None and (tmp_path / "xdg" / "vizspec" / "secret").stat().st_mode & 0o777 == 0o600
    assert trust.secret() == key


# ---------------------------------------------------------------------------------------------------------
# The watch server and watcher


def _get(port: int, path: str, host: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_the_watch_server_serves_no_symlink_and_checks_the_host_header(specs, outside, tmp_path):
    from renderer.app.watch import Watcher

    out = tmp_path / "out"
    (out / "svg").mkdir(parents=True)
    (out / "svg" / "real.svg").write_text("<svg/>", encoding="utf-8")
    (out / "passwd").symlink_to(outside / "victim.txt")
    (out / "linked").symlink_to(outside, target_is_directory=True)
    w = Watcher(specs, out, ("svg",), port=0, jobs=1, watch_paths=[specs])
    w.start()
    try:
        port = w.port
        assert _get(port, "/svg/real.svg", f"127.0.0.1:{port}") == (200, b"<svg/>")
        assert _get(port, "/svg/real.svg", f"localhost:{port}")[0] == 200
        assert _get(port, "/svg/real.svg", f"[::1]:{port}")[0] == 200
        for host in ("evil.example:80", f"evil.example:{port}", "127.0.0.1", ""):
            assert _get(port, "/svg/real.svg", host)[0] == 403, host
        assert _get(port, "/__vizspec/status", "attacker.example")[0] == 403
        status, body = _get(port, "/passwd", f"127.0.0.1:{port}")
        assert status == 404 and b"do not touch" not in body
        status, body = _get(port, "/linked/victim.txt", f"127.0.0.1:{port}")
        assert status == 404 and b"do not touch" not in body
    finally:
        w.stop()


def test_watch_with_a_link_to_the_file_system_root_builds_and_keeps_watching(specs, tmp_path):
    from renderer.app.watch import Watcher

    (specs / "x").symlink_to("/", target_is_directory=True)
    logs: list[str] = []
    w = Watcher(specs, tmp_path / "out", ("svg",), port=0, jobs=1, watch_paths=[specs], log=logs.append)
    assert all(d.resolve() != Path("/") for d in w.watched_dirs())
    stop = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            w.run(stop)
        except BaseException as e:  # noqa: BLE001 (reported by the test)
            errors.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        for _ in range(TIMEOUT * 10):
            if w.state.builds >= 1 or errors:
                break
            stop.wait(0.1)
        assert not errors and w.state.builds >= 1
        snap = w.state.snapshot()
        assert any(f"{specs / 'x'}:1:1: error:" in p for e in snap["errors"] for p in e["problems"])
        assert snap["rendered"] == ["good"]
        (specs / "good.yaml").write_text(spec_text("good", "saved again"), encoding="utf-8")
        for _ in range(TIMEOUT * 10):
            if w.state.builds >= 2 or errors:
                break
            stop.wait(0.1)
        assert not errors and w.state.builds >= 2  # the save was seen
        assert "saved again" in (tmp_path / "out" / "svg" / "en" / "good.svg").read_text(encoding="utf-8")
    finally:
        stop.set()
        t.join(TIMEOUT)
    assert not t.is_alive() and not errors


def test_schema_written_over_a_planted_symlink_replaces_the_link(tmp_path, outside):
    target = tmp_path / "schema" / "diagram.schema.json"
    target.parent.mkdir()
    target.symlink_to(outside / "victim.txt")
    before = snapshot(outside)
    p = vizspec("schema", "--out", str(target))
    assert_clean(p)
    assert p.returncode == 0 and not target.is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["title"]
    assert snapshot(outside) == before


def test_inside_the_project_a_link_out_is_refused_even_when_named_on_the_command_line(tmp_path, outside):
    import shutil

    folder = ROOT / "build" / f".trust-test-{os.getpid()}-{tmp_path.name}"
    specs = folder / "specs"
    specs.mkdir(parents=True)
    try:
        (specs / "good.yaml").write_text(spec_text("good-inside"), encoding="utf-8")
        (specs / "x.yaml").symlink_to(outside / "secret.yaml")
        (specs / "ch").symlink_to(outside / "sub", target_is_directory=True)
        out = tmp_path / "out"
        rel = specs.relative_to(ROOT)
        p = vizspec("render", str(rel / "x.yaml"), str(rel / "ch"), str(rel / "ch" / "inner.yaml"), str(rel),
                    "--out", str(out), "--format", "svg")
        assert_clean(p)
        assert p.returncode == 1
        assert (f"{rel}/x.yaml:1:1: error: {rel}/x.yaml is a symbolic link to a file outside the project"
                in p.stderr)
        assert f"{rel}/ch:1:1: error: {rel}/ch is a symbolic link to a folder outside the project" in p.stderr
        assert f"{rel}/ch/inner.yaml:1:1: error: " in p.stderr
        assert (out / "svg" / "en" / "good-inside.svg").is_file()
        assert SECRET_TEXT not in all_output_text(out)
    finally:
        shutil.rmtree(folder)

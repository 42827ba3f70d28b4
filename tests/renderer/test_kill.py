"""A build can be killed, run twice at once, or fed broken specs: build/ only ever holds complete files.

Outputs are written to a hidden temporary file and renamed (`write_atomic`), so SIGKILL at any moment
leaves every visible file whole; two builds into one folder race only on whole-file renames; a failing
spec is listed at the end and makes the exit code 1 without stopping the others.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from renderer.app.files import write_atomic

ROOT = Path(__file__).resolve().parents[2]
VIZSPEC = Path(sys.executable).parent / "vizspec"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"

GOOD = """\
id: {id}
chapter: kill
title: {{en: "Kill test {n}", zh: "测试 {n}"}}
compute:
  g: {{fn: rl.discounted_returns, args: {{rewards: [4, 3, 5, {n}], gamma: 0.9}}}}
body:
  row:
    items:
      - box: {{id: a, text: "G0 = {{{{ g.returns[0] | fmt('.2f') }}}}", role: data}}
      - box: {{id: b, text: "G1 = {{{{ g.returns[1] | fmt('.2f') }}}}"}}
      - box: {{id: c, text: "G2 = {{{{ g.returns[2] | fmt('.2f') }}}}", role: module}}
      - box: {{id: d, text: "sum = {{{{ g.returns | sum | fmt('.1f') }}}}"}}
edges:
  - {{from: a, to: b}}
  - {{from: b, to: c, label: "+ r"}}
"""


def write_specs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"k{i:02d}.yaml"
        p.write_text(GOOD.format(id=f"kill-{i:02d}", n=i), encoding="utf-8")
        paths.append(p)
    return paths


def check_complete(path: Path) -> None:
    """Fail unless the file is a whole SVG, PNG, PPTX, JSON or HTML file."""
    data = path.read_bytes()
    assert data, f"{path} is empty"
    if path.suffix == ".svg":
        ET.fromstring(data)
    elif path.suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(PNG_END), f"{path} is a truncated PNG"
    elif path.suffix == ".pptx":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None and "[Content_Types].xml" in z.namelist()
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".html":
        assert data.rstrip().endswith(b"</html>"), f"{path} is a truncated page"


def visible_outputs(out: Path) -> list[Path]:
    """Files a reader of build/ would take as outputs: not hidden (temporary files start with '.')."""
    return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


def check_folder(out: Path) -> list[Path]:
    """Every visible output is complete, no temporary file is visible, hidden stamps are whole JSON."""
    files = visible_outputs(out)
    for p in files:
        assert not p.name.endswith(".tmp"), f"a temporary file is visible: {p}"
        check_complete(p)
    for p in out.rglob(".*.json"):
        check_complete(p)
    return files


def env_for(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "VIZSPEC_CACHE": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}


def start_render_all(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    """`render all` of 20 specs with two workers, in a session of its own, once its first outputs appear;
    (process, specs folder, output folder)."""
    specs = tmp_path / "specs"
    write_specs(specs, 20)
    out = tmp_path / "build"
    proc = subprocess.Popen([str(VIZSPEC), "render", str(specs), "--out", str(out), "--no-cache", "--jobs", "2"],
                            cwd=ROOT, env=env_for(tmp_path), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while proc.poll() is None and time.monotonic() < deadline and not visible_outputs(out):
        time.sleep(0.01)
    return proc, specs, out


def test_sigkill_during_render_all_leaves_only_complete_files(tmp_path: Path):
    proc, specs, out = start_render_all(tmp_path)
    try:
        time.sleep(0.2)  # mid-way: some outputs renamed into place, others being written
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes
        except ProcessLookupError:
            pass
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed: make it longer"
    _wait_group_gone(proc.pid)
    files = check_folder(out)
    assert files, "the build wrote nothing before it was killed"
    assert len([p for p in files if p.suffix == ".svg"]) < 40, "killed mid-way, not at the end"

    # the next build repairs the folder: everything present and whole, exit code 0
    done = subprocess.run([str(VIZSPEC), "render", str(specs), "--out", str(out), "--jobs", "2"], cwd=ROOT,
                          env=env_for(tmp_path), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    files = check_folder(out)
    assert len([p for p in files if p.suffix == ".svg"]) == 40  # 20 diagrams × 2 languages


def _group_alive(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs (zombies waiting for a reaper do not count)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _wait_group_gone(pgid: int, seconds: float = 30) -> None:
    """Wait until no process of the killed group is left (workers die with the group)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _group_alive(pgid):
            return
        time.sleep(0.05)
    pytest.fail(f"processes of group {pgid} survived SIGKILL")


def test_two_builds_into_one_folder_at_once_leave_valid_files_and_cache(tmp_path: Path):
    specs = tmp_path / "specs"
    write_specs(specs, 8)
    out = tmp_path / "build"
    code = textwrap.dedent(f"""
        from pathlib import Path
        from renderer.app.build import find_specs, render_many
        results = render_many(find_specs(Path({str(specs)!r})), Path({str(out)!r}), ("svg", "png"), jobs=2)
        bad = [(r.path, r.problems) for r in results if r.status == "failed"]
        assert not bad, bad
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env_for(tmp_path),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    files = check_folder(out)
    assert len([p for p in files if p.suffix == ".svg"]) == 16
    assert len([p for p in files if p.suffix == ".png"]) == 16
    cached = list((tmp_path / "cache").rglob("*.json"))
    assert cached, "the compute cache was used"
    for p in cached:
        json.loads(p.read_text(encoding="utf-8"))
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.suffix == ".tmp"]


def test_one_failing_spec_does_not_stop_the_others_and_exits_1(tmp_path: Path, capsys, monkeypatch):
    from renderer.app.cli import main

    specs = tmp_path / "specs"
    write_specs(specs, 2)
    (specs / "bad.yaml").write_text("id: bad\nchapter: kill\ntitle: Bad\nbody:\n  box: {text: A, width: wide}\n",
                                    encoding="utf-8")
    (specs / "evil.yaml").write_text("id: evil\nchapter: kill\ntitle: Evil\nbody:\n  box: \"{{ ''.__class__ }}\"\n",
                                     encoding="utf-8")
    out = tmp_path / "build"
    monkeypatch.setenv("VIZSPEC_CACHE", str(tmp_path / "cache"))
    code = main(["render", str(specs), "--out", str(out), "--no-cache", "--jobs", "1", "--format", "svg"])
    err = capsys.readouterr().err
    assert code == 1
    assert sorted(p.name for p in (out / "svg" / "en").iterdir()) == ["kill-00.svg", "kill-01.svg"]
    check_folder(out)
    bad = f"{specs / 'bad.yaml'}:5:25: error: wrong type: string \"wide\" (expected number)"
    evil = f"{specs / 'evil.yaml'}:5:8: error: placeholder: access to '__class__' is not allowed"
    last_progress = max(i for i, line in enumerate(err.splitlines()) if line.startswith("["))
    listed = err.splitlines()[last_progress + 1:]  # every failure is listed after the progress lines
    assert any(bad in line for line in listed) and any(evil in line for line in listed), err


def test_one_failing_spec_in_a_parallel_cli_run_exits_1(tmp_path: Path):
    specs = tmp_path / "specs"
    write_specs(specs, 3)
    (specs / "bomb.yaml").write_bytes(b"id: bomb\nchapter: kill\ntitle: B\nbody: {box: A}\n"
                                      b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                                      + b"".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n".encode()
                                                 for p, c in zip("abcdefg", "bcdefgh", strict=True)))
    out = tmp_path / "build"
    done = subprocess.run([str(VIZSPEC), "render", str(specs), "--out", str(out), "--no-cache", "--jobs", "2",
                           "--format", "svg"], cwd=ROOT, env=env_for(tmp_path), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 1
    assert "too many YAML nodes" in done.stderr and "limit max_yaml_nodes = 50000" in done.stderr
    assert len(list((out / "svg").rglob("*.svg"))) == 6
    check_folder(out)


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch):
    target = tmp_path / "svg" / "x.svg"
    write_atomic(target, b"<svg/>")

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, b"<svg>half")
    assert target.read_bytes() == b"<svg/>"
    assert [p.name for p in target.parent.iterdir()] == ["x.svg"]  # the temporary file is gone too


def _wait_gone(pids: list[int], seconds: float = 30) -> list[int]:
    """Wait until none of `pids` runs (zombies do not count); the ones still running after `seconds`."""
    deadline = time.monotonic() + seconds
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _running(p)]
        time.sleep(0.05)
    return alive


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _group_members(pgid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc to find the worker processes")
def test_workers_exit_when_render_all_alone_is_sigkilled(tmp_path: Path):
    proc, specs, out = start_render_all(tmp_path)
    try:
        workers = [p for p in _group_members(proc.pid) if p != proc.pid]
        assert workers, "no worker process was running"
        os.kill(proc.pid, signal.SIGKILL)  # only the CLI: its workers must notice and exit by themselves
        proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL, "the build finished before it could be killed: make it longer"
        assert _wait_gone(workers) == [], "worker processes outlived their SIGKILLed parent"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


POOL_SCRIPT = """
import time
from renderer.app.build import new_pool
from renderer.app.workers import process_pool
import os
spawned = new_pool(1, warm=False)  # the watcher's pool (spawn)
default = process_pool(1)  # slides' and render's pool (default start method)
print(spawned.submit(os.getpid).result(), default.submit(os.getpid).result(), flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc to find the worker processes")
def test_every_pool_kind_exits_with_its_sigkilled_parent(tmp_path: Path):
    proc = subprocess.Popen([sys.executable, "-c", POOL_SCRIPT], cwd=ROOT, env=env_for(tmp_path),
                            start_new_session=True, stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(w) for w in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(_running(w) for w in workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        assert _wait_gone(workers) == [], "pool workers outlived their SIGKILLed parent"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_worker_whose_parent_is_already_gone_exits_at_once(tmp_path: Path):
    code = "from renderer.app.workers import die_with_parent; die_with_parent(-1); print('still here')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "still here" not in done.stdout
    code = "import os; from renderer.app.workers import die_with_parent; die_with_parent(os.getppid()); print('ok')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "ok\n"

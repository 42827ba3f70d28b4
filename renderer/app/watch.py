"""`vizspec watch`: serve the gallery on 127.0.0.1, re-render on save, reload the open page.

Every save under specs/, templates/ (components, theme) or compute/ runs the incremental build, so
exactly the diagrams that depend on the saved file re-render. Rendering happens in a long-lived pool of
`spawn` worker processes that have the renderer imported already (a save re-renders in a fraction of a
second); the pool is replaced when Python code, the theme, the fonts or the renderer change, so an
edited compute function is imported anew. The page polls `/__vizspec/status`: it
reloads when the version moves and shows the errors of a broken save in a banner; the watcher itself
never stops on a bad spec.
"""

from __future__ import annotations

import importlib
import json
import os
import stat
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..project import SOURCE_ROOT, SPECS_DIR, TEMPLATES_DIR
from ..spec.errors import internal_problem
from ..spec.langs import LANGS
from ..spec.printable import printable
from ..trust import Refused, folders, read_file
from . import build as build_mod
from .build import WORKER_FAILED, build, find_specs, new_pool
from .failures import error_line
from .files import check_out

STATUS_PATH = "/__vizspec/status"
LIVE_JS_PATH = "/__vizspec/live.js"
WATCHED_SUFFIXES = (".yaml", ".yml", ".py")
MAX_PAGE_BYTES = 50_000_000
RESCAN_MS = 1000  # how often the set of watched folders is looked at again (a folder made or removed)

LIVE_JS = """(function () {
  "use strict";
  var version = null;
  var box = document.createElement("div");
  box.id = "vizspec-live";
  box.setAttribute("role", "alert");
  box.style.cssText = "display:none;position:fixed;left:12px;right:12px;bottom:12px;z-index:10;" +
    "max-height:45vh;overflow:auto;background:#FFF2CC;border:2px solid #EB6252;border-radius:8px;" +
    "padding:8px 12px;font:13px/1.4 monospace;white-space:pre-wrap;box-shadow:0 2px 8px rgba(0,0,0,.2)";
  document.body.appendChild(box);
  function show(s) {
    if (s.errors && s.errors.length) {
      var lines = [s.errors.length + " diagram(s) failed to render:"];
      s.errors.forEach(function (e) { lines = lines.concat(e.problems); });
      box.textContent = lines.join("\\n");
      box.style.display = "block";
    } else {
      box.style.display = "none";
    }
    document.documentElement.setAttribute("data-vizspec-building", s.building ? "1" : "0");
  }
  function poll() {
    fetch("__STATUS__", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (version === null) { version = s.version; }
      else if (s.version !== version) { location.reload(); return; }
      show(s);
      setTimeout(poll, 700);
    }).catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
""".replace("__STATUS__", STATUS_PATH)

WAITING_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>vizspec watch</title>
<link rel="icon" href="data:,"></head><body><p>Rendering… this page reloads when the first build is done.</p>
<script src="__LIVE__"></script></body></html>""".replace("__LIVE__", LIVE_JS_PATH)


class LiveState:
    """What the page polls: a version that moves when outputs change, and the current errors."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version = 0
        self.building = False
        self.errors: list[dict[str, Any]] = []
        self.summary = ""
        self.rendered: list[str] = []
        self.builds = 0

    def snapshot(self) -> dict[str, Any]:
        """The JSON the status endpoint serves."""
        with self.lock:
            return {"version": self.version, "building": self.building, "errors": list(self.errors),
                    "summary": self.summary, "rendered": list(self.rendered), "builds": self.builds}


def allowed_hosts(port: int) -> set[str]:
    """The Host headers the server answers: its own loopback names (anything else may be DNS rebinding)."""
    return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}


def servable(out: Path, path: str) -> bool:
    """Whether a translated request path is inside `out` and reached through no symlink."""
    base, target = os.path.abspath(out), os.path.abspath(path)
    if os.path.commonpath([base, target]) != base:
        return False
    cur = base
    for part in ("", *Path(os.path.relpath(target, base)).parts):
        cur = os.path.join(cur, part) if part and part != "." else cur
        try:
            if stat.S_ISLNK(os.lstat(cur).st_mode):
                return False
        except OSError:
            return True  # missing: the normal 404
    return True


def make_handler(out: Path, state: LiveState) -> type[SimpleHTTPRequestHandler]:
    """A request handler serving `out` (no symlinks), the status endpoint and the live-reload script."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(out), **kwargs)

        def _refused(self) -> bool:
            """Answer 403 to a foreign Host header or 404 to a symlink; whether the request was refused."""
            if self.headers.get("Host", "") not in allowed_hosts(self.server.server_address[1]):
                self.send_error(HTTPStatus.FORBIDDEN, "unexpected Host header")
                return True
            if not servable(out, self.translate_path(self.path)):
                self.send_error(HTTPStatus.NOT_FOUND, "not found")
                return True
            return False

        def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
            if not self._refused():
                super().do_HEAD()

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self._refused():
                return
            path = self.path.split("?", 1)[0]
            if path == STATUS_PATH:
                self._send(json.dumps(state.snapshot(), ensure_ascii=False).encode(), "application/json")
            elif path == LIVE_JS_PATH:
                self._send(LIVE_JS.encode(), "text/javascript")
            elif path in ("/", "/index.html"):
                try:
                    page = read_file(out / "index.html", MAX_PAGE_BYTES).decode("utf-8", "replace")
                except Refused:
                    page = WAITING_PAGE
                if LIVE_JS_PATH not in page:
                    tag = f'<script src="{LIVE_JS_PATH}"></script>'
                    page = page.replace("</body>", tag + "\n</body>") if "</body>" in page else page + tag
                self._send(page.encode(), "text/html; charset=utf-8")
            else:
                super().do_GET()

        def _send(self, body: bytes, ctype: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
            pass

    return Handler


class Watcher:
    """Builds, serves and rebuilds on change; `start()` serves, `run()` blocks watching until stopped."""

    def __init__(self, specs_dir: Path = SPECS_DIR, out: Path = Path("build"), formats: tuple[str, ...] = ("svg",),
                 langs: tuple[str, ...] = LANGS, host: str = "127.0.0.1", port: int = 8000, jobs: int | None = None,
                 watch_paths: list[Path] | None = None, log: Callable[[str], None] | None = None) -> None:
        self.specs_dir = Path(specs_dir)
        self.out = Path(out)
        self.formats, self.langs, self.jobs = formats, langs, jobs
        self.host, self.port = host, port
        self.state = LiveState()
        self.watch_paths = [Path(p) for p in (watch_paths or [self.specs_dir, TEMPLATES_DIR, SOURCE_ROOT / "compute"])]
        self.log = log or _log
        self.server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._specs: set[str] = set()
        self._pool: ProcessPoolExecutor | None = None
        self._pool_env = ""

    @property
    def url(self) -> str:
        """Where the gallery is served."""
        return f"http://{self.host}:{self.port}/"

    def start(self) -> None:
        """Bind the server (port 0 picks a free one) and serve in a background thread."""
        check_out(self.out, [self.specs_dir])  # not the sources, not through a symlink
        self.out.mkdir(parents=True, exist_ok=True)
        self.server = ThreadingHTTPServer((self.host, self.port), make_handler(self.out, self.state))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="vizspec-watch-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def rebuild(self, changed: set[str] | None = None) -> None:
        """Run the incremental build; record what rendered and what failed. Never raises."""
        with self.state.lock:
            self.state.building = True
        errors: list[dict[str, Any]] = []
        rendered: list[str] = []
        summary = ""
        try:
            self._forget_compute(changed)
            paths = find_specs(self.specs_dir)
            report = build(paths, self.out, self.formats, self.langs, executor=self._executor(changed))
            if any(WORKER_FAILED in p for r in report.failed for p in r.problems):
                self._close_pool()  # a broken pool takes no more work: start a new one next time
            rendered = [r.id or r.path for r in report.results if r.status == "rendered"]
            errors = [{"path": r.path, "id": r.id, "problems": r.problems} for r in report.failed]
            summary = (f"{report.count('rendered')} rendered, {report.count('cached')} cached, "
                       f"{report.count('failed')} failed in {report.seconds:.2f} s")
            specs = {str(p) for p in paths}
        except Exception as e:  # a bug in the build itself: show it on the page, keep watching
            errors = [{"path": "(build)", "id": None,
                       "problems": [error_line(internal_problem("-", "build", e).message)]}]
            summary = "build failed"
            specs = self._specs
        with self.state.lock:
            if rendered or errors != self.state.errors or specs != self._specs or self.state.builds == 0:
                self.state.version += 1
            self.state.errors, self.state.rendered, self.state.summary = errors, rendered, summary
            self.state.building = False
            self.state.builds += 1
        self._specs = specs
        self.log(summary + ("" if not errors else "\n" + "\n".join(p for e in errors for p in e["problems"])))

    def _executor(self, changed: set[str] | None) -> ProcessPoolExecutor:
        """The long-lived worker pool; a new one when code, theme or fonts changed (workers import once)."""
        env = build_mod.environment_key()
        code = bool(changed) and any(Path(p).suffix == ".py" for p in changed)
        if self._pool is None or code or env != self._pool_env:
            self._close_pool()
            self._pool, self._pool_env = new_pool(self.jobs), env
        return self._pool

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    @staticmethod
    def _forget_compute(changed: set[str] | None) -> None:
        """Drop memoised compute source hashes (and the allow-list, when registry.py changed)."""
        from compute import registry

        if changed and any(Path(p).name == "registry.py" for p in changed):
            importlib.reload(registry)
        for fn in (registry.source_hash, registry.get):
            if hasattr(fn, "cache_clear"):
                fn.cache_clear()

    def watched_dirs(self) -> list[Path]:
        """Every folder under the watched paths, as `find_specs` walks them (no link out followed)."""
        dirs = {d for p in self.watch_paths for d in folders(p)
                if "__pycache__" not in d.parts and not d.name.startswith(".")}
        out = self.out.resolve()
        return sorted(d for d in dirs if not d.is_relative_to(out))

    def _filter(self, _change: Any, path: str) -> bool:
        p = Path(path)
        if p.suffix not in WATCHED_SUFFIXES or "__pycache__" in p.parts or p.name.startswith("."):
            return False
        try:
            p.resolve().relative_to(self.out.resolve())
            return False
        except ValueError:
            return True

    def run(self, stop_event: threading.Event | None = None) -> None:
        """Serve, build once, then rebuild on every change until `stop_event` is set (or Ctrl-C)."""
        import watchfiles

        if self.server is None:
            self.start()
        self.log(f"serving {self.url} — watching {', '.join(_show(p) for p in self.watch_paths)} (Ctrl-C stops)")
        try:
            self.rebuild()
            while not (stop_event is not None and stop_event.is_set()):
                dirs = self.watched_dirs()
                if not dirs:
                    if stop_event is None:
                        return
                    stop_event.wait(RESCAN_MS / 1000)
                    continue
                # each folder alone (not recursive): the watcher then never follows a link out (`specs/x -> /`)
                for changes in watchfiles.watch(*dirs, watch_filter=self._filter, stop_event=stop_event,
                                                debounce=200, step=50, raise_interrupt=False, recursive=False,
                                                rust_timeout=RESCAN_MS, yield_on_timeout=True):
                    if changes:
                        changed = {path for _kind, path in changes}
                        self.log("changed: " + ", ".join(sorted(_show(Path(p)) for p in changed)))
                        self.rebuild(changed)
                    if self.watched_dirs() != dirs:  # a folder was made or removed: watch the new set
                        if not changes:
                            self.rebuild()
                        break
                else:
                    break  # stopped (stop_event or Ctrl-C)
        finally:
            self._close_pool()
            self.stop()


def _show(p: Path) -> str:
    """A watched path as printed: relative to the current folder when inside it, made safe to print."""
    try:
        return printable(p.resolve().relative_to(Path.cwd().resolve()) or ".")
    except ValueError:
        return printable(p)


def _log(msg: str) -> None:
    """Print a log message to stderr, every line made safe to print."""
    print("\n".join(printable(line) for line in msg.split("\n")), file=sys.stderr, flush=True)

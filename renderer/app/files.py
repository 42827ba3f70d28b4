"""Writing output files, never through a symlink and never into the project's sources.

The rules (docs/architecture.md, "Trust boundary"): `--out` may not be, contain or lie inside the
project's sources, nor be reached through a symlink; a file is written only below its output folder
(or, outside it, below the project root), creating folders one by one and refusing any folder on the
way that is a symlink; the file itself is replaced by a rename, so a planted symlink in its place is
replaced, never followed.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..project import ROOT
from ..trust import absolute

SOURCE_DIRS = ("specs", "templates", "compute", "renderer", "schema", "docs", "tests", "scripts", "benchmarks",
               ".git", ".github")  # what `--out` may not be, contain or lie in


class UnsafeOutput(Exception):
    """An output path the tool refuses to write or delete (its message says why)."""


def _shown(path: Path) -> str:
    rel = os.path.relpath(absolute(path))
    return rel if not rel.startswith("..") else str(absolute(path))


def check_out(out: Path, sources: Iterable[Path] = ()) -> Path:
    """Refuse an output folder that is, holds or lies in the project's sources, or is reached through a link.

    `sources` adds folders of the run (e.g. the specs folder `watch` follows). Returns `out`.
    """
    lex = absolute(out)
    try:
        real = lex.resolve()
    except (OSError, RuntimeError) as e:
        raise UnsafeOutput(f"--out {_shown(out)}: cannot resolve it ({e})") from None
    protected = [ROOT / d for d in SOURCE_DIRS] + [Path(s) for s in sources]
    for src in [ROOT, *protected]:
        try:
            src_real = src.resolve()
        except (OSError, RuntimeError):
            continue
        if src_real.is_relative_to(real):
            what = "is" if src_real == real else "contains"
            raise UnsafeOutput(f"--out {_shown(out)} {what} the project's sources ({_shown(src)}); outputs there "
                               "would overwrite or delete them (expected a separate folder such as build)")
        if src != ROOT and real.is_relative_to(src_real):
            raise UnsafeOutput(f"--out {_shown(out)} lies inside the project's sources ({_shown(src)}) "
                               "(expected a separate folder such as build)")
    link = _first_link(lex, ROOT if lex.is_relative_to(ROOT) else lex)
    if link is not None:
        raise UnsafeOutput(f"--out {_shown(out)} goes through a symbolic link ({_shown(link)}); vizspec never "
                           "writes through links (expected a real folder)")
    return out


def _chain(base: Path, path: Path) -> list[Path]:
    """`base`, then every folder from it down to `path` (inclusive)."""
    out = [base]
    for part in path.relative_to(base).parts:
        out.append(out[-1] / part)
    return out


def _first_link(path: Path, base: Path) -> Path | None:
    """The first existing symlink among `base` and the folders from it down to `path`."""
    for p in _chain(base, path):
        try:
            if stat.S_ISLNK(os.lstat(p).st_mode):
                return p
        except OSError:
            return None
    return None


def _make_parents(path: Path, inside: Path | None) -> None:
    """Create the folders of `path` below `inside` one by one, refusing any that is a symlink or not a folder."""
    lex = absolute(path)
    base = absolute(inside) if inside is not None else (ROOT if lex.is_relative_to(ROOT) else None)
    if base is None:  # a file the user named outside the project: their folders, as they are
        lex.parent.mkdir(parents=True, exist_ok=True)
        return
    if not lex.is_relative_to(base) or lex == base:
        raise UnsafeOutput(f"{_shown(path)} is outside {_shown(base)} (expected a path inside it)")
    if not os.path.lexists(base):
        base.mkdir(parents=True, exist_ok=True)  # --out itself, checked by check_out
    for p in _chain(base, lex.parent):
        try:
            os.mkdir(p)
        except FileExistsError:
            pass
        mode = os.lstat(p).st_mode
        if stat.S_ISLNK(mode):
            raise UnsafeOutput(f"{_shown(p)} is a symbolic link; vizspec never writes through links "
                               "(remove it, or choose another --out)")
        if not stat.S_ISDIR(mode):
            raise UnsafeOutput(f"{_shown(p)} is not a folder (expected a folder to write {_shown(path)} in)")


def write_atomic(path: Path, data: bytes, inside: Path | None = None) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file.

    The folders from `inside` (default: the project root, for a path inside it) down to the file are
    created if missing and must not be symlinks; a symlink at `path` itself is replaced, not followed.
    """
    path = Path(path)
    _make_parents(path, inside)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

"""The file-system trust boundary: how the tool reads files, walks folders and signs what it caches.

A spec pull request controls every file of the checkout (docs/architecture.md, "Trust boundary"), so
every file the tool reads goes through `read_file`: a regular file (never a FIFO, device or folder), at
most `limit` bytes (checked before reading), whose real path (symlinks followed) is inside the project,
or — for a file named outside the project, as tests and users do — inside the real folder it is named
in. `walk` lists a folder's files without following a symlinked folder out of it (or in a loop).
Caches are signed with a per-user secret that lives outside the checkout (`sign`, `verify`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from .project import ROOT

SECRET_FILE = "secret"
SECRET_BYTES = 32
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0))


class Refused(Exception):
    """A file the tool does not read: its message says why (shown after `file:1:1: error:`)."""


def absolute(path: Path | str) -> Path:
    """The absolute path with `..` removed lexically (no symlink is followed)."""
    return Path(os.path.abspath(path))


def allowed_roots(path: Path | str) -> list[Path]:
    """Where the real path of `path` may lie: the project, or (for a file named outside it) its own folder."""
    lex = absolute(path)
    if lex.is_relative_to(ROOT):
        return [ROOT]
    try:
        return [ROOT, lex.parent.resolve()]
    except (OSError, RuntimeError):
        return [ROOT]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def real_path(path: Path | str) -> Path:
    """The real path of an existing file inside its allowed roots; Refused otherwise."""
    try:
        real = Path(path).resolve(strict=True)
    except FileNotFoundError:
        raise Refused("cannot read file: No such file or directory") from None
    except RuntimeError:
        raise Refused("cannot read file: a symbolic link loop") from None
    except OSError as e:
        raise Refused(f"cannot read file: {e.strerror}") from None
    if not any(real.is_relative_to(r) for r in allowed_roots(path)):
        what = "folder" if real.is_dir() else "file"
        raise Refused(f"{_shown(path)} is a symbolic link to a {what} outside the project (expected a regular "
                      "file inside it; links out of the project are not followed)")
    return real


def read_file(path: Path | str, limit: int, limit_name: str = "max_file_bytes") -> bytes:
    """The bytes of a regular file inside the project of at most `limit` bytes; Refused otherwise."""
    return read_regular(real_path(path), limit, limit_name, shown=path)


def read_regular(path: Path | str, limit: int, limit_name: str = "max_file_bytes",
                 shown: Path | str | None = None) -> bytes:
    """The bytes of `path` itself (a final symlink is refused, not followed): regular, at most `limit` bytes.

    No containment check: for paths whose folders the caller has checked (or `read_file`'s real path).
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)  # non-blocking: a FIFO opens at once and is refused below
    except OSError as e:
        raise Refused(f"cannot read file: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{_shown(shown or path)} is {_kind(st.st_mode)} (expected a regular file)")
        if st.st_size > limit:
            raise Refused(f"file too large: {st.st_size} bytes (limit {limit_name} = {limit})")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(st.st_size + 1)
            if len(data) > st.st_size:  # grew since fstat: read on, still bounded
                data += f.read(limit + 1 - len(data))
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Refused(f"file too large: more than {limit} bytes (limit {limit_name} = {limit})")
    return data


def walk(folder: Path | str, suffix: str = ".yaml") -> list[Path]:
    """Files ending in `suffix` under `folder`, sorted; symlinked folders are followed only inside it.

    A symlink to a folder outside `folder` is listed itself (reading it is then a
    located error), and a folder seen before (a loop) is skipped. Non-regular files are listed too:
    `read_file` refuses them with a message instead of hanging on them.
    """
    return _scan(Path(folder), suffix)[0]


def folders(folder: Path | str) -> list[Path]:
    """The folders `walk` visits under `folder` (itself included), as real paths, sorted."""
    return _scan(Path(folder), "")[1]


def _scan(top: Path, suffix: str) -> tuple[list[Path], list[Path]]:
    try:
        base = top.resolve(strict=True)
    except (OSError, RuntimeError):
        return [], []
    if absolute(top).is_relative_to(ROOT) and not base.is_relative_to(ROOT):
        return [top], []  # the folder itself links out of the project
    if not base.is_dir():
        return [], []
    found: list[Path] = []
    seen: set[Path] = set()
    todo = [(top, base)]
    while todo:
        here, real = todo.pop()
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for e in entries:
            p = here / e.name
            try:
                if e.is_symlink():
                    target = p.resolve(strict=True)
                    if target.is_dir():
                        if target.is_relative_to(base):
                            todo.append((p, target))
                        else:
                            found.append(p)
                        continue
                elif e.is_dir(follow_symlinks=False):
                    todo.append((p, real / e.name))
                    continue
            except (OSError, RuntimeError):
                pass  # dangling or looping link: listed when its name matches, refused when read
            if suffix and e.name.endswith(suffix):
                found.append(p)
    return sorted(found), sorted(seen)


def _shown(path: Path | str) -> str:
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else str(path)
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------------------
# The per-user secret that signs caches and build stamps


def user_cache_dir() -> Path:
    """$XDG_CACHE_HOME/vizspec, else ~/.cache/vizspec: outside any checkout."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "vizspec"


def cache_dir() -> Path:
    """Where compute results are cached: VIZSPEC_CACHE, else the user cache folder."""
    env = os.environ.get("VIZSPEC_CACHE")
    return Path(env) if env else user_cache_dir()


def secret() -> bytes | None:
    """The per-user signing key (created 0600 in the user cache folder); None when it cannot be kept."""
    path = user_cache_dir() / SECRET_FILE
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue  # another process made it first: read theirs
            except OSError:
                return None
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(SECRET_BYTES))
            continue
        except OSError:
            return None
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            key = f.read(SECRET_BYTES + 1)
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077 or len(key) != SECRET_BYTES:
            return None  # someone else could read or have written it: sign nothing
        return key
    return None


def sign(data: bytes) -> str | None:
    """HMAC-SHA256 of `data` with the user's secret (None when there is no secret)."""
    key = secret()
    return hmac.new(key, data, hashlib.sha256).hexdigest() if key else None


def verify(data: bytes, mac: object) -> bool:
    """Whether `mac` is this user's signature of `data`."""
    good = sign(data)
    return good is not None and isinstance(mac, str) and hmac.compare_digest(good, mac)

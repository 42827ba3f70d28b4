"""What the CLI prints when something fails: one safe line per failure, never a traceback.

A spec at fault is reported located (`file:line:col: error: …`, see `Problem`); anything else is one
line `vizspec: error: what is wrong (expected …)`. OS errors (a path that is a file, a read-only
folder, a name too long, …) are put into words here, in one table, for every command.
"""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

from ..spec.printable import printable

# errno -> (what is wrong, what was expected)
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("no such file or folder", "an existing path"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "folders along the path"),
    errno.EEXIST: ("a file is in the way", "a folder, or a path that does not exist yet"),
    errno.EISDIR: ("it is a folder", "a file"),
    errno.EACCES: ("permission denied", "a path you may read and write"),
    errno.EPERM: ("operation not permitted", "a path you may read and write"),
    errno.EROFS: ("read-only file system", "a writable folder"),
    errno.ENAMETOOLONG: ("file name too long", "names of at most 255 bytes"),
    errno.ENOSPC: ("no space left on the device", "free disk space"),
    errno.ELOOP: ("too many levels of symbolic links", "a path without a symlink loop"),
    errno.ENXIO: ("not a regular file", "a regular file"),
}


class CliError(Exception):
    """A bad argument or environment (not a spec's fault): printed as `vizspec: error: …`, exit code 2."""


def error_line(message: str) -> str:
    """`vizspec: error: <message>`, made safe to print."""
    return f"vizspec: error: {printable(message)}"


def os_reason(e: OSError) -> str:
    """`read-only file system (expected a writable folder)`: an OS error in words, without the path."""
    if e.errno in _OS_REASONS:
        what, expected = _OS_REASONS[e.errno]
        return f"{what} (expected {expected})"
    return (e.strerror or str(e) or type(e).__name__).lower()


def os_error_text(e: OSError, path: object | None = None) -> str:
    """`<path>: <reason> (expected …)`; `path` defaults to the file the OS names (a rename's target)."""
    where = path if path is not None else e.filename2 if e.filename2 is not None else e.filename
    return f"{where}: {os_reason(e)}" if where is not None else os_reason(e)


def output_folder(out: Path, option: str = "--out") -> Path:
    """Create `out` if needed and make sure files can be written into it; CliError when not."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CliError(f"{option} {out} is a file (expected a folder)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".vizspec-probe-"):
            pass
    except OSError as e:
        raise CliError(f"{option} {out}: {os_reason(e)}") from None
    return out

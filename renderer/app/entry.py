"""The `vizspec` script: reads `--root` before anything else is imported, then runs the CLI.

The project root is fixed when renderer.project is first imported (every stage reads its folders from
there), so `--root DIR` is taken off the command line here and passed on as VIZSPEC_ROOT, which worker
processes inherit.
"""

from __future__ import annotations

import os
import sys

ROOT_ENV = "VIZSPEC_ROOT"  # renderer.project.ROOT_ENV (not imported: importing it would fix the root)


def take_root(argv: list[str]) -> tuple[str | None, list[str]]:
    """`--root DIR` / `--root=DIR` anywhere before `--`, and the other arguments; (None, argv) without it."""
    root, rest, i = None, [], 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest += argv[i:]
            break
        if a == "--root" and i + 1 < len(argv):
            root, i = argv[i + 1], i + 2
            continue
        if a.startswith("--root="):
            root = a.split("=", 1)[1]
        else:
            rest.append(a)
        i += 1
    return root, rest


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `vizspec` script."""
    root, rest = take_root(list(sys.argv[1:] if argv is None else argv))
    if root is not None:
        if not os.path.isdir(root):
            print(f"vizspec: error: --root {root!r} is not a folder (expected the project folder, the one "
                  "holding specs/ or vizspec.toml)", file=sys.stderr)
            return 2
        if "renderer.project" in sys.modules and os.path.abspath(root) != str(sys.modules["renderer.project"].ROOT):
            print("vizspec: error: --root came too late: the project root was already fixed in this process "
                  f"(set {ROOT_ENV} before importing renderer)", file=sys.stderr)
            return 2
        os.environ[ROOT_ENV] = os.path.abspath(root)
    from .cli import main as run

    return run(rest)


if __name__ == "__main__":
    sys.exit(main())

"""Sub- and superscript markup in labels: `G_{t+1}`, `x^{2}`.

The script is the text between the braces without the spaces at its ends, so a placeholder fits in either
form: `x_{{{ vars.i }}}` (three braces: the first opens the script) or `x_{ {{ vars.i }} }`; both draw x with
the value as its subscript.
"""

from __future__ import annotations

import re

SCRIPT_SCALE = 0.72
_SCRIPT = re.compile(r"([_^])\{([^{}]*)\}")


def split_scripts(line: str) -> list[tuple[str, str]]:
    """Split `G_{t+1}` / `x^{2}` markup into (text, "" | "_" | "^") runs."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _SCRIPT.finditer(line):
        if m.start() > pos:
            out.append((line[pos:m.start()], ""))
        if m.group(2).strip():
            out.append((m.group(2).strip(), m.group(1)))
        pos = m.end()
    if pos < len(line) or not out:
        out.append((line[pos:], ""))
    return out


def plain(text: str) -> str:
    """Text with sub/superscript markup removed (for alt text and search)."""
    return _SCRIPT.sub(lambda m: m.group(2).strip(), text)

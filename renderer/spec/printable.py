"""Text that is safe to print on a terminal or into a CI log: the one sanitiser for names and messages.

File names, ids, chapter names and values come from untrusted specs. Printed raw, an ESC or CSI
would drive the terminal, a bidi override would reorder what is shown, a newline would start a line
of the attacker's choosing, and a line starting with `::` is a GitHub Actions workflow command
(`::error`, `::add-mask`, `::stop-commands` …). `printable` escapes all of that, repr-style.
"""

from __future__ import annotations

import json
import re
import unicodedata

# Unicode categories never printed raw: controls (C0, DEL, C1 incl. ESC and CSI), format characters (bidi
# overrides and isolates, zero-width characters), surrogates, private use, unassigned, line/paragraph separators
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_COMMAND = re.compile(r"^(\s*):")  # GitHub's runner trims leading white space before looking for `::`


def _escape(ch: str) -> str:
    n = ord(ch)
    if ch in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch]
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def printable(text: object) -> str:
    """`text` (made a str) with every unsafe character escaped, and a leading `::` defused as `\\x3a:`."""
    s = str(text)
    if not s.isprintable():  # fast path: most names are plain
        s = "".join(_escape(c) if _unsafe(c) else c for c in s)
    if s.lstrip().startswith("::"):
        s = _COMMAND.sub(r"\1\\x3a", s, count=1)
    return s


def printable_json(text: str) -> str:
    """JSON text (as `json.dumps(ensure_ascii=False)` writes it) with the same characters escaped, as JSON does."""
    if text.isprintable():
        return text
    return "".join(json.dumps(c)[1:-1] if c not in "\n" and _unsafe(c) else c for c in text)

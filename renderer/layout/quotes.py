"""Typographic quotes in free text: straight " and ' become “ ” ‘ ’ (and a prime ′ after a one-letter name).

One function, `curly`, applied where free text is laid out (Ctx.text_lines, table cells), never to code or
monospaced text, and never inside `$…$` math (its ' is a prime the TeX layout draws itself).
A tensor or heat-map cell keeps its value as written: it is data (a token such as 're), not prose.
"""

from __future__ import annotations

import re
import unicodedata

_DOLLAR = re.compile(r"(?<!\\)\$")
_OPENERS = "([{（［｛「『《〈【—–-/"


def _opens_after(prev: str) -> bool:
    """A quote after this character (or at the start, prev == "") opens."""
    return prev == "" or prev.isspace() or prev in _OPENERS


def _closes_before(nxt: str) -> bool:
    """A quote before this character (or at the end) closes."""
    return nxt == "" or nxt.isspace() or (unicodedata.category(nxt)[0] == "P" and nxt not in "([{（「『《")


def _latin(c: str) -> bool:
    """A letter or digit of an alphabetic script (Latin, Greek…), not a CJK character."""
    return c.isalnum() and ord(c) < 0x2E80


def _curly_plain(s: str) -> str:
    out: list[str] = []
    opened = {'"': False, "'": False}  # the last quote of each kind opened (decides where position cannot)
    for i, ch in enumerate(s):
        if ch not in "\"'":
            out.append(ch)
            continue
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if ch == "'" and _latin(prev) and _latin(nxt):
            out.append("’")  # an apostrophe: model's, don't
            continue
        if (ch == "'" and _latin(prev) and prev.isalpha() and not nxt.isalpha()
                and not (i >= 2 and (s[i - 2].isalnum() or out[i - 2] == "‘"))):
            out.append("′")  # a prime after a one-letter name: s', Q(s', a')
            continue
        if ch == "'" and _latin(prev) and not opened["'"]:
            out.append("’")  # a closing apostrophe with no quote open: the policies' values
            continue
        if _opens_after(prev) and not _closes_before(nxt):
            opening = True
        elif _closes_before(nxt) and not _opens_after(prev):
            opening = False
        else:  # between two CJK characters, say: the other one of a pair
            opening = not opened[ch]
        opened[ch] = opening
        out.append(("“" if opening else "”") if ch == '"' else ("‘" if opening else "’"))
    return "".join(out)


def curly(text: str) -> str:
    """`text` with typographic quotes outside its `$…$` formulas (unchanged when it has no straight quote)."""
    if '"' not in text and "'" not in text:
        return text
    parts = _DOLLAR.split(text)
    if len(parts) % 2 == 0:  # an unbalanced $: left for the math layout to report, text unchanged
        return text
    return "$".join(p if i % 2 else _curly_plain(p) for i, p in enumerate(parts))

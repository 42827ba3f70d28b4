"""Text metrics from the real font file (uharfbuzz shaping) and line wrapping for Latin and CJK."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from .markup import SCRIPT_SCALE, split_scripts
from .theme import Theme


class FontNotFound(RuntimeError):
    """The theme's font file is not installed."""


@lru_cache(maxsize=8)
def _face(path: str, family: str) -> tuple[hb.Font, int]:
    blob = hb.Blob.from_file_path(path)
    for i in range(32):
        try:
            face = hb.Face(blob, i)
        except Exception:
            break
        name = face.get_name(hb.OTNameIdPredefined.FONT_FAMILY) or ""
        if name == family:
            return hb.Font(face), face.upem
    face = hb.Face(blob, 0)
    return hb.Font(face), face.upem


def font_file(theme: Theme, weight: int) -> Path:
    """The font file for a weight, found deterministically in the theme's folders (first hit wins)."""
    files = theme.fonts["files"]
    name = files["bold"] if weight >= 600 else files["regular"]
    for d in files["dirs"]:
        p = Path(d) / name
        if p.is_file():
            return p
    raise FontNotFound(
        f"font file {name} not found in {', '.join(files['dirs'])} "
        "(install Debian's fonts-noto-cjk: `make setup` does it)"
    )


class Metrics:
    """Measures and wraps text in the theme's font."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self.family = theme.fonts["sans"][0]
        self._fonts = {w: _face(str(font_file(theme, w)), self.family) for w in (400, 700)}
        self._mono = _face(str(font_file(theme, 400)), theme.fonts["mono"][0])

    @lru_cache(maxsize=65536)  # noqa: B019 - one Metrics per process
    def _advance(self, text: str, bold: bool, mono: bool) -> float:
        if not text:
            return 0.0
        font, upem = self._mono if mono else self._fonts[700 if bold else 400]
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(font, buf, {"kern": True, "liga": True})
        return sum(p.x_advance for p in buf.glyph_positions) / upem

    def has_glyph(self, ch: str) -> bool:
        """Whether the regular face can draw the character."""
        font, _ = self._fonts[400]
        return font.get_nominal_glyph(ord(ch)) is not None

    def width(self, text: str, size: float, weight: int = 400, mono: bool = False) -> float:
        """Advance width of one line in px (sub/superscript markup `_{…}`/`^{…}` measured as drawn)."""
        if "{" in text and ("_{" in text or "^{" in text):
            return sum(self._advance(t, weight >= 600, mono) * (size * SCRIPT_SCALE if k else size)
                       for t, k in split_scripts(text))
        return self._advance(text, weight >= 600, mono) * size

    def wrap(self, text: str, size: float, max_width: float | None, weight: int = 400,
             mono: bool = False) -> list[str]:
        """Break text into balanced lines no wider than max_width (like CSS `text-wrap: balance`).

        Greedy breaking at spaces or between CJK characters gives the number of lines; the narrowest
        width that keeps that number then spreads the words evenly, so no line is left with one word.
        """
        lines = self._greedy(text, size, max_width, weight, mono)
        if max_width is None or len(lines) < 2:
            return lines
        lo, hi = max_width / 2, max_width
        for _ in range(12):
            mid = (lo + hi) / 2
            if len(self._greedy(text, size, mid, weight, mono)) <= len(lines):
                hi = mid
            else:
                lo = mid
        return self._greedy(text, size, hi, weight, mono)

    def _greedy(self, text: str, size: float, max_width: float | None, weight: int = 400,
                mono: bool = False) -> list[str]:
        lines: list[str] = []
        for para in text.split("\n"):
            if max_width is None or self.width(para, size, weight, mono) <= max_width:
                lines.append(para)
                continue
            line = ""
            for tok in _tokens(para):
                cand = line + tok
                if line and self.width(cand.rstrip(), size, weight, mono) > max_width:
                    lines.append(line.rstrip())
                    line = tok.lstrip()
                else:
                    line = cand
            lines.append(line.rstrip())
        return lines


_TOKEN = re.compile(r"\s*[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+|\s*.", re.S)


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: Latin words (with leading space) or single CJK characters/punctuation."""
    toks = _TOKEN.findall(text)
    # keep closing CJK punctuation with the character before it (no line starts with ，。）)
    out: list[str] = []
    for t in toks:
        if out and len(t) == 1 and unicodedata.category(t) in ("Po", "Pe", "Pf") and t not in "'\"":
            out[-1] += t
        else:
            out.append(t)
    return out

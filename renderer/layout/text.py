"""Text metrics from the real font file (uharfbuzz shaping) and line wrapping for Latin and CJK."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from ..scene import Group, Prim, Text
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


def font_file(theme: Theme, weight: int, latin: bool = False, face: str | None = None) -> Path:
    """The font file for a face (cjk, latin or symbols; `latin=True` is the latin face) and weight, found
    deterministically in the theme's folders (first hit wins)."""
    files = theme.fonts["files"]
    face = face or ("latin" if latin else "cjk")
    key = ("" if face == "cjk" else f"{face}_") + ("bold" if weight >= 600 else "regular")
    name = files[key]
    for d in files["dirs"]:
        p = Path(d) / name
        if p.is_file():
            return p
    package = (theme.fonts.get("packages") or {}).get(key, "fonts-noto-cjk" if face == "cjk" else "fonts-noto-core")
    raise FontNotFound(
        f"font file {name} not found in {', '.join(files['dirs'])} "
        f"(install Debian's {package}: `make setup` does it)"
    )


# Characters the CJK face draws whatever the Latin face has: Hangul Jamo, CJK radicals, ideographic
# description, CJK symbols and punctuation, kana, bopomofo, Hangul, CJK strokes, enclosed CJK and
# compatibility, ideographs (extension A, URO, compatibility, planes 2-3), vertical and compatibility
# forms, half- and full-width forms.
_CJK = re.compile("[\u1100-\u11FF\u2E80-\u2FDF\u2FF0-\u303F\u3040-\u33FF\u3400-\u4DBF\u4E00-\u9FFF"
                  "\uA960-\uA97F\uAC00-\uD7FF\uF900-\uFAFF\uFE10-\uFE1F\uFE30-\uFE4F\uFF00-\uFFEF"
                  "\U00020000-\U0003FFFF]")

Run = tuple[str, str]  # (text, the face that draws it: "latin", "symbols" or "cjk")
FACES = ("latin", "symbols", "cjk")  # the order a character's face is looked for in


class Metrics:
    """Measures and wraps text in the theme's fonts: each character in the face that should draw it."""

    def __init__(self, theme: Theme):
        self.theme = theme
        fonts = theme.fonts
        self.family = fonts["sans"][0]
        self.latin_family = fonts["latin"][0]
        self._fonts = {w: _face(str(font_file(theme, w)), self.family) for w in (400, 700)}
        self._latin = {w: _face(str(font_file(theme, w, latin=True)), self.latin_family) for w in (400, 700)}
        # symbols the Latin face lacks (U+2212 minus, arrows, ≤, ∞) from a face designed with it (Noto Sans Math)
        self.families = {"latin": tuple(fonts["latin"]), "cjk": tuple(fonts["sans"])}
        self._faces = {"latin": self._latin, "cjk": self._fonts}
        if fonts.get("symbols") and "symbols_regular" in fonts["files"]:
            self.families["symbols"] = tuple(fonts["symbols"])
            self._faces["symbols"] = {w: _face(str(font_file(theme, w, face="symbols")), fonts["symbols"][0])
                                      for w in (400, 700)}
        self._mono = _face(str(font_file(theme, 400)), fonts["mono"][0])

    @lru_cache(maxsize=8192)  # noqa: B019 - one Metrics per process; a few hundred distinct characters
    def _face_of(self, ch: str) -> str | None:
        """The face that draws `ch`; None for spaces and combining marks (they join a neighbour)."""
        if ch.isspace() or unicodedata.combining(ch):
            return None
        if _CJK.match(ch):
            return "cjk"
        for name in ("latin", "symbols"):
            if name in self._faces and self._faces[name][400][0].get_nominal_glyph(ord(ch)) is not None:
                return name
        return "cjk"

    @lru_cache(maxsize=65536)  # noqa: B019 - one Metrics per process
    def runs(self, text: str) -> tuple[Run, ...]:
        """The text cut where the drawing face changes: (piece, face) runs, in order.

        Latin letters, digits, punctuation, `·`, `×`, quotes, Greek… → "latin"; what the Latin face lacks but
        the symbols face has (`−`, arrows, `≤`, `∞`) → "symbols"; CJK ideographs, kana, CJK punctuation,
        full-width forms and anything else → "cjk". Spaces and combining marks stay in the run they follow
        (at the start: the run after them).
        """
        faces = [self._face_of(ch) for ch in text]
        known = [f for f in faces if f is not None]
        prev = known[0] if known else "latin"
        out: list[list] = []
        for ch, f in zip(text, faces, strict=True):
            f = prev if f is None else f
            prev = f
            if out and out[-1][1] == f:
                out[-1][0] += ch
            else:
                out.append([ch, f])
        return tuple((t, f) for t, f in out)

    @lru_cache(maxsize=65536)  # noqa: B019 - one Metrics per process
    def _advance(self, text: str, bold: bool, mono: bool) -> float:
        if not text:
            return 0.0
        if mono:
            return self._shaped(text, *self._mono)
        w = 700 if bold else 400
        return sum(self._shaped(t, *self._faces[face][w]) for t, face in self.runs(text))

    @staticmethod
    def _shaped(text: str, font: hb.Font, upem: int) -> float:
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(font, buf, {"kern": True, "liga": True})
        return sum(p.x_advance for p in buf.glyph_positions) / upem

    def ink(self, ch: str, size: float, weight: int = 400) -> tuple[float, float, float, float]:
        """Ink bounds (left, right, top, bottom) of one character in px from its pen origin on the baseline
        (y up, as in the font), from the shaped glyph's extents in the face that draws it."""
        font, upem = self._faces[self.runs(ch)[0][1]][700 if weight >= 600 else 400]
        buf = hb.Buffer()
        buf.add_str(ch)
        buf.guess_segment_properties()
        hb.shape(font, buf, {"kern": True, "liga": True})
        e = font.get_glyph_extents(buf.glyph_infos[0].codepoint)
        k = size / upem
        return (e.x_bearing * k, (e.x_bearing + e.width) * k, e.y_bearing * k, (e.y_bearing + e.height) * k)

    def has_glyph(self, ch: str) -> bool:
        """Whether one of the faces (regular) can draw the character."""
        return any(f[400][0].get_nominal_glyph(ord(ch)) is not None for f in self._faces.values())

    def faced(self, items: list[Prim] | tuple[Prim, ...]) -> list[Prim]:
        """The primitives with every text in the theme's sans font cut into runs, each naming its face."""
        latin = self.families["latin"]

        def one(p: Prim) -> Prim:
            if isinstance(p, Group):
                return replace(p, children=tuple(one(c) for c in p.children))
            if not isinstance(p, Text) or not p.family or p.family[0] != self.family:
                return p
            runs = tuple((t, self.families[face]) for t, face in self.runs(p.text))
            if len(runs) <= 1:
                return replace(p, family=runs[0][1] if runs else latin)
            return replace(p, family=latin, runs=runs)

        return [one(p) for p in items]

    def width(self, text: str, size: float, weight: int = 400, mono: bool = False) -> float:
        """Advance width of one line in px (sub/superscript markup `_{…}`/`^{…}` measured as drawn)."""
        if "{" in text and ("_{" in text or "^{" in text):
            return sum(self._advance(t, weight >= 600, mono) * (size * SCRIPT_SCALE if k else size)
                       for t, k in split_scripts(text))
        return self._advance(text, weight >= 600, mono) * size

    def unit_width(self, text: str) -> float:
        """Advance of one line at font size 1 (a stable bound method: a cache key for formula layout)."""
        return self.width(text, 1.0)

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


_CJK_RUN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]{2,}")


@lru_cache(maxsize=1)
def _segmenter() -> Callable[[str], list[str]] | None:
    """Chinese word segmentation (jieba's dictionary, through rjieba), so lines break between words, not
    inside them; None without rjieba (then any two CJK characters may be split)."""
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba.cut


def _words(toks: list[str]) -> list[str]:
    """Runs of single CJK characters joined into the words they spell (each one unbreakable piece); a run
    starts at a space (kept on its first word) or after a Latin word."""
    if not any(_cjk_char(t) for t in toks):  # no Chinese: the dictionary is not even loaded
        return toks
    cut = _segmenter()
    if cut is None:
        return toks
    out: list[str] = []
    k = 0
    while k < len(toks):
        j = k + 1 if _cjk_char(toks[k]) else k
        while j < len(toks) and j > k and _cjk_char(toks[j]) and toks[j] == toks[j].lstrip():
            j += 1
        if j - k >= 2:
            lead = toks[k][: len(toks[k]) - len(toks[k].lstrip())]
            words = cut("".join(t.lstrip() for t in toks[k:j]))
            out += [lead + words[0], *words[1:]]
            k = j
        else:
            out.append(toks[k])
            k += 1
    return out


def _cjk_char(tok: str) -> bool:
    t = tok.lstrip()
    return len(t) == 1 and bool(_CJK_RUN.match(t * 2))


_RELATIONS = frozenset("=≈≠≤≥")  # a token ending in one never ends a line ("loss =", "p(x)=")
_OPERATORS = frozenset("+−×·<>±÷") | _RELATIONS  # a token of these alone never ends a line ("a + b", "奖励+惩罚")


def dangles(tok: str) -> bool:
    """A line may not end with this token: a binary operator (`+`, `−`, `×`, `·`, `<`, `>`, `±`, `÷` standing
    alone) or anything ending in a relation (`=`, `≈`, `≠`, `≤`, `≥`); the line breaks before it instead.
    A hyphen is not an operator, nor `C++` or `<eos>` (they do not stand alone)."""
    t = tok.strip()
    return bool(t) and (t[-1] in _RELATIONS or all(c in _OPERATORS for c in t))


def lone_cjk_mark(text: str) -> bool:
    """The whole text is one CJK punctuation mark (。，、：？…): drawn centred by its ink, not its advance."""
    return len(text) == 1 and unicodedata.category(text)[0] == "P" and bool(_CJK.match(text))


_GROUP = re.compile(r"[(\[][^()\[\]\s][^()\[\]\n]{0,14}[)\]]")  # a short (…) or […]: (s, a), [0, 1]
_KEEP = "\uE000"  # a space inside such a group while the text is cut into tokens


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: Latin words (with leading space), Chinese words, or single CJK punctuation.

    A short bracketed group, `(s, a)` or `[0, 1]`, is one piece: a line never breaks between its items."""
    if " " in text and ("(" in text or "[" in text):
        text = _GROUP.sub(lambda m: m.group(0).replace(" ", _KEEP), text)
        return [t.replace(_KEEP, " ") for t in _tokens_of(text)]
    return _tokens_of(text)


def _tokens_of(text: str) -> list[str]:
    toks = _words(_TOKEN.findall(text))
    # keep closing CJK punctuation with the character before it (no line starts with ，。）)
    out: list[str] = []
    for t in toks:
        if out and len(t) == 1 and unicodedata.category(t) in ("Po", "Pe", "Pf") and t not in "'\"":
            out[-1] += t
        elif out and len(out[-1]) == 1 and unicodedata.category(out[-1]) in ("Ps", "Pi") and out[-1] not in "'\"":
            out[-1] += t  # and no line ends with an opening （「“
        elif out and dangles(out[-1]):
            out[-1] += t  # nor with "=" or "+": "a = b + c" breaks before an operator, which keeps what follows it
        else:
            out.append(t)
    return out

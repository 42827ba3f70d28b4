"""What `vizspec diff` shows a reviewer: pixel differences and the Markdown summary a CI job can post.

`pixel_diff` compares the before/after PNGs of a diagram: the changed pixels are counted and drawn red over a
faded copy of the after image (sizes that differ are compared on the larger canvas, white-padded). `summary_md`
lists the changed diagrams first with their changed pixels and values, the unchanged ones folded into a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

CHANGED_RGB = (235, 98, 82)  # the theme's red: a changed pixel
FADE = 0.25  # how much of the after image shows under the overlay
TOLERANCE = 8  # a channel differing by at most this (antialiasing noise) is not a change
_RED = CHANGED_RGB[0] | CHANGED_RGB[1] << 8 | CHANGED_RGB[2] << 16 | 0xFF << 24  # as an RGBA word
STATUS_ORDER = ("failed", "changed", "added", "deleted", "unchanged")
MAX_MD_VALUES = 8  # changed values listed per diagram in the summary


@dataclass
class PixelDiff:
    """Changed pixels of one image pair, their bounding box (x0, y0, x1, y1) and the overlay written."""

    changed: int
    total: int
    bbox: tuple[int, int, int, int] | None
    size_changed: bool

    def as_dict(self) -> dict[str, Any]:
        return {"changed": self.changed, "total": self.total, "bbox": self.bbox, "size_changed": self.size_changed}


def _pixels(path: Path) -> np.ndarray:
    """The PNG as a height × width array of 32-bit RGBA words (little-endian: red the low byte), opaque
    (alpha composited on white)."""
    from ..backends.png import decode_png

    px = decode_png(path.read_bytes())  # ours (unfiltered rows): without Pillow's decoder, 5× faster
    if px is not None and px.shape[2] == 4:
        words = np.ascontiguousarray(px).view("<u4")[..., 0]
        if not (words < 0xFF000000).any():  # opaque, as our PNGs are: nothing to composite
            return words
    rgb = px if px is not None and px.shape[2] == 3 else _rgb_pillow(path)  # RGB, or with transparency
    rgba = np.empty((*rgb.shape[:2], 4), np.uint8)
    rgba[..., :3], rgba[..., 3] = rgb, 255
    return rgba.view("<u4")[..., 0]


def _rgb_pillow(path: Path) -> np.ndarray:
    """Any PNG as 8-bit RGB, alpha composited on white (Pillow)."""
    from PIL import Image

    with Image.open(path) as im:
        im.load()
        if im.mode in ("RGBA", "LA", "P"):
            bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
            bg.alpha_composite(im.convert("RGBA"))
            im = bg
        return np.asarray(im.convert("RGB"))


def _pad(a: np.ndarray, h: int, w: int) -> np.ndarray:
    if a.shape == (h, w):
        return a
    out = np.full((h, w), 0xFFFFFFFF, "<u4")  # white
    out[:a.shape[0], :a.shape[1]] = a
    return out


# Per-byte tests on whole 32-bit words (SWAR): a byte x of a word w is over TOLERANCE exactly when the high bit
# of ((x & 0x7F) + 127 − TOLERANCE) | x is set (no carry crosses a byte: at most 0x7F + 0x7F)
_LOW7, _HIGH_RGB = 0x7F7F7F7F, 0x00808080  # (the alpha byte, the word's high one, is not compared)
_OVER = (127 - TOLERANCE) * 0x01010101
assert 0 <= TOLERANCE <= 127 and FADE == 0.25  # what _OVER and _fade compute


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pixel, nonzero where some colour channel differs by more than TOLERANCE (words of equal shape)."""
    a8, b8 = a.view(np.uint8), b.view(np.uint8)
    d = np.maximum(a8, b8)
    d -= np.minimum(a8, b8)  # |a − b| per byte, on contiguous memory (channel views are strided and slow)
    d32 = d.view("<u4")
    flag = d32 & _LOW7
    flag += _OVER
    flag |= d32
    flag &= _HIGH_RGB
    return flag


def _fade(words: np.ndarray) -> np.ndarray:
    """Each channel v as 255 − ⌈(255 − v) / 4⌉, i.e. int(255 − FADE·(255 − v)) with FADE = ¼, on whole words:
    k = 255 − v is ~v; ⌈k/4⌉ = ⌊k/4⌋ + (k mod 4 ≠ 0), both per byte without carries (alpha 255 stays 255)."""
    k = ~words
    c = k >> 2
    c &= 0x3F3F3F3F
    k |= k >> 1
    k &= 0x01010101
    c += k
    return ~c


def pixel_diff(before: Path, after: Path, overlay: Path | None = None) -> PixelDiff:
    """Count the pixels that differ between two PNGs; write the red-on-faded overlay to `overlay` (only when
    some pixel changed). Pixels are compared as 32-bit words (a 2× diagram's channels one by one, in 16-bit,
    took 0.4 s; channel by channel in 8-bit 30 ms; as words a few)."""
    b, a = _pixels(before), _pixels(after)
    h, w = max(b.shape[0], a.shape[0]), max(b.shape[1], a.shape[1])
    size_changed = b.shape != a.shape
    b, a = _pad(b, h, w), _pad(a, h, w)
    flag = _changed(a, b)
    changed = int(np.count_nonzero(flag))
    bbox = None
    if changed:
        cols, rows = np.flatnonzero(flag.any(axis=0)), np.flatnonzero(flag.any(axis=1))
        bbox = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    if overlay is not None and changed:
        from ..backends.png import encode_png

        faded = _fade(a)
        faded[flag != 0] = _RED
        overlay.write_bytes(encode_png(faded.view(np.uint8).reshape(h, w, 4), w, h))
    return PixelDiff(changed, h * w, bbox, size_changed)


def sort_items(items: list[Any]) -> list[Any]:
    """Failed, changed, added and deleted diagrams first (most changed pixels first), unchanged last."""
    def key(it: Any) -> tuple:
        rank = STATUS_ORDER.index(it.status) if it.status in STATUS_ORDER else len(STATUS_ORDER)
        return rank, -changed_pixels(it), it.id

    return sorted(items, key=key)


def changed_pixels(it: Any) -> int:
    """Changed pixels over both languages."""
    return sum(p.get("changed", 0) for p in (getattr(it, "pixels", None) or {}).values())


def summary_md(items: list[Any], ref: str, base: str, link: str = "") -> str:
    """The Markdown summary: a table of what changed, the values that changed, unchanged ones counted."""
    items = sort_items(items)
    moved = [it for it in items if it.status != "unchanged"]
    same = [it for it in items if it.status == "unchanged"]
    lines = [f"## vizspec diff against `{ref}` (`{base[:12]}`)", "",
             f"{len(moved)} of {len(items)} diagram(s) changed, {sum(len(it.values) for it in items)} computed "
             f"value(s) changed, {len(same)} unchanged." + (f" Images: {link}" if link else ""), ""]
    if moved:
        lines += ["| diagram | status | changed pixels (en / zh) | values changed | why |",
                  "|---|---|---|---|---|"]
        for it in moved:
            px = " / ".join(_px((it.pixels or {}).get(lang)) for lang in ("en", "zh"))
            lines.append(f"| `{it.id}` | {it.status} | {px} | {len(it.values)} | {it.reason} |")
        lines.append("")
    for it in moved:
        if it.values:
            lines.append(f"<details><summary><code>{it.id}</code>: {len(it.values)} value(s)</summary>\n")
            lines += ["| value | before | after |", "|---|---|---|"]
            for r in it.values[:MAX_MD_VALUES]:
                lines.append(f"| `{r['path']}` | {_cell(r['before'])} | {_cell(r['after'])} |")
            if len(it.values) > MAX_MD_VALUES:
                lines.append(f"| … {len(it.values) - MAX_MD_VALUES} more | | |")
            lines += ["", "</details>", ""]
        problems = [p for side in ("before", "after") for p in it.__dict__[side].get("problems", [])]
        if problems:
            lines += [f"`{it.id}`:", "```", *problems, "```", ""]
    if same:
        lines += [f"<details><summary>{len(same)} unchanged</summary>\n", ", ".join(f"`{it.id}`" for it in same),
                  "", "</details>", ""]
    return "\n".join(lines)


def _px(p: dict[str, Any] | None) -> str:
    if not p:
        return "—"
    share = 100 * p["changed"] / p["total"] if p["total"] else 0
    return f"{p['changed']:,} ({share:.2g} %)" + (" resized" if p.get("size_changed") else "")


def readable(v: Any) -> Any:
    """Floats rounded to 6 significant digits for display (4.800000000000001 → 4.8); the JSON keeps them."""
    if isinstance(v, float):
        return float(f"{v:.6g}")
    if isinstance(v, list):
        return [readable(x) for x in v]
    if isinstance(v, dict):
        return {k: readable(x) for k, x in v.items()}
    return v


def value_text(v: Any, limit: int) -> str:
    """A value as readable JSON text of at most `limit` characters."""
    import json

    text = json.dumps(readable(v), ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _cell(v: Any) -> str:
    return value_text(v, 60).replace("|", "\\|")

"""The gallery's detail page of one diagram: `diagrams/<id>.html` in the output folder.

The diagram large (both languages side by side, or one of them), its caption, every computed value with the
function and arguments that produced it, the downloads, the spec source (highlighted) and the attribution.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from ..layout.markup import split_scripts
from ..project import ROOT
from ..spec.langs import LANGS
from ..spec.yamlpos import MAX_BYTES
from ..trust import Refused, read_file

DETAIL_DIR = "diagrams"
LANG_NAMES = {"en": "EN", "zh": "中文"}
BOTH = "both"
_SAFE = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_KEY = re.compile(rb'<meta name="vizspec-page" content="([0-9a-f]{32})">')
KEY_BYTES = 512  # the key sits in the first bytes of a page


def detail_href(did: str) -> str:
    """The detail page of a diagram, relative to the output folder (a hash names it if the id cannot)."""
    if not _SAFE.fullmatch(did):  # a failed spec's id may be anything: too long, or not a file name
        did = "id-" + hashlib.sha256(did.encode("utf-8", "replace")).hexdigest()[:16]
    return f"{DETAIL_DIR}/{did}.html"


# a caption's TeX-style one-character script, `δ_t`, `μ_θ(s)`, `E_q[f]`, `x^2`: one letter or digit right after
# a non-space character and not followed by another (so `max_width`, `v_next`, `2^(−8h/n)` stay as written)
_SHORT_SCRIPT = re.compile(r"(?<=\S)([_^])([^\W_])(?!\w)")


def markup_html(text: str) -> str:
    """Caption text as HTML: `G_{t+1}` and `x^{2}` become sub- and superscripts, and so does a one-character
    script as TeX writes it (`δ_t`, `π_θ(a|s)`); the rest is escaped."""
    tags = {"_": "sub", "^": "sup"}
    out = []
    for part, kind in split_scripts(text):
        if kind:
            out.append(f"<{tags[kind]}>{escape(part)}</{tags[kind]}>")
            continue
        pos = 0
        for m in _SHORT_SCRIPT.finditer(part):
            out.append(escape(part[pos:m.start()]) + f"<{tags[m[1]]}>{escape(m[2])}</{tags[m[1]]}>")
            pos = m.end()
        out.append(escape(part[pos:]))
    return "".join(out)


@cache
def _code_fingerprint() -> bytes:
    """What, besides its inputs, a detail page's bytes depend on: this code, the markup parser, pygments."""
    import pygments

    from ..layout import markup

    h = hashlib.sha256(pygments.__version__.encode())
    for mod in (__file__, markup.__file__):
        h.update(Path(mod).read_bytes())
    return h.digest()


def detail_key(it: dict[str, Any], credit: dict[str, str], chapter_name: dict[str, str]) -> str:
    """A digest of everything a detail page is made from: equal keys, equal pages (so a page can be kept)."""
    h = hashlib.sha256(_code_fingerprint())
    h.update(json.dumps([it, credit, chapter_name], sort_keys=True, default=str, ensure_ascii=False).encode())
    try:
        h.update(read_file(Path(it.get("path") or ""), MAX_BYTES))
    except (Refused, OSError):
        h.update(b"\0unreadable")
    return h.hexdigest()[:32]


def page_key(head: bytes) -> str | None:
    """The key a written detail page was made with (from its first bytes), or None."""
    m = _KEY.search(head)
    return m.group(1).decode() if m else None


def spec_source_html(path: str) -> tuple[str, str]:
    """(highlighted HTML, path shown) of the spec file; empty HTML if it cannot be read."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import YamlLexer

    p = Path(path)
    try:
        shown = str(p.resolve().relative_to(ROOT))
    except ValueError:
        shown = p.name
    try:
        text = read_file(p, MAX_BYTES).decode("utf-8")
    except (Refused, OSError, UnicodeDecodeError):
        return "", shown
    return highlight(text, YamlLexer(), HtmlFormatter(cssclass="src", nowrap=False)), shown


@cache
def source_css() -> str:
    """The highlighting colours of the spec source (the same for every page)."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="friendly").get_style_defs(".src")


def _values_table(values: list[dict[str, str]],
                  empty: str = "This diagram computes nothing: every number in it is an input.") -> str:
    if not values:
        return f'<p class="none">{escape(empty)}</p>'
    rows = "".join(f'<tr><th scope="row"><code>{escape(v["name"])}</code></th><td><code>{escape(v["fn"])}'
                   f'({escape(v["args"])})</code></td><td><code>{escape(v["result"])}</code></td></tr>'
                   for v in values)
    return ('<table class="values"><thead><tr><th scope="col">name</th><th scope="col">function (arguments)</th>'
            f'<th scope="col">result</th></tr></thead><tbody>{rows}</tbody></table>')


def _sweep_controls(sweep: dict[str, Any] | None) -> tuple[str, str]:
    """(slider with play button, per-frame tables of the computed values that change) of a sweep, or empty."""
    if not sweep:
        return "", ""
    n = len(sweep["changing"])
    start = min(max(int(sweep.get("start") or 0), 0), n - 1)
    labels = "".join(f'<span class="l-{lang}" lang="{lang}">{escape(sweep["label"].get(lang) or "")}</span>'
                     for lang in LANGS)
    ticks = "".join(f'<span class="frame-value l-{lang}" lang="{lang}" data-frame="{i}">{escape(v)}</span>'
                    for lang in LANGS for i, v in enumerate(sweep["values"].get(lang) or []))
    controls = (f'<div class="sweep" data-frames="{n}" data-start="{start}" data-seconds="{sweep.get("seconds", 1.5)}">'
                f'<label for="sweep-slider">{labels}</label>'
                f'<input id="sweep-slider" type="range" min="0" max="{n - 1}" step="1" value="{start}">'
                f'<output for="sweep-slider" id="sweep-value">{ticks}</output>'
                '<button type="button" id="sweep-play" aria-pressed="false">▶ play</button></div>')
    tables = "".join(f'<div class="frame-values" data-frame="{i}"{"" if i == start else " hidden"}>'
                     f'{_values_table(rows, "Nothing computed changes between frames.")}</div>'
                     for i, rows in enumerate(sweep["changing"]))
    return controls, f'<h2>What changes across the frames</h2>{tables}'


def detail_html(it: dict[str, Any], credit: dict[str, str], chapter_name: dict[str, str], key: str = "") -> str:
    """The detail page of one gallery item (paths relative to `diagrams/`); a sweep gets a slider over its frames.

    `key` (detail_key's) is written into the page's head, so a later build can keep a page whose inputs are the same.
    """
    figs, caps, titles, downloads = [], [], [], []
    sweep = it.get("sweep")
    for lang in LANGS:
        outputs = it["outputs"].get(lang, {})
        titles.append(f'<h1 class="l-{lang}" lang="{lang}">{escape(it["title"][lang])}</h1>')
        img = outputs.get("svg") or outputs.get("png")
        frames = (sweep or {}).get("frames", {}).get(lang)
        if frames and all(frames):
            start = min(max(int(sweep.get("start") or 0), 0), len(frames) - 1)
            paths = escape(json.dumps(["../" + f for f in frames]))
            figs.append(f'<figure class="l-{lang}" lang="{lang}"><img class="frame" data-frames="{paths}" '
                        f'src="../{escape(frames[start])}" alt="{escape(it["title"][lang])}">'
                        f'<figcaption>{LANG_NAMES.get(lang, lang)}</figcaption></figure>')
        elif img:
            figs.append(f'<figure class="l-{lang}" lang="{lang}"><img src="../{escape(img)}" '
                        f'alt="{escape(it["title"][lang])}"><figcaption>{LANG_NAMES.get(lang, lang)}</figcaption>'
                        "</figure>")
        cap = it["caption"].get(lang)
        if cap:
            caps.append(f'<p class="caption l-{lang}" lang="{lang}">{markup_html(cap)}</p>')
        if outputs:
            links = " ".join(f'<a href="../{escape(rel)}" download>{escape(fmt.upper())}</a>'
                             for fmt, rel in outputs.items())
            animated = (sweep or {}).get("animated", {}).get(lang)
            if animated:
                links += f' <a href="../{escape(animated)}" download>animated SVG</a>'
            downloads.append(f'<span lang="{lang}">{LANG_NAMES.get(lang, lang)}: {links}</span>')
    src_html, shown = spec_source_html(it.get("path") or "")
    problems = ('<pre class="error">' + escape("\n".join(it["problems"])) + "</pre>") if it["problems"] else ""
    chapter = "".join(f'<span class="l-{lang}" lang="{lang}">{escape(chapter_name.get(lang) or it["chapter"])}'
                      "</span>" for lang in LANGS)
    credits = "".join(f'<p class="credit l-{lang}" lang="{lang}">{escape(credit.get(lang, ""))}</p>'
                      for lang in LANGS if credit.get(lang))
    tags = " ".join(f'<a class="tag" href="../index.html?q={escape(t)}">#{escape(t)}</a>' for t in it["tags"])
    names = {**LANG_NAMES, BOTH: " | ".join(LANG_NAMES.get(lang, lang) for lang in LANGS)}
    buttons = "".join(f'<button type="button" class="lang" data-lang="{lang}">{names.get(lang, lang)}</button>'
                      for lang in (BOTH, *LANGS))
    source = (f'<h2>Spec <code>{escape(shown)}</code></h2>{src_html}' if src_html else "")
    controls, frame_values = _sweep_controls(sweep)
    return _PAGE.format(
        title=escape(it["title"][LANGS[0]]), did=escape(it["id"]), titles="".join(titles), buttons=buttons,
        chapter=chapter, chapter_id=escape(it["chapter"]), figures="".join(figs), captions="".join(caps),
        problems=problems, values=_values_table(it.get("values") or []), downloads=" · ".join(downloads),
        tags=tags, source=source, credits=credits, css=source_css(), shared=SHARED_CSS, sweep=controls,
        frame_values=frame_values, key=key)


SHARED_CSS = """\
body { font-family: "Noto Sans CJK SC", "Noto Sans", system-ui, sans-serif; margin: 0; color: #000;
       background: #fafafa; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid #BFBFBF;
         padding: 10px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
button.lang { font: inherit; border: 1px solid #BFBFBF; background: #F2F2F2; border-radius: 6px;
              padding: 3px 10px; cursor: pointer; }
button.lang.on { background: #71CCF5; }"""  # the index and the detail pages share their frame

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="vizspec-page" content="{key}">
<title>{title} · vizspec</title>
<link rel="icon" href="data:,">
<style>
{shared}
header a {{ color: #4472C4; }}
main {{ padding: 10px 20px 40px; }}
.figures {{ display: flex; gap: 16px; flex-wrap: wrap; }}
figure {{ margin: 0; flex: 1 1 560px; background: #fff; border: 1px solid #D9D9D9; border-radius: 10px;
         padding: 10px; }}
figure img {{ width: 100%; height: auto; display: block; }}
figcaption {{ font-size: 12px; color: #7F7F7F; }}
.caption {{ max-width: 70em; line-height: 1.5; }}
.caption sub, .caption sup {{ line-height: 0; }}
h2 {{ font-size: 16px; color: #4472C4; border-bottom: 1px solid #DEEBF7; padding-bottom: 4px; margin-top: 24px; }}
table.values {{ border-collapse: collapse; font-size: 13px; }}
table.values th, table.values td {{ border: 1px solid #D9D9D9; padding: 4px 8px; text-align: left;
                                    vertical-align: top; }}
table.values td:last-child {{ max-width: 48em; overflow-wrap: anywhere; }}
.meta, .credit {{ font-size: 13px; color: #595959; }}
.tag {{ font-size: 12px; background: #DEEBF7; border-radius: 4px; padding: 0 5px; color: #000;
       text-decoration: none; }}
.src {{ font-size: 12px; background: #fff; border: 1px solid #D9D9D9; border-radius: 6px; padding: 8px;
       overflow-x: auto; }}
pre.error {{ white-space: pre-wrap; font-size: 12px; background: #FFF2CC; border-left: 3px solid #EB6252;
            padding: 6px; }}
.none {{ color: #7F7F7F; }}
.sweep {{ display: flex; gap: 12px; align-items: center; margin: 8px 0 12px; font-size: 15px; }}
.sweep label {{ font-weight: 700; }}
.sweep input[type=range] {{ width: min(420px, 50vw); }}
.sweep output {{ min-width: 4em; font-weight: 700; color: #4472C4; }}
.sweep button {{ font: inherit; border: 1px solid #BFBFBF; background: #F2F2F2; border-radius: 6px;
                padding: 3px 10px; cursor: pointer; }}
.frame-value:not(.on) {{ display: none; }}
body[data-lang="en"] .l-zh, body[data-lang="zh"] .l-en {{ display: none; }}
body[data-lang="both"] h1.l-zh, body[data-lang="both"] .credit.l-zh,
body[data-lang="both"] .meta .l-zh, body[data-lang="both"] .sweep .l-zh {{ display: none; }}
{css}
</style>
</head>
<body data-lang="both">
<header>
<a href="../index.html#d-{did}">← gallery</a>
{titles}
<span class="langs">{buttons}</span>
</header>
<main>
<p class="meta"><code>{did}</code> · <a href="../index.html#ch-{chapter_id}">{chapter}</a> {tags}</p>
{problems}
{sweep}
<div class="figures">{figures}</div>
{captions}
<p class="meta downloads">{downloads}</p>
<h2>Computed values</h2>
{values}
{frame_values}
{source}
{credits}
</main>
<script>
(function () {{
  "use strict";
  function setLang(lang) {{
    document.body.setAttribute("data-lang", lang);
    document.querySelectorAll("button.lang").forEach(function (b) {{
      b.classList.toggle("on", b.getAttribute("data-lang") === lang);
    }});
  }}
  document.querySelectorAll("button.lang").forEach(function (b) {{
    b.addEventListener("click", function () {{ setLang(b.getAttribute("data-lang")); }});
  }});
  setLang(new URL(location.href).searchParams.get("lang") || "both");
  var sweep = document.querySelector(".sweep");
  if (!sweep) {{ return; }}
  var slider = document.getElementById("sweep-slider");
  var play = document.getElementById("sweep-play");
  var n = parseInt(sweep.getAttribute("data-frames"), 10);
  var timer = null;
  function show(i) {{
    slider.value = String(i);
    document.querySelectorAll("img.frame").forEach(function (img) {{
      img.src = JSON.parse(img.getAttribute("data-frames"))[i];
    }});
    document.querySelectorAll(".frame-values").forEach(function (d) {{
      d.hidden = d.getAttribute("data-frame") !== String(i);
    }});
    document.querySelectorAll(".frame-value").forEach(function (s) {{
      s.classList.toggle("on", s.getAttribute("data-frame") === String(i));
    }});
    document.body.setAttribute("data-frame", String(i));
  }}
  slider.addEventListener("input", function () {{ show(parseInt(slider.value, 10)); }});
  play.addEventListener("click", function () {{
    if (timer) {{
      clearInterval(timer); timer = null;
      play.textContent = "▶ play"; play.setAttribute("aria-pressed", "false");
      return;
    }}
    play.textContent = "❚❚ pause"; play.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {{ show((parseInt(slider.value, 10) + 1) % n); }},
                        1000 * parseFloat(sweep.getAttribute("data-seconds")));
  }});
  show(parseInt(sweep.getAttribute("data-start"), 10));
}})();
</script>
</body>
</html>
"""

"""The gallery: `index.html` and `gallery.json` in the output folder, every diagram by chapter.

Written from the build stamps (so it lists every diagram rendered into the folder, not only the ones
this run touched). The page is static HTML with a small script: a language switch and a search box
that filters by id, title, caption, tag and computed value in both languages. Each diagram also gets a detail
page (gallery_detail). No timestamps: the same build gives the same bytes.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from .. import __version__
from ..layout.markup import plain
from ..spec.langs import LANGS
from .chapters import chapter_title
from .files import write_atomic
from .gallery_detail import (
    DETAIL_DIR,
    KEY_BYTES,
    SHARED_CSS,
    detail_href,
    detail_html,
    detail_key,
    markup_html,
    page_key,
)
from .sweeps import sweep_part

FORMAT_ORDER = ("svg", "png", "pptx")
THUMB_ORDER = ("svg", "png")  # SVG first: a tenth of the bytes of the 2× PNG, and sharp at any size
LANG_NAMES = {"en": "EN", "zh": "中文"}
_BIG = 10**9


def gallery_items(entries: dict[str, dict], out: Path) -> list[dict[str, Any]]:
    """One item per diagram (rendered or failed) with the outputs that exist, sorted by chapter and order."""
    items = []
    for path, e in entries.items():
        did = e.get("id") or Path(path).stem
        meta = e.get("meta") or {}
        outputs: dict[str, dict[str, str]] = {}
        frames: dict[str, dict[int | str, str]] = {}  # lang -> {frame index or "animated": rel}
        for rel in sorted(e.get("targets") or {}):
            fmt, lang = rel.split("/")[:2]
            if not (Path(out) / rel).is_file():
                continue
            part = sweep_part(rel, lang, did)
            if part is not None:
                frames.setdefault(lang, {})[part] = rel
            else:
                outputs.setdefault(lang, {})[fmt] = rel
        if not outputs and not e.get("problems"):
            continue
        title = meta.get("title") or {}
        items.append({
            "id": did,
            "chapter": meta.get("chapter") or Path(path).parent.name,
            "order": meta.get("order"),
            "title": {lang: title.get(lang) or did for lang in LANGS},
            "caption": {lang: (meta.get("caption") or {}).get(lang) for lang in LANGS},
            "tags": list(meta.get("tags") or []),
            "values": list(meta.get("values") or []),
            "path": path,
            "outputs": {lang: dict(sorted(outputs[lang].items(), key=lambda kv: _fmt_rank(kv[0])))
                        for lang in LANGS if lang in outputs},
            "problems": list(e.get("problems") or []),
            **({"sweep": sweep_item(meta["sweep"], frames)} if meta.get("sweep") and frames else {}),
        })
    items.sort(key=lambda it: (it["order"] if it["order"] is not None else _BIG, it["id"]))
    first: dict[str, int] = {}
    for it in items:
        first.setdefault(it["chapter"], it["order"] if it["order"] is not None else _BIG)
    items.sort(key=lambda it: (first[it["chapter"]], it["chapter"],
                               it["order"] if it["order"] is not None else _BIG, it["id"]))
    return items


def sweep_item(meta: dict[str, Any], frames: dict[str, dict[int | str, str]]) -> dict[str, Any]:
    """What the detail page's slider shows: the sweep's meta with each language's frame files in order."""
    n = len(meta.get("changing") or [])
    return {**meta, "frames": {lang: [got.get(i) for i in range(n)] for lang, got in frames.items()},
            "animated": {lang: got["animated"] for lang, got in frames.items() if "animated" in got}}


def _fmt_rank(fmt: str) -> int:
    return FORMAT_ORDER.index(fmt) if fmt in FORMAT_ORDER else len(FORMAT_ORDER)


def _chapter_name(ch: dict[str, Any]) -> str:
    names = ch.get("name") or {}
    return "".join(f'<span class="l-{lang}" lang="{lang}">{escape(names.get(lang) or ch["id"])}</span>'
                   for lang in LANGS)


def manifest(items: list[dict[str, Any]], out: Path | None = None) -> dict[str, Any]:
    """The JSON manifest: chapters in order, each with its diagrams (and slide decks found in `out`)."""
    chapters: list[dict[str, Any]] = []
    for it in items:
        if not chapters or chapters[-1]["id"] != it["chapter"]:
            chapters.append({"id": it["chapter"], "name": {lang: chapter_title(it["chapter"], lang) for lang in LANGS},
                             "diagrams": [], "decks": {}})
        chapters[-1]["diagrams"].append(it)
    data = {"tool": f"vizspec {__version__}", "count": len(items), "chapters": chapters, "decks": {}}
    if out is not None:
        _find_decks(data, Path(out), {it["id"] for it in items})
    return data


def _find_decks(data: dict[str, Any], out: Path, ids: set[str]) -> None:
    """Link the decks `vizspec slides` wrote to pptx/<lang>/<chapter>.pptx (or <chapter>-deck) and all.pptx."""
    for lang in LANGS:
        folder = out / "pptx" / lang
        for ch in data["chapters"]:
            name = f"{ch['id']}-deck" if ch["id"] in ids or ch["id"] == "all" else ch["id"]
            if (folder / f"{name}.pptx").is_file():
                ch["decks"][lang] = f"pptx/{lang}/{name}.pptx"
        if "all" not in ids and (folder / "all.pptx").is_file():
            data["decks"][lang] = f"pptx/{lang}/all.pptx"


def write_gallery(out: Path, entries: dict[str, dict]) -> Path:
    """Write index.html and gallery.json into `out`; returns the page's path."""
    out = Path(out)
    data = manifest(gallery_items(entries, out), out)
    write_atomic(out / "gallery.json", (json.dumps(_public(data), indent=1, ensure_ascii=False) + "\n").encode(),
                 inside=out)
    page = out / "index.html"
    write_atomic(page, render_html(data).encode(), inside=out)
    _write_details(out, data)
    return page


def _public(data: dict[str, Any]) -> dict[str, Any]:
    """The manifest without the spec files' absolute paths (the JSON is published with the site)."""
    chapters = [{**ch, "diagrams": [{k: v for k, v in it.items() if k != "path"} for it in ch["diagrams"]]}
                for ch in data["chapters"]]
    return {**data, "chapters": chapters}


def _write_details(out: Path, data: dict[str, Any]) -> None:
    """One detail page per diagram, kept where it was made from the same inputs (the spec source's highlighting was
    most of a one-spec rebuild); pages of diagrams no longer listed are removed."""
    from ..layout.theme import load_theme

    credit = load_theme().credit
    folder = out / DETAIL_DIR
    keep = set()
    for ch in data["chapters"]:
        for it in ch["diagrams"]:
            target = out / detail_href(it["id"])
            keep.add(target.name)
            key = detail_key(it, credit, ch["name"])
            if _written_key(target) == key:
                continue
            write_atomic(target, detail_html(it, credit, ch["name"], key).encode(), inside=out)
    if folder.is_dir():
        for old in folder.glob("*.html"):
            if old.name not in keep and old.is_file() and not old.is_symlink():
                old.unlink()


def _written_key(target: Path) -> str | None:
    """The key of the detail page already at `target` (a plain file), or None."""
    if target.is_symlink() or not target.is_file():
        return None
    try:
        with open(target, "rb") as f:
            return page_key(f.read(KEY_BYTES))
    except OSError:
        return None


def _thumb(outputs: dict[str, str]) -> str | None:
    for fmt in THUMB_ORDER:
        if fmt in outputs:
            return outputs[fmt]
    return None


def _card(it: dict[str, Any]) -> str:
    search = search_text(it)
    cls = "card failed" if it["problems"] else "card"
    parts = [f'<article class="{cls}" id="d-{escape(it["id"])}" data-search="{escape(search)}">']
    for lang in LANGS:
        outputs = it["outputs"].get(lang, {})
        thumb = _thumb(outputs)
        title = escape(it["title"][lang])
        if thumb:
            href = escape(detail_href(it["id"]) + f"?lang={lang}")
            parts.append(f'<a class="thumb l-{lang}" href="{href}"><img src="{escape(thumb)}" alt="{title}" '
                         f'loading="lazy" decoding="async"></a>')
    for lang in LANGS:
        parts.append(f'<h3 class="l-{lang}" lang="{lang}"><a href="{escape(detail_href(it["id"]))}?lang={lang}">'
                     f'{escape(it["title"][lang])}</a></h3>')
    for lang in LANGS:
        cap = it["caption"].get(lang)
        if cap:
            parts.append(f'<p class="caption l-{lang}" lang="{lang}">{markup_html(cap)}</p>')
    if it["problems"]:
        parts.append('<pre class="error">' + escape("\n".join(it["problems"])) + "</pre>")
    parts.append('<p class="meta"><code>' + escape(it["id"]) + "</code>")
    for t in it["tags"]:
        parts.append(f' <button type="button" class="tag" data-tag="{escape(t)}">#{escape(t)}</button>')
    parts.append("</p>")
    links = []
    for lang in LANGS:
        outputs = it["outputs"].get(lang, {})
        if outputs:
            fmts = " ".join(f'<a href="{escape(rel)}">{escape(fmt.upper())}</a>' for fmt, rel in outputs.items())
            links.append(f'<span class="links" lang="{lang}">{LANG_NAMES.get(lang, lang)}: {fmts}</span>')
    if links:
        parts.append('<p class="downloads">' + " · ".join(links) + "</p>")
    parts.append("</article>")
    return "".join(parts)


def search_text(it: dict[str, Any]) -> str:
    """What the search box matches: id, titles, captions (markup removed), tags, computed names and values."""
    words = [it["id"], *[t for t in it["title"].values() if t], *[plain(c) for c in it["caption"].values() if c],
             *it["tags"]]
    for v in it.get("values") or []:
        words += [v["name"], v["fn"], v["result"]]
    return " ".join(words).lower()


def render_html(data: dict[str, Any]) -> str:
    """The gallery page."""
    sections = []
    for ch in data["chapters"]:
        cards = "\n".join(_card(it) for it in ch["diagrams"])
        sections.append(f'<section class="chapter" id="ch-{escape(ch["id"])}" data-chapter="{escape(ch["id"])}">'
                        f'<h2>{_chapter_name(ch)} <small>({len(ch["diagrams"])})</small>{_decks(ch.get("decks"))}'
                        f'</h2><div class="grid">\n{cards}\n</div></section>')
    toc = " ".join(f'<a href="#ch-{escape(ch["id"])}">{_chapter_name(ch)}</a>' for ch in data["chapters"])
    toc += _decks(data.get("decks"), "all chapters")
    lang_buttons = "".join(f'<button type="button" class="lang" data-lang="{lang}">{LANG_NAMES.get(lang, lang)}'
                           "</button>" for lang in LANGS)
    empty = "" if data["chapters"] else '<p class="none">No diagrams rendered yet.</p>'
    return _PAGE.format(count=data["count"], tool=escape(data["tool"]), toc=toc, langs=lang_buttons,
                        sections="\n".join(sections), empty=empty, default_lang=LANGS[0], shared=SHARED_CSS)


def _decks(decks: dict[str, str] | None, what: str = "slides") -> str:
    if not decks:
        return ""
    links = " ".join(f'<a class="deck" href="{escape(rel)}">{LANG_NAMES.get(lang, lang)}</a>'
                     for lang, rel in decks.items())
    return f' <span class="decks">{escape(what)} (PPTX): {links}</span>'


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vizspec gallery</title>
<link rel="icon" href="data:,">
<style>
{shared}
header h1 {{ color: #4472C4; }}
#search {{ font: inherit; padding: 5px 10px; min-width: 260px; border: 1px solid #BFBFBF; border-radius: 6px; }}
#count {{ color: #595959; font-size: 13px; }}
nav {{ padding: 6px 20px; font-size: 13px; }}
nav a {{ margin-right: 10px; color: #4472C4; }}
main {{ padding: 0 20px 40px; }}
html {{ scroll-padding-top: var(--header, 64px); }}
.card h3 a {{ color: inherit; text-decoration: none; }}
section h2 {{ font-size: 17px; color: #4472C4; border-bottom: 1px solid #DEEBF7; padding-bottom: 4px; }}
section h2 small {{ color: #7F7F7F; font-weight: 400; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }}
.card {{ background: #fff; border: 1px solid #D9D9D9; border-radius: 10px; padding: 10px; }}
.card.failed {{ border-color: #EB6252; }}
.thumb {{ display: flex; height: 240px; align-items: center; justify-content: center; background: #fff; }}
.thumb img {{ max-width: 100%; max-height: 240px; }}
.card h3 {{ font-size: 15px; margin: 8px 0 4px; }}
.caption {{ font-size: 12px; color: #595959; margin: 4px 0; line-height: 1.4; max-height: 4.2em; overflow: hidden; }}
.caption sub, .caption sup {{ line-height: 0; }}
.meta {{ font-size: 12px; color: #7F7F7F; margin: 4px 0; }}
.tag {{ font: inherit; font-size: 12px; border: none; background: #DEEBF7; border-radius: 4px; padding: 0 5px;
       cursor: pointer; }}
.downloads {{ font-size: 12px; margin: 4px 0 0; }}
.downloads a {{ color: #4472C4; }}
pre.error {{ white-space: pre-wrap; font-size: 12px; background: #FFF2CC; border-left: 3px solid #EB6252;
            padding: 6px; }}
body[data-lang="en"] .l-zh, body[data-lang="zh"] .l-en {{ display: none; }}
.hidden {{ display: none !important; }}
.none {{ color: #7F7F7F; }}
.decks {{ font-size: 13px; font-weight: 400; color: #595959; margin-left: 12px; }}
.decks a {{ color: #4472C4; }}
</style>
</head>
<body data-lang="{default_lang}">
<header>
<h1>vizspec gallery</h1>
<input id="search" type="search" placeholder="Search titles, captions, tags, values…" aria-label="Search diagrams">
<span id="count">{count} diagrams</span>
<span class="langs">{langs}</span>
</header>
<nav>{toc}</nav>
<main>
{empty}
{sections}
</main>
<footer><p class="meta" style="padding: 0 20px">{tool}</p></footer>
<script>
(function () {{
  "use strict";
  var search = document.getElementById("search");
  var count = document.getElementById("count");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var chapters = Array.prototype.slice.call(document.querySelectorAll("section.chapter"));
  function apply() {{
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (c) {{
      var text = c.getAttribute("data-search");
      var ok = words.every(function (w) {{ return text.indexOf(w) >= 0; }});
      c.classList.toggle("hidden", !ok);
      if (ok) shown++;
    }});
    chapters.forEach(function (s) {{
      s.classList.toggle("hidden", !s.querySelector(".card:not(.hidden)"));
    }});
    count.textContent = words.length ? shown + " of " + cards.length + " diagrams" : cards.length + " diagrams";
    try {{
      var url = new URL(location.href);
      if (search.value) url.searchParams.set("q", search.value); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
    }} catch (e) {{ /* file:// pages may refuse; the filter still works */ }}
  }}
  function setLang(lang) {{
    document.body.setAttribute("data-lang", lang);
    document.querySelectorAll("button.lang").forEach(function (b) {{
      b.classList.toggle("on", b.getAttribute("data-lang") === lang);
    }});
    try {{ localStorage.setItem("vizspec-lang", lang); }} catch (e) {{ /* storage may be off */ }}
  }}
  function headerHeight() {{
    document.documentElement.style.setProperty("--header",
      (document.querySelector("header").offsetHeight + 8) + "px");
  }}
  headerHeight();
  window.addEventListener("resize", headerHeight);
  search.addEventListener("input", apply);
  document.querySelectorAll("button.tag").forEach(function (b) {{
    b.addEventListener("click", function () {{ search.value = b.getAttribute("data-tag"); apply(); }});
  }});
  document.querySelectorAll("button.lang").forEach(function (b) {{
    b.addEventListener("click", function () {{ setLang(b.getAttribute("data-lang")); }});
  }});
  var saved = null;
  try {{ saved = localStorage.getItem("vizspec-lang"); }} catch (e) {{ /* storage may be off */ }}
  setLang(saved && document.querySelector('button.lang[data-lang="' + saved + '"]') ? saved : "{default_lang}");
  var q = new URL(location.href).searchParams.get("q");
  if (q) {{ search.value = q; }}
  apply();
}})();
</script>
</body>
</html>
"""

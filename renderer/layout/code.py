"""Layout of the `code` element kind: pygments tokens coloured by theme roles, on a panel, in the mono font."""

from __future__ import annotations

import ast

from pygments.token import Comment, Keyword, Name, Number, Operator, String, Token
from pygments.util import ClassNotFound

from ..scene import Group, Meta, Prim, Rect, Style, Text
from ..spec.budget import time_limit
from ..spec.elements.code import MAX_CODE_LINES, Code
from ..spec.errors import Problem, SpecError
from .base import Anchor, Block, Ctx, register

CODE_LEX_SECONDS = 2.0  # highlighting one code element (the largest in specs/ takes about 10 ms)

# pygments token type -> (theme role, bold, italic); the most specific matching type wins. Nothing is
# italic: the theme's mono font has no italic face, and a synthesised or substituted one would not
# match the measured widths.
TOKEN_ROLES: tuple[tuple[object, tuple[str, bool, bool]], ...] = (
    (String.Doc, ("text-soft", False, False)),
    (Comment, ("muted", False, False)),
    (Keyword.Constant, ("title", False, False)),
    (Keyword, ("title", True, False)),
    (Operator.Word, ("title", True, False)),
    (Name.Builtin, ("title", False, False)),
    (Name.Function, ("warm", False, False)),
    (Name.Class, ("warm", True, False)),
    (Name.Decorator, ("warm", False, False)),
    (String, ("kept", False, False)),
    (Number, ("emphasis", False, False)),
)


def _fail(ctx: Ctx, path: tuple, msg: str) -> SpecError:
    """A located spec error (unlocated when laid out without a document, as in tests)."""
    if ctx.doc is None:
        return SpecError([Problem("<spec>", 1, 1, msg)])
    return SpecError([ctx.doc.problem(path, msg)])


def token_role(tok: object) -> tuple[str, bool, bool]:
    """(role, bold, italic) of a pygments token type."""
    for ttype, style in TOKEN_ROLES:
        if tok in ttype:
            return style
    return ("text", False, False)


def numbered_source(src: str, docstring: bool = True) -> list[tuple[int, str]]:
    """Numbered lines of a function's source (1 = its first line), without its docstring if asked."""
    lines = src.rstrip("\n").split("\n")
    numbered = list(enumerate(lines, 1))
    if not docstring:
        node = ast.parse(src).body[0]
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            drop = set(range(body[0].lineno, body[0].end_lineno + 1))
            numbered = [(i, s) for i, s in numbered if i not in drop]
    return numbered


def _lines_of(el: Code, path: tuple, ctx: Ctx) -> tuple[list[tuple[int, str]], str | None]:
    if el.source is not None:
        src, title = ctx.sources[el.source]  # bind read it: layout never calls into compute
        numbered = numbered_source(src, el.docstring)
    else:
        numbered, title = list(enumerate(el.code.rstrip("\n").split("\n"), 1)), None
    if el.lines is not None:
        a, b = el.lines
        last = max(i for i, _ in numbered)
        if b > last:
            raise _fail(ctx, path + ("lines",), f"lines [{a}, {b}] beyond the code's {last} lines")
        numbered = [(i, s) for i, s in numbered if a <= i <= b]
    if len(numbered) > MAX_CODE_LINES:
        raise _fail(ctx, path, f"{len(numbered)} lines of code (limit {MAX_CODE_LINES}; use `lines: [a, b]`)")
    return [(i, s.expandtabs(4)) for i, s in numbered], title


def _runs(row: list[tuple[str, str, bool, bool]]) -> list[tuple[str, str, str, bool, bool]]:
    """(text before the run, run, role, bold, italic): neighbouring tokens of one style merged, spaces
    joined to the run they sit in, leading and trailing spaces left out (few Text primitives per line)."""
    out: list[list] = []
    line = ""
    for piece, role, bold, italic in row:
        if out and (piece.isspace() or out[-1][2:] == [role, bold, italic]):
            out[-1][1] += piece
        elif not piece.isspace():
            lead = len(piece) - len(piece.lstrip())
            out.append([line + piece[:lead], piece[lead:], role, bold, italic])
        line += piece
    return [(before, text.rstrip(), role, bold, italic) for before, text, role, bold, italic in out]


class _SlowLexer(Exception):
    """Highlighting went over CODE_LEX_SECONDS."""


def _tokens(text: str, language: str) -> list[tuple[object, str]]:
    """Pygments tokens of `text`, within CODE_LEX_SECONDS (some lexers are quadratic on crafted input)."""
    from pygments import lex  # the lexers import only where a diagram has code
    from pygments.lexers import get_lexer_by_name

    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False, tabsize=4)
    with time_limit(CODE_LEX_SECONDS, _SlowLexer):
        return list(lex(text, lexer))


@register("code")
def layout_code(el: Code, path: tuple, ctx: Ctx, min_w: float = 0, min_h: float = 0) -> Block:
    """Highlighted lines on a panel; a title header and a line-number gutter when asked."""
    numbered, auto_title = _lines_of(el, path, ctx)
    size = ctx.size(el.size) if isinstance(el.size, str) else float(el.size)
    lh = size * ctx.sp("line_height") * 1.08
    pad = ctx.sp("padding")
    src = ctx.src(path)
    fam = tuple(ctx.theme.fonts["mono"])

    def mw(text: str, size: float, weight: int = 400, mono: bool = True) -> float:
        """Literal width (no `_{…}` markup) as the sum of per-character advances: exact in a mono font."""
        return sum(ctx.metrics.width(ch, size, weight, mono) for ch in text)

    try:
        toks = _tokens("\n".join(s for _, s in numbered), el.language)
    except ClassNotFound:
        raise _fail(ctx, path + ("language",), f"unknown language '{el.language}' (expected a pygments lexer "
                                               "name such as python, c, bash, yaml, text)") from None
    except _SlowLexer:
        raise _fail(ctx, path + ("language",), f"highlighting this code as {el.language} took longer than "
                                               f"{CODE_LEX_SECONDS:g} s (limit code_lex_seconds = "
                                               f"{CODE_LEX_SECONDS:g}; expected fewer lines, or language: "
                                               "text)") from None
    # split the token stream back into lines of (text, role, bold, italic)
    rows: list[list[tuple[str, str, bool, bool]]] = [[]]
    for ttype, value in toks:
        style = token_role(ttype) if ttype is not Token.Text else ("text", False, False)
        for k, piece in enumerate(value.split("\n")):
            if k:
                rows.append([])
            if piece:
                rows[-1].append((piece, *style))
    rows = rows[:len(numbered)] + [[] for _ in range(len(numbered) - len(rows))]
    gutter = 0.0
    if el.line_numbers:
        gutter = mw(str(max(i for i, _ in numbered)), size, mono=True) + pad
    title_block = None
    title = ctx.t(el.title) if el.title is not None else auto_title
    if title:
        title_block = ctx.text_lines(title, ctx.size("small"), None, 700, "text-soft", "start",
                                     meta=Meta(el.id, "text-soft", ctx.src(path + ("title",)), "code-title"))
    code_w = max([mw(s, size, mono=True) for _, s in numbered] + [0.0])
    head = title_block.h + pad * 0.6 if title_block else 0.0
    inner_w = max(gutter + code_w, title_block.w if title_block else 0.0)
    w = max(inner_w + 2 * pad, min_w)
    h = max(head + lh * len(numbered) + pad * 1.2, min_h)
    meta = Meta(el.id, el.background, src, "code")
    items: list[Prim] = [Rect(0, 0, w, h, ctx.theme.stroke["radius"], Style(fill=ctx.color(el.background)), meta)]
    if title_block:
        items += title_block.moved(pad, pad * 0.6).items
    y0 = pad * 0.6 + head
    hl = set(el.highlight)
    for k, ((num, _line), row) in enumerate(zip(numbered, rows, strict=True)):
        top = y0 + k * lh
        base = top + (lh - size) / 2 + size * 0.88
        if num in hl:
            items.append(Rect(pad * 0.4, top, w - pad * 0.8, lh, 2, Style(fill=ctx.color(el.highlight_role)),
                              Meta(el.id, el.highlight_role, src, "code-highlight")))
        if el.line_numbers:
            s = str(num)
            items.append(Text(pad + gutter - pad * 0.7, base, s, size, ctx.color("muted"), 400, "end", fam,
                              width=mw(s, size, mono=True), meta=Meta(el.id, "muted", src, "code-lineno")))
        for x, text, role, bold, italic in _runs(row):
            weight = 700 if bold else 400
            items.append(Text(pad + gutter + mw(x, size), base, text, size, ctx.color(role), weight, "start", fam,
                              italic, mw(text, size, weight), Meta(el.id, role, src, "code-text")))
    out = Block(w, h, [Group(tuple(items), Meta(el.id, el.background, src, "node"))])  # box-like for the checker
    anchor = Anchor(0, 0, w, h, "rect", src)
    if el.id:
        out.anchors[el.id] = anchor
    out.obstacles.append(anchor)
    return out

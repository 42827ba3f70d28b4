"""Safe YAML loading that remembers the line and column of every node, with size limits."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem, SpecError

CParser = getattr(getattr(yaml, "cyaml", None), "CParser", None)  # libyaml's parser, when PyYAML was built with it

MAX_BYTES = 1_000_000  # max_file_bytes: a spec file
MAX_NODES = 50_000  # max_yaml_nodes: values in the document, counted again for every alias use
MAX_DEPTH = 64  # max_depth: nesting of mappings and lists
MAX_INT = 2**53  # max_int: larger integers lose precision as floats (and in JSON)
MAX_NUMBER_CHARS = 40  # max_number_chars: digits of an integer literal (before converting it)

Path = tuple[str | int, ...]


@dataclass
class Located:
    """Plain YAML data plus where each value (and each mapping key) was written."""

    file: str
    data: Any
    pos: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keypos: dict[Path, tuple[int, int]] = field(default_factory=dict)

    # spec path prefix -> (component document, path of the expanded body in it): see components.expand
    sub: dict[Path, tuple[Located, Path]] = field(default_factory=dict)

    def locate(self, path: Path, key: bool = False) -> tuple[str, int, int]:
        """(file, line, col) of the value at `path`, following expanded components into their files."""
        p = tuple(path)
        for n in range(len(p), 0, -1):
            if p[:n] in self.sub:
                comp, cpath = self.sub[p[:n]]
                return comp.locate(cpath + p[n:], key)
        return (self.file, *self.where(p, key))

    def where(self, path: Path, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at `path` in this file, or of its nearest ancestor."""
        if key and tuple(path) in self.keypos:
            return self.keypos[tuple(path)]
        p = tuple(path)
        while p and p not in self.pos:
            p = p[:-1]
        return self.pos.get(p, (1, 1))

    def problem(self, path: Path, message: str, key: bool = False) -> Problem:
        """A problem located at `path`."""
        return Problem(*self.locate(path, key), message)


def _mark(node: yaml.Node | yaml.Event) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "value")}
_MERGE = _CORE + "merge"
# characters that XML 1.0 (so SVG and PPTX) can hold: tab, newline, CR and the ranges below
# backslash escapes of double-quoted YAML that give a character nobody means in a label (\n only before a LaTeX
# command's name: elsewhere it is a line break on purpose)
_ESCAPES = {"t": "a TAB", "b": "a backspace (U+0008)", "f": "a form feed (U+000C)", "r": "a carriage return",
            "v": "a vertical tab (U+000B)", "a": "a bell (U+0007)", "e": "an escape (U+001B)", "0": "a NUL",
            "L": "a line separator (U+2028)", "P": "a paragraph separator (U+2029)",
            "N": "a next-line character (U+0085)", "n": "a line break"}
_N_COMMANDS = {"nabla", "nu", "neq", "ne", "neg", "not", "notin", "ni", "nleq", "ngeq", "nmid", "nparallel",
               "nearrow", "nwarrow", "newline", "natural"}
_SHORT_COMMANDS = {"to", "nu", "ne", "ni", "Pi"}
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def not_xml_char(text: str) -> str | None:
    """The first character of `text` that XML 1.0 cannot hold (a C0 control, U+FFFE/U+FFFF, a lone surrogate)."""
    bad = _NOT_XML.search(text)
    return bad.group() if bad else None


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def char_name(ch: str) -> str:
    """`U+200B ZERO WIDTH SPACE`: how messages name a character the user may not be able to see."""
    cat = unicodedata.category(ch)
    name = unicodedata.name(ch, "") or {"Cc": "(a control character)", "Cs": "(a lone surrogate, not a character)",
                                        "Co": "(a private-use character)"}.get(cat, "(an unassigned character)")
    return f"U+{ord(ch):04X} {name}"


def _short(text: str, n: int = 30) -> str:
    """A scalar as it may be quoted in a message: short, with unprintable characters escaped."""
    s = text if len(text) <= n else text[: n - 1] + "…"
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in s)


class _Guard:
    """Composition with a nesting-depth and node-count check before any alias is expanded."""

    file: str

    def _setup(self, text: str, file: str) -> None:
        self.file = file
        self.text = text  # the source, for what a double-quoted scalar was written as
        self.depth = 0
        self.nodes = 0
        self.alias_uses: dict[tuple[int, Any], tuple[int, int]] = {}  # (parent, index) -> where `*x` is

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            if parent is not None:
                slot = index if isinstance(index, int) else id(index)
                self.alias_uses[(id(parent), slot)] = _mark(self.peek_event())
            return super().compose_node(parent, index)  # the anchored node again: counted when built
        event = self.peek_event()
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise SpecError([Problem(self.file, *_mark(event), f"too many YAML nodes: more than {MAX_NODES} "
                                                               f"(limit max_yaml_nodes = {MAX_NODES})")])
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise SpecError([Problem(self.file, *_mark(event), f"nesting too deep: more than {MAX_DEPTH} "
                                                                   f"levels (limit max_depth = {MAX_DEPTH})")])
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Guard, yaml.SafeLoader):
    """PyYAML's safe loader in Python: what reports a syntax error (its messages are the ones explained here)."""

    def __init__(self, text: str, file: str):
        super().__init__(text)
        self._setup(text, file)


if CParser is not None:  # PyYAML built without libyaml has no CParser: then `_compose` uses `_Loader` alone
    class _FastLoader(_Guard, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,
                      yaml.resolver.Resolver):
        """The same composition (in Python, with the guard) over libyaml's parser: a ninth of the pure-Python load.

        Events, marks (line, column, character index) and so the nodes are the same as `_Loader`'s (a plain scalar's
        style is '' instead of None); a document libyaml refuses is loaded again by `_Loader`, whose error is
        reported.
        """

        def __init__(self, text: str, file: str):
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._setup(text, file)


class _Builder:
    """Turns a composed node graph into plain JSON-like data, expanding aliases and merge keys with a budget."""

    def __init__(self, loader: _Loader, located: Located):
        self.loader = loader
        self.loc = located
        self.count = 0
        self.active: set[int] = set()  # nodes being built: meeting one again is a recursive alias
        self.alias_at: tuple[int, int] | None = None  # the outermost `*alias` being expanded, if any

    def fail(self, node: yaml.Node, message: str, at: tuple[int, int] | None = None) -> SpecError:
        return SpecError([Problem(self.loc.file, *(at or _mark(node)), message)])

    def child(self, parent: yaml.Node, slot: Any, node: yaml.Node, path: Path, depth: int) -> Any:
        """Build a child; remember where an alias use starts, so expansion errors point at the `*alias`."""
        use = self.loader.alias_uses.get((id(parent), slot))
        if use is None or self.alias_at is not None:
            return self.build(node, path, depth, use)
        self.alias_at = use
        try:
            return self.build(node, path, depth, use)
        finally:
            self.alias_at = None

    def build(self, node: yaml.Node, path: Path, depth: int, use: tuple[int, int] | None = None) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"too many YAML nodes: more than {MAX_NODES} once aliases are expanded "
                                  f"(limit max_yaml_nodes = {MAX_NODES})", self.alias_at)
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting too deep: more than {MAX_DEPTH} levels once aliases are expanded "
                                  f"(limit max_depth = {MAX_DEPTH})", self.alias_at)
        if id(node) in self.active:
            raise self.fail(node, "recursive alias: an anchor is used inside itself (expected a tree, not a "
                                  "cycle)", use)
        self.loc.pos.setdefault(path, _mark(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        want = _CORE + ("map" if isinstance(node, yaml.MappingNode) else "seq")
        if node.tag != want:
            raise self.fail(node, self.bad_tag(node.tag))
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.child(node, i, v, path + (i,), depth + 1) for i, v in enumerate(node.value)]
            return self.mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merges: list[tuple[yaml.Node, yaml.Node]] = []
        for knode, vnode in node.value:
            if knode.tag == _MERGE:
                merges.append((knode, vnode))
                continue
            if not isinstance(knode, yaml.ScalarNode):
                raise self.fail(knode, "mapping keys must be plain strings (expected `key: value`)")
            key = knode.value  # as written: `on:` is the key "on", not True
            bad = _NOT_XML.search(key)
            if bad:
                raise self.fail(knode, f"key contains {char_name(bad.group())} (expected printable text)")
            if key in out:
                raise self.fail(knode, f"duplicate key '{_short(key)}' (expected each key once per mapping)")
            self.loc.keypos.setdefault(path + (key,), _mark(knode))
            out[key] = self.child(node, id(knode), vnode, path + (key,), depth + 1)
        # `<<: *base` (or a list of them): keys written here win, then earlier sources over later ones
        for knode, vnode in merges:
            if isinstance(vnode, yaml.SequenceNode):
                sources = [(vnode, i, src) for i, src in enumerate(vnode.value)]
            else:
                sources = [(node, id(knode), vnode)]
            for parent, slot, src in sources:
                if not isinstance(src, yaml.MappingNode):
                    raise self.fail(src, "`<<` merges mappings (expected `<<: *anchor` of a mapping, or a list "
                                         "of them)")
                for k, v in self.child(parent, slot, src, path, depth).items():
                    out.setdefault(k, v)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _CORE + "timestamp":
            return self.fail_raise(node, f"{_short(text)} is read by YAML as a date (expected a string: write "
                                         f"it in quotes, \"{_short(text)}\")")
        if tag not in _SCALAR_TAGS:
            return self.fail_raise(node, self.bad_tag(tag))
        if tag in (_CORE + "str", _CORE + "value"):
            if node.style == '"':
                self.check_escapes(node)
            bad = _NOT_XML.search(text)
            if bad:
                return self.fail_raise(node, f"text contains {char_name(bad.group())}, which cannot be drawn "
                                             "or written to SVG (expected printable text)")
            return text
        if tag == _CORE + "int" and len(text) > MAX_NUMBER_CHARS:
            return self.fail_raise(node, f"number {_short(text)} is {len(text)} characters long "
                                         f"(limit max_number_chars = {MAX_NUMBER_CHARS})")
        try:
            value = self.loader.construct_object(node)
        except (ValueError, OverflowError, ArithmeticError):
            return self.fail_raise(node, f"cannot read {_short(text)} as a {tag[len(_CORE):]} (expected a "
                                         "plain number, true/false or null)")
        if isinstance(value, float) and not math.isfinite(value):
            return self.fail_raise(node, f"{_short(text)} is not a finite number (expected a finite number: "
                                         "NaN and infinity cannot be computed with or drawn)")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            return self.fail_raise(node, f"integer {_short(text)} is out of range (limit max_int = {MAX_INT})")
        return value

    def fail_raise(self, node: yaml.Node, message: str) -> Any:
        raise self.fail(node, message)

    def check_escapes(self, node: yaml.ScalarNode) -> None:
        r"""A located error for a backslash escape in a double-quoted string that gives a control character or
        a line separator: "$\tau$" is a TAB and "au", "\frac" a form feed, "\Lambda" U+2028 and "ambda" (a
        LaTeX command written in double quotes), and "\nabla" a line break and "abla"."""
        src = self.loader.text
        start, end = node.start_mark.index, node.end_mark.index
        i = start
        while True:
            i = src.find("\\", i, end)
            if i < 0 or i + 1 >= end:
                return
            c = src[i + 1]
            word = re.match(r"[A-Za-z]*", src[i + 2:end]).group()
            if c in _ESCAPES and (c != "n" or c + word in _N_COMMANDS):
                if c == "0" or len(word) < 2 and c + word not in _SHORT_COMMANDS:  # "a\tb": no command meant
                    word = ""
                command = f"\\{c}{word}"
                mean = (f"a single-quoted string ('…{command}…') or \\{command}" if word else
                        f"a single-quoted string or \\\\{c}")
                raise SpecError([Problem(self.loc.file, *line_col(src, i), f"\"\\{c}\" in a double-quoted string "
                                         f"is {_ESCAPES[c]}{f', not the start of {command}' if word else ''} "
                                         f"(did you mean {mean}?)")])
            i += 2

    @staticmethod
    def bad_tag(tag: str) -> str:
        return (f"YAML tag '{_short(_tag_name(tag), 60)}' is not allowed (expected plain YAML: strings, numbers, "
                "true/false, null, lists and mappings)")


def _syntax_problem(file: str, e: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error in words a spec author acts on, at the most useful mark."""
    problem, context = (e.problem or "").strip(), (e.context or "").strip()
    mark = e.problem_mark or e.context_mark
    if "'\\t'" in problem or "'\t'" in problem:
        what = "a tab character (expected spaces: YAML indents with spaces only)"
    elif problem.startswith("but found another document"):
        what = "a second document after `---` (expected one diagram per file)"
    elif context.startswith("while scanning a quoted scalar") and e.context_mark:
        mark, what = e.context_mark, "this quoted string is never closed (expected a closing quote)"
    elif problem == "second occurrence" and e.context_mark:
        what = (f"{context.split(';')[0].removeprefix('found ')} (first defined at line {e.context_mark.line + 1}; "
                "expected each anchor name once)")
    elif m := re.fullmatch(r"found character (.+) that cannot start any token", problem):
        what = f"{m.group(1)} cannot start a plain value (expected quotes around text that starts with it)"
    elif problem == "mapping values are not allowed here":
        what = "': ' is not allowed here (expected `key: value` on its own line, or quotes around text with ': ')"
    elif m := re.search(r"but found '([\]}])'", problem):
        what = f"a stray '{m.group(1)}' (expected it to close an open '[' or '{{')"
    elif problem.startswith("expected '<document start>'"):
        what = "more text after the document ended (expected every top-level key in column 1, and no `...` line)"
    elif problem.startswith("expected <block end>") or context.startswith("expected <block end>"):
        what = "the indentation does not line up (expected the keys of a mapping, or the items of a list, to " \
               "start in the same column)"
    elif m := re.fullmatch(r"found undefined alias '(.+)'", problem):
        what = f"unknown alias *{m.group(1)} (expected an anchor &{m.group(1)} defined before it)"
    elif context and problem.startswith(("but ", "found ")) and context.startswith(("while ", "expected ")):
        what = f"{context}, {problem}"
    else:
        what = problem or context or "invalid YAML"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(file, line, col, f"YAML syntax: {what}")


def line_col(text: str | bytes, pos: int) -> tuple[int, int]:
    """1-based (line, column) of offset `pos`; lines end with LF, CRLF or a lone CR (as YAML reads them)."""
    lf, cr = ("\n", "\r") if isinstance(text, str) else (b"\n", b"\r")
    head = text[:pos]
    line = head.count(lf) + head.count(cr) - head.count(cr + lf) + 1
    return line, pos - max(head.rfind(lf), head.rfind(cr))


def load_yaml(file: str, raw: bytes) -> Located:
    """Parse `raw` safely into a Located document; every failure is a located SpecError."""
    if len(raw) > MAX_BYTES:
        raise SpecError([Problem(file, 1, 1, f"file too large: {len(raw)} bytes "
                                             f"(limit max_file_bytes = {MAX_BYTES})")])
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SpecError([Problem(file, 1, 1, "file is UTF-16 text (expected UTF-8: save it as UTF-8)")])
    if b"\x00" in raw:
        line = line_col(raw, raw.index(b"\x00"))[0]
        raise SpecError([Problem(file, line, 1, "binary file: contains NUL bytes (expected UTF-8 YAML text)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, byte_col = line_col(raw, e.start)
        col = len(raw[e.start - byte_col + 1: e.start].decode("utf-8", "replace")) + 1
        raise SpecError([Problem(file, line, col, "not valid UTF-8 text (expected a UTF-8 YAML file)")]) from None
    bad = _NOT_XML.search(text) or yaml.reader.Reader.NON_PRINTABLE.search(text)  # what PyYAML refuses
    if bad:
        line, col = line_col(text, bad.start())
        raise SpecError([Problem(file, line, col, f"the file contains {char_name(bad.group())} (expected "
                                                  "printable UTF-8 text; remove it)")])
    located = Located(file, None)
    loader: _Guard | None = None
    try:
        node, loader = _compose(text, file)
        if node is None:
            raise SpecError([Problem(file, 1, 1, "empty file (expected a diagram mapping with id, chapter, "
                                                 "title, body)")])
        located.data = _Builder(loader, located).build(node, (), 0)
    except yaml.MarkedYAMLError as e:
        raise SpecError([_syntax_problem(file, e)]) from None
    except yaml.YAMLError as e:
        raise SpecError([Problem(file, 1, 1, f"YAML: {e}")]) from None
    except RecursionError:  # not reachable with the depth checks above; kept as a last guard
        raise SpecError([Problem(file, 1, 1, f"nesting too deep (limit max_depth = {MAX_DEPTH})")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return located


def _compose(text: str, file: str) -> tuple[yaml.Node | None, _Guard]:
    """The document's node and the loader that composed it: libyaml's parser, or PyYAML's (which reports the
    error) where libyaml refuses the text or is not installed. The guard's errors (SpecError) pass through."""
    if CParser is not None:
        fast = _FastLoader(text, file)
        try:
            return fast.get_single_node(), fast
        except yaml.YAMLError:
            fast.dispose()
    slow = _Loader(text, file)
    return slow.get_single_node(), slow

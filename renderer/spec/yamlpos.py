"""Safe YAML loading that remembers the line and column of every node, with size limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem, SpecError

MAX_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 64

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


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns a composed node graph into plain data, counting nodes so alias bombs stop early."""

    def __init__(self, loader: yaml.SafeLoader, located: Located):
        self.loader = loader
        self.loc = located
        self.count = 0

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SpecError([self.loc.problem(path, f"too many YAML nodes (limit {MAX_NODES}; "
                                                    "aliases are expanded and count too)")])
        if depth > MAX_DEPTH:
            raise SpecError([Problem(self.loc.file, *_mark(node),
                                     f"nesting too deep (limit {MAX_DEPTH} levels)")])
        self.loc.pos.setdefault(path, _mark(node))
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    raise SpecError([Problem(self.loc.file, *_mark(knode), "mapping keys must be plain strings")])
                key = self.loader.construct_object(knode)
                if not isinstance(key, str):
                    key = str(key)
                if key in out:
                    raise SpecError([Problem(self.loc.file, *_mark(knode),
                                             f"duplicate key '{key}' (expected each key once per mapping)")])
                self.loc.keypos.setdefault(path + (key,), _mark(knode))
                out[key] = self.build(vnode, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, path + (i,), depth + 1) for i, v in enumerate(node.value)]
        value = self.loader.construct_object(node)
        if not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)  # timestamps, binary: keep as text; the schema decides
        return value


def load_yaml(file: str, raw: bytes) -> Located:
    """Parse `raw` safely into a Located document; every failure is a located SpecError."""
    if len(raw) > MAX_BYTES:
        raise SpecError([Problem(file, 1, 1, f"file too large: {len(raw)} bytes (limit {MAX_BYTES})")])
    if b"\x00" in raw:
        raise SpecError([Problem(file, 1, 1, "binary file (contains NUL bytes); expected a UTF-8 YAML text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SpecError([Problem(file, line, 1, "not valid UTF-8 text (expected a UTF-8 YAML file)")]) from None
    located = Located(file, None)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecError([Problem(file, 1, 1, "empty file (expected a diagram mapping with id, chapter, "
                                                 "title, body)")])
        located.data = _Builder(loader, located).build(node, (), 0)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (e.problem or e.context or "invalid YAML").strip()
        raise SpecError([Problem(file, line, col, f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as e:
        raise SpecError([Problem(file, 1, 1, f"YAML: {e}")]) from None
    except RecursionError:
        raise SpecError([Problem(file, 1, 1, f"nesting too deep (limit {MAX_DEPTH} levels)")]) from None
    finally:
        loader.dispose()
    return located

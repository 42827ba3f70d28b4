"""Size limits on spec data, so an untrusted spec cannot exhaust the machine; every message names its limit.

The checks walk plain data (after YAML loading, and again after placeholders are filled), knowing only
element kind names, so they hold for element kinds added later. YAML-level limits (file size, nesting,
node count) live in `yamlpos`; `LIMITS` lists them all.
"""

from __future__ import annotations

import contextlib
import math
import os
import unicodedata
from collections.abc import Iterator
from typing import Any

from .errors import Problem
from .yamlpos import MAX_BYTES, MAX_DEPTH, MAX_INT, MAX_NODES, Located, char_name

MAX_ELEMENTS = 1000  # elements in one diagram, components expanded
MAX_TENSOR_CELLS = 65_536  # values given for one tensor (256 × 256; only 64 × 64 are ever drawn)
MAX_CHART_POINTS = 65_536  # numbers and labels in one chart (a 256 × 256 heat map, or 24 series × 2730)
MAX_TEXT_CHARS = 2000  # characters in one string (a label, a caption, a formula)
MAX_CODE_CHARS = 20_000  # characters in one string inside a `code` element
MAX_DIAGRAM_TEXT = 200_000  # characters of text in one diagram: wrapping shapes each line again per word
#                             (about 40 ms per 2,000 characters of CJK); the most in specs/ is under 2,000
MAX_LIST_ITEMS = 10_000  # items in one list
MAX_EDGES = 200  # edges between elements of one diagram (each is routed around every box, its label clear of
#                  every other edge: the work grows with the square; the most in specs/ is 20)
MAX_ARG_ITEMS = 100_000  # numbers (and other values) in one compute argument, counted before the call
MAX_ARG_CHARS = 100_000  # characters in one compute argument's strings
COMPUTE_MEMORY_BYTES = 2 * 1024**3  # address space one compute call may add
MAX_MAGNITUDE = 1e100  # largest number on an axis: spans, ×100 for percent and pixel scales stay finite
MIN_MAGNITUDE = 1e-100  # smallest non-zero number on an axis (denormals and their spans underflow to 0)

LIMITS: dict[str, int] = {
    "max_file_bytes": MAX_BYTES, "max_depth": MAX_DEPTH, "max_yaml_nodes": MAX_NODES, "max_int": MAX_INT,
    "max_elements": MAX_ELEMENTS, "max_edges": MAX_EDGES, "max_tensor_cells": MAX_TENSOR_CELLS,
    "max_chart_points": MAX_CHART_POINTS,
    "max_text_chars": MAX_TEXT_CHARS, "max_code_chars": MAX_CODE_CHARS, "max_diagram_text": MAX_DIAGRAM_TEXT,
    "max_list_items": MAX_LIST_ITEMS,
    "max_arg_items": MAX_ARG_ITEMS, "max_arg_chars": MAX_ARG_CHARS, "compute_memory_bytes": COMPUTE_MEMORY_BYTES,
}
MAGNITUDES: dict[str, float] = {"max_magnitude": MAX_MAGNITUDE, "min_magnitude": MIN_MAGNITUDE}
# element kinds whose numbers are positions on an axis (elsewhere a number is only printed, e.g. a table
# of float limits may show 1.8e308 and 5e-324)
POSITIONED_KINDS = frozenset({"chart", "timeline"})

# keys whose string values are identifiers (ids, references, registry and component names)
ID_KEYS = ("id", "chapter", "fn", "component")
REF_KEYS = ("from", "to")
# invisible or combining characters: never intended in a key or an identifier, and invisible in messages
_HIDDEN = {"Cc", "Cf", "Co", "Cn", "Cs", "Mn", "Me", "Zl", "Zp"}
MAX_PROBLEMS = 20


def _element_kinds() -> frozenset[str]:
    from .models import ELEMENT_KINDS  # read at call time: other element kinds register there

    return frozenset(ELEMENT_KINDS)


def _is_element(value: Any, kinds: frozenset[str]) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in kinds


def _hidden_char(text: str, ascii_only: bool = False) -> str | None:
    """The first invisible or combining character (or, with ascii_only, any non-ASCII one)."""
    for ch in text:
        if ascii_only and not ch.isascii():
            return ch
        if unicodedata.category(ch) in _HIDDEN or (unicodedata.category(ch) == "Zs" and ch != " "):
            return ch
    return None


def _shown(text: str, n: int = 40) -> str:
    s = text if len(text) <= n else text[: n - 1] + "…"
    return '"' + "".join(c if c.isascii() and c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000
                         else f"\\U{ord(c):08x}" for c in s) + '"'


def _number(value: float) -> str:
    return f"{value:.4g}" if isinstance(value, float) else (str(value) if abs(value) < 10**20 else f"{value:.4g}")


def _leaves(value: Any, stop: int) -> int:
    """Scalars inside nested lists/mappings, counting no further than `stop` (so huge data is cheap to refuse)."""
    count, stack = 0, [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            if len(v) > stop:
                return stop + 1
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        else:
            count += 1
            if count > stop:
                return count
    return count


class _Walker:
    """One pass over the data, collecting located limit problems."""

    def __init__(self, doc: Located):
        self.doc = doc
        self.kinds = _element_kinds()
        self.elements = 0
        self.too_deep = False
        self.text = 0  # characters of drawn text so far (not under the top-level `compute` and `vars`)
        self.drawn = True
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str, key: bool = False) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(self.doc.problem(path, message, key))

    def walk(self, value: Any, path: tuple, kind: str | None, element_slot: bool) -> None:
        if len(path) > MAX_DEPTH:  # reachable once components are expanded into a spec
            if not self.too_deep:
                self.too_deep = True
                self.add(path, f"nesting too deep once components are expanded: more than {MAX_DEPTH} levels "
                               f"(limit max_depth = {MAX_DEPTH})")
            return
        if element_slot and _is_element(value, self.kinds):
            self.elements += 1
            if self.elements == MAX_ELEMENTS + 1:
                self.add(("body",), f"too many elements: the diagram has more than {MAX_ELEMENTS} (limit "
                                    f"max_elements = {MAX_ELEMENTS}; a component's elements count at every use)")
            kind = next(iter(value))
            content = value[kind]
            if kind == "tensor" and isinstance(content, dict):
                self.tensor(content, path + (kind,))
            if kind == "chart" and isinstance(content, dict):
                self.chart(content, path + (kind,))
        if isinstance(value, dict):
            edges = value.get("edges") if not path else None
            if isinstance(edges, list) and len(edges) > MAX_EDGES:
                self.add(("edges",), f"too many edges: {len(edges)} (limit max_edges = {MAX_EDGES})")
            for k, v in value.items():
                if not path:
                    self.drawn = k not in ("compute", "vars")
                bad = _hidden_char(k)
                if bad:
                    self.add(path + (k,), f"key {_shown(k)} contains {char_name(bad)}, an invisible or "
                                          "combining character (expected a plain key: retype it)", key=True)
                if isinstance(v, str) and k in ID_KEYS + REF_KEYS:
                    self.identifier(k, v, path + (k,))
                self.walk(v, path + (k,), kind, k == "body" and not path)
        elif isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                self.add(path, f"list has {len(value)} items (limit max_list_items = {MAX_LIST_ITEMS})")
                return
            for i, v in enumerate(value):
                self.walk(v, path + (i,), kind, True)
        elif isinstance(value, str):
            limit, name = (MAX_CODE_CHARS, "max_code_chars") if kind == "code" else (MAX_TEXT_CHARS, "max_text_chars")
            if len(value) > limit:
                self.add(path, f"text is {len(value)} characters long (limit {name} = {limit})")
            if self.drawn:
                self.text += len(value)
                if self.text > MAX_DIAGRAM_TEXT >= self.text - len(value):
                    self.add(path, f"the diagram has more than {MAX_DIAGRAM_TEXT} characters of text, the "
                                   f"limit reached here (limit max_diagram_text = {MAX_DIAGRAM_TEXT})")
        elif isinstance(value, float | int) and not isinstance(value, bool) and kind in POSITIONED_KINDS:
            self.magnitude(value, path)

    def magnitude(self, value: float, path: tuple) -> None:
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            self.add(path, f"number {_number(value)} is too large to draw (limit max_magnitude = {MAX_MAGNITUDE:g})")
        elif value and abs(value) < MIN_MAGNITUDE:
            self.add(path, f"number {_number(value)} is too small to draw (limit min_magnitude = "
                           f"{MIN_MAGNITUDE:g}; write 0 for zero)")

    def identifier(self, key: str, value: str, path: tuple) -> None:
        bad = _hidden_char(value, ascii_only=key in ID_KEYS)
        if bad:
            self.add(path, f"{key} {_shown(value)} contains {char_name(bad)} (expected ASCII letters, digits, "
                           "_ and -: retype it)")

    def tensor(self, content: dict, path: tuple) -> None:
        for field, v in content.items():
            if isinstance(v, list):
                cells = _leaves(v, MAX_TENSOR_CELLS)
                if cells > MAX_TENSOR_CELLS:
                    self.add(path + (field,), f"tensor {field} has more than {MAX_TENSOR_CELLS} cells (limit "
                                              f"max_tensor_cells = {MAX_TENSOR_CELLS}; give the cells shown and "
                                              "the real size in `shape`)")

    def chart(self, content: dict, path: tuple) -> None:
        points = _leaves(content, MAX_CHART_POINTS)
        if points > MAX_CHART_POINTS:
            self.add(path, f"chart has more than {MAX_CHART_POINTS} data points (limit max_chart_points = "
                           f"{MAX_CHART_POINTS})")


def check_limits(doc: Located, data: Any = None) -> list[Problem]:
    """Located problems for data over the size limits (`data` defaults to the document's own data)."""
    walker = _Walker(doc)
    walker.walk(doc.data if data is None else data, (), None, False)
    return walker.problems


def check_call_args(args: dict[str, Any]) -> tuple[str, str] | None:
    """(argument, message) for the first compute argument too large to pass, or None; cheap on huge data."""
    for name, value in args.items():
        if _leaves(value, MAX_ARG_ITEMS) > MAX_ARG_ITEMS:
            return name, (f"argument '{name}' has more than {MAX_ARG_ITEMS} values "
                          f"(limit max_arg_items = {MAX_ARG_ITEMS})")
        chars = sum(len(s) for s in _strings(value, MAX_ARG_CHARS))
        if chars > MAX_ARG_CHARS:
            return name, (f"argument '{name}' has more than {MAX_ARG_CHARS} characters of text "
                          f"(limit max_arg_chars = {MAX_ARG_CHARS})")
    return None


def _strings(value: Any, stop: int) -> Iterator[str]:
    total, stack = 0, [value]
    while stack and total <= stop:
        v = stack.pop()
        if isinstance(v, str):
            total += len(v)
            yield v
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), or None where unknown."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def memory_limit(extra: int = COMPUTE_MEMORY_BYTES) -> Iterator[None]:
    """Let the block grow the address space by at most `extra` bytes (MemoryError beyond); no-op off Linux."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    now = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if now is None:
        yield
        return
    cap = now + extra
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:  # already as strict
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

"""Load a spec file: safe YAML → JSON Schema → pydantic → cross-reference checks; errors are located."""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic

from compute import registry

from . import components
from .components import expand as expand_components
from .display import display_path
from .elements.lanes import Lanes, span_problems
from .errors import Problem, SpecError, run_stage
from .files import read_spec_file
from .langs import LANGS, pick_lang
from .limits import check_limits
from .models import Diagram, member_name
from .paths import check_components
from .schema import clip_message, short_value
from .yamlpos import Located, load_yaml

CONTAINERS = ("row", "column", "grid", "panel")
# kinds whose parts can be edge ends as `<element id>.<part>`: tree and graph nodes, tensor cells, rows and
# columns (r3c2, r3, c2), chart bars (bar2, s1.bar2), table cells, timeline items (s4), container members
# (0, 1, …, first, last), lanes cells (<row>.<col>); the part is checked at layout, where the parts are known
REPEAT_NAMES = ("item", "index")  # what a repeated item's placeholders read besides compute results and vars
NODE_KINDS = ("tree", "graph", "tensor", "chart", "table", "timeline", "row", "column", "grid", "panel", "lanes",
              "aside", "spectrum", "box", "chain")  # a spectrum's tips (from, to), a cylinder box's records (r0, r1, …)


@dataclass
class Spec:
    """A validated spec and where it came from."""

    diagram: Diagram
    doc: Located
    path: Path

    @property
    def file(self) -> str:
        """The file name used in messages."""
        return self.doc.file


def load(path: str | Path) -> Spec:
    """Load and validate one spec; raises SpecError with every problem found."""
    path = Path(path)
    file = display_path(path)
    return _validated(load_yaml(file, read_spec_file(path, file)), path)


def load_text(text: str | bytes, file: str = "<string>") -> Spec:
    """Load and validate a spec given as YAML text (`file` names it in messages); SpecError like `load`."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return _validated(load_yaml(file, raw), Path(file))


def _validated(doc: Located, path: Path) -> Spec:
    """Components, limits, schema, models and cross-references of a parsed spec; SpecError with every problem."""
    if not isinstance(doc.data, dict):
        raise SpecError([doc.problem((), "a spec is a mapping (expected keys id, chapter, title, body)")])
    root = components.COMPONENTS_DIR  # read per call, so tests can point it at fixtures
    check_components(doc, root)  # paths, cycles and expansion size, before anything is expanded
    expand_components(doc, root)
    problems = check_limits(doc)  # sizes, before the schema walks the data
    if problems:
        raise SpecError(problems)
    try:
        diagram = Diagram.model_validate(doc.data)
    except pydantic.ValidationError as e:
        from .schema import schema_problems

        # the models reject it: the JSON Schema (generated from them) says where and why in the editor's words,
        # and what it does not catch the models' own message does; a valid spec is never schema-checked twice
        raise SpecError(schema_problems(doc) or pydantic_problems(doc, e)) from None
    problems = check_references(doc) + check_lane_spans(doc) + check_compute(doc, diagram) + check_sweep(doc, diagram)
    if problems:
        raise SpecError(problems)
    return Spec(diagram, doc, path)


def branch_errors(errors: list[dict]) -> list[dict]:
    """The errors without those of union branches the value plainly is not: `row: {…}` is not the list form
    when the mapping form has its own error to report."""
    def wrong_branch(err: dict) -> bool:
        return err["type"].endswith("_type") and bool(err["loc"]) and not isinstance(err["loc"][-1], int)

    out = []
    for err in errors:
        head = err["loc"][:-1]
        if wrong_branch(err) and any(o is not err and o["loc"][:len(head)] == head and not wrong_branch(o)
                                     for o in errors):
            continue
        out.append(err)
    return _without_foreign_branches(out)


def _is_branch_tag(part: Any) -> bool:
    """A union branch in a pydantic loc ('Box', 'I18n', 'constrained-int', 'list[…]'), not a field name."""
    return isinstance(part, str) and not re.fullmatch(r"[a-z_][a-z0-9_]*", part)


def _without_foreign_branches(errors: list[dict]) -> list[dict]:
    """Drop the errors of a union branch the value has keys foreign to (`box: {text: …, step: 1000}` is not
    {en, zh}: its 'extra key' errors hide the real one, step out of range) when another branch has none."""
    def branch(loc: tuple, other: tuple) -> tuple | None:
        k = next((i for i, (a, b) in enumerate(zip(loc, other, strict=False)) if a != b), None)
        if k is None or not (_is_branch_tag(loc[k]) and _is_branch_tag(other[k])):
            return None
        return loc[:k + 1]

    foreign: set[tuple] = set()
    extras = [e for e in errors if e["type"] == "extra_forbidden"]
    for e in extras:
        for o in errors:
            mine, theirs = branch(tuple(e["loc"]), tuple(o["loc"])), branch(tuple(o["loc"]), tuple(e["loc"]))
            if mine and not any(tuple(x["loc"][:len(theirs)]) == theirs for x in extras):
                foreign.add(mine)
    return [e for e in errors if not any(tuple(e["loc"][:len(b)]) == b for b in foreign)]


def pydantic_problems(doc: Located, e: pydantic.ValidationError) -> list[Problem]:
    """One located problem per place: several items of one placeholder's value fail at the same spot."""
    out: dict[tuple[int, int], Problem] = {}
    for err in branch_errors(e.errors()):
        p = _pydantic_problem(doc, err)
        out.setdefault((p.line, p.col), p)
    return list(out.values())


def _pydantic_problem(doc: Located, err: dict) -> Problem:
    """Locate a pydantic error: follow its loc through the data, skipping union-branch names."""
    path: list[str | int] = []
    node: Any = doc.data
    for part in err["loc"]:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            path.append(part)
    return doc.problem(tuple(path), clip_message(_in_our_words(err)))


_EXPECTED = {"int": "a whole number", "float": "a number", "string": "text", "bool": "true or false",
             "list": "a list", "dict": "a mapping", "tuple": "a list"}


def _shown(value: Any) -> tuple[str, str]:
    """(kind, value as written, cut to 40 characters) of a value in a message."""
    kind = {dict: "mapping", list: "list", str: "text", bool: "true/false", int: "number", float: "number",
            type(None): "nothing"}.get(type(value), type(value).__name__)
    return kind, short_value(value)


def _in_our_words(err: dict, expected: str | None = None) -> str:
    """A pydantic error as we word messages: what was given, what was expected (not pydantic's sentence)."""
    kind, shown = _shown(err.get("input"))
    t = err["type"]
    if t == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if t == "literal_error":
        allowed = str((err.get("ctx") or {}).get("expected", "")).replace("'", "")
        return f"{shown} is not allowed (expected one of: {allowed.replace(' or ', ', ')})"
    if t in ("int_from_float", "int_parsing", "int_type") and isinstance(err.get("input"), float):
        return f"{shown} is not a whole number (expected {expected or 'an integer'})"
    if t.startswith(("greater_than", "less_than", "too_short", "too_long", "string_too", "multiple_of")):
        ctx = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in (err.get("ctx") or {}).items())
        return f"{shown} is out of range (expected {expected or 'a value'}{', ' + ctx if ctx else ''})"
    base = t.split("_")[0]
    if t.endswith(("_type", "_parsing")) and (expected or base in _EXPECTED):
        return f"wrong type: {kind} {shown} (expected {expected or _EXPECTED[base]})"
    return err["msg"].removeprefix("Value error, ")


def walk_elements(data: Any, path: tuple = ()) -> Iterator[tuple[str, Any, tuple]]:
    """Yield (kind, content, path-to-content) for every element in raw spec data, depth first."""
    if not isinstance(data, dict) or len(data) != 1:
        return
    kind, content = next(iter(data.items()))
    here = path + (kind,)
    yield kind, content, here
    if kind in CONTAINERS:
        items, ipath = (content, here) if isinstance(content, list) else (
            (content.get("items", []), here + ("items",)) if isinstance(content, dict) else ([], here))
        for i, child in enumerate(items if isinstance(items, list) else []):
            yield from walk_elements(child, ipath + (i,))
        if isinstance(content, dict) and isinstance(content.get("item"), dict):  # a repeated item's template
            yield from walk_elements(content["item"], here + ("item",))
    if kind == "box" and isinstance(content, dict) and isinstance(content.get("items"), list):
        for i, child in enumerate(content["items"]):  # a box's nested elements
            yield from walk_elements(child, here + ("items", i))
    if kind == "bridge" and isinstance(content, dict):
        yield from walk_elements(content.get("item"), here + ("item",))
    if kind == "lanes" and isinstance(content, dict):
        yield from _lane_parts(content, here)
    if kind == "aside" and isinstance(content, dict) and isinstance(content.get("rows"), list):
        for i, row in enumerate(content["rows"]):
            for part in ("main", "side"):
                if isinstance(row, dict) and part in row:
                    yield from walk_elements(row[part], here + ("rows", i, part))


def _lane_parts(content: dict, here: tuple) -> Iterator[tuple[str, Any, tuple]]:
    """A lanes element's stages and rows (they may have ids) and the elements in its cells."""
    for k, stage in enumerate(content.get("stages") or []):
        yield "lanes-stage", stage, here + ("stages", k)
    for i, row in enumerate(content.get("rows") or []):
        yield "lanes-row", row, here + ("rows", i)
        cells = row.get("cells") if isinstance(row, dict) else None
        for j, cell in enumerate(cells if isinstance(cells, list) else []):
            cpath = here + ("rows", i, "cells", j)
            if isinstance(cell, dict) and cell and set(cell) <= {"span", "item"}:
                yield from walk_elements(cell.get("item"), cpath + ("item",))
            else:
                yield from walk_elements(cell, cpath)


def check_references(doc: Located) -> list[Problem]:
    """Duplicate element ids, and edges naming ids that do not exist."""
    problems, seen = [], {}
    for _kind, content, path in walk_elements(doc.data.get("body"), ("body",)):
        if isinstance(content, dict) and isinstance(content.get("id"), str):
            eid = content["id"]
            if eid in seen:
                file, line, col = doc.locate(seen[eid])
                problems.append(doc.problem(path + ("id",),
                                            f"duplicate element id '{eid}' (first defined at {file}:{line}:{col}; "
                                            "expected unique ids)"))
            else:
                seen[eid] = path + ("id",)
    containers = {content.get("id") for kind, content, _ in walk_elements(doc.data.get("body"), ("body",))
                  if kind in NODE_KINDS and isinstance(content, dict)}
    templated = [eid for eid, path in seen.items()  # in a repeated item's template: copies are `<id>-<index>`
                 if any(k and path[k] == "item" and path[k - 1] in CONTAINERS for k in range(len(path)))]
    def unknown(target: object) -> bool:
        target = member_name(target) if isinstance(target, str) else target
        if isinstance(target, str) and _part_of(target, containers):
            return False  # a node inside a tree or graph: `<element id>.<node id>`, checked at layout
        if isinstance(target, str) and any(re.fullmatch(rf"{re.escape(t)}-\d+(\..+)?", target) for t in templated):
            return False  # a copy of a repeated item (or a part of one), checked at layout
        return target not in seen

    known = ", ".join(sorted(seen)) or "none defined"
    for i, edge in enumerate(doc.data.get("edges", [])):
        for end in ("from", "to"):
            if unknown(edge.get(end)):
                problems.append(doc.problem(("edges", i, end), f"edge {end} unknown element id "
                                            f"'{edge.get(end)}' (expected one of: {known})"))
    for i, ann in enumerate(doc.data.get("annotations") or []):
        if not isinstance(ann, dict):
            continue
        braced = ann.get("brace") if isinstance(ann.get("brace"), list) else []
        targets = [(("brace", j), t) for j, t in enumerate(braced)]
        targets += [(("callout",), ann["callout"])] if "callout" in ann else []
        for where, t in targets:
            if unknown(t):
                problems.append(doc.problem(("annotations", i, *where), f"annotation target unknown element id "
                                            f"'{t}' (expected one of: {known})"))
    return problems


def _part_of(target: str, containers: set) -> bool:
    """`target` names a part of an element with parts: `<id>.<part>`, or `<id>.<row>.<col>` in lanes."""
    names = target.split(".")
    return any(".".join(names[:k]) in containers for k in range(1, len(names)))


def check_lane_spans(doc: Located) -> list[Problem]:
    """Every row of a lanes element covers exactly its stages' columns."""
    problems = []
    for kind, content, path in walk_elements(doc.data.get("body"), ("body",)):
        if kind == "lanes":
            lanes = Lanes.model_validate(content)
            problems += [doc.problem(path + ("rows", i, "cells"), msg) for i, msg in span_problems(lanes)]
    return problems


def check_compute(doc: Located, diagram: Diagram) -> list[Problem]:
    """Each compute call names a registered function with arguments that fit its signature."""
    problems = []
    for name, call in diagram.compute.items():
        base = ("compute", name)
        if not name.isidentifier():
            problems.append(doc.problem(base, f"compute name '{name}' must be an identifier "
                                              "(expected letters, digits, _)", key=True))
        elif name in REPEAT_NAMES:
            problems.append(doc.problem(base, f"compute name '{name}' is reserved: inside a repeated item "
                                              f"{{{{ {name} }}}} is the copy's value or position "
                                              "(expected another name)", key=True))
        if call.fn not in registry.FUNCTIONS:
            near = [n for n in registry.names() if n.split(".")[0] == call.fn.split(".")[0]][:8]
            hint = f" (expected a registered function, e.g. {', '.join(near)})" if near else \
                " (expected a registered function; `vizspec functions` lists them)"
            problems.append(doc.problem(base + ("fn",), f"unknown compute function '{call.fn}'{hint}"))
            continue
        try:
            problems += check_args(doc, base, call.fn, call.args)
        except registry.MissingPackage as e:
            problems.append(doc.problem(base + ("fn",), str(e)))
    return problems


def check_sweep(doc: Located, diagram: Diagram) -> list[Problem]:
    """A sweep's input exists (a var, or an argument of a registered function's call) and its initial is a value."""
    sw = diagram.sweep
    if sw is None:
        return []
    problems = []
    if sw.var is not None and sw.var not in diagram.vars:
        problems.append(doc.problem(("sweep", "var"), f"sweep var '{sw.var}' is not in vars (expected one of: "
                                                      f"{', '.join(diagram.vars) or 'none: add it to vars'})"))
    if sw.arg is not None:
        name, arg = sw.arg.split(".")
        call = diagram.compute.get(name)
        if call is None:
            problems.append(doc.problem(("sweep", "arg"), f"sweep arg '{sw.arg}': no compute call '{name}' "
                                                          f"(expected one of: {', '.join(diagram.compute) or 'none'})"))
        elif call.fn in registry.FUNCTIONS:
            params = [n for n, p in inspect.signature(registry.get(call.fn)).parameters.items()
                      if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if arg not in params:
                problems.append(doc.problem(("sweep", "arg"), f"sweep arg '{sw.arg}': {call.fn} has no argument "
                                                              f"'{arg}' (expected one of: {', '.join(params)})"))
    if sw.initial is not None and sw.initial_index() < 0:
        shown = ", ".join(str(v) for v in sw.frame_values())
        problems.append(doc.problem(("sweep", "initial"), f"sweep initial {sw.initial!r} is not one of the values "
                                                          f"(expected one of: {shown})"))
    return problems


def check_args(doc: Located, base: tuple, fn: str, args: dict[str, Any]) -> list[Problem]:
    """Argument names and types against the registered function's signature."""
    problems = []
    sig = inspect.signature(registry.get(fn))
    hints = _hints(fn)
    params = {n: p for n, p in sig.parameters.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    missing = [n for n, p in params.items() if p.default is p.empty and n not in args]
    for arg, value in args.items():
        if arg not in params:
            # a misspelt required argument is one mistake: said here, not again as "needs argument"
            near = difflib.get_close_matches(arg, [n for n in params if n not in args], n=1)
            if near and near[0] in missing:
                missing.remove(near[0])
            hint = f"did you mean '{near[0]}'? " if near else ""
            problems.append(doc.problem(base + ("args", arg), f"{fn} has no argument '{arg}' "
                                        f"({hint}expected: {', '.join(params)})", key=True))
            continue
        if _has_placeholder(value) or arg not in hints:
            continue
        for lang in LANGS:  # an {en: …, zh: …} argument is each language's value in turn
            try:
                pydantic.TypeAdapter(hints[arg]).validate_python(pick_lang(value, lang), strict=False)
            except pydantic.ValidationError as e:
                first = e.errors()[0]
                at = _lang_path(value, tuple(first["loc"]), lang)
                problems.append(doc.problem(base + ("args", arg) + at,
                                            f"argument '{arg}' of {fn}: {_arg_problem(first, hints[arg])}"))
                break
    if missing:
        problems.append(doc.problem(base + ("args",) if "args" in doc.data["compute"][base[1]] else base,
                                    f"{fn} needs argument '{missing[0]}' (expected: {', '.join(params)})"))
    return problems


def _lang_path(value: Any, loc: tuple, lang: str) -> tuple:
    """The path in the written argument of `loc` in its `lang` value: through the {en: …, zh: …} mappings."""
    out: list = []
    for step in (*loc, None):
        while isinstance(value, dict) and set(value) == set(LANGS):
            out.append(lang)
            value = value[lang]
        if step is None:
            break
        out.append(step)
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            value = None
    return tuple(out)


def _hints(fn: str) -> dict[str, Any]:
    import typing

    try:
        return typing.get_type_hints(registry.get(fn))
    except Exception:  # unresolvable annotations: names are still checked
        return {}


def _arg_problem(err: dict, hint: Any) -> str:
    """A pydantic error on a compute argument in our words, expecting the type at the failing spot."""
    import typing

    from compute.docs import type_name

    want = hint
    for step in err["loc"]:  # the type at the failing spot: list[float] at index 1 is float
        args = [a for a in typing.get_args(want) if a is not type(None)]
        if isinstance(step, int) and args:
            want = args[0]
        elif isinstance(step, str) and len(args) == 2 and typing.get_origin(want) is dict:
            want = args[1]
    return _in_our_words({**err, "type": err["type"] if err["type"] != "value_error" else "x_type"},
                         type_name(want))


def _has_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return "{{" in value
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    return False


def load_all(paths: list[Path]) -> tuple[list[Spec], list[Problem]]:
    """Load many specs; also reports diagram ids used by more than one file."""
    specs, problems, ids = [], [], {}
    for p in paths:
        try:
            spec = run_stage(p, "load", load, p)
        except SpecError as e:
            problems += e.problems
            continue
        did = spec.diagram.id
        if did in ids:
            problems.append(spec.doc.problem(("id",), f"duplicate diagram id '{did}' (also used by {ids[did]}; "
                                                      "expected ids unique across specs)"))
            continue
        ids[did] = spec.file
        specs.append(spec)
    return specs, problems

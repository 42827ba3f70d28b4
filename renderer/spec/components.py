"""Shared components: `use: {component: NAME, id: X, args: {…}}` expands templates/components/NAME.yaml.

A component file has `params:` (name → default; `null` means required) and `body:` (one element).
Inside the body, `{{ params.NAME }}` is replaced by the argument: the raw value where the whole
string is that placeholder, text otherwise; inside a larger placeholder expression `params.NAME`
becomes the argument as a literal (`{{ 'kept' if i < params.n else 'light' }}`); everything else is
left for binding. Element ids inside get the prefix `X.` when the `use` has an id, so one component
can be used twice. Expansion happens right after YAML loading, so schema errors inside a component
point at the component file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..project import COMPONENTS_DIR
from .display import display_path
from .errors import Problem, SpecError
from .files import read_spec_file
from .models import ELEMENT_KINDS
from .paths import MAX_INCLUDE_DEPTH as MAX_DEPTH
from .paths import PARAM, safe_component_path
from .yamlpos import Located, load_yaml

EXPR = re.compile(r"\{\{.*?\}\}", re.S)
PARAM_REF = re.compile(r"\bparams\.([A-Za-z_][A-Za-z0-9_]*)")


def expand(doc: Located, root: Path | None = None) -> None:
    """Replace every `use:` element in doc.data by its component body, in place."""
    root = root or COMPONENTS_DIR
    if isinstance(doc.data, dict) and "body" in doc.data:
        doc.data["body"] = _expand(doc, doc, doc.data["body"], ("body",), ("body",), root, ())


def _expand(top: Located, here: Located, node: Any, path: tuple, here_path: tuple, root: Path,
            stack: tuple[str, ...]) -> Any:
    """Expand uses below `node`; `path` is the node's path in the top document."""
    if isinstance(node, list):
        return [_expand(top, here, v, path + (i,), here_path + (i,), root, stack) for i, v in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if set(node) == {"use"} and isinstance(node["use"], dict):
        return _use(top, here, node["use"], path, here_path, root, stack)
    return {k: _expand(top, here, v, path + (k,), here_path + (k,), root, stack) for k, v in node.items()}


def _use(top: Located, here: Located, use: dict, path: tuple, here_path: tuple, root: Path,
         stack: tuple[str, ...]) -> Any:
    name = use.get("component")
    upath = here_path + ("use",)

    file = safe_component_path(name, here, upath + ("component",), root)
    if name in stack or len(stack) >= MAX_DEPTH:
        chain = " → ".join((*stack, name))
        raise SpecError([here.problem(upath + ("component",),
                                      f"components used in a cycle or nested too deeply: {chain} "
                                      f"(expected at most {MAX_DEPTH} levels, no cycles)")])
    comp = load_yaml(_display(file), read_spec_file(file, _display(file)))
    if not isinstance(comp.data, dict) or "body" not in comp.data:
        raise SpecError([comp.problem((), "a component file has `params:` and `body:` (expected a mapping "
                                          "with a body element)")])
    extra = set(comp.data) - {"params", "body", "description"}
    if extra:
        key = sorted(extra)[0]
        raise SpecError([comp.problem((key,), f"unknown key '{key}' (expected params, body, description)", True)])
    params = comp.data.get("params") or {}
    args = use.get("args") or {}
    if not isinstance(params, dict) or not isinstance(args, dict):
        raise SpecError([here.problem(upath, "params and args are mappings")])
    unknown = sorted(set(args) - set(params))
    if unknown:
        raise SpecError([here.problem(upath + ("args", unknown[0]),
                                      f"component '{name}' has no parameter '{unknown[0]}' "
                                      f"(expected: {', '.join(params) or 'none'})", key=True)])
    values = {**params, **args}
    missing = [k for k, v in values.items() if v is None]
    if missing:
        raise SpecError([here.problem(upath, f"component '{name}' needs argument '{missing[0]}' "
                                             f"(expected args: {', '.join(params)})")])
    bad = set(use) - {"component", "id", "args"}
    if bad:
        k = sorted(bad)[0]
        raise SpecError([here.problem(upath + (k,), f"unknown key '{k}' (expected component, id, args)", True)])
    body = _substitute(comp.data["body"], values, use.get("id"), comp, ("body",))
    top.sub[path] = (comp, ("body",))
    return _expand(top, comp, body, path, ("body",), root, (*stack, name))


def _substitute(node: Any, values: dict, prefix: Any, comp: Located, cpath: tuple) -> Any:
    if isinstance(node, str):
        whole = PARAM.fullmatch(node.strip())
        if whole:
            return _value(whole.group(1), values, comp, cpath)
        text = PARAM.sub(lambda m: str(_value(m.group(1), values, comp, cpath)), node)
        # inside a larger expression, `params.x` becomes the argument as a literal: {{ 'a' if i < params.n else 'b' }}
        return EXPR.sub(lambda m: PARAM_REF.sub(lambda r: _literal(_value(r.group(1), values, comp, cpath)),
                                                m.group(0)), text)
    if isinstance(node, list):
        return [_substitute(v, values, prefix, comp, cpath + (i,)) for i, v in enumerate(node)]
    if isinstance(node, dict):
        out = {k: _substitute(v, values, prefix, comp, cpath + (k,)) for k, v in node.items()}
        if isinstance(prefix, str) and prefix and len(out) == 1:
            (kind, content), = out.items()
            # an element ({kind: {id: …}}): its id gets the prefix; ids of nodes inside trees and graphs
            # stay as they are (their anchors are `<element id>.<node id>`, so they follow the prefix)
            if kind in ELEMENT_KINDS and isinstance(content, dict) and isinstance(content.get("id"), str):
                out[kind] = {**content, "id": f"{prefix}.{content['id']}"}
        return out
    return node


def _literal(v: Any) -> str:
    """An argument inside an expression: a placeholder argument (`n: "{{ item }}"`) as its expression in
    brackets, so it is evaluated when the spec is bound; any other value as a literal."""
    if isinstance(v, str):
        inner = re.fullmatch(r"\s*\{\{(.*)\}\}\s*", v, re.S)
        if inner and "{{" not in inner.group(1):
            return f"({inner.group(1)})"
    return json.dumps(v, ensure_ascii=False)


def _value(name: str, values: dict, comp: Located, cpath: tuple) -> Any:
    if name not in values:
        raise SpecError([comp.problem(cpath, f"unknown parameter '{name}' (expected one of: "
                                             f"{', '.join(values) or 'none'})")])
    return values[name]


def _display(path: Path) -> str:
    return display_path(path)


def components_used(data: Any) -> set[str]:
    """Names of components a raw spec uses (directly; see `expand` for the recursion)."""
    out: set[str] = set()
    if isinstance(data, dict):
        if set(data) == {"use"} and isinstance(data["use"], dict) and isinstance(data["use"].get("component"), str):
            out.add(data["use"]["component"])
        for v in data.values():
            out |= components_used(v)
    elif isinstance(data, list):
        for v in data:
            out |= components_used(v)
    return out


__all__ = ["expand", "components_used", "Problem"]

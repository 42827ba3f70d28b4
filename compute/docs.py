"""The function reference for spec authors (docs/functions.md), generated from the registry and docstrings."""

import inspect
import json
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal

import typing_extensions

from compute import registry
from compute.examples import EXAMPLES

DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "functions.md"


def type_name(t: Any) -> str:
    """A readable annotation: list[float], int | None, Literal["k1", "k2"], TokenNode."""
    if t is type(None):
        return "None"
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin is Literal:
        return "Literal[" + ", ".join(json.dumps(a, ensure_ascii=False) for a in args) + "]"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(type_name(a) for a in args)}]" if args else name
    if isinstance(t, typing.ForwardRef):
        return t.__forward_arg__
    return getattr(t, "__name__", str(t).replace("typing.", ""))


def signature(name: str) -> str:
    """`name(arg: type = default, ...)` with resolved annotations."""
    fn = registry.get(name)
    hints = typing.get_type_hints(fn)
    parts = []
    for p in inspect.signature(fn).parameters.values():
        s = f"{p.name}: {type_name(hints[p.name])}" if p.name in hints else p.name
        if p.default is not p.empty:
            d = json.dumps(p.default, ensure_ascii=False) if isinstance(p.default, str) else repr(p.default)
            s += f" = {d}"
        parts.append(s)
    return f"{name}({', '.join(parts)})"


def parse_doc(name: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(first line, rest of the description, [(return key, description)]) from the docstring."""
    doc = inspect.getdoc(registry.get(name)) or ""
    body, _, returns = doc.partition("\nReturns:\n")
    first, _, rest = body.partition("\n")
    keys: list[tuple[str, str]] = []
    for line in returns.splitlines():
        m = re.match(r"^ {4}(\w+): (.*)$", line)
        if m:
            keys.append((m.group(1), m.group(2).strip()))
        elif line.startswith(" " * 8) and keys:
            keys[-1] = (keys[-1][0], keys[-1][1] + " " + line.strip())
    return first.strip(), " ".join(rest.split()), keys


def return_keys(name: str) -> list[str]:
    """The documented result keys of a registered function."""
    return [k for k, _ in parse_doc(name)[2]]


def _custom_types() -> list[type]:
    seen: dict[str, type] = {}

    def visit(t: Any) -> None:
        if typing_extensions.is_typeddict(t) and t.__name__ not in seen:
            seen[t.__name__] = t
            for v in typing.get_type_hints(t).values():
                visit(v)
        for a in typing.get_args(t):
            visit(a)

    for n in registry.names():
        for t in typing.get_type_hints(registry.get(n)).values():
            visit(t)
    return [seen[k] for k in sorted(seen)]


def _field_type(t: Any) -> str:
    if typing.get_origin(t) in (typing.NotRequired, typing.Required):
        return type_name(typing.get_args(t)[0])
    return type_name(t)


def functions_markdown() -> str:
    """The whole reference page, deterministic (sorted by name)."""
    out = [
        "# Compute functions",
        "",
        "<!-- generated from compute/ by `vizspec functions --write` (or `python -m compute.docs --write`);"
        " do not edit -->",
        "",
        "Every number a diagram shows comes from one of these functions, called by name from a spec's",
        "`compute:` block (`{fn: sampling.top_p, args: {logits: [...], p: 0.7}}`); its result keys are",
        "used as `{{ name.key }}`. Arguments are keyword arguments with the types shown.",
        "",
    ]
    by_module: dict[str, list[str]] = {}
    for n in registry.names():
        by_module.setdefault(n.split(".")[0], []).append(n)
    out.append("Modules: " + ", ".join(f"[{m}](#{m})" for m in by_module) + ".")
    out.append("")
    for module, fn_names in by_module.items():
        out += [f"## {module}", ""]
        for n in fn_names:
            first, rest, keys = parse_doc(n)
            out += [f"### `{n}`", "", "```python", signature(n), "```", "", first, ""]
            if rest:
                out += [rest, ""]
            out.append("Returns:")
            out += [f"- `{k}`: {d}" for k, d in keys]
            out.append("")
            if n in EXAMPLES:
                out += [f"Example args: `{json.dumps(EXAMPLES[n], ensure_ascii=False)}`", ""]
    custom = _custom_types()
    if custom:
        out += ["## Argument types", ""]
        for t in custom:
            out += [f"### `{t.__name__}`", "", (inspect.getdoc(t) or "").splitlines()[0], ""]
            required = getattr(t, "__required_keys__", frozenset())
            for k, v in typing.get_type_hints(t, include_extras=True).items():
                opt = "" if k in required else " (optional)"
                out.append(f"- `{k}`: {_field_type(v)}{opt}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def write(path: Path = DOCS_PATH) -> Path:
    """Write the reference page to docs/functions.md."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(functions_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":
    import sys

    if "--write" in sys.argv:
        print(f"wrote {write()}")
    else:
        sys.stdout.write(functions_markdown())

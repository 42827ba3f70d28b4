"""Component files are resolved only inside templates/components/, and checked before any expansion.

`safe_component_path` refuses traversal (`../../etc/passwd`), absolute paths, symlinks leading out of
the folder and anything that is not a regular file. `check_components` walks the whole component graph
a spec uses without building it: cycles (A uses B uses A), components nested too deeply, and expansions
that would exceed the node budget (a component used 10 times in a component used 10 times …) or the
nesting limit are located errors, before `components.expand` builds anything.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..project import COMPONENTS_DIR
from .display import display_path
from .errors import Problem, SpecError
from .files import read_spec_file
from .yamlpos import MAX_BYTES, MAX_DEPTH, MAX_NODES, Located, load_yaml

MAX_NAME = 64  # characters of a component name
MAX_INCLUDE_DEPTH = 8  # components using components
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM = re.compile(r"\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _fail(doc: Located | None, at: tuple, message: str) -> SpecError:
    return SpecError([doc.problem(at, message) if doc is not None else Problem("<component>", 1, 1, message)])


def safe_component_path(name: Any, doc: Located | None = None, at: tuple = (),
                        root: Path = COMPONENTS_DIR) -> Path:
    """The real path of component `name` inside `root`; a SpecError located at `at` in `doc` otherwise."""
    where = "templates/components/"
    if not isinstance(name, str):
        raise _fail(doc, at, f"component name must be a string (expected a file name in {where})")
    shown = name if name.isprintable() and len(name) <= MAX_NAME else repr(name[:MAX_NAME])
    if name.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", name):
        raise _fail(doc, at, f"component '{shown}' is an absolute path (expected a file name in {where}, "
                             "e.g. ppo-four-models)")
    if ".." in re.split(r"[/\\]", name):
        raise _fail(doc, at, f"component '{shown}' leaves {where} with '..' (expected a file name in it, "
                             "e.g. ppo-four-models)")
    if len(name) > MAX_NAME or not NAME.fullmatch(name):
        raise _fail(doc, at, f"component name '{shown}' has the wrong form (expected a kebab-case file name "
                             f"in {where}, no folders, at most {MAX_NAME} characters)")
    known = ", ".join(sorted(p.stem for p in root.glob("*.yaml"))) if root.is_dir() else ""
    try:
        base = root.resolve(strict=True)
        real = (root / f"{name}.yaml").resolve(strict=True)
    except (OSError, RuntimeError):  # missing, dangling symlink, symlink loop
        raise _fail(doc, at, f"unknown component '{name}' (expected one of: {known or 'none'})") from None
    if not real.is_relative_to(base):
        raise _fail(doc, at, f"component '{name}' is a symlink pointing outside {where} (expected a file "
                             "inside it; symlinks out are refused)")
    if not real.is_file():
        raise _fail(doc, at, f"component '{name}' is not a regular file (expected a YAML file in {where})")
    if real.stat().st_size > MAX_BYTES:
        raise _fail(doc, at, f"component '{name}' is too large: {real.stat().st_size} bytes "
                             f"(limit max_file_bytes = {MAX_BYTES})")
    return real


class _TooBig(Exception):
    """The expansion passed the node budget (reported at the spec's `use` that leads to it)."""


class _TooDeep(Exception):
    """The expansion nests deeper than the YAML limit (reported at the spec's `use` that leads to it)."""


Size = tuple[int, int]  # (values, levels of nesting below)


class _Sizer:
    """Counts the values a spec would have once its components are expanded, without expanding them."""

    def __init__(self, root: Path):
        self.root = root
        self.docs: dict[str, Located] = {}
        self.memo: dict[tuple, Size] = {}

    def size(self, node: Any, here: Located, path: tuple, params: dict[str, Size], stack: tuple[str, ...],
             depth: int) -> Size:
        """Values and height of `node` once expanded; `depth` is its nesting in the expanded spec."""
        if depth > MAX_DEPTH:
            raise _TooDeep
        if isinstance(node, dict) and set(node) == {"use"} and isinstance(node["use"], dict):
            return self.use(node["use"], here, path + ("use",), params, stack, depth)
        if isinstance(node, list | dict):
            items = node.items() if isinstance(node, dict) else enumerate(node)
            total, height = 1, 0
            for k, v in items:
                count, h = self.size(v, here, path + (k,), params, stack, depth + 1)
                total, height = total + count, max(height, h + 1)
                if total > MAX_NODES:
                    raise _TooBig
            return total, height
        if isinstance(node, str):
            whole = PARAM.fullmatch(node.strip())
            if whole:
                count, height = params.get(whole.group(1), (1, 0))
                if depth + height > MAX_DEPTH:
                    raise _TooDeep
                return count, height
        return 1, 0

    def use(self, use: dict, here: Located, upath: tuple, params: dict[str, Size], stack: tuple[str, ...],
            depth: int) -> Size:
        name = use.get("component")
        file = safe_component_path(name, here, upath + ("component",), self.root)
        if name in stack or len(stack) >= MAX_INCLUDE_DEPTH:
            chain = " → ".join((*stack, name))
            what = "used in a cycle" if name in stack else "nested too deeply"
            raise _fail(here, upath + ("component",), f"components {what}: {chain} (expected at most "
                                                      f"{MAX_INCLUDE_DEPTH} levels, no cycles)")
        comp = self.load(name, file)
        args = use.get("args") if isinstance(use.get("args"), dict) else {}
        params_of = comp.data.get("params") if isinstance(comp.data, dict) else None
        try:
            # arguments and defaults are measured where they are written; their nesting counts where used
            sizes = {k: self.size(v, here, upath + ("args", k), params, stack, 0) for k, v in args.items()}
            for k, default in (params_of.items() if isinstance(params_of, dict) else ()):
                sizes.setdefault(k, self.size(default, comp, ("params", k), {}, stack, 0))
            key = (name, tuple(sorted(sizes.items())))
            if key not in self.memo:
                body = comp.data.get("body") if isinstance(comp.data, dict) else None
                self.memo[key] = self.size(body, comp, ("body",), sizes, (*stack, name), depth)
            count, height = self.memo[key]
            if count > MAX_NODES:
                raise _TooBig
            if depth + height > MAX_DEPTH:
                raise _TooDeep
        except _TooBig:
            if stack:
                raise
            raise _fail(here, upath + ("component",), f"component '{name}' expands to more than {MAX_NODES} "
                                                      f"values (limit max_yaml_nodes = {MAX_NODES})") from None
        except _TooDeep:
            if stack:
                raise
            raise _fail(here, upath + ("component",), f"component '{name}' nests too deeply once expanded: more "
                                                      f"than {MAX_DEPTH} levels (limit max_depth = {MAX_DEPTH})"
                        ) from None
        return count, height

    def load(self, name: str, file: Path) -> Located:
        if name not in self.docs:
            self.docs[name] = load_yaml(display_path(file), read_spec_file(file))
        return self.docs[name]


def check_components(doc: Located, root: Path = COMPONENTS_DIR) -> None:
    """Raise a located SpecError if the spec's components leave the folder, cycle, or expand too far."""
    if not isinstance(doc.data, dict):
        return
    try:
        _Sizer(root).size(doc.data.get("body"), doc, ("body",), {}, (), 1)
    except _TooBig:
        raise _fail(doc, ("body",), f"the body expands to more than {MAX_NODES} values once components are "
                                    f"expanded (limit max_yaml_nodes = {MAX_NODES})") from None
    except _TooDeep:
        raise _fail(doc, ("body",), f"the body nests too deeply once components are expanded: more than "
                                    f"{MAX_DEPTH} levels (limit max_depth = {MAX_DEPTH})") from None

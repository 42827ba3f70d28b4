"""Shell completion generated from the CLI's own parser (so it never lists an option the CLI lacks)."""

from __future__ import annotations

import argparse
import shlex

from compute import registry

# positional arguments completed with diagram ids (from `vizspec list`) and spec files
ID_COMMANDS = ("validate", "render", "check", "explain")
DIR_OPTIONS = ("--out", "--root", "--specs")
FILE_OPTIONS = ("--report",)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(o for a in parser._actions for o in a.option_strings if o.startswith("--"))


def _choices(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """Option -> its fixed choices (`--lang en zh all`), from the parser."""
    out: dict[str, list[str]] = {}
    for a in parser._actions:
        if a.choices and a.option_strings:
            for o in a.option_strings:
                out[o] = [str(c) for c in a.choices]
    return out


def bash_script(parser: argparse.ArgumentParser) -> str:
    """A bash completion function for `vizspec`: `eval "$(vizspec completion bash)"`."""
    subs = _subcommands(parser)
    q = shlex.quote
    cases, choice_cases = [], []
    for name, sub in sorted(subs.items()):
        words = " ".join(_options(sub))
        pos_choices = [str(c) for a in sub._actions if not a.option_strings and a.choices for c in a.choices]
        if pos_choices:  # a positional with fixed choices (`completion bash`)
            pos = f'COMPREPLY+=($(compgen -W {q(" ".join(pos_choices))} -- "$cur"))'
        elif name in ID_COMMANDS:
            pos = 'COMPREPLY+=($(compgen -W "all $(_vizspec_ids)" -- "$cur") $(compgen -f -X "!*.y*ml" -- "$cur") ' \
                  '$(compgen -d -- "$cur"))'
        elif name == "functions":
            pos = f'COMPREPLY+=($(compgen -W {q(" ".join(registry.names()))} -- "$cur"))'
        else:
            pos = ":"
        cases.append(f'    {name}) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W {q(words)} -- "$cur")); '
                     f"else {pos}; fi ;;")
        for opt, values in _choices(sub).items():
            choice_cases.append(f'    {opt}) COMPREPLY=($(compgen -W {q(" ".join(values))} -- "$cur")); return ;;')
    choice_cases.append('    --format) COMPREPLY=($(compgen -W "svg png pptx svg,png svg,png,pptx" -- "$cur")); '
                        "return ;;")
    dirs = "|".join(DIR_OPTIONS)
    files = "|".join(FILE_OPTIONS)
    top = " ".join(sorted(subs)) + " " + " ".join(_options(parser))
    return "\n".join([
        "# bash completion for vizspec: eval \"$(vizspec completion bash)\"",
        "_vizspec_ids() { vizspec list 2>/dev/null | cut -d' ' -f1; }",
        "_vizspec() {",
        '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd="" i',
        "  COMPREPLY=()",
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        '    case ${COMP_WORDS[i]} in --root) ((i++)) ;; -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac',
        "  done",
        "  case $prev in",
        f'    {dirs}) COMPREPLY=($(compgen -d -- "$cur")); return ;;',
        f'    {files}) COMPREPLY=($(compgen -f -- "$cur")); return ;;',
        *sorted(set(choice_cases)),
        "  esac",
        f'  if [[ -z $cmd ]]; then COMPREPLY=($(compgen -W {q(top)} -- "$cur")); return; fi',
        "  case $cmd in",
        *cases,
        "  esac",
        "}",
        "complete -o filenames -F _vizspec vizspec",
    ])

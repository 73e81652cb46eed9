"""``tariffs completion bash|zsh|fish``: a shell completion script, made from the parser.

The script is generated from the argparse parser of ``tariffs`` as it is when run, so it
cannot drift from the options: the subcommands, each command's options (and the global
``-q``, ``-v``, ``--color``, before or after the command), the choices of an option that
has them (``--format``, ``--readings-format``, ...), directories for ``DIR`` options,
files for readings, accounts and outputs, and nothing for a date, a number or a zone.
Where a tariff is named (``--tariff``, ``--current``, ``--proposed``, ``show TARIFF``),
the script offers the tariff ids that ``tariffs tables --ids`` prints (the bundled
tables and those of ``TARIFFS_PATH``), and files.

- bash: ``source <(tariffs completion bash)``, or save it in
  ``~/.local/share/bash-completion/completions/tariffs``.
- zsh: ``source <(tariffs completion zsh)`` in ``~/.zshrc``: the bash script, run by
  zsh's ``bashcompinit`` (one completion logic for both shells).
- fish: ``tariffs completion fish > ~/.config/fish/completions/tariffs.fish``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from tariffs.cli.options import write_stdout

__all__ = ["add_parser", "run"]

#: The shells a script is written for.
SHELLS = ("bash", "zsh", "fish")

#: What the value of an option (or a positional argument) is completed with.
Kind = Literal["flag", "choices", "tariff", "dir", "file", "none"]

_TARIFF_DESTS = {"tariff", "tariffs", "current", "proposed"}


@dataclass(frozen=True)
class Option:
    """An option (or, with no ``names``, a positional argument) as completion sees it."""

    names: tuple[str, ...]
    kind: Kind
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Spec:
    """A command: its options and positional arguments; the top level has subcommands."""

    name: str
    help: str
    options: tuple[Option, ...]
    positionals: tuple[Option, ...]


def add_parser(commands: Any) -> None:
    """Add ``completion`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description=(
            "Print a completion script for SHELL, made from this command's own parser: "
            "commands, options, the choices of --format and the like, files, and tariff "
            "ids where a tariff is named. bash: source <(tariffs completion bash); zsh: "
            "source <(tariffs completion zsh) in ~/.zshrc; fish: tariffs completion fish "
            "> ~/.config/fish/completions/tariffs.fish"
        ),
    )
    sub.add_argument("shell", choices=SHELLS, help="the shell the script is for")


def _kind(action: argparse.Action) -> Kind:
    if action.nargs == 0:
        return "flag"
    if action.choices:
        return "choices"
    metavar = action.metavar if isinstance(action.metavar, str) else None
    if action.dest in _TARIFF_DESTS or metavar == "TARIFF":
        return "tariff"
    if metavar == "DIR":
        return "dir"
    if not action.option_strings and metavar is None:
        return "file"  # READINGS and the like
    if metavar is not None and re.search(r"FILE|_OR_DIR|\.[a-z]", metavar):
        return "file"  # FILE, ACCOUNT.yaml, URDB.json, TARIFF_OR_DIR
    return "none"


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """The first clause of an action's help, with argparse's ``%`` forms expanded."""
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    text = parser._get_formatter()._expand_help(action)
    choices = [str(choice) for choice in action.choices or ()]
    if any(text.startswith(f"{choice}:") for choice in choices):
        # A help that describes each choice in turn (--format): name them instead.
        return "one of " + ", ".join(choices)
    first = re.split(r"[;(]", text, maxsplit=1)[0]
    if choices:
        first = first.split(":", 1)[0]  # "colour on a terminal: auto ..." names a choice
    return first.strip().rstrip(",:")


def _spec(name: str, parser: argparse.ArgumentParser, help_text: str) -> Spec:
    options: list[Option] = []
    positionals: list[Option] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        choices = tuple(str(c) for c in action.choices or ())
        found = Option(tuple(action.option_strings), _kind(action), choices, _help(parser, action))
        (options if action.option_strings else positionals).append(found)
    return Spec(name, help_text, tuple(options), tuple(positionals))


def spec(parser: argparse.ArgumentParser) -> tuple[Spec, list[Spec]]:
    """The top level of ``parser`` and each of its subcommands, as completion sees them."""
    top = _spec("", parser, parser.description or "")
    # -q, -v and --color are taken after the command too (`tariffs.cli.terminal`), though
    # the subcommands' own help leaves them out.
    shared = tuple(o for o in top.options if not {"--help", "--version"} & set(o.names))
    commands = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found = _spec(name, sub, helps.get(name, ""))
                commands.append(replace(found, options=found.options + shared))
    return top, commands


def _words(items: tuple[str, ...] | list[str]) -> str:
    return " ".join(items)


_BASH_HEAD = """\
# bash completion for tariffs, generated by `tariffs completion bash`.
# Load it with: source <(tariffs completion bash)

_tariffs_reply() {  # the words of $1 that start with the current word
    local IFS=$'\\n'
    COMPREPLY=($(IFS=$' \\t\\n' compgen -W "$1" -- "$cur"))
}

_tariffs_files() {
    local IFS=$'\\n'
    type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -f -- "$cur"))
}

_tariffs_dirs() {
    local IFS=$'\\n'
    type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -d -- "$cur"))
}

_tariffs_tariffs() {  # tariff ids (of the --tables given too), then files
    local IFS=$'\\n' j ids
    local -a tables=()
    for (( j = 1; j < COMP_CWORD - 1; j++ )); do
        [[ "${COMP_WORDS[j]}" == --tables ]] && tables+=(--tables "${COMP_WORDS[j+1]}")
    done
    ids="$(command tariffs tables --ids "${tables[@]}" 2>/dev/null)"
    COMPREPLY=($(IFS=$' \\t\\n' compgen -W "$ids" -- "$cur"))
    _tariffs_files
}

_tariffs_value() {  # complete a value of kind $1 (with the choices $2)
    case "$1" in
        choices) _tariffs_reply "$2" ;;
        tariff) _tariffs_tariffs ;;
        dir) _tariffs_dirs ;;
        file) _tariffs_files ;;
        *) COMPREPLY=() ;;
    esac
}

_tariffs() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" command="" word i
    COMPREPLY=()
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word="${COMP_WORDS[i]}"
        case "$word" in
%(skips)s
            -*) ;;
            *) command="$word"; break ;;
        esac
    done
    case "$command $prev" in
%(values)s
    esac
    if [[ "$cur" == -* ]]; then
        case "$command" in
%(options)s
        esac
        return 0
    fi
    case "$command" in
%(positionals)s
    esac
    return 0
}

complete -F _tariffs tariffs
"""


def _bash_case(patterns: list[str], body: str, indent: int) -> str:
    pad = " " * indent
    alternatives = "|".join(f'"{pattern}"' for pattern in patterns)
    return f"{pad}{alternatives}) {body} ;;"


def _bash_value(option: Option) -> str:
    return f'_tariffs_value {option.kind} "{_words(option.choices)}"'


def bash_script(top: Spec, commands: list[Spec]) -> str:
    """The bash completion script of ``top`` and its ``commands`` (see the module)."""
    every = [top, *commands]
    # The options whose value is the next word, so that it is not taken for the command.
    valued = sorted(
        {name for option in top.options if option.kind != "flag" for name in option.names}
    )
    skips = _bash_case(valued, "(( i++ ))", 12) if valued else ""
    values: dict[str, list[str]] = {}
    for command in every:
        for option in command.options:
            if option.kind != "flag":
                body = _bash_value(option)
                values.setdefault(body, []).extend(f"{command.name} {n}" for n in option.names)
    value_lines = [
        _bash_case(patterns, f"{body}; return 0", 8) for body, patterns in values.items()
    ]
    option_lines = [
        _bash_case(
            [c.name], f'_tariffs_reply "{_words([n for o in c.options for n in o.names])}"', 12
        )
        for c in every
    ]
    positional_lines = [
        _bash_case([""], f'_tariffs_reply "{_words([c.name for c in commands])}"', 8)
    ]
    for command in commands:
        if command.positionals:
            positional_lines.append(
                _bash_case([command.name], _bash_value(command.positionals[0]), 8)
            )
    return _BASH_HEAD % {
        "skips": skips,
        "values": "\n".join(value_lines),
        "options": "\n".join(option_lines),
        "positionals": "\n".join(positional_lines),
    }


def zsh_script(top: Spec, commands: list[Spec]) -> str:
    """The zsh script: the bash script run by zsh's ``bashcompinit``."""
    return (
        "#compdef tariffs\n"
        "# zsh completion for tariffs, generated by `tariffs completion zsh`: the bash\n"
        "# completion, run by zsh's bashcompinit. Load it with, in ~/.zshrc:\n"
        "#   source <(tariffs completion zsh)\n"
        "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }\n"
        "autoload -U +X bashcompinit && bashcompinit\n"
        "\n" + bash_script(top, commands).split("\n", 2)[2]
    )


_FISH_HEAD = """\
function __tariffs_command  # the command on the line (a global option's value skipped)
    set -l skip 0
    set -l words (commandline -opc)
    set -e words[1]
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case %(valued)s
                set skip 1
            case '-*'
            case '*'
                echo $word
                return 0
        end
    end
    return 1
end

function __tariffs_using  # whether the command on the line is $argv[1]
    set -l found (__tariffs_command)
    test "$found" = "$argv[1]"
end
"""


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_value(option: Option) -> str:
    if option.kind == "choices":
        return "-x -a " + _fish_quote(_words(option.choices))
    if option.kind == "tariff":
        return "-x -a " + _fish_quote(
            "(command tariffs tables --ids 2>/dev/null; __fish_complete_path (commandline -ct))"
        )
    if option.kind == "dir":
        return "-x -a " + _fish_quote("(__fish_complete_directories (commandline -ct))")
    if option.kind == "file":
        return "-r -F"
    if option.kind == "none":
        return "-x"
    return ""


def _fish_names(option: Option) -> str:
    parts = []
    for name in option.names:
        if name.startswith("--"):
            parts.append(f"-l {name[2:]}")
        else:
            parts.append(f"-s {name[1:]}")
    return " ".join(parts)


def fish_script(top: Spec, commands: list[Spec]) -> str:
    """The fish completion script of ``top`` and its ``commands`` (see the module)."""
    valued = [name for option in top.options if option.kind != "flag" for name in option.names]
    lines = [
        "# fish completion for tariffs, generated by `tariffs completion fish`.",
        "# Save it as ~/.config/fish/completions/tariffs.fish",
        _FISH_HEAD % {"valued": " ".join(valued)},
        "complete -c tariffs -f",
    ]
    for command in commands:
        lines.append(
            f"complete -c tariffs -n 'not __tariffs_command' -a {command.name} "
            f"-d {_fish_quote(command.help)}"
        )
    for command in [top, *commands]:
        condition = (
            "'not __tariffs_command'"
            if not command.name
            else _fish_quote(f"__tariffs_using {command.name}")
        )
        for option in command.options:
            parts = [f"complete -c tariffs -n {condition}", _fish_names(option)]
            value = _fish_value(option)
            if value:
                parts.append(value)
            if option.help:
                parts.append(f"-d {_fish_quote(option.help)}")
            lines.append(" ".join(parts))
        if command.name and command.positionals:
            value = _fish_value(command.positionals[0])
            if value.startswith("-r "):
                value = "-F"  # a file as the argument itself, not an option's value
            lines.append(f"complete -c tariffs -n {condition} {value}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """``tariffs completion SHELL``: the script on stdout."""
    from tariffs.cli.main import COMMANDS, _parser, command

    top, commands = spec(_parser({name: command(name) for name in COMMANDS}))
    render = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}[args.shell]
    write_stdout(render(top, commands))
    return 0

"""The README and the CLI agree: every documented command and option exists, every command is
documented, and each command's --help lists what the README says it takes."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from planport.core.cli import make_cli

from conftest import ROOT, installed_plugins

README = (ROOT / "README.md").read_text("utf-8")
GLOBAL = {"--debug", "--version", "-h", "--help"}


def shell_blocks() -> list[list[str]]:
    """The lines of each fenced block without a language (the shell examples; not python or toml)."""
    blocks, current, language = [], None, ""
    for line in README.splitlines():
        if line.startswith("```"):
            if current is None:
                current, language = [], line[3:].strip()
            else:
                if not language:
                    blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def readme_commands() -> list[list[str]]:
    """Every ``planport ...`` invocation in the README's shell examples, as argument lists."""
    found = []
    for block in shell_blocks():
        for line in block:
            if not re.match(r"^([^#]*\|\s*)?planport\s", line):
                continue  # not a command line (prose in a layout block, program output)
            lexer = shlex.shlex(line, posix=True, punctuation_chars="|>")
            lexer.whitespace_split, lexer.commenters = True, "#"
            segment: list[str] = []
            for token in [*lexer, "|"]:
                if token in ("|", ">", ">>"):
                    if segment[:1] == ["planport"]:
                        found.append(segment[1:])
                    segment = [] if token == "|" else ["(redirect)"]
                else:
                    segment.append(token)
    return found


def command_and_options(args: list[str]) -> tuple[str | None, list[str]]:
    command = next((a for a in args if not a.startswith("-")), None)
    options = [a.split("=", 1)[0] for a in args if a.startswith("-") and a != "-"]
    return command, options


def all_option_names(command: click.Command) -> set[str]:
    command = getattr(command, "resolve", lambda: command)()  # a plugin's command loads when asked
    return {name for param in command.params if isinstance(param, click.Option) for name in (*param.opts, *param.secondary_opts)}


CLI = make_cli(installed_plugins())
DOCUMENTED = readme_commands()


def test_the_readme_has_commands_to_check():
    assert len(DOCUMENTED) >= 20


@pytest.mark.parametrize("args", DOCUMENTED, ids=[" ".join(a)[:60] for a in DOCUMENTED])
def test_every_documented_command_and_option_exists(args):
    command, options = command_and_options(args)
    if command is None:
        assert options and set(options) <= GLOBAL, args
        return
    assert command in CLI.commands, f"README shows 'planport {command}', which does not exist"
    known = all_option_names(CLI.commands[command]) | GLOBAL
    unknown = [o for o in options if o not in known]
    assert not unknown, f"'planport {' '.join(args)}' uses {unknown}, which {command} --help does not list"


def test_every_command_is_documented():
    shown = {command_and_options(args)[0] for args in DOCUMENTED}
    missing = sorted(set(CLI.commands) - shown)
    assert not missing, f"commands missing from the README: {missing}"


def test_every_exporter_option_is_in_the_readme_table():
    plugins = installed_plugins()
    for name, registered in plugins.exporters.items():
        row = next((line for line in README.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"the exporters table has no row for {name}"
        for option in registered.exporter.options_schema.get("properties", {}):
            assert f"`{option}" in row, f"{name}'s option {option!r} is not in the README's table"

"""The planport command line: a thin layer over the library.

``main`` is the console script. ``run`` does the same work and returns the exit status
instead of leaving the process, so tests drive the real commands in-process. The command
group is made per run by ``make_cli``: planport's own commands plus those the installed
plugins contribute (the FIT exporter's ``inspect`` and ``sync``, for instance).

Exit statuses are ``planport.core.errors.ExitStatus``; every error is one line on standard
error, a traceback only with ``--debug``.
"""

from __future__ import annotations

import os
import re
import sys

import click

from ..errors import ExitStatus, InputError, PlanportError
from ..plugins import Plugins
from .commands import CORE_COMMANDS
from .display import err


class App:
    """What every command of one run shares: the plugins, and whether to show tracebacks."""

    def __init__(self, plugins: Plugins, debug: bool = False):
        self.plugins = plugins
        self.debug = debug
        self.warned: set[str] = set()

    def warn(self, message: str) -> None:
        if message not in self.warned:  # once per run, however many commands ask
            self.warned.add(message)
            err(f"planport: warning: {one_line(message)}")


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _version() -> str:
    import planport

    return str(planport.__version__)


def make_cli(plugins: Plugins) -> click.Group:
    """The ``planport`` command group for ``plugins``: core commands, then the plugins' own."""

    @click.group(context_settings=CONTEXT)
    @click.version_option(_version(), "--version", prog_name="planport")
    @click.option("--debug", is_flag=True, help="Show a traceback when something unexpected fails.")
    @click.pass_obj
    def cli(app: App, debug: bool) -> None:
        """Turn hip-strength and mobility training plans into calendar, watch and spreadsheet files.

        \b
        planport validate samples/plans/hip-2-weeks.json
        planport export samples/plans/hip-2-weeks.json --to ics,fit,csv --out out/
        planport build samples/athletes/new-runner.yaml --to json,ics,fit --out out/

        Shell completion: eval "$(_PLANPORT_COMPLETE=bash_source planport)" in ~/.bashrc
        (zsh_source for ~/.zshrc; fish_source > ~/.config/fish/completions/planport.fish).
        """
        app.debug = debug

    for command in CORE_COMMANDS:
        cli.add_command(command)
    for command in plugins.commands():
        if command.name not in cli.commands:  # planport's own commands cannot be replaced
            cli.add_command(command)
    return cli


def one_line(text: str) -> str:
    """``text`` as one line of a terminal: control characters, line separators and stray
    surrogates (from file names that are not UTF-8) escaped, so one problem is one line."""
    return _UNPRINTABLE.sub(_escape, text)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def _error(message: str) -> None:
    err(f"planport: error: {one_line(message)}")


def _show_click_error(e: click.ClickException) -> None:
    """click's error on one line, like every other error, with the help hint for a usage error."""
    ctx = getattr(e, "ctx", None)
    hint = ""
    if isinstance(e, click.UsageError) and ctx is not None and ctx.command.get_help_option(ctx) is not None:
        hint = f" (see '{ctx.command_path} {max(ctx.command.get_help_option_names(ctx), key=len)}')"
    _error(e.format_message() + hint)


def _print_traceback() -> None:
    import traceback  # only under --debug: not worth its import at every start

    traceback.print_exc()


def run(argv: list[str], plugins: Plugins | None = None) -> int:
    """Run ``planport ARGV``; the exit status. Errors are reported on standard error, one line each.

    Bad input, bad usage and what the file system refuses (a full disk, a file where a folder
    should be) are exit 2; a failing plugin or a bug exit 1, with a traceback under --debug."""
    app = App(plugins if plugins is not None else Plugins.discover())
    try:
        code = make_cli(app.plugins).main(args=argv, prog_name="planport", standalone_mode=False, obj=app)
    except InputError as e:
        for line in e.lines():
            _error(line)
        return ExitStatus.BAD_INPUT
    except click.exceptions.Exit as e:  # --help, --version
        return e.exit_code
    except click.ClickException as e:
        _show_click_error(e)
        return e.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt) as e:
        said = str(e.__cause__ if isinstance(e, click.exceptions.Abort) and e.__cause__ else e)  # click wraps Ctrl-C in Abort
        err(f"planport: interrupted{one_line(' ' + said) if said else ''}")
        return ExitStatus.INTERRUPTED
    except PlanportError as e:
        if app.debug:
            _print_traceback()
        _error(str(e))
        return e.exit_code
    except OSError as e:  # the file system refused: a full disk, a folder in the way, a name too long
        if app.debug:
            _print_traceback()
        reason = e.strerror or str(e)
        name = os.fsdecode(e.filename) if isinstance(e.filename, (str, bytes, os.PathLike)) else e.filename
        _error(f"{name}: {reason}" if name is not None else reason)
        return ExitStatus.BAD_INPUT
    except SystemExit as e:  # a plugin's command that calls sys.exit()
        if isinstance(e.code, int) or e.code is None:
            return e.code or ExitStatus.OK
        _error(str(e.code))
        return ExitStatus.FAILURE
    except Exception as e:  # the last line of defence: one line, no traceback unless asked
        if app.debug:
            _print_traceback()
        _error(f"unexpected {type(e).__name__}: {e} (run with --debug for details)")
        return ExitStatus.FAILURE
    return int(code) if isinstance(code, int) else ExitStatus.OK


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(sys.argv[1:] if argv is None else argv))

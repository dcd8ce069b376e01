"""Errors that the CLI turns into one-line messages, and the exit statuses they map to."""

from __future__ import annotations

import enum
from typing import NamedTuple


class ExitStatus(enum.IntEnum):
    """What planport's exit status means; scripts can rely on these numbers."""

    OK = 0
    #: Something failed that is not the user's input: a bug, a failing plugin, athletes of a batch
    #: that could not be built (errors.csv says which), or a watch or server that failed after
    #: files were written (the message says what was).
    FAILURE = 1
    #: Bad input or usage: a document, an option, a path. Nothing was written.
    BAD_INPUT = 2
    #: Stopped by Ctrl-C (128 + SIGINT, as shells report it).
    INTERRUPTED = 130

#: How many problems a report lists before it only counts the rest.
MAX_LINES = 20


class Problem(NamedTuple):
    """One thing wrong with an input: where (source and JSON Pointer) and what."""

    pointer: str
    message: str
    source: str | None = None

    def line(self) -> str:
        where = [p for p in (self.source, self.pointer) if p]
        return ": ".join([*where, self.message])


class PlanportError(Exception):
    """Base of planport's own errors."""

    exit_code: int = ExitStatus.FAILURE


class InputError(PlanportError):
    """Bad input: a document, an option or a value a user gave. Exit status 2."""

    exit_code = ExitStatus.BAD_INPUT

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.lines()[0] if self.problems else "bad input")

    @classmethod
    def at(cls, pointer: str, message: str, source: str | None = None) -> InputError:
        return cls(Problem(pointer, message, source))

    def with_source(self, source: str) -> InputError:
        """The same problems, naming ``source`` where they named no file yet."""
        return InputError([Problem(p.pointer, p.message, p.source or source) for p in self.problems])

    def lines(self, limit: int = MAX_LINES) -> list[str]:
        shown = [p.line() for p in self.problems[:limit]]
        if len(self.problems) > limit:
            shown.append(f"... and {len(self.problems) - limit} more problems")
        return shown


class ExportError(PlanportError):
    """An exporter failed on a valid plan (a bug in it, most likely). Exit status 1."""


class PluginError(PlanportError):
    """A plugin is unusable: it failed to load or does not keep the plugin contract. Exit status 1."""

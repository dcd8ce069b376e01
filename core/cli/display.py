"""What the terminal shows: messages and progress, always on standard error so that standard
output carries only what a command was asked to print (a plan, a schema, JSON)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..batch import Summary


def err(message: str) -> None:
    click.echo(message, err=True)


class Ticker:
    """Batch progress: a bar when standard error is a terminal, a plain line every few seconds otherwise.

    Standard error, not output: a batch piped to a file still shows its bar."""

    def __init__(self, total: int, quiet: bool, terminal: bool, echo: Callable[[str], None] = err, every: float = 5.0):
        self.total, self.quiet, self.echo, self.every = total, quiet, echo, every
        self.started = time.monotonic()
        self.last = self.started
        self.bar: Any = None
        if not quiet and terminal:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("athletes"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=True,
            )
            self.task = self.bar.add_task("batch", total=total, rate="0")
            self.bar.start()

    def __call__(self, summary: Summary) -> None:
        done = summary.done
        now = time.monotonic()
        rate = done / max(now - self.started, 1e-9)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rate=f"{rate:,.0f}")
        elif not self.quiet and now - self.last >= self.every:
            self.last = now
            self.echo(f"{done:,} of {self.total:,} athletes ({rate:,.0f}/s), {summary.failed:,} failed")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()

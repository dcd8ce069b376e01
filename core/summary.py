"""A plan as a week-by-week table in the terminal, with each week's strength volume, how it
changed and which weeks are deload weeks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from .model import Plan, Session

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Short codes so a week fits a terminal line.
CODES: dict[object, str] = {("strength", "heavy"): "S+", ("strength", "light"): "S", "activation": "act", "add-on": "add", "mobility": "mob"}
LEGEND = (
    "S strength, S+ heavy strength, act activation before the run, add post-run add-on, mob mobility; start time and minutes. "
    "Volume: sets x reps (steps, hold seconds) x sides of the strength exercises. "
    "Change: against the same sessions' last time (a rotation's weeks differ), deload weeks marked."
)
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-(.+)$")


def code(session: Session) -> str:
    return CODES.get((session.kind, session.load)) or CODES.get(session.kind) or session.kind


def session_volume(plan: Plan, session: Session) -> int:
    """Work units in a session's strength exercises: sets x reps (or steps, or hold seconds) x sides."""
    total = 0
    for block in session.blocks:
        exercise = plan.exercise(block.exercise)
        if exercise.kind == "strength":
            total += block.sets * block.dose[1].low * block.sides(exercise)
    return total


def strength_volume(plan: Plan, sessions: Iterable[Session]) -> int:
    return sum(session_volume(plan, s) for s in sessions if s.kind == "strength")


def session_type(session: Session) -> str:
    """Which sessions repeat one another: a built plan's ids are <date>-<session type>; else the title before its colon."""
    found = _DATED.match(session.id)
    return found.group(1) if found else session.title.split(":")[0]


@dataclass
class WeekFigures:
    week: int
    sessions: list[Session]
    strength: int
    volume: int
    change: float | None  # against the same session types' last time; None when nothing repeats
    deload: bool


def week_figures(plan: Plan) -> list[WeekFigures]:
    """Each week's strength count, volume and like-for-like change.

    A session type is compared with its own last session, or, after a deload week, with its
    last session before it, so a rotation (A B one week, C A the next) shows as steady."""
    weeks: dict[int, list[Session]] = {}
    for session in plan.ordered_sessions:
        weeks.setdefault(plan.week_of(session), []).append(session)
    last: dict[str, int] = {}  # session type -> volume of its last session outside deload weeks
    figures = []
    numbers = {*weeks, *(w.week for w in plan.weeks or ())}
    # A week with no session (a plan that starts on a Friday) still gets its row.
    for number in range(min(numbers, default=1), max(numbers, default=0) + 1):
        sessions = weeks.get(number, [])
        info = plan.week(number)
        deload = bool(info and info.deload)
        strength = [s for s in sessions if s.kind == "strength"]
        now = before = 0
        for s in strength:
            key = session_type(s)
            if key in last:
                now += session_volume(plan, s)
                before += last[key]
        change = (now / before - 1) if before else None
        if not deload:
            for s in strength:
                last[session_type(s)] = session_volume(plan, s)
        figures.append(WeekFigures(number, sessions, len(strength), strength_volume(plan, sessions), change, deload))
    return figures


def summary_table(plan: Plan, console: Console | None = None, stderr: bool = False) -> None:
    """Print the table (to standard error when standard output carries a document); a table
    piped to a file keeps its full width instead of a guessed 80 columns."""
    table = Table(title=f"{plan.name} ({plan.athlete.time_zone})", caption=LEGEND)
    table.add_column("Week", justify="right")
    for day in DAYS:
        table.add_column(day)
    table.add_column("Strength", justify="right")
    table.add_column("Volume", justify="right")
    table.add_column("Change", justify="right")
    for figures in week_figures(plan):
        cells = [""] * 7
        for s in figures.sessions:
            cells[s.date.weekday()] += f"{code(s)} {s.start_time:%H:%M} {s.minutes}'"
        change = "" if figures.change is None else f"{figures.change * 100:+.0f}%"
        if figures.deload:
            change = f"{change} deload".strip()
        table.add_row(str(figures.week), *cells, str(figures.strength), str(figures.volume), change)
    if console is None:
        console = Console(stderr=stderr)
        if not console.is_terminal:
            console.width = max(console.width, 160)
    console.print(table)

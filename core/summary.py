"""A plan as a week-by-week table in the terminal."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from .model import Plan, Session

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Short codes so a week fits a terminal line.
CODES: dict[object, str] = {("strength", "heavy"): "S+", ("strength", "light"): "S", "activation": "act", "add-on": "add", "mobility": "mob"}
LEGEND = "S strength, S+ heavy strength, act activation before the run, add post-run add-on, mob mobility; start time and minutes"


def code(session: Session) -> str:
    return CODES.get((session.kind, session.load)) or CODES.get(session.kind) or session.kind


def strength_volume(plan: Plan, sessions: Iterable[Session]) -> int:
    """Work units in strength exercises: sets x reps (or steps, or hold seconds) x sides."""
    total = 0
    for session in sessions:
        for block in session.blocks:
            exercise = plan.exercise(block.exercise)
            if exercise.kind == "strength":
                total += block.sets * block.dose[1].low * block.sides(exercise)
    return total


def summary_table(plan: Plan, console: Console | None = None) -> None:
    table = Table(title=f"{plan.name} ({plan.athlete.time_zone})", caption=LEGEND)
    table.add_column("Week", justify="right")
    for day in DAYS:
        table.add_column(day)
    table.add_column("Strength", justify="right")
    table.add_column("Volume", justify="right")
    weeks: dict[int, list[Session]] = {}
    for session in plan.ordered_sessions:
        weeks.setdefault(plan.week_of(session), []).append(session)
    for week, sessions in sorted(weeks.items()):
        cells = [""] * 7
        for s in sessions:
            cells[s.date.weekday()] += f"{code(s)} {s.start_time:%H:%M} {s.minutes}'"
        strength = sum(s.kind == "strength" for s in sessions)
        table.add_row(str(week), *cells, str(strength), str(strength_volume(plan, sessions)))
    (console or Console()).print(table)

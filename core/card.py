"""The session card: a session as plain text an athlete can follow from a calendar entry."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Block, Exercise, Plan, Session


def block_line(plan: Plan, block: Block) -> str:
    """``Clamshell: 2 x 15 / side, rest 45 s, light band``."""
    return _block_line(block, plan.exercise(block.exercise))


def _block_line(block: Block, exercise: Exercise) -> str:
    parts = [block.describe_dose(exercise)]
    if block.rest_seconds:
        parts.append(f"rest {block.rest_seconds} s")
    if block.load:
        parts.append(str(block.load))
    return f"{exercise.name}: {', '.join(parts)}"


def session_card(plan: Plan, session: Session, how_to: bool = True) -> str:
    """The description calendars show: length, notes, then each exercise with its prescription."""
    exercises = tuple(plan.exercise(block.exercise) for block in session.blocks)
    return _card(session.minutes, session.notes, session.blocks, exercises, how_to)


# A roster's sessions repeat from week to week and athlete to athlete; the calendar and the CSV
# of one athlete both ask for every card.
@functools.lru_cache(maxsize=2048)
def _card(minutes: int, notes: str | None, blocks: tuple[Block, ...], exercises: tuple[Exercise, ...], how_to: bool) -> str:
    head = f"About {minutes} min."
    if notes:
        head += f" {notes}"
    lines = [head, ""]
    for n, (block, exercise) in enumerate(zip(blocks, exercises), 1):
        lines.append(f"{n}. {_block_line(block, exercise)}")
        if block.notes:
            lines.append(f"   {block.notes}")
        if how_to:
            lines.append("   " + " ".join(exercise.how_to))
    return "\n".join(lines)

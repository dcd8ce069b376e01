"""The session card: a session as plain text an athlete can follow from a calendar entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Block, Plan, Session


def block_line(plan: Plan, block: Block) -> str:
    """``Clamshell: 2 x 15 / side, rest 45 s, light band``."""
    exercise = plan.exercise(block.exercise)
    parts = [block.describe_dose(exercise)]
    if block.rest_seconds:
        parts.append(f"rest {block.rest_seconds} s")
    if block.load:
        parts.append(str(block.load))
    return f"{exercise.name}: {', '.join(parts)}"


def session_card(plan: Plan, session: Session, how_to: bool = True) -> str:
    """The description calendars show: length, notes, then each exercise with its prescription."""
    head = f"About {session.minutes} min."
    if session.notes:
        head += f" {session.notes}"
    lines = [head, ""]
    for n, block in enumerate(session.blocks, 1):
        lines.append(f"{n}. {block_line(plan, block)}")
        if block.notes:
            lines.append(f"   {block.notes}")
        if how_to:
            lines.append("   " + " ".join(plan.exercise(block.exercise).how_to))
    return "\n".join(lines)

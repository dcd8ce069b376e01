"""Cells that spreadsheets show as text: shared by every CSV planport writes."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: T) -> T | str:
    """A text cell a spreadsheet shows as text, never runs; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

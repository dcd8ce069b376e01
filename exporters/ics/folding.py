"""Fold each distinct long line once.

icalendar folds every content line one character at a time (``_foldline``); in a calendar
of session cards that is most of the time spent writing it, and the same cards come back in
session after session and athlete after athlete. ``remember_folds`` puts a bounded cache in
front of icalendar's own folding, for long lines only: the bytes are icalendar's by
construction (tests/test_ics_folding.py checks them against plain icalendar output). If a
later icalendar moves the function, nothing is cached and the output is still icalendar's.
"""

from __future__ import annotations

import functools
from typing import Any

#: Lines of fewer octets are never folded (RFC 5545 3.1); caching them would only fill the cache.
_SHORT = 75
_MARK = "planport_remembers"


def remember_folds(maxsize: int = 4096) -> bool:
    """Put the cache in front of icalendar's line folding (once per process); whether it is there."""
    try:
        from icalendar.parser import content_line
    except ImportError:
        return False
    original = getattr(content_line, "_foldline", None)
    if original is None:
        return False
    if getattr(original, _MARK, False):
        return True

    @functools.lru_cache(maxsize=maxsize)
    def folded(line: str) -> str:
        return str(original(line))

    def fold(line: Any, limit: int = 75, fold_sep: str = "\r\n ") -> str:
        if limit != 75 or fold_sep != "\r\n ":
            return str(original(line, limit, fold_sep))
        if len(line) < _SHORT and line.isascii():
            return str(line)  # under 75 octets: no folder folds it (RFC 5545 3.1)
        return folded(str(line))

    setattr(fold, _MARK, True)
    fold.original = original  # type: ignore[attr-defined]  # for the test that compares with it
    content_line._foldline = fold
    return True

"""Fold each distinct long line once.

icalendar folds every content line one character at a time (``_foldline``); in a calendar
of session cards that is most of the time spent writing it, and the same cards come back in
session after session and athlete after athlete. ``remember_folds`` puts a bounded cache in
front of icalendar's own folding, for long lines only, and folds a line it has not seen on its
bytes (``fold_like_icalendar``: tests/test_ics_folding.py checks it against icalendar's own
function and whole calendars against plain icalendar output). If a later icalendar moves the
function, nothing is cached and the output is still icalendar's.
"""

from __future__ import annotations

import functools
from typing import Any

#: Lines of fewer octets are never folded (RFC 5545 3.1); caching them would only fill the cache.
_SHORT = 75
_MARK = "planport_remembers"


#: What icalendar's ``_foldline`` does at its defaults: each part as many whole characters as
#: keep it under 75 octets, and a part that would end in a backslash or caret (the first half of
#: an escape) ends one character sooner.
_PART_OCTETS = 74
_ESCAPES = frozenset(b"\\^")


def fold_like_icalendar(line: str) -> str | None:
    """icalendar's ``_foldline(line)``, worked out on the UTF-8 bytes rather than a character at
    a time; None for what it leaves to icalendar (a line break, which icalendar refuses, or text
    that is not UTF-8). tests/test_ics_folding.py compares the two on made-up lines."""
    if "\n" in line:
        return None
    try:
        data = line.encode("utf-8")
    except UnicodeEncodeError:
        return None
    parts = []
    start, size = 0, len(data)
    while size - start > _PART_OCTETS:
        end = start + _PART_OCTETS
        while data[end] & 0xC0 == 0x80:  # inside a character: end before it
            end -= 1
        if data[end - 1] in _ESCAPES:
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


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
        fast = fold_like_icalendar(line)
        return str(original(line)) if fast is None else fast

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

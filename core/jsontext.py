"""Indented JSON at the speed of the compact form.

``json.dumps(value, indent=2)`` gives up the C encoder and walks the value in pure Python:
for a year's plan that is the largest cost of writing plan.json. This writes the very same
text (tests/test_jsontext.py compares it with ``json.dumps`` on every sample plan and on
made-up values), leaving the strings and numbers to the json module's own C functions.
"""

from __future__ import annotations

import functools
import json
from typing import Any

_STRING = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.encode_basestring
_FLOAT = float.__repr__


def _number(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return _FLOAT(value)


class Cached:
    """A value to write as ``part.to_dict()`` would be written, its text made once per part and
    depth (parts are frozen and hashable: a plan's exercises and blocks, which most plans of a
    roster share)."""

    __slots__ = ("part",)

    def __init__(self, part: Any):
        self.part = part


@functools.lru_cache(maxsize=4096)
def _cached_text(part: Any, depth: int, indent: int) -> str:
    return dumps_indented(part.to_dict(), indent, depth)


def dumps_indented(value: Any, indent: int = 2, depth: int = 0) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=False)``, byte for byte, for JSON-like
    values (dicts with text keys, lists, tuples, text, numbers, booleans, None, and ``Cached``),
    as it would be written ``depth`` levels in."""
    parts: list[str] = []
    append = parts.append

    def write(item: Any, depth: int) -> None:
        if isinstance(item, str):
            append(_STRING(item))
        elif item is None:
            append("null")
        elif item is True:
            append("true")
        elif item is False:
            append("false")
        elif isinstance(item, int):
            append(int.__repr__(item))
        elif isinstance(item, float):
            append(_number(item))
        elif isinstance(item, dict):
            if not item:
                append("{}")
                return
            inner = "\n" + " " * (indent * (depth + 1))
            append("{")
            first = True
            for key, member in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"keys must be text, not {type(key).__name__}")
                append(inner if first else "," + inner)
                first = False
                append(_STRING(key))
                append(": ")
                write(member, depth + 1)
            append("\n" + " " * (indent * depth) + "}")
        elif isinstance(item, (list, tuple)):
            if not item:
                append("[]")
                return
            inner = "\n" + " " * (indent * (depth + 1))
            append("[")
            first = True
            for member in item:
                append(inner if first else "," + inner)
                first = False
                write(member, depth + 1)
            append("\n" + " " * (indent * depth) + "]")
        elif type(item) is Cached:
            append(_cached_text(item.part, depth, indent))
        else:
            raise TypeError(f"{type(item).__name__} is not JSON")

    write(value, depth)
    return "".join(parts)

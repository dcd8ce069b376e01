"""Portable file names: what every file system a plan's files may land on can hold.

An artifact path is relative, separated by ``/``, and each of its parts

- uses only the POSIX portable file name characters ``A-Z a-z 0-9 . _ -``,
- is not a name Windows reserves for a device (``con``, ``aux``, ``nul``, ``com1``...; with an
  extension too: ``nul.txt`` is the device as well),
- does not end in a dot (Windows drops it) and is at most 255 bytes long;

and no two paths of one export are the same file on a file system that ignores case or
Unicode normalization (Windows, macOS, a watch's FAT), nor is one a folder of the other.
Ids follow the same rules through their schema pattern, so files named after them are safe.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

_PORTABLE = re.compile(r"[A-Za-z0-9._-]+", re.ASCII)
#: Device names Windows reserves in every folder, whatever the extension.
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", "clock$", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
MAX_NAME_BYTES = 255


@functools.lru_cache(maxsize=4096)  # the same folder and file names come back in every export
def name_problem(name: str) -> str | None:
    """Why ``name`` (one part of a path) is not portable, or None."""
    if not name:
        return "has an empty part"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"has a part longer than {MAX_NAME_BYTES} bytes"
    if not _PORTABLE.fullmatch(name):
        bad = sorted({c for c in name if not _PORTABLE.fullmatch(c)})
        return f"uses {', '.join(repr(c) for c in bad[:5])}; a portable name has only letters A-Z and a-z, digits, '.', '_' and '-'"
    if name.endswith("."):
        return "has a part ending in a dot, which Windows drops"
    if name.split(".", 1)[0].lower() in DEVICE_NAMES:
        return f"has a part named like a Windows device ({name.split('.', 1)[0]!r})"
    return None


def path_problem(path: str) -> str | None:
    """Why ``path`` (relative, ``/``-separated) is not a portable file path, or None."""
    for part in path.split("/"):
        if problem := name_problem(part):
            return problem
    return None


def clash_key(path: str) -> str:
    """Paths with the same key are one file where case and Unicode normalization are ignored."""
    if path.isascii():  # NFC leaves ASCII as it is, and casefold is lower there
        return path.lower()
    return unicodedata.normalize("NFC", path).casefold()


def path_clashes(paths: Iterable[str]) -> list[tuple[str, str, str]]:
    """Pairs of paths that cannot both be written: (first, second, why), in the order met."""
    files: dict[str, str] = {}
    folders: dict[str, tuple[str, str]] = {}  # clash key of a folder -> (its spelling, the first path under it)
    clashes = []
    for path in paths:
        key = clash_key(path)
        if key in files:
            first = files[key]
            clashes.append((first, path, "are the same path" if first == path else "differ only by case or Unicode normalization"))
            continue
        if key in folders:
            clashes.append((folders[key][1], path, f"need {path!r} to be a folder"))
            continue
        keys, spelled = key.split("/"), path.split("/")
        prefixes = [("/".join(keys[:i]), "/".join(spelled[:i])) for i in range(1, len(keys))]
        clash = next((p for p, _ in prefixes if p in files), None)
        if clash is not None:
            clashes.append((files[clash], path, f"need {files[clash]!r} to be a folder"))
            continue
        # x/a.txt and X/b.txt: one folder where case is ignored, two elsewhere.
        other = next(((folders[p], s) for p, s in prefixes if p in folders and folders[p][0] != s), None)
        if other is not None:
            (first_spelling, first_path), spelling = other
            clashes.append((first_path, path, f"put files in folders {first_spelling!r} and {spelling!r}, which differ only by case or Unicode normalization"))
            continue
        files[key] = path
        for prefix, spelling in prefixes:
            folders.setdefault(prefix, (spelling, path))
    return clashes

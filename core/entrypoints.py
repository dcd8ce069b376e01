"""Entry points read straight from the installed distributions' metadata files.

``importlib.metadata`` does the same job, but importing it costs more CPU than the rest of
planport's start-up together, and every command starts by finding its plugins. This reads
``*.dist-info/entry_points.txt`` (and ``*.egg-info``) in each folder on ``sys.path``, the
first distribution of a name winning, as ``importlib.metadata`` does; when ``sys.path``
holds anything else (a zip archive), it hands over to ``importlib.metadata``.
tests/test_foundation.py checks that both give the same entry points.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any, NamedTuple

_SUFFIXES = (".dist-info", ".egg-info")


class EntryPoint(NamedTuple):
    group: str
    name: str
    value: str  # "module:attribute"
    dist_name: str
    dist_version: str

    def load(self) -> Any:
        module, _, attribute = self.value.partition(":")
        obj: Any = importlib.import_module(module.strip())
        for part in filter(None, attribute.strip().split(".")):
            obj = getattr(obj, part)
        return obj


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _headers(folder: str) -> tuple[str, str]:
    """Name and Version from a distribution's METADATA (or PKG-INFO)."""
    name = version = ""
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file), encoding="utf-8", errors="replace") as f:
                for line in f:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    key, _, value = line.partition(":")
                    if key == "Name" and not name:
                        name = value.strip()
                    elif key == "Version" and not version:
                        version = value.strip()
        except OSError:
            continue
        break
    return name, version


def _parse(text: str) -> dict[str, list[tuple[str, str]]]:
    """entry_points.txt: INI sections of ``name = module:attribute`` lines."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), [])
        elif current is not None and "=" in line:
            name, _, value = line.partition("=")
            current.append((name.strip(), value.strip()))
    return sections


def _scan(groups: tuple[str, ...]) -> list[EntryPoint] | None:
    """Entry points of ``groups`` from plain folders on sys.path; None when sys.path holds something else."""
    found: list[EntryPoint] = []
    seen: set[str] = set()
    stdlib = os.path.dirname(os.__file__)  # holds no distributions; a long listing to skip
    for entry in sys.path:
        folder = entry or os.getcwd()
        if folder == stdlib:
            continue
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                return None  # a zip archive or an egg file: importlib.metadata knows how to read it
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for child in names:
            if not child.endswith(_SUFFIXES):
                continue
            key = _normalize(child.rsplit(".", 1)[0].split("-", 1)[0])
            if key in seen:
                continue
            seen.add(key)
            path = os.path.join(folder, child)
            try:
                with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                continue
            if not any(f"[{group}]" in text for group in groups):
                continue  # most distributions register nothing of planport's
            sections = _parse(text)
            wanted = [(g, items) for g, items in sections.items() if g in groups and items]
            if wanted:
                dist_name, dist_version = _headers(path)
                found += [EntryPoint(g, n, v, dist_name or key, dist_version) for g, items in wanted for n, v in items]
    return found


def entry_points(*groups: str) -> list[EntryPoint]:
    """The entry points registered in ``groups``, in sys.path order."""
    scanned = _scan(groups)
    if scanned is not None:
        return scanned
    from importlib.metadata import entry_points as standard

    return [
        EntryPoint(group, ep.name, ep.value, ep.dist.name if ep.dist else "", ep.dist.version if ep.dist else "")
        for group in groups for ep in standard(group=group)
    ]

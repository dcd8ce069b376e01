"""From a plan to artifacts: run the chosen exporters with validated options.

Exporters run in full before anything is written, so a failing exporter leaves no files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExportError, InputError
from .model import Plan
from .options import resolve_options, split_formats
from .plugins import Artifact, Plugins, Registered
from .portable import path_clashes
from .writer import UnsafePath, check_path

__all__ = ["Prepared", "export_plan", "prepare", "reader", "reconcile", "run_each", "run_exporters", "split_formats"]


@dataclass(frozen=True)
class Prepared:
    """An exporter with its options checked, ready to run on any number of plans."""

    registered: Registered
    options: dict[str, Any]


def prepare(plugins: Plugins, formats: list[str], raw_options: dict[str, dict[str, Any]] | None = None) -> list[Prepared]:
    """The exporters for ``formats``: an unknown name or a bad option is bad input, a broken plugin a failure."""
    if not formats:
        raise InputError.at("", "no format given; name one or more, such as --to ics,fit", "--to")
    unknown = [f for f in formats if f not in plugins.exporters and f not in plugins.broken]
    if unknown:
        raise InputError.at("", f"unknown format {', '.join(map(repr, unknown))}; available: {', '.join(sorted(plugins.exporters)) or 'none'}", "--to")
    for name in formats:
        if name not in plugins.exporters:
            raise ExportError(plugins.broken[name])
    raw_options = raw_options or {}
    return [Prepared(plugins.exporters[f], resolve_options(plugins.exporters[f], raw_options.get(f, {}))) for f in formats]


def run_each(plan: Plan, prepared: list[Prepared]) -> list[tuple[Registered, list[Artifact]]]:
    """Run each exporter on ``plan``: what each made; every artifact is checked before any is returned.

    An exporter is a plugin: whatever it raises, ``SystemExit`` and ``KeyboardInterrupt``
    included, is reported naming it, and no file of the export is written. Paths that two
    exporters both want are refused (exit 2: export them to different folders)."""
    made: list[tuple[Registered, list[Artifact]]] = []
    artifacts: list[Artifact] = []
    made_by: dict[str, str] = {}
    for step in prepared:
        reg = step.registered
        name = reg.exporter.name
        try:
            produced = list(reg.exporter.export(plan, step.options))
        except InputError:
            raise
        except KeyboardInterrupt:
            raise KeyboardInterrupt(f"while exporter {name!r} ({reg.origin}) ran") from None
        except SystemExit as e:
            raise ExportError(f"exporter {name!r} ({reg.origin}) tried to end planport (SystemExit: {e.code!r}) instead of returning its files") from None
        except Exception as e:
            raise ExportError(f"exporter {name!r} ({reg.origin}) failed: {type(e).__name__}: {e}") from e
        for artifact in produced:
            if not isinstance(artifact, Artifact) or not isinstance(artifact.data, bytes) or not isinstance(artifact.path, str):
                raise ExportError(f"exporter {name!r} ({reg.origin}) returned {type(artifact).__name__}, not an Artifact with bytes")
            try:
                check_path(artifact.path)
            except UnsafePath as e:
                raise ExportError(f"exporter {name!r} ({reg.origin}): {e}") from None
        for first, second, why in path_clashes(a.path for a in produced):
            raise ExportError(f"exporter {name!r} ({reg.origin}) made artifact paths {first!r} and {second!r}, which {why}")
        for first, second, why in path_clashes([*(a.path for a in artifacts), *(a.path for a in produced)]):
            raise InputError.at("", f"exporters {made_by[first]!r} and {name!r} write {first!r} and {second!r}, which {why}; export them to different folders", "--to")
        artifacts += produced
        made_by.update((a.path, name) for a in produced)
        made.append((reg, produced))
    return made


def run_exporters(plan: Plan, prepared: list[Prepared]) -> list[Artifact]:
    """Run each exporter on ``plan``; every artifact is checked before any is returned."""
    return [artifact for _, produced in run_each(plan, prepared) for artifact in produced]


def reconcile(plan: Plan, made: list[tuple[Registered, list[Artifact]]], previous: Callable[[str], bytes | None]) -> list[Artifact]:
    """The artifacts, each made again over the file already at its path where its exporter can:
    ``reconcile(plan, artifact, previous_bytes)`` (a calendar carries its event stamps on, so a
    changed session gets a higher SEQUENCE). ``previous(path)`` reads that file, or None."""
    done: list[Artifact] = []
    for reg, produced in made:
        method = getattr(reg.exporter, "reconcile", None)
        for artifact in produced:
            old = previous(artifact.path) if callable(method) else None
            if method is None or old is None:
                done.append(artifact)
                continue
            try:
                again = method(plan, artifact, old)
            except InputError:
                raise
            except Exception as e:
                raise ExportError(f"exporter {reg.exporter.name!r} ({reg.origin}) failed on {artifact.path}: {type(e).__name__}: {e}") from e
            if not isinstance(again, Artifact) or again.path != artifact.path or not isinstance(again.data, bytes):
                raise ExportError(f"exporter {reg.exporter.name!r} ({reg.origin}): reconcile must return an Artifact at the same path")
            done.append(again)
    return done


def reader(root: str | os.PathLike[str]) -> Callable[[str], bytes | None]:
    """``previous`` for ``reconcile``: the bytes of a file under ``root``, or None."""
    base = Path(root)

    def read(path: str) -> bytes | None:
        try:
            return (base / path).read_bytes()
        except OSError:
            return None

    return read


def export_plan(plan: Plan, formats: list[str], options: dict[str, dict[str, Any]] | None = None, plugins: Plugins | None = None) -> list[Artifact]:
    """Export ``plan`` in each of ``formats``; ``options`` maps an exporter name to its options.

    ``plugins`` defaults to what is installed."""
    return run_exporters(plan, prepare(plugins or Plugins.discover(), formats, options))

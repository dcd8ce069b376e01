"""From a plan to artifacts: run the chosen exporters with validated options.

Exporters run in full before anything is written, so a failing exporter leaves no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ExportError, InputError
from .model import Plan
from .options import resolve_options, split_formats
from .plugins import Artifact, Plugins, Registered
from .portable import path_clashes
from .writer import UnsafePath, check_path

__all__ = ["Prepared", "export_plan", "prepare", "run_exporters", "split_formats"]


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


def run_exporters(plan: Plan, prepared: list[Prepared]) -> list[Artifact]:
    """Run each exporter on ``plan``; every artifact is checked before any is returned.

    An exporter is a plugin: whatever it raises, ``SystemExit`` and ``KeyboardInterrupt``
    included, is reported naming it, and no file of the export is written. Paths that two
    exporters both want are refused (exit 2: export them to different folders)."""
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
    return artifacts


def export_plan(plan: Plan, formats: list[str], options: dict[str, dict[str, Any]] | None = None, plugins: Plugins | None = None) -> list[Artifact]:
    """Export ``plan`` in each of ``formats``; ``options`` maps an exporter name to its options.

    ``plugins`` defaults to what is installed."""
    return run_exporters(plan, prepare(plugins or Plugins.discover(), formats, options))

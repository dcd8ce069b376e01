"""From a plan to artifacts: run the chosen exporters with validated options.

Exporters run in full before anything is written, so a failing exporter leaves no files.
"""

from __future__ import annotations

from typing import Any

from .errors import ExportError, InputError
from .model import Plan
from .plugins import Artifact, Registered, discover, registered_names, resolve_options
from .writer import UnsafePath, check_path


def split_formats(values: tuple[str, ...] | list[str]) -> list[str]:
    """``("ics,fit", "csv")`` -> ``["ics", "fit", "csv"]``, keeping the first of repeats."""
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def _refuse_unknown(formats: list[str], known: list[str]) -> None:
    unknown = [f for f in formats if f not in known]
    if unknown:
        raise InputError.at("", f"unknown format {', '.join(map(repr, unknown))}; available: {', '.join(known) or 'none'}", "--to")


def load_formats(formats: list[str]) -> dict[str, Registered]:
    """Load the exporters for ``formats``: an unknown name is bad input, a broken plugin a failure."""
    registry, broken = discover(formats)
    _refuse_unknown([f for f in formats if f not in broken], registered_names())
    for name in formats:
        if name in broken:
            raise ExportError(broken[name])
    return registry


def prepare(formats: list[str], raw_options: dict[str, dict[str, Any]] | None = None, registry: dict[str, Registered] | None = None) -> list[tuple[Registered, dict[str, Any]]]:
    """The exporters for ``formats`` with their options checked, ready to run on any number of plans."""
    if registry is None:
        registry = load_formats(formats)
    else:
        _refuse_unknown(formats, sorted(registry))
    raw_options = raw_options or {}
    return [(registry[f], resolve_options(registry[f], raw_options.get(f, {}))) for f in formats]


def run_exporters(plan: Plan, prepared: list[tuple[Registered, dict[str, Any]]]) -> list[Artifact]:
    """Run each exporter on ``plan``; every artifact is checked before any is returned."""
    artifacts: list[Artifact] = []
    for reg, options in prepared:
        name = reg.exporter.name
        try:
            produced = list(reg.exporter.export(plan, options))
        except InputError:
            raise
        except Exception as e:
            raise ExportError(f"exporter {name!r} ({reg.origin}) failed: {type(e).__name__}: {e}") from e
        for artifact in produced:
            if not isinstance(artifact, Artifact) or not isinstance(artifact.data, bytes):
                raise ExportError(f"exporter {name!r} ({reg.origin}) returned {type(artifact).__name__}, not an Artifact with bytes")
            try:
                check_path(artifact.path)
            except UnsafePath as e:
                raise ExportError(f"exporter {name!r} ({reg.origin}): {e}") from None
        artifacts += produced
    return artifacts


def export_plan(plan: Plan, formats: list[str], options: dict[str, dict[str, Any]] | None = None, registry: dict[str, Registered] | None = None) -> list[Artifact]:
    """Export ``plan`` in each of ``formats``; ``options`` maps an exporter name to its options."""
    return run_exporters(plan, prepare(formats, options, registry))

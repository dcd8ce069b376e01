"""planport: hip-strength and mobility plans for runners, as calendar, watch and spreadsheet files.

This module is planport's public API, for library users and plugin authors; everything
else (``planport.core.*``, ``planport.exporters.*``) may change between releases.

    import planport

    plan = planport.load_plan("plan.json")                      # or planport.build("athlete.yaml")
    artifacts = planport.export(plan, ["ics", "fit"], {"ics": {"alarm_minutes": 30}})
    planport.write(artifacts, "out/")

Names are imported on first use, so ``import planport`` stays cheap for the CLI.
"""

from __future__ import annotations

import datetime as _dt
import os as _os
from pathlib import Path as _Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planport.core.card import block_line, session_card
    from planport.core.errors import ExitStatus, ExportError, InputError, PlanportError, PluginError, Problem
    from planport.core.model import Amount, Athlete, Block, Exercise, FitMapping, Load, Plan, Session, Swap, Week
    from planport.core.plugins import Artifact, Delivered, DeliveryReport, DeliveryTarget, Exporter, Plugins, hookimpl

__all__ = [
    # the plan model
    "Plan", "Session", "Block", "Exercise", "Athlete", "Amount", "Load", "FitMapping", "Swap", "Week",
    # the plugin contract
    "Artifact", "Exporter", "DeliveryTarget", "DeliveryReport", "Delivered", "Plugins", "hookimpl",
    # errors
    "PlanportError", "InputError", "ExportError", "PluginError", "Problem", "ExitStatus",
    # what planport does
    "load_plan", "plan_from_dict", "validate", "build", "export", "write",
    # text helpers for exporters
    "session_card", "block_line",
    "__version__",
]

#: The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.2.0.dev0"

_LAZY = {
    "planport.core.model": ("Plan", "Session", "Block", "Exercise", "Athlete", "Amount", "Load", "FitMapping", "Swap", "Week"),
    "planport.core.plugins": ("Artifact", "Exporter", "DeliveryTarget", "DeliveryReport", "Delivered", "Plugins", "hookimpl"),
    "planport.core.errors": ("PlanportError", "InputError", "ExportError", "PluginError", "Problem", "ExitStatus"),
    "planport.core.card": ("session_card", "block_line"),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planport' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


def load_plan(path: str | _os.PathLike[str]) -> Plan:
    """Read and check a plan document (JSON or YAML; ``-`` is standard input). InputError if it is bad."""
    from planport.core.gate import load_plan as _load

    return _load(str(path))


def plan_from_dict(data: Any, source: str = "<plan>") -> Plan:
    """Check a parsed plan document and make it a ``Plan``; InputError naming ``source`` if it is bad."""
    from planport.core.gate import plan_from_data

    return plan_from_data(data, source)


def validate(data: Any, kind: str, source: str = "<document>") -> None:
    """Check a parsed document of ``kind`` (plan, athlete, exercise-library, template, roster); InputError if bad."""
    from planport.core.gate import check_document

    check_document(data, kind, source)


def build(athlete: str | _os.PathLike[str] | dict[str, Any], template: str | _os.PathLike[str] | None = None, *, revision: int = 1, created: _dt.datetime | str | None = None) -> Plan:
    """Build a plan from an athlete profile (a file, or a parsed profile) and a template (planport's own by default)."""
    from planport.core import builder, gate
    from planport.core.model import format_utc

    stamp = format_utc(created) if isinstance(created, _dt.datetime) else created
    if isinstance(athlete, dict):
        gate.check_document(athlete, "athlete", "<athlete>")
        return builder.build_checked(athlete, builder.load_template(str(template) if template else builder.default_template_path()), "<athlete>", revision, stamp)
    return builder.build_from_files(str(athlete), None if template is None else str(template), revision, stamp)


def export(plan: Plan, formats: list[str] | str, options: dict[str, dict[str, Any]] | None = None, plugins: Plugins | None = None) -> list[Artifact]:
    """Run exporters on ``plan``: artifacts in memory, nothing written. ``options`` maps a format to its options."""
    from planport.core.options import split_formats
    from planport.core.pipeline import export_plan

    names = split_formats([formats] if isinstance(formats, str) else formats)
    return export_plan(plan, names, options, plugins)


def write(artifacts: list[Artifact], out: str | _os.PathLike[str]) -> list[_Path]:
    """Write artifacts under the folder ``out``, each atomically; paths that would leave it are refused."""
    from planport.core.writer import Writer

    return Writer(out).write(artifacts)

"""The ``fit`` exporter: one Garmin FIT workout file per session, for a watch to run.

Each block becomes an exercise step per side (reps, or a timed hold in milliseconds) with
the FIT exercise category and name, a rest step, and a repeat step for the sets; a session
longer than a watch takes (50 steps) becomes several files. Names are made for a watch's
15 characters (``names.py``); ``compat=legacy`` keeps to FIT profile 21.94 (``legacy.py``). The
package also owns what only makes sense for FIT: reading workout files back (``inspect``)
and copying them onto a watch (``sync``, the ``garmin`` delivery target).

This module stays light (no FIT SDK import) because every planport command loads it to
collect its commands; the SDK is imported when something is encoded or read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planport.core.errors import ExportError, InputError
from planport.core.plugins import OPTIONS_SCHEMA_ID, Artifact, hookimpl, lazy_command

if TYPE_CHECKING:
    from planport import Plan

MEDIA_TYPE = "application/vnd.ant.fit"


class FitExporter:
    name = "fit"
    description = "Garmin FIT strength workouts, one file per session, for a watch to run."
    extensions = (".fit",)
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "from": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/date_from"},
            "to": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/date_to"},
            "compat": {
                "description": "current: exercise names of the current FIT profile; legacy: only categories and names of FIT "
                               "profile 21.94, for older watches, each step titled with the library's name.",
                "enum": ["current", "legacy"],
                "default": "current",
            },
            "encoder": {
                "description": "fast: planport's encoder; sdk: the Garmin FIT SDK's Encoder. Both write the same bytes.",
                "enum": ["fast", "sdk"],
                "default": "fast",
            },
        },
    }

    def export(self, plan: Plan, options: dict[str, Any]) -> list[Artifact]:
        from .workout import check, encode, select_sessions, workout_heads

        sessions = select_sessions(plan, options.get("from"), options.get("to"))
        if not sessions:
            raise InputError.at("", f"no session falls between {options.get('from') or 'the start'} and {options.get('to') or 'the end'}", "fit options")
        compat = options.get("compat", "current")
        check(plan, sessions, compat)
        artifacts = []
        for path, head, tail in workout_heads(plan, sessions, compat):
            try:
                data = encode(head, options.get("encoder", "fast"), tail)
            except Exception as e:  # checked above; reaching here is a bug, not bad input
                raise ExportError(f"{path}: the FIT encoder failed: {type(e).__name__}: {e}") from e
            artifacts.append(Artifact(path, data, MEDIA_TYPE))
        return artifacts

    @hookimpl
    def planport_commands(self) -> list[Any]:
        return [
            lazy_command("inspect", "planport.exporters.fit.commands:inspect", "Print a FIT workout file's steps."),
            lazy_command("sync", "planport.exporters.fit.commands:sync", "Copy FIT workouts onto a Garmin watch."),
        ]

    @hookimpl
    def planport_delivery_targets(self) -> list[Any]:
        from .target import GarminDevice

        return [GarminDevice()]


exporter = FitExporter()

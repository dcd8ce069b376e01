"""The ``json`` exporter: the plan as a normalized plan document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planport.core.plugins import Artifact

if TYPE_CHECKING:
    from planport import Plan


class PlanJsonExporter:
    name = "json"
    description = "The normalized plan document (JSON), valid against the plan schema."
    extensions = (".json",)
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "indent": {"description": "Spaces of indentation; 0 writes one line.", "type": "integer", "minimum": 0, "maximum": 8, "default": 2},
        },
    }

    def export(self, plan: Plan, options: dict) -> list[Artifact]:
        return [Artifact(f"{plan.id}.json", plan.dumps(options.get("indent", 2)), "application/json")]


exporter = PlanJsonExporter()

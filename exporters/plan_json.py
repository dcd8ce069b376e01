"""The ``json`` exporter: the plan as a normalized plan document."""

from __future__ import annotations

import json

from planport.core.model import Plan
from planport.core.plugins import Artifact


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
        indent = options.get("indent", 2) or None
        text = json.dumps(plan.to_dict(), indent=indent, ensure_ascii=False, separators=None if indent else (",", ":"))
        return [Artifact(f"{plan.id}.json", (text + "\n").encode("utf-8"), "application/json")]


exporter = PlanJsonExporter()

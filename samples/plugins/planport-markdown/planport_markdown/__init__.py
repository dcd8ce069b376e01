"""A third-party planport exporter: a printable checklist, one Markdown file per plan.

It uses only planport's public API (``import planport``): ``Artifact``, the plan model,
``block_line`` and an options schema. planport finds it through the ``planport.exporters``
entry point in pyproject.toml.
"""

from __future__ import annotations

from planport import Artifact, block_line


def _escape(text: str) -> str:
    # Markdown punctuation in names must print as itself, not as formatting.
    return "".join("\\" + c if c in "\\`*_[]<>|" else c for c in text).replace("\n", " ")


class MarkdownExporter:
    name = "markdown"
    description = "A printable session checklist in Markdown (sample third-party plugin)."
    extensions = (".md",)
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "how_to": {"type": "boolean", "default": False, "description": "Print each exercise's how-to under it."},
        },
    }

    def export(self, plan, options):
        lines = [f"# {_escape(plan.name)}", "", f"For {_escape(plan.athlete.name)} ({plan.athlete.time_zone}), revision {plan.revision}.", ""]
        for session in plan.ordered_sessions:
            start, _ = plan.span(session)
            lines += [f"## {start:%a %d %b %Y, %H:%M}: {_escape(session.title)}", "", f"About {session.minutes} min.", ""]
            for block in session.blocks:
                for set_number in range(1, block.sets + 1):
                    lines.append(f"- [ ] {_escape(block_line(plan, block))} (set {set_number} of {block.sets})")
                if options.get("how_to"):
                    lines.append(f"  {_escape(' '.join(plan.exercise(block.exercise).how_to))}")
            lines.append("")
        return [Artifact(f"{plan.id}.md", "\n".join(lines).encode("utf-8"), "text/markdown")]


exporter = MarkdownExporter()

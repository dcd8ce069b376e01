"""The ``html`` exporter: the whole plan as one self-contained page.

A month calendar in the athlete's local dates with each day's run, a weekly volume chart
(inline SVG with a table for screen readers), and an exercise card for every exercise,
with a print stylesheet for A4 and Letter. No scripts, fonts or images from anywhere: the
file works offline, mailed or printed. Labels, dates and times follow ``locale``.

The package also brings ``planport preview`` and, for a batch, ``index.html``: the roster
at a glance. This module stays light (Jinja2 and Babel load when a page is made): every
planport command loads it to collect its hooks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from planport.core.errors import InputError
from planport.core.plugins import Artifact, hookimpl, lazy_command

if TYPE_CHECKING:
    from planport import Plan

MEDIA_TYPE = "text/html"
INDEX = "index.html"

__all__ = ["HtmlExporter", "RosterRow", "exporter", "render_plan_page", "render_roster_index"]


def render_plan_page(plan: Plan, locale: str = "en") -> bytes:
    """The plan's page as UTF-8 HTML; the same plan and locale give the same bytes."""
    from .render import render_page
    from .texts import page_texts
    from .view import plan_page

    texts = page_texts(locale)
    return render_page("plan.html.j2", page=plan_page(plan, texts), t=texts, _=texts._, lang=texts.lang)


def __getattr__(name: str) -> Any:
    if name in ("RosterRow", "render_roster_index"):
        from . import roster

        return getattr(roster, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class HtmlExporter:
    name = "html"
    description = "One self-contained web page: month calendar, weekly volume chart, printable exercise cards."
    extensions = (".html",)
    options_schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "locale": {
                "type": "string",
                "pattern": "^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$",
                "default": "en",
                "description": "Language and region for labels, dates, weekday and month names, such as en, en-GB, de or de-AT.",
            },
        },
    }

    def export(self, plan: Plan, options: dict[str, Any]) -> list[Artifact]:
        from .texts import UnknownLocale

        locale = options.get("locale", "en")
        try:
            data = render_plan_page(plan, locale)
        except UnknownLocale as e:
            raise InputError.at("/locale", str(e), f"{self.name} options") from None
        return [Artifact(f"{plan.id}.html", data, MEDIA_TYPE)]

    def roster_artifacts(self, records: Iterable[dict[str, Any]], options: dict[str, Any]) -> list[Artifact]:
        """A batch's ``index.html``: every athlete with their plan's span, sessions, refusals
        (linked to errors.csv) and links to their files."""
        from .roster import render_roster_index, roster_rows

        return [Artifact(INDEX, render_roster_index(roster_rows(records), lang=options.get("locale", "en")), MEDIA_TYPE)]

    @hookimpl
    def planport_commands(self) -> list[Any]:
        return [lazy_command("preview", "planport.exporters.html.commands:preview", "Show a plan as a web page in the default browser.")]


exporter = HtmlExporter()

"""The ``html`` exporter: the whole plan as one self-contained page.

A month calendar in the athlete's local dates with each day's run, a weekly volume chart
(inline SVG with a table for screen readers), and an exercise card for every exercise,
with a print stylesheet for A4 and Letter. No scripts, fonts or images from anywhere: the
file works offline, mailed or printed. Labels, dates and times follow ``locale``.
"""

from __future__ import annotations

from planport.core.errors import InputError
from planport.core.model import Plan
from planport.core.plugins import Artifact

from .render import render_page
from .roster import RosterRow, render_roster_index
from .texts import UnknownLocale, page_texts
from .view import plan_page

MEDIA_TYPE = "text/html"

__all__ = ["HtmlExporter", "RosterRow", "exporter", "render_plan_page", "render_roster_index"]


def render_plan_page(plan: Plan, locale: str = "en") -> bytes:
    """The plan's page as UTF-8 HTML; the same plan and locale give the same bytes."""
    texts = page_texts(locale)
    return render_page("plan.html.j2", page=plan_page(plan, texts), t=texts, _=texts._, lang=texts.lang)


class HtmlExporter:
    name = "html"
    description = "One self-contained web page: month calendar, weekly volume chart, printable exercise cards."
    extensions = (".html",)
    options_schema = {
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

    def export(self, plan: Plan, options: dict) -> list[Artifact]:
        locale = options.get("locale", "en")
        try:
            data = render_plan_page(plan, locale)
        except UnknownLocale as e:
            raise InputError.at("/locale", str(e), f"-o {self.name}.locale={locale}") from None
        return [Artifact(f"{plan.id}.html", data, MEDIA_TYPE)]


exporter = HtmlExporter()

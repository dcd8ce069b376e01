"""The roster index for a batch: one table of every athlete, with links to their files.

``render_roster_index`` is pure: the batch gives it one ``RosterRow`` per roster row, in
roster order, and writes the bytes it returns as ``index.html`` beside ``errors.csv``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from planport.core.writer import check_path

from .render import render_page
from .texts import page_texts


@dataclass(frozen=True)
class RosterRow:
    """One athlete of the batch: what was built, or why it was refused.

    ``files`` are paths relative to the batch's output folder, such as
    ``ana-lima/hip-ana-lima.html``; ``row`` is the roster row, as errors.csv names it."""

    athlete_id: str
    name: str
    status: str  # "ok" or "failed"
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    sessions: int = 0
    refusals: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    row: int | None = None

    @property
    def refused(self) -> bool:
        return self.status != "ok"


@dataclass(frozen=True)
class FileLink:
    href: str
    label: str


@dataclass(frozen=True)
class RosterLine:
    row: RosterRow
    span: str
    links: tuple[FileLink, ...]


def _link(path: str) -> FileLink:
    check_path(path)  # relative and inside the output folder, like every artifact
    return FileLink(quote(path, safe="/"), path.rsplit("/", 1)[-1])


def render_roster_index(rows: list[RosterRow], errors_csv: str = "errors.csv", lang: str = "en", title: str | None = None) -> bytes:
    """``index.html`` for a batch's output folder; ``errors_csv`` is the refusals file, relative to it."""
    texts = page_texts(lang)
    lines = []
    for row in rows:
        span = ""
        if row.first_date and row.last_date:
            span = texts.interval(row.first_date, row.last_date)
        # An HTML file first: it is the one a person opens.
        files = sorted(row.files, key=lambda p: (not p.endswith(".html"), row.files.index(p)))
        lines.append(RosterLine(row, span, tuple(_link(p) for p in files)))
    built = sum(not r.refused for r in rows)
    return render_page(
        "roster.html.j2",
        lines=lines,
        title=title or texts._("Roster"),
        errors=_link(errors_csv),
        counts={"total": len(rows), "built": built, "refused": len(rows) - built},
        t=texts,
        _=texts._,
        lang=texts.lang,
    )


def roster_rows(records: Iterable[dict[str, Any]]) -> list[RosterRow]:
    """Index rows from a batch's manifest records (see planport's Exporter.roster_artifacts)."""
    rows = []
    for record in records:
        athlete = record.get("athlete") or {}
        first, last = athlete.get("first"), athlete.get("last")
        refusals = tuple(f"{column}: {reason}" if column else reason for column, reason in record.get("errors", []))
        rows.append(RosterRow(
            athlete_id=record.get("id") or f"row {record.get('row')}",
            name=athlete.get("name") or record.get("id") or "",
            status=record.get("status", "failed"),
            first_date=dt.date.fromisoformat(first) if first else None,
            last_date=dt.date.fromisoformat(last) if last else None,
            sessions=athlete.get("sessions", 0),
            refusals=refusals,
            files=tuple(record.get("files", {})),
            row=record.get("row"),
        ))
    return rows

"""The ``csv`` exporter: calendar imports (Google, Outlook) and a set-by-set table.

RFC 4180 quoting with CRLF line ends and UTF-8 (a BOM on request, for Excel). A text
cell that a spreadsheet would run as a formula is made inert with a leading quote.
CSV carries no UID: importing a calendar CSV twice makes duplicate events.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from planport.core.plugins import OPTIONS_SCHEMA_ID, Artifact

# The csv module, the session card and the spreadsheet guard load when a file is made: every
# planport command loads this module to list the exporters.

if TYPE_CHECKING:
    from planport import Plan

GOOGLE = ["Subject", "Start Date", "Start Time", "End Date", "End Time", "All Day Event", "Description", "Location", "Private"]
OUTLOOK = [
    "Subject", "Start Date", "Start Time", "End Date", "End Time", "All day event", "Reminder on/off", "Reminder Date",
    "Reminder Time", "Meeting Organizer", "Required Attendees", "Optional Attendees", "Meeting Resources",
    "Billing Information", "Categories", "Description", "Location", "Mileage", "Priority", "Private", "Sensitivity",
    "Show time as",
]
SETS = [
    "Athlete", "Date", "Start Time", "Week", "Session", "Title", "Block", "Exercise", "Set", "Side", "Reps", "Steps",
    "Hold Seconds", "Rest Seconds", "Load", "Prescription", "Focus", "FIT Category", "FIT Exercise Name",
]
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "|": "|"}
DATE_FORMATS = {"mdy": "%m/%d/%Y", "dmy": "%d/%m/%Y", "iso": "%Y-%m-%d"}


def clock(moment: dt.datetime | dt.time, seconds: bool = False) -> str:
    """``7:00 AM`` as Google and Outlook write times."""
    return moment.strftime("%I:%M:%S %p" if seconds else "%I:%M %p").lstrip("0")  # %I is 01-12, never 00


def wall_span(plan: Plan, session) -> tuple[dt.datetime, dt.datetime]:
    """Start and end as naive wall-clock times, as a zoneless CSV carries them. The end is the
    real local time the session ends (01:50 + 20 min is 03:10 on the night clocks go forward:
    2:10 does not exist), but never less than the wall-clock start plus the minutes, which a
    session across the night clocks go back would otherwise read as (01:45 + 20 min is 02:05,
    not 01:05; 00:50 + 90 min is 02:20, not 01:20)."""
    start, end = (moment.replace(tzinfo=None) for moment in plan.span(session))  # a start in a gap is moved past it
    return start, max(end, start + dt.timedelta(minutes=session.minutes))


def yes(flag: bool) -> str:
    return "True" if flag else "False"


def write_rows(rows: list[list], delimiter: str, bom: bool) -> bytes:
    """The csv module's bytes for ``rows``: RFC 4180 quoting (QUOTE_MINIMAL), CRLF, UTF-8.

    Each distinct cell is written by the csv module once per process and rows are joined
    here: with QUOTE_MINIMAL a cell's quoting depends on that cell alone, and a roster's
    session cards (a few kilobytes each, quoted character by character) come back row after
    row and file after file. A record that would be empty (``[""]``, ``[]``) is the csv
    module's own (it writes ``""``)."""
    cell = _cell_writer(delimiter)
    lines = []
    for row in rows:
        row = row if type(row) is list else list(row)  # read once, for the join and for the csv module
        line = delimiter.join([cell(value) for value in row])
        lines.append(line if line else _csv_text([row], delimiter)[:-2])
    text = "\r\n".join(lines) + "\r\n" if lines else ""
    return text.encode("utf-8-sig" if bom else "utf-8")


def _csv_text(rows: list[list], delimiter: str) -> str:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue()


@functools.cache
def _cell_writer(delimiter: str) -> Callable[[object], str]:
    def written(value: object) -> str:
        # The cell in a row of two, less the empty second cell and the line end: what the csv
        # module writes for it wherever it stands (a row's only cell is written alike unless
        # the record is empty, which write_rows leaves to the csv module).
        return _csv_text([[value, ""]], delimiter)[: -len(delimiter) - 2]

    remembered = functools.lru_cache(maxsize=4096)(written)

    def cell(value: object) -> str:
        # Only texts and integers are remembered: equal ones are written alike. Equal values of
        # other types may not be (True and 1, 0.0 and -0.0, Decimal("1.0") and Decimal("1")).
        kind = type(value)
        return remembered(value) if kind is str or kind is int else written(value)

    return cell


class CsvExporter:
    name = "csv"
    description = "CSV for Google Calendar or Outlook import, or one row per set for spreadsheets."
    extensions = (".csv",)
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "dialect": {"enum": ["google", "outlook", "sets"], "default": "google", "description": "google or outlook: calendar import columns; sets: one row per set and side."},
            "date_format": {"enum": list(DATE_FORMATS), "description": "mdy (12/07/2026), dmy (07/12/2026) or iso (2026-12-07); calendars default to mdy, sets to iso."},
            "delimiter": {"enum": list(DELIMITERS), "default": ",", "description": "The field separator: , ; tab or |."},
            "bom": {"type": "boolean", "default": False, "description": "Start with a UTF-8 byte-order mark so Excel reads the file as UTF-8."},
            "how_to": {"type": "boolean", "default": True, "description": "Include how-to steps in calendar descriptions."},
            "location": {"type": "string", "maxLength": 200, "description": "A location for every event."},
            "private": {"type": "boolean", "default": False, "description": "Mark calendar events private."},
            "alarm_minutes": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/minutes_before", "description": "Outlook only: a reminder this many minutes before."},
        },
        # The sets dialect has no event columns: an option for them would be silently ignored.
        "if": {"properties": {"dialect": {"const": "sets"}}, "required": ["dialect"]},
        "then": {"not": {"anyOf": [{"required": [name]} for name in ("how_to", "location", "private", "alarm_minutes")]},
                 "x-message": "the sets dialect has no event columns: how_to, location, private and alarm_minutes go with google or outlook"},
    }

    def export(self, plan: Plan, options: dict) -> list[Artifact]:
        dialect = options.get("dialect", "google")
        date_format = DATE_FORMATS[options.get("date_format") or ("iso" if dialect == "sets" else "mdy")]
        header, rows = {"google": self._google, "outlook": self._outlook, "sets": self._sets}[dialect](plan, options, date_format)
        from planport.core.spreadsheet import inert

        cells = [header, *([inert(v) for v in row] for row in rows)]
        data = write_rows(cells, DELIMITERS[options.get("delimiter", ",")], options.get("bom", False))
        return [Artifact(f"{plan.id}-{dialect}.csv", data, "text/csv")]

    def _google(self, plan: Plan, options: dict, fmt: str):
        from planport.core.card import session_card

        rows = []
        for session in plan.ordered_sessions:
            start, end = wall_span(plan, session)
            rows.append([
                session.title, start.strftime(fmt), clock(start), end.strftime(fmt), clock(end), "False",
                session_card(plan, session, options.get("how_to", True)), options.get("location", ""), yes(options.get("private", False)),
            ])
        return GOOGLE, rows

    def _outlook(self, plan: Plan, options: dict, fmt: str):
        from planport.core.card import session_card

        rows = []
        minutes = options.get("alarm_minutes")
        for session in plan.ordered_sessions:
            start, end = wall_span(plan, session)
            reminder = start - dt.timedelta(minutes=minutes) if minutes is not None else None
            category = "Mobility" if session.kind == "mobility" else "Hip strength"
            rows.append([
                session.title, start.strftime(fmt), clock(start, True), end.strftime(fmt), clock(end, True), "False",
                yes(reminder is not None), reminder.strftime(fmt) if reminder else "", clock(reminder, True) if reminder else "",
                "", "", "", "", "", category, session_card(plan, session, options.get("how_to", True)),
                options.get("location", ""), "", "Normal", yes(options.get("private", False)), "Normal", "2",
            ])
        return OUTLOOK, rows

    def _sets(self, plan: Plan, options: dict, fmt: str):
        rows = []
        for session in plan.ordered_sessions:
            start, _ = plan.span(session)
            for n, block in enumerate(session.blocks, 1):
                exercise = plan.exercise(block.exercise)
                unit, amount = block.dose
                sides = ["left", "right"] if block.sides(exercise) == 2 else [""]
                for set_number in range(1, block.sets + 1):
                    for side in sides:
                        rows.append([
                            plan.athlete.name, start.strftime(fmt), start.strftime("%H:%M"), plan.week_of(session), session.id,
                            session.title, n, exercise.name, set_number, side,
                            amount.low if unit == "reps" else "", amount.low if unit == "steps" else "",
                            amount.low if unit == "hold_seconds" else "", block.rest_seconds, str(block.load or ""),
                            block.describe_dose(exercise), "; ".join(exercise.focus), exercise.fit.category, exercise.fit.exercise_name,
                        ])
        return SETS, rows


exporter = CsvExporter()

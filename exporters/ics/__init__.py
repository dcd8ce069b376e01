"""The ``ics`` exporter: one iCalendar event per session, in the athlete's time zone.

The package owns everything iCalendar: the calendar files (``calendars``), the time zone
definitions written into them (``timezones``), syncing a plan into a CalDAV calendar
(``sync``: the ``publish`` command and the ``caldav`` delivery target) and subscription
feeds (``feeds``). This module stays light (no icalendar import): every planport command
loads it to collect its hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planport.core.plugins import OPTIONS_SCHEMA_ID, Artifact, hookimpl, lazy_command

if TYPE_CHECKING:
    from planport import Plan

SINGLE_LINE = {
    "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
    "description": "a single line without control characters (line breaks, tabs, NUL, ESC)",
}


class IcsExporter:
    name = "ics"
    description = "iCalendar events for Google Calendar, Apple Calendar, Outlook and Thunderbird."
    extensions = (".ics",)
    options_schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "alarm_minutes": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/minutes_before", "description": "Add a reminder this many minutes before each session (Google ignores reminders on import); with all_day, before the session's time."},
            "all_day": {"type": "boolean", "default": False, "description": "Write all-day events instead of timed ones; the time is kept in the title."},
            "calendar_name": {"allOf": [{"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/label"}, SINGLE_LINE], "description": "The calendar's name (NAME, X-WR-CALNAME); the plan's name by default."},
            "how_to": {"type": "boolean", "default": True, "description": "Include each exercise's how-to steps in the description."},
            "location": {"allOf": [{"type": "string", "maxLength": 200}, SINGLE_LINE], "description": "A location for every event."},
            "url": {"type": "string", "maxLength": 500, "pattern": "^https?://[^\\s\\u0000-\\u001f\\u007f]*$", "description": "A link for every event, such as the plan's page."},
            "files": {"enum": ["plan", "session"], "default": "plan", "description": "One calendar for the plan, or one file per session."},
        },
    }

    def export(self, plan: Plan, options: dict[str, Any]) -> list[Artifact]:
        from .calendars import MEDIA_TYPE, calendar

        sessions = plan.ordered_sessions
        if options.get("files", "plan") == "session":
            return [Artifact(f"ics/{s.file_stem}.ics", calendar(plan, [s], options).to_ical(), MEDIA_TYPE) for s in sessions]
        return [Artifact(f"{plan.id}.ics", calendar(plan, sessions, options).to_ical(), MEDIA_TYPE)]

    def reconcile(self, plan: Plan, artifact: Artifact, previous: bytes) -> Artifact:
        """The calendar written over ``previous`` (the copy already at that path): changed events
        get a higher SEQUENCE and a later DTSTAMP than it had, unchanged ones keep theirs, so a
        re-imported file updates calendars without anyone raising --revision."""
        from .calendars import restamp

        if previous == artifact.data:
            return artifact
        try:
            data = restamp(plan, artifact.data, previous)
        except (ValueError, KeyError, TypeError, AttributeError):  # not a calendar planport can read: write the new one as it is
            return artifact
        return Artifact(artifact.path, data, artifact.media_type)

    @hookimpl
    def planport_commands(self) -> list[Any]:
        return [lazy_command("publish", "planport.exporters.ics.commands:publish", "Sync a plan into a CalDAV calendar.")]

    @hookimpl
    def planport_delivery_targets(self) -> list[Any]:
        from .commands import CalDAVCalendar, FeedFolder

        return [CalDAVCalendar(), FeedFolder()]


exporter = IcsExporter()

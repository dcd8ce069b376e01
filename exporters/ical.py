"""The ``ics`` exporter: one iCalendar event per session, in the athlete's time zone.

Times are written with TZID and a VTIMEZONE for the zone (floating times shift in some
clients). UIDs are derived from athlete, plan and session ids, so re-importing a changed
plan updates events instead of duplicating them; DTSTAMP and SEQUENCE come from the
plan's creation time and revision, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event

from planport.core.card import session_card
from planport.core.model import Plan, Session
from planport.core.plugins import OPTIONS_SCHEMA_ID, Artifact

PRODID = "-//planport//planport hip plans//EN"
_UID_NAMESPACE = uuid.UUID("6f0c7a52-3c1e-4d0a-9a57-6c1f1d0e2b11")
MEDIA_TYPE = "text/calendar"


def session_uid(plan: Plan, session: Session) -> str:
    """Stable across re-exports of the same session, distinct across athletes, plans and sessions."""
    key = f"{plan.athlete.id}/{plan.id}/{session.id}"
    return f"{uuid.uuid5(_UID_NAMESPACE, key)}@planport"


class IcsExporter:
    name = "ics"
    description = "iCalendar events for Google Calendar, Apple Calendar, Outlook and Thunderbird."
    extensions = (".ics",)
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "alarm_minutes": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/minutes_before", "description": "Add a reminder this many minutes before each session (Google ignores reminders on import)."},
            "all_day": {"type": "boolean", "default": False, "description": "Write all-day events instead of timed ones."},
            "calendar_name": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/label", "description": "The calendar's name (X-WR-CALNAME); the plan's name by default."},
            "how_to": {"type": "boolean", "default": True, "description": "Include each exercise's how-to steps in the description."},
            "location": {"type": "string", "maxLength": 200, "description": "A location for every event."},
            "url": {"type": "string", "maxLength": 500, "pattern": "^https?://", "description": "A link for every event, such as the plan's page."},
            "files": {"enum": ["plan", "session"], "default": "plan", "description": "One calendar for the plan, or one file per session."},
        },
    }

    def export(self, plan: Plan, options: dict) -> list[Artifact]:
        sessions = plan.ordered_sessions
        if options.get("files", "plan") == "session":
            return [Artifact(f"ics/{s.file_stem}.ics", serialize(calendar_fields(plan, [s], options)), MEDIA_TYPE) for s in sessions]
        return [Artifact(f"{plan.id}.ics", serialize(calendar_fields(plan, sessions, options)), MEDIA_TYPE)]


@dataclass(frozen=True)
class CalendarFields:
    """Everything planport decides about a calendar, as plain values; ``serialize`` hands them to icalendar."""

    properties: list[tuple[str, object]]
    events: list[tuple[list[tuple[str, object]], list[tuple[str, object]] | None]]  # (event, alarm)
    zone_years: tuple[dt.date, dt.date] | None


def calendar_fields(plan: Plan, sessions, options: dict) -> CalendarFields:
    properties = [
        ("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"), ("method", "PUBLISH"),
        ("x-wr-calname", options.get("calendar_name") or plan.name), ("x-wr-timezone", plan.athlete.time_zone),
    ]
    events = [event_fields(plan, session, options) for session in sessions]
    zone_years = None
    if not options.get("all_day"):
        # Cover the plan's years only: a VTIMEZONE from 1970 to 2038 is noise.
        first, last = sessions[0].date, sessions[-1].date
        zone_years = (dt.date(first.year - 1, 1, 1), dt.date(last.year + 2, 1, 1))
    return CalendarFields(properties, events, zone_years)


def event_fields(plan: Plan, session: Session, options: dict):
    fields: list[tuple[str, object]] = [
        ("uid", session_uid(plan, session)), ("dtstamp", plan.created), ("last-modified", plan.created),
        ("sequence", plan.revision), ("summary", session.title),
    ]
    if options.get("all_day"):
        fields += [("dtstart", session.date), ("dtend", session.date + dt.timedelta(days=1))]
    else:
        start, end = plan.span(session)
        fields += [("dtstart", start), ("dtend", end)]
    fields += [
        ("description", session_card(plan, session, how_to=options.get("how_to", True))),
        ("categories", ["Hip strength" if session.kind != "mobility" else "Mobility", session.kind]),
        ("status", "CONFIRMED"), ("transp", "OPAQUE"),
    ]
    if options.get("location"):
        fields.append(("location", options["location"]))
    if options.get("url"):
        fields.append(("url", options["url"]))
    alarm = None
    minutes = options.get("alarm_minutes")
    if minutes is not None:
        alarm = [("action", "DISPLAY"), ("description", session.title), ("trigger", dt.timedelta(minutes=-minutes))]
    return fields, alarm


def serialize(fields: CalendarFields) -> bytes:
    """The icalendar calls alone: what the library does for planport."""
    cal = Calendar()
    for name, value in fields.properties:
        cal.add(name, value)
    for event_props, alarm_props in fields.events:
        event = Event()
        for name, value in event_props:
            event.add(name, value)
        if alarm_props:
            alarm = Alarm()
            for name, value in alarm_props:
                alarm.add(name, value)
            event.add_component(alarm)
        cal.add_component(event)
    if fields.zone_years:
        cal.add_missing_timezones(*fields.zone_years)
    return cal.to_ical()


exporter = IcsExporter()

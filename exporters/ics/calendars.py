"""iCalendar files from plan sessions: calendars, events, time zones, stamps.

Times carry the athlete's TZID with a VTIMEZONE that planport builds from the zone's own
transitions (``timezones``), so clients that read the file's VTIMEZONE (Thunderbird,
servers built on vobject) and clients that use their own zone data agree. A session whose
local start or end is ambiguous (the repeated hour when clocks go back) is written in UTC,
which no client can read two ways; a start in a spring-forward gap has already been moved
to the real wall-clock time by ``Plan.span`` (RFC 5545's reading: the offset before the gap).

UIDs are derived from athlete, plan and session ids, so re-importing a changed plan updates
events instead of duplicating them. DTSTAMP and SEQUENCE come from the plan (``created`` and
``revision``), never from the clock; when an earlier copy of the calendar is at hand (the
server's copy in a CalDAV sync, the previous file), ``restamp`` raises SEQUENCE and DTSTAMP
of exactly the events whose content changed (see ``Stamp``).

The file carries no METHOD: a plain calendar file is not an iTIP message (RFC 5546 would
then require an ORGANIZER, and RFC 4791 forbids METHOD in stored CalDAV objects).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Component, Event, vText
from icalendar.parser import Contentline

from planport.core.card import session_card
from planport.core.model import Plan, Session

from . import IcsExporter
from .folding import remember_folds
from .timezones import vtimezone

remember_folds()

PRODID = "-//planport//planport hip plans//EN"
_UID_NAMESPACE = uuid.UUID("6f0c7a52-3c1e-4d0a-9a57-6c1f1d0e2b11")
MEDIA_TYPE = "text/calendar"
UTC = dt.timezone.utc
#: Marks every event planport writes with the athlete and plan it belongs to; a CalDAV
#: sync changes or deletes only events that carry its own plan's mark.
PLAN_MARK = "X-PLANPORT-PLAN"
#: A fingerprint of the event's content as planport wrote it (see ``fingerprint``).
CONTENT_MARK = "X-PLANPORT-HASH"
#: Properties that say *when* an event was written, not *what* it says.
STAMP_PROPERTIES = ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", CONTENT_MARK)

# RFC 5545 TEXT excludes the controls other than HTAB; a line break is escaped as \n.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("\r\n|\r|\n")


@functools.lru_cache(maxsize=2048)  # the same titles and cards, event after event
def clean_text(text: str, single_line: bool = False) -> str:
    """``text`` as RFC 5545 TEXT allows it: CR and CRLF become line feeds (or spaces when
    the property is one line, like a calendar name), other control characters become U+FFFD
    so a stray ESC or NUL is visible rather than breaking the file for strict readers."""
    text = _LINE_BREAK.sub(" " if single_line else "\n", text)
    if single_line:
        text = text.replace("\t", " ")
    return _CONTROL.sub("\ufffd", text)


def session_uid(plan: Plan, session: Session) -> str:
    """Stable across re-exports of the same session, distinct across athletes, plans and sessions."""
    return f"{uuid5_text(f'{plan.athlete.id}/{plan.id}/{session.id}')}@planport"


_NAMESPACE_BYTES = _UID_NAMESPACE.bytes
# RFC 4122 version 5 and variant bits, as uuid.UUID(bytes=..., version=5) sets them.
_KEEP = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_SET = (0x8000 << 48) | (5 << 76)


def uuid5_text(name: str) -> str:
    """``str(uuid.uuid5(_UID_NAMESPACE, name))`` without making a UUID object (an event each)."""
    digest = int.from_bytes(hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()[:16], "big")
    h = f"{(digest & _KEEP) | _SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def plan_mark(plan: Plan) -> str:
    """The ``X-PLANPORT-PLAN`` value: which athlete's which plan an event belongs to."""
    return f"{plan.athlete.id}/{plan.id}"


def is_ambiguous(moment: dt.datetime) -> bool:
    """True when ``moment``'s wall-clock time happens twice in its zone (clocks going back)."""
    return moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset()


@dataclass(frozen=True)
class Stamp:
    """When an event was last revised: its SEQUENCE and DTSTAMP.

    Without an earlier copy, every event gets the plan's (``revision``, ``created``). With
    one (``restamp``), an event whose fingerprint is unchanged keeps the earlier stamp, and
    a changed one gets SEQUENCE one higher and DTSTAMP one second later than the earlier copy
    (never below the plan's own). No rule without an earlier copy can do this: a session moved
    and moved back would need a stamp both higher and lower than the other version's."""

    sequence: int
    dtstamp: dt.datetime

    @classmethod
    def of_plan(cls, plan: Plan) -> Stamp:
        return cls(plan.revision, plan.created)

    def after(self, plan: Plan) -> Stamp:
        """The stamp of a changed event whose earlier copy had this stamp."""
        return Stamp(max(self.sequence + 1, plan.revision), max(self.dtstamp + dt.timedelta(seconds=1), plan.created))


class Shared:
    """Property values icalendar makes once and every event that has the same one is given.

    ``add`` puts a value made by icalendar's own ``Component.add`` (on a scratch event) into the
    event with ``encode=False``, so the event holds exactly the object icalendar would have made;
    ``line`` gives the content line icalendar made of it the first time it was written. What is
    saved is making both again for each of a plan's fifty events (texts, categories, the plan's
    stamp). Not for datetimes other than DTSTAMP and LAST-MODIFIED (written in UTC): equal
    datetimes in two zones are one key. The values are never changed once made: planport
    replaces a property (``stamp_event``), it does not edit one."""

    def __init__(self, enabled: bool = True, limit: int | None = None):
        self.enabled = enabled
        self.limit = limit  # values kept at most (then all are forgotten), for one per process
        self._made: dict[tuple, object] = {}
        self._owned: dict[int, object] = {}  # id -> a value made here (kept alive, so ids stay unique)
        self._lines: dict[tuple, tuple[object, Contentline]] = {}

    def add(self, component: Component, name: str, value: object) -> None:
        if not self.enabled:
            component.add(name, value)
            return
        # Aware datetimes are equal when they are the same instant, which is right for the
        # stamps (Component.add writes those in UTC) and for nothing else given here.
        key = (name, type(value), tuple(value) if isinstance(value, list) else value)
        made = self._made.get(key)
        if made is None:
            if self.limit is not None and len(self._made) >= self.limit:
                self._made.clear()
                self._owned.clear()
                self._lines.clear()
            scratch = Event()
            scratch.add(name, value)
            made = self._made[key] = scratch[name]
            self._owned[id(made)] = made
        component.add(name, made, encode=False)

    def line(self, name: str, value: object, sorted: bool, make: Callable[..., Contentline]) -> Contentline | None:
        """The content line of ``value`` if it was made here (``make`` makes it the first time)."""
        key = (id(value), name, sorted)
        found = self._lines.get(key)
        if found is not None and found[0] is value:
            return found[1]
        if self._owned.get(id(value)) is not value:
            return None
        line = make(name, value, sorted=sorted)
        self._lines[key] = (value, line)
        return line


class PlanCalendar(Calendar):
    """A Calendar that writes a shared value's content line once (``Shared.line``); icalendar
    makes every line, and every other line as usual."""

    sharing: tuple[Shared, ...] = ()
    #: BEGIN and END lines, by (name, component name): two for every event.
    _markers: dict[tuple, Contentline] = {}

    def content_line(self, name, value, sorted: bool = True):
        if name in ("BEGIN", "END") and type(value) is bytes and self.sharing:
            key = (name, value, sorted)
            line = self._markers.get(key)
            if line is None:
                line = self._markers[key] = super().content_line(name, value, sorted=sorted)
            return line
        for shared in self.sharing:
            line = shared.line(name, value, sorted, super().content_line)
            if line is not None:
                return line
        return super().content_line(name, value, sorted=sorted)


#: Made once per process: the texts of session cards come back in athlete after athlete.
SHARED_TEXTS = Shared(limit=2048)


def zone_window(sessions) -> tuple[dt.date, dt.date]:
    """The dates a VTIMEZONE must be exact for: the sessions' years, plus the next (margin
    for ends past midnight and for clients that look ahead)."""
    return dt.date(sessions[0].date.year, 1, 1), dt.date(sessions[-1].date.year + 2, 1, 1)


def calendar(plan: Plan, sessions, options: dict, stamps: dict[str, Stamp] | None = None, properties=(), sharing: bool = True) -> Calendar:
    """A VCALENDAR of ``sessions``; ``stamps`` maps a UID to its stamp (the plan's by default);
    ``properties`` are extra calendar properties (a feed's, for example). ``sharing=False``
    makes every property value afresh (the tests compare the bytes with and without ``Shared``)."""
    shared = Shared(enabled=sharing)
    cal = PlanCalendar()
    if sharing:
        cal.sharing = (shared, SHARED_TEXTS)
    name = clean_text(options.get("calendar_name") or plan.name, single_line=True)
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", vText(name))
    cal.add("x-wr-timezone", plan.athlete.time_zone)
    for key, value, params in properties:
        cal.add(key, value, parameters=params)
    sessions = sorted(sessions, key=lambda s: (s.date, s.start_time, s.id))
    if not options.get("all_day"):
        cal.add_component(vtimezone(plan.athlete.time_zone, *zone_window(sessions)))
    default = Stamp.of_plan(plan)
    for session in sessions:
        event, mark = _session_event(plan, session, options, shared)
        stamp_event(event, (stamps or {}).get(str(event["UID"]), default), shared, fresh=True, mark=mark)
        cal.add_component(event)
    return cal


def calendar_fields(plan: Plan, sessions, options: dict) -> Calendar:
    """The calendar built but not serialized (bench/batch.py times ``serialize`` apart)."""
    return calendar(plan, sessions, options)


def serialize(cal: Calendar) -> bytes:
    return cal.to_ical()


def session_event(plan: Plan, session: Session, options: dict, shared: Shared | None = None) -> Event:
    """The event for ``session`` with everything but its stamp (see ``stamp_event``)."""
    return _session_event(plan, session, options, shared)[0]


def _session_event(plan: Plan, session: Session, options: dict, shared: Shared | None = None) -> tuple[Event, str]:
    """The event and its ``fingerprint``, worked out from the values given to it (the tests
    check it is what ``fingerprint`` reads back, here and from the written file)."""
    shared = shared or Shared(enabled=False)
    texts = SHARED_TEXTS if shared.enabled else shared
    event = Event()
    uid = session_uid(plan, session)
    event.add("uid", uid)
    start, end = plan.span(session)
    title = clean_text(session.title, single_line=True)
    card = clean_text(session_card(plan, session, how_to=options.get("how_to", True)))
    dtstart: dt.date
    dtend: dt.date
    if options.get("all_day"):
        clock = start.strftime("%H:%M")
        summary = f"{clock} {title}"
        event.add("summary", summary)
        dtstart, dtend = session.date, session.date + dt.timedelta(days=1)
        card = f"Starts at {clock} ({plan.athlete.time_zone}).\n{card}"
    else:
        summary = title
        texts.add(event, "summary", summary)
        if is_ambiguous(start) or is_ambiguous(end):
            # Clients disagree on which of the two 01:30s a TZID time means; UTC has one.
            start, end = start.astimezone(UTC), end.astimezone(UTC)
        dtstart, dtend = start, end
    event.add("dtstart", dtstart)
    event.add("dtend", dtend)
    categories = ["Hip strength" if session.kind != "mobility" else "Mobility", session.kind]
    texts.add(event, "description", card)
    texts.add(event, "categories", categories)
    texts.add(event, "status", "CONFIRMED")
    texts.add(event, "transp", "OPAQUE")
    location = clean_text(options["location"], single_line=True) if options.get("location") else ""
    if location:
        event.add("location", location)
    url = options.get("url") or ""
    if url:
        event.add("url", url)
    mark = plan_mark(plan)
    shared.add(event, PLAN_MARK, mark)
    alarms: list[tuple[object, object, object]] = []
    minutes = options.get("alarm_minutes")
    if minutes is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        trigger: dt.datetime | dt.timedelta
        if options.get("all_day"):
            # Relative to the session's time, not to the all-day event's midnight.
            trigger = (plan.span(session)[0] - dt.timedelta(minutes=minutes)).astimezone(UTC)
            alarm.add("trigger", trigger, parameters={"VALUE": "DATE-TIME"})
        else:
            trigger = dt.timedelta(minutes=-minutes)
            alarm.add("trigger", trigger)
        event.add_component(alarm)
        alarms.append(("DISPLAY", trigger, title))
    values = [summary, card, location, url, "CONFIRMED", "OPAQUE", uid, mark]
    return event, _fingerprint(values, dtstart, dtend, categories, alarms)


#: The texts a fingerprint covers, in its order.
FINGERPRINT_TEXTS = ("SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS", "TRANSP", "UID", PLAN_MARK)


def fingerprint(event: Component) -> str:
    """A hash of what an event says (times as instants, texts, alarms), not of how a server
    formats it: the same for planport's copy and a server's reformatted copy of it, and
    different once the athlete edits the time, title, description or reminders."""
    categories = event.get("CATEGORIES")
    categories = categories if isinstance(categories, list) else [categories] if categories else []
    return _fingerprint(
        [event.get(name, "") for name in FINGERPRINT_TEXTS], event.decoded("DTSTART", None), event.decoded("DTEND", None),
        [c for cat in categories for c in cat.cats],
        [(alarm.get("ACTION", ""), alarm.decoded("TRIGGER", None), alarm.get("DESCRIPTION", "")) for alarm in event.walk("VALARM")],
    )


def _fingerprint(texts: list, start: object, end: object, categories: list, alarms: list[tuple[object, object, object]]) -> str:
    """``fingerprint`` of an event's values: read from an event, or (``session_event``) the
    values it was given, which icalendar gives back as they were."""
    parts = [f"{name}={text}" for name, text in zip(FINGERPRINT_TEXTS, texts)]
    for name, value in (("DTSTART", start), ("DTEND", end)):
        if isinstance(value, dt.datetime):
            value = value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
        parts.append(f"{name}={value}")
    parts.append("CATEGORIES=" + ",".join(str(c) for c in categories))
    for action, trigger, description in alarms:
        if isinstance(trigger, dt.datetime):
            trigger = trigger.astimezone(UTC).isoformat()
        parts.append(f"ALARM={action}|{trigger}|{description}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def stamp_event(event: Component, stamp: Stamp, shared: Shared | None = None, fresh: bool = False, mark: str | None = None) -> None:
    """Write ``stamp`` and the content fingerprint into ``event``, replacing any (``fresh``: it
    has none, being just made; ``mark``: its fingerprint, already worked out)."""
    shared = shared or Shared(enabled=False)
    if not fresh:
        for name in STAMP_PROPERTIES:
            event.pop(name, None)
    shared.add(event, "dtstamp", stamp.dtstamp)
    shared.add(event, "last-modified", stamp.dtstamp)
    shared.add(event, "sequence", stamp.sequence)
    event.add(CONTENT_MARK, mark or fingerprint(event))


def earlier_stamp(event: Component) -> tuple[Stamp, str | None]:
    """The stamp of an earlier copy of an event and the fingerprint planport wrote into it."""
    sequence = int(event.get("SEQUENCE", 0))
    stamp = event.decoded("DTSTAMP", None)
    if not isinstance(stamp, dt.datetime):  # none, or a bare date in a hand-made file
        stamp = dt.datetime(1970, 1, 1, tzinfo=UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    mark = event.get(CONTENT_MARK)
    return Stamp(sequence, stamp.astimezone(UTC)), None if mark is None else str(mark)


def next_stamp(plan: Plan, event: Component, earlier: Component | None) -> Stamp:
    """The stamp ``event`` (planport's new copy) gets, given the earlier copy, if any."""
    if earlier is None:
        return Stamp.of_plan(plan)
    stamp, written = earlier_stamp(earlier)
    if written == fingerprint(event) and written == fingerprint(earlier):
        return stamp
    return stamp.after(plan)


def restamp(plan: Plan, new: bytes, previous: bytes | None) -> bytes:
    """``new`` (this plan's calendar) with SEQUENCE and DTSTAMP carried on from ``previous``
    (the calendar delivered before): unchanged events keep their stamps, changed ones get
    higher ones. Same inputs, same bytes; ``restamp(plan, x, None) == x``."""
    if previous is None:
        return new
    earlier = {str(e["UID"]): e for e in Calendar.from_ical(previous).walk("VEVENT") if "UID" in e}
    cal = Calendar.from_ical(new)
    for event in cal.walk("VEVENT"):
        stamp_event(event, next_stamp(plan, event, earlier.get(str(event["UID"]))))
    return cal.to_ical()


#: For modules that take the exporter object itself (the CalDAV sync resolves its options with it).
exporter = IcsExporter()

"""VTIMEZONE components built from the zone's own transitions, as ``zoneinfo`` knows them.

icalendar's ``add_missing_timezones()`` wrote onsets at the local time *after* a change
and packed later transitions into multi-valued ``RDATE``s, which ical.js and vobject read
only in part; clients that trust the file's VTIMEZONE then put sessions an hour off.
This module writes what RFC 5545 §3.6.5 asks for and every reader we test understands:

- every transition in the window is present, found by scanning ``zoneinfo`` (so irregular
  zones such as Africa/Casablanca, and one-off changes, are covered like regular ones);
- each onset (``DTSTART``) is the local time *before* the change, in ``TZOFFSETFROM``;
- a run of yearly transitions on the same rule ("last Sunday of March at 01:00") is one
  observance with an ``RRULE``; any other transition is an observance of its own, so no
  ``RDATE`` ever carries more than one value;
- ``TZNAME`` is the zone's own abbreviation; a zone with no change in the window gets a
  single observance.

tzdata's negative daylight saving time (Europe/Dublin's winter, Casablanca's Ramadan hour)
is written the way its "rearguard" form and every client expect: the lower offset is
STANDARD and the other DAYLIGHT. Offsets and instants are unchanged by that choice.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

UTC = dt.timezone.utc
_DAY = 86400
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class State:
    """What a zone says during one stretch of time."""

    offset: dt.timedelta
    dst: dt.timedelta
    name: str


@dataclass(frozen=True)
class Transition:
    """A change of state at ``at`` (UTC)."""

    at: dt.datetime
    before: State
    after: State

    @property
    def onset(self) -> dt.datetime:
        """The naive local time of the change, on the clock before it (RFC 5545's onset)."""
        return (self.at + self.before.offset).replace(tzinfo=None)


def _state(zone: dt.tzinfo, ts: int) -> State:
    moment = dt.datetime.fromtimestamp(ts, zone)
    return State(moment.utcoffset() or dt.timedelta(0), moment.dst() or dt.timedelta(0), moment.tzname() or "")


def transitions(zone: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> tuple[State, list[Transition]]:
    """The zone's state at ``start`` and every change of state until ``end`` (both aware).

    Sampled a day apart and pinned to the second by bisection: no zone changes its clock
    twice within a day (Gaza's 2040 DST suspension lasts six), and this asks ``zoneinfo``
    itself rather than reparsing TZif files and their POSIX rules."""
    t0, t1 = int(start.timestamp()), int(end.timestamp())
    first = _state(zone, t0)
    found: list[Transition] = []
    fromtimestamp = dt.datetime.fromtimestamp

    def key(ts: int) -> tuple:
        moment = fromtimestamp(ts, zone)
        return moment.utcoffset(), moment.tzname(), moment.dst()

    low, current = t0, key(t0)
    while low < t1:
        high = min(low + _DAY, t1)
        if key(high) == current:
            low = high
            continue
        while high - low > 1:  # key(low) == current != key(high)
            middle = (low + high) // 2
            if key(middle) == current:
                low = middle
            else:
                high = middle
        found.append(Transition(dt.datetime.fromtimestamp(high, UTC), _state(zone, low), _state(zone, high)))
        low, current = high, key(high)
    return first, found


def _by_day(day: dt.date) -> str | None:
    """The RRULE BYDAY for ``day`` within its month: ``-1SU`` for a last Sunday, else ``2SU``..."""
    weekday = _WEEKDAYS[day.weekday()]
    if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
        return f"-1{weekday}"
    nth = (day.day - 1) // 7 + 1
    return f"{nth}{weekday}" if nth <= 4 else None


def _nth_day(day: dt.date) -> str:
    return f"{(day.day - 1) // 7 + 1}{_WEEKDAYS[day.weekday()]}"


def _fits(onsets: list[dt.datetime], by_day: str) -> bool:
    return all(_by_day(o.date()) == by_day or _nth_day(o.date()) == by_day for o in onsets)


def _runs(series: list[Transition]) -> list[tuple[list[Transition], str | None]]:
    """Split one kind of change (same offsets and name) into yearly rule runs and loners."""
    result: list[tuple[list[Transition], str | None]] = []
    i = 0
    while i < len(series):
        head = series[i].onset
        candidates = {b for b in (_by_day(head.date()), _nth_day(head.date())) if b}
        run = [series[i]]
        j = i + 1
        while j < len(series):
            onset = series[j].onset
            previous = run[-1].onset
            if onset.year != previous.year + 1 or onset.month != head.month or onset.time() != head.time():
                break
            still = {b for b in candidates if _fits([onset], b)}
            if not still:
                break
            candidates = still
            run.append(series[j])
            j += 1
        if len(run) >= 2:
            # Prefer "last Sunday" over "4th Sunday" when both describe every onset.
            rule = sorted(candidates, key=lambda b: (not b.startswith("-1"), b))[0]
            result.append((run, rule))
        else:
            result.append((run, None))
        i = j
    return result


def _observance(daylight: bool, onset: dt.datetime, before: State, after: State):
    component = TimezoneDaylight() if daylight else TimezoneStandard()
    component.add("dtstart", onset)
    component.add("tzoffsetfrom", before.offset)
    component.add("tzoffsetto", after.offset)
    if after.name:
        component.add("tzname", after.name)
    return component


@functools.lru_cache(maxsize=256)
def vtimezone(name: str, start: dt.date, end: dt.date) -> Timezone:
    """A VTIMEZONE for the IANA zone ``name`` that is exact from ``start`` to ``end``.

    Cached: a sync or a batch asks for the same windows again and again. The component is
    shared, so callers add it to calendars and serialize it, and never change it."""
    zone = zoneinfo.ZoneInfo(name)
    begin = dt.datetime.combine(start, dt.time(), zone).astimezone(UTC)
    first, changes = transitions(zone, begin, dt.datetime.combine(end, dt.time(), UTC))
    window_end = dt.datetime.combine(end, dt.time(), UTC)
    negative = any(s.dst < dt.timedelta(0) for s in [first, *(c.after for c in changes)])

    def is_daylight(state: State) -> bool:
        return state.dst == dt.timedelta(0) if negative else state.dst > dt.timedelta(0)

    tz = Timezone()
    tz.add("tzid", name)
    # The state in force when the window opens, as an onset that changes nothing.
    tz.add_component(_observance(is_daylight(first), (begin + first.offset).replace(tzinfo=None), first, first))
    series: dict[tuple, list[Transition]] = {}
    for change in changes:
        series.setdefault((change.before, change.after), []).append(change)
    observances = []
    for (before, after), group in series.items():
        for run, rule in _runs(group):
            component = _observance(is_daylight(after), run[0].onset, before, after)
            if rule is not None:
                recur: dict[str, object] = {"freq": "yearly", "bymonth": run[0].onset.month, "byday": rule}
                # A rule that stops inside the window (DST abolished, rules changed) says
                # when; one that runs to the window's end is left open.
                if run[-1].at + dt.timedelta(days=366) < window_end:
                    # RFC 5545 wants UNTIL in UTC here; some readers (dateutil, so vobject)
                    # compare it with the local onset instead. A day after the last onset
                    # and months before the next one means the same to both.
                    recur["until"] = run[-1].at + dt.timedelta(days=1)
                component.add("rrule", recur)
            observances.append((run[0].at, component))
    for _, component in sorted(observances, key=lambda pair: pair[0]):
        tz.add_component(component)
    return tz

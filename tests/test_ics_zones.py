"""Every zone with clock changes between 2020 and 2040: readers that use the *file's*
VTIMEZONE (vobject, and Mozilla's ical.js in node) must place each session at the instant
zoneinfo gives, on transition days, in the gap, in the repeated hour and on ordinary days.

All zones are exported first, then read in one batch: one node process for every file.
"""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo

import pytest
from ics_readers import icaljs_instants, icaljs_read, vobject_instants, vobject_zone_instants

from conftest import plan_with_sessions

UTC = dt.timezone.utc
STEP = 10 * 86400  # no zone has two changes of offset less than 10 days apart from 2020 to 2040, but Gaza and Hebron in 2040
FIRST, LAST = dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2041, 1, 1, tzinfo=UTC)


def offset_at(zone: zoneinfo.ZoneInfo, ts: int) -> dt.timedelta:
    return dt.datetime.fromtimestamp(ts, zone).utcoffset()


def offset_changes(zone: zoneinfo.ZoneInfo) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta]]:
    """(instant, offset before, offset after) for every change of UTC offset from 2020 to 2040,
    found here (samples 10 days apart, then bisection to the minute) without planport's code."""
    changes = []
    ts, end = int(FIRST.timestamp()), int(LAST.timestamp())
    before = offset_at(zone, ts)
    while ts < end:
        after = offset_at(zone, ts + STEP)
        if after != before:
            low, high = ts, ts + STEP
            while high - low > 60:
                middle = (low + high) // 120 * 60
                if offset_at(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            changes.append((dt.datetime.fromtimestamp(high, UTC), before, offset_at(zone, high)))
            before = offset_at(zone, high)
            ts = high
        else:
            ts += STEP
    return changes


def zones_with_changes() -> dict[str, list]:
    found = {}
    # Four samples a year find every zone with a change (a Ramadan hour falls on a sample in
    # some year); only those are scanned closely.
    samples = [int(dt.datetime(year, month, 15, tzinfo=UTC).timestamp()) for year in range(2020, 2041) for month in (1, 4, 7, 10)]
    for name in sorted(zoneinfo.available_timezones()):
        if name.startswith(("posix/", "right/")) or name in ("Factory", "localtime"):
            continue
        zone = zoneinfo.ZoneInfo(name)
        if len({offset_at(zone, ts) for ts in samples}) == 1:
            continue
        changes = offset_changes(zone)
        if changes:
            found[name] = changes
    return found


def hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


#: Zones whose changes follow no yearly rule, or that changed their rules: their plans run
#: from 2024 to 2031 with a session in every change, to test long VTIMEZONEs too; the first
#: three are also read whole by vobject.
IRREGULAR = ("Africa/Casablanca", "Africa/Cairo", "Asia/Gaza", "America/Asuncion", "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham", "Europe/Dublin", "America/Mexico_City", "Antarctica/Troll")


def session_slots(zone: str, changes, full: bool) -> list[tuple[str, str, int]]:
    """(date, start, minutes) for a zone's plan: around each change of 2027 (Casablanca's
    Ramadan changes fall in February and March) or, for a zone without any that year, of the
    first year with one; and on ordinary days. The irregular zones' plans also have a
    session inside the gap or the repeated time of every other change from 2024 to 2031.
    A zone that changes exactly like one already tested (``full`` false: US/Eastern after
    America/Detroit) keeps one session inside the gap or the repeated time of each change."""
    year = 2027 if any(c[0].year == 2027 for c in changes) else changes[0][0].year
    slots = []
    for at, before, after in changes:
        onset = (at + before).replace(tzinfo=None)  # the local time the change happens at
        step = after - before
        if at.year == year and not full:
            times = [(onset + step / 2, 20)]
        elif at.year == year:
            times = [(onset - dt.timedelta(minutes=30), 45), (onset - dt.timedelta(minutes=1), 20)]
            if step > dt.timedelta(0):  # spring forward: onset .. onset+step does not exist
                times += [(onset + step / 2, 20), (onset, 30), (onset + step, 20)]
            else:  # fall back: onset+step .. onset happens twice
                times += [(onset + step, 20), (onset + step / 2, 20), (onset + step - dt.timedelta(minutes=10), 25), (onset, 15)]
            times.append((dt.datetime.combine(onset.date(), dt.time(7, 0)), 30))
        elif zone in IRREGULAR and 2024 <= at.year <= 2031:
            times = [(onset + step / 2, 20)]  # in the gap, or in the repeated time
        else:
            continue
        slots += [(t.date().isoformat(), hhmm(t), minutes) for t, minutes in times]
    if full:
        slots += [(f"{year}-01-14", "06:15", 25), (f"{year}-07-15", "18:40", 40)]
    return sorted(set(slots))


def truth(zone: str, date: str, time: str) -> dt.datetime:
    """RFC 5545's reading, as zoneinfo gives it: fold=0 is the first of a repeated time and
    takes the offset before the gap for a skipped one."""
    return dt.datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture(scope="module")
def exported_zones(tmp_path_factory, sample_plan_data):
    from planport.core.model import Plan
    from planport.exporters.ics.calendars import exporter, session_uid

    folder = tmp_path_factory.mktemp("zones")
    cases = {}
    seen = set()
    for zone, changes in zones_with_changes().items():
        slots = session_slots(zone, changes, full=tuple(changes) not in seen)
        seen.add(tuple(changes))
        data = plan_with_sessions(copy.deepcopy(sample_plan_data), zone, [(d, t) for d, t, _ in slots])
        for session, (_, _, minutes) in zip(data["sessions"], slots):
            # Short events keep 226 files quick to write and read; times are what is tested.
            session.update(minutes=minutes, title=session["id"], blocks=session["blocks"][:1])
            session.pop("notes", None)
        plan = Plan.from_dict(data)  # the sample's sessions, moved: no need to pay the schema gate 226 times
        (artifact,) = exporter.export(plan, {"how_to": False})
        path = folder / f"{zone.replace('/', '_')}.ics"
        path.write_bytes(artifact.data)
        want = {}
        for session, (date, time, minutes) in zip(plan.sessions, slots):
            start = truth(zone, date, time)
            want[session_uid(plan, session)] = (start, start + dt.timedelta(minutes=minutes), f"{date} {time}")
        cases[zone] = (path, want)
    return cases


def test_the_zone_list_is_tzdata_not_a_hand_picked_list(exported_zones):
    assert len(exported_zones) > 100
    for zone in ("America/New_York", "Africa/Casablanca", "Australia/Lord_Howe", "America/Santiago", "Europe/Dublin", "Pacific/Chatham"):
        assert zone in exported_zones
    assert "Asia/Kolkata" not in exported_zones


def _mismatches(zone, want, got) -> list[str]:
    wrong = []
    for uid, (start, end, local) in want.items():
        if uid not in got:
            wrong.append(f"{zone} {local}: event missing")
        elif got[uid] != (start, end):
            wrong.append(f"{zone} {local}: read {got[uid][0]:%Y-%m-%dT%H:%MZ}-{got[uid][1]:%H:%MZ}, zoneinfo says {start:%Y-%m-%dT%H:%MZ}-{end:%H:%MZ}")
    return wrong


def test_vobject_reads_every_zone_at_zoneinfos_instants(exported_zones):
    # vobject spends its time on generic line parsing, so every file's VTIMEZONE goes through
    # vobject's reading of it (dateutil's tzical) applied to the DTSTART and DTEND written,
    # and three irregular zones' files are read whole as well.
    wrong = []
    for zone, (path, want) in exported_zones.items():
        data = path.read_bytes()
        wrong += _mismatches(zone, want, vobject_zone_instants(data))
        if zone in IRREGULAR[:3]:
            wrong += _mismatches(zone, want, vobject_instants(data))
    assert not wrong, f"{len(wrong)} sessions misplaced, e.g.:\n" + "\n".join(wrong[:15])


def test_icaljs_reads_every_zone_at_zoneinfos_instants(exported_zones):
    read = icaljs_read([path for path, _ in exported_zones.values()])
    wrong = []
    for zone, (path, want) in exported_zones.items():
        wrong += _mismatches(zone, want, icaljs_instants(read[str(path)]))
    assert not wrong, f"{len(wrong)} sessions misplaced, e.g.:\n" + "\n".join(wrong[:15])


def test_vtimezone_form(exported_zones):
    """RFC 5545's form, in the shape every reader above understands."""
    from planport.exporters.ics.timezones import vtimezone

    for zone, (path, _) in exported_zones.items():
        text = path.read_text("utf-8")
        assert "RDATE" not in text, zone  # no multi-valued RDATE: one observance per irregular change
        assert text.count("BEGIN:VTIMEZONE") == 1, zone
    new_york = vtimezone("America/New_York", dt.date(2026, 1, 1), dt.date(2028, 1, 1)).to_ical().decode()
    assert "BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nTZNAME:EDT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n" in new_york
    assert "BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nTZNAME:EST\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n" in new_york
    sydney = vtimezone("Australia/Sydney", dt.date(2026, 1, 1), dt.date(2028, 1, 1)).to_ical().decode()
    assert "DTSTART:20261004T020000" in sydney  # daylight time starts at 02:00 standard time, not 03:00
    kolkata = vtimezone("Asia/Kolkata", dt.date(2026, 1, 1), dt.date(2028, 1, 1))
    assert len(kolkata.subcomponents) == 1 and kolkata.subcomponents[0]["TZOFFSETTO"].td == dt.timedelta(hours=5, minutes=30)
    dublin = vtimezone("Europe/Dublin", dt.date(2026, 1, 1), dt.date(2028, 1, 1))
    kinds = {(c.name, str(c["TZNAME"])) for c in dublin.subcomponents}
    assert kinds == {("STANDARD", "GMT"), ("DAYLIGHT", "IST")}  # tzdata's negative DST, the usual way round
    casablanca = vtimezone("Africa/Casablanca", dt.date(2027, 1, 1), dt.date(2028, 1, 1)).to_ical().decode()
    assert "DTSTART:20270207T030000" in casablanca and "DTSTART:20270314T020000" in casablanca  # both 2027 Ramadan changes

"""The iCalendar exporter, read back by icalendar, recurring-ical-events and vobject."""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from ics_readers import icaljs_instants, icaljs_read, vobject_instants, vobject_read

from conftest import SAMPLE_PLAN, export_artifacts, plan_with_sessions, run_cli, write_json

UTC = dt.timezone.utc


def ics_of(plan_data, **options) -> bytes:
    (artifact,) = export_artifacts(plan_data, "ics", options)
    assert artifact.media_type == "text/calendar"
    return artifact.data


def events(data: bytes):
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def expected_utc(date: str, time: str, zone: str) -> dt.datetime:
    """Computed here from zoneinfo alone, not through the exporter."""
    naive = dt.datetime.fromisoformat(f"{date}T{time}")
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


# Dates around each zone's clock changes in 2026, with the UTC instant worked out by hand.
DST_CASES = [
    ("America/New_York", "2026-03-07", "07:00", "2026-03-07T12:00"),
    ("America/New_York", "2026-03-08", "07:00", "2026-03-08T11:00"),  # spring forward that night
    ("America/New_York", "2026-10-31", "07:00", "2026-10-31T11:00"),
    ("America/New_York", "2026-11-01", "07:00", "2026-11-01T12:00"),  # fall back that night
    ("America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30"),  # happens twice: the first one
    ("Europe/Berlin", "2026-03-28", "07:00", "2026-03-28T06:00"),
    ("Europe/Berlin", "2026-03-29", "07:00", "2026-03-29T05:00"),
    ("Europe/Berlin", "2026-10-25", "18:00", "2026-10-25T17:00"),
    ("Australia/Sydney", "2026-04-04", "07:00", "2026-04-03T20:00"),
    ("Australia/Sydney", "2026-04-05", "07:00", "2026-04-04T21:00"),
    ("Australia/Sydney", "2026-10-04", "07:00", "2026-10-03T20:00"),
    ("Asia/Kolkata", "2026-03-08", "07:00", "2026-03-08T01:30"),
    ("Pacific/Chatham", "2026-04-04", "07:00", "2026-04-03T17:15"),
    ("Pacific/Chatham", "2026-04-05", "07:00", "2026-04-04T18:15"),
    ("Pacific/Chatham", "2026-09-27", "07:00", "2026-09-26T17:15"),
]


@pytest.mark.parametrize("zone,date,time,utc", DST_CASES)
def test_start_instant_is_the_local_time_in_the_zone(plan_data, zone, date, time, utc):
    plan_with_sessions(plan_data, zone, [(date, time)], minutes=25)
    data = ics_of(plan_data)
    want = dt.datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert want == expected_utc(date, time, zone)

    (event,) = events(data)
    local = dt.datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=zoneinfo.ZoneInfo(zone))
    if local.replace(fold=1).utcoffset() == local.utcoffset():
        assert event["DTSTART"].params["TZID"] == zone
    else:  # 01:30 happens twice that night: written in UTC, which no client reads two ways
        assert f"DTSTART:{want:%Y%m%dT%H%M%SZ}".encode() in data
    assert event.decoded("DTSTART").astimezone(UTC) == want
    assert event.decoded("DTEND").astimezone(UTC) == want + dt.timedelta(minutes=25)

    # vobject reads the VTIMEZONE we wrote, not the system's zone data: an independent check.
    ((start, end),) = vobject_instants(data).values()
    assert (start, end) == (want, want + dt.timedelta(minutes=25))

    # recurring-ical-events finds the event on its local day.
    day = dt.date.fromisoformat(date)
    found = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).at(day)
    assert len(found) == 1


def test_spring_forward_gap_moves_to_the_real_wall_clock_time(plan_data):
    # 02:30 does not exist in New York on 2026-03-08 (02:00 -> 03:00). RFC 5545 reads such
    # a time with the offset before the gap, i.e. 07:30 UTC, which is 03:30 local; planport
    # writes 03:30 so no client has to resolve the gap itself.
    plan_with_sessions(plan_data, "America/New_York", [("2026-03-08", "02:30")], minutes=20)
    data = ics_of(plan_data)
    assert b"DTSTART;TZID=America/New_York:20260308T033000\r\n" in data
    assert b"DTEND;TZID=America/New_York:20260308T035000\r\n" in data
    (event,) = events(data)
    assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert vobject_read(data).vevent.dtstart.value.astimezone(UTC) == dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_calendar_properties_and_rfc5545_form(sample_plan_data):
    data = ics_of(copy.deepcopy(sample_plan_data))
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["CALSCALE"]) == "GREGORIAN"
    assert "METHOD" not in cal, "a plain file is not an iTIP message: METHOD:PUBLISH would need an ORGANIZER"
    assert "planport" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == sample_plan_data["name"]
    assert str(cal["X-WR-TIMEZONE"]) == "America/New_York"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_events_say_what_the_plan_says(sample_plan_data, sample_plan):
    data = ics_of(copy.deepcopy(sample_plan_data))
    assert len(events(data)) == len(sample_plan.sessions)
    monday = next(e for e in events(data) if e.decoded("DTSTART").date() == dt.date(2026, 12, 7))
    assert str(monday["SUMMARY"]) == "Hip strength A: clamshells, monster walks, side planks with leg lift"
    assert monday.decoded("DTSTART") == dt.datetime(2026, 12, 7, 7, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert monday.decoded("DTEND") - monday.decoded("DTSTART") == dt.timedelta(minutes=18)
    description = str(monday["DESCRIPTION"])
    assert "1. Clamshell: 2 x 15 / side, rest 45 s" in description
    assert "2. Monster walk: 2 x 12-15 steps, rest 45 s, light band" in description
    assert "3. Side plank with leg lift: 2 x 20-30 s / side, rest 30 s" in description
    assert "open the top knee like a book" in description  # the how-to
    assert monday.decoded("DTSTAMP") == dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert int(monday["SEQUENCE"]) == 1
    assert [str(c) for c in monday["CATEGORIES"].cats] == ["Hip strength", "strength"]


def test_same_plan_same_bytes(sample_plan_data):
    assert ics_of(copy.deepcopy(sample_plan_data)) == ics_of(copy.deepcopy(sample_plan_data))


def test_moving_one_session_moves_one_event(sample_plan_data):
    before = {str(e["UID"]): e for e in events(ics_of(copy.deepcopy(sample_plan_data)))}
    moved = copy.deepcopy(sample_plan_data)
    moved["sessions"][0]["date"] = "2026-12-08"
    moved["sessions"][0]["start_time"] = "18:15"
    moved["revision"] = 2
    after = {str(e["UID"]): e for e in events(ics_of(moved))}
    assert set(before) == set(after), "a re-import updates, it does not duplicate"
    changed = [uid for uid in before if before[uid].decoded("DTSTART") != after[uid].decoded("DTSTART")]
    assert len(changed) == 1
    assert after[changed[0]].decoded("DTSTART") == dt.datetime(2026, 12, 8, 18, 15, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert all(int(e["SEQUENCE"]) == 2 for e in after.values())


def assert_only_the_moved_event_restamped(before: dict, after: dict) -> str:
    """One event moved: it alone has a higher SEQUENCE and a later DTSTAMP; the rest keep theirs. Its UID."""
    assert after.keys() == before.keys()
    changed = [uid for uid in after if after[uid].decoded("DTSTART") != before[uid].decoded("DTSTART")]
    assert len(changed) == 1
    for uid, event in after.items():
        if uid in changed:
            assert int(event["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1
            assert event.decoded("DTSTAMP") > before[uid].decoded("DTSTAMP")
        else:
            assert int(event["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) and event.decoded("DTSTAMP") == before[uid].decoded("DTSTAMP")
    return changed[0]


def test_without_an_earlier_copy_the_stamp_is_the_plans(sample_plan_data):
    event = events(ics_of(copy.deepcopy(sample_plan_data)))[0]
    assert int(event["SEQUENCE"]) == sample_plan_data["revision"]
    assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") == dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_a_changed_session_gets_a_higher_sequence_without_a_new_revision(sample_plan_data):
    from planport.core.gate import plan_from_data
    from planport.exporters.ics.calendars import restamp

    first = ics_of(copy.deepcopy(sample_plan_data))
    moved = copy.deepcopy(sample_plan_data)
    moved["sessions"][1]["start_time"] = "06:45"  # same revision, same created
    plan = plan_from_data(copy.deepcopy(moved))
    second = restamp(plan, ics_of(moved), first)
    before = {str(e["UID"]): e for e in events(first)}
    after = {str(e["UID"]): e for e in events(second)}
    moved_uid = assert_only_the_moved_event_restamped(before, after)
    # Moving it back is another change: higher again, never back to the first stamp.
    third = restamp(plan_from_data(copy.deepcopy(sample_plan_data)), ics_of(copy.deepcopy(sample_plan_data)), second)
    (back,) = [e for e in events(third) if str(e["UID"]) == moved_uid]
    assert int(back["SEQUENCE"]) == int(after[moved_uid]["SEQUENCE"]) + 1
    # Unchanged input, same bytes: restamping against itself or nothing changes nothing.
    assert restamp(plan, second, second) == second
    assert restamp(plan, first, None) == first


def test_uids_are_unique_across_athletes_and_plans(sample_plan_data):
    first = [str(e["UID"]) for e in events(ics_of(copy.deepcopy(sample_plan_data)))]
    other_athlete = copy.deepcopy(sample_plan_data)
    other_athlete["athlete"]["id"] = "alex-chen"
    other_plan = copy.deepcopy(sample_plan_data)
    other_plan["id"] = "hip-2-weeks-b"
    second = [str(e["UID"]) for e in events(ics_of(other_athlete))]
    third = [str(e["UID"]) for e in events(ics_of(other_plan))]
    assert len(set(first)) == len(first)
    assert not set(first) & set(second) and not set(first) & set(third)


UID_01 = "859b4ecd-1583-5865-84e6-dbd04c64cd77@planport"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_uids_are_the_version_5_uuids_of_athlete_plan_and_session(name):
    """UIDs must never change from version to version: a re-import would duplicate every event."""
    import uuid

    from planport.exporters.ics.calendars import _UID_NAMESPACE, uuid5_text

    assert uuid5_text(name) == str(uuid.uuid5(_UID_NAMESPACE, name))


def test_a_sessions_uid_is_what_it_was_in_planport_0_1(sample_plan):
    from planport.exporters.ics.calendars import session_uid

    # planport 0.1 wrote this UID for the sample's first session (uuid.uuid5 of athlete/plan/session)
    session = sample_plan.ordered_sessions[0]
    assert session_uid(sample_plan, session) == UID_01
    assert str(events(ics_of(sample_plan.to_dict()))[0]["UID"]) == UID_01


HOSTILE = "Clam\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:pwned; x, y \\ z"


def test_hostile_text_cannot_break_out_of_its_property(plan_data):
    plan_data["exercises"][0]["name"] = HOSTILE
    plan_data["sessions"][0]["title"] = HOSTILE
    plan_data["sessions"][0]["notes"] = "line one\nline two\rthree; a, b \\"
    data = ics_of(plan_data)
    assert data.count(b"BEGIN:VEVENT\r\n") == len(plan_data["sessions"])
    assert b"\r\nSUMMARY:pwned" not in data
    first = events(data)[0]
    assert str(first["SUMMARY"]) == HOSTILE.replace("\r\n", " ")  # a title is one line
    assert HOSTILE.replace("\r\n", "\n") in str(first["DESCRIPTION"])
    parsed = vobject_read(data)
    assert len(parsed.vevent_list) == len(plan_data["sessions"])


CONTROLS = "a\x00b\x0bc\x1bd\x7fe\rf"


def test_control_characters_never_break_the_file(plan_data, tmp_path):
    """The gate refuses these in documents; a library user can still make a Plan without it
    (Plan.from_dict), and the file must not break then either."""
    from planport import Plan, export

    plan_data["name"] = f"Plan {CONTROLS}"
    plan_data["athlete"]["name"] = f"Sam {CONTROLS}"
    plan_data["exercises"][0]["name"] = f"Clam {CONTROLS}"
    plan_data["sessions"][0]["title"] = f"Title {CONTROLS}"
    plan_data["sessions"][0]["notes"] = f"Notes {CONTROLS}\nline two"
    (artifact,) = export(Plan.from_dict(plan_data), "ics")
    data = artifact.data
    body = data.replace(b"\r\n", b"")
    assert not any(byte < 0x20 and byte != 0x09 or byte == 0x7F for byte in body), "a raw control character in the file"
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["X-WR-CALNAME"]) == "Plan a\ufffdb\ufffdc\ufffdd\ufffde f"
    first = cal.walk("VEVENT")[0]
    assert str(first["SUMMARY"]) == "Title a\ufffdb\ufffdc\ufffdd\ufffde f"
    assert "Notes a\ufffdb\ufffdc\ufffdd\ufffde\nf\nline two" in str(first["DESCRIPTION"])
    assert len(vobject_read(data).vevent_list) == len(plan_data["sessions"])
    path = tmp_path / "controls.ics"
    path.write_bytes(data)
    read = icaljs_read([path])[str(path)]
    assert not isinstance(read, dict) and read[0]["summary"] == "Title a\ufffdb\ufffdc\ufffdd\ufffde f"


@pytest.mark.parametrize("option", ["ics.calendar_name=Hip\nwork", "ics.location=Home\rgym", "ics.calendar_name=a\x1bb"])
def test_control_characters_in_options_are_refused(option, tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", "ics", "-o", option, "--out", tmp_path)
    assert result.code == 2, result.err
    assert "ics options: /" in result.err and ("must be one line" in result.err or "holds a control character" in result.err)
    assert "Traceback" not in result.err and not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["Clamshell 🦵💪", "髋部外展 蚌式开合", "تمرين الورك", "Ünïcödé " * 14])
def test_unicode_names_survive(plan_data, name):
    plan_data["exercises"][0]["name"] = name[:120]
    plan_data["sessions"][0]["title"] = f"{name} session"[:200]
    data = ics_of(plan_data)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    data.decode("utf-8")  # folding never splits a character
    first = events(data)[0]
    assert str(first["SUMMARY"]) == f"{name} session"[:200]
    assert name[:120] in str(first["DESCRIPTION"])
    assert vobject_read(data).vevent.summary.value == f"{name} session"[:200]


def test_options_alarm_location_url_name(sample_plan_data):
    data = ics_of(copy.deepcopy(sample_plan_data), alarm_minutes=30, location="Home, living room", url="https://example.org/plan", calendar_name="Hip work", how_to=False)
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["X-WR-CALNAME"]) == "Hip work"
    for event in cal.walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER") == dt.timedelta(minutes=-30)
        assert str(event["LOCATION"]) == "Home, living room" and str(event["URL"]) == "https://example.org/plan"
        assert "like a book" not in str(event["DESCRIPTION"])


def test_all_day_events(sample_plan_data):
    data = ics_of(copy.deepcopy(sample_plan_data), all_day=True)
    first = events(data)[0]
    assert first.decoded("DTSTART") == dt.date(2026, 12, 7) and first.decoded("DTEND") == dt.date(2026, 12, 8)
    assert b"VTIMEZONE" not in data
    assert str(first["SUMMARY"]).startswith("07:00 Hip strength A")
    assert str(first["DESCRIPTION"]).startswith("Starts at 07:00 (America/New_York).")


def test_all_day_reminder_fires_before_the_sessions_time(sample_plan_data, tmp_path):
    data = ics_of(copy.deepcopy(sample_plan_data), all_day=True, alarm_minutes=30)
    assert b"TRIGGER;VALUE=DATE-TIME:20261207T113000Z\r\n" in data  # 07:00 EST is 12:00Z; 30 min before
    first = events(data)[0]
    (alarm,) = first.walk("VALARM")
    assert alarm.decoded("TRIGGER") == dt.datetime(2026, 12, 7, 11, 30, tzinfo=UTC)
    assert vobject_read(data).vevent.valarm.trigger.value == dt.datetime(2026, 12, 7, 11, 30, tzinfo=UTC)


def test_the_end_is_never_before_the_start_in_a_repeated_hour(plan_data, tmp_path):
    # Lord Howe goes back 30 minutes at 02:00 on 2027-04-04: 01:45 + 20 min ends at the
    # second 01:35. As TZID times that would read as an end before the start.
    slots = [("2027-04-04", "01:45"), ("2027-04-04", "01:20"), ("2027-04-04", "01:29")]
    plan_with_sessions(plan_data, "Australia/Lord_Howe", slots, minutes=20)
    data = ics_of(plan_data)
    path = tmp_path / "lord-howe.ics"
    path.write_bytes(data)
    want = {}
    from planport.core.gate import plan_from_data
    from planport.exporters.ics.calendars import session_uid

    plan = plan_from_data(copy.deepcopy(plan_data))
    for session, (date, time) in zip(plan.sessions, slots):
        start = expected_utc(date, time, "Australia/Lord_Howe")
        want[session_uid(plan, session)] = (start, start + dt.timedelta(minutes=20))
    assert icaljs_instants(icaljs_read([path])[str(path)]) == want
    assert vobject_instants(data) == want
    for event in events(data):
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert b"DTSTART:20270403T144500Z\r\n" in data and b"DTEND:20270403T150500Z\r\n" in data


def test_one_file_per_session(sample_plan_data):
    artifacts = export_artifacts(copy.deepcopy(sample_plan_data), "ics", {"files": "session"})
    assert len(artifacts) == len(sample_plan_data["sessions"])
    assert artifacts[0].path == "ics/2026-12-07-hip-strength-a.ics"
    for artifact in artifacts:
        (event,) = events(artifact.data)
        assert artifact.path.startswith(f"ics/{event.decoded('DTSTART').date().isoformat()}")


def test_cli_options_and_stdout(tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", "ics", "-o", "ics.alarm_minutes=30", "-o", "ics.calendar_name=Hip work", "--out", tmp_path)
    assert result.code == 0, result.err
    cal = icalendar.Calendar.from_ical((tmp_path / "hip-2-weeks.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Hip work" and cal.walk("VALARM")
    piped = run_cli("export", SAMPLE_PLAN, "--to", "ics", "--out", "-")
    assert piped.code == 0 and piped.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    bad = run_cli("export", SAMPLE_PLAN, "--to", "ics", "-o", "ics.alarm_minutes=-5", "--out", tmp_path / "x")
    assert bad.code == 2 and "ics options: /alarm_minutes: -5 is less than the minimum of 0" in bad.err


def test_exporting_over_an_earlier_calendar_raises_the_stamps_of_changed_events_only(tmp_path, plan_data):
    """No --revision needed: the file already in --out is the earlier copy."""
    first = write_json(tmp_path / "plan.json", plan_data)
    out = tmp_path / "out"
    assert run_cli("export", first, "--to", "ics", "--out", out, "-q").code == 0
    before = {str(e["UID"]): e for e in events((out / "hip-2-weeks.ics").read_bytes())}
    again = run_cli("export", first, "--to", "ics", "--out", out, "-q")
    assert again.code == 0
    assert {str(e["UID"]): e for e in events((out / "hip-2-weeks.ics").read_bytes())}.keys() == before.keys()
    assert (out / "hip-2-weeks.ics").read_bytes() == export_artifacts(plan_data, "ics")[0].data, "an unchanged plan writes the same bytes"

    plan_data["sessions"][0]["start_time"] = "18:15"
    moved = write_json(tmp_path / "moved.json", plan_data)
    assert run_cli("export", moved, "--to", "ics", "--out", out, "-q").code == 0
    after = {str(e["UID"]): e for e in events((out / "hip-2-weeks.ics").read_bytes())}
    assert_only_the_moved_event_restamped(before, after)
    fresh = run_cli("export", moved, "--to", "ics", "--out", tmp_path / "fresh", "-q")
    assert fresh.code == 0 and (tmp_path / "fresh" / "hip-2-weeks.ics").read_bytes() != (out / "hip-2-weeks.ics").read_bytes(), "a new folder has no history"


def test_a_calendar_planport_did_not_write_is_replaced_not_an_obstacle(tmp_path, plan_data):
    """A hand-made file at the output path (events without UID, a date-only DTSTAMP) is overwritten
    with the calendar a fresh folder would get."""
    plan = write_json(tmp_path / "plan.json", plan_data)
    out = tmp_path / "out"
    out.mkdir()
    (out / "hip-2-weeks.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hand//EN\r\nBEGIN:VEVENT\r\nSUMMARY:no uid\r\nDTSTART:20270301T100000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:x@y\r\nDTSTAMP;VALUE=DATE:20270101\r\nSUMMARY:a date stamp\r\nDTSTART:20270301T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = run_cli("export", plan, "--to", "ics", "--out", out, "-q")
    assert result.code == 0, result.err
    assert (out / "hip-2-weeks.ics").read_bytes() == export_artifacts(plan_data, "ics")[0].data

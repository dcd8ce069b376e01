"""Independent iCalendar readers that trust the file's own VTIMEZONE: vobject and ical.js."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import vobject
import vobject.icalendar

ROOT = Path(__file__).resolve().parent.parent
ICALJS = ROOT / ".node" / "node_modules" / "ical.js"
ICALJS_READER = Path(__file__).resolve().parent / "readers" / "icaljs_read.cjs"
UTC = dt.timezone.utc


_VTIMEZONE = re.compile(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", re.S)


def vobject_read(data: bytes):
    """The calendar as vobject reads it, with the file's own VTIMEZONEs.

    vobject keeps the first VTIMEZONE it saw for a TZID for the rest of the process, and
    skips registering one that matches UTC from 2000 to 2020 (a VTIMEZONE that starts in
    2020 can), falling back to pytz's zone data: the file would not be what is tested. So
    each file's zones are registered afresh before it is read, and the events checked."""
    registry = vobject.icalendar.__dict__["__tzidMap"]
    for key in [k for k in registry if k != "UTC"]:
        del registry[key]
    text = data.decode("utf-8")
    zones = {}
    for block in _VTIMEZONE.findall(text):
        component = vobject.readOne(block)
        zones[component.tzid.value] = vobject.icalendar.TimezoneComponent.gettzinfo(component)
        vobject.icalendar.registerTzid(component.tzid.value, zones[component.tzid.value])
    calendar = vobject.readOne(text)
    for event in calendar.vevent_list:
        tzid = getattr(event.dtstart, "tzid_param", None)
        assert tzid is None or event.dtstart.value.tzinfo is zones[tzid], "vobject did not use the file's VTIMEZONE"
    return calendar


def vobject_instants(data: bytes) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """UID -> (start, end) in UTC, as vobject reads them."""
    calendar = vobject_read(data)
    return {
        event.uid.value: (event.dtstart.value.astimezone(UTC), event.dtend.value.astimezone(UTC))
        for event in calendar.vevent_list
    }


_EVENT = re.compile(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT\r\n", re.S)
_TIME = re.compile(r"^(UID|DTSTART|DTEND)(?:;TZID=([^:;]+))?:(.*)$", re.M)


def vobject_zone_instants(data: bytes) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """UID -> (start, end) in UTC: the file's VTIMEZONEs as vobject reads them, applied to the
    DTSTART and DTEND values as written (what vobject does with them, without its slow
    parsing of every other line)."""
    text = data.decode("utf-8").replace("\r\n ", "")
    zones = {}
    for block in _VTIMEZONE.findall(text):
        component = vobject.readOne(block)
        zones[component.tzid.value] = vobject.icalendar.TimezoneComponent.gettzinfo(component)
    result = {}
    for body in _EVENT.findall(text):
        fields = {name: (zone, value.strip()) for name, zone, value in _TIME.findall(body)}
        times = []
        for name in ("DTSTART", "DTEND"):
            zone, value = fields[name]
            wall = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
            times.append(wall.replace(tzinfo=UTC if value.endswith("Z") else zones[zone]).astimezone(UTC))
        result[fields["UID"][1]] = (times[0], times[1])
    return result


def icaljs_read(paths: list[Path]) -> dict[str, list[dict] | dict]:
    """What ical.js understood of each file, read by one node process for all of them."""
    if shutil.which("node") is None or not ICALJS.is_dir():
        raise AssertionError(f"ical.js is not installed at {ICALJS}; run `make test`, which installs it with npm")
    proc = subprocess.run(
        ["node", str(ICALJS_READER), str(ICALJS)], input=json.dumps([str(p) for p in paths]).encode(),
        capture_output=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def icaljs_instants(result: list[dict] | dict) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    assert not isinstance(result, dict), result
    return {e["uid"]: (dt.datetime.fromtimestamp(e["start"], UTC), dt.datetime.fromtimestamp(e["end"], UTC)) for e in result}

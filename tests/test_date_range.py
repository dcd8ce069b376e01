"""Dates at both ends of the range the schema allows (2000-01-01 to 2100-12-31) export in
every format and read back right in independent readers; beyond it, the gate refuses them.
A FIT ``date_time`` counts seconds from 1989-12-31 in 32 bits: past 2126 it wraps, and
below 0x10000000 (mid-1998) readers take it for seconds since the watch was switched on."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import fitdecode
import icalendar
import pytest

from conftest import run_cli, write_json

EDGES = [
    ("2000-01-01T00:00:00Z", "2000-01-03", "2000-01-03"),
    ("2100-12-31T23:59:59Z", "2100-12-31", "2100-12-27"),  # the Monday of that week
]


def _edge_plan(plan_data: dict, created: str, date: str, monday: str) -> dict:
    plan = copy.deepcopy(plan_data)
    plan["created"] = created
    session = plan["sessions"][0]
    session.update(id="edge", date=date, start_time="23:30", week=1)
    plan["sessions"] = [session]
    plan["weeks"] = [{"week": 1, "starts": monday}]
    plan["athlete"]["time_zone"] = "Pacific/Kiritimati"  # UTC+14: the local date is a day ahead of UTC's
    return plan


def _fit_time_created(data: bytes) -> dt.datetime:
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "file_id":
                return frame.get_value("time_created")
    raise AssertionError("no file_id message")


@pytest.mark.parametrize("created,date,monday", EDGES, ids=["first-day", "last-day"])
def test_the_edges_of_the_range_export_and_read_back(tmp_path, plan_data, created, date, monday):
    plan_file = write_json(tmp_path / "plan.json", _edge_plan(plan_data, created, date, monday))
    assert run_cli("validate", plan_file).code == 0
    out = tmp_path / "out"
    result = run_cli("export", plan_file, "--to", "json,ics,fit,csv", "--out", out, "-q")
    assert result.code == 0, result.err
    moment = dt.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    (fit_file,) = (out / "fit").iterdir()
    assert _fit_time_created(fit_file.read_bytes()) == moment, "time_created is the plan's creation, not a wrapped date"
    calendar = icalendar.Calendar.from_ical((out / "hip-2-weeks.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.date().isoformat(), start.strftime("%H:%M"), str(start.tzinfo)) == (date, "23:30", "Pacific/Kiritimati")
    assert event.decoded("dtstamp") == moment
    assert json.loads((out / "hip-2-weeks.json").read_text("utf-8"))["created"] == created
    assert date in (out / "hip-2-weeks-google.csv").read_text("utf-8").replace(f"{date[5:7]}/{date[8:]}/{date[:4]}", date)


@pytest.mark.parametrize("created", ["1999-12-31T23:59:59Z", "1998-07-01T00:00:00Z", "2101-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_a_creation_time_a_fit_file_cannot_carry_is_refused(tmp_path, plan_data, created):
    plan_data["created"] = created
    plan_file = write_json(tmp_path / "plan.json", plan_data)
    result = run_cli("export", plan_file, "--to", "fit", "--out", tmp_path / "out")
    assert result.code == 2 and f"{plan_file}: /created: " in result.err and "2000-01-01T00:00:00Z to 2100-12-31T23:59:59Z" in result.err
    assert not (tmp_path / "out").exists()


def test_the_range_is_stated_in_the_schema():
    result = run_cli("schema", "plan")
    bundled = json.loads(result.out)
    date = next(v for k, v in bundled["$defs"].items() if k.endswith(".date"))
    assert "2000-01-01 to 2100-12-31" in date["description"] and date["format"] == "date"


def test_a_built_plan_stays_in_the_range(tmp_path):
    import yaml

    from conftest import SAMPLES

    athlete = yaml.safe_load((SAMPLES / "athletes" / "new-runner.yaml").read_text("utf-8"))
    athlete.update(start_date="2100-12-20", weeks=4)
    path = tmp_path / "athlete.json"
    path.write_text(json.dumps(athlete), "utf-8")
    built = run_cli("build", path, "--plan-file", tmp_path / "plan.json", "-q")
    assert built.code == 2
    assert built.err.strip() == f"planport: error: {path}: /start_date: 4 weeks from 2100-12-20 run past 2100-12-31, the last date every export format can carry"
    assert not (tmp_path / "plan.json").exists()
    # A plan that ends in 2100 is built, and what build makes, validate accepts.
    athlete.update(start_date="2100-11-20")
    path.write_text(json.dumps(athlete), "utf-8")
    assert run_cli("build", path, "--plan-file", tmp_path / "plan.json", "-q").code == 0
    assert run_cli("validate", tmp_path / "plan.json").code == 0

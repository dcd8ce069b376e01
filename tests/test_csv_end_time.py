"""Calendar CSV end times across clock changes: a CSV has no zone, so the end is the real
local end time, or the wall-clock start plus the minutes where that would precede the start."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import export_artifacts, plan_with_sessions


@pytest.mark.parametrize("dialect,seconds", [("google", ""), ("outlook", ":00")])
def test_end_is_a_real_local_time_after_the_start(plan_data, dialect, seconds):
    # 2027-11-07 01:45 in New York is in the repeated hour; 2027-03-14 02:30 does not exist.
    slots = [("2027-11-07", "01:45"), ("2027-11-07", "00:50"), ("2027-03-14", "02:30"), ("2027-03-14", "01:50")]
    plan_with_sessions(plan_data, "America/New_York", slots, minutes=20)
    (artifact,) = export_artifacts(plan_data, "csv", {"dialect": dialect})
    rows = list(csv.DictReader(io.StringIO(artifact.data.decode("utf-8"), newline="")))
    times = [(r["Start Date"], r["Start Time"], r["End Date"], r["End Time"]) for r in rows]
    assert times == [
        ("03/14/2027", f"1:50{seconds} AM", "03/14/2027", f"3:10{seconds} AM"),  # 20 real minutes: 2:10 does not exist that night
        ("03/14/2027", f"3:30{seconds} AM", "03/14/2027", f"3:50{seconds} AM"),  # 02:30 does not exist: the real time it means
        ("11/07/2027", f"12:50{seconds} AM", "11/07/2027", f"1:10{seconds} AM"),
        ("11/07/2027", f"1:45{seconds} AM", "11/07/2027", f"2:05{seconds} AM"),  # was 1:05 AM, before the start
    ]


def test_a_long_session_across_the_repeated_hour_never_reads_shorter_than_it_is(plan_data):
    plan_with_sessions(plan_data, "America/New_York", [("2027-11-07", "00:50")], minutes=90)
    (artifact,) = export_artifacts(plan_data, "csv", {"dialect": "google"})
    (row,) = csv.DictReader(io.StringIO(artifact.data.decode("utf-8"), newline=""))
    assert (row["Start Time"], row["End Time"]) == ("12:50 AM", "2:20 AM"), "01:20 would read as a 30-minute session"

"""The CSV exporter, parsed back with the csv module and checked against the plan."""

from __future__ import annotations

import copy
import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planport.exporters.csv_table import DELIMITERS, write_rows

from conftest import SAMPLE_PLAN, export_artifacts, run_cli

GOOGLE_HEADER = "Subject,Start Date,Start Time,End Date,End Time,All Day Event,Description,Location,Private"
OUTLOOK_HEADER = ('Subject,Start Date,Start Time,End Date,End Time,All day event,Reminder on/off,Reminder Date,Reminder Time,'
                  'Meeting Organizer,Required Attendees,Optional Attendees,Meeting Resources,Billing Information,Categories,'
                  'Description,Location,Mileage,Priority,Private,Sensitivity,Show time as')
SETS_HEADER = ("Athlete,Date,Start Time,Week,Session,Title,Block,Exercise,Set,Side,Reps,Steps,Hold Seconds,Rest Seconds,"
               "Load,Prescription,Focus,FIT Category,FIT Exercise Name")


def rows_of(plan_data, **options) -> tuple[bytes, list[dict]]:
    (artifact,) = export_artifacts(plan_data, "csv", options)
    assert artifact.media_type == "text/csv"
    text = artifact.data.decode("utf-8-sig")
    delimiter = {"tab": "\t"}.get(options.get("delimiter"), options.get("delimiter", ","))
    return artifact.data, list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("dialect,header", [("google", GOOGLE_HEADER), ("outlook", OUTLOOK_HEADER), ("sets", SETS_HEADER)])
def test_header_exactly_as_the_application_expects(sample_plan_data, dialect, header):
    data, _ = rows_of(copy.deepcopy(sample_plan_data), dialect=dialect)
    assert data.split(b"\r\n", 1)[0].decode() == header
    assert data.endswith(b"\r\n")


def test_google_rows_match_the_plan(sample_plan_data, sample_plan):
    _, rows = rows_of(copy.deepcopy(sample_plan_data))
    assert len(rows) == len(sample_plan.sessions)
    first = rows[0]
    assert first["Subject"] == "Hip strength A: clamshells, monster walks, side planks with leg lift"
    assert (first["Start Date"], first["Start Time"], first["End Date"], first["End Time"]) == ("12/07/2026", "7:00 AM", "12/07/2026", "7:18 AM")
    assert first["All Day Event"] == "False" and first["Private"] == "False"
    assert "1. Clamshell: 2 x 15 / side, rest 45 s" in first["Description"]
    wednesday = rows[2]
    assert (wednesday["Start Date"], wednesday["Start Time"], wednesday["End Time"]) == ("12/09/2026", "5:30 PM", "5:45 PM")
    for row, session in zip(rows, sample_plan.ordered_sessions):
        start, end = sample_plan.span(session)
        assert row["Start Date"] == f"{start.month:02d}/{start.day:02d}/{start.year}"
        assert row["End Time"] == end.strftime("%I:%M %p").lstrip("0")


def test_day_first_and_iso_dates(sample_plan_data):
    _, rows = rows_of(copy.deepcopy(sample_plan_data), date_format="dmy")
    assert rows[0]["Start Date"] == "07/12/2026"
    _, rows = rows_of(copy.deepcopy(sample_plan_data), date_format="iso")
    assert rows[0]["Start Date"] == "2026-12-07"


def test_outlook_rows_and_reminder(sample_plan_data):
    _, rows = rows_of(copy.deepcopy(sample_plan_data), dialect="outlook", alarm_minutes=15, private=True)
    first = rows[0]
    assert (first["Start Date"], first["Start Time"], first["End Time"]) == ("12/07/2026", "7:00:00 AM", "7:18:00 AM")
    assert (first["Reminder on/off"], first["Reminder Date"], first["Reminder Time"]) == ("True", "12/07/2026", "6:45:00 AM")
    assert first["Categories"] == "Hip strength" and first["Private"] == "True" and first["Show time as"] == "2"
    _, no_alarm = rows_of(copy.deepcopy(sample_plan_data), dialect="outlook")
    assert no_alarm[0]["Reminder on/off"] == "False" and no_alarm[0]["Reminder Date"] == ""


def test_sets_rows_one_per_set_and_side(sample_plan_data, sample_plan):
    _, rows = rows_of(copy.deepcopy(sample_plan_data), dialect="sets")
    expected = sum(b.sets * b.sides(sample_plan.exercise(b.exercise)) for s in sample_plan.sessions for b in s.blocks)
    assert len(rows) == expected
    clam = [r for r in rows if r["Session"] == "2026-12-07-hip-strength-a" and r["Exercise"] == "Clamshell"]
    assert [(r["Set"], r["Side"], r["Reps"]) for r in clam] == [("1", "left", "15"), ("1", "right", "15"), ("2", "left", "15"), ("2", "right", "15")]
    assert clam[0]["FIT Category"] == "hip_raise" and clam[0]["FIT Exercise Name"] == "clams" and clam[0]["Week"] == "1"
    walk = next(r for r in rows if r["Exercise"] == "Monster walk")
    assert (walk["Steps"], walk["Reps"], walk["Side"], walk["Load"], walk["Prescription"]) == ("12", "", "", "light band", "2 x 12-15 steps")
    plank = next(r for r in rows if r["Exercise"] == "Side plank with leg lift")
    assert plank["Hold Seconds"] == "20" and plank["Rest Seconds"] == "30"
    assert {r["Week"] for r in rows} == {"1", "2"}
    assert rows[0]["Date"] == "2026-12-07" and rows[0]["Start Time"] == "07:00"


@pytest.mark.parametrize("hostile", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_formula_injection_is_inert(plan_data, hostile):
    plan_data["exercises"][0]["name"] = hostile
    plan_data["sessions"][0]["title"] = hostile
    plan_data["athlete"]["name"] = hostile
    _, rows = rows_of(plan_data)
    assert rows[0]["Subject"] == "'" + hostile
    _, sets = rows_of(plan_data, dialect="sets")
    assert sets[0]["Exercise"] == "'" + hostile and sets[0]["Athlete"] == "'" + hostile
    for row in sets:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_commas_quotes_and_newlines_survive(plan_data):
    tricky = 'Clam, "the shell"\nsecond line; x'
    plan_data["exercises"][0]["name"] = tricky
    plan_data["sessions"][0]["title"] = tricky
    _, rows = rows_of(plan_data)
    assert rows[0]["Subject"] == tricky and len(rows) == len(plan_data["sessions"])
    _, sets = rows_of(plan_data, dialect="sets", delimiter=";")
    assert sets[0]["Exercise"] == tricky


def test_bom_and_delimiter(sample_plan_data):
    data, rows = rows_of(copy.deepcopy(sample_plan_data), bom=True, delimiter="tab")
    assert data.startswith(b"\xef\xbb\xbfSubject\tStart Date\t")
    assert rows[0]["Start Time"] == "7:00 AM"


def test_same_plan_same_bytes(sample_plan_data):
    for dialect in ("google", "outlook", "sets"):
        assert rows_of(copy.deepcopy(sample_plan_data), dialect=dialect)[0] == rows_of(copy.deepcopy(sample_plan_data), dialect=dialect)[0]


def test_cli(tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", "csv", "-o", "csv.dialect=sets", "-o", "csv.bom=true", "--out", tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "hip-2-weeks-sets.csv").read_bytes().startswith(b"\xef\xbb\xbfAthlete,")
    bad = run_cli("export", SAMPLE_PLAN, "--to", "csv", "-o", "csv.dialect=excel", "--out", tmp_path / "x")
    assert bad.code == 2 and "csv options: /dialect: \"excel\" is not one of" in bad.err


def test_an_event_option_with_the_sets_dialect_is_refused_not_ignored(tmp_path):
    from conftest import SAMPLE_PLAN, run_cli

    result = run_cli("export", SAMPLE_PLAN, "--to", "csv", "-o", "csv.dialect=sets", "-o", "csv.location=Gym", "--out", tmp_path / "out")
    assert result.code == 2 and not (tmp_path / "out").exists()
    assert result.err.strip() == "planport: error: csv options: the sets dialect has no event columns: how_to, location, private and alarm_minutes go with google or outlook"


# --- write_rows: the csv module's bytes, each distinct cell quoted once --------------------------

CELLS = st.one_of(
    st.text(st.sampled_from(['a', ' ', ',', ';', '|', '\t', '"', "'", '\r', '\n', '=', 'é', '🦵', '\\']), max_size=12),
    st.text(max_size=30), st.integers(-10**20, 10**20), st.booleans(), st.none(),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1, 1.0, True, Decimal("1.0"), Decimal("1"), "", "1"]),
)


def csv_module_bytes(rows: list[list], delimiter: str, bom: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=6), max_size=6), st.sampled_from(sorted(DELIMITERS.values())), st.booleans())
def test_rows_are_written_as_the_csv_module_writes_them(rows, delimiter, bom):
    # twice: the second time every text and integer is a remembered one
    assert write_rows(rows, delimiter, bom) == csv_module_bytes(rows, delimiter, bom)
    assert write_rows(rows, delimiter, bom) == csv_module_bytes(rows, delimiter, bom)


@pytest.mark.parametrize("rows", [[], [[]], [[""]], [[None]], [["", ""]], [[""], ["x"], []], [[-0.0], [0.0], [-0.0]],
                                  [[True], [1], [1.0], [Decimal("1.0")]]], ids=repr)
def test_empty_records_and_equal_values_of_other_types(rows):
    for delimiter in DELIMITERS.values():
        assert write_rows(rows, delimiter, False) == csv_module_bytes(rows, delimiter, False)
        assert write_rows(rows[::-1], delimiter, False) == csv_module_bytes(rows[::-1], delimiter, False)
        assert write_rows([iter(row) for row in rows], delimiter, False) == csv_module_bytes(rows, delimiter, False)

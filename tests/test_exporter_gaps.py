"""Gaps the bad-input work found in the exporters and delivery targets, now closed: a FIT
workout past 50 steps, a delivery destination checked only after writing, a URL that is
not a URI."""

from __future__ import annotations

import copy
import json

from conftest import SAMPLE_PLAN, SAMPLES, run_cli, write_json

ATHLETE = SAMPLES / "athletes" / "new-runner.yaml"


def test_a_fit_workout_over_50_steps_is_split(tmp_path, plan_data):
    from garmin_fit_sdk import Decoder, Stream

    session = plan_data["sessions"][0]
    session["blocks"] = [dict(copy.deepcopy(b), sets=10) for b in session["blocks"] * 6]  # 18 blocks, two sides: over 50 steps
    plan_file = write_json(tmp_path / "plan.json", plan_data)
    result = run_cli("export", plan_file, "--to", "fit", "--out", tmp_path / "out")
    assert result.code == 0, result.err
    parts = sorted((tmp_path / "out" / "fit").glob(f"{session['id']}-part*.fit"))
    assert len(parts) >= 2
    for part in parts:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(part.read_bytes()))).read()
        assert errors == [] and len(messages["workout_step_mesgs"]) <= 50


def test_an_unusable_delivery_destination_is_refused_before_writing(tmp_path):
    not_a_watch = tmp_path / "not-a-watch"
    not_a_watch.write_text("a file")
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "fit", "--deliver", f"garmin={not_a_watch}", "--out", out, "-q")
    assert result.code == 2 and f"{not_a_watch}: is a file, not the folder a watch is mounted at" in result.err
    assert not out.exists()


def test_an_ics_url_that_is_not_a_uri_is_refused(tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", "ics", "-o", "ics.url=https://a b/", "--out", tmp_path / "out")
    assert result.code == 2 and "ics options: /url" in result.err


def test_a_workout_in_the_way_on_the_watch_stops_the_export_before_anything_is_written(tmp_path):
    watch = tmp_path / "watch"
    (watch / "GARMIN" / "NewFiles").mkdir(parents=True)
    out = tmp_path / "first"
    assert run_cli("export", SAMPLE_PLAN, "--to", "fit", "--out", out, "-q").code == 0
    name = sorted((out / "fit").iterdir())[0].name
    (watch / "GARMIN" / "NewFiles" / name).write_bytes(b"the runner's own workout")
    again = tmp_path / "again"
    result = run_cli("export", SAMPLE_PLAN, "--to", "fit", "--deliver", f"garmin={watch}", "--out", again, "-q")
    assert result.code == 2
    assert result.err.strip() == f"planport: error: {watch / 'GARMIN' / 'NewFiles' / name}: holds a file that planport did not write; sync --force replaces it"
    assert not again.exists(), "exit 2: nothing written"
    assert [p.name for p in (watch / "GARMIN" / "NewFiles").iterdir()] == [name]


def test_a_watch_delivery_without_fit_workouts_is_refused(tmp_path):
    watch = tmp_path / "watch"
    (watch / "GARMIN").mkdir(parents=True)
    result = run_cli("build", ATHLETE, "--to", "ics", "--deliver", f"garmin={watch}", "--out", tmp_path / "out", "-q")
    assert result.code == 2 and result.err.strip() == f"planport: error: --deliver garmin={watch}: the garmin target takes fit files: add fit to --to"
    assert not (tmp_path / "out").exists()
    roster = SAMPLES / "rosters" / "club.csv"
    batch = run_cli("batch", roster, "--to", "ics", "--deliver", f"garmin={watch}", "--out", tmp_path / "batch", "-q")
    assert batch.code == 2 and "the garmin target takes fit files" in batch.err and not (tmp_path / "batch").exists()


def test_build_writes_the_plan_file_with_the_export_or_not_at_all(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    plan_file = tmp_path / "plan.json"
    result = run_cli("build", ATHLETE, "--plan-file", plan_file, "--to", "ics", "--out", blocker / "sub")
    assert result.code == 2 and f"{blocker / 'sub'}: is under {blocker}, which is a file" in result.err
    assert not plan_file.exists()

    out = tmp_path / "out"
    assert run_cli("build", ATHLETE, "--plan-file", plan_file, "--to", "ics", "--out", out, "-q").code == 0
    assert json.loads(plan_file.read_bytes())["sessions"] and len(list(out.glob("*.ics"))) == 1


def test_the_plan_file_cannot_be_one_of_the_exports_files(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", ATHLETE, "--to", "ics,json", "--out", out, "--plan-file", out / "new-runner-hip-strength.ics")
    assert result.code == 2 and "is also one of the export's files" in result.err
    assert not out.exists()


def test_with_the_export_on_standard_output_a_plan_file_that_cannot_be_written_stops_it_first(tmp_path):
    (tmp_path / "a-folder.json").mkdir()
    result = run_cli("build", ATHLETE, "--to", "ics", "--out", "-", "--plan-file", tmp_path / "a-folder.json")
    assert result.code == 2 and result.out == "" and "a folder is in the way" in result.err
    saved = run_cli("build", ATHLETE, "--to", "ics", "--out", "-", "--plan-file", tmp_path / "plan.json", "-q")
    assert saved.code == 0 and saved.out.startswith("BEGIN:VCALENDAR") and json.loads((tmp_path / "plan.json").read_bytes())["sessions"]


def test_standard_output_carries_one_document(tmp_path):
    both = run_cli("build", ATHLETE, "--plan-file", "-", "--to", "ics", "--out", "-")
    assert both.code == 2 and both.out == "" and "--plan-file -: the plan document and the export cannot both go to standard output" in both.err
    with_summary = run_cli("build", ATHLETE, "--summary", "--to", "ics", "--out", "-")
    assert with_summary.code == 0
    assert with_summary.out.startswith("BEGIN:VCALENDAR") and with_summary.out.rstrip().endswith("END:VCALENDAR")
    assert "Week" in with_summary.err


def test_a_refused_calendar_address_names_the_option_typed(tmp_path):
    url = "http://example.org/cal/"
    published = run_cli("build", ATHLETE, "--publish", url, "--out", tmp_path / "out")
    assert published.code == 2 and published.err.startswith(f"planport: error: --publish: {url}: use https://")
    delivered = run_cli("export", SAMPLE_PLAN, "--to", "ics", "--deliver", f"caldav={url}", "--out", tmp_path / "out")
    assert delivered.code == 2 and delivered.err.startswith(f"planport: error: --deliver caldav: {url}: use https://")
    assert not (tmp_path / "out").exists()

"""The FIT exporter, read back by the Garmin SDK and by fitdecode, walked as a watch would."""

from __future__ import annotations

import copy
import datetime as dt
import io

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Profile, Stream

from conftest import SAMPLE_PLAN, export_artifacts, library_plan, run_cli, write_json

TYPES = Profile["types"]


def sdk_read(data: bytes) -> dict:
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    assert decoder.is_fit()
    assert decoder.check_integrity()
    stream.reset()
    messages, errors = decoder.read()
    assert errors == []
    return messages


def fitdecode_frames(data: bytes) -> list[tuple[str, dict]]:
    frames = []
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as fit:
        for frame in fit:
            if frame.frame_type == fitdecode.FIT_FRAME_DATA:
                frames.append((frame.name, {f.name: f.value for f in frame.fields}))
    return frames


def walk_steps(steps: list[dict]) -> list[dict]:
    """fitdecode's steps in the order a watch runs them, repeats followed; written apart from planport's walker."""
    out, counts, i = [], {}, 0
    while i < len(steps):
        s = steps[i]
        if s["duration_type"] == "repeat_until_steps_cmplt":
            counts[i] = counts.get(i, 0) + 1
            if counts[i] < s["repeat_steps"]:
                i = s["duration_step"]
                continue
            counts[i] = 0
        else:
            out.append(s)
        i += 1
    return out


def watch_walk(steps: list[dict]) -> list[tuple]:
    """What the athlete does, step by step: (category, name, reps or ms, side), or ("rest", ms)."""
    out = []
    for s in walk_steps(steps):
        if s["intensity"] == "rest":
            out.append(("rest", int(round(s["duration_time"] * 1000))))
        else:
            side = {"L": "left", "R": "right"}.get(s["wkt_step_name"].split(" ", 1)[0])
            dose = ("reps", s["duration_reps"]) if s["duration_type"] == "reps" else ("ms", int(round(s["duration_time"] * 1000)))
            out.append((s["exercise_category"], s["exercise_name"], *dose, side))
    return out


def expected_walk(plan, session) -> list[tuple]:
    """What the plan says the athlete does, set by set and side by side; no rest after the very last set."""
    out = []
    for block in session.blocks:
        ex = plan.exercise(block.exercise)
        category = ex.fit.category
        name = next(k for k, v in TYPES[f"{category}_exercise_name"].items() if v == ex.fit.exercise_name)
        unit, amount = block.dose
        dose = ("ms", amount.low * 1000) if unit == "hold_seconds" else ("reps", amount.low)
        per_side = ex.per_side if block.per_side is None else block.per_side
        for _ in range(block.sets):
            for side in (["left", "right"] if per_side else [None]):
                out.append((category, name, *dose, side))
            if block.rest_seconds:
                out.append(("rest", block.rest_seconds * 1000))
    return out[:-1] if out and out[-1][0] == "rest" else out


def fit_files(plan_data, **options):
    return export_artifacts(plan_data, "fit", options)


def test_every_session_decodes_and_walks_like_the_plan(sample_plan_data, sample_plan):
    artifacts = fit_files(copy.deepcopy(sample_plan_data))
    sessions = sample_plan.ordered_sessions
    assert [a.path for a in artifacts] == [f"fit/{s.date}-{s.id.removeprefix(str(s.date) + '-')}.fit" for s in sessions]
    serials = set()
    for artifact, session in zip(artifacts, sessions):
        messages = sdk_read(artifact.data)
        (file_id,) = messages["file_id_mesgs"]
        assert file_id["type"] == "workout" and file_id["manufacturer"] == "development"
        assert file_id["serial_number"] != 0 and file_id["time_created"] == dt.datetime(2026, 11, 20, 9, tzinfo=dt.timezone.utc)
        serials.add(file_id["serial_number"])
        (workout,) = messages["workout_mesgs"]
        assert workout["sport"] == "training"
        assert workout["wkt_name"] == f"{session.date:%m-%d} Hip {session.title[13]}" if session.title.startswith("Hip") else f"{session.date:%m-%d} Mobility"
        assert workout["wkt_description"].startswith(session.title)
        assert workout["num_valid_steps"] == len(messages["workout_step_mesgs"])
        for step in messages["workout_step_mesgs"]:
            if step.get("intensity") == "rest":
                assert "exercise_category" not in step, "a rest step has no category (0 is bench press)"

        frames = fitdecode_frames(artifact.data)
        assert [name for name, _ in frames[:2]] == ["file_id", "workout"]
        steps = [fields for name, fields in frames if name == "workout_step"]
        assert watch_walk(steps) == expected_walk(sample_plan, session)
    assert len(serials) == len(artifacts), "serial numbers are unique per file"


def test_sub_sport_follows_the_session(sample_plan_data):
    by_path = {a.path: sdk_read(a.data)["workout_mesgs"][0]["sub_sport"] for a in fit_files(copy.deepcopy(sample_plan_data))}
    assert by_path["fit/2026-12-08-mobility-snack.fit"] == "flexibility_training"
    assert by_path["fit/2026-12-07-hip-strength-a.fit"] == "strength_training"


def test_walk_of_the_first_session_spelled_out(sample_plan_data):
    (first, *_) = fit_files(copy.deepcopy(sample_plan_data))
    steps = [f for n, f in fitdecode_frames(first.data) if n == "workout_step"]
    assert watch_walk(steps) == [
        ("hip_raise", 44, "reps", 15, "left"), ("hip_raise", 44, "reps", 15, "right"), ("rest", 45000),
        ("hip_raise", 44, "reps", 15, "left"), ("hip_raise", 44, "reps", 15, "right"), ("rest", 45000),
        ("banded_exercises", 24, "reps", 12, None), ("rest", 45000),
        ("banded_exercises", 24, "reps", 12, None), ("rest", 45000),
        ("plank", 80, "ms", 20000, "left"), ("plank", 80, "ms", 20000, "right"), ("rest", 30000),
        ("plank", 80, "ms", 20000, "left"), ("plank", 80, "ms", 20000, "right"),
    ], "the workout ends on the last set, not on a rest countdown"


def test_titles_only_where_the_session_agrees(plan_data):
    # Two exercises on hip_raise/clams with different names: a title would rename both, so
    # neither gets one (the step names still say which is which).
    data = library_plan(plan_data)
    by_id = {e["id"]: e for e in data["exercises"]}
    by_id["clam-raise"]["fit"] = {"category": "hip_raise", "exercise_name": "clams", "title": "Clam raise"}
    data["sessions"] = [{**data["sessions"][0], "blocks": [
        {"exercise": "clamshell", "sets": 1, "reps": 10, "rest_seconds": 0},
        {"exercise": "clam-raise", "sets": 1, "reps": 8, "rest_seconds": 0},
        {"exercise": "reverse-lunge", "sets": 1, "reps": 8, "rest_seconds": 0},
    ]}]
    (artifact,) = fit_files(data)
    messages = sdk_read(artifact.data)
    titles = messages["exercise_title_mesgs"]
    assert [(t["exercise_category"], t["exercise_name"], t["wkt_step_name"]) for t in titles] == [("lunge", 82, "Reverse lunge")]
    assert [s["wkt_step_name"] for s in messages["workout_step_mesgs"]] == [
        "L Clamshell", "R Clamshell", "L Clam raise", "R Clam raise", "L Reverse lunge", "R Reverse lunge"]


LONG_EMOJI = "🦵" * 120  # 480 bytes of UTF-8, the longest name the schema allows


@pytest.mark.parametrize("name", ["Clamshell 蚌式 🦵", "تمرين الورك", LONG_EMOJI, "é" * 120])
def test_unicode_and_long_names_fit_the_watch_and_are_cut_at_a_character(plan_data, name):
    plan_data["exercises"][0]["name"] = name
    plan_data["sessions"][0]["title"] = (name * 2)[:200]
    plan_data["sessions"][0]["blocks"][0]["notes"] = ("ö" * 300)
    (first, *_) = fit_files(plan_data)
    messages = sdk_read(first.data)
    workout = messages["workout_mesgs"][0]
    assert len(workout["wkt_name"].encode()) <= 15 and workout["wkt_name"].startswith("12-07 ")
    assert len(workout["wkt_description"].encode()) <= 254
    step = messages["workout_step_mesgs"][0]
    assert len(step["wkt_step_name"].encode()) <= 15 and step["wkt_step_name"].startswith("L ")
    assert name.startswith(step["wkt_step_name"][2:3]), "the step name starts with the exercise's own words"
    assert len(step["notes"].encode()) <= 49 and step["notes"].startswith("2 x 15 / side. Ööö")
    for _, fields in fitdecode_frames(first.data):
        for value in fields.values():
            if isinstance(value, str):
                assert "\ufffd" not in value


def test_ten_sets_zero_rest_and_load(plan_data):
    block = plan_data["sessions"][0]["blocks"][0]
    block.update(sets=10, rest_seconds=0, load={"kg": 12.5})
    plan_data["sessions"][0]["blocks"] = [block]
    (first, *_) = fit_files(plan_data)
    steps = sdk_read(first.data)["workout_step_mesgs"]
    assert [s["duration_type"] for s in steps] == ["reps", "reps", "repeat_until_steps_cmplt"]
    assert steps[2]["target_value"] == 10 and steps[2]["duration_value"] == 0
    assert steps[0]["exercise_weight"] == 12.5
    walked = watch_walk([f for n, f in fitdecode_frames(first.data) if n == "workout_step"])
    assert len(walked) == 20 and all(w[0] == "hip_raise" for w in walked)


def test_same_plan_same_bytes(sample_plan_data):
    a = fit_files(copy.deepcopy(sample_plan_data))
    b = fit_files(copy.deepcopy(sample_plan_data))
    assert [x.data for x in a] == [y.data for y in b]


def test_date_window(tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", "fit", "-o", "fit.from=2026-12-14", "-o", "fit.to=2026-12-16", "--out", tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tmp_path / "fit").iterdir()) == [
        "2026-12-14-hip-strength-a.fit", "2026-12-15-mobility-snack.fit", "2026-12-16-hip-strength-b.fit"]
    empty = run_cli("export", SAMPLE_PLAN, "--to", "fit", "-o", "fit.from=2027-01-01", "--out", tmp_path / "none")
    assert empty.code == 2 and "no session falls between 2027-01-01 and the end" in empty.err
    bad = run_cli("export", SAMPLE_PLAN, "--to", "fit", "-o", "fit.from=next week", "--out", tmp_path / "none")
    assert bad.code == 2 and "fit options: /from:" in bad.err


def test_unencodable_plan_names_file_session_and_reason(tmp_path, plan_data):
    plan_data["exercises"][1]["fit"]["exercise_name"] = "moonwalk"
    path = write_json(tmp_path / "plan.json", plan_data)
    out = tmp_path / "out"
    result = run_cli("export", path, "--to", "fit", "--out", out)
    assert result.code == 2
    assert result.err.strip() == (f"planport: error: {path}: /exercises/1/fit/exercise_name: session 2026-12-07-hip-strength-a: "
                                  f"'moonwalk' is not an exercise name of the FIT category banded_exercises")
    assert not out.exists()


def test_inspect_prints_the_steps(tmp_path):
    assert run_cli("export", SAMPLE_PLAN, "--to", "fit", "--out", tmp_path, "-q").code == 0
    path = tmp_path / "fit" / "2026-12-07-hip-strength-a.fit"
    result = run_cli("inspect", path)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"{path}: 12-07 Hip A (training/strength_training), 12 steps"
    assert lines[1].split(None, 1)[1] == 'L Clamshell: 15 reps  [hip_raise/clams "Clamshell"]'
    assert "Rest: 45 s (rest)" in lines[3] and "repeat from step 0, 2 times in all" in lines[4]
    walked = run_cli("inspect", "--walk", path)
    assert len(walked.out.splitlines()) == 1 + 15
    not_fit = run_cli("inspect", SAMPLE_PLAN)
    assert not_fit.code == 2 and f"{SAMPLE_PLAN}: not a FIT file" in not_fit.err


# --- sync ----------------------------------------------------------------------------


@pytest.fixture
def exported(tmp_path):
    assert run_cli("export", SAMPLE_PLAN, "--to", "fit", "--out", tmp_path / "out", "-q").code == 0
    return tmp_path / "out" / "fit"


def test_sync_into_a_watch(tmp_path, exported):
    watch = tmp_path / "watch"
    (watch / "GARMIN" / "NewFiles").mkdir(parents=True)
    (watch / "GARMIN" / "NewFiles" / "mine.fit").write_bytes(b"someone else's")
    dry = run_cli("sync", exported, "--device", watch, "--dry-run")
    assert dry.code == 0 and "10 of 10 files would be copied" in dry.out
    assert sorted(p.name for p in (watch / "GARMIN" / "NewFiles").iterdir()) == ["mine.fit"]

    first = run_cli("sync", exported, "--device", watch)
    assert first.code == 0, first.err
    copied = {p.name: p.read_bytes() for p in (watch / "GARMIN" / "NewFiles").iterdir()}
    assert copied.pop("mine.fit") == b"someone else's", "sync never deletes or touches other files"
    assert copied == {p.name: p.read_bytes() for p in exported.iterdir()}

    again = run_cli("sync", exported, "--device", watch)
    assert again.code == 0 and "0 of 10 files copied" in again.out and again.out.count("skipped (already there)") == 10


def test_sync_creates_newfiles_and_refuses_a_non_garmin_folder(tmp_path, exported):
    watch = tmp_path / "watch"
    (watch / "GARMIN").mkdir(parents=True)
    assert run_cli("sync", exported, "--device", watch).code == 0
    assert len(list((watch / "GARMIN" / "NewFiles").glob("*.fit"))) == 10
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    refused = run_cli("sync", exported, "--device", stick)
    assert refused.code == 2 and f"planport: error: {stick}: not a Garmin device" in refused.err
    assert list(stick.iterdir()) == []

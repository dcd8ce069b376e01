"""Bad input through the real CLI: one line per problem naming the file and the JSON
Pointer, exit status 2, no traceback, and nothing written."""

from __future__ import annotations

import pytest

from conftest import run_cli, write_json


def _set(path, value):
    def mutate(d):
        *parents, last = path
        for p in parents:
            d = d[p]
        d[last] = value

    return mutate


def _delete(path):
    def mutate(d):
        *parents, last = path
        for p in parents:
            d = d[p]
        del d[last]

    return mutate


def _duplicate_session_id(d):
    d["sessions"][1]["id"] = d["sessions"][0]["id"]


def _duplicate_exercise(d):
    d["exercises"].append(dict(d["exercises"][0]))


def _both_reps_and_hold(d):
    d["sessions"][0]["blocks"][0]["hold_seconds"] = 30


# (case id, mutation, expected pointer, words the message must contain)
PLAN_CASES = [
    ("wrong-type", _set(["sessions", 0, "blocks", 0, "sets"], "three"), "/sessions/0/blocks/0/sets", "expected an integer, got a string"),
    ("missing-title", _delete(["sessions", 0, "title"]), "/sessions/0", "'title' is a required property"),
    ("missing-athlete-zone", _delete(["athlete", "time_zone"]), "/athlete", "'time_zone' is a required property"),
    ("unknown-exercise", _set(["sessions", 2, "blocks", 1, "exercise"], "moon-walk"), "/sessions/2/blocks/1/exercise", "unknown exercise \"moon-walk\""),
    ("duplicate-session", _duplicate_session_id, "/sessions/1/id", "duplicate session id"),
    ("duplicate-exercise", _duplicate_exercise, "/exercises/14/id", "duplicate exercise id"),
    ("bad-zone", _set(["athlete", "time_zone"], "Mars/Olympus"), "/athlete/time_zone", "unknown time zone \"Mars/Olympus\""),
    ("feb-30", _set(["sessions", 3, "date"], "2027-02-30"), "/sessions/3/date", "2027-02-30 is not a real date"),
    ("reps-zero", _set(["sessions", 0, "blocks", 0, "reps"], 0), "/sessions/0/blocks/0/reps", "0 is less than the minimum of 1"),
    ("reps-huge", _set(["sessions", 0, "blocks", 0, "reps"], 10**9), "/sessions/0/blocks/0/reps", "1000000000 is greater than the maximum of 100"),
    ("sets-negative", _set(["sessions", 0, "blocks", 0, "sets"], -2), "/sessions/0/blocks/0/sets", "-2 is less than the minimum of 1"),
    ("huge-string", _set(["sessions", 0, "notes"], "x" * 10_000_000), "/sessions/0/notes", "10,000,000 characters is longer than the maximum of 2,000"),
    ("array-for-object", _set(["athlete"], []), "/athlete", "expected an object, got an array"),
    ("path-traversal-id", _set(["id"], "../evil"), "/id", "not in the expected form"),
    ("unknown-property", _set(["sessions", 0, "colour"], "red"), "/sessions/0", "unknown property \"colour\""),
    ("reps-and-hold", _both_reps_and_hold, "/sessions/0/blocks/0", "give exactly one of reps, steps or hold_seconds"),
    ("range-upside-down", _set(["sessions", 0, "blocks", 1, "steps"], {"min": 15, "max": 12}), "/sessions/0/blocks/1/steps", "min 15 is greater than max 12"),
    ("bad-time", _set(["sessions", 0, "start_time"], "25:00"), "/sessions/0/start_time", "\"25:00\" is not in the expected form"),
    ("created-not-utc", _set(["created"], "2026-11-20 09:00"), "/created", "not in the expected form"),
    ("created-not-real", _set(["created"], "2026-13-40T09:00:00Z"), "/created", "not a real date and time"),
    ("schema-version", _set(["schema_version"], 2), "/schema_version", "2 should be 1"),
    ("kind-enum", _set(["sessions", 0, "kind"], "cardio"), "/sessions/0/kind", "\"cardio\" is not one of"),
    ("no-sessions", _set(["sessions"], []), "/sessions", "must not be empty"),
]


def assert_refused(result, source: str, pointer: str, words: str, out_dir) -> None:
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert any(line.startswith(f"planport: error: {source}: {pointer}: ") and words in line for line in lines), result.err
    assert "Traceback" not in result.err
    assert all(len(line) < 400 for line in lines)
    assert list(out_dir.iterdir()) == [], "nothing may be written"


@pytest.mark.parametrize("case,mutate,pointer,words", PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
def test_bad_plan_is_refused(tmp_path, plan_data, case, mutate, pointer, words):
    mutate(plan_data)
    plan_file = write_json(tmp_path / "plan.json", plan_data)
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("export", plan_file, "--to", "json", "--out", out)
    assert_refused(result, str(plan_file), pointer, words, out)


def test_validate_reports_the_same(tmp_path, plan_data):
    plan_data["sessions"][0]["blocks"][0]["reps"] = 0
    plan_file = write_json(tmp_path / "plan.json", plan_data)
    result = run_cli("validate", plan_file)
    assert result.code == 2
    assert result.err.strip() == f"planport: error: {plan_file}: /sessions/0/blocks/0/reps: 0 is less than the minimum of 1"


@pytest.mark.parametrize(
    "name,text,words",
    [
        ("plan.yaml", "id: x\nsessions: [1, 2\nname: y\n", "invalid YAML"),
        ("plan.json", '{"id": "x",}', "line 1, column 12: invalid JSON"),
        ("plan.json", "", "the document is empty"),
        ("plan.yaml", "   \n\n", "the document is empty"),
        ("plan.json", '{"id": "a", "id": "b"}', "duplicate key 'id'"),
    ],
    ids=["malformed-yaml", "malformed-json", "empty-json", "empty-yaml", "duplicate-key"],
)
def test_unparseable_file(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("export", path, "--to", "json", "--out", out)
    assert result.code == 2
    assert result.err.startswith(f"planport: error: {path}: ") and words in result.err, result.err
    assert "Traceback" not in result.err
    assert list(out.iterdir()) == []


def test_not_utf8(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b'{"name": "\xff\xfe"}')
    result = run_cli("validate", path)
    assert result.code == 2 and f"{path}: not UTF-8 text" in result.err


def test_missing_file(tmp_path):
    result = run_cli("validate", tmp_path / "nope.json")
    assert result.code == 2 and "nope.json: cannot read" in result.err and "Traceback" not in result.err


def test_stdin_yaml_with_error_names_stdin(plan_data):
    import yaml

    plan_data["athlete"]["time_zone"] = "Mars/Olympus"
    result = run_cli("validate", "-", stdin=yaml.safe_dump(plan_data).encode())
    assert result.code == 2
    assert "planport: error: <stdin>: /athlete/time_zone: unknown time zone" in result.err


def test_many_problems_are_capped_at_twenty_lines(tmp_path, plan_data):
    for session in plan_data["sessions"]:
        for block in session["blocks"]:
            block["sets"] = 0
    plan_file = write_json(tmp_path / "plan.json", plan_data)
    result = run_cli("validate", plan_file)
    lines = result.err.strip().splitlines()
    total = sum(len(s["blocks"]) for s in plan_data["sessions"])
    assert result.code == 2
    assert len(lines) == 21
    assert lines[-1] == f"planport: error: ... and {total - 20} more problems"


@pytest.mark.parametrize(
    "args,words",
    [
        (["-o", "json.indent=99"], "json options: /indent: 99 is greater than the maximum of 8"),
        (["-o", "json.colour=red"], "json options: unknown property \"colour\""),
        (["-o", "indent"], "-o indent: expected EXPORTER.KEY=VALUE"),
        (["-o", "ics.alarm_minutes=5"], "-o ics.alarm_minutes=5: option for 'ics', which is not among the formats exported"),
        (["--to", "nope"], "--to: unknown format 'nope'"),
    ],
    ids=["option-out-of-range", "option-unknown", "option-malformed", "option-other-exporter", "unknown-format"],
)
def test_bad_options(tmp_path, args, words):
    from conftest import SAMPLE_PLAN

    out = tmp_path / "out"
    out.mkdir()
    to = [] if "--to" in args else ["--to", "json"]
    result = run_cli("export", SAMPLE_PLAN, *to, *args, "--out", out)
    assert result.code == 2, result.err
    assert words in result.err, result.err
    assert "Traceback" not in result.err
    assert list(out.iterdir()) == []


def test_usage_error_exits_2():
    result = run_cli("export")
    assert result.code == 2 and "Missing argument" in result.err


def test_validate_cannot_tell_kind(tmp_path):
    path = write_json(tmp_path / "thing.json", {"hello": 1})
    result = run_cli("validate", path)
    assert result.code == 2 and "cannot tell what this document is" in result.err
    result = run_cli("validate", "--as", "plan", path)
    assert result.code == 2 and f"{path}: unknown property \"hello\"" in result.err

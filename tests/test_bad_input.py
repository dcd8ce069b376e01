"""Bad input through the real CLI: one line per problem naming the file and the JSON
Pointer, exit status 2, no traceback, nothing written, and bounded time and memory.

Every case runs through ``refused`` (the guard): the real ``planport.core.cli.run``, an
output folder that must stay empty, and a check that the case took under 2 s and grew the
process's peak memory by under 200 MB (a guard against an unbounded input, not a benchmark).
Generated cases (hypothesis) are in test_bad_input_generated.py.
"""

from __future__ import annotations

import json
import resource
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLE_PLAN, SAMPLES, run_cli, write_json

MAX_SECONDS = 2.0
MAX_GROWTH_KIB = 200 * 1024  # ru_maxrss is in KiB on Linux
#: A case still running after this long is stopped, so a runaway input fails the test instead of hanging the suite.
RUNAWAY_SECONDS = 20


@dataclass
class Refusal:
    code: int
    err: str
    lines: list[str]
    seconds: float


def _runaway(signum, frame):
    raise TimeoutError(f"still running after {RUNAWAY_SECONDS} s")


def _cpu_seconds() -> float:
    """This process's CPU time: a runaway input shows in it, other work on the machine does not."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def refused(*args, out: Path | None = None, stdin: bytes | None = None, source: str | None = None, pointer: str | None = None,
            words: str | None = None, plugins=None) -> Refusal:
    """Run ``planport ARGS``; assert exit 2, one ``planport: error:`` line per problem (naming
    ``source`` and ``pointer`` when given), no traceback, ``out`` still empty, bounded cost."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    previous = signal.signal(signal.SIGALRM, _runaway)
    signal.alarm(RUNAWAY_SECONDS)
    start = _cpu_seconds()
    try:
        result = run_cli(*args, stdin=stdin, plugins=plugins)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    seconds = _cpu_seconds() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert result.code == 2, f"exit {result.code}: {result.err}"
    assert "Traceback" not in result.err and "unexpected" not in result.err, result.err
    lines = result.err.splitlines()
    assert lines and all(line.startswith("planport: error: ") for line in lines), result.err
    assert all(len(line) < 600 for line in lines), "one problem is one short line"
    if source is not None:
        prefix = f"planport: error: {source}: " + (f"{pointer}: " if pointer else "")
        assert any(line.startswith(prefix) and (words is None or words in line) for line in lines), f"no line starts {prefix!r}{' with ' + repr(words) if words else ''}:\n{result.err}"
    elif words is not None:
        assert any(words in line for line in lines), result.err
    if out is not None:
        assert not out.exists() or list(out.iterdir()) == [], f"nothing may be written: {sorted(p.name for p in out.iterdir())}"
    assert seconds < MAX_SECONDS, f"took {seconds:.2f} s of CPU"
    assert grown < MAX_GROWTH_KIB, f"peak memory grew by {grown / 1024:.0f} MB"
    return Refusal(result.code, result.err, lines, seconds)


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
    ("missing-title", _delete(["sessions", 0, "title"]), "/sessions/0/title", "required, but missing"),
    ("missing-athlete-zone", _delete(["athlete", "time_zone"]), "/athlete/time_zone", "required, but missing"),
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
    ("unknown-property", _set(["sessions", 0, "colour"], "red"), "/sessions/0/colour", "unknown property"),
    ("reps-and-hold", _both_reps_and_hold, "/sessions/0/blocks/0", "give exactly one of reps, steps or hold_seconds"),
    ("range-upside-down", _set(["sessions", 0, "blocks", 1, "steps"], {"min": 15, "max": 12}), "/sessions/0/blocks/1/steps", "min 15 is greater than max 12"),
    ("bad-time", _set(["sessions", 0, "start_time"], "25:00"), "/sessions/0/start_time", "\"25:00\" is not in the expected form"),
    ("created-not-utc", _set(["created"], "2026-11-20 09:00"), "/created", "not in the expected form"),
    ("created-not-real", _set(["created"], "2026-13-40T09:00:00Z"), "/created", "not a real date and time"),
    ("schema-version", _set(["schema_version"], 2), "/schema_version", "2 should be 1"),
    ("kind-enum", _set(["sessions", 0, "kind"], "cardio"), "/sessions/0/kind", "\"cardio\" is not one of"),
    ("no-sessions", _set(["sessions"], []), "/sessions", "must not be empty"),
]


def _set_block(key, value):
    return _set(["sessions", 0, "blocks", 0, key], value)


def _rename_key(path, old, new):
    def mutate(d):
        for p in path:
            d = d[p]
        d[new] = d.pop(old)

    return mutate


def _file_name_clash(d):
    # "hip-strength-a" on 2026-12-07 makes the file name 2026-12-07-hip-strength-a, as session 0 does.
    d["sessions"][1]["id"], d["sessions"][1]["date"] = "hip-strength-a", "2026-12-07"


NUL, ESC, DEL, NEL = "\x00", "\x1b", "\x7f", "\x85"
ID_FORM = "not in the expected form"
# Values that pass a naive check and fail later (issue 11): each refused at the gate, in validate and export alike.
PLAN_CASES += [
    ("id-trailing-newline", _set(["id"], "hip\n"), "/id", ID_FORM),
    ("id-con", _set(["id"], "con"), "/id", ID_FORM),
    ("id-aux", _set(["id"], "aux"), "/id", ID_FORM),
    ("id-nul-device", _set(["id"], "nul"), "/id", ID_FORM),
    ("id-com1", _set(["id"], "com1"), "/id", ID_FORM),
    ("id-lpt9", _set(["id"], "lpt9"), "/id", ID_FORM),
    ("id-upper-case", _set(["id"], "Hip"), "/id", ID_FORM),
    ("id-trailing-dot", _set(["id"], "hip."), "/id", ID_FORM),
    ("id-trailing-space", _set(["id"], "hip "), "/id", ID_FORM),
    ("id-colon", _set(["id"], "a:b"), "/id", ID_FORM),
    ("id-unicode", _set(["id"], "hüft"), "/id", ID_FORM),
    ("id-65-chars", _set(["id"], "a" * 65), "/id", ID_FORM),
    ("athlete-id-newline", _set(["athlete", "id"], "sam\n"), "/athlete/id", ID_FORM),
    ("session-id-newline", _set(["sessions", 0, "id"], "s1\n"), "/sessions/0/id", ID_FORM),
    ("session-id-device", _set(["sessions", 0, "id"], "prn"), "/sessions/0/id", ID_FORM),
    ("exercise-ref-newline", _set_block("exercise", "clamshell\n"), "/sessions/0/blocks/0/exercise", ID_FORM),
    ("time-trailing-newline", _set(["sessions", 0, "start_time"], "07:00\n"), "/sessions/0/start_time", ID_FORM),
    ("time-one-digit-hour", _set(["sessions", 0, "start_time"], "7:00"), "/sessions/0/start_time", ID_FORM),
    ("time-with-seconds", _set(["sessions", 0, "start_time"], "07:00:00"), "/sessions/0/start_time", ID_FORM),
    ("date-trailing-newline", _set(["sessions", 0, "date"], "2026-12-07\n"), "/sessions/0/date", ID_FORM),
    ("date-year-1", _set(["sessions", 0, "date"], "0001-01-01"), "/sessions/0/date", "2000-01-01 to 2100-12-31"),
    ("date-year-9999", _set(["sessions", 0, "date"], "9999-12-31"), "/sessions/0/date", "2000-01-01 to 2100-12-31"),
    ("date-1999", _set(["sessions", 0, "date"], "1999-12-31"), "/sessions/0/date", "2000-01-01 to 2100-12-31"),
    ("date-2101", _set(["sessions", 0, "date"], "2101-01-01"), "/sessions/0/date", "2000-01-01 to 2100-12-31"),
    ("date-month-13", _set(["sessions", 0, "date"], "2026-13-01"), "/sessions/0/date", "2026-13-01 is not a real date"),
    ("date-day-00", _set(["sessions", 0, "date"], "2026-12-00"), "/sessions/0/date", "is not a real date"),
    ("date-feb-29-not-leap", _set(["sessions", 0, "date"], "2027-02-29"), "/sessions/0/date", "is not a real date"),
    ("date-compact", _set(["sessions", 0, "date"], "20261207"), "/sessions/0/date", ID_FORM),
    ("week-starts-2101", lambda d: d.setdefault("weeks", []).append({"week": 1, "starts": "2101-01-03"}), "/weeks/0/starts", "2000-01-01 to 2100-12-31"),
    ("created-year-1", _set(["created"], "0001-01-01T00:00:00Z"), "/created", "2000-01-01T00:00:00Z"),
    ("created-year-9999", _set(["created"], "9999-12-31T23:59:59Z"), "/created", "2000-01-01T00:00:00Z"),
    ("created-feb-30", _set(["created"], "2026-02-30T00:00:00Z"), "/created", "is not a real date and time"),
    ("created-hour-24", _set(["created"], "2026-12-07T24:00:00Z"), "/created", ID_FORM),
    ("created-newline", _set(["created"], "2026-12-07T00:00:00Z\n"), "/created", ID_FORM),
    ("sets-float", _set_block("sets", 2.0), "/sessions/0/blocks/0/sets", "expected an integer, got a number"),
    ("sets-bool", _set_block("sets", True), "/sessions/0/blocks/0/sets", "expected an integer, got a boolean"),
    ("reps-float", _set_block("reps", 15.0), "/sessions/0/blocks/0/reps", "expected an integer"),
    ("rest-float", _set_block("rest_seconds", 45.0), "/sessions/0/blocks/0/rest_seconds", "expected an integer, got a number"),
    ("minutes-float", _set(["sessions", 0, "minutes"], 18.5), "/sessions/0/minutes", "expected an integer, got a number"),
    ("revision-float", _set(["revision"], 1.0), "/revision", "expected an integer, got a number"),
    ("range-min-float", _set(["sessions", 0, "blocks", 1, "steps"], {"min": 12.0, "max": 15}), "/sessions/0/blocks/1/steps/min", "expected an integer"),
    ("load-nan", _set_block("load", {"kg": float("nan")}), "/sessions/0/blocks/0/load/kg", "NaN is not a number JSON can hold"),
    ("load-infinity", _set_block("load", {"kg": float("inf")}), "/sessions/0/blocks/0/load/kg", "not a number JSON can hold"),
    ("load-minus-infinity", _set_block("load", {"kg": float("-inf")}), "/sessions/0/blocks/0/load/kg", "not a number JSON can hold"),
    ("load-negative", _set_block("load", {"kg": -1}), "/sessions/0/blocks/0/load/kg", "less than the minimum of 0"),
    ("title-nul", _set(["sessions", 0, "title"], f"Hip{NUL}A"), "/sessions/0/title", "control character (NUL)"),
    ("title-escape-sequence", _set(["sessions", 0, "title"], f"{ESC}[31mred"), "/sessions/0/title", "control character (ESC)"),
    ("title-del", _set(["sessions", 0, "title"], f"a{DEL}"), "/sessions/0/title", "control character (DEL)"),
    ("title-c1-next-line", _set(["sessions", 0, "title"], f"a{NEL}b"), "/sessions/0/title", "control character"),
    ("title-lone-surrogate", _set(["sessions", 0, "title"], "a\ud800b"), "/sessions/0/title", "surrogate"),
    ("notes-nul", _set(["sessions", 0, "notes"], f"x{NUL}"), "/sessions/0/notes", "control character (NUL)"),
    ("how-to-escape", _set(["exercises", 0, "how_to", 0], f"{ESC}]0;pwned{ESC}\\"), "/exercises/0/how_to/0", "control character (ESC)"),
    ("plan-name-newline", _set(["name"], "Hip\nstrength"), "/name", "must be one line"),
    ("plan-name-carriage-return", _set(["name"], "Hip\rstrength"), "/name", "must be one line"),
    ("plan-name-line-separator", _set(["name"], "Hip\u2028strength"), "/name", "must be one line"),
    ("key-with-newline", _rename_key(["sessions", 0], "title", "title\n"), "/sessions/0/title\\n", "the key holds a line break"),  # escaped: one line
    ("zone-trailing-newline", _set(["athlete", "time_zone"], "Europe/Berlin\n"), "/athlete/time_zone", ID_FORM),
    ("zone-localtime", _set(["athlete", "time_zone"], "localtime"), "/athlete/time_zone", "unknown time zone \"localtime\""),  # the machine's zone, whatever it is
    ("zone-posixrules", _set(["athlete", "time_zone"], "posixrules"), "/athlete/time_zone", "unknown time zone"),
    ("zone-posix-prefix", _set(["athlete", "time_zone"], "posix/Europe/Berlin"), "/athlete/time_zone", "unknown time zone"),
    ("tempo-trailing-newline", _set_block("tempo", "3-1-1\n"), "/sessions/0/blocks/0/tempo", ID_FORM),
    ("fit-category-newline", _set(["exercises", 0, "fit", "category"], "hip_raise\n"), "/exercises/0/fit/category", ID_FORM),
    ("schema-ref-nul", _set(["$schema"], f"x{NUL}"), "/$schema", "control character (NUL)"),
    ("session-file-names-clash", _file_name_clash, "/sessions/1/id", "gives the same file name (2026-12-07-hip-strength-a) as /sessions/0/id"),
    ("deep-notes", _set(["sessions", 0, "notes"], [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]), "/sessions/0/notes" + "/0" * 28, "nested deeper than 32 levels"),
]


@pytest.mark.parametrize("case,mutate,pointer,words", PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
def test_bad_plan_is_refused(tmp_path, plan_data, case, mutate, pointer, words):
    mutate(plan_data)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_data), "utf-8")  # ASCII escapes: a lone surrogate is written as \\ud800
    out = tmp_path / "out"
    out.mkdir()
    refused("export", plan_file, "--to", "json,ics,fit,csv", "--out", out, source=str(plan_file), pointer=pointer, words=words)
    # validate says the same: a document is refused by both or by neither.
    refused("validate", plan_file, source=str(plan_file), pointer=pointer, words=words)


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
        (["-o", "json.colour=red"], "json options: /colour: unknown property"),
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
    assert result.code == 2 and f"{path}: /hello: unknown property" in result.err


# --- documents as text: what the parser must bound or refuse ----------------------------


def _alias_bomb(levels: int = 9, fanout: int = 9) -> str:
    lines = [f"a0: &a0 [{', '.join(['x'] * fanout)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fanout)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _deep_yaml_mapping(levels: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(levels)) + f"{'  ' * levels}x\n"


def _deep_via_aliases() -> str:
    # Each anchor nests 20 levels; an alias inside the second puts the first 20 levels deeper.
    inner = "[" * 20 + "1" + "]" * 20
    return f"a: &a {inner}\nb: {'[' * 20}*a{']' * 20}\n"


SAMPLE_TEXT = SAMPLE_PLAN.read_text("utf-8")
DOCUMENT_CASES = [
    # (case id, file name, bytes, words the line must hold)
    ("yaml-duplicate-key", "plan.yaml", b"id: a\nname: x\nid: b\n", "line 3, column 1: duplicate key 'id'"),
    ("yaml-duplicate-nested-key", "plan.yaml", b"athlete:\n  id: a\n  id: b\n", "line 3, column 3: duplicate key 'id'"),
    ("yaml-binary-tag", "plan.yaml", b"id: !!binary aGVsbG8=\n", "the tag !!binary is not read"),
    ("yaml-set-tag", "plan.yaml", b"id: !!set {a, b}\n", "the tag !!set is not read"),
    ("yaml-omap-tag", "plan.yaml", b"id: !!omap [a: 1]\n", "the tag !!omap is not read"),
    ("yaml-timestamp-tag", "plan.yaml", b"created: !!timestamp 2026-12-07\n", "the tag !!timestamp is not read"),
    ("yaml-python-tag", "plan.yaml", b"id: !!python/object/apply:os.system ['true']\n", "the tag !!python/object/apply:os.system is not read"),
    ("yaml-local-tag", "plan.yaml", b"id: !custom x\n", "the tag !custom is not read"),
    ("yaml-float-tag-on-text", "plan.yaml", b"revision: !!float abc\n", "is not a number"),
    ("yaml-int-tag-on-text", "plan.yaml", b"revision: !!int abc\n", "is not an integer"),
    ("yaml-bool-tag-on-text", "plan.yaml", b"revision: !!bool maybe\n", "is not true or false"),
    ("yaml-integer-key", "plan.yaml", b"1: x\n", "a key must be text, not '1'"),
    ("yaml-boolean-key", "plan.yaml", b"true: x\n", "a key must be text, not 'true'"),
    ("yaml-null-key", "plan.yaml", b"~: x\n", "a key must be text"),
    ("yaml-list-key", "plan.yaml", b"? [a, b]\n: x\n", "a key must be text, not a list or mapping"),
    ("yaml-alias-bomb", "plan.yaml", _alias_bomb().encode(), "YAML aliases expand this document"),
    ("yaml-alias-cycle", "plan.yaml", b"a: &a [*a]\n", "an alias refers to a value that contains it"),
    ("yaml-deep-flow", "plan.yaml", b"[" * 100_000, "nested deeper than 32 levels"),
    ("yaml-deep-block", "plan.yaml", _deep_yaml_mapping(40).encode(), "nested deeper than 32 levels"),
    ("yaml-deep-through-aliases", "plan.yaml", _deep_via_aliases().encode(), "nested deeper than 32 levels once its aliases are followed"),
    ("yaml-nan", "plan.yaml", b"sessions: [{blocks: [{load: {kg: .nan}}]}]\n", "/sessions/0/blocks/0/load/kg: NaN is not a number JSON can hold"),
    ("yaml-infinity", "plan.yaml", b"revision: .inf\n", "/revision: an infinite number is not a number JSON can hold"),
    ("yaml-two-documents", "plan.yaml", b"id: a\n---\nid: b\n", "expected a single document in the stream but found another document"),
    ("yaml-huge-integer", "plan.yaml", b"revision: " + b"1" * 5000 + b"\n", "is not an integer planport can read"),
    ("yaml-too-large", "plan.yaml", b"# " + b"x" * (2 * 1024 * 1024) + b"\n", "a YAML document larger than 2 MiB is not read"),
    ("yaml-tab-indent", "plan.yaml", b"a:\n\tb: 1\n", "invalid YAML"),
    ("json-deep", "plan.json", b"[" * 100_000, "nested deeper than 32 levels"),
    ("json-deep-33", "plan.json", b"[" * 33 + b"1" + b"]" * 33, "nested deeper than 32 levels"),
    ("json-nan", "plan.json", SAMPLE_TEXT.replace('"revision": 1', '"revision": NaN', 1).encode(), "/revision: NaN is not a number JSON can hold"),
    ("json-infinity", "plan.json", SAMPLE_TEXT.replace('"revision": 1', '"revision": -Infinity', 1).encode(), "/revision: an infinite number"),
    ("json-overflowing-float", "plan.json", SAMPLE_TEXT.replace('"revision": 1', '"revision": 1e999', 1).encode(), "/revision: an infinite number"),
    ("json-duplicate-nested-key", "plan.json", b'{"athlete": {"id": "a", "id": "b"}}', "duplicate key 'id'"),
    ("json-huge-integer", "plan.json", b'{"revision": ' + b"1" * 5000 + b"}", "invalid JSON"),
    ("json-lone-surrogate-key", "plan.json", b'{"\\ud800": 1}', "the key holds half of a UTF-16 surrogate pair"),
    ("json-trailing-garbage", "plan.json", b'{"id": "a"} x', "invalid JSON: Extra data"),
    ("json-nul-escape-in-id", "plan.json", SAMPLE_TEXT.replace('"id": "hip-2-weeks"', '"id": "hip\\u0000"', 1).encode(), "/id: "),
    ("empty", "plan.json", b"", "the document is empty"),
    ("only-a-byte-order-mark", "plan.yaml", b"\xef\xbb\xbf", "the document is empty"),
    ("not-utf8", "plan.json", b'{"name": "\xff\xfe"}', "not UTF-8 text"),
    ("utf32", "plan.json", "{}".encode("utf-32"), "UTF-32 text is not read"),
    ("utf16-without-mark", "plan.json", SAMPLE_TEXT.encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    ("utf16-cut-short", "plan.json", "{}".encode("utf-16") + b"\x00", "not UTF-16 text"),
    ("binary", "plan.fit", bytes(range(256)) * 4, "UTF-16 text without a byte-order mark, or binary data"),
    ("a-scalar", "plan.yaml", b"just text\n", "expected an object, got a string"),
]


@pytest.mark.parametrize("case,name,data,words", DOCUMENT_CASES, ids=[c[0] for c in DOCUMENT_CASES])
def test_bad_document_text_is_refused(tmp_path, case, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    out.mkdir()
    refused("export", path, "--to", "json,ics", "--out", out, source=str(path), words=words)
    refused("validate", "--as", "plan", path, source=str(path), words=words)


def test_stdin_is_refused_the_same(tmp_path):
    refused("validate", "--as", "plan", "-", stdin=_alias_bomb().encode(), source="<stdin>", words="YAML aliases expand")
    refused("export", "-", "--to", "json", "--out", tmp_path / "out", stdin=b"[" * 10_000, out=tmp_path / "out", source="<stdin>", words="nested deeper")


def test_larger_than_the_input_limit(tmp_path):
    from planport.core.inputs import MAX_INPUT_BYTES

    path = tmp_path / "plan.json"
    with open(path, "wb") as f:
        f.truncate(MAX_INPUT_BYTES + 1)  # sparse: cheap to make
    refused("validate", path, source=str(path), words="larger than 32 MiB")


@pytest.mark.parametrize("what", ["folder", "missing"])
def test_unreadable_paths(tmp_path, what):
    path = tmp_path / "plans"
    if what == "folder":
        path.mkdir()
    refused("validate", path, source=str(path), words="cannot read")


# --- exporter options: the same gate as documents -----------------------------------------

OPTION_CASES = [
    # (case id, formats, option, source, pointer, words)
    ("fit-from-feb-30", "fit", "fit.from=2026-02-30", "fit options", "/from", "2026-02-30 is not a real date"),
    ("fit-to-month-13", "fit", "fit.to=2026-13-01", "fit options", "/to", "2026-13-01 is not a real date"),
    ("fit-from-one-digit-month", "fit", "fit.from=2026-2-01", "fit options", "/from", ID_FORM),
    ("fit-from-year-9999", "fit", "fit.from=9999-01-01", "fit options", "/from", "2000-01-01 to 2100-12-31"),
    ("fit-from-1999", "fit", "fit.from=1999-12-31", "fit options", "/from", "2000-01-01 to 2100-12-31"),
    ("fit-from-newline", "fit", "fit.from=2026-12-07\n", "fit options", "/from", "must be one line"),
    ("ics-url-crlf", "ics", "ics.url=https://example.org/\r\nX-EVIL:1", "ics options", "/url", "must be one line"),
    ("ics-url-not-http", "ics", "ics.url=javascript:alert(1)", "ics options", "/url", ID_FORM),
    ("ics-calendar-name-newline", "ics", "ics.calendar_name=Hip\nwork", "ics options", "/calendar_name", "must be one line"),
    ("ics-calendar-name-nul", "ics", "ics.calendar_name=Hip\x01work", "ics options", "/calendar_name", "control character"),
    ("ics-calendar-name-empty", "ics", "ics.calendar_name=", "ics options", "/calendar_name", "must not be empty"),
    ("ics-location-escape", "ics", "ics.location=\x1b[2J", "ics options", "/location", "control character (ESC)"),
    ("ics-location-separator", "ics", "ics.location=a\u2029b", "ics options", "/location", "must be one line"),
    ("ics-alarm-nan", "ics", "ics.alarm_minutes=nan", "ics options", "/alarm_minutes", "expected an integer, got a string"),
    ("ics-alarm-overflow", "ics", "ics.alarm_minutes=1e999", "ics options", "/alarm_minutes", "expected an integer"),
    ("ics-alarm-other-digits", "ics", "ics.alarm_minutes=\u0663\u0660", "ics options", "/alarm_minutes", "expected an integer"),
    ("ics-alarm-underscore", "ics", "ics.alarm_minutes=1_0", "ics options", "/alarm_minutes", "expected an integer"),
    ("ics-alarm-fraction", "ics", "ics.alarm_minutes=2.5", "ics options", "/alarm_minutes", "expected an integer"),
    ("ics-alarm-negative", "ics", "ics.alarm_minutes=-5", "ics options", "/alarm_minutes", "less than the minimum of 0"),
    ("ics-alarm-huge", "ics", "ics.alarm_minutes=99999999999999999999", "ics options", "/alarm_minutes", "expected an integer"),
    ("ics-alarm-empty", "ics", "ics.alarm_minutes=", "ics options", "/alarm_minutes", "expected an integer"),
    ("ics-all-day-maybe", "ics", "ics.all_day=maybe", "ics options", "/all_day", "expected a boolean"),
    ("ics-files-both", "ics", "ics.files=both", "ics options", "/files", "is not one of"),
    ("csv-delimiter-tab-character", "csv", "csv.delimiter=\t", "csv options", "/delimiter", "is not one of"),
    ("json-indent-fraction", "json", "json.indent=2.5", "json options", "/indent", "expected an integer"),
    ("json-unknown-option", "json", "json.colour=red", "json options", "/colour", "unknown property"),
    ("option-key-upper-case", "json", "json.Indent=2", "-o json.Indent=2", None, "expected EXPORTER.KEY=VALUE"),
    ("option-key-missing", "json", "json.=2", "-o json.=2", None, "expected EXPORTER.KEY=VALUE"),
    ("option-no-equals", "json", "indent", "-o indent", None, "expected EXPORTER.KEY=VALUE"),
    ("option-key-newline", "json", "json.in\ndent=2", "-o json.in\\ndent=2", None, "expected EXPORTER.KEY=VALUE"),
    ("option-other-exporter", "json", "ics.alarm_minutes=5", "-o ics.alarm_minutes=5", None, "not among the formats exported"),
    ("option-needs-prefix", "json,ics", "indent=2", "-o indent=2", None, "say which exporter"),
]


@pytest.mark.parametrize("case,formats,option,source,pointer,words", OPTION_CASES, ids=[c[0] for c in OPTION_CASES])
def test_bad_option_is_refused(tmp_path, case, formats, option, source, pointer, words):
    out = tmp_path / "out"
    out.mkdir()
    refused("export", SAMPLE_PLAN, "--to", formats, "-o", option, "--out", out, out=out, source=source, pointer=pointer, words=words)


@pytest.mark.parametrize("to,words", [
    ("nope", "--to: unknown format 'nope'"), ("ICS", "unknown format 'ICS'"), (",", "no format given"), ("", "no format given"),
    ("ics,,nope", "unknown format 'nope'"), ("i\ncs", "unknown format 'i\\ncs'"),
], ids=["unknown", "upper-case", "comma", "empty", "one-unknown", "newline"])
def test_bad_format_list(tmp_path, to, words):
    out = tmp_path / "out"
    out.mkdir()
    refused("export", SAMPLE_PLAN, "--to", to, "--out", out, out=out, words=words)


@pytest.mark.parametrize("deliver,words", [("garmin", "expected TARGET=DESTINATION"), ("nowhere=/tmp", "unknown delivery target 'nowhere'"), ("garmin=", "expected TARGET=DESTINATION")])
def test_bad_delivery_target(tmp_path, deliver, words):
    out = tmp_path / "out"
    out.mkdir()
    refused("export", SAMPLE_PLAN, "--to", "fit", "--deliver", deliver, "--out", out, out=out, words=words)


# --- dates on the command line -------------------------------------------------------------

NEW_RUNNER = SAMPLES / "athletes" / "new-runner.yaml"


@pytest.mark.parametrize("created,words", [
    ("2026-02-30T00:00:00Z", "2026-02-30T00:00:00Z is not a real date and time"),
    ("0001-01-01T00:00:00Z", "2000-01-01T00:00:00Z to 2100-12-31T23:59:59Z"),
    ("9999-12-31T23:59:59Z", "2000-01-01T00:00:00Z to 2100-12-31T23:59:59Z"),
    ("2026-12-07T00:00:00Z\n", ID_FORM),
    ("2026-12-07", ID_FORM),
    ("2026-12-07T00:00:00+01:00", ID_FORM),
], ids=["feb-30", "year-1", "year-9999", "newline", "date-only", "offset"])
def test_bad_created_on_the_command_line(tmp_path, created, words):
    out = tmp_path / "out"
    out.mkdir()
    refused("build", NEW_RUNNER, "--created", created, "--to", "ics,fit", "--out", out, "--plan-file", out / "plan.json", out=out, source="--created", words=words)


def test_build_checks_options_before_writing_the_plan_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    refused("build", NEW_RUNNER, "--to", "ics", "-o", "ics.alarm_minutes=-1", "--plan-file", out / "plan.json", "--out", out, out=out, source="ics options", pointer="/alarm_minutes")


# --- the output folder -------------------------------------------------------------------


def test_out_is_a_file(tmp_path):
    out = tmp_path / "out"
    out.write_text("a file")
    refused("export", SAMPLE_PLAN, "--to", "json", "--out", out, source=str(out), words="is a file, not a folder")
    assert out.read_text() == "a file"


def test_out_is_under_a_file(tmp_path):
    (tmp_path / "file").write_text("a file")
    out = tmp_path / "file" / "out"
    refused("export", SAMPLE_PLAN, "--to", "json", "--out", out, source=str(out), words=f"is under {tmp_path / 'file'}, which is a file")


def test_out_name_too_long(tmp_path):
    out = tmp_path / ("x" * 300)
    refused("export", SAMPLE_PLAN, "--to", "json", "--out", out, source=str(out), words="File name too long")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way(tmp_path):
    out = tmp_path / "out"
    (out / "hip-2-weeks.json").mkdir(parents=True)
    refused("export", SAMPLE_PLAN, "--to", "ics,json", "--out", out, source=str(out / "hip-2-weeks.json"), words="a folder is in the way")
    assert sorted(p.name for p in out.iterdir()) == ["hip-2-weeks.json"], "the calendar is not written either"


def test_a_file_where_a_folder_goes(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "fit").write_text("not a folder")
    refused("export", SAMPLE_PLAN, "--to", "json,fit", "--out", out, words="is a file, where a folder is needed")
    assert sorted(p.name for p in out.iterdir()) == ["fit"]


# --- rosters -------------------------------------------------------------------------------

CLUB = SAMPLES / "rosters" / "club.csv"
HEADER = CLUB.read_text("utf-8").splitlines()[0]
ROW = CLUB.read_text("utf-8").splitlines()[1]
ROSTER_CASES = [
    # (case id, file name, bytes, words)
    ("csv-header-only", "club.csv", (HEADER + "\n").encode(), "the roster has a header but no athletes"),
    ("csv-empty", "club.csv", b"", "the roster is empty"),
    ("csv-latin-1", "club.csv", (HEADER + "\n").encode() + ROW.replace(",", ",M\xfcller ", 1).encode("latin-1") + b"\n", "line 2: not UTF-8 text"),
    ("csv-utf16-without-mark", "club.csv", (HEADER + "\n" + ROW + "\n").encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
    ("csv-utf32", "club.csv", (HEADER + "\n" + ROW + "\n").encode("utf-32"), "UTF-32 text is not read"),
    ("csv-unknown-column", "club.csv", (HEADER + ",colour\n" + ROW + ",red\n").encode(), "unknown columns 'colour'"),
    ("csv-missing-column", "club.csv", (b"id,name\na,b\n"), "missing columns"),
    ("csv-header-with-nul", "club.csv", (HEADER.replace("id", "i\x00d", 1) + "\n" + ROW + "\n").encode(), "or binary data"),
    ("yaml-empty-list", "club.yaml", b"[]\n", "the document: must not be empty"),
    ("yaml-no-athletes", "club.yaml", b"schema_version: 1\nathletes: []\n", "/athletes: must not be empty"),
    ("yaml-not-a-list", "club.yaml", b"schema_version: 1\nathletes: 3\n", "/athletes: expected an array"),
    ("yaml-alias-bomb", "club.yaml", _alias_bomb().encode(), "YAML aliases expand"),
    ("yaml-name-nul", "club.yaml", b"schema_version: 1\nname: \"a\\0\"\nathletes: [{}]\n", "/name: holds a control character (NUL)"),
    ("json-duplicate-key", "club.json", b'{"schema_version": 1, "athletes": [], "athletes": []}', "duplicate key 'athletes'"),
]


@pytest.mark.parametrize("case,name,data,words", ROSTER_CASES, ids=[c[0] for c in ROSTER_CASES])
def test_bad_roster_is_refused(tmp_path, case, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    refused("batch", path, "--to", "ics", "--out", out, "--jobs", "1", source=str(path), words=words)
    assert not out.exists(), "a refused roster leaves no output folder, journal or errors file"
    refused("validate", "--as", "roster", path, source=str(path), words=words)


@pytest.mark.parametrize("data,words", [(b"", "the document is empty"), ((HEADER + "\n").encode(), "the roster has a header but no athletes"),
                                        (b"[]", "the document: must not be empty")], ids=["empty", "csv-header-only", "yaml-empty"])
def test_bad_roster_on_standard_input(tmp_path, data, words):
    out = tmp_path / "out"
    refused("batch", "-", "--to", "ics", "--out", out, "--jobs", "1", stdin=data, source="<stdin>", words=words)
    assert not out.exists()


def test_batch_out_is_a_file(tmp_path):
    out = tmp_path / "out"
    out.write_text("x")
    refused("batch", CLUB, "--to", "ics", "--out", out, "--jobs", "1", source=str(out), words="is a file, not a folder")


def test_a_file_name_with_a_line_break_is_still_one_line(tmp_path, plan_data):
    plan_data["sessions"][0]["title"] = "a\x00b"
    path = tmp_path / "my\nplan\x1b.json"
    path.write_text(json.dumps(plan_data), "utf-8")
    shown = str(path).replace("\n", "\\n").replace("\x1b", "\\x1b")
    result = refused("validate", path, source=shown, pointer="/sessions/0/title", words="control character (NUL)")
    assert len(result.lines) == 1


def test_a_document_with_too_many_values_is_refused_before_the_schema(tmp_path, plan_data):
    """The schema would check every item of an over-long list (minutes for a 30 MB plan)."""
    plan_data["sessions"] = [0] * 410_000
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_data), "utf-8")
    refused("validate", plan_file, source=str(plan_file), words="holds more than 400,000 values")


YAML_CASES = [c for c in DOCUMENT_CASES if c[1].endswith(".yaml")]


@pytest.mark.parametrize("case,name,data,words", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_without_libyaml_yaml_is_refused_the_same(tmp_path, monkeypatch, case, name, data, words):
    """PyYAML without its C parser (a platform with no wheel): the pure-Python reader."""
    from planport.core import inputs

    monkeypatch.setattr(inputs, "_CLoader", None)
    path = tmp_path / name
    path.write_bytes(data)
    refused("validate", "--as", "plan", path, source=str(path), words=words)


@pytest.mark.parametrize("where", ["sessions", "blocks"])
def test_an_over_long_list_is_refused_without_checking_each_item(tmp_path, plan_data, where):
    if where == "sessions":
        plan_data["sessions"] = plan_data["sessions"] * 700  # 7,000 sessions, under the value cap
        pointer, words = "/sessions", "7,000 items are more than the maximum of 1,200"
    else:
        plan_data["sessions"][0]["blocks"] = plan_data["sessions"][0]["blocks"] * 5_000
        pointer, words = "/sessions/0/blocks", "15,000 items are more than the maximum of 20"
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_data), "utf-8")
    refused("validate", plan_file, source=str(plan_file), pointer=pointer, words=words)


def test_each_problem_is_one_line_at_the_pointer_of_the_bad_value(tmp_path):
    """The key that is wrong, not its object; one line for one mistake."""
    import yaml

    from conftest import SAMPLES

    athlete = yaml.safe_load((SAMPLES / "athletes" / "new-runner.yaml").read_text("utf-8"))
    athlete["runs"] = {"tuesday": "easy", "wed": "easy", "sat": "long"}
    athlete["favourite_colour"] = "blue"
    athlete["start_date"] = "2027-3-14"
    del athlete["level"]
    path = tmp_path / "athlete.json"
    path.write_text(json.dumps(athlete), "utf-8")
    result = refused("build", path, "--to", "ics", "--out", tmp_path / "out", source=str(path))
    assert [line.removeprefix(f"planport: error: {path}: ") for line in result.lines] == [
        "/favourite_colour: unknown property",
        "/level: required, but missing",
        '/runs/tuesday: "tuesday" is not one of "mon", "tue", "wed", "thu", "fri", "sat", "sun"',
        '/start_date: "2027-3-14" is not in the expected form: A real calendar date, YYYY-MM-DD, from 2000-01-01 to 2100-12-31: the range every export format can carry.',
    ]
    path.write_text("[1, 2]", "utf-8")
    assert refused("build", path, source=str(path)).lines == [f"planport: error: {path}: the document: expected an object, got an array"]


def test_a_character_yaml_forbids_is_one_line_with_its_place(tmp_path):
    path = tmp_path / "athlete.yaml"
    path.write_bytes(b"schema_version: 1\nname: \"a\x01b\"\n")
    assert refused("validate", path, source=str(path)).lines == [
        f"planport: error: {path}: line 2, column 9: invalid YAML: unacceptable character #x0001: control characters are not allowed"
    ]


def test_the_place_of_a_forbidden_character_counts_characters_not_bytes(tmp_path):
    path = tmp_path / "athlete.yaml"
    path.write_bytes('name: "Jörg Ääää"\nx: a\x07b\n'.encode())
    (line,) = refused("validate", path, source=str(path)).lines
    assert line == f"planport: error: {path}: line 2, column 5: invalid YAML: unacceptable character #x0007: control characters are not allowed"


def test_validate_says_too_deep_before_guessing_the_kind(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 40 + "]" * 40, "utf-8")
    (line,) = refused("validate", path, source=str(path)).lines
    assert line.endswith(": nested deeper than 32 levels")

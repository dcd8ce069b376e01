"""Batch export: bad rows, determinism across --jobs, interruption and resume."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import PLANPORT, SAMPLES, run_cli

HEADER = "id,name,time_zone,start_date,weeks,level,runs,sessions_per_week,extras,equipment,start_time,start_times,run_minutes,minutes"
GOOD = "{id},Runner {n},{zone},2026-12-07,{weeks},{level},mon:easy;wed:intervals;sat:long,2,activation,,07:00,,45,15-20"
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]


def roster(path: Path, n: int, extra_rows: tuple[str, ...] = (), weeks: int = 4) -> Path:
    rows = [GOOD.format(id=f"athlete-{i:04d}", n=i, zone=ZONES[i % 4], weeks=weeks, level=["new", "returning", "experienced"][i % 3]) for i in range(n)]
    path.write_text("\n".join([HEADER, *rows, *extra_rows]) + "\n", "utf-8")
    return path


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


BAD_ROWS = (
    "bad-zone,Bad Zone,Mars/Olympus,2026-12-07,4,new,mon:easy,2,,,07:00,,45,15-20",
    "bad-day,Bad Day,Europe/Berlin,2026-12-07,4,new,mon:easy;funday:long,2,,,07:00,,45,15-20",
    "twin,Twin One,Europe/Berlin,2026-12-07,4,new,mon:easy,2,,,07:00,,45,15-20",
    "twin,Twin Two,Europe/Berlin,2026-12-07,4,new,tue:easy,2,,,07:00,,45,15-20",
    "../evil,Evil,Europe/Berlin,2026-12-07,4,new,mon:easy,2,,,07:00,,45,15-20",
    'formula,"=HYPERLINK(""http://x"",""y"")",Europe/Berlin,2026-12-07,4,new,mon:easy,2,,,07:00,,45,15-20',
)


def test_good_and_bad_rows(tmp_path):
    path = roster(tmp_path / "club.csv", 3, BAD_ROWS)
    out = tmp_path / "out"
    result = run_cli("batch", path, "--to", "ics,csv", "--out", out, "--jobs", "2")
    assert result.code == 1, result.err
    assert f"built 4 of 9 athletes; 5 failed, see {out / 'errors.csv'}" in result.err
    errors = list(csv.DictReader(io.StringIO((out / "errors.csv").read_text("utf-8"), newline="")))
    by_row = {(e["row"], e["column"]): e for e in errors}
    assert "unknown time zone \"Mars/Olympus\"" in by_row[("5", "time_zone")]["reason"]
    assert "unknown weekday 'funday'" in by_row[("6", "runs")]["reason"]
    assert "duplicate athlete id 'twin'" in by_row[("7", "id")]["reason"] and ("8", "id") in by_row
    assert by_row[("9", "id")]["athlete_id"] == "../evil" and "not in the expected form" in by_row[("9", "id")]["reason"]
    assert not (tmp_path / "evil").exists() and not (out.parent / "evil").exists()
    # The athlete with a formula for a name is fine; the spreadsheet sees text.
    (formula_csv,) = (out / "formula").glob("*.csv")
    row = next(csv.DictReader(io.StringIO(formula_csv.read_text("utf-8"), newline="")))
    assert row["Subject"].startswith("Hip strength")
    plan = json.loads((out / "formula" / "plan.json").read_text())
    assert plan["athlete"]["name"] == '=HYPERLINK("http://x","y")'
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True
    statuses = [(a["row"], a["id"], a["status"]) for a in manifest["athletes"]]
    assert statuses == [(2, "athlete-0000", "ok"), (3, "athlete-0001", "ok"), (4, "athlete-0002", "ok"), (5, "bad-zone", "failed"),
                        (6, "bad-day", "failed"), (7, "twin", "failed"), (8, "twin", "failed"), (9, "../evil", "failed"), (10, "formula", "ok")]
    ok = manifest["athletes"][0]
    assert set(ok["files"]) == {"athlete-0000/plan.json", "athlete-0000/athlete-0000-hip-strength.ics", "athlete-0000/athlete-0000-hip-strength-google.csv"}
    import hashlib

    for name, digest in ok["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert not list(out.rglob(".planport-*")) and not (out / ".manifest.journal.jsonl").exists()


def test_errors_csv_neutralizes_formulas(tmp_path):
    path = roster(tmp_path / "r.csv", 0, ('=cmd,"Bad",Europe/Berlin,2026-12-07,4,new,mon:easy,2,,,07:00,,45,15-20',))
    out = tmp_path / "out"
    assert run_cli("batch", path, "--to", "ics", "--out", out, "-q").code == 1
    (error,) = list(csv.DictReader(io.StringIO((out / "errors.csv").read_text("utf-8"), newline="")))
    assert error["athlete_id"] == "'=cmd"


def test_jobs_do_not_change_a_byte(tmp_path):
    path = roster(tmp_path / "r.csv", 12, BAD_ROWS[:2])
    trees = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert run_cli("batch", path, "--to", "ics,fit,csv", "--out", out, "--jobs", jobs, "-q").code == 1
        trees.append(tree(out))
    assert trees[0] == trees[1]
    assert len([k for k in trees[0] if k.endswith(".fit")]) > 12


def start(args: list, **kw) -> subprocess.Popen:
    return subprocess.Popen([PLANPORT, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def wait_for_journal(out: Path, lines: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    journal = out / ".manifest.journal.jsonl.new"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text().count("\n") >= lines:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("the batch never got going")


@pytest.fixture(scope="module")
def interrupted_roster(tmp_path_factory):
    """A roster and the tree an uninterrupted run makes of it, shared by the interruption tests."""
    where = tmp_path_factory.mktemp("interrupted")
    path = roster(where / "r.csv", 30, BAD_ROWS[:1], weeks=4)
    assert run_cli("batch", path, "--to", "ics,fit,csv", "--out", where / "reference", "--jobs", "2", "-q").code == 1
    return path, where / "reference"


@pytest.mark.parametrize("how", ["kill-9", "ctrl-c"])
def test_interrupted_run_resumes_to_the_same_tree(tmp_path, how, interrupted_roster):
    path, reference = interrupted_roster
    out = tmp_path / "out"
    proc = start(["batch", path, "--to", "ics,fit,csv", "--out", out, "--jobs", "2"])
    wait_for_journal(out, 4, proc)
    proc.send_signal(signal.SIGKILL if how == "kill-9" else signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if how == "ctrl-c":
        assert proc.returncode == 130, err
        assert b"interrupted after" in err and b"--resume" in err
        assert (out / ".manifest.journal.jsonl").exists()
        partial = json.loads((out / "manifest.json").read_text())
        assert partial["complete"] is False and 4 <= len(partial["athletes"]) < 31
        for record in partial["athletes"]:
            if record["status"] == "ok":
                assert all(reference.joinpath(name).exists() for name in record["files"])
    else:
        assert proc.returncode == -signal.SIGKILL
        assert not (out / "manifest.json").exists()
    # What is visible is never half a file: every finished file matches the reference.
    for name, data in tree(out).items():
        if not Path(name).name.startswith(".") and name not in ("errors.csv", "manifest.json"):
            assert reference.joinpath(name).read_bytes() == data, name

    resumed = run_cli("batch", path, "--to", "ics,fit,csv", "--out", out, "--jobs", "2", "--resume")
    assert resumed.code == 1, resumed.err
    assert "reused" in resumed.err
    assert tree(out) == tree(reference)


@pytest.mark.parametrize("resume", [False, True])
def test_a_format_dropped_from_to_leaves_no_old_files(tmp_path, resume):
    path = roster(tmp_path / "r.csv", 3)
    out = tmp_path / "out"
    assert run_cli("batch", path, "--to", "ics,fit,csv", "--out", out, "--jobs", "1", "-q").code == 0
    (out / "athlete-0001" / "my-notes.txt").write_text("mine")  # not planport's: stays
    again = run_cli("batch", path, "--to", "ics", "--out", out, "--jobs", "1", "-q", *(["--resume"] if resume else []))
    assert again.code == 0, again.err
    fresh = tmp_path / "fresh"
    assert run_cli("batch", path, "--to", "ics", "--out", fresh, "--jobs", "1", "-q").code == 0
    listed = {name for a in json.loads((out / "manifest.json").read_text())["athletes"] for name in a["files"]}
    on_disk = {k for k in tree(out) if "/" in k} - {"athlete-0001/my-notes.txt"}
    assert on_disk == listed == {k for k in tree(fresh) if "/" in k}, "the folder holds what the manifest lists"
    assert (out / "athlete-0001" / "my-notes.txt").read_text() == "mine"
    assert not (out / "athlete-0000" / "fit").exists()


def test_old_files_edited_since_or_behind_a_link_are_not_removed(tmp_path):
    path = roster(tmp_path / "r.csv", 2)
    out = tmp_path / "out"
    assert run_cli("batch", path, "--to", "ics,fit,csv", "--out", out, "--jobs", "1", "-q").code == 0
    (edited,) = (out / "athlete-0000").glob("*.csv")
    edited.write_text("the coach's own changes")
    elsewhere = tmp_path / "elsewhere"
    (out / "athlete-0001" / "fit").rename(elsewhere)
    (out / "athlete-0001" / "fit").symlink_to(elsewhere, target_is_directory=True)
    kept = sorted(p.name for p in elsewhere.iterdir())
    assert run_cli("batch", path, "--to", "ics", "--out", out, "--jobs", "1", "-q").code == 0
    assert edited.read_text() == "the coach's own changes", "not the bytes the manifest recorded: not planport's to remove"
    assert sorted(p.name for p in elsewhere.iterdir()) == kept, "nothing is removed through a link out of the folder"


def test_resume_rebuilds_changed_or_damaged_athletes(tmp_path):
    path = roster(tmp_path / "r.csv", 6)
    out = tmp_path / "out"
    assert run_cli("batch", path, "--to", "ics", "--out", out, "-q", "--jobs", "1").code == 0
    reference = tree(out)
    (out / "athlete-0001" / "athlete-0001-hip-strength.ics").write_text("tampered")
    again = run_cli("batch", path, "--to", "ics", "--out", out, "--jobs", "1", "--resume")
    assert again.code == 0 and "built 6 of 6 athletes (5 reused)" in again.err
    assert tree(out) == reference
    changed = run_cli("batch", path, "--to", "ics", "-o", "ics.alarm_minutes=10", "--out", out, "--jobs", "1", "--resume")
    assert changed.code == 0 and "reused" not in changed.err, "new options: nothing is reused"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_rows_are_checked_where_they_are_built_and_reported_alike(tmp_path, jobs):
    """The reading process leaves the athlete schema to the workers: same errors, same rows."""
    from planport.core.roster import read_entries

    path = roster(tmp_path / "club.csv", 2, BAD_ROWS)
    out = tmp_path / "out"
    assert run_cli("batch", path, "--to", "ics", "--out", out, "--jobs", jobs, "-q").code == 1
    errors = list(csv.DictReader(io.StringIO((out / "errors.csv").read_text("utf-8"), newline="")))
    checked = {(str(e.row), column, reason) for e in read_entries(str(path)) for column, reason in e.problems}
    assert checked and checked <= {(e["row"], e["column"], e["reason"]) for e in errors}


def test_resume_reuses_no_row_the_athlete_schema_now_refuses(tmp_path, monkeypatch):
    """A record is reused for an unchanged row only if the row still passes the schema (a newer
    schema may refuse what an older one took)."""
    from planport.core import gate
    from planport.core import roster as roster_module

    path = roster(tmp_path / "r.csv", 4)
    out = tmp_path / "out"
    assert run_cli("batch", path, "--to", "ics", "--out", out, "-q", "--jobs", "1").code == 0
    check = gate.check_document

    def stricter(data, kind, source):
        if kind == "athlete" and data.get("id") == "athlete-0002":
            raise gate.InputError.at("/level", "no longer allowed", source)
        return check(data, kind, source)

    monkeypatch.setattr(roster_module.gate, "check_document", stricter)
    again = run_cli("batch", path, "--to", "ics", "--out", out, "--jobs", "1", "--resume")
    assert again.code == 1 and "built 3 of 4 athletes (3 reused); 1 failed" in again.err, again.err
    assert "row 4, column level: no longer allowed" in again.err


def test_the_summary_counts_the_problems_it_does_not_list(tmp_path):
    bad = tuple(f"bad-{i},Bad {i},Mars/Olympus,2026-12-07,4,new,mon:easy,2,,,07:00,,45,15-20" for i in range(7))
    out = tmp_path / "out"
    result = run_cli("batch", roster(tmp_path / "r.csv", 1, bad), "--to", "ics", "--out", out, "--jobs", "1")
    assert result.code == 1
    listed = [line for line in result.err.splitlines() if line.startswith("  row ")]
    assert len(listed) == 5 and result.err.splitlines()[-1] == f"  ... and 2 more in {out / 'errors.csv'}"


def test_fail_fast(tmp_path):
    path = roster(tmp_path / "r.csv", 2, BAD_ROWS[:1] + tuple(GOOD.format(id=f"later-{i}", n=i, zone="UTC", weeks=4, level="new") for i in range(20)))
    out = tmp_path / "out"
    result = run_cli("batch", path, "--to", "ics", "--out", out, "--jobs", "1", "--fail-fast")
    assert result.code == 1 and "1 failed" in result.err
    assert not (out / "later-5").exists()
    assert "stopped at the first failure (--fail-fast)" in result.err
    manifest = json.loads((out / "manifest.json").read_text())
    assert [a["status"] for a in manifest["athletes"]] == ["ok", "ok", "failed"]
    assert manifest["complete"] is False, "20 athletes were never tried"
    assert [e["athlete_id"] for e in csv.DictReader(io.StringIO((out / "errors.csv").read_text(), newline=""))] == ["bad-zone"]


@pytest.mark.parametrize(
    "content,name,words",
    [
        ("id,name,colour\nx,y,z\n", "r.csv", "unknown columns 'colour'"),
        ("id,name\nx,y\n", "r.csv", "missing columns time_zone, start_date, weeks, level, runs"),
        ("athletes: 3\nschema_version: 1\n", "r.yaml", "/athletes: expected an array, got an integer"),
        ("", "r.yaml", "the document is empty"),
    ],
)
def test_unusable_roster_exits_2(tmp_path, content, name, words):
    path = tmp_path / name
    path.write_text(content)
    out = tmp_path / "out"
    result = run_cli("batch", path, "--to", "ics", "--out", out)
    assert result.code == 2 and words in result.err and "Traceback" not in result.err, result.err
    assert not out.exists() or list(out.iterdir()) == []


def test_yaml_roster_and_sample_roster(tmp_path):
    import yaml

    athletes = [yaml.safe_load((SAMPLES / "athletes" / f"{n}.yaml").read_text()) for n in ("new-runner", "marathoner")]
    for a in athletes:
        a.pop("$schema")
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump({"schema_version": 1, "athletes": athletes}))
    out = tmp_path / "out"
    result = run_cli("batch", path, "--to", "fit", "--out", out, "--jobs", "2")
    assert result.code == 0 and "built 2 of 2 athletes" in result.err, result.err
    built = run_cli("build", SAMPLES / "athletes" / "new-runner.yaml", "--plan-file", tmp_path / "single.json", "-q")
    assert built.code == 0
    assert (out / "new-runner" / "plan.json").read_bytes() == (tmp_path / "single.json").read_bytes()
    club = run_cli("batch", SAMPLES / "rosters" / "club.csv", "--to", "ics,csv", "--out", tmp_path / "club", "-q")
    assert club.code == 0, club.err


def test_progress_lines_when_not_a_terminal():
    from planport.core.batch import Summary
    from planport.core.cli.display import Ticker

    lines: list[str] = []
    ticker = Ticker(100, quiet=False, terminal=False, echo=lines.append, every=0)
    ticker(Summary(total=100, built=40, failed=2))
    assert lines and lines[0].startswith("42 of 100 athletes (") and lines[0].endswith("2 failed")
    quiet: list[str] = []
    Ticker(100, quiet=True, terminal=False, echo=quiet.append, every=0)(Summary(total=100, built=1))
    assert quiet == []


def test_validate_a_roster_given_as_a_list():
    text = ('- {id: a, name: A, time_zone: UTC, start_date: "2026-12-07", weeks: 2, level: new, runs: {mon: easy}}\n'
            '- {id: a, name: B, time_zone: Mars/X, start_date: "2026-12-07", weeks: 2, level: new, runs: {mon: easy}}\n')
    result = run_cli("validate", "-", stdin=text.encode())
    assert result.code == 2
    assert result.err.splitlines() == [
        "planport: error: <stdin>: /0/id: duplicate athlete id 'a'",
        'planport: error: <stdin>: /1/time_zone: unknown time zone "Mars/X"; use an IANA name such as Europe/Berlin',
        "planport: error: <stdin>: /1/id: duplicate athlete id 'a'",
    ]
    ok = run_cli("validate", SAMPLES / "rosters" / "club.csv")
    assert ok.code == 0 and ok.out.strip().endswith("(roster, 10 athletes)")


def test_validate_names_a_yaml_rosters_bad_values_by_json_pointer(tmp_path):
    good = {"id": "ok", "name": "Ok", "time_zone": "UTC", "start_date": "2027-04-05", "weeks": 2, "level": "new", "runs": {"mon": "easy", "sun": "long"}}
    path = tmp_path / "roster.json"
    path.write_text(json.dumps({"schema_version": 1, "athletes": [good, {**good, "id": "bad", "level": "pro"}, good]}), "utf-8")
    result = run_cli("validate", path)
    assert result.code == 2
    assert result.err.splitlines() == [
        f"planport: error: {path}: /athletes/0/id: duplicate athlete id 'ok'",
        f'planport: error: {path}: /athletes/1/level: "pro" is not one of "new", "returning", "experienced"',
        f"planport: error: {path}: /athletes/2/id: duplicate athlete id 'ok'",
    ]
    path.write_text(json.dumps([good, "x"]), "utf-8")
    assert run_cli("validate", path).err.splitlines() == [f"planport: error: {path}: /1: expected an object, got a string"]

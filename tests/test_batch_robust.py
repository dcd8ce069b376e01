"""Batch runs against damaged records and unusual rosters: a resume skips what it cannot
trust (with a warning) and rebuilds those athletes to the same bytes; a roster on standard
input is read once; CSV rosters in UTF-16 are read, others refused clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planport.core.records import JOURNAL, JOURNAL_IN_PROGRESS, MANIFEST

from conftest import SAMPLES, run_cli

CLUB = SAMPLES / "rosters" / "club.csv"
LINES = CLUB.read_text("utf-8").splitlines()


def _short_plan(row: str) -> str:
    cells = row.split(",")
    cells[4] = "2"  # weeks: a short plan keeps the test fast
    return ",".join(cells)


SMALL = "\n".join([LINES[0], *map(_short_plan, LINES[1:4])]) + "\n"  # header and three athletes, two weeks each


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes]]:
    """A small roster and the tree a clean run makes of it."""
    root = tmp_path_factory.mktemp("reference")
    roster = root / "club.csv"
    roster.write_text(SMALL, "utf-8")
    out = root / "out"
    result = run_cli("batch", roster, "--to", "ics", "--out", out, "--jobs", "1", "-q")
    assert result.code == 0, result.err
    return roster, out, tree(out)


def _journal_lines(out: Path) -> list[bytes]:
    """The lines a finished run wrote, as an interrupted run leaves them in its journal."""
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    return [json.dumps(a, sort_keys=True, ensure_ascii=False).encode() for a in manifest["athletes"]]


def _resume(roster: Path, out: Path):
    return run_cli("batch", roster, "--to", "ics", "--out", out, "--jobs", "1", "--resume")


DAMAGE = {
    "binary-line": lambda lines: [lines[0], b"\xff\xfe\x00garbage", *lines[1:]],
    "not-an-object": lambda lines: [b"[1, 2, 3]", b'"ok"', b"null", *lines[1:]],
    "missing-fields": lambda lines: [json.dumps({"status": "ok", "id": "ana-lima"}).encode(), *lines[1:]],
    "id-not-text": lambda lines: [lines[0].replace(b'"id": "ana-lima"', b'"id": 7'), *lines[1:]],
    "file-outside-its-folder": lambda lines: [lines[0].replace(b'"ana-lima/plan.json"', b'"../../etc/passwd"'), *lines[1:]],
    "file-in-another-athletes-folder": lambda lines: [lines[0].replace(b'"ana-lima/plan.json"', b'"ben-okoro/plan.json"'), *lines[1:]],
    "digest-not-hex": lambda lines: [lines[0][: lines[0].index(b'"ana-lima/plan.json": "') + 23] + b"zz" + lines[0][lines[0].index(b'"ana-lima/plan.json": "') + 25:], *lines[1:]],
    "deeply-nested": lambda lines: [b"[" * 100_000, *lines[1:]],
    "cut-short-last-line": lambda lines: [*lines[:-1], lines[-1][:20]],
}


@pytest.mark.parametrize("damage,journal", [*((d, JOURNAL_IN_PROGRESS) for d in sorted(DAMAGE)), ("binary-line", JOURNAL), ("file-outside-its-folder", JOURNAL)])
def test_resume_skips_a_damaged_journal_and_rebuilds_to_the_same_tree(tmp_path, reference, damage, journal):
    roster, clean, expected = reference
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    lines = DAMAGE[damage](_journal_lines(clean))
    (out / MANIFEST).unlink()
    (out / journal).write_bytes(b"\n".join(lines) + (b"" if damage == "cut-short-last-line" else b"\n"))
    result = _resume(roster, out)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err and "unexpected" not in result.err
    if damage == "cut-short-last-line":  # what kill -9 leaves: expected, not worth a warning
        assert "warning" not in result.err
    else:
        assert f"planport: warning: {out / journal}: skipped " in result.err and "those athletes are built again" in result.err, result.err
    assert "built 3 of 3 athletes" in result.err
    assert tree(out) == expected
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize("manifest,words", [
    (b"\xff\xfe not json", "cannot be read"),
    (b"[]", "is not a planport manifest"),
    (b'{"athletes": 3}', "is not a planport manifest"),
    (b"{" * 50_000, "cannot be read"),
    (None, "skipped 1 damaged entry"),
], ids=["binary", "a-list", "athletes-not-a-list", "deep", "one-bad-entry"])
def test_resume_skips_a_damaged_manifest(tmp_path, reference, manifest, words):
    roster, clean, expected = reference
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    if manifest is None:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
        data["athletes"][1]["files"] = {"/etc/passwd": "0" * 64}
        manifest = json.dumps(data).encode()
    (out / MANIFEST).write_bytes(manifest)
    result = _resume(roster, out)
    assert result.code == 0, result.err
    assert f"planport: warning: {out / MANIFEST}: {words}" in result.err, result.err
    assert tree(out) == expected


def test_resume_with_a_folder_where_the_manifest_should_be(tmp_path, reference):
    roster, clean, expected = reference
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    (out / MANIFEST).unlink()
    (out / MANIFEST).mkdir()
    (out / MANIFEST / "x").write_text("y")
    result = _resume(roster, out)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.splitlines()[-1].startswith(f"planport: error: {out / MANIFEST}"), result.err


# --- rosters on standard input, in other encodings -------------------------------------------


def test_a_csv_roster_on_standard_input_is_read_once(tmp_path, reference):
    _, _, expected = reference
    out = tmp_path / "out"
    result = run_cli("batch", "-", "--to", "ics", "--out", out, "--jobs", "1", "-q", stdin=SMALL.encode())
    assert result.code == 0, result.err
    assert tree(out) == expected


def test_a_yaml_roster_on_standard_input(tmp_path):
    import yaml

    athlete = yaml.safe_load((SAMPLES / "athletes" / "new-runner.yaml").read_text("utf-8"))
    athlete.pop("$schema", None)
    out = tmp_path / "out"
    result = run_cli("batch", "-", "--to", "ics", "--out", out, "--jobs", "1", stdin=yaml.safe_dump([athlete]).encode())
    assert result.code == 0 and "built 1 of 1 athletes" in result.err, result.err
    assert (out / "new-runner" / "plan.json").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_csv_roster_with_a_byte_order_mark(tmp_path, reference, encoding):
    _, _, expected = reference
    roster = tmp_path / "club.csv"
    roster.write_bytes(SMALL.encode(encoding))
    assert run_cli("validate", roster).out.strip().endswith("(roster, 3 athletes)")
    out = tmp_path / "out"
    result = run_cli("batch", roster, "--to", "ics", "--out", out, "--jobs", "1", "-q")
    assert result.code == 0, result.err
    assert tree(out) == expected


def test_a_roster_row_with_control_characters_fails_alone(tmp_path):
    rows = SMALL.splitlines()
    rows[2] = rows[2].replace(rows[2].split(",")[1], "Ben\x1b[2J", 1)
    roster = tmp_path / "club.csv"
    roster.write_text("\n".join(rows) + "\n", "utf-8")
    out = tmp_path / "out"
    result = run_cli("batch", roster, "--to", "ics", "--out", out, "--jobs", "1")
    assert result.code == 1 and "built 2 of 3 athletes; 1 failed" in result.err
    assert "row 3, column name: holds a control character (ESC)" in result.err

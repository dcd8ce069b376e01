"""A batch's records: the journal a resumed run trusts, ``manifest.json`` and ``errors.csv``.

The journal gets one JSON line per athlete, in roster order, as soon as that athlete's
files are on disk. A finished run turns it into ``manifest.json`` and commits the streamed
``errors.csv``; an interrupted one leaves the journal for ``--resume`` and writes a partial
manifest (``"complete": false``) for the user. All of it goes through the writer's atomic
primitives.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .gate import control_character_problem
from .plugins import Artifact
from .portable import path_problem
from .roster import where
from .spreadsheet import inert
from .writer import AtomicFile, Journal, UnsafePath, Writer, check_path

MANIFEST = "manifest.json"
ERRORS = "errors.csv"
JOURNAL = ".manifest.journal.jsonl"  # not the writer's temporary prefix: a resume must find it
#: A run in progress writes here; a run killed with -9 leaves it, newer than JOURNAL.
JOURNAL_IN_PROGRESS = JOURNAL + ".new"
MAX_SHOWN = 5  # failures kept for the summary; errors.csv has them all

Record = dict[str, Any]  # {"row", "id", "input", "status": "ok" | "failed", "files" | "errors"}


def manifest_record(record: Record) -> Record:
    """The part of a record the manifest keeps, in a stable form."""
    kept: Record = {k: record[k] for k in ("row", "id", "status", "input", "athlete", "deliveries", "delivery_files") if k in record}
    if record["status"] == "ok":
        kept["files"] = dict(sorted(record["files"].items()))
    else:
        kept["errors"] = [list(e) for e in record["errors"]]
    return kept


def previous_records(out: Path, warn: Callable[[str], None] | None = None) -> dict[str, Record]:
    """Finished athletes of an earlier run: its manifest, or the journals of an interrupted one.

    A run killed with -9 leaves its journal under the in-progress name; it is newer than
    the one an earlier interrupted run left, so it is read last. Damaged data (a file that
    cannot be read, a line that is not a record, a record whose files lie outside its
    athlete's folder) is skipped with a warning: those athletes are built again."""
    say = warn or (lambda message: None)
    records: dict[str, Record] = {}
    journals = [out / JOURNAL, out / JOURNAL_IN_PROGRESS]
    if not any(os.path.lexists(j) for j in journals):
        if os.path.lexists(out / MANIFEST):
            records, damaged = _manifest_records(out / MANIFEST)
            if damaged:
                say(f"{out / MANIFEST}: {damaged}; those athletes are built again")
        return records
    for journal in journals:
        if not os.path.lexists(journal):
            continue
        found, damaged = _journal_records(journal)
        records.update(found)
        if damaged:
            say(f"{journal}: {damaged}; those athletes are built again")
    return records


def _manifest_records(path: Path) -> tuple[dict[str, Record], str]:
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        return {}, f"cannot be read ({_reason(e)})"
    athletes = manifest.get("athletes") if isinstance(manifest, dict) else None
    if not isinstance(athletes, list):
        return {}, "is not a planport manifest"
    records: dict[str, Record] = {}
    bad = 0
    for record in athletes:
        if _reusable(record):
            records[record["id"]] = record
        elif not (isinstance(record, dict) and record.get("status") == "failed"):
            bad += 1
    return records, f"skipped {bad} damaged {'entry' if bad == 1 else 'entries'}" if bad else ""


def _journal_records(path: Path) -> tuple[dict[str, Record], str]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        return {}, f"cannot be read ({_reason(e)})"
    lines = raw.split(b"\n")
    if lines and not raw.endswith(b"\n"):
        lines.pop()  # a line cut short by kill -9: expected, not damage
    records: dict[str, Record] = {}
    bad = 0
    for line in lines:
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            bad += 1
            continue
        if _reusable(record):
            records[record["id"]] = record
        elif not (isinstance(record, dict) and record.get("status") == "failed"):
            bad += 1
    return records, f"skipped {bad} damaged {'line' if bad == 1 else 'lines'}" if bad else ""


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or type(error).__name__


_DIGEST = re.compile(r"[0-9a-f]{64}")


def _reusable(record: Any) -> bool:
    """A record of a finished athlete whose every field a resume relies on is sound: files
    named inside the athlete's own folder, each with a SHA-256 digest."""
    if not isinstance(record, dict) or record.get("status") != "ok":
        return False
    athlete, row, digest, files = record.get("id"), record.get("row"), record.get("input"), record.get("files")
    if not (isinstance(athlete, str) and isinstance(row, int) and not isinstance(row, bool) and isinstance(digest, str) and isinstance(files, dict) and files):
        return False
    if control_character_problem(athlete) or path_problem(athlete):
        return False
    for path, file_digest in files.items():
        if not (isinstance(path, str) and isinstance(file_digest, str) and _DIGEST.fullmatch(file_digest) and path.startswith(f"{athlete}/")):
            return False
        try:
            check_path(path)
        except UnsafePath:
            return False
    # Files a delivery added at the output folder's root (a feed): checked like the others.
    delivered = record.get("delivery_files", {})
    if not isinstance(delivered, dict):
        return False
    for path, file_digest in delivered.items():
        if not (isinstance(path, str) and isinstance(file_digest, str) and _DIGEST.fullmatch(file_digest)):
            return False
        try:
            check_path(path)
        except UnsafePath:
            return False
    return True


class BatchRecords:
    """Writes a run's records as athletes finish; ``finish`` or ``interrupt`` ends it."""

    def __init__(self, out: Path):
        self.out = out
        self.failures: list[str] = []  # the first few, as lines for the summary
        self.problems = 0  # lines in errors.csv
        self._journal = Journal(out / JOURNAL_IN_PROGRESS)
        # Streamed, so memory does not grow with the number of failures.
        self._errors_file = AtomicFile(out / ERRORS, newline="")
        self._errors = csv.writer(self._errors_file.open(), lineterminator="\r\n")
        self._errors.writerow(["row", "athlete_id", "column", "reason"])

    def add(self, record: Record) -> None:
        if record["status"] != "ok":
            for column, reason in record["errors"]:
                self._errors.writerow([record["row"], inert(record["id"] or ""), column, inert(reason)])
                self.problems += 1
                if len(self.failures) < MAX_SHOWN:
                    self.failures.append(f"{where(record['row'], column)}: {reason}")
        self._journal.append(json.dumps(manifest_record(record), ensure_ascii=False, sort_keys=True))

    def finish(self, roster_files: Callable[[Callable[[], Iterator[Record]]], list[Artifact]] | None = None) -> None:
        """The run is complete: the roster-level files (``roster_files`` makes them from the
        records, which it may read more than once), manifest.json and errors.csv in place, the
        journal gone."""
        self._journal.rename(self.out / JOURNAL)
        if roster_files is not None:
            Writer(self.out).write(roster_files(self._records))
        self._write_manifest(complete=True)
        self._errors_file.commit()
        (self.out / JOURNAL).unlink()

    def interrupt(self, keep_errors: bool = False) -> None:
        """The run stopped early: a partial manifest for the user, the journal kept for --resume.

        errors.csv is replaced only when asked (--fail-fast: the failure that stopped the run is
        what the user needs to see); otherwise a resume finds those failures again."""
        self._journal.rename(self.out / JOURNAL)
        self._write_manifest(complete=False)
        if keep_errors:
            self._errors_file.commit()
        else:
            self._errors_file.discard()

    def _records(self) -> Iterator[Record]:
        """The finished run's records in roster order, read from the journal (memory stays flat)."""
        with open(self.out / JOURNAL, encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)

    def _write_manifest(self, complete: bool) -> None:
        """manifest.json from the journal, streamed, in roster order."""
        with open(self.out / JOURNAL, encoding="utf-8") as lines, AtomicFile(self.out / MANIFEST) as manifest:
            manifest.write(f'{{\n  "schema_version": 1,\n  "complete": {json.dumps(complete)},\n  "athletes": [')
            for n, line in enumerate(lines):
                manifest.write(("\n    " if n == 0 else ",\n    ") + line.strip())
            manifest.write("\n  ]\n}\n")

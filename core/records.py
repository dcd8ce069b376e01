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
from pathlib import Path
from typing import Any

from .roster import where
from .spreadsheet import inert
from .writer import AtomicFile, Journal

MANIFEST = "manifest.json"
ERRORS = "errors.csv"
JOURNAL = ".manifest.journal.jsonl"  # not the writer's temporary prefix: a resume must find it
#: A run in progress writes here; a run killed with -9 leaves it, newer than JOURNAL.
JOURNAL_IN_PROGRESS = JOURNAL + ".new"
MAX_SHOWN = 5  # failures kept for the summary; errors.csv has them all

Record = dict[str, Any]  # {"row", "id", "input", "status": "ok" | "failed", "files" | "errors"}


def manifest_record(record: Record) -> Record:
    """The part of a record the manifest keeps, in a stable form."""
    kept: Record = {k: record[k] for k in ("row", "id", "status", "input") if k in record}
    if record["status"] == "ok":
        kept["files"] = dict(sorted(record["files"].items()))
    else:
        kept["errors"] = [list(e) for e in record["errors"]]
    return kept


def previous_records(out: Path) -> dict[str, Record]:
    """Finished athletes of an earlier run: its manifest, or the journals of an interrupted one.

    A run killed with -9 leaves its journal under the in-progress name; it is newer than
    the one an earlier interrupted run left, so it is read last."""
    records: dict[str, Record] = {}
    journals = [out / JOURNAL, out / JOURNAL_IN_PROGRESS]
    if not any(j.exists() for j in journals) and (out / MANIFEST).exists():
        try:
            manifest = json.loads((out / MANIFEST).read_text("utf-8"))
            return {r["id"]: r for r in manifest.get("athletes", []) if r.get("status") == "ok"}
        except (json.JSONDecodeError, AttributeError, KeyError, TypeError):
            return {}
    for journal in journals:
        if not journal.exists():
            continue
        for line in journal.read_text("utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by kill -9
            if record.get("status") == "ok":
                records[record["id"]] = record
    return records


class BatchRecords:
    """Writes a run's records as athletes finish; ``finish`` or ``interrupt`` ends it."""

    def __init__(self, out: Path):
        self.out = out
        self.failures: list[str] = []  # the first few, as lines for the summary
        self._journal = Journal(out / JOURNAL_IN_PROGRESS)
        # Streamed, so memory does not grow with the number of failures.
        self._errors_file = AtomicFile(out / ERRORS, newline="")
        self._errors = csv.writer(self._errors_file.open(), lineterminator="\r\n")
        self._errors.writerow(["row", "athlete_id", "column", "reason"])

    def add(self, record: Record) -> None:
        if record["status"] != "ok":
            for column, reason in record["errors"]:
                self._errors.writerow([record["row"], inert(record["id"] or ""), column, inert(reason)])
                if len(self.failures) < MAX_SHOWN:
                    self.failures.append(f"{where(record['row'], column)}: {reason}")
        self._journal.append(json.dumps(manifest_record(record), ensure_ascii=False, sort_keys=True))

    def finish(self) -> None:
        """The run is complete: manifest.json and errors.csv in place, the journal gone."""
        self._journal.rename(self.out / JOURNAL)
        self._write_manifest(complete=True)
        self._errors_file.commit()
        (self.out / JOURNAL).unlink()

    def interrupt(self) -> None:
        """The run stopped early: a partial manifest for the user, the journal kept for --resume.

        errors.csv is not replaced: a resume finds those failures again."""
        self._journal.rename(self.out / JOURNAL)
        self._write_manifest(complete=False)
        self._errors_file.discard()

    def _write_manifest(self, complete: bool) -> None:
        """manifest.json from the journal, streamed, in roster order."""
        with open(self.out / JOURNAL, encoding="utf-8") as lines, AtomicFile(self.out / MANIFEST) as manifest:
            manifest.write(f'{{\n  "schema_version": 1,\n  "complete": {json.dumps(complete)},\n  "athletes": [')
            for n, line in enumerate(lines):
                manifest.write(("\n    " if n == 0 else ",\n    ") + line.strip())
            manifest.write("\n  ]\n}\n")

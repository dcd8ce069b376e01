"""Batch export for a roster: every athlete built and exported in worker processes.

Results come back in roster order whatever ``jobs`` is, so the tree is the same bytes
for any number of workers. Each athlete's files are written atomically by the worker
that made them; a journal line is appended only after they are all on disk. The journal
is what ``--resume`` trusts after Ctrl-C or ``kill -9``; a finished run turns it into
``manifest.json`` and ``errors.csv`` and removes it. Memory stays flat: the roster is read
lazily and at most a few chunks per worker are in flight.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .builder import Template, build_checked, default_template_path, load_template
from .errors import InputError, PlanportError
from .pipeline import prepare, run_exporters
from .plugins import Artifact
from .roster import Entry, column_of, read_entries, scan, where
from .spreadsheet import inert
from .writer import TEMP_PREFIX, Writer

MANIFEST = "manifest.json"
ERRORS = "errors.csv"
JOURNAL = ".manifest.journal.jsonl"  # not TEMP_PREFIX: a resume must find it
CHUNK = 8
MAX_SHOWN = 5  # failures echoed in the summary; errors.csv has them all


@dataclass
class Job:
    roster: str
    formats: list[str]
    options: dict[str, dict]
    out: Path
    template: str | None = None
    jobs: int = 1
    resume: bool = False
    fail_fast: bool = False

    def signature(self, template: Template) -> str:
        """What else an athlete's files depend on: a change here means nothing can be reused."""
        text = json.dumps([self.formats, self.options, template.data, sorted(template.library.items())], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Summary:
    total: int = 0
    built: int = 0
    reused: int = 0
    failed: int = 0
    interrupted: bool = False
    failures: list[str] = field(default_factory=list)


# --- the worker ----------------------------------------------------------------------

_STATE: dict = {}


def _init_worker(job: Job, template_path: str, signature: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    _STATE.update(
        job=job,
        template=load_template(template_path),
        prepared=prepare(job.formats, job.options),
        signature=signature,
        writer=Writer(job.out, grouped=True),
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _work(task: tuple[Entry, bool]) -> dict:
    entry, duplicate = task
    record = {"row": entry.row, "id": entry.id, "input": _input_hash(entry)}
    problems = list(entry.problems)
    if duplicate:
        problems.append(("id", f"duplicate athlete id {entry.id!r}; every row with it is skipped"))
    if problems:
        return {**record, "status": "failed", "errors": problems}
    try:
        plan = build_checked(entry.athlete, _STATE["template"], f"row {entry.row}")
        artifacts = [Artifact("plan.json", plan.dumps(), "application/json"), *run_exporters(plan, _STATE["prepared"])]
        # The writer checks "<id>/<path>" too, so an id can never lead outside the output folder.
        placed = [Artifact(f"{entry.id}/{a.path}", a.data, a.media_type) for a in artifacts]
        _STATE["writer"].write(placed)
    except InputError as e:
        return {**record, "status": "failed", "errors": [(column_of(p.pointer), p.message) for p in e.problems]}
    except PlanportError as e:
        return {**record, "status": "failed", "errors": [("", str(e))]}
    except Exception as e:  # one athlete's bug must not end the batch
        return {**record, "status": "failed", "errors": [("", f"unexpected {type(e).__name__}: {e}")]}
    return {**record, "status": "ok", "files": {a.path: _sha(a.data) for a in placed}}


def _input_hash(entry: Entry) -> str:
    return _sha((entry.digest + _STATE.get("signature", "")).encode())


# --- resume --------------------------------------------------------------------------


def _previous(out: Path) -> dict[str, dict]:
    """Finished athletes from an earlier run: its manifest, or the journals of an interrupted one.

    A run killed with -9 leaves its journal under the ``.new`` name; it is newer than
    the one an earlier interrupted run left, so it is read last."""
    records: dict[str, dict] = {}
    journals = [out / JOURNAL, out / (JOURNAL + ".new")]
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


def _still_good(record: dict, out: Path) -> bool:
    for path, digest in record.get("files", {}).items():
        try:
            if _sha((out / path).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _sweep_temp_files(out: Path) -> None:
    """Remove temporary files a killed run left behind (never visible as results)."""
    for stray in out.rglob(f"{TEMP_PREFIX}*"):
        if stray.is_file():
            stray.unlink()


# --- the run -------------------------------------------------------------------------


def run_batch(job: Job, progress: Callable[[Summary], None] | None = None) -> Summary:
    template_path = str(job.template or default_template_path())
    template = load_template(template_path)
    prepare(job.formats, job.options)  # bad formats or options stop the batch before any work
    signature = job.signature(template)
    total, twice = scan(job.roster)
    job.out.mkdir(parents=True, exist_ok=True)
    previous = _previous(job.out) if job.resume else {}
    _sweep_temp_files(job.out)
    summary = Summary(total=total)
    _STATE["signature"] = signature

    journal_path = job.out / JOURNAL
    fresh_journal = job.out / (JOURNAL + ".new")
    journal = open(fresh_journal, "w", encoding="utf-8")
    errors_path = job.out / f"{TEMP_PREFIX}{ERRORS}"  # streamed: memory must not grow with failures
    errors_file = open(errors_path, "w", encoding="utf-8", newline="")
    errors = csv.writer(errors_file, lineterminator="\r\n")
    errors.writerow(["row", "athlete_id", "column", "reason"])

    def record_of(entry: Entry) -> dict | None:
        old = previous.get(entry.id or "")
        if old and entry.id not in twice and not entry.problems and old.get("input") == _input_hash(entry) and _still_good(old, job.out):
            return old
        return None

    def tasks() -> Iterator[tuple[Entry, bool]]:
        for entry in read_entries(job.roster):
            yield entry, entry.id in twice

    def results() -> Iterator[dict]:
        reused_or_task = ((record_of(e), (e, dup)) for e, dup in tasks())
        if job.jobs <= 1:
            _init_worker(job, template_path, signature)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for old, task in reused_or_task:
                yield old if old else _work(task)
            return
        yield from _parallel(job, template_path, signature, reused_or_task)

    try:
        for record in results():
            reused = record is previous.get(record.get("id") or "")
            if record["status"] == "ok":
                summary.reused += reused
                summary.built += not reused
            else:
                summary.failed += 1
                for column, reason in record["errors"]:
                    errors.writerow([record["row"], inert(record["id"] or ""), column, inert(reason)])
                    if len(summary.failures) < MAX_SHOWN:
                        summary.failures.append(f"{where(record['row'], column)}: {reason}")
            journal.write(json.dumps(_manifest_record(record), ensure_ascii=False, sort_keys=True) + "\n")
            journal.flush()
            if progress:
                progress(summary)
            if job.fail_fast and record["status"] == "failed":
                break
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        journal.close()
        errors_file.close()
    os.replace(fresh_journal, journal_path)
    if summary.interrupted:
        # What finished, for the user; the journal stays for --resume, which finds the failures again.
        errors_path.unlink()
        _write_manifest(job.out, journal_path, complete=False)
        return summary
    _write_manifest(job.out, journal_path, complete=True)
    with open(errors_path, "rb") as f:
        os.fsync(f.fileno())
    os.replace(errors_path, job.out / ERRORS)
    journal_path.unlink()
    return summary


def _manifest_record(record: dict) -> dict:
    kept = {k: record[k] for k in ("row", "id", "status", "input") if k in record}
    if record["status"] == "ok":
        kept["files"] = dict(sorted(record["files"].items()))
    else:
        kept["errors"] = [list(e) for e in record["errors"]]
    return kept


def _write_manifest(out: Path, journal_path: Path, complete: bool) -> None:
    """manifest.json from the journal, streamed, in roster order."""
    tmp = out / f"{TEMP_PREFIX}{MANIFEST}"
    with open(journal_path, encoding="utf-8") as lines, open(tmp, "w", encoding="utf-8") as manifest:
        manifest.write(f'{{\n  "schema_version": 1,\n  "complete": {json.dumps(complete)},\n  "athletes": [')
        for n, line in enumerate(lines):
            manifest.write(("\n    " if n == 0 else ",\n    ") + line.strip())
        manifest.write("\n  ]\n}\n")
        manifest.flush()
        os.fsync(manifest.fileno())
    os.replace(tmp, out / MANIFEST)


def _parallel(job: Job, template_path: str, signature: str, items) -> Iterator[dict]:
    """Ordered results from a pool, with a bounded number of entries between reading and writing."""
    in_flight = threading.BoundedSemaphore(job.jobs * CHUNK * 4)
    order: deque = deque()  # (reused record or None), in roster order

    def feed():
        # Runs in the pool's feeder thread: blocking here bounds memory. Every entry, reused
        # or not, holds a slot until the consumer has passed it on.
        for old, task in items:
            in_flight.acquire()
            order.append(old)
            if old is None:
                yield task

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    pool = context.Pool(job.jobs, initializer=_init_worker, initargs=(job, template_path, signature))
    try:
        for record in pool.imap(_work, feed(), chunksize=CHUNK):
            while order[0] is not None:  # reused entries that come first in the roster
                in_flight.release()
                yield order.popleft()
            order.popleft()
            in_flight.release()
            yield record
        while order:  # the feeder has finished: the rest are reused entries
            in_flight.release()
            yield order.popleft()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


class Ticker:
    """Progress: a bar on a terminal, a plain line every few seconds otherwise."""

    def __init__(self, total: int, quiet: bool, terminal: bool, echo: Callable[[str], None], every: float = 5.0):
        self.total, self.quiet, self.echo, self.every = total, quiet, echo, every
        self.started = time.monotonic()
        self.last = self.started
        self.bar = None
        if not quiet and terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("athletes"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn(), transient=True)
            self.task = self.bar.add_task("batch", total=total, rate="0")
            self.bar.start()

    def __call__(self, summary: Summary) -> None:
        done = summary.built + summary.reused + summary.failed
        now = time.monotonic()
        rate = done / max(now - self.started, 1e-9)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rate=f"{rate:,.0f}")
        elif not self.quiet and now - self.last >= self.every:
            self.last = now
            self.echo(f"{done:,} of {self.total:,} athletes ({rate:,.0f}/s), {summary.failed:,} failed")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()

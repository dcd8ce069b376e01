"""Batch export for a roster: every athlete built and exported, in worker processes.

The run decides what to do for each athlete and in what order; ``records`` writes what
happened; the CLI shows progress. Results come back in roster order whatever ``jobs`` is,
so the tree is the same bytes for any number of workers. Each athlete's files are written
atomically by the worker that made them, before its journal line. Memory stays flat: the
roster is read lazily and only a few chunks per worker are in flight.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue
import signal
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .builder import Template, build_checked, default_template_path, load_template
from .errors import ExportError, InputError, PlanportError, Problem
from .pipeline import Prepared, prepare, reader, reconcile, run_each
from .plugins import Artifact, Plugins, needs_formats
from .records import BatchRecords, Record, previous_records
from .roster import Entry, checked, column_of, open_roster, read_entries, scan
from .writer import Writer, make_folder, sweep_temp_files

#: Athletes a worker process gets at a time.
CHUNK = 4


@dataclass
class BatchJob:
    roster: str
    formats: list[str]
    options: dict[str, dict[str, Any]]
    out: Path
    template: str | None = None
    jobs: int = 1
    resume: bool = False
    fail_fast: bool = False
    engine: str = "processes"  # or "dask"
    scheduler: str | None = None  # a Dask scheduler's address; None starts a local cluster
    #: (target name, destination) for each athlete once their files are written; a destination
    #: may name a profile field in braces, such as "{caldav_url}".
    deliveries: list[tuple[str, str]] = field(default_factory=list)
    #: Options for the delivery targets beyond the formats' (a feed key file, say).
    delivery_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Summary:
    total: int = 0
    built: int = 0
    reused: int = 0
    failed: int = 0
    interrupted: bool = False
    stopped: bool = False  # --fail-fast ended the run before the last athlete
    failures: list[str] = field(default_factory=list)  # the first few, as lines for the user
    problems: int = 0  # all of them (errors.csv)

    @property
    def done(self) -> int:
        return self.built + self.reused + self.failed


@dataclass(frozen=True)
class Task:
    entry: Entry
    duplicate: bool  # the athlete id appears on more than one row


@dataclass
class WorkerSpec:
    """Everything a worker needs, small enough to send to another process or machine."""

    template: Template  # loaded once, so workers need not see the template's files
    formats: list[str]
    options: dict[str, dict[str, Any]]
    out: Path
    signature: str
    plugins: Plugins | None = None  # None: discover in the worker
    deliveries: list[tuple[str, str]] = field(default_factory=list)
    delivery_options: dict[str, Any] = field(default_factory=dict)


def athlete_summary(plan: Any) -> dict[str, Any]:
    """What a roster view needs to know of a built plan, kept in the manifest."""
    sessions = plan.ordered_sessions
    return {
        "name": plan.athlete.name, "time_zone": plan.athlete.time_zone, "plan": plan.id,
        "first": sessions[0].date.isoformat(), "last": sessions[-1].date.isoformat(), "sessions": len(sessions),
    }


def fill_destination(template: str, athlete: dict[str, Any]) -> tuple[str, str | None]:
    """``{caldav_url}`` -> the athlete's value; (destination, the field missing or empty, if any)."""
    import re

    missing: list[str] = []

    def value(match: re.Match[str]) -> str:
        found = athlete.get(match.group(1))
        if not isinstance(found, str) or not found:
            missing.append(match.group(1))
            return ""
        return found

    filled = re.sub(r"\{([a-z_]+)\}", value, template)
    return filled, missing[0] if missing else None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_hash(entry: Entry, signature: str) -> str:
    """What an athlete's files depend on: their roster entry and the job's signature."""
    return _sha((entry.digest + signature).encode())


def job_signature(job: BatchJob, template: Template) -> str:
    """What else every athlete's files depend on: a change here means nothing can be reused."""
    parts: list[Any] = [job.formats, job.options, template.fingerprint]
    if job.deliveries:  # kept out when empty, so a batch without deliveries reuses 0.1's records
        parts.append([job.deliveries, job.delivery_options])
    text = json.dumps(parts, sort_keys=True)
    return _sha(text.encode())


class Worker:
    """Builds, exports and writes one athlete at a time (in whatever process it lives in)."""

    def __init__(self, spec: WorkerSpec):
        plugins = spec.plugins or Plugins.discover()
        self.template = spec.template
        self.prepared = prepare(plugins, spec.formats, spec.options)
        self.writer = Writer(spec.out, grouped=True)
        self.signature = spec.signature
        self.out = spec.out
        targets = plugins.delivery_targets()
        self.deliveries = [(targets[name], destination) for name, destination in spec.deliveries]
        self.delivery_options = {**spec.options, **spec.delivery_options, "output_folder": str(spec.out)}

    def run(self, task: Task) -> Record:
        entry = checked(task.entry)
        record: Record = {"row": entry.row, "id": entry.id, "input": input_hash(entry, self.signature)}
        problems = list(entry.problems)
        if task.duplicate:
            problems.append(("id", f"duplicate athlete id {entry.id!r}; every row with it is skipped"))
        if problems or entry.athlete is None:
            return {**record, "status": "failed", "errors": problems}
        try:
            plan = build_checked(entry.athlete, self.template, f"row {entry.row}")
            made = run_each(plan, self.prepared)
            artifacts = [Artifact("plan.json", plan.dumps(), "application/json"), *reconcile(plan, made, reader(self.out / str(entry.id)))]
            # The writer checks "<id>/<path>" too, so an id can never lead outside the output folder.
            placed = [Artifact(f"{entry.id}/{a.path}", a.data, a.media_type) for a in artifacts]
            self.writer.write(placed)
            record["athlete"] = athlete_summary(plan)
            if self.deliveries:
                record["deliveries"], delivered = self._deliver(entry, plan, artifacts)
                if delivered:
                    record["delivery_files"] = {a.path: _sha(a.data) for a in delivered}
        except InputError as e:
            return {**record, "status": "failed", "errors": [(column_of(p.pointer), p.message) for p in e.problems]}
        except PlanportError as e:
            return {**record, "status": "failed", "errors": [("", str(e))]}
        except OSError as e:  # the writer names the file it could not write
            return {**record, "status": "failed", "errors": [("", f"{e.filename}: {e.strerror}" if e.filename else str(e))]}
        except Exception as e:  # one athlete's bug must not end the batch
            return {**record, "status": "failed", "errors": [("", f"unexpected {type(e).__name__}: {e}")]}
        return {**record, "status": "ok", "files": {a.path: _sha(a.data) for a in placed}}

    def _deliver(self, entry: Entry, plan: Any, artifacts: list[Artifact]) -> tuple[list[dict[str, Any]], list[Artifact]]:
        """Hand one athlete's artifacts to each delivery target; what each did, and the files
        they added at the output folder's root (written here, atomically)."""
        done: list[dict[str, Any]] = []
        files: list[Artifact] = []
        for target, template in self.deliveries:
            destination, missing = fill_destination(template, entry.athlete or {})
            if missing:
                done.append({"target": target.name, "summary": f"skipped: no {missing} in the roster", "items": []})
                continue
            options = {f: self.delivery_options.get(f, {}) for f in target.formats}
            options.update({k: v for k, v in self.delivery_options.items() if not isinstance(v, dict)})
            try:
                report = target.deliver(artifacts, destination, plan=plan, options=options)
            except InputError as e:
                column = template[1:-1] if template.startswith("{") and template.endswith("}") else ""
                raise InputError([Problem("/" + column if column else p.pointer, f"{target.name} delivery: {p.message}", p.source) for p in e.problems]) from None
            except PlanportError as e:
                raise PlanportError(f"{target.name} delivery: {e}") from None
            if report.files:
                taken = {a.path.split("/", 1)[0] for a in report.files} & {entry.id}
                if taken:
                    raise InputError(Problem("/id", f"the athlete id {entry.id!r} is the name of the {target.name} delivery's folder; choose another id"))
                self.writer.write(report.files)
                files += report.files
            done.append({"target": target.name, "summary": report.summary, "items": [list(d) for d in report.delivered]})
        return done, files


# --- executors: who runs the chunks -------------------------------------------------


class Executor(Protocol):
    """Runs chunks of tasks somewhere; results come back by chunk number, in any order.

    ``chunk`` is how many athletes go in one, ``ahead`` how many chunks may be in flight."""

    chunk: int
    ahead: int

    def submit(self, number: int, tasks: list[Task]) -> None: ...

    def collect(self) -> tuple[int, list[Record]]:
        """The next finished chunk, waiting for one."""
        ...

    def close(self, cancel: bool) -> None: ...


class InProcess:
    """Runs each athlete at once, in this process."""

    chunk = 1
    ahead = 1

    def __init__(self, spec: WorkerSpec):
        self.worker = Worker(spec)
        self.done: deque[tuple[int, list[Record]]] = deque()

    def submit(self, number: int, tasks: list[Task]) -> None:
        self.done.append((number, [self.worker.run(t) for t in tasks]))

    def collect(self) -> tuple[int, list[Record]]:
        return self.done.popleft()

    def close(self, cancel: bool) -> None:
        pass


def _serve(spec: WorkerSpec, inbox: Any, outbox: Any, parent: int) -> None:
    """A worker process: its Worker lives in this function's frame, nowhere else."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    try:
        worker = Worker(spec)
    except Exception as e:
        outbox.put((-1, f"{type(e).__name__}: {e}"))
        return
    while True:
        try:
            item = inbox.get(timeout=0.25)
        except queue.Empty:
            if os.getppid() != parent:  # the parent was killed: stop instead of waiting forever,
                outbox.cancel_join_thread()  # and do not wait to flush results nobody will read
                return
            continue
        if item is None:
            return
        number, tasks = item
        outbox.put((number, [worker.run(t) for t in tasks]))


class Processes:
    """Worker processes fed through a queue; each builds its Worker once."""

    def __init__(self, spec: WorkerSpec, jobs: int):
        self.chunk, self.ahead = CHUNK, jobs * 4
        context: Any = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.inbox = context.Queue()
        self.outbox = context.Queue()
        self.procs = [context.Process(target=_serve, args=(spec, self.inbox, self.outbox, os.getpid()), daemon=True) for _ in range(jobs)]
        for proc in self.procs:
            proc.start()

    def submit(self, number: int, tasks: list[Task]) -> None:
        self.inbox.put((number, tasks))

    def collect(self) -> tuple[int, list[Record]]:
        while True:
            try:
                number, result = self.outbox.get(timeout=0.5)
            except queue.Empty:
                dead = [p for p in self.procs if not p.is_alive()]
                if dead:
                    raise ExportError(f"a worker process ended unexpectedly (exit status {dead[0].exitcode})") from None
                continue
            if number < 0:
                raise ExportError(f"a worker process could not start: {result}")
            return number, result

    def close(self, cancel: bool) -> None:
        if cancel:
            for proc in self.procs:
                proc.terminate()
        else:
            for _ in self.procs:
                self.inbox.put(None)
        for proc in self.procs:
            proc.join()
        self.inbox.close()
        self.outbox.close()


# --- the run -------------------------------------------------------------------------


def ordered_results(entries: Iterator[tuple[Entry, Record | None, bool]], executor: Executor) -> Iterator[tuple[Record, bool]]:
    """(record, reused) in roster order: reused records pass straight through, the rest are run in chunks.

    At most ``executor.ahead`` chunks are in flight, so memory does not grow with the roster."""
    chunk, ahead = executor.chunk, executor.ahead
    order: deque[tuple[Record | None, int, int]] = deque()  # (reused record, or chunk number and index)
    done: dict[int, list[Record]] = {}
    building: list[Task] = []
    submitted = 0
    in_flight = 0

    def flush() -> None:
        nonlocal building, submitted, in_flight
        if building:
            executor.submit(submitted, building)
            submitted += 1
            in_flight += 1
            building = []

    def ready(block: bool) -> Iterator[tuple[Record, bool]]:
        nonlocal in_flight
        while order:
            old, number, index = order[0]
            if old is None and number not in done:
                if number == submitted:  # its chunk is still being filled
                    return
                if not block and in_flight < ahead:
                    return
                got, result = executor.collect()
                done[got] = result
                in_flight -= 1
                continue
            order.popleft()
            if old is not None:
                yield old, True
                continue
            yield done[number][index], False
            if index == len(done[number]) - 1:
                del done[number]

    for entry, old, duplicate in entries:
        if old is not None:
            order.append((old, -1, -1))
        else:
            order.append((None, submitted, len(building)))
            building.append(Task(entry, duplicate))
            if len(building) >= chunk:
                flush()
        yield from ready(block=False)
    flush()
    yield from ready(block=True)


def run_batch(job: BatchJob, plugins: Plugins | None = None, progress: Callable[[Summary], None] | None = None, warn: Callable[[str], None] | None = None) -> Summary:
    """Build and export every athlete of ``job.roster``; bad rows are recorded, never fatal.

    ``warn`` is told of damaged records a resume skips."""
    plugins = plugins or Plugins.discover()
    template = load_template(str(job.template or default_template_path()))
    prepared = prepare(plugins, job.formats, job.options)  # bad formats or options stop the batch before any work
    signature = job_signature(job, template)
    roster = open_roster(job.roster)  # standard input is read here, once
    total, twice = scan(roster)
    targets = check_deliveries(plugins, job)  # a target that cannot work stops the batch before the folder is made
    make_folder(job.out)
    # An earlier run's records: reused by --resume, and in any case what tells which of its
    # files a rebuilt athlete no longer has (a format dropped from --to).
    previous = previous_records(job.out, warn if job.resume else None)
    sweep_temp_files(job.out)
    summary = Summary(total=total)
    spec = WorkerSpec(template, job.formats, job.options, job.out, signature, plugins, job.deliveries, job.delivery_options)

    def entries() -> Iterator[tuple[Entry, Record | None, bool]]:
        # Rows are read here and checked against the athlete schema where they are built (the
        # workers): the reading process is the one part of a batch that does not run in parallel.
        for entry in read_entries(roster, check=False):
            old = previous.get(entry.id or "")
            reusable = (
                job.resume and old is not None and entry.id not in twice
                and old.get("input") == input_hash(entry, signature) and _still_good(old, job.out)
            )
            if reusable:  # a record is reused only for a row that is still good
                entry = checked(entry)
                reusable = not entry.problems
            yield entry, old if reusable else None, entry.id in twice

    executor: Executor
    if job.engine == "dask":
        from .dask_engine import DaskExecutor

        executor = DaskExecutor(spec, job.jobs, job.scheduler)
    elif job.jobs <= 1:
        executor = InProcess(spec)
    else:
        executor = Processes(spec, job.jobs)
    records = BatchRecords(job.out)
    cancelled = True
    try:
        for record, reused in ordered_results(entries(), executor):
            if record["status"] == "ok":
                summary.reused += reused
                summary.built += not reused
            else:
                summary.failed += 1
            if not reused and record["status"] == "ok" and (old := previous.get(record["id"] or "")) is not None:
                _remove_stale(job.out, old, record)
            records.add(record)
            if progress:
                progress(summary)
            if job.fail_fast and record["status"] == "failed":
                summary.stopped = summary.done < summary.total
                break
        cancelled = job.fail_fast and summary.failed > 0
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        executor.close(cancel=cancelled)
        summary.failures, summary.problems = records.failures, records.problems
    if summary.interrupted or summary.stopped:  # not complete: no roster files, the journal kept for --resume
        records.interrupt(keep_errors=summary.stopped)
    else:
        records.finish(roster_files(prepared, job, targets))
    return summary


def check_deliveries(plugins: Plugins, job: BatchJob) -> list[Any]:
    """The delivery targets of ``job``, each destination checked where it is the same for every
    athlete; InputError before any work for an unknown target or an unusable destination."""
    available = plugins.delivery_targets()
    found = []
    for name, destination in job.deliveries:
        if name not in available:
            raise InputError.at("", f"unknown delivery target {name!r}; available: {', '.join(sorted(available)) or 'none'}", f"--deliver {name}")
        target = available[name]
        needs_formats(target, job.formats, f"--deliver {name}={destination}")
        check = getattr(target, "check", None)
        if check is not None and "{" not in destination:
            check(destination, {**{f: job.options.get(f, {}) for f in target.formats}, **job.delivery_options})
        found.append(target)
    return found


def roster_files(prepared: list[Prepared], job: BatchJob, targets: list[Any]) -> Callable[[Callable[[], Iterator[Record]]], list[Artifact]] | None:
    """Files for the whole roster from the exporters and targets that make them (an index page, a
    list of feed addresses); None when none does."""
    candidates: list[tuple[Any, dict[str, Any]]] = [(step.registered.exporter, step.options) for step in prepared]
    candidates += [(t, {**{f: job.options.get(f, {}) for f in t.formats}, **job.delivery_options}) for t in targets]
    makers = [(m, options) for m, options in candidates if callable(getattr(m, "roster_artifacts", None))]
    if not makers:
        return None

    def make(records: Callable[[], Iterator[Record]]) -> list[Artifact]:
        return [artifact for maker, options in makers for artifact in maker.roster_artifacts(records(), options)]

    return make


def _recorded_files(record: Record) -> dict[str, str]:
    """Every file a record names, its own and its deliveries', with their digests."""
    return {**record.get("files", {}), **record.get("delivery_files", {})}


def _remove_stale(out: Path, old: Record, new: Record) -> None:
    """Files an earlier run wrote for this athlete that this run did not: gone, so the folder
    holds what manifest.json lists. Only a file that run's record names, still holding the
    bytes it recorded, reached without a link out of the output folder, is removed."""
    keep = _recorded_files(new)
    recorded = _recorded_files(old)
    root = out.resolve()
    for path in sorted(recorded.keys() - keep.keys()):
        target = out / path
        try:
            if target.is_symlink() or not target.parent.resolve().is_relative_to(root) or _sha(target.read_bytes()) != recorded[path]:
                continue  # edited since, or not where it was: not ours to remove
            target.unlink()
        except OSError:
            continue
        folder = target.parent
        while folder.parent != out and folder != out:  # an emptied sub-folder (fit/) goes; the athlete's and feeds/ stay
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def _still_good(record: Record, out: Path) -> bool:
    for path, digest in _recorded_files(record).items():
        try:
            if _sha((out / path).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True

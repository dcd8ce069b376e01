"""The Dask engine for batch: chunks of athletes sent to the workers of a Dask cluster.

A local cluster (``--engine dask``) or a running scheduler (``--scheduler tcp://host:8786``)
that dask-jobqueue, Dask Kubernetes or ``dask scheduler``/``dask worker`` started. Each
worker builds and writes its athletes' files itself, so the output folder must be one file
system that every worker sees; a probe file checks that before any work is sent. Records,
order, ``--resume`` and ``--fail-fast`` are the batch's own: only where chunks run changes.
Dask is an optional extra: ``pip install 'planport[dask]'``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import ExportError, InputError
from .records import Record
from .writer import TEMP_PREFIX

#: Athletes per Dask task: enough work to dwarf the scheduler's per-task cost (about a millisecond).
CHUNK = 16
_CACHE = "_planport_workers"


def run_chunk(spec: Any, number: int, tasks: list[Any]) -> tuple[int, list[Record]]:
    """Runs on a Dask worker: the chunk's records. The Worker (template, exporters) is kept on the
    Dask worker between tasks, keyed by the job's signature, instead of being rebuilt each time."""
    from .batch import Worker

    try:
        from distributed import get_worker

        host: Any = get_worker()
    except (ImportError, ValueError):  # not inside a Dask worker (a synchronous scheduler in a test)
        host = None
    cache: dict[str, Worker] = {} if host is None else host.__dict__.setdefault(_CACHE, {})
    worker = cache.get(spec.signature)
    if worker is None:
        cache.clear()  # one job at a time per worker; a new job's Worker replaces the old one
        worker = cache[spec.signature] = Worker(spec)
    return number, [worker.run(task) for task in tasks]


def _knock(address: str) -> None:
    """Fail at once, not after the client's retries, when nothing listens at a tcp:// address."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    if parts.scheme in ("tcp", "tls") and parts.hostname and parts.port:
        with socket.create_connection((parts.hostname, parts.port), timeout=10):
            pass


def _sees(path: str, token: str) -> bool:
    try:
        with open(path, encoding="ascii") as f:
            return f.read() == token
    except OSError:
        return False


class DaskExecutor:
    """Submits chunks to a Dask cluster; results come back as they finish."""

    def __init__(self, spec: Any, jobs: int, scheduler: str | None):
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise InputError.at("", "the Dask engine needs the dask extra: pip install 'planport[dask]'", "--engine dask") from None
        self.cluster = None
        try:
            if scheduler:
                _knock(scheduler)
                self.client = Client(scheduler, timeout="20s")
            else:
                self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
                self.client = Client(self.cluster)
        except OSError as e:
            raise InputError.at("", f"cannot reach the Dask scheduler: {e}", f"--scheduler {scheduler}" if scheduler else "--engine dask") from None
        workers = len(self.client.scheduler_info().get("workers", {}))
        if workers == 0:
            self.close(cancel=True)
            raise InputError.at("", "the Dask cluster has no workers", f"--scheduler {scheduler}")
        self._check_shared_folder(spec.out)
        self.chunk, self.ahead = CHUNK, workers * 4
        spec.plugins = None  # workers discover their own: plugin objects need not pickle
        [self.spec] = self.client.scatter([spec], broadcast=True)
        self.done = as_completed()
        self.futures: dict[int, Any] = {}

    def _check_shared_folder(self, out: Path) -> None:
        """Every worker must see the output folder: write a probe file here, read it there."""
        token = os.urandom(16).hex()
        probe = Path(out) / f"{TEMP_PREFIX}probe-{token}"
        probe.write_text(token, encoding="ascii")
        try:
            seen = self.client.run(_sees, str(probe.resolve()), token)
        finally:
            probe.unlink()
        blind = sorted(address for address, ok in seen.items() if not ok)
        if blind:
            self.close(cancel=True)
            raise InputError.at(
                "", f"{len(blind)} of {len(seen)} Dask workers cannot see the output folder (first: {blind[0]}); "
                "--engine dask needs --out on a file system shared by every worker", str(out),
            )

    def submit(self, number: int, tasks: list[Any]) -> None:
        future = self.client.submit(run_chunk, self.spec, number, tasks, pure=False)
        self.futures[number] = future
        self.done.add(future)

    def collect(self) -> tuple[int, list[Record]]:
        future = next(self.done)
        try:
            number, records = future.result()
        except Exception as e:
            raise ExportError(f"a Dask task failed: {type(e).__name__}: {e}") from e
        del self.futures[number]
        return number, records

    def close(self, cancel: bool) -> None:
        if cancel and getattr(self, "futures", None):
            self.client.cancel(list(self.futures.values()))
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

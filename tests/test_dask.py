"""Batch on a real Dask cluster (a LocalCluster with two worker processes): the same tree,
records, --resume and --fail-fast as with local processes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from test_batch import BAD_ROWS, roster, tree

from conftest import run_cli

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_makes_the_same_tree_as_local_processes(tmp_path, scheduler):
    path = roster(tmp_path / "r.csv", 20, BAD_ROWS, weeks=2)
    local = run_cli("batch", path, "--to", "ics,fit,csv", "--out", tmp_path / "local", "--jobs", "2", "-q")
    dask = run_cli("batch", path, "--to", "ics,fit,csv", "--out", tmp_path / "dask", "--scheduler", scheduler, "-q")
    assert local.code == dask.code == 1, dask.err
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["complete"] is True and len(manifest["athletes"]) == 26
    errors = list(csv.DictReader(io.StringIO((tmp_path / "dask" / "errors.csv").read_text("utf-8"), newline="")))
    assert {e["athlete_id"] for e in errors} == {"bad-zone", "bad-day", "twin", "../evil"}


def test_fail_fast_then_resume_on_dask(tmp_path, scheduler):
    later = tuple(r.replace("athlete-", "later-") for r in roster(tmp_path / "x.csv", 12, weeks=2).read_text().splitlines()[1:])
    path = roster(tmp_path / "r.csv", 3, BAD_ROWS[:1] + later, weeks=2)
    reference = tmp_path / "reference"
    assert run_cli("batch", path, "--to", "ics,fit", "--out", reference, "--jobs", "1", "-q").code == 1
    out = tmp_path / "out"
    stopped = run_cli("batch", path, "--to", "ics,fit", "--out", out, "--scheduler", scheduler, "--fail-fast")
    assert stopped.code == 1 and "1 failed" in stopped.err
    manifest = json.loads((out / "manifest.json").read_text())
    assert [a["status"] for a in manifest["athletes"]] == ["ok", "ok", "ok", "failed"], "records stop at the failure, in roster order"
    resumed = run_cli("batch", path, "--to", "ics,fit", "--out", out, "--scheduler", scheduler, "--resume")
    assert resumed.code == 1 and "(3 reused)" in resumed.err, resumed.err
    assert tree(out) == tree(reference)


def test_an_output_folder_the_workers_cannot_see_is_refused(tmp_path):
    from planport.core.dask_engine import DaskExecutor

    class Client:  # a cluster whose second worker mounts another file system
        def run(self, check, path, token):
            return {"tcp://a:1": check(path, token), "tcp://b:2": False}

    executor = DaskExecutor.__new__(DaskExecutor)
    executor.client, executor.cluster, executor.futures = Client(), None, {}
    executor.close = lambda cancel: None
    from planport import InputError

    with pytest.raises(InputError, match="1 of 2 Dask workers cannot see the output folder \\(first: tcp://b:2\\)"):
        executor._check_shared_folder(tmp_path)
    assert list(tmp_path.iterdir()) == [], "the probe file is removed"


def test_unreachable_scheduler_is_one_line(tmp_path):
    path = roster(tmp_path / "r.csv", 2)
    result = run_cli("batch", path, "--to", "ics", "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9")
    assert result.code == 2 and result.err.startswith("planport: error: --scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler")
    assert result.err.count("\n") == 1

"""Shared fixtures: the real CLI run in-process, sample documents, a scratch plan.

``run_cli`` drives the same ``planport.core.cli.run`` the console script calls, with
standard input, output and error captured by click's test runner: the real commands,
without a process start each. ``run_script`` starts the installed console script, for
the few tests about a process (signals, exit statuses, entry points found on disk)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from planport import Plugins

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_PLAN = SAMPLES / "plans" / "hip-2-weeks.json"
LIBRARY = SAMPLES / "library" / "hip-runners.yaml"
PLANPORT = str(Path(sys.executable).with_name("planport"))


@dataclass
class Run:
    code: int
    out: str
    err: str
    stdout_bytes: bytes


_INSTALLED: Plugins | None = None


def installed_plugins() -> Plugins:
    """What is installed, discovered once per test session (discovery reads every distribution)."""
    global _INSTALLED
    if _INSTALLED is None:
        _INSTALLED = Plugins.discover()
    return _INSTALLED


def run_cli(*args: object, stdin: bytes | None = None, env: dict[str, str] | None = None, plugins: Plugins | None = None) -> Run:
    """``planport ARGS`` in this process, as a user would type it; exit status and captured streams."""
    from planport.core.cli import run

    runner = CliRunner()
    with runner.isolation(input=stdin, env=env) as (out, err, _):
        code = run([str(a) for a in args], plugins or installed_plugins())
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return Run(int(code), stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"), stdout)


def run_script(*args: object, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Run:
    """The installed ``planport`` console script in a new process."""
    proc = subprocess.run([PLANPORT, *map(str, args)], input=stdin, capture_output=True, env={**os.environ, **(env or {})}, timeout=120)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"), proc.stdout)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def sample_plan_data() -> dict:
    return json.loads(SAMPLE_PLAN.read_text("utf-8"))


@pytest.fixture
def plan_data(sample_plan_data) -> dict:
    """A fresh, mutable copy of the sample plan document."""
    return copy.deepcopy(sample_plan_data)


@pytest.fixture
def sample_plan(sample_plan_data):
    from planport import plan_from_dict

    return plan_from_dict(copy.deepcopy(sample_plan_data))


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def plan_with_sessions(plan_data: dict, zone: str, slots: list[tuple[str, str]], minutes: int = 20) -> dict:
    """The sample plan moved to ``zone`` with one session per (date, HH:MM) slot."""
    template = plan_data["sessions"][0]
    plan_data["athlete"]["time_zone"] = zone
    plan_data["sessions"] = [
        {**copy.deepcopy(template), "id": f"s{i}", "date": date, "start_time": time, "minutes": minutes}
        for i, (date, time) in enumerate(slots)
    ]
    return plan_data


def library_plan(plan_data) -> dict:
    """A plan with one session per library exercise."""
    import yaml

    library = yaml.safe_load(LIBRARY.read_text("utf-8"))
    # The plan embeds exercises without the library's own planning fields (dose, progressions).
    plan_data["exercises"] = [{k: v for k, v in e.items() if k not in ("dose", "progressions")} for e in library["exercises"]]
    plan_data["sessions"] = [
        {"id": f"x-{e['id']}", "date": "2026-12-07", "start_time": "07:00", "title": e["name"], "kind": "strength", "minutes": 10,
         "blocks": [{"exercise": e["id"], "sets": 2, "reps": 10, "rest_seconds": 30}]}
        for e in library["exercises"]
    ]
    return plan_data


def export_artifacts(plan_data: dict, fmt: str, options: dict | None = None):
    import planport

    return planport.export(planport.plan_from_dict(copy.deepcopy(plan_data)), [fmt], {fmt: options or {}}, installed_plugins())


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A real Radicale CalDAV server with htpasswd auth on a free loopback port, for the session."""
    from radicale_server import Radicale

    server = Radicale(tmp_path_factory.mktemp("radicale"))
    server.start()
    yield server
    server.stop()

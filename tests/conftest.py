"""Shared fixtures: the real CLI in a subprocess, sample documents, a scratch plan."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None, cwd: str | Path | None = None) -> Run:
    """Run the installed ``planport`` console script, as a user would."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([PLANPORT, *map(str, args)], input=stdin, capture_output=True, env=full_env, cwd=cwd, timeout=120)
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
    from planport.core.gate import plan_from_data

    return plan_from_data(copy.deepcopy(sample_plan_data))


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


def export_artifacts(plan_data: dict, fmt: str, options: dict | None = None):
    from planport.core.gate import plan_from_data
    from planport.core.pipeline import export_plan

    return export_plan(plan_from_data(copy.deepcopy(plan_data)), [fmt], {fmt: options or {}})

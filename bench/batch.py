"""Batch benchmark (not a test): prints throughput, speed-up, overhead ratio and peak memory.

    python bench/batch.py [--n 500] [--repeat 3] [--memory 1000,20000]

1. athletes per second with --jobs 1 and with every core, and the speed-up;
2. the overhead ratio: the batch's wall time (--jobs 1) over the time of the bare library
   calls that make the same bytes (icalendar, the FIT Encoder, the csv writer, json) for
   the same plans; the bytes are compared, so the baseline does the very same work;
3. peak resident memory of the whole process tree for each roster size in --memory.

Figures are medians of --repeat runs, all measured in this one run of the script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import roster

PLANPORT = str(Path(sys.executable).with_name("planport"))
FORMATS = "ics,fit,csv"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "?")
    return f"{cpu}; {os.cpu_count()} CPUs; {int(memory) // 1024 // 1024} GiB; Python {platform.python_version()}; {platform.platform()}"


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_batch(roster_path: Path, out: Path, jobs: int, sample_memory: bool = False) -> tuple[float, int]:
    args = [PLANPORT, "batch", str(roster_path), "--to", FORMATS, "--out", str(out), "--jobs", str(jobs), "--quiet"]
    started = time.perf_counter()
    proc = subprocess.Popen(args)
    peak = 0
    while proc.poll() is None:
        if sample_memory:
            peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"batch failed with exit status {proc.returncode}")
    return elapsed, peak


def bare_library_seconds(roster_path: Path, out: Path) -> float:
    """Time only the library calls, on inputs planport computed beforehand (not timed)."""
    from planport.core.builder import build_checked, default_template_path, load_template
    from planport.core.roster import read_entries
    from planport.exporters import csv_table
    from planport.exporters.fit import workout as fit
    from planport.exporters.ics import calendars as ical

    template = load_template(default_template_path())
    csv_exporter = csv_table.exporter
    work = []
    for entry in read_entries(str(roster_path)):
        plan = build_checked(entry.athlete, template, "bench")
        sessions = plan.ordered_sessions
        header, rows = csv_exporter._google(plan, {}, csv_table.DATE_FORMATS["mdy"])
        work.append((
            entry.id,
            plan.to_dict(),
            ical.calendar_fields(plan, sessions, {"how_to": True}),
            fit.workout_files(plan, list(sessions)),
            [header, *([csv_table.inert(v) for v in row] for row in rows)],
            plan.id,
        ))
    started = time.perf_counter()
    produced = []
    for athlete_id, document, calendar, workouts, cells, plan_id in work:
        files = {
            "plan.json": (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
            f"{plan_id}.ics": ical.serialize(calendar),
            f"{plan_id}-google.csv": csv_table.write_rows(cells, ",", False),
        }
        for path, messages in workouts:
            files[path] = fit.encode(messages)
        produced.append((athlete_id, files))
    elapsed = time.perf_counter() - started
    for athlete_id, files in produced:  # the baseline made the batch's bytes, file for file
        for name, data in files.items():
            assert (out / athlete_id / name).read_bytes() == data, f"{athlete_id}/{name} differs"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="athletes for the speed figures")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", default="1000,20000", help="roster sizes for peak memory")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"machine: {machine()}")
    print(f"formats: {FORMATS}; roster: seeded synthetic, 8-16 weeks, {len(roster.ZONES)} zones")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "roster.csv"
        roster.write(path, args.n)
        one, many, bare = [], [], []
        for i in range(args.repeat):
            t1, _ = run_batch(path, tmp / f"one{i}", 1)
            tn, _ = run_batch(path, tmp / f"many{i}", cores)
            tb = bare_library_seconds(path, tmp / f"one{i}")
            one.append(t1), many.append(tn), bare.append(tb)
            print(f"  run {i + 1}: jobs=1 {t1:.2f} s, jobs={cores} {tn:.2f} s, bare library {tb:.2f} s", flush=True)
        m1, mn, mb = statistics.median(one), statistics.median(many), statistics.median(bare)
        print(f"N={args.n}, medians of {args.repeat} runs")
        print(f"  jobs=1:       {args.n / m1:8.1f} athletes/s ({m1:.2f} s)")
        print(f"  jobs={cores}:       {args.n / mn:8.1f} athletes/s ({mn:.2f} s)")
        print(f"  speed-up:     {m1 / mn:8.2f}x on {cores} cores")
        print(f"  bare library: {mb:.2f} s for the same bytes")
        print(f"  overhead:     {m1 / mb:8.2f}x (batch jobs=1 / bare library)")
        peaks = {}
        for size in [int(s) for s in args.memory.split(",") if s]:
            big = tmp / f"roster{size}.csv"
            roster.write(big, size)
            elapsed, peak = run_batch(big, tmp / f"mem{size}", cores, sample_memory=True)
            peaks[size] = peak
            print(f"  peak RSS N={size:>6}: {peak / 1024:7.1f} MiB (process tree, jobs={cores}, {elapsed:.0f} s)", flush=True)
        if len(peaks) >= 2:
            sizes = sorted(peaks)
            print(f"  memory ratio N={sizes[-1]} / N={sizes[0]}: {peaks[sizes[-1]] / peaks[sizes[0]]:.2f}")


if __name__ == "__main__":
    main()

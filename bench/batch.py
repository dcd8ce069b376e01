"""Batch benchmark (not a test): every figure of bench/RESULTS.md, from one run.

    python bench/batch.py [--n 200] [--repeat 3] [--memory 1000,20000] [--no-dask]
                          [--versus OTHER_PLANPORT] [--tmp FOLDER]

1. athletes per second with --jobs 1 and with every core, with planport's FIT encoder and
   with the SDK's (-o fit.encoder=sdk), the speed-up, and whether the trees are identical;
2. the overhead ratio: the batch's time (--jobs 1) over the time of the bare library calls
   that make the same bytes (icalendar building and serializing the calendars, with the
   event texts it is given; the FIT encoder on messages made beforehand; the csv writer on
   rows made beforehand; the plan's JSON text), the bytes compared file by file;
3. the CPU of `planport --help` and `planport exporters` against `python -c "import click"`;
4. the same roster on a Dask LocalCluster with as many workers as cores, against local
   processes;
5. peak resident memory of the whole process tree for each roster size in --memory;
6. with --versus, another planport (an older version's console script) and this one on the
   same roster with --jobs 1, in turn, --repeat times: medians, and the median of each
   pair's ratio (a machine whose speed drifts slows both runs of a pair alike).

Figures are medians of --repeat runs where repeated, all measured in this one run. --tmp puts
the output trees in FOLDER (a tmpfs such as /dev/shm leaves the disk's speed out).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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


#: Every command runs as on a user's machine: with Python's bytecode caches written and used (a
#: shell or CI that sets PYTHONDONTWRITEBYTECODE would have every process compile planport again).
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_batch(roster_path: Path, out: Path, jobs: int, *extra: str, sample_memory: bool = False, planport: str = PLANPORT) -> tuple[float, int]:
    args = [planport, "batch", str(roster_path), "--to", FORMATS, "--out", str(out), "--jobs", str(jobs), "--quiet", *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=USER_ENV)
    peak = 0
    while proc.poll() is None:
        if sample_memory:
            peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"batch failed with exit status {proc.returncode}")
    return elapsed, peak


def files_of(root: Path) -> dict[str, bytes]:
    """Every file but the manifest (its input hashes name the options, encoder included)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def bare_library_seconds(roster_path: Path, out: Path) -> float:
    """Time only the library calls, on inputs planport made beforehand (not timed)."""
    from planport.core.builder import build_checked, default_template_path, load_template
    from planport.core.jsontext import dumps_indented
    from planport.core.roster import open_roster, read_entries
    from planport.core.spreadsheet import inert
    from planport.exporters import csv_table
    from planport.exporters.fit import encoder
    from planport.exporters.fit import workout as fit
    from planport.exporters.ics import calendars as ical

    template = load_template(default_template_path())
    work = []
    for entry in read_entries(open_roster(str(roster_path))):
        plan = build_checked(entry.athlete, template, "bench")
        sessions = plan.ordered_sessions
        header, rows = csv_table.exporter._google(plan, {}, csv_table.DATE_FORMATS["mdy"])
        work.append((
            entry.id, plan.to_dict(), (plan, sessions),
            fit.workout_heads(plan, list(sessions)), [header, *([inert(v) for v in row] for row in rows)], plan.id,
        ))
    started = time.perf_counter()
    produced = []
    for athlete_id, document, calendar, workouts, cells, plan_id in work:
        files = {
            "plan.json": (dumps_indented(document) + "\n").encode("utf-8"),
            f"{plan_id}.ics": ical.serialize(ical.calendar(*calendar, {"how_to": True})),
            f"{plan_id}-google.csv": csv_table.write_rows(cells, ",", False),
        }
        for path, head, tail in workouts:
            files[path] = encoder.encode_fast(head, tail)
        produced.append((athlete_id, files))
    elapsed = time.perf_counter() - started
    for athlete_id, files in produced:  # the baseline made the batch's bytes, file for file
        for name, data in files.items():
            assert (out / athlete_id / name).read_bytes() == data, f"{athlete_id}/{name} differs"
    return elapsed


def cpu_seconds(command: list[str], runs: int = 21) -> float:
    """Median user+system CPU of a command, bytecode cached as on a user's machine."""
    subprocess.run(command, env=USER_ENV, capture_output=True)  # writes the bytecode caches
    found = []
    for _ in range(runs):  # rusage has microseconds; os.times() only clock ticks
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, env=USER_ENV, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        found.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(found)


def versus(other: str, path: Path, tmp: Path, n: int, repeat: int) -> None:
    """``other`` and this planport on the same roster, --jobs 1, in turn."""
    import shutil

    theirs, ours = [], []
    for i in range(repeat):
        for label, exe, found in (("other", other, theirs), ("this", PLANPORT, ours)):
            out = tmp / f"versus-{label}"
            shutil.rmtree(out, ignore_errors=True)
            found.append(run_batch(path, out, 1, planport=exe)[0])
        print(f"  versus, pair {i + 1}: other {theirs[-1]:.2f} s, this {ours[-1]:.2f} s, ratio {theirs[-1] / ours[-1]:.2f}", flush=True)
    a, b = statistics.median(theirs), statistics.median(ours)
    ratios = statistics.median(t / o for t, o in zip(theirs, ours))
    print(f"  versus {other}: N={n}, --jobs 1, medians of {repeat}: other {a:.2f} s ({n / a:.1f} athletes/s), this {b:.2f} s "
          f"({n / b:.1f} athletes/s); ratio of medians {a / b:.2f}x, median of pair ratios {ratios:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="athletes for the speed figures")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", default="1000,20000", help="roster sizes for peak memory ('' for none)")
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask figure")
    parser.add_argument("--versus", help="another planport executable to compare with, in turn, --jobs 1")
    parser.add_argument("--tmp", help="the folder for the output trees (default: the system's temporary folder)")
    parser.add_argument("--versus-only", action="store_true", help="with --versus: only that comparison")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f} at the start")
    print(f"formats: {FORMATS}; roster: seeded synthetic (bench/roster.py), 8-16 weeks, {len(roster.ZONES)} zones")

    click_cpu = cpu_seconds([sys.executable, "-c", "import click"])
    help_cpu = cpu_seconds([PLANPORT, "--help"])
    exporters_cpu = cpu_seconds([PLANPORT, "exporters"])
    print(f"start-up CPU, medians of 21: import click {click_cpu * 1000:.1f} ms; planport --help {help_cpu * 1000:.1f} ms "
          f"({help_cpu / click_cpu:.2f}x); planport exporters {exporters_cpu * 1000:.1f} ms ({exporters_cpu / click_cpu:.2f}x)", flush=True)

    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp_name:
        tmp = Path(tmp_name)
        print(f"output trees under {tmp}")
        path = tmp / "roster.csv"
        roster.write(path, args.n)
        warm = tmp / "warm-up.csv"
        roster.write(warm, 2)
        for exe in (PLANPORT, *([args.versus] if args.versus else [])):  # bytecode caches written before any run is timed
            run_batch(warm, tmp / "warm-up", 1, planport=exe)
        if args.versus and args.versus_only:
            versus(args.versus, path, tmp, args.n, args.repeat)
            return
        times: dict[str, list[float]] = {"fast 1": [], f"fast {cores}": [], "sdk 1": [], f"sdk {cores}": [], "bare": []}
        for i in range(args.repeat):
            for encoder in ("fast", "sdk"):
                for jobs in (1, cores):
                    out = tmp / f"{encoder}-{jobs}-{i}"
                    elapsed, _ = run_batch(path, out, jobs, "-o", f"fit.encoder={encoder}")
                    times[f"{encoder} {jobs}"].append(elapsed)
            times["bare"].append(bare_library_seconds(path, tmp / f"fast-1-{i}"))
            print(f"  run {i + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
        reference = files_of(tmp / "fast-1-0")
        same = all(files_of(tmp / f"{e}-{j}-0") == reference for e in ("fast", "sdk") for j in (1, cores))
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"N={args.n}, medians of {args.repeat} runs; every tree the same bytes (manifests aside): {same}")
        for encoder in ("fast", "sdk"):
            one, many = med[f"{encoder} 1"], med[f"{encoder} {cores}"]
            print(f"  {encoder:>4} encoder: jobs=1 {args.n / one:6.1f} athletes/s ({one:.2f} s), jobs={cores} {args.n / many:6.1f} athletes/s "
                  f"({many:.2f} s), speed-up {one / many:.2f}x")
        print(f"  fast / sdk, one core: {med['sdk 1'] / med['fast 1']:.2f}x")
        print(f"  bare library calls: {med['bare']:.2f} s for the same bytes; overhead {med['fast 1'] / med['bare']:.2f}x (batch jobs=1 / bare)")

        if not args.no_dask:
            dask_times, local_times = [], []
            for i in range(args.repeat):
                dask_times.append(run_batch(path, tmp / f"dask-{i}", cores, "--engine", "dask")[0])
                local_times.append(med[f"fast {cores}"])
            dask = statistics.median(dask_times)
            same_dask = files_of(tmp / "dask-0") == reference
            print(f"  Dask LocalCluster, {cores} workers: {args.n / dask:.1f} athletes/s ({dask:.2f} s, cluster start included) against "
                  f"{args.n / med[f'fast {cores}']:.1f}/s with {cores} local processes ({dask / med[f'fast {cores}']:.2f}x the time); same tree: {same_dask}")

        if args.versus:
            versus(args.versus, path, tmp, args.n, args.repeat)

        peaks = {}
        for size in [int(s) for s in args.memory.split(",") if s]:
            big = tmp / f"roster{size}.csv"
            roster.write(big, size)
            elapsed, peak = run_batch(big, tmp / f"mem{size}", cores, sample_memory=True)
            peaks[size] = peak
            print(f"  peak RSS N={size:>6}: {peak / 1024:7.1f} MiB (process tree, jobs={cores}, {elapsed:.0f} s, {size / elapsed:.1f} athletes/s)", flush=True)
        if len(peaks) >= 2:
            sizes = sorted(peaks)
            print(f"  memory ratio N={sizes[-1]} / N={sizes[0]}: {peaks[sizes[-1]] / peaks[sizes[0]]:.2f}")


if __name__ == "__main__":
    main()

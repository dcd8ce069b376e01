"""FIT encoder benchmark (not a test): the SDK Encoder against planport's, on the same messages.

    python bench/fit_encoder.py [--repeat 15] [--athletes 20]

1. per workout: the median time to encode each sample session (samples/plans/hip-2-weeks.json
   and a plan built from each samples/athletes/*.yaml) with each encoder, the median of those
   over all sessions, and the ratio; planport's encoder both seeing the messages for the first
   time (its memory of messages emptied before each call) and remembering them (as in a
   roster, where steps repeat); the CRC alone, three ways, on the same files;
2. per athlete: the FIT exporter's whole export (messages, checks and encoding) for athletes
   of the bench roster (bench/roster.py), with -o fit.encoder=sdk and with the default;
3. one-off costs: importing the module and building the CRC's 65,536-entry table.

Every figure comes from this one run; the bytes of the two encoders are compared first.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
import roster  # noqa: E402  (bench/ is not a package)
from batch import machine  # noqa: E402


def medians_us(functions: list, repeat: int, best: list | None = None) -> list[float]:
    """Median of ``repeat`` calls of each function, in microseconds, the calls taken in turn.

    Taking turns (a, b, a, b...) lets a busy machine slow every function alike, so their
    ratio holds even when their absolute times drift. ``best`` gets each one's fastest call."""
    times: list[list[float]] = [[] for _ in functions]
    gc.disable()
    try:
        for _ in range(repeat):
            for function, spent in zip(functions, times, strict=True):
                started = time.perf_counter()
                function()
                spent.append(time.perf_counter() - started)
    finally:
        gc.enable()
    if best is not None:
        best.append([min(spent) * 1e6 for spent in times])
    return [statistics.median(spent) * 1e6 for spent in times]


def sample_plans():
    from planport.core.builder import build_from_files
    from planport.core.gate import plan_from_data

    plans = [plan_from_data(json.loads((ROOT / "samples/plans/hip-2-weeks.json").read_text("utf-8")))]
    plans += [build_from_files(str(path)) for path in sorted((ROOT / "samples/athletes").glob("*.yaml"))]
    return plans


def one_off_costs() -> tuple[float, float]:
    """ms to import the module in a fresh interpreter (beyond garmin_fit_sdk), and to build the word table."""
    code = ("import time, garmin_fit_sdk; t = time.perf_counter(); import planport.exporters.fit.encoder as f; "
            "i = time.perf_counter(); f._word_table(); print(i - t, time.perf_counter() - i)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() for _ in range(5)]
    return statistics.median(float(r[0]) for r in runs) * 1e3, statistics.median(float(r[1]) for r in runs) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per workout and per athlete")
    parser.add_argument("--athletes", type=int, default=20, help="bench roster athletes for the per-athlete figure")
    args = parser.parse_args()

    from garmin_fit_sdk import CrcCalculator

    from planport.exporters.fit import encoder as fit_encoder
    from planport.exporters.fit import workout as fit

    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f} at the start")
    import_ms, table_ms = one_off_costs()

    workouts = [messages for plan in sample_plans() for _, messages in fit.workout_files(plan, list(plan.ordered_sessions))]
    for messages in workouts:
        assert fit_encoder.encode_fast(messages) == fit_encoder.encode_sdk(messages), "the encoders disagree"
    sizes = [len(fit_encoder.encode_fast(m)) for m in workouts]
    print(f"sample sessions: {len(workouts)} workouts, {statistics.median(sizes):.0f} bytes median ({min(sizes)}-{max(sizes)})")

    sdk, fast, cold, ratios, crc_sdk, crc_byte, crc_word = [], [], [], [], [], [], []
    best: list[list[float]] = []

    def first_sight(messages: list) -> bytes:
        fit_encoder._memo.clear()
        return fit_encoder.encode_fast(messages)

    for messages in workouts:
        data = fit_encoder.encode_fast(messages)
        s, f, c = medians_us([lambda m=messages: fit_encoder.encode_sdk(m), lambda m=messages: fit_encoder.encode_fast(m),
                              lambda m=messages: first_sight(m)], args.repeat, best)
        sdk.append(s), fast.append(f), cold.append(c), ratios.append(s / f)
        crcs = medians_us([lambda d=data: CrcCalculator.calculate_crc(d, 0, len(d)), lambda d=data: fit_encoder.crc_bytewise(d),
                           lambda d=data: fit_encoder.crc_wordwise(d)], args.repeat)
        crc_sdk.append(crcs[0]), crc_byte.append(crcs[1]), crc_word.append(crcs[2])
    med = statistics.median
    print(f"per workout, median over the {len(workouts)} sessions of each one's median of {args.repeat} calls (the encoders in turn):")
    print(f"  SDK Encoder:        {med(sdk):8.0f} us  ({min(sdk):.0f}-{max(sdk):.0f})")
    print(f"  planport encoder:   {med(fast):8.0f} us  ({min(fast):.0f}-{max(fast):.0f}), messages remembered")
    print(f"  planport encoder:   {med(cold):8.0f} us  ({min(cold):.0f}-{max(cold):.0f}), every message seen for the first time "
          f"({med(sdk) / med(cold):.1f}x faster than the SDK)")
    print(f"  ratio SDK / planport: {med(sdk) / med(fast):6.1f}x (median of per-workout ratios {med(ratios):.1f}x, {min(ratios):.1f}-{max(ratios):.1f}x)")
    best_sdk, best_fast = med([b[0] for b in best]), med([b[1] for b in best])
    print(f"  fastest call of each, median over the sessions: SDK {best_sdk:.0f} us, planport {best_fast:.0f} us, {best_sdk / best_fast:.1f}x")
    print("  CRC of the whole file alone:")
    print(f"    SDK nibble table, per byte:   {med(crc_sdk):7.0f} us")
    print(f"    256-entry table, per byte:    {med(crc_byte):7.0f} us")
    print(f"    65,536-entry table, per word: {med(crc_word):7.0f} us  (the encoder's)")
    print(f"  one-off: import of fit_encoder {import_ms:.1f} ms; the word table on first use {table_ms:.1f} ms")

    from planport.core.builder import build_checked, default_template_path, load_template
    from planport.core.roster import read_entries

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.csv"
        roster.write(path, args.athletes)
        template = load_template(default_template_path())
        plans = [build_checked(entry.athlete, template, "bench") for entry in read_entries(str(path))]
    from planport.exporters.fit import exporter
    per_athlete: dict[str, list[float]] = {"sdk": [], "fast": []}
    messages_only = []
    counts = []
    calls = max(3, args.repeat // 3)
    for plan in plans:
        counts.append(len(plan.sessions))
        a, b = exporter.export(plan, {"encoder": "sdk"}), exporter.export(plan, {"encoder": "fast"})
        assert [x.data for x in a] == [x.data for x in b], "the encoders disagree"
        spent = medians_us([lambda p=plan: exporter.export(p, {"encoder": "sdk"}), lambda p=plan: exporter.export(p, {"encoder": "fast"}),
                            lambda p=plan: fit.workout_files(p, p.ordered_sessions)], calls)
        per_athlete["sdk"].append(spent[0] / 1e3), per_athlete["fast"].append(spent[1] / 1e3), messages_only.append(spent[2] / 1e3)
    s, f = med(per_athlete["sdk"]), med(per_athlete["fast"])
    print(f"per athlete, FIT exporter's export(), {len(plans)} bench roster athletes ({med(counts):.0f} workouts median, {min(counts)}-{max(counts)}):")
    print(f"  -o fit.encoder=sdk: {s:8.1f} ms")
    print(f"  default (fast):     {f:8.1f} ms")
    print(f"  ratio:              {s / f:8.1f}x; planport's messages alone {med(messages_only):.1f} ms of it")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

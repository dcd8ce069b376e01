"""Input bounds benchmark (not a test): what the largest inputs planport reads cost, and what
refusing hostile ones costs. Prints medians of --repeat runs, all measured in this one run.

    python bench/inputs.py [--repeat 3]

1. parsing and checking a YAML plan just under the YAML limit (4 MiB) and a JSON plan just
   under the input limit (32 MiB): seconds and peak traced memory;
2. refusing an alias bomb, a 100,000-level nesting and a bracket run: seconds and memory.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
import tracemalloc
from pathlib import Path

import yaml

from planport.core import gate, inputs
from planport.core.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = json.loads((ROOT / "samples" / "plans" / "hip-2-weeks.json").read_text("utf-8"))


def big_plan(target_bytes: int, syntax: str) -> str:
    """The sample plan with its sessions repeated until the text is just under ``target_bytes``."""
    plan = copy.deepcopy(SAMPLE)
    sessions = SAMPLE["sessions"]
    dump = (lambda d: json.dumps(d)) if syntax == "json" else (lambda d: yaml.safe_dump(d, allow_unicode=True))
    one = len(dump({"s": sessions[:1]}))
    count = max(1, target_bytes // one - 20)
    plan["sessions"] = [dict(copy.deepcopy(sessions[i % len(sessions)]), id=f"s{i}") for i in range(count)]
    text = dump(plan)
    while len(text.encode()) > target_bytes:
        plan["sessions"] = plan["sessions"][: int(len(plan["sessions"]) * 0.95)]
        text = dump(plan)
    return text


def measure(action, repeat: int) -> tuple[float, float]:
    """Median seconds, and peak traced memory in MiB (from a separate traced run)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    def accepted(text: str, syntax: str):
        def run() -> None:
            data = inputs.parse(text, "bench", syntax)
            # The schema and semantic checks; session count beyond the schema's 1,200 is reported, not fatal here.
            gate.schema_problems(data, "plan", "bench")

        return run

    def refused(text: str, syntax: str):
        def run() -> None:
            try:
                inputs.parse(text, "bench", syntax)
            except InputError:
                return
            raise AssertionError("not refused")

        return run

    yaml_text = big_plan(inputs.MAX_YAML_BYTES - 1024, "yaml")
    json_text = big_plan(inputs.MAX_INPUT_BYTES - 1024 * 1024, "json")
    bomb = "\n".join([f"a0: &a0 [{', '.join(['x'] * 9)}]", *(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10))])
    print(f"{'input':<46} {'size':>10} {'seconds':>8} {'peak MiB':>9}")
    for label, text, action in [
        ("YAML plan under the YAML limit, parsed+checked", yaml_text, accepted(yaml_text, "yaml")),
        ("JSON plan under the input limit, parsed+checked", json_text, accepted(json_text, "json")),
        ("YAML alias bomb (9 levels of 9), refused", bomb, refused(bomb, "yaml")),
        ("YAML nested 100,000 levels, refused", "- " * 100_000 + "x", refused("- " * 100_000 + "x", "yaml")),
        ("YAML bracket run of 100,000, refused", "[" * 100_000, refused("[" * 100_000, "yaml")),
        ("JSON nested 100,000 levels, refused", "[" * 100_000, refused("[" * 100_000, "json")),
    ]:
        seconds, peak = measure(action, args.repeat)
        print(f"{label:<46} {len(text.encode()) / 1024 / 1024:>8.2f} MiB {seconds:>8.3f} {peak:>9.1f}")


if __name__ == "__main__":
    main()

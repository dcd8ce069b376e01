"""Input bounds benchmark (not a test): what the largest inputs planport reads cost, and what
refusing hostile ones costs. Prints medians of --repeat runs, all measured in this one run.

    python bench/inputs.py [--repeat 3]

1. reading and checking the largest plan the schema allows (1,200 sessions), as JSON and YAML;
2. refusing a YAML plan just under the YAML limit (2 MiB) and a JSON one just under the input
   limit (32 MiB), both over the schema's limits, an alias bomb, a 100,000-level nesting and
   a bracket run: seconds and peak traced memory.
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

    def checked(text: str, syntax: str, ok: bool):
        def run() -> None:
            try:
                gate.check_document(inputs.parse(text, "bench", syntax), "plan", "bench")
            except InputError:
                assert not ok, "refused"
                return
            assert ok, "not refused"

        return run

    def with_sessions(count: int, syntax: str) -> str:
        plan = copy.deepcopy(SAMPLE)
        plan["sessions"] = [dict(copy.deepcopy(SAMPLE["sessions"][i % len(SAMPLE["sessions"])]), id=f"s{i}", date=f"{2030 + i // 300}-01-{1 + i % 28:02d}") for i in range(count)]
        return json.dumps(plan) if syntax == "json" else yaml.safe_dump(plan, allow_unicode=True)

    yaml_text = big_plan(inputs.MAX_YAML_BYTES - 1024, "yaml")
    json_text = big_plan(inputs.MAX_INPUT_BYTES - 1024 * 1024, "json")
    bomb = "\n".join([f"a0: &a0 [{', '.join(['x'] * 9)}]", *(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10))])
    largest_json, largest_yaml = with_sessions(1200, "json"), with_sessions(1200, "yaml")
    print(f"{'input':<52} {'size':>10} {'seconds':>8} {'peak MiB':>9}")
    for label, text, action in [
        ("largest valid plan (1,200 sessions), JSON, accepted", largest_json, checked(largest_json, "json", True)),
        ("largest valid plan (1,200 sessions), YAML, accepted", largest_yaml, checked(largest_yaml, "yaml", True)),
        ("YAML plan under the YAML limit, refused", yaml_text, checked(yaml_text, "yaml", False)),
        ("JSON plan under the input limit, refused", json_text, checked(json_text, "json", False)),
        ("YAML alias bomb (9 levels of 9), refused", bomb, checked(bomb, "yaml", False)),
        ("YAML nested 100,000 levels, refused", "- " * 100_000 + "x", checked("- " * 100_000 + "x", "yaml", False)),
        ("YAML bracket run of 100,000, refused", "[" * 100_000, checked("[" * 100_000, "yaml", False)),
        ("JSON nested 100,000 levels, refused", "[" * 100_000, checked("[" * 100_000, "json", False)),
    ]:
        seconds, peak = measure(action, args.repeat)
        print(f"{label:<52} {len(text.encode()) / 1024 / 1024:>8.2f} MiB {seconds:>8.3f} {peak:>9.1f}")


if __name__ == "__main__":
    main()

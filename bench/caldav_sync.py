"""CalDAV sync of a 52-week plan against a local Radicale: time and HTTP requests of a first
sync, a no-op resync and a resync after one session moved.

    .venv/bin/python bench/caldav_sync.py [--repeat 5]

Starts Radicale (htpasswd auth) on a free loopback port with its storage in a temporary
folder; each repeat syncs into a new, empty calendar. Prints medians and the request counts
(counted at the HTTP session, authentication retries included).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from radicale_server import PASSWORD, USER, Radicale  # noqa: E402

from planport.core.builder import build_from_files  # noqa: E402
from planport.core.gate import plan_from_data  # noqa: E402
from planport.exporters.ics.sync import Credentials, sync_plan  # noqa: E402


def fifty_two_weeks(folder: Path):
    athlete = (ROOT / "samples" / "athletes" / "marathoner.yaml").read_text().replace("weeks: 12", "weeks: 52")
    path = folder / "athlete.yaml"
    path.write_text(athlete)
    return build_from_files(str(path), None, 1, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = fifty_two_weeks(folder)
        moved_data = plan.to_dict()
        moved_data["sessions"][-1]["start_time"] = "05:45"
        moved = plan_from_data(copy.deepcopy(moved_data))
        today = plan.ordered_sessions[0].date - dt.timedelta(days=1)
        server = Radicale(folder)
        server.start()
        credentials = Credentials(USER, PASSWORD)
        figures: dict[str, list[tuple[float, int, str]]] = {"first sync": [], "no-op resync": [], "one session moved": []}
        try:
            for n in range(args.repeat):
                url = server.make_calendar(f"bench-{n}")
                for name, which in (("first sync", plan), ("no-op resync", plan), ("one session moved", moved)):
                    started = time.perf_counter()
                    report = sync_plan(which, url, credentials, today=today)
                    figures[name].append((time.perf_counter() - started, report.requests, report.summary()))
        finally:
            server.stop()
    print(f"plan: {plan.athlete.time_zone}, {len(plan.sessions)} sessions over 52 weeks; Radicale on 127.0.0.1, {args.repeat} runs each")
    for name, runs in figures.items():
        seconds = statistics.median(r[0] for r in runs)
        requests = {r[1] for r in runs}
        print(f"{name:<18} median {seconds:6.2f} s   requests {'/'.join(map(str, sorted(requests)))}   {runs[-1][2]}")


if __name__ == "__main__":
    main()

"""Plan documents for the HTML tests: the optional fields a built plan carries (the
athlete's running week, each session's run, weeks with deload marks, tempo and swaps),
added the way the builder will add them, and zone-shifted plans for calendar checks."""

from __future__ import annotations

import copy
import datetime as dt

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: The sample plan's week (source 001's schedule): easy Monday, intervals Wednesday, long Saturday.
SAMPLE_RUNS = {"mon": "easy", "tue": "recovery", "wed": "intervals", "fri": "easy", "sat": "long", "sun": "recovery"}


def with_view_fields(plan: dict, runs: dict[str, str], deload: set[int] = frozenset(), swap: tuple[str, str, str] | None = None, tempo: str | None = None) -> dict:
    """A copy of ``plan`` with athlete.runs, session.run and weeks (deload for ``deload``);
    ``swap`` = (exercise, replaces, reason) marks that exercise's blocks as swapped in."""
    plan = copy.deepcopy(plan)
    plan["athlete"]["runs"] = dict(runs)
    first = min(dt.date.fromisoformat(s["date"]) for s in plan["sessions"])
    first_monday = first - dt.timedelta(days=first.weekday())
    weeks = set()
    for session in plan["sessions"]:
        day = dt.date.fromisoformat(session["date"])
        session["run"] = runs.get(WEEKDAYS[day.weekday()], "rest")
        number = session.get("week") or (day - first_monday).days // 7 + 1
        session["week"] = number
        weeks.add(number)
        for block in session["blocks"]:
            if tempo and block["exercise"] in ("reverse-lunge", "bulgarian-split-squat", "hip-thrust"):
                block["tempo"] = tempo
            if swap and block["exercise"] == swap[0]:
                block["swap"] = {"replaces": swap[1], "reason": swap[2]}
    plan["weeks"] = [
        {"week": n, "starts": (first_monday + dt.timedelta(weeks=n - 1)).isoformat(), "deload": n in deload}
        for n in range(1, max(weeks) + 1)
    ]
    return plan


def without_view_fields(plan: dict) -> dict:
    """A copy as a person might write it by hand: no runs, weeks, session weeks, tempo or swaps."""
    plan = copy.deepcopy(plan)
    plan["athlete"].pop("runs", None)
    plan.pop("weeks", None)
    for session in plan["sessions"]:
        session.pop("run", None)
        session.pop("week", None)
        for block in session["blocks"]:
            block.pop("tempo", None)
            block.pop("swap", None)
    return plan


def twelve_weeks(sample: dict, deload: set[int] = frozenset({4, 8})) -> dict:
    """The sample plan stretched to twelve weeks over three months (its week 1, then its
    week 2 again and again), one set fewer in ``deload`` weeks: a plan like a built one."""
    plan = copy.deepcopy(sample)
    plan["id"], plan["name"] = "hip-12-weeks", "Hip strength for runners: twelve weeks"
    by_week = {n: [s for s in sample["sessions"] if s["week"] == n] for n in (1, 2)}
    sessions = []
    for n in range(1, 13):
        shift = dt.timedelta(weeks=0 if n == 1 else n - 2)
        for source in by_week[1 if n == 1 else 2]:
            session = copy.deepcopy(source)
            day = dt.date.fromisoformat(session["date"]) + shift
            session.update(id=f"{day.isoformat()}{session['id'][10:]}", date=day.isoformat(), week=n)
            if n in deload:
                for block in session["blocks"]:
                    block["sets"] = max(1, block["sets"] - 1)
            sessions.append(session)
    plan["sessions"] = sessions
    return plan

"""Where strength sessions go: the weekdays (the same every week), which session type each
day gets as the rotation turns, and the refusal when a profile's week cannot hold them.

Rules 1, 2, 4 and 5 (``core/rules.py``) are kept here. The weekdays are chosen once, so the
athlete trains on the same days every week; which session type lands on which of those days
is decided week by week, because the rotation changes the week's line-up.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .model import WEEKDAYS
from .profile import HARD_RUNS, STRENGTH_DAYS, AthleteProfile
from .rules import BuildRefusal

#: Where the sources place strength: after easy runs or cross-training first, then recovery, then rest days.
DAY_PREFERENCE = {"easy": 2, "cross-training": 2, "recovery": 1, "rest": 0}
MINUTES_PER_DAY = 24 * 60


def minutes_of(clock: dt.time) -> int:
    return clock.hour * 60 + clock.minute


def article(run: str) -> str:
    return "an" if run[0] in "aeiou" else "a"


@dataclass(frozen=True)
class StrengthType:
    """What placement needs to know of a strength session type."""

    id: str
    title: str
    heavy: bool
    place_on: frozenset[str]


@dataclass(frozen=True)
class Week:
    """One Monday-to-Sunday plan week: its strength sessions as (date, session type id), in date order."""

    number: int
    monday: dt.date
    strength: tuple[tuple[dt.date, str], ...]
    asked: int  # sessions a full week holds this week (two in a new athlete's habit weeks)


class Placement:
    """The weekly strength layout for one profile; ``weeks()`` lays out the whole plan."""

    def __init__(self, profile: AthleteProfile, types: Sequence[StrengthType], rotation: Sequence[str], habit_weeks: int, session_minutes: int):
        self.profile = profile
        self.types = {t.id: t for t in types}
        self.rotation = tuple(rotation)
        self.habit_weeks = habit_weeks if profile.level == "new" and profile.sessions_per_week == 3 else 0
        self.session_minutes = session_minutes
        allowed = STRENGTH_DAYS.intersection(*(self.types[i].place_on for i in self.rotation))
        self.reasons: dict[str, tuple[int, str, str]] = {}  # weekday -> (rule, why, profile pointer) for days that cannot hold strength
        for day in WEEKDAYS:
            why = self._why_not(day, allowed)
            if why:
                self.reasons[day] = why
        self.candidates = [d for d, day in enumerate(WEEKDAYS) if day not in self.reasons]
        self._arranged: dict[tuple[tuple[str, ...], tuple[int, ...], bool, bool], tuple[int, tuple[str, ...]] | None] = {}

    # --- which weekdays -----------------------------------------------------------------

    def _why_not(self, day: str, allowed: frozenset[str] | set[str]) -> tuple[int, str, str] | None:
        run = self.profile.runs[day]
        if run == "long":
            return 1, f"{day} is the long-run day (rule 1: nothing on the long-run day)", f"/runs/{day}"
        if run in HARD_RUNS:
            return 4, f"{day} is {article(run)} {run} day (rule 4: strength only on easy, recovery, cross-training or rest days)", f"/runs/{day}"
        if run not in allowed:
            return 4, f"{day} is {article(run)} {run} day, which the template's place_on does not allow", f"/runs/{day}"
        start = minutes_of(self.profile.clock(day)) + (self.profile.run_minutes if run != "rest" else 0)
        if start + self.session_minutes > MINUTES_PER_DAY:
            clock = self.profile.clock(day).strftime("%H:%M")
            after = f" after a {self.profile.run_minutes}-minute run" if run != "rest" else ""
            return 4, f"{day}: a {self.session_minutes}-minute session{after} from {clock} would end after midnight (rule 4)", self.profile.clock_pointer(day)
        return None

    def heavy_day(self, d: int, allow_after_long: bool | None = None) -> bool:
        """Whether weekday ``d`` may hold a heavy session (rule 2); candidates are never hard days."""
        allow = self.profile.heavy_after_long_run if allow_after_long is None else allow_after_long
        return allow or self.profile.runs[WEEKDAYS[(d - 1) % 7]] != "long"

    # --- which session type on which day ------------------------------------------------

    def lineup(self, start: int, count: int, light_only: bool) -> tuple[tuple[str, ...], int]:
        """The next ``count`` types of the rotation from ``start``, and where the next week starts.

        With ``light_only`` (a new athlete's first week; a short week at either end of the plan
        whose days cannot take the heavy session) a heavy type is replaced by a light one."""
        ids = [self.rotation[(start + i) % len(self.rotation)] for i in range(count)]
        if light_only:
            light = [i for i in self.rotation if not self.types[i].heavy]
            for n, type_id in enumerate(ids):
                if self.types[type_id].heavy and light:
                    unused = [i for i in light if i not in ids]
                    ids[n] = (unused or light)[0]
        return tuple(ids), start + count

    def arrange(self, lineup: tuple[str, ...], days: tuple[int, ...], monday_blocked: bool, allow_after_long: bool) -> tuple[int, tuple[str, ...]] | None:
        """The best assignment of ``lineup`` to ``days`` (weekday numbers, ascending) and how much it tires the legs, or None.

        Rule 2 is hard: heavy types only on days that may hold them, never two heavy days in a
        row (nor Monday after a heavy Sunday). Softer: heavy work the day before a hard or long
        run leaves the legs tired for it (2); the day after a hard run it piles on (1)."""
        key = (lineup, days, monday_blocked, allow_after_long)
        if key not in self._arranged:
            self._arranged[key] = self._arrange(*key)
        return self._arranged[key]

    def _arrange(self, lineup: tuple[str, ...], days: tuple[int, ...], monday_blocked: bool, allow_after_long: bool) -> tuple[int, tuple[str, ...]] | None:
        best: tuple[int, int, tuple[str, ...]] | None = None
        for order in sorted(set(itertools.permutations(lineup))):
            heavy = [d for d, t in zip(days, order) if self.types[t].heavy]
            if any(not self.heavy_day(d, allow_after_long) for d in heavy):
                continue
            if any(b - a == 1 for a, b in zip(heavy, heavy[1:])) or (monday_blocked and 0 in heavy):
                continue
            tiring = 0
            for d in heavy:
                tiring += 2 * (self.profile.runs[WEEKDAYS[(d + 1) % 7]] in HARD_RUNS | {"long"})
                tiring += self.profile.runs[WEEKDAYS[(d - 1) % 7]] in HARD_RUNS
            moved = sum(a != b for a, b in zip(order, lineup))  # keep the rotation's order where it costs nothing
            if best is None or (tiring, moved) < best[:2]:
                best = (tiring, moved, order)
        return None if best is None else (best[0], best[2])

    # --- the whole plan -----------------------------------------------------------------

    def _simulate(self, days: tuple[int, ...], habit_days: tuple[int, ...], allow_after_long: bool) -> tuple[int, list[Week]] | None:
        profile = self.profile
        weeks: list[Week] = []
        total = 0
        start = next((i for i, t in enumerate(self.rotation) if not self.types[t].heavy), 0) if profile.level == "new" else 0
        sunday_heavy = False
        for number in range(1, profile.plan_weeks + 1):
            monday = profile.monday + dt.timedelta(weeks=number - 1)
            layout = habit_days if number <= self.habit_weeks else days
            inside = tuple(d for d in layout if profile.start_date <= monday + dt.timedelta(days=d) <= profile.end_date)
            ids, next_start = self.lineup(start, len(inside), number == 1 and profile.level == "new")
            arranged = self.arrange(ids, inside, sunday_heavy, allow_after_long) if inside else (0, ())
            if arranged is None and len(inside) < len(layout):
                ids, next_start = self.lineup(start, len(inside), True)
                arranged = self.arrange(ids, inside, sunday_heavy, allow_after_long)
            if arranged is None:
                return None
            start = next_start
            penalty, order = arranged
            total += penalty
            weeks.append(Week(number, monday, tuple((monday + dt.timedelta(days=d), t) for d, t in zip(inside, order)), len(layout)))
            sunday_heavy = bool(inside) and inside[-1] == 6 and self.types[order[-1]].heavy
        return total, weeks

    def _day_sets(self, n: int) -> list[tuple[tuple[Any, ...], tuple[int, ...]]]:
        """Every choice of ``n`` free weekdays with its score, best first: spread out (two days
        apart at least), then after easy runs or cross-training rather than on rest days."""

        def score(days: tuple[int, ...]) -> tuple[Any, ...]:
            gaps = [(b - a) % 7 or 7 for a, b in zip(days, days[1:] + days[:1])] if len(days) > 1 else [7]
            preference = sum(DAY_PREFERENCE[self.profile.runs[WEEKDAYS[d]]] for d in days)
            return (min(gaps) < 2, -min(gaps), -preference, days)

        return sorted(((score(days), days) for days in itertools.combinations(self.candidates, n)), key=lambda pair: pair[0])

    def weeks(self) -> list[Week]:
        """Every plan week's strength sessions; BuildRefusal naming rule, days and profile field when none fits."""
        found = self._search(self.profile.heavy_after_long_run)
        if found is not None:
            return found
        raise self._refusal()

    def _search(self, allow_after_long: bool) -> list[Week] | None:
        """The best feasible layout: spacing first, then heavy sessions away from hard runs, then the day preference."""
        best: tuple[tuple[Any, ...], list[Week]] | None = None
        pairs = self._day_sets(2) if self.habit_weeks else []
        for score, days in self._day_sets(self.profile.sessions_per_week):
            if best is not None and (score[0] > best[0][0] or best[0][1] == 0):
                break  # sorted by score: nothing later can beat a layout that tires nobody
            habit_sets = [h for _, h in pairs if set(h) <= set(days)] if self.habit_weeks else [days]
            for habit_days in habit_sets:
                simulated = self._simulate(days, habit_days, allow_after_long)
                if simulated is None:
                    continue
                tiring, weeks = simulated
                key = (score[0], tiring / len(weeks), *score[1:])
                if best is None or key < best[0]:
                    best = (key, weeks)
                break
        return None if best is None else best[1]

    def _refusal(self) -> BuildRefusal:
        n = self.profile.sessions_per_week
        excluded = [day for day in WEEKDAYS if day in self.reasons]
        free = ", ".join(WEEKDAYS[d] for d in self.candidates) or "none"
        reasons = "; ".join(self.reasons[day][1] for day in excluded)
        if len(self.candidates) < n:
            clock_days = [day for day in excluded if self.reasons[day][2].startswith("/start_time")]
            if clock_days and len(self.candidates) + len(clock_days) >= n:
                pointer = self.reasons[clock_days[0]][2]
            elif n == 3:
                pointer = "/sessions_per_week"
            else:
                pointer = "/runs"
            return BuildRefusal(5, pointer, f"{n} strength sessions a week do not fit (rule 5): {reasons}; days left: {free}", tuple(excluded))
        heavy = [t.title for t in self.types.values() if t.heavy]
        names = " and ".join(heavy) or "the heavy session"
        if not self.profile.heavy_after_long_run and self._search(True) is not None:
            after_long = [WEEKDAYS[d] for d in self.candidates if not self.heavy_day(d, False)]
            return BuildRefusal(
                2, "/heavy_after_long_run",
                f"{names} has no day (rule 2): of the free days ({free}), {', '.join(after_long)} follows the long run and the others sit next to each other; "
                "set heavy_after_long_run or move a run",
                tuple(after_long),
            )
        return BuildRefusal(
            2, "/runs",
            f"{names} has no day (rule 2: never on a hard day, nor two heavy days in a row) among the {n} free days ({free}); {reasons}",
            tuple(excluded),
        )


def extras_days(week_days: Sequence[dt.date], eligible: Callable[[dt.date], bool], at_most: int) -> list[dt.date]:
    """Up to ``at_most`` eligible days of a week, spread out: the first and the last."""
    found = [d for d in week_days if eligible(d)]
    if len(found) <= at_most:
        return found
    if at_most == 1:
        return found[:1]
    return [found[0], found[-1]] if at_most == 2 else found[: at_most - 1] + found[-1:]

"""The athlete profile as the builder reads it: typed, every default filled in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import WEEKDAYS, Amount

#: Run kinds, as profiles write them.
HARD_RUNS = frozenset({"intervals", "tempo"})
#: Days strength may go on (rule 4).
STRENGTH_DAYS = frozenset({"easy", "recovery", "cross-training", "rest"})
#: Everything a profile can have; the default is all but dumbbells.
EQUIPMENT = ("band", "bench", "step", "wall", "mat", "chair", "dumbbell")
DEFAULT_EQUIPMENT = frozenset(EQUIPMENT) - {"dumbbell"}
EXTRAS = ("activation", "add_on", "mobility")
LEVELS = ("new", "returning", "experienced")


@dataclass(frozen=True)
class AthleteProfile:
    """Who the athlete is and how their week of running looks (``schemas/athlete.schema.json``)."""

    id: str
    name: str
    time_zone: str
    start_date: dt.date
    weeks: int
    level: str
    runs: Mapping[str, str] = field(hash=False)  # all seven weekdays; "rest" where the profile names none
    sessions_per_week: int = 2
    extras: frozenset[str] = frozenset()
    equipment: frozenset[str] = DEFAULT_EQUIPMENT
    start_time: dt.time = dt.time(7, 0)
    start_times: Mapping[str, dt.time] = field(default_factory=dict, hash=False)
    minutes: Amount = Amount(15, 20, True)
    run_minutes: int = 45
    heavy_after_long_run: bool = False
    deload_every: int | None = None  # None: the template's figure

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AthleteProfile:
        """A profile from a document that passed the athlete schema and its checks."""
        return cls(
            id=d["id"],
            name=d["name"],
            time_zone=d["time_zone"],
            start_date=dt.date.fromisoformat(d["start_date"]),
            weeks=d["weeks"],
            level=d["level"],
            runs={day: d["runs"].get(day, "rest") for day in WEEKDAYS},
            sessions_per_week=d.get("sessions_per_week", 2),
            extras=frozenset(name for name, on in d.get("extras", {}).items() if on),
            equipment=frozenset(d["equipment"]) if "equipment" in d else DEFAULT_EQUIPMENT,
            start_time=dt.time.fromisoformat(d.get("start_time", "07:00")),
            start_times={day: dt.time.fromisoformat(t) for day, t in d.get("start_times", {}).items()},
            minutes=Amount.from_json(d.get("minutes")) or Amount(15, 20, True),
            run_minutes=d.get("run_minutes", 45),
            heavy_after_long_run=d.get("heavy_after_long_run", False),
            deload_every=d.get("deload_every"),
        )

    def run_on(self, weekday: str) -> str:
        return self.runs[weekday]

    def clock(self, weekday: str) -> dt.time:
        """When the athlete starts on ``weekday``: the run, or the session on a rest day."""
        return self.start_times.get(weekday, self.start_time)

    def clock_pointer(self, weekday: str) -> str:
        """The profile field that sets ``weekday``'s start time."""
        return f"/start_times/{weekday}" if weekday in self.start_times else "/start_time"

    @property
    def monday(self) -> dt.date:
        """The Monday of the plan's first week."""
        return self.start_date - dt.timedelta(days=self.start_date.weekday())

    @property
    def end_date(self) -> dt.date:
        """The plan's last day: ``weeks`` times seven days from the start."""
        return self.start_date + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def plan_weeks(self) -> int:
        """Monday-to-Sunday weeks the plan touches (one more than ``weeks`` when it starts mid-week)."""
        return (self.end_date - self.monday).days // 7 + 1

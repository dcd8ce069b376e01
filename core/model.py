"""The plan model: frozen dataclasses loaded from a validated plan document.

``Plan.from_dict`` expects a document that passed the schema gate (``planport.core.gate``);
``Plan.to_dict`` gives back exactly that document, key for key.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

SCHEMA_VERSION = 1
#: Weekday keys as documents write them, Monday first (``date.weekday()`` order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


_COMPARED: dict[type, tuple[str, ...]] = {}


def _compared(cls: Any) -> tuple[str, ...]:
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in fields(cls) if f.compare)
    return names


def _hash_once(self: Any) -> int:
    """The dataclass's hash (of its compared fields), worked out on first use and kept: blocks
    and sessions key the exporters' caches at every turn, and hashing every field each time
    was a good part of a lookup."""
    found: int | None = self.__dict__.get("_hash")
    if found is None:
        found = hash(tuple([getattr(self, name) for name in _compared(type(self))]))
        object.__setattr__(self, "_hash", found)
    return found


def _state_without_hash(self: Any) -> dict[str, Any]:
    # A text's hash differs from process to process: a pickled copy works its hash out again.
    state = dict(self.__dict__)
    state.pop("_hash", None)
    return state


@dataclass(frozen=True)
class Amount:
    """A count or a hold: an exact number (``low == high``) or a range."""

    low: int
    high: int
    is_range: bool = False

    @classmethod
    def from_json(cls, value: int | dict[str, int] | None) -> Amount | None:
        if value is None:
            return None
        if isinstance(value, dict):
            return cls(value["min"], value["max"], True)
        return cls(value, value, False)

    def to_json(self) -> int | dict[str, int]:
        return {"min": self.low, "max": self.high} if self.is_range else self.low

    def __str__(self) -> str:
        return f"{self.low}-{self.high}" if self.is_range else str(self.low)

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class FitMapping:
    """How a Garmin watch names an exercise, as names from the FIT profile."""

    category: str
    exercise_name: str
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"category": self.category, "exercise_name": self.exercise_name, "title": self.title})


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    kind: str  # strength | mobility | stretch
    focus: tuple[str, ...]
    how_to: tuple[str, ...]
    per_side: bool
    equipment: tuple[str, ...]
    fit: FitMapping
    alternatives: tuple[str, ...] | None = None
    # What the exercise trains, in the library's closed vocabulary (optional in a plan).
    pattern: str | None = None
    prime_movers: tuple[str, ...] | None = None
    plane: str | None = None
    unilateral: bool | None = None
    difficulty: int | None = None

    def __hash__(self) -> int:
        # Exercises key the exporters' caches at every block; equal exercises have equal ids,
        # and hashing the id alone spares hashing every field each time.
        return hash(self.id)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Exercise:
        alternatives = d.get("alternatives")
        movers = d.get("prime_movers")
        return cls(
            id=d["id"],
            name=d["name"],
            kind=d["kind"],
            focus=tuple(d["focus"]),
            how_to=tuple(d["how_to"]),
            per_side=d["per_side"],
            equipment=tuple(d["equipment"]),
            fit=FitMapping(**d["fit"]),
            alternatives=None if alternatives is None else tuple(alternatives),
            pattern=d.get("pattern"),
            prime_movers=None if movers is None else tuple(movers),
            plane=d.get("plane"),
            unilateral=d.get("unilateral"),
            difficulty=d.get("difficulty"),
        )

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "id": self.id,
                "name": self.name,
                "kind": self.kind,
                "focus": list(self.focus),
                "pattern": self.pattern,
                "prime_movers": None if self.prime_movers is None else list(self.prime_movers),
                "plane": self.plane,
                "unilateral": self.unilateral,
                "difficulty": self.difficulty,
                "how_to": list(self.how_to),
                "per_side": self.per_side,
                "equipment": list(self.equipment),
                "alternatives": None if self.alternatives is None else list(self.alternatives),
                "fit": self.fit.to_dict(),
            }
        )


@dataclass(frozen=True)
class Load:
    kg: float | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        # -0.0 passes "minimum": 0 and equals 0.0, but would print as "-0 kg"; equal loads must
        # read alike, since exporters remember what a block says by the block.
        if self.kg == 0 and type(self.kg) is float:
            object.__setattr__(self, "kg", 0.0)

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"kg": self.kg, "note": self.note})

    def __str__(self) -> str:
        parts = []
        if self.kg is not None:
            parts.append(f"{self.kg:g} kg")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts)


@dataclass(frozen=True)
class Swap:
    """Why a block holds another exercise than the template's: the one it replaces and the reason."""

    replaces: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"replaces": self.replaces, "reason": self.reason}


@dataclass(frozen=True)
class Block:
    """One exercise in a session: sets of reps, steps or a timed hold, then rest."""

    exercise: str
    sets: int
    rest_seconds: int
    reps: Amount | None = None
    steps: Amount | None = None
    hold_seconds: Amount | None = None
    per_side: bool | None = None
    load: Load | None = None
    notes: str | None = None
    tempo: str | None = None
    swap: Swap | None = None
    variant_of: str | None = None  # the template's exercise, when this block holds a harder variant of it

    __hash__ = _hash_once
    __getstate__ = _state_without_hash

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Block:
        load = d.get("load")
        swap = d.get("swap")
        return cls(
            exercise=d["exercise"],
            sets=d["sets"],
            rest_seconds=d["rest_seconds"],
            reps=Amount.from_json(d.get("reps")),
            steps=Amount.from_json(d.get("steps")),
            hold_seconds=Amount.from_json(d.get("hold_seconds")),
            per_side=d.get("per_side"),
            load=None if load is None else Load(**load),
            notes=d.get("notes"),
            tempo=d.get("tempo"),
            swap=None if swap is None else Swap(**swap),
            variant_of=d.get("variant_of"),
        )

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(
            {
                "exercise": self.exercise,
                "sets": self.sets,
                "reps": self.reps and self.reps.to_json(),
                "steps": self.steps and self.steps.to_json(),
                "hold_seconds": self.hold_seconds and self.hold_seconds.to_json(),
                "per_side": self.per_side,
                "rest_seconds": self.rest_seconds,
                "load": self.load and self.load.to_dict(),
                "notes": self.notes,
                "tempo": self.tempo,
                "swap": self.swap and self.swap.to_dict(),
                "variant_of": self.variant_of,
            }
        )

    @property
    def dose(self) -> tuple[str, Amount]:
        """What one set asks for: ("reps" | "steps" | "hold_seconds", amount). Exactly one is set."""
        for unit in ("reps", "steps", "hold_seconds"):
            amount = getattr(self, unit)
            if amount is not None:
                return unit, amount
        raise ValueError(f"block for {self.exercise!r} has no reps, steps or hold")

    def describe_dose(self, exercise: Exercise) -> str:
        """The prescription as a coach writes it: ``2 x 12 / side``, ``2 x 20-30 s / side``."""
        unit, amount = self.dose
        text = {"reps": f"{amount}", "steps": f"{amount} steps", "hold_seconds": f"{amount} s"}[unit]
        side = " / side" if self.sides(exercise) == 2 else ""
        return f"{self.sets} x {text}{side}"

    def sides(self, exercise: Exercise) -> int:
        """2 when each set is done once per side, else 1."""
        return 2 if (exercise.per_side if self.per_side is None else self.per_side) else 1


@dataclass(frozen=True)
class Session:
    id: str
    date: dt.date
    start_time: dt.time
    title: str
    kind: str
    minutes: int
    blocks: tuple[Block, ...]
    load: str | None = None
    week: int | None = None
    notes: str | None = None
    run: str | None = None  # the athlete's run that day

    __hash__ = _hash_once
    __getstate__ = _state_without_hash

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Session:
        return cls(
            id=d["id"],
            date=dt.date.fromisoformat(d["date"]),
            start_time=dt.time.fromisoformat(d["start_time"]),
            title=d["title"],
            kind=d["kind"],
            minutes=d["minutes"],
            blocks=tuple(Block.from_dict(b) for b in d["blocks"]),
            load=d.get("load"),
            week=d.get("week"),
            notes=d.get("notes"),
            run=d.get("run"),
        )

    def to_dict(self, part: Callable[[Any], Any] | None = None) -> dict[str, Any]:
        """``part`` makes each block's value (its dict by default)."""
        return _drop_none(
            {
                "id": self.id,
                "date": self.date.isoformat(),
                "start_time": self.start_time.strftime("%H:%M"),
                "title": self.title,
                "kind": self.kind,
                "load": self.load,
                "week": self.week,
                "run": self.run,
                "minutes": self.minutes,
                "notes": self.notes,
                "blocks": [part(b) if part else b.to_dict() for b in self.blocks],
            }
        )

    @property
    def file_stem(self) -> str:
        """A file name for this session alone: its date and id (the id once, if it starts with the date)."""
        date = self.date.isoformat()
        return self.id if self.id.startswith(date) else f"{date}-{self.id}"

    @property
    def local_start(self) -> dt.datetime:
        """The naive local start; pair it with the plan's zone (see ``Plan.start_of``)."""
        return dt.datetime.combine(self.date, self.start_time)


@dataclass(frozen=True)
class Athlete:
    id: str
    name: str
    time_zone: str
    runs: dict[str, str] | None = field(default=None, hash=False)  # weekday -> run kind; a day not named is rest

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Athlete:
        runs = d.get("runs")
        return cls(d["id"], d["name"], d["time_zone"], None if runs is None else dict(runs))

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"id": self.id, "name": self.name, "time_zone": self.time_zone, "runs": None if self.runs is None else dict(self.runs)})

    def run_on(self, day: dt.date) -> str | None:
        """The athlete's run on ``day`` (``rest`` on a day not named), or None when the plan does not say."""
        if self.runs is None:
            return None
        return self.runs.get(WEEKDAYS[day.weekday()], "rest")


@dataclass(frozen=True)
class Week:
    """One plan week, Monday to Sunday: when it starts and whether it is a lighter (deload) week."""

    week: int
    starts: dt.date
    deload: bool = False
    note: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Week:
        return cls(d["week"], dt.date.fromisoformat(d["starts"]), d.get("deload", False), d.get("note"))

    def to_dict(self) -> dict[str, Any]:
        return _drop_none({"week": self.week, "starts": self.starts.isoformat(), "deload": self.deload, "note": self.note})


def _cached_part(part: Exercise | Block) -> Any:
    """``part`` for plan.json, its text made once (``jsontext.Cached``) unless it holds a float:
    10 and 10.0 kg are equal parts but are written apart."""
    from .jsontext import Cached

    if isinstance(part, Block) and part.load is not None and type(part.load.kg) is float:
        return part.to_dict()
    return Cached(part)


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    revision: int
    created: dt.datetime  # aware, UTC
    athlete: Athlete
    exercises: tuple[Exercise, ...]
    sessions: tuple[Session, ...]
    description: str | None = None
    weeks: tuple[Week, ...] | None = None
    schema_version: int = SCHEMA_VERSION
    schema_ref: str | None = None  # the document's "$schema", kept so a plan round-trips
    _by_id: dict[str, Exercise] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.exercises})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        return cls(
            schema_ref=d.get("$schema"),
            schema_version=d["schema_version"],
            id=d["id"],
            name=d["name"],
            description=d.get("description"),
            revision=d["revision"],
            created=parse_utc(d["created"]),
            athlete=Athlete.from_dict(d["athlete"]),
            exercises=tuple(Exercise.from_dict(e) for e in d["exercises"]),
            sessions=tuple(Session.from_dict(s) for s in d["sessions"]),
            weeks=None if "weeks" not in d else tuple(Week.from_dict(w) for w in d["weeks"]),
        )

    def to_dict(self, part: Callable[[Any], Any] | None = None) -> dict[str, Any]:
        """The document; ``part`` makes each exercise's and block's value (its dict by default)."""
        return _drop_none(
            {
                "$schema": self.schema_ref,
                "schema_version": self.schema_version,
                "id": self.id,
                "name": self.name,
                "description": self.description,
                "revision": self.revision,
                "created": format_utc(self.created),
                "athlete": self.athlete.to_dict(),
                "exercises": [part(e) if part else e.to_dict() for e in self.exercises],
                "sessions": [s.to_dict(part) for s in self.sessions],
                "weeks": None if self.weeks is None else [w.to_dict() for w in self.weeks],
            }
        )

    def dumps(self, indent: int | None = 2) -> bytes:
        """The normalized plan document as UTF-8 JSON, ending in a newline."""
        if indent:
            from .jsontext import dumps_indented

            text = dumps_indented(self.to_dict(_cached_part), indent)
        else:
            text = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")

    def exercise(self, exercise_id: str) -> Exercise:
        return self._by_id[exercise_id]

    @cached_property
    def ordered_sessions(self) -> tuple[Session, ...]:
        """Sessions by local date and time, then id, so every exporter lists them alike."""
        return tuple(sorted(self.sessions, key=lambda s: (s.date, s.start_time, s.id)))

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.athlete.time_zone)

    def span(self, session: Session) -> tuple[dt.datetime, dt.datetime]:
        """Start and end of ``session`` as aware datetimes in the athlete's zone.

        A start inside a spring-forward gap (02:30 when clocks jump from 02:00 to 03:00)
        is read with the offset before the gap, as RFC 5545 does, and comes back as the
        real wall-clock time (03:30), so every calendar shows the same instant."""
        start_utc = session.local_start.replace(tzinfo=self.zone).astimezone(dt.timezone.utc)
        end_utc = start_utc + dt.timedelta(minutes=session.minutes)
        return start_utc.astimezone(self.zone), end_utc.astimezone(self.zone)

    def week_of(self, session: Session) -> int:
        """The session's plan week: its own ``week``, else counted in Monday-to-Sunday weeks from the first session."""
        if session.week is not None:
            return session.week
        first = self.ordered_sessions[0].date
        first_monday = first - dt.timedelta(days=first.weekday())
        return (session.date - first_monday).days // 7 + 1

    def week(self, number: int) -> Week | None:
        """What the plan says about week ``number`` (None when it says nothing)."""
        return next((w for w in self.weeks or () if w.week == number), None)


def parse_utc(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def format_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

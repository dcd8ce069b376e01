"""The plan template as the builder reads it: session types with ranged doses, the rotation of
strength sessions, the extras, and the figures for timing and progression.

Ranges are written as in plans, ``{min: 2, max: 3}``. Templates written for planport 0.1 still
load: a range written ``[2, 3]`` is read as ``{min: 2, max: 3}``, ``lineups`` give the rotation
(the three-session line-up, in order) and ``lighter_week_every`` is read as ``deload_every``.
The schema marks those forms deprecated, so an editor flags them.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import Problem
from .library import UNITS, Dose, Library
from .model import Amount

#: The session kind each extra must be.
EXTRA_KINDS = {"activation": "activation", "add_on": "add-on", "mobility": "mobility"}


def amount(value: int | list[int] | dict[str, int]) -> Amount:
    """A template range in either form: a number, ``{min, max}``, or the older ``[low, high]``."""
    if isinstance(value, list):
        return Amount(value[0], value[1], True)
    found = Amount.from_json(value)
    assert found is not None
    return found


class Dosed(Protocol):
    """What the estimate reads of a block: its exercise, sets, count and tempo, and its rest."""

    @property
    def exercise(self) -> str: ...
    @property
    def sets(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def amount(self) -> Amount: ...
    @property
    def rest_seconds(self) -> int: ...
    @property
    def tempo(self) -> str | None: ...


@dataclass(frozen=True)
class Timing:
    """Figures for a session's estimated length."""

    seconds_per_rep: float
    seconds_per_step: float
    side_switch_seconds: int
    changeover_seconds: int
    setup_seconds: int

    def work_seconds(self, unit: str, count: float, tempo: str | None = None) -> float:
        """One side of one set: reps at the template's pace (or the tempo's), steps, or the hold."""
        if unit == "reps":
            per_rep = sum(int(part) for part in tempo.split("-")) if tempo else self.seconds_per_rep
            return count * per_rep
        if unit == "steps":
            return count * self.seconds_per_step
        return count


@dataclass(frozen=True)
class Progression:
    weeks_to_top: int
    habit_weeks: int
    deload_every: int = 0
    stage_weeks: int = 3
    max_rise_percent: int = 20


@dataclass(frozen=True)
class TemplateBlock:
    exercise: str
    dose: Dose
    optional: bool = False
    range_in_plan: bool = False
    load: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TemplateBlock:
        return cls(d["exercise"], Dose.from_dict(d, amount), d.get("optional", False), d.get("range_in_plan", False), d.get("load"))


@dataclass(frozen=True)
class SessionType:
    id: str
    title: str
    kind: str  # strength | activation | add-on | mobility
    load: str  # heavy | light | activation | mobility
    blocks: tuple[TemplateBlock, ...]
    place_on: frozenset[str] | None = None
    minutes: Amount | None = None
    notes: str | None = None

    @property
    def heavy(self) -> bool:
        return self.load == "heavy"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SessionType:
        return cls(
            id=d["id"],
            title=d["title"],
            kind=d["kind"],
            load=d["load"],
            blocks=tuple(TemplateBlock.from_dict(b) for b in d["blocks"]),
            place_on=frozenset(d["place_on"]) if "place_on" in d else None,
            minutes=Amount.from_json(d.get("minutes")),
            notes=d.get("notes"),
        )


@dataclass(frozen=True)
class Template:
    """A checked template with its exercise library."""

    id: str
    name: str
    timing: Timing
    progression: Progression
    rotation: tuple[str, ...]
    extras: Mapping[str, str] = field(hash=False)  # activation / add_on / mobility -> session type id
    session_types: Mapping[str, SessionType] = field(hash=False)
    exercises: Library = field(hash=False, compare=False)  # the template's exercise library
    source: str = ""
    description: str | None = None
    # The documents as read, for a fingerprint of the inputs (the batch reuses plans built from the same ones).
    data: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)
    library_data: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], library: Library, source: str = "", library_data: Mapping[str, Any] | None = None) -> Template:
        progression = data["progression"]
        deload = progression.get("deload_every", progression.get("lighter_week_every", 0))
        rotation = data["rotation"] if "rotation" in data else data["lineups"]["3"]
        return cls(
            id=data["id"],
            name=data["name"],
            description=data.get("description"),
            timing=Timing(**data["timing"]),
            progression=Progression(
                progression["weeks_to_top"],
                progression["habit_weeks"],
                deload,
                progression.get("stage_weeks", 3),
                progression.get("max_rise_percent", 20),
            ),
            rotation=tuple(rotation),
            extras=dict(data.get("extras", {})),
            session_types={t["id"]: SessionType.from_dict(t) for t in data["session_types"]},
            exercises=library,
            source=source,
            data=data,
            library_data=library_data or {},
        )

    @property
    def fingerprint(self) -> str:
        """A digest of the template and library documents: equal when a rebuild would give the same plans."""
        text = json.dumps([self.data, self.library_data], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def estimate_seconds(self, blocks: Sequence[Dosed], kinds: Mapping[str, bool]) -> float:
        """Setup, changeovers, and per block: sets x (sides x work + side switches + rest).

        ``blocks`` have ``exercise``, ``sets``, ``unit``, ``amount`` (its middle counts),
        ``rest_seconds`` and ``tempo``; ``kinds`` maps exercise id -> per side."""
        timing = self.timing
        total: float = timing.setup_seconds + timing.changeover_seconds * (len(blocks) - 1)
        for block in blocks:
            sides = 2 if kinds[block.exercise] else 1
            work = timing.work_seconds(block.unit, block.amount.middle, block.tempo)
            total += block.sets * (sides * work + (sides - 1) * timing.side_switch_seconds + block.rest_seconds)
        return total

    def estimate_minutes(self, blocks: Sequence[Dosed]) -> int:
        per_side = {b.exercise: self.exercises[b.exercise].exercise.per_side for b in blocks}
        return max(1, math.ceil(self.estimate_seconds(blocks, per_side) / 60))


# --- checks a schema cannot express (registered in the gate) --------------------------


def _duplicates(items: list[Mapping[str, Any]], key: str, where: str, what: str) -> list[Problem]:
    first: dict[Any, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item[key] in first:
            problems.append(Problem(f"{where}/{i}/{key}", f"duplicate {what} {item[key]!r}, first at {where}/{first[item[key]]}/{key}"))
        first.setdefault(item[key], i)
    return problems


def _low_high(value: Any) -> tuple[int, int] | None:
    if isinstance(value, list):
        return value[0], value[1]
    if isinstance(value, dict):
        return value["min"], value["max"]
    return None


def template_problems(data: Mapping[str, Any]) -> list[Problem]:
    """What a schema-valid template can still get wrong; the exercises are checked against the library when it loads."""
    problems = _duplicates(data["session_types"], "id", "/session_types", "session type id")
    types = {t["id"]: t for t in data["session_types"]}
    if "rotation" in data:
        strength_lists = [("/rotation", data["rotation"])]
    elif "lineups" in data:
        strength_lists = [(f"/lineups/{size}", lineup) for size, lineup in data["lineups"].items()]
    else:
        strength_lists = []
        problems.append(Problem("", "give the rotation of strength session types"))
    for where, ids in strength_lists:
        for i, type_id in enumerate(ids):
            if type_id not in types:
                problems.append(Problem(f"{where}/{i}", f"unknown session type {type_id!r}"))
            elif types[type_id]["kind"] != "strength":
                problems.append(Problem(f"{where}/{i}", f"{type_id!r} is a {types[type_id]['kind']} session, not strength"))
        if len(set(ids)) != len(ids):
            problems.append(Problem(where, "a session type appears twice"))
    progression = data["progression"]
    for key in ("deload_every", "lighter_week_every"):
        if progression.get(key) in (1, 2):
            problems.append(Problem(f"/progression/{key}", f"a deload every {progression[key]} weeks leaves too few weeks to build; use 0 (none) or 3 to 12"))
    for name, type_id in data.get("extras", {}).items():
        if type_id not in types:
            problems.append(Problem(f"/extras/{name}", f"unknown session type {type_id!r}"))
        elif types[type_id]["kind"] != EXTRA_KINDS[name]:
            problems.append(Problem(f"/extras/{name}", f"{type_id!r} is a {types[type_id]['kind']} session; {name} needs a {EXTRA_KINDS[name]} one"))
    for i, t in enumerate(data["session_types"]):
        at = f"/session_types/{i}"
        if t["kind"] != "strength" and "minutes" not in t:
            problems.append(Problem(at, f"a {t['kind']} session needs its own minutes window"))
        window = t.get("minutes")
        if window and window["min"] > window["max"]:
            problems.append(Problem(f"{at}/minutes", f"min {window['min']} is greater than max {window['max']}"))
        for j, run in enumerate(t.get("place_on", [])):
            if run == "long":
                problems.append(Problem(f"{at}/place_on/{j}", "nothing goes on the long-run day (rule 1)"))
        for j, block in enumerate(t["blocks"]):
            for unit in ("sets", *UNITS):
                pair = _low_high(block.get(unit))
                if pair and pair[0] > pair[1]:
                    problems.append(Problem(f"{at}/blocks/{j}/{unit}", f"min {pair[0]} is greater than max {pair[1]}"))
            top = _low_high(block["sets"]) or (block["sets"], block["sets"])
            if top[1] > 10:
                problems.append(Problem(f"{at}/blocks/{j}/sets", "more than 10 sets"))
    return problems

"""The exercise library as the builder reads it: each exercise described in a closed vocabulary,
its own dose, its progressions, and the choice of a stand-in when equipment is missing (rule 7).

The vocabulary (``schemas/exercise-library.schema.json``) describes what an exercise trains:
its movement pattern, prime movers, plane, whether it works one side at a time, and a
difficulty from 1 to 3. A swap picks the exercise the athlete can do whose description is
closest; that makes "no band" on a monster walk give another lateral-hip move, never a
hip-flexor one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .errors import Problem
from .model import Amount, Exercise

UNITS = ("reps", "steps", "hold_seconds")
#: Kinds a swap may cross between: a stretch can stand in for a mobility drill and back, never for strength.
KIND_GROUP = {"strength": "strength", "mobility": "mobility", "stretch": "mobility"}


@dataclass(frozen=True)
class Dose:
    """Sets of a count (reps, steps or hold seconds), then rest; ranges progress from low to high."""

    sets: Amount
    unit: str
    amount: Amount
    rest_seconds: int

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], amount_of: Callable[[Any], Amount] | None = None) -> Dose:
        """A dose from a document; ``amount_of`` reads a range (the plan's form by default)."""
        read = amount_of or _amount
        unit = next(u for u in UNITS if u in d)
        return cls(read(d["sets"]), unit, read(d[unit]), d["rest_seconds"])


def _amount(value: int | dict[str, int]) -> Amount:
    found = Amount.from_json(value)
    assert found is not None
    return found



@dataclass(frozen=True)
class Stage:
    """One step past the top of the ranges: a tempo, a load (band, dumbbell) or a harder variant."""

    kind: str  # tempo | load | exercise
    value: str  # "3-1-1", "a light band above the knees", or an exercise id
    needs: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Stage:
        kind = next(k for k in ("tempo", "load", "exercise") if k in d)
        return cls(kind, d[kind], frozenset(d.get("needs", ())))


@dataclass(frozen=True)
class LibraryExercise:
    """An exercise as the library holds it: the plan's definition plus its dose and progressions."""

    exercise: Exercise
    dose: Dose
    progressions: tuple[Stage, ...] = ()

    @property
    def id(self) -> str:
        return self.exercise.id

    @cached_property
    def equipment(self) -> frozenset[str]:
        return frozenset(self.exercise.equipment)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LibraryExercise:
        plan_fields = {k: v for k, v in d.items() if k not in ("dose", "progressions")}
        stages = tuple(Stage.from_dict(s) for s in d.get("progressions", ()))
        return cls(Exercise.from_dict(plan_fields), Dose.from_dict(d["dose"]), stages)

    def ladder(self) -> tuple[Stage, ...]:
        """The progression past the top: the library's, or a slower tempo for a strength exercise counted in reps."""
        if self.progressions:
            return self.progressions
        if self.exercise.kind == "strength" and self.dose.unit == "reps":
            return (Stage("tempo", "3-1-1"),)
        return ()


class Library:
    """Exercises by id, in library order."""

    def __init__(self, exercises: Iterable[LibraryExercise], name: str = ""):
        self.name = name
        self.exercises: dict[str, LibraryExercise] = {e.id: e for e in exercises}
        # Stand-ins by (originals, equipment, exclusions): a roster asks the same questions again and again.
        self._stand_ins: dict[tuple[tuple[str, ...], frozenset[str], frozenset[str]], list[LibraryExercise | None]] = {}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Library:
        return cls((LibraryExercise.from_dict(e) for e in data["exercises"]), data["name"])

    def __getitem__(self, exercise_id: str) -> LibraryExercise:
        return self.exercises[exercise_id]

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self.exercises

    def candidates(self, original: LibraryExercise, have: frozenset[str], exclude: set[str]) -> list[LibraryExercise]:
        """Exercises that could stand in for ``original``: same kind of work, only ``have`` needed, not in ``exclude``; closest first.

        A coach's ``alternatives`` on the original come first, in their order; then the
        closest by description; the library's order breaks ties."""
        preferred = list(original.exercise.alternatives or ())
        found = []
        for order, candidate in enumerate(self.exercises.values()):
            if candidate.id == original.id or candidate.id in exclude or not candidate.equipment <= have:
                continue
            if KIND_GROUP[candidate.exercise.kind] != KIND_GROUP[original.exercise.kind]:
                continue
            rank = preferred.index(candidate.id) if candidate.id in preferred else len(preferred)
            found.append(((rank, distance(original.exercise, candidate.exercise), order), candidate))
        return [candidate for _, candidate in sorted(found, key=lambda pair: pair[0])]

    def stand_ins(self, originals: list[LibraryExercise], have: frozenset[str], exclude: set[str]) -> list[LibraryExercise | None]:
        """A stand-in for each of ``originals``, all different and none in ``exclude``.

        Each takes its closest candidate not taken yet, in session order; when every one is
        taken, one holding it moves to its next choice (an augmenting path, as in bipartite
        matching), so a session is never one exercise short while a free option exists."""
        key = (tuple(o.id for o in originals), have, frozenset(exclude))
        if key not in self._stand_ins:
            self._stand_ins[key] = self._match(originals, have, exclude)
        return list(self._stand_ins[key])

    def _match(self, originals: list[LibraryExercise], have: frozenset[str], exclude: set[str]) -> list[LibraryExercise | None]:
        choices = [self.candidates(o, have, exclude) for o in originals]
        holder: dict[str, int] = {}  # exercise id -> index of the original it stands in for

        def seat(i: int, visited: set[str]) -> bool:
            for candidate in choices[i]:
                if candidate.id in visited:
                    continue
                visited.add(candidate.id)
                if candidate.id not in holder or seat(holder[candidate.id], visited):
                    holder[candidate.id] = i
                    return True
            return False

        for i in range(len(originals)):
            free = next((c for c in choices[i] if c.id not in holder), None)
            if free is not None:
                holder[free.id] = i  # its closest free option: earlier exercises keep theirs
            else:
                seat(i, set())
        chosen: list[LibraryExercise | None] = [None] * len(originals)
        for exercise_id, i in holder.items():
            chosen[i] = self.exercises[exercise_id]
        return chosen

def distance(a: Exercise, b: Exercise) -> float:
    """How unlike two exercises are: the movement first, then the muscles, plane, sidedness and difficulty."""
    score = 0.0
    if a.kind != b.kind:
        score += 3
    if a.pattern != b.pattern:
        score += 10
    movers_a, movers_b = set(a.prime_movers or ()), set(b.prime_movers or ())
    if movers_a | movers_b:
        score += 4 * (1 - len(movers_a & movers_b) / len(movers_a | movers_b))
    if a.plane != b.plane:
        score += 2
    if a.unilateral != b.unilateral:
        score += 1
    if a.difficulty is not None and b.difficulty is not None:
        step = b.difficulty - a.difficulty
        score += 1.5 * step if step > 0 else -step  # a harder stand-in is worse than an easier one
    return score


# --- checks a schema cannot express (registered in the gate) --------------------------


def library_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Dose ranges in order; progressions that name real exercises the builder can put in the same block."""
    exercises = data["exercises"]
    by_id = {e["id"]: e for e in exercises}
    problems = []
    for i, e in enumerate(exercises):
        dose = e["dose"]
        for key in ("sets", *UNITS):
            value = dose.get(key)
            if isinstance(value, dict) and value["min"] > value["max"]:
                problems.append(Problem(f"/exercises/{i}/dose/{key}", f"min {value['min']} is greater than max {value['max']}"))
        unit = next(u for u in UNITS if u in dose)
        for j, stage in enumerate(e.get("progressions", [])):
            at = f"/exercises/{i}/progressions/{j}"
            if "tempo" in stage and unit != "reps":
                problems.append(Problem(f"{at}/tempo", f"a tempo needs a dose in reps; {e['id']!r} is dosed in {unit}"))
            if "exercise" not in stage:
                continue
            other = by_id.get(stage["exercise"])
            if other is None:
                problems.append(Problem(f"{at}/exercise", f"unknown exercise {stage['exercise']!r}"))
            elif other["id"] == e["id"]:
                problems.append(Problem(f"{at}/exercise", "an exercise cannot be its own harder variant"))
            elif next(u for u in UNITS if u in other["dose"]) != unit or other["per_side"] != e["per_side"] or other["kind"] != e["kind"]:
                # A variant takes over the block's dose, so it must be counted the same way.
                problems.append(Problem(f"{at}/exercise", f"{other['id']!r} is not counted like {e['id']!r} (kind, {unit}, per_side), so it cannot take over its dose"))
    return problems

"""How a session type's dose moves week by week (rule 6).

Up to the top of its ranges, a session type climbs a ladder of small steps: one more rep (or
step, or five seconds of hold) on one exercise, then, once the counts are at the top, one more
set on one exercise. Each session of the type takes as many steps as its week's target asks
(bottom for a new athlete, middle for a returning one, top for an experienced one, reaching
the top over ``weeks_to_top``), but its work never rises more than ``max_rise_percent`` over the
last session of its type unless a single step is all that is left to take.

Past the top, each strength exercise takes the next step of its library progressions every
``stage_weeks`` weeks, the exercises of a session staggered a week apart: a slower tempo, a band
or a dumbbell, a harder variant that keeps the dose. A step that would make the session longer
than its window, or that needs equipment the athlete lacks, is skipped. The work (sets x count x
sides) stays level: harder, not more.

A deload week takes a set off each strength exercise and adds nothing; the next week returns
to where the type was and climbs from there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .library import Library, Stage
from .model import Amount


@dataclass(frozen=True)
class Dosed:
    """One block as a session prescribes it (the builder turns it into a plan block)."""

    exercise: str
    sets: int
    unit: str
    amount: Amount
    rest_seconds: int
    tempo: str | None = None
    load: str | None = None
    swap: tuple[str, str] | None = None  # (the template's exercise, the reason)
    variant_of: str | None = None
    notes: str | None = None
    strength: bool = True
    optional: bool = False
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        # Sessions repeat: blocks are looked up by value for minutes and plan blocks, so hash once.
        object.__setattr__(self, "_hash", hash((self.exercise, self.sets, self.unit, self.amount, self.rest_seconds, self.tempo, self.load, self.swap, self.variant_of, self.notes)))

    def __hash__(self) -> int:
        return self._hash


#: Whether a session of these blocks keeps to its window (and ends by midnight).
Fits = Callable[[list[Dosed]], bool]


@dataclass
class Slot:
    """One block of a session type for one athlete: its exercise (after any swap), ranges and progress past the top."""

    exercise: str
    per_side: bool
    strength: bool
    unit: str
    sets: Amount
    amount: Amount
    rest_seconds: int
    optional: bool = False
    range_in_plan: bool = False
    load: str | None = None
    swap: tuple[str, str] | None = None
    ladder: tuple[Stage, ...] = ()
    next_stage: int = 0
    stages_taken: int = 0
    tempo: str | None = None
    variant_of: str | None = None

    @property
    def count_step(self) -> int:
        return 5 if self.unit == "hold_seconds" else 1

    def counts(self) -> list[int]:
        """The counts above the bottom that the ladder climbs through, up to the top."""
        if self.range_in_plan:
            return []
        low, high = self.amount.low, self.amount.high
        return list(range(low + self.count_step, high, self.count_step)) + ([high] if high > low else [])


#: First words of exercise names that keep their capital inside a sentence.
PROPER_WORDS = frozenset({"Bulgarian", "Romanian", "Copenhagen", "Nordic"})


def in_sentence(name: str) -> str:
    """An exercise name as it reads inside a sentence: "reverse lunge", but "Bulgarian split squat"."""
    return name if name.split()[0] in PROPER_WORDS else name[:1].lower() + name[1:]


def _describe(stage: Stage, name: str, library: Library) -> tuple[str, str | None]:
    """A session note for a stage taken today, and the block note it leaves."""
    if stage.kind == "tempo":
        down, pause, up = stage.value.split("-")
        return f"New: the {in_sentence(name)} at tempo {stage.value}.", f"Tempo {stage.value}: {down} s down, {pause} s pause, {up} s up."
    if stage.kind == "load":
        return f"New: {stage.value} for the {in_sentence(name)}.", None
    variant = library[stage.value].exercise.name
    return (
        f"New: the {in_sentence(variant)} in place of the {in_sentence(name)}, a harder variant at the same dose.",
        f"A harder variant of the {in_sentence(name)}.",
    )


@dataclass
class TypeProgress:
    """The progress of one session type for one athlete, advanced one session at a time."""

    slots: list[Slot]
    library: Library
    start: float  # where the first session sits between bottom (0) and top (1)
    span: int  # training weeks from the first session to the top
    rise: float
    stage_weeks: int
    have: frozenset[str]
    stages: bool  # strength types progress past the top; extras stay at it
    elsewhere: frozenset[str] = frozenset()  # exercises of the other strength sessions: a variant should not repeat one
    ladder: list[tuple[int, str]] = field(init=False)
    taken: set[int] = field(default_factory=set)  # ladder steps taken so far
    first: int | None = None  # training week of the first session
    top: int | None = None  # training week the ladder was complete
    last_work: float = 0.0
    block_notes: dict[int, str] = field(default_factory=dict)
    cursor: int = 0  # the strength exercise whose turn it is to progress
    _version: int = 0  # bumped on every change to the slots or the steps taken
    _dosed_cache: dict[tuple[int, bool], list[Dosed]] = field(default_factory=dict)
    stepped: dict[int, int] = field(default_factory=dict)  # slot -> training week of its last progression step

    def __post_init__(self) -> None:
        self._counts = [slot.counts() for slot in self.slots]
        counts = [(i, "count") for i, c in enumerate(self._counts) for _ in c]
        sets = [(i, "sets") for i, s in enumerate(self.slots) for _ in range(s.sets.high - s.sets.low)]
        # Round robin: every exercise gains a rep before any gains a second, and sets come after counts.
        self.ladder = _round_robin(counts) + _round_robin(sets)
        self._level_cache: dict[frozenset[int], list[tuple[int, int]]] = {}

    def _levels(self, taken: set[int]) -> list[tuple[int, int]]:
        """(sets, count) of each slot once the ladder steps ``taken`` are taken."""
        key = frozenset(taken)
        if key not in self._level_cache:
            levels = [[s.sets.low, s.amount.low] for s in self.slots]
            climbed = [0] * len(self.slots)
            for n, (i, what) in enumerate(self.ladder):
                if n not in key:
                    continue
                if what == "sets":
                    levels[i][0] += 1
                else:
                    levels[i][1] = self._counts[i][climbed[i]]
                    climbed[i] += 1
            self._level_cache[key] = [(a, b) for a, b in levels]
        return self._level_cache[key]

    def _work(self, taken: set[int]) -> float:
        """Sets x count x sides of the strength exercises."""
        return float(sum(sets * count * (2 if s.per_side else 1) for s, (sets, count) in zip(self.slots, self._levels(taken)) if s.strength))

    def _climb(self, taken: set[int], limit: float) -> set[int]:
        """``taken`` plus every further step, in ladder order, that keeps the work at most ``limit``.

        A slot's counts climb in order; a step too big for the limit is passed over for
        smaller ones after it, so a session gets as close to the limit as the steps allow."""
        taken = set(taken)
        for n, (i, what) in enumerate(self.ladder):
            if n in taken:
                continue
            if what == "count" and any(m not in taken for m, (j, w) in enumerate(self.ladder[:n]) if j == i and w == "count"):
                continue
            if self._work(taken | {n}) <= limit + 1e-9:
                taken.add(n)
        return taken

    def _next_step(self, taken: set[int]) -> set[int]:
        """``taken`` plus the step that adds the least work."""
        open_steps = [n for n, (i, what) in enumerate(self.ladder) if n not in taken
                      and not (what == "count" and any(m not in taken for m, (j, w) in enumerate(self.ladder[:n]) if j == i and w == "count"))]
        if not open_steps:
            return taken
        return taken | {min(open_steps, key=lambda n: (self._work(taken | {n}), n))}

    def session(self, week: int, deload: bool, fits: Fits) -> tuple[list[Dosed], list[str]]:
        """The blocks of this type's session in training week ``week`` (deload weeks are not counted) and notes on what changed.

        ``fits(blocks)`` says whether a session of those blocks keeps to its window."""
        notes: list[str] = []
        if len(self.taken) == len(self.ladder) and self.top is not None:
            if not deload and self.stages:
                notes += self._stages(week, fits)
            return self._dosed(deload), notes  # at the top: only progression steps change it
        bottom, top = self._work(set()), self._work(set(range(len(self.ladder))))
        if self.first is None:
            self.first = week
            self.taken = self._climb(set(), bottom + self.start * (top - bottom))
            self._version += 1
        elif not deload and len(self.taken) < len(self.ladder):
            fraction = min(1.0, self.start + (1 - self.start) * (week - self.first) / self.span)
            wanted = bottom + fraction * (top - bottom)
            now = self._work(self.taken)
            climbed = self._climb(self.taken, min(wanted, self.last_work * (1 + self.rise)))
            if climbed == self.taken and wanted > now + 1e-9:
                climbed = self._next_step(self.taken)  # the smallest step is all there is; take it rather than stall
            if climbed != self.taken:
                self.taken, self._version = climbed, self._version + 1
        if len(self.taken) == len(self.ladder) and self.top is None:
            self.top = week
        if not deload:
            self.last_work = self._work(self.taken)
            if self.stages and self.top is not None:
                notes += self._stages(week, fits)
        return self._dosed(deload), notes

    @property
    def finished(self) -> bool:
        """At the top of every range with every progression step taken or passed over."""
        return self.top is not None and all(s.next_stage >= len(s.ladder) for s in self.slots if s.strength)

    def _stages(self, week: int, fits: Fits) -> list[str]:
        """One progression step a session: the next exercise, in turn, whose last step is at
        least ``stage_weeks`` weeks old (the top counts as a step) and that has one left."""
        assert self.top is not None
        strength = [i for i, s in enumerate(self.slots) if s.strength]
        for k in range(len(strength)):
            i = strength[(self.cursor + k) % len(strength)]
            slot = self.slots[i]
            if week - self.stepped.get(i, self.top) < self.stage_weeks:
                continue
            while slot.next_stage < len(slot.ladder):
                stage = slot.ladder[slot.next_stage]
                slot.next_stage += 1  # a step that cannot be taken now is passed over for good
                before, before_note = replace(slot), self.block_notes.get(i)
                name = self.library[slot.exercise].exercise.name
                taken = self._take(slot, stage, i)
                self._version += 1
                if not taken or not fits(self._dosed(False)):
                    self.slots[i] = slot = before
                    if before_note is not None:
                        self.block_notes[i] = before_note
                    self._version += 1
                    continue
                slot.stages_taken += 1
                self.stepped[i] = week
                self.cursor = (self.cursor + k + 1) % len(strength)
                note, block_note = _describe(stage, name, self.library)
                if block_note:
                    self.block_notes[i] = block_note
                self._version += 1
                return [note]
        return []

    def _take(self, slot: Slot, stage: Stage, index: int) -> bool:
        if not stage.needs <= self.have:
            return False
        if stage.kind == "tempo":
            if slot.unit != "reps":
                return False
            slot.tempo = stage.value
            return True
        if stage.kind == "load":
            slot.load = stage.value
            return True
        variant = self.library[stage.value]
        others = {s.exercise for j, s in enumerate(self.slots) if j != index}
        if not variant.equipment <= self.have or variant.id in others or variant.id in self.elsewhere:
            return False
        slot.variant_of = slot.variant_of or slot.exercise
        slot.exercise = variant.id
        slot.ladder, slot.next_stage = variant.ladder(), 0
        slot.tempo = slot.load = None  # the variant is the harder part now
        self.block_notes.pop(index, None)
        return True

    def _dosed(self, deload: bool) -> list[Dosed]:
        """The blocks as they stand; the same list while nothing changes, so repeats cost nothing."""
        key = (self._version, deload)
        if key not in self._dosed_cache:
            self._dosed_cache[key] = self._make_dosed(deload)
        return self._dosed_cache[key]

    def _make_dosed(self, deload: bool) -> list[Dosed]:
        blocks = []
        for i, (slot, (sets, count)) in enumerate(zip(self.slots, self._levels(self.taken))):
            if deload and slot.strength:
                sets = max(1, sets - 1)
            amount = slot.amount if slot.range_in_plan else Amount(count, count, False)
            blocks.append(Dosed(slot.exercise, sets, slot.unit, amount, slot.rest_seconds, slot.tempo, slot.load, slot.swap, slot.variant_of, self.block_notes.get(i), slot.strength, slot.optional))
        return blocks


def _round_robin(steps: list[tuple[int, str]]) -> list[tuple[int, str]]:
    by_slot: dict[int, list[tuple[int, str]]] = {}
    for step in steps:
        by_slot.setdefault(step[0], []).append(step)
    ordered = []
    for n in range(max((len(v) for v in by_slot.values()), default=0)):
        ordered += [v[n] for _, v in sorted(by_slot.items()) if n < len(v)]
    return ordered


def start_and_span(level: str, weeks_to_top: int) -> tuple[float, int]:
    """Where a session type's first session sits (0 bottom, 1 top) and in how many training weeks it reaches the top."""
    if level == "experienced":
        return 1.0, 1
    if level == "returning":
        return 0.5, max(1, weeks_to_top - 2)
    return 0.0, max(1, weeks_to_top - 1)


def minutes_ceiling(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))

"""FIT workout files from plan sessions: the messages planport decides on, and their encoding.

Each block becomes an exercise step per side (reps, or a timed hold in milliseconds) with
the FIT exercise category and name, a rest step, and a repeat step for the sets. A workout
does not end on a rest countdown: the last block's final set has no rest after it (what
Garmin Connect's ``skipLastRestStep`` does). A session longer than a watch takes (50 steps,
repeat steps included) is split at block boundaries into parts named ``1/2``, ``2/2``.

Everything is checked before the first byte is encoded: the SDK leaves a half-written
message behind when a field fails, so an Encoder is never reused after an error. All
encoding goes through ``encode``: a file's own messages (file_id, workout) and its steps and
titles as a tail, which follow from the blocks alone and recur across a roster.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from functools import cache

from garmin_fit_sdk import Profile

from planport import InputError, Plan, Problem
from planport.core.model import Block, Exercise, Session

from . import encoder as encoder_module
from . import legacy, names

MANUFACTURER = "development"
#: A product number for planport under the development manufacturer id.
PRODUCT = 0x5050
PRODUCT_NAME = "planport"
MEDIA_TYPE = "application/vnd.ant.fit"
#: The most steps a Garmin workout takes, repeat steps included.
MAX_STEPS = 50
MESG_NUM = Profile["mesg_num"]
COMPAT = ("current", "legacy")


@cache
def _categories() -> dict[str, int]:
    return {name: num for num, name in Profile["types"]["exercise_category"].items()}


@cache
def _names(category: str) -> dict[str, int]:
    return {name: num for num, name in Profile["types"].get(f"{category}_exercise_name", {}).items()}


def fit_numbers(exercise: Exercise) -> tuple[int, int]:
    """The exercise's (exercise_category, exercise_name) numbers from the FIT profile; KeyError naming the bad part."""
    category = _categories().get(exercise.fit.category)
    if category is None:
        raise KeyError("category")
    name = _names(exercise.fit.category).get(exercise.fit.exercise_name)
    if name is None:
        raise KeyError("exercise_name")
    return category, name


@dataclass(frozen=True)
class Mapping:
    """What a step says the exercise is: FIT numbers, and the title a watch shows for them (or None)."""

    category: int
    name: int
    title: str | None


_NOT_WORD = re.compile(r"[^a-z0-9]+")


@cache  # a library's few names, asked for at every step of every workout
def _words(text: str) -> tuple[str, ...]:
    return tuple(w.removesuffix("s") for w in _NOT_WORD.split(text.lower()) if w)


def says_the_same(exercise: Exercise) -> bool:
    """Whether the FIT name reads as the library's name (``side_lying_leg_raise`` for "Side-lying leg raise")."""
    return exercise.fit.title is None and _words(exercise.fit.exercise_name) == _words(exercise.name)


@functools.lru_cache(maxsize=1024)  # a library's few exercises, asked for at every block of every workout
def mapping(exercise: Exercise, compat: str = "current") -> Mapping:
    """The step's numbers and title; KeyError("category" | "exercise_name" | "legacy") when there are none.

    The title is the library's name (its ``fit.title``, else its ``name``), written whenever the
    FIT name does not already say it, so a watch never names a different move."""
    category, name = fit_numbers(exercise)
    title = None if says_the_same(exercise) else names.shorten(exercise.fit.title or exercise.name, names.NAME_BYTES)
    if compat == "legacy":
        known = legacy.in_21_94(exercise.fit.category, category, name)
        pair = legacy.legacy_pair(exercise.fit.category, exercise.fit.exercise_name, known)
        if pair is None:
            raise KeyError("legacy")
        if not known:
            category, name = _categories()[pair[0]], _names(pair[0])[pair[1]]
            title = names.shorten(exercise.fit.title or exercise.name, names.NAME_BYTES)
    return Mapping(category, name, title)


def serial_number(plan: Plan, session: Session, part: int = 0) -> int:
    """Non-zero (0 is the invalid value of uint32z), unique per file, the same on every export."""
    key = f"{plan.athlete.id}/{plan.id}/{session.id}" + (f"/{part}" if part else "")
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 0xFFFFFFFE + 1


def is_flexibility(exercises: tuple[Exercise, ...]) -> bool:
    return all(e.kind in ("stretch", "mobility") for e in exercises)


# --- steps ---------------------------------------------------------------------------


def step_count(plan: Plan, block: Block, last: bool) -> int:
    """How many steps ``_block_steps`` writes for ``block`` (``last``: it ends the workout)."""
    return _step_count(block, plan.exercise(block.exercise), last)


def _step_count(block: Block, exercise: Exercise, last: bool) -> int:
    sides = block.sides(exercise)
    rest = 1 if block.rest_seconds else 0
    if not (last and rest):
        return sides + rest + (block.sets > 1)
    if block.sets == 1:
        return sides
    return sides + rest + (block.sets > 2) + sides


def block_notes(block: Block, exercise: Exercise) -> str:
    """The step's notes, most useful first, in what a watch screen holds: dose (with any range), tempo, load, cue."""
    return names.notes([
        block.describe_dose(exercise),
        f"tempo {block.tempo}" if block.tempo else "",
        str(block.load) if block.load else "",
        block.notes or exercise.how_to[0],
    ])


# A roster's plans share most blocks; the steps of one are made once per process (``_steps``
# hands out fresh dicts, since it numbers them).
@functools.lru_cache(maxsize=4096)
def _block_steps(block: Block, exercise: Exercise, first_index: int, last: bool, compat: str) -> tuple[dict, ...]:
    """The steps for one block: an exercise step per side, rest, then a repeat for the sets.

    When ``last``, the final set has no rest after it: the sets before it loop with their
    rest, and the final one follows the repeat on its own."""
    fit = mapping(exercise, compat)
    unit, amount = block.dose
    if unit == "hold_seconds":
        duration = {"duration_type": "time", "duration_value": amount.low * 1000}
    else:  # reps, or steps for a walking drill; a range is written as its lower end
        duration = {"duration_type": "reps", "duration_value": amount.low}
    text = block_notes(block, exercise)
    sides = ["left", "right"] if block.sides(exercise) == 2 else [None]

    def one_set() -> list[dict]:
        steps = []
        for side in sides:
            step = {
                "wkt_step_name": names.exercise_label(exercise.name, side),
                **duration,
                "target_type": "open",
                "intensity": "active",
                "exercise_category": fit.category,
                "exercise_name": fit.name,
                "notes": text,
            }
            if block.load and block.load.kg is not None:
                step["exercise_weight"] = float(block.load.kg)
                step["weight_display_unit"] = "kilogram"
            steps.append(step)
        return steps

    # A rest step carries no exercise_category: category 0 would read as bench press.
    rest = [{"wkt_step_name": "Rest", "duration_type": "time", "duration_value": block.rest_seconds * 1000, "target_type": "open", "intensity": "rest"}] if block.rest_seconds else []

    def repeat(times: int) -> list[dict]:
        return [{"duration_type": "repeat_until_steps_cmplt", "duration_value": first_index, "target_value": times, "target_type": "open"}] if times > 1 else []

    if last and rest and block.sets > 1:
        steps = one_set() + rest + repeat(block.sets - 1) + one_set()
    elif last and rest:
        steps = one_set()
    else:
        steps = one_set() + rest + repeat(block.sets)
    assert len(steps) == _step_count(block, exercise, last)
    return tuple(steps)


# --- workouts: a session, or a part of one ---------------------------------------------


@dataclass(frozen=True)
class Workout:
    """One workout file: a session's blocks (all, or one part of them) and its watch name."""

    session: Session
    blocks: tuple[Block, ...]
    part: int  # 1-based; 0 when the session is not split
    parts: int
    name: str

    @property
    def path(self) -> str:
        stem = self.session.file_stem
        return f"fit/{stem}.fit" if not self.part else f"fit/{stem}-part{self.part}.fit"


def split_blocks(plan: Plan, blocks: tuple[Block, ...], limit: int = MAX_STEPS) -> list[tuple[Block, ...]]:
    """``blocks`` in as few parts as keep each within ``limit`` steps, the parts as even as can be.

    Parts break between blocks (a block is at most six steps), so every part is a workout
    of its own whose repeats point inside it."""
    n = len(blocks)
    middle = [step_count(plan, b, False) for b in blocks]
    prefix = [0]
    for m in middle:
        prefix.append(prefix[-1] + m)

    def cost(i: int, j: int) -> int:  # blocks[i:j] as one workout: its last block ends it
        return prefix[j - 1] - prefix[i] + step_count(plan, blocks[j - 1], True)

    if cost(0, n) <= limit:
        return [blocks]
    for k in range(2, n + 1):
        # best[j][p]: the smallest largest-part for blocks[:j] in p parts, with where the last part starts
        inf = float("inf")
        best: list[list[tuple[float, int]]] = [[(inf, 0)] * (k + 1) for _ in range(n + 1)]
        best[0][0] = (0, 0)
        for p in range(1, k + 1):
            for j in range(1, n + 1):
                for i in range(p - 1, j):
                    if best[i][p - 1][0] == inf:
                        continue
                    worst = max(best[i][p - 1][0], cost(i, j))
                    if worst < best[j][p][0]:
                        best[j][p] = (worst, i)
        if best[n][k][0] <= limit:
            cuts, j = [], n
            for p in range(k, 0, -1):
                i = best[j][p][1]
                cuts.append(blocks[i:j])
                j = i
            return cuts[::-1]
    raise AssertionError("a block never exceeds the step limit on its own")


def plan_workouts(plan: Plan) -> dict[str, list[Workout]]:
    """Every session's workout files, by session id, named for the watch.

    Names are made for the whole plan, whatever part of it is exported, so a session's name
    never depends on the export window; a name another file of the plan already has gets a
    number (``12-08 Hip A 2``)."""
    layout: dict[str, list[Workout]] = {}
    taken: set[str] = set()
    for session in plan.ordered_sessions:
        chunks = split_blocks(plan, session.blocks)
        label = names.session_label(session.title)
        workouts = []
        for index, chunk in enumerate(chunks, 1):
            part = index if len(chunks) > 1 else 0
            suffix = f"{index}/{len(chunks)}" if part else ""
            name = names.workout_name(session.date, label, suffix)
            copy = 2
            while name in taken:
                name = names.workout_name(session.date, label, f"{suffix} {copy}".strip())
                copy += 1
            taken.add(name)
            workouts.append(Workout(session, chunk, part, len(chunks), name))
        layout[session.id] = workouts
    return layout


def _exercises(plan: Plan, blocks: tuple[Block, ...]) -> tuple[Exercise, ...]:
    return tuple(plan.exercise(b.exercise) for b in blocks)


def _steps(blocks: tuple[Block, ...], exercises: tuple[Exercise, ...], compat: str) -> list[dict]:
    steps: list[dict] = []
    for n, (block, exercise) in enumerate(zip(blocks, exercises)):
        steps += [dict(step) for step in _block_steps(block, exercise, len(steps), n == len(blocks) - 1, compat)]
    for index, step in enumerate(steps):
        step["message_index"] = index
    return steps


def _titles(exercises: tuple[Exercise, ...], compat: str) -> list[dict]:
    """exercise_title messages: the library's names where the FIT names differ.

    A title applies to every step with its (category, name) pair, so it is written only
    when all of the workout's exercises on that pair agree on it."""
    titles: dict[tuple[int, int], set[str | None]] = {}
    for exercise in exercises:
        fit = mapping(exercise, compat)
        titles.setdefault((fit.category, fit.name), set()).add(fit.title)
    messages: list[dict] = []
    for (category, name), found in titles.items():
        title = found.pop() if len(found) == 1 else None
        if title is not None:
            messages.append({"message_index": len(messages), "exercise_category": category, "exercise_name": name, "wkt_step_name": title})
    return messages


def description(workout: Workout) -> str:
    """The full title (and part) and the session's notes: what the short name leaves out."""
    session = workout.session
    text = session.title + (f" (part {workout.part} of {workout.parts})" if workout.part else "")
    if session.notes:
        text += f". {session.notes}"
    return names.cut_words(text, names.TEXT_BYTES, "…")


def _tail_messages(blocks: tuple[Block, ...], exercises: tuple[Exercise, ...], compat: str) -> list[tuple[int, dict]]:
    return [
        *((MESG_NUM["WORKOUT_STEP"], step) for step in _steps(blocks, exercises, compat)),
        *((MESG_NUM["EXERCISE_TITLE"], title) for title in _titles(exercises, compat)),
    ]


def workout_parts(plan: Plan, workout: Workout, compat: str = "current") -> tuple[list[tuple[int, dict]], encoder_module.Tail]:
    """The file's messages as its own head (file_id, workout) and the tail of steps and titles.

    The tail follows from the blocks, their exercises and ``compat`` alone, which is its key:
    across a roster few runs of blocks recur, and the encoder writes each once per process."""
    blocks = workout.blocks
    exercises = _exercises(plan, blocks)
    file_id: dict = {
        "type": "workout",
        "manufacturer": MANUFACTURER,
        "product": PRODUCT,
        "serial_number": serial_number(plan, workout.session, workout.part),
        "time_created": plan.created,
        "product_name": PRODUCT_NAME,
    }
    message: dict = {
        "sport": "training",
        "sub_sport": "flexibility_training" if is_flexibility(exercises) else "strength_training",
        "num_valid_steps": sum(_step_count(b, e, n == len(blocks) - 1) for n, (b, e) in enumerate(zip(blocks, exercises))),
        "wkt_name": workout.name,
        "wkt_description": description(workout),
    }
    head = [(MESG_NUM["FILE_ID"], file_id), (MESG_NUM["WORKOUT"], message)]
    return head, encoder_module.Tail((blocks, exercises, compat), functools.partial(_tail_messages, blocks, exercises, compat))


def workout_files(plan: Plan, sessions: list[Session], compat: str = "current") -> list[tuple[str, list[tuple[int, dict]]]]:
    """(artifact path, messages in order) for every workout file of ``sessions``: the SDK's and
    the tests' view of ``workout_heads``. ``check`` them first."""
    return [(path, [*head, *tail.make()]) for path, head, tail in workout_heads(plan, sessions, compat)]


def workout_heads(plan: Plan, sessions: list[Session], compat: str = "current") -> list[tuple[str, list[tuple[int, dict]], encoder_module.Tail]]:
    """(artifact path, head, tail) for every workout file of ``sessions`` (``workout_parts``);
    what the exporter encodes. ``check`` them first."""
    layout = plan_workouts(plan)
    return [(w.path, *workout_parts(plan, w, compat)) for s in sessions for w in layout[s.id]]


def check(plan: Plan, sessions: list[Session], compat: str = "current") -> None:
    """Everything the Encoder would trip over, found before it runs."""
    index = {e.id: i for i, e in enumerate(plan.exercises)}
    problems = []
    reported = set()
    for session in sessions:
        for block in session.blocks:
            exercise = plan.exercise(block.exercise)
            if exercise.id in reported:
                continue
            try:
                mapping(exercise, compat)
            except KeyError as e:
                part = e.args[0]
                fit = exercise.fit
                if part == "category":
                    reason = f"{fit.category!r} is not a FIT exercise category"
                elif part == "exercise_name":
                    reason = f"{fit.exercise_name!r} is not an exercise name of the FIT category {fit.category}"
                else:
                    part = "exercise_name"
                    reason = (f"{fit.category}/{fit.exercise_name} is newer than FIT profile {legacy.PROFILE} and has no "
                              f"older equivalent for fit.compat=legacy; map the exercise to an older entry or export with fit.compat=current")
                problems.append(Problem(f"/exercises/{index[exercise.id]}/fit/{part}", f"session {session.id}: {reason}"))
                reported.add(exercise.id)
    if problems:
        raise InputError(problems)


#: ``fast``: planport's encoder (the SDK's bytes, made with struct and a table CRC; the SDK's own
#: Encoder where it declines); ``sdk``: the Garmin SDK's Encoder alone.
ENCODERS = {"fast": encoder_module.encode, "sdk": encoder_module.encode_sdk_with_tail}


def encode(messages: list[tuple[int, dict]], encoder: str = "fast", tail: encoder_module.Tail | None = None) -> bytes:
    """The file's bytes from its messages (then ``tail``'s), by the chosen encoder."""
    return ENCODERS[encoder](messages, tail)


def select_sessions(plan: Plan, first: str | None, last: str | None) -> list[Session]:
    """The plan's sessions between two ISO dates (either may be None), in order."""
    return [s for s in plan.ordered_sessions if (not first or s.date.isoformat() >= first) and (not last or s.date.isoformat() <= last)]

"""The ``fit`` exporter: one Garmin FIT workout file per session, for the watch to run.

Each block becomes an exercise step per side (reps, or a timed hold in milliseconds)
with the FIT exercise category and name, a rest step, and a repeat step for the sets.
Everything is checked before the first byte is encoded: the SDK leaves a half-written
message behind when a field fails, so an Encoder is never reused after an error.
"""

from __future__ import annotations

import hashlib
from functools import cache

from garmin_fit_sdk import Profile

from planport.core.errors import ExportError, InputError, Problem
from planport.core.model import Block, Exercise, Plan, Session
from planport.core.plugins import OPTIONS_SCHEMA_ID, Artifact
from planport.exporters import fit_encoder

MANUFACTURER = "development"
#: A product number for planport under the development manufacturer id.
PRODUCT = 0x5050
MEDIA_TYPE = "application/vnd.ant.fit"
#: FIT strings are null-terminated in a 255-byte field.
MAX_STRING_BYTES = 254
MESG_NUM = Profile["mesg_num"]


def cut_utf8(text: str, limit: int = MAX_STRING_BYTES) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore")


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


def serial_number(plan: Plan, session: Session) -> int:
    """Non-zero (0 is the invalid value of uint32z), unique per file, the same on every export."""
    digest = hashlib.sha256(f"{plan.athlete.id}/{plan.id}/{session.id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 0xFFFFFFFE + 1


def is_flexibility(plan: Plan, session: Session) -> bool:
    return all(plan.exercise(b.exercise).kind in ("stretch", "mobility") for b in session.blocks)


def block_steps(plan: Plan, block: Block, first_index: int) -> list[dict]:
    """The steps for one block: an exercise step per side, rest, then a repeat for the sets."""
    exercise = plan.exercise(block.exercise)
    category, name = fit_numbers(exercise)
    unit, amount = block.dose
    if unit == "hold_seconds":
        duration = {"duration_type": "time", "duration_value": amount.low * 1000}
    else:  # reps, or steps for a walking drill; a range is written as its lower end
        duration = {"duration_type": "reps", "duration_value": amount.low}
    cue = block.notes or exercise.how_to[0]
    notes = cut_utf8(f"{block.describe_dose(exercise)}. {cue}")
    sides = ["left", "right"] if block.sides(exercise) == 2 else [None]
    steps = []
    for side in sides:
        step = {
            "wkt_step_name": cut_utf8(f"{exercise.name} - {side}" if side else exercise.name),
            **duration,
            "target_type": "open",
            "intensity": "active",
            "exercise_category": category,
            "exercise_name": name,
            "notes": notes,
        }
        if block.load and block.load.kg is not None:
            step["exercise_weight"] = float(block.load.kg)
            step["weight_display_unit"] = "kilogram"
        steps.append(step)
    if block.rest_seconds:
        # A rest step carries no exercise_category: category 0 would read as bench press.
        steps.append({"wkt_step_name": "Rest", "duration_type": "time", "duration_value": block.rest_seconds * 1000, "target_type": "open", "intensity": "rest"})
    if block.sets > 1:
        steps.append({"duration_type": "repeat_until_steps_cmplt", "duration_value": first_index, "target_type": "open", "target_value": block.sets})
    return steps


def session_steps(plan: Plan, session: Session) -> list[dict]:
    steps: list[dict] = []
    for block in session.blocks:
        steps += block_steps(plan, block, len(steps))
    for index, step in enumerate(steps):
        step["message_index"] = index
    return steps


def exercise_titles(plan: Plan, session: Session) -> list[dict]:
    """exercise_title messages for pairs the profile names only loosely.

    A title applies to every step with its (category, name) pair, so it is written only
    when all of the session's exercises on that pair agree on it."""
    titles: dict[tuple[int, int], set[str | None]] = {}
    for block in session.blocks:
        exercise = plan.exercise(block.exercise)
        titles.setdefault(fit_numbers(exercise), set()).add(exercise.fit.title)
    messages = []
    for (category, name), found in titles.items():
        if len(found) == 1 and None not in found:
            messages.append({"message_index": len(messages), "exercise_category": category, "exercise_name": name, "wkt_step_name": cut_utf8(found.pop())})
    return messages


def check(plan: Plan, sessions: list[Session]) -> None:
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
                fit_numbers(exercise)
            except KeyError as e:
                part = e.args[0]
                if part == "category":
                    reason = f"{exercise.fit.category!r} is not a FIT exercise category"
                else:
                    reason = f"{exercise.fit.exercise_name!r} is not an exercise name of the FIT category {exercise.fit.category}"
                problems.append(Problem(f"/exercises/{index[exercise.id]}/fit/{part}", f"session {session.id}: {reason}"))
                reported.add(exercise.id)
    if problems:
        raise InputError(problems)


def workout_messages(plan: Plan, session: Session) -> list[tuple[int, dict]]:
    """The file's messages in order, as (message number, fields): planport's part of the work."""
    steps = session_steps(plan, session)
    file_id = {
        "type": "workout",
        "manufacturer": MANUFACTURER,
        "product": PRODUCT,
        "serial_number": serial_number(plan, session),
        "time_created": plan.created,
        "product_name": "planport",
    }
    workout = {
        "sport": "training",
        "sub_sport": "flexibility_training" if is_flexibility(plan, session) else "strength_training",
        "num_valid_steps": len(steps),
        "wkt_name": cut_utf8(session.title),
    }
    if session.notes:
        workout["wkt_description"] = cut_utf8(session.notes)
    return [
        (MESG_NUM["FILE_ID"], file_id),
        (MESG_NUM["WORKOUT"], workout),
        *((MESG_NUM["WORKOUT_STEP"], step) for step in steps),
        *((MESG_NUM["EXERCISE_TITLE"], title) for title in exercise_titles(plan, session)),
    ]


#: ``sdk``: the SDK's Encoder; ``fast``: fit_encoder's, the same bytes (the SDK's where it declines).
ENCODERS = {"fast": fit_encoder.encode, "sdk": fit_encoder.encode_sdk}


def encode(messages: list[tuple[int, dict]], encoder: str = "fast") -> bytes:
    return ENCODERS[encoder](messages)


def encode_workout(plan: Plan, session: Session, encoder: str = "fast") -> bytes:
    return encode(workout_messages(plan, session), encoder)


class FitExporter:
    name = "fit"
    description = "Garmin FIT strength workouts, one file per session, for a watch to run."
    extensions = (".fit",)
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "from": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/date_from"},
            "to": {"$ref": f"{OPTIONS_SCHEMA_ID}#/$defs/date_to"},
            "encoder": {"enum": sorted(ENCODERS), "default": "fast",
                        "description": "fast: planport's encoder; sdk: the Garmin FIT SDK's. Both write the same bytes."},
        },
    }

    def export(self, plan: Plan, options: dict) -> list[Artifact]:
        sessions = [
            s for s in plan.ordered_sessions
            if (not options.get("from") or s.date.isoformat() >= options["from"]) and (not options.get("to") or s.date.isoformat() <= options["to"])
        ]
        if not sessions:
            raise InputError.at("", f"no session falls between {options.get('from') or 'the start'} and {options.get('to') or 'the end'}", "fit options")
        check(plan, sessions)
        artifacts = []
        for session in sessions:
            try:
                data = encode_workout(plan, session, options.get("encoder", "fast"))
            except Exception as e:  # checked above; reaching here is a bug, not bad input
                raise ExportError(f"session {session.id}: the FIT encoder failed: {type(e).__name__}: {e}") from e
            artifacts.append(Artifact(f"fit/{session.file_stem}.fit", data, MEDIA_TYPE))
        return artifacts


exporter = FitExporter()

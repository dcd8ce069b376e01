"""Reading FIT workout files back: what ``planport inspect`` prints.

Any workout file will do, not only planport's: the steps are decoded with the Garmin
SDK and can be walked the way a watch steps through them, repeats followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from garmin_fit_sdk import Decoder, Profile, Stream

from planport import InputError, Problem

#: A watch would never run this many steps; a loop that does is malformed.
MAX_WALK = 10_000


@dataclass
class Workout:
    name: str | None
    sport: str | None
    sub_sport: str | None
    steps: list[dict]
    titles: dict[tuple[str, int], str] = field(default_factory=dict)
    file_id: dict = field(default_factory=dict)


def read_workout(data: bytes, source: str) -> Workout:
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    if not decoder.is_fit():
        raise InputError.at("", "not a FIT file", source)
    if not decoder.check_integrity():
        raise InputError.at("", "the FIT file is damaged (its CRC does not match)", source)
    stream.reset()  # check_integrity leaves the stream at its end
    read: tuple[Any, list[Any]] = decoder.read()  # the SDK types its messages loosely
    messages, errors = read
    if errors:
        raise InputError.at("", f"the FIT file could not be decoded: {errors[0]}", source)
    workouts = messages.get("workout_mesgs") or [{}]
    if not messages.get("workout_step_mesgs") and not messages.get("workout_mesgs"):
        raise InputError.at("", "a FIT file, but not a workout (no workout or workout_step messages)", source)
    titles = {(t.get("exercise_category"), t.get("exercise_name")): t.get("wkt_step_name") for t in messages.get("exercise_title_mesgs", [])}
    return Workout(
        name=workouts[0].get("wkt_name"),
        sport=workouts[0].get("sport"),
        sub_sport=workouts[0].get("sub_sport"),
        steps=sorted(messages.get("workout_step_mesgs", []), key=lambda s: s.get("message_index", 0)),
        titles=titles,
        file_id=dict((messages.get("file_id_mesgs") or [{}])[0]),
    )


def exercise_label(step: dict, titles: dict) -> str | None:
    category, name = step.get("exercise_category"), step.get("exercise_name")
    if category is None:
        return None
    if isinstance(category, int):
        category = Profile["types"]["exercise_category"].get(category, str(category))
    if isinstance(name, int):
        name_text = Profile["types"].get(f"{category}_exercise_name", {}).get(name, str(name))
    else:
        name_text = str(name)
    title = titles.get((category, step.get("exercise_name")))
    return f"{category}/{name_text}" + (f' "{title}"' if title else "")


def describe(step: dict, titles: dict) -> str:
    kind = step.get("duration_type")
    value = step.get("duration_value")
    if kind == "repeat_until_steps_cmplt":
        return f"repeat from step {value}, {step.get('target_value')} times in all"
    if kind == "time" and value is not None:
        amount = f"{value / 1000:g} s"
    elif kind == "reps":
        amount = f"{value} reps"
    elif kind == "open":
        amount = "until lap"
    else:
        amount = f"{kind} {value}"
    name = step.get("wkt_step_name") or ("Rest" if step.get("intensity") == "rest" else "Step")
    label = exercise_label(step, titles)
    text = f"{name}: {amount}"
    if step.get("intensity") == "rest":
        text += " (rest)"
    if label:
        text += f"  [{label}]"
    if step.get("exercise_weight"):
        text += f"  {step['exercise_weight']:g} kg"
    return text


def repeat_problems(steps: list[dict], source: str) -> list[Problem]:
    """Repeat steps a watch could not follow: each must point back to an earlier step and say how often."""
    problems = []
    for index, step in enumerate(steps):
        if step.get("duration_type") != "repeat_until_steps_cmplt":
            continue
        target, times = step.get("duration_value"), step.get("target_value")
        where = f"step {index}"
        if not isinstance(target, int):
            problems.append(Problem("", f"{where}: the repeat names no step to go back to", source))
        elif target >= len(steps):
            problems.append(Problem("", f"{where}: the repeat points at step {target}, past the last step ({len(steps) - 1})", source))
        elif target > index:
            problems.append(Problem("", f"{where}: the repeat jumps forward to step {target}; a repeat goes back to an earlier step", source))
        elif target == index:
            problems.append(Problem("", f"{where}: the repeat points at itself, a loop with no exercise in it", source))
        elif not isinstance(times, int) or times < 1:
            problems.append(Problem("", f"{where}: the repeat says no number of times ({times!r})", source))
    return problems


def walk(steps: list[dict], source: str) -> list[dict]:
    """The steps in the order a watch runs them, repeat steps followed; InputError naming ``source`` for a malformed repeat."""
    problems = repeat_problems(steps, source)
    if problems:
        raise InputError(problems)
    done: dict[int, int] = {}
    performed = []
    pc = 0
    while pc < len(steps):
        step = steps[pc]
        if step.get("duration_type") == "repeat_until_steps_cmplt":
            done[pc] = done.get(pc, 1) + 1
            if done[pc] <= step["target_value"]:
                pc = step["duration_value"]
                continue
            done[pc] = 1  # reset, so an enclosing loop can run this one again
        else:
            performed.append(step)
            if len(performed) > MAX_WALK:
                raise InputError.at("", f"the workout runs more than {MAX_WALK} steps; its repeats nest too deep for a watch", source)
        pc += 1
    return performed


def as_json(path: str, workout: Workout, steps: list[dict], walked: bool) -> dict:
    """A workout for ``planport inspect --json``: names, sport and each step in plain words and fields."""
    return {
        "file": path,
        "name": workout.name,
        "sport": workout.sport,
        "sub_sport": workout.sub_sport,
        "steps_in_file": len(workout.steps),
        "walked": walked,
        "steps": [{"text": describe(step, workout.titles), "exercise": exercise_label(step, workout.titles), **{k: v for k, v in step.items() if v is not None}} for step in steps],
    }

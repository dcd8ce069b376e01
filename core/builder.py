"""The plan builder: from an athlete profile and a template to a dated plan document.

The rules it keeps (numbers as in the builder's issue and README):
1. nothing on the long-run day;
2. a heavy session never on an intervals/tempo day, never on two days in a row;
3. activation on hard-run days, before the run;
4. strength on easy, recovery, cross-training or rest days, after the run where there is one;
5. the strength sessions a week that were asked for, or an error naming the rule and day;
6. progression through each range (new: bottom to top over ``weeks_to_top``; experienced: top);
7. exercises needing missing equipment are swapped, and the swap is noted;
8. every session's estimated minutes inside its window;
9. deterministic: same inputs, same plan, ids derived from the inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import gate
from .errors import InputError, Problem
from .model import Plan

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HARD = {"intervals", "tempo"}
STRENGTH_DAYS = {"easy", "recovery", "cross-training", "rest"}  # rule 4
RUN_DAYS = {"easy", "recovery", "intervals", "tempo", "long", "cross-training"}
ALL_EQUIPMENT = ["band", "bench", "step", "wall", "mat", "chair"]
# Where the sources place strength: after easy runs or cross-training first.
DAY_PREFERENCE = {"easy": 2, "cross-training": 2, "recovery": 1, "rest": 0}


# --- the template --------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    data: dict
    library: dict[str, dict]  # exercise id -> exercise, in library order
    source: str

    @property
    def types(self) -> dict[str, dict]:
        return {t["id"]: t for t in self.data["session_types"]}


def template_problems(data: dict) -> list[Problem]:
    problems = gate.duplicate_problems(data["session_types"], "id", "/session_types", "session type id")
    types = {t["id"]: t for t in data["session_types"]}
    for size, lineup in data["lineups"].items():
        for i, type_id in enumerate(lineup):
            if type_id not in types:
                problems.append(Problem(f"/lineups/{size}/{i}", f"unknown session type {type_id!r}"))
            elif types[type_id]["kind"] != "strength":
                problems.append(Problem(f"/lineups/{size}/{i}", f"{type_id!r} is a {types[type_id]['kind']} session, not strength"))
        if len(set(lineup)) != len(lineup):
            problems.append(Problem(f"/lineups/{size}", "a session type appears twice"))
    for name, type_id in data.get("extras", {}).items():
        if type_id not in types:
            problems.append(Problem(f"/extras/{name}", f"unknown session type {type_id!r}"))
    for i, t in enumerate(data["session_types"]):
        if t["kind"] != "strength" and "minutes" not in t:
            problems.append(Problem(f"/session_types/{i}", f"a {t['kind']} session needs its own minutes window"))
        for j, block in enumerate(t["blocks"]):
            for unit in ("sets", "reps", "steps", "hold_seconds"):
                value = block.get(unit)
                if isinstance(value, list) and value[0] > value[1]:
                    problems.append(Problem(f"/session_types/{i}/blocks/{j}/{unit}", f"low {value[0]} is greater than high {value[1]}"))
            if block["sets"] > 10 if isinstance(block["sets"], int) else block["sets"][1] > 10:
                problems.append(Problem(f"/session_types/{i}/blocks/{j}/sets", "more than 10 sets"))
    return problems


gate.SEMANTIC_CHECKS["template"] = template_problems


def load_template(path: str | Path) -> Template:
    path = Path(path)
    data = gate.load_document(str(path), "template")
    library_path = (path.parent / data["library"]).resolve()
    library = gate.load_document(str(library_path), "exercise-library")
    exercises = {e["id"]: e for e in library["exercises"]}
    problems = []
    for i, t in enumerate(data["session_types"]):
        for j, block in enumerate(t["blocks"]):
            if block["exercise"] not in exercises:
                problems.append(Problem(f"/session_types/{i}/blocks/{j}/exercise", f"unknown exercise {block['exercise']!r}; it is not in {data['library']}", str(path)))
            elif block.get("optional") and exercises[block["exercise"]]["kind"] == "strength":
                # Optional blocks are dropped to fit the minutes; strength volume must not drop with them.
                problems.append(Problem(f"/session_types/{i}/blocks/{j}/optional", "only a mobility or stretch exercise can be optional", str(path)))
    if problems:
        raise InputError(problems)
    return Template(data, exercises, str(path))


def default_template_path() -> Path:
    """The template shipped with planport (samples/templates)."""
    from importlib.resources import files

    return Path(str(files("planport.samples") / "templates" / "hip-strength-runners.yaml"))


# --- placing sessions in the week ----------------------------------------------------


class PlacementError(Exception):
    pass


def _why_not(day: str, run: str, place_on: set[str]) -> str | None:
    if run == "long":
        return f"{day} is the long-run day (rule 1: nothing on the long-run day)"
    if run in HARD:
        return f"{day} is {'an' if run == 'intervals' else 'a'} {run} day (rule 4: strength only on easy, recovery, cross-training or rest days; rule 2: no heavy session on a hard day)"
    if run not in place_on:
        return f"{day} is a {run} day, which the template's place_on does not allow"
    return None


def place_strength(runs: dict[str, str], lineup: list[dict]) -> dict[int, dict]:
    """Weekday index -> session type for one week's strength sessions (rules 1, 2, 4, 5)."""
    n = len(lineup)
    allowed = set.intersection(*(set(t.get("place_on", STRENGTH_DAYS)) for t in lineup)) & STRENGTH_DAYS
    reasons = []
    candidates = []
    for d, day in enumerate(WEEKDAYS):
        reason = _why_not(day, runs.get(day, "rest"), allowed)
        if reason:
            reasons.append(reason)
        else:
            candidates.append(d)
    best = None
    for days in itertools.combinations(candidates, n):
        for order in itertools.permutations(lineup):
            heavy = [d for d, t in zip(days, order) if t["load"] == "heavy"]
            # rule 2: never two heavy days in a row, the week wrapping into the next
            if any((a - b) % 7 in (1, 6) for a, b in itertools.combinations(heavy, 2)):
                continue
            score = _score(days, heavy, runs, order, lineup)
            if best is None or score > best[0]:
                best = (score, dict(zip(days, order)))
    if best is None:
        free = ", ".join(WEEKDAYS[d] for d in candidates) or "none"
        if len(candidates) >= n:
            reasons.append(f"the heavy sessions cannot avoid two days in a row (rule 2) on {free}")
        raise PlacementError(f"{n} strength sessions a week do not fit (rule 5): {'; '.join(reasons)}; days left: {free}")
    return best[1]


def _score(days, heavy, runs, order, lineup) -> tuple:
    gaps = [(b - a) % 7 or 7 for a, b in zip(days, days[1:] + days[:1])] if len(days) > 1 else [7]
    # Heavy work the day before a hard or long run leaves the legs tired for it (worst);
    # the day after one, it piles on (bad).
    tiring = sum(weight for d in heavy for k, weight in ((1, 2), (-1, 1)) if runs.get(WEEKDAYS[(d + k) % 7], "rest") in HARD | {"long"})
    preference = sum(DAY_PREFERENCE[runs.get(WEEKDAYS[d], "rest")] for d in days)
    keeps_order = tuple(placed["id"] == wanted["id"] for placed, wanted in zip(order, lineup))
    return (min(gaps) >= 2, -tiring, min(gaps), preference, keeps_order, tuple(-d for d in days))


# --- prescriptions, swaps and timing -------------------------------------------------


def _low_high(value) -> tuple[int, int]:
    return (value[0], value[1]) if isinstance(value, list) else (value, value)


def _at(value, fraction: float) -> int:
    low, high = _low_high(value)
    return low + math.floor((high - low) * fraction + 0.5)


def progress_fraction(level: str, week: int, weeks_to_top: int) -> float:
    """Where in each range week ``week`` sits: 0 the bottom, 1 the top (rule 6)."""
    steps = max(1, weeks_to_top - 1)
    if level == "experienced":
        return 1.0
    start = 0.5 if level == "returning" else 0.0
    return min(1.0, start + (1 - start) * (week - 1) / steps)


def _swap(exercise: dict, library: dict[str, dict], have: set[str], used: set[str]) -> tuple[dict | None, str]:
    """The exercise to do instead of one whose equipment is missing, and the note saying so (rule 7)."""
    missing = sorted(set(exercise["equipment"]) - have)
    ordered = [library[a] for a in exercise.get("alternatives", []) if a in library]
    ordered += [e for e in library.values() if e["kind"] == exercise["kind"] and set(e["focus"]) & set(exercise["focus"]) and e not in ordered]
    fits = [e for e in ordered if e["id"] != exercise["id"] and set(e["equipment"]) <= have]
    fresh = [e for e in fits if e["id"] not in used] or fits
    lacking = " or ".join(missing)
    if not fresh:
        return None, f"No {lacking}: {exercise['name'].lower()} left out."
    return fresh[0], f"No {lacking}: {fresh[0]['name'].lower()} instead of {exercise['name'].lower()}."


def estimate_seconds(blocks: list[dict], library: dict[str, dict], timing: dict) -> float:
    """Sets x (reps x seconds a rep, or the hold) x sides, plus side switches, rest and changeovers."""
    total = timing["setup_seconds"] + timing["changeover_seconds"] * (len(blocks) - 1)
    for block in blocks:
        exercise = library[block["exercise"]]
        sides = 2 if exercise["per_side"] else 1
        if "reps" in block:
            work = _mid(block["reps"]) * timing["seconds_per_rep"]
        elif "steps" in block:
            work = _mid(block["steps"]) * timing["seconds_per_step"]
        else:
            work = _mid(block["hold_seconds"])
        total += block["sets"] * (sides * work + (sides - 1) * timing["side_switch_seconds"] + block["rest_seconds"])
    return total


def _mid(amount) -> float:
    return (amount["min"] + amount["max"]) / 2 if isinstance(amount, dict) else amount


def _minutes(blocks, library, timing) -> int:
    return math.ceil(estimate_seconds(blocks, library, timing) / 60)


# --- the build -----------------------------------------------------------------------


@dataclass
class Built:
    blocks: list[dict]
    optional: list[bool]
    notes: list[str]


def _session_blocks(stype: dict, week: int, athlete: dict, template: Template) -> Built:
    library = template.library
    have = set(athlete.get("equipment", ALL_EQUIPMENT))
    progression = template.data["progression"]
    fraction = progress_fraction(athlete["level"], week, progression["weeks_to_top"])
    every = progression.get("lighter_week_every", 0)
    lighter = bool(every) and week % every == 0
    blocks, optional, notes, used = [], [], [], set()
    for tb in stype["blocks"]:
        exercise = library[tb["exercise"]]
        unit = next(u for u in ("reps", "steps", "hold_seconds") if u in tb)
        if tb.get("range_in_plan") and isinstance(tb[unit], list):
            amount: Any = {"min": tb[unit][0], "max": tb[unit][1]}
        else:
            amount = _at(tb[unit], fraction)
        block = {"exercise": exercise["id"], "sets": max(1, _at(tb["sets"], fraction) - lighter), unit: amount, "rest_seconds": tb["rest_seconds"]}
        if "load" in tb:
            block["load"] = {"note": tb["load"]}
        if not set(exercise["equipment"]) <= have:
            replacement, note = _swap(exercise, library, have, used)
            notes.append(note)
            if replacement is None:
                continue
            block["exercise"] = replacement["id"]
            block.pop("load", None)  # the band or bench it described is the missing piece
            if unit == "steps":  # no walking drill replaces another: count reps
                block["reps"] = block.pop("steps")
        used.add(block["exercise"])
        blocks.append(block)
        optional.append(bool(tb.get("optional")))
    return Built(blocks, optional, notes)


def _fit_minutes(built: Built, window: dict, template: Template, where: str) -> int:
    """Drop or extend optional warm-up and cool-down blocks until the estimate fits (rule 8)."""
    library, timing = template.library, template.data["timing"]
    while _minutes(built.blocks, library, timing) > window["max"] and any(built.optional):
        last = max(i for i, o in enumerate(built.optional) if o)
        del built.blocks[last], built.optional[last]
    extendable = [i for i, o in enumerate(built.optional) if o]
    rounds = 0
    while _minutes(built.blocks, library, timing) < window["min"] and extendable and rounds < 3:
        for i in extendable:
            if _minutes(built.blocks, library, timing) >= window["min"]:
                break
            built.blocks[i]["sets"] += 1
        rounds += 1
    minutes = _minutes(built.blocks, library, timing)
    if not built.blocks:
        raise PlacementError(f"{where}: no exercise is left once the missing equipment is taken out")
    if not window["min"] <= minutes <= window["max"]:
        raise PlacementError(f"{where} takes about {minutes} min, outside the {window['min']}-{window['max']} min window (rule 8); widen the window or edit the template")
    return minutes


def _title(stype: dict, built: Built, library: dict) -> str:
    names = [library[b["exercise"]]["name"] for b, o in zip(built.blocks, built.optional) if not o]
    title = f"{stype['title']}: {', '.join(names)}" if names else stype["title"]
    return title if len(title) <= 200 else title[:197] + "..."


def _clock(day: dt.date, athlete: dict, weekday: str, offset_minutes: int, where: str) -> str:
    base = athlete.get("start_times", {}).get(weekday, athlete.get("start_time", "07:00"))
    moment = dt.datetime.combine(day, dt.time.fromisoformat(base)) + dt.timedelta(minutes=offset_minutes)
    if moment.date() != day:
        raise PlacementError(f"{where}: starting at {base}, the session would fall on another day; move start_time")
    return moment.strftime("%H:%M")


def _plan_id(athlete: dict, template: Template) -> str:
    plan_id = f"{athlete['id']}-{template.data['id']}"
    if len(plan_id) <= 64:
        return plan_id
    digest = hashlib.sha256(plan_id.encode()).hexdigest()[:8]
    return f"{plan_id[:55].rstrip('-')}-{digest}"


def build_plan(athlete: dict, template: Template, revision: int = 1, created: str | None = None) -> dict:
    """A plan document (schema-valid) for a checked athlete profile; PlacementError when the rules cannot be kept."""
    types = template.types
    runs = dict(athlete["runs"])
    asked = athlete.get("sessions_per_week", 2)
    progression = template.data["progression"]
    extras_on = athlete.get("extras", {})
    extras = template.data.get("extras", {})
    run_minutes = athlete.get("run_minutes", 45)
    window = athlete.get("minutes", {"min": 15, "max": 20})

    lineups = {n: [types[i] for i in template.data["lineups"][str(n)]] for n in (2, 3)}
    layouts = {asked: place_strength(runs, lineups[asked])}
    if asked == 3 and athlete["level"] == "new" and progression["habit_weeks"]:
        three = layouts[3]
        two_ids = {t["id"] for t in lineups[2]}
        if two_ids <= {t["id"] for t in three.values()}:
            layouts[2] = {d: t for d, t in three.items() if t["id"] in two_ids}  # same weekdays, fewer sessions
        else:
            layouts[2] = place_strength(runs, lineups[2])

    start = dt.date.fromisoformat(athlete["start_date"])
    sessions, used = [], set()
    for week in range(1, athlete["weeks"] + 1):
        n = 2 if asked == 3 and athlete["level"] == "new" and week <= progression["habit_weeks"] else asked
        strength = layouts[n]
        for offset in range(7):
            day = start + dt.timedelta(days=7 * (week - 1) + offset)
            weekday = WEEKDAYS[day.weekday()]
            run = runs.get(weekday, "rest")
            placed: list[tuple[dict, str]] = []  # (session type, when: before/after/none)
            if day.weekday() in strength:
                placed.append((strength[day.weekday()], "after" if run in RUN_DAYS else "none"))
            elif run in HARD and extras_on.get("activation") and "activation" in extras:
                placed.append((types[extras["activation"]], "before"))
            elif run in set(types.get(extras.get("add_on"), {}).get("place_on", [])) and extras_on.get("add_on") and "add_on" in extras:
                placed.append((types[extras["add_on"]], "after"))
            elif run == "rest" and extras_on.get("mobility") and "mobility" in extras:
                placed.append((types[extras["mobility"]], "none"))
            for stype, when in placed:
                where = f"week {week}, {weekday} {day.isoformat()}, {stype['title']}"
                built = _session_blocks(stype, week, athlete, template)
                minutes = _fit_minutes(built, stype.get("minutes", window) if stype["kind"] != "strength" else window, template, where)
                offset_minutes = run_minutes if when == "after" else -minutes if when == "before" else 0
                notes = [stype.get("notes", "")]
                if when == "before":
                    notes.append(f"Before the {run} run.")
                elif when == "after":
                    notes.append(f"After the {run} run.")
                notes += built.notes
                session = {
                    "id": f"{day.isoformat()}-{stype['id']}",
                    "date": day.isoformat(),
                    "start_time": _clock(day, athlete, weekday, offset_minutes, where),
                    "title": _title(stype, built, template.library),
                    "kind": stype["kind"],
                    "load": stype["load"],
                    "week": week,
                    "minutes": minutes,
                    "notes": " ".join(n for n in notes if n)[:2000],
                    "blocks": built.blocks,
                }
                used.update(b["exercise"] for b in built.blocks)
                sessions.append(session)
    if not sessions:
        raise PlacementError("the plan has no sessions")
    return {
        "schema_version": 1,
        "id": _plan_id(athlete, template),
        "name": f"{template.data['name']}: {athlete['name']}"[:120],
        "description": f"{athlete['weeks']} weeks from {athlete['start_date']} for a {athlete['level']} athlete, built from the {template.data['id']} template.",
        "revision": revision,
        "created": created or f"{athlete['start_date']}T00:00:00Z",
        "athlete": {"id": athlete["id"], "name": athlete["name"], "time_zone": athlete["time_zone"]},
        "exercises": [e for e in template.library.values() if e["id"] in used],
        "sessions": sessions,
    }


def build_from_files(athlete_path: str, template_path: str | None = None, revision: int = 1, created: str | None = None) -> Plan:
    """Load, check and build; InputError naming the athlete file when the rules cannot be kept."""
    athlete = gate.load_document(athlete_path, "athlete")
    template = load_template(template_path or default_template_path())
    return build_checked(athlete, template, gate.display_name(athlete_path), revision, created)


def build_checked(athlete: dict, template: Template, source: str, revision: int = 1, created: str | None = None) -> Plan:
    """The plan for a checked athlete profile; InputError naming ``source`` when the rules cannot be kept.

    The plan is made from checked inputs, so it is not put through the schema again (that
    was a quarter of a batch's time); the tests check every plan the builder makes."""
    try:
        document = build_plan(athlete, template, revision, created)
    except PlacementError as e:
        pointer = "/sessions_per_week" if "rule 5" in str(e) and "sessions_per_week" in athlete else "/runs" if "rule 5" in str(e) else ""
        raise InputError.at(pointer, str(e), source) from None
    return Plan.from_dict(document)

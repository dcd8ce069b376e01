"""The plan builder: the coaching rules, checked on the sample athletes and on random profiles.

The rules are checked here from the outside: the plan is read as a coach would read it
(which day, which run, how long, which exercises at what dose), with the template, the
library and the timing formula written out again rather than taken from the builder.

Random profiles use hypothesis; ``PLANPORT_HYPOTHESIS=deep`` runs many more examples.
The golden plans in tests/golden/ are rewritten with ``PLANPORT_UPDATE_GOLDEN=1`` after a
deliberate change; tests/golden/CHANGES.md says why each one changed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import re
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planport.core.builder import (
    AthleteProfile,
    BuildRefusal,
    Template,
    build_checked,
    build_from_files,
    build_plan,
    load_template,
)
from planport.core.errors import InputError
from planport.core.gate import check_document, check_schema, plan_problems

from conftest import ROOT, SAMPLES

TEMPLATE_PATH = SAMPLES / "templates" / "hip-strength-runners.yaml"
TEMPLATE_DOC = yaml.safe_load(TEMPLATE_PATH.read_text("utf-8"))
LIBRARY_DOC = yaml.safe_load((SAMPLES / "library" / "hip-runners.yaml").read_text("utf-8"))
TEMPLATE = load_template(TEMPLATE_PATH)
TYPES = {t["id"]: t for t in TEMPLATE_DOC["session_types"]}
LIBRARY = {e["id"]: e for e in LIBRARY_DOC["exercises"]}
TIMING = TEMPLATE_DOC["timing"]
ROTATION = TEMPLATE_DOC["rotation"]
EXTRA_TYPES = TEMPLATE_DOC["extras"]
ATHLETES = ["new-runner", "marathoner", "home-no-gear"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HARD = {"intervals", "tempo"}
STRENGTH_RUNS = {"easy", "recovery", "cross-training", "rest"}
EQUIPMENT = ["band", "bench", "step", "wall", "mat", "chair", "dumbbell"]
DEFAULT_EQUIPMENT = ["band", "bench", "step", "wall", "mat", "chair"]
GOLDEN = ROOT / "tests" / "golden"

settings.register_profile("default", max_examples=int(os.environ.get("PLANPORT_EXAMPLES", "30")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("deep", max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("deep" if os.environ.get("PLANPORT_HYPOTHESIS") == "deep" else "default")


def athlete(name: str) -> dict:
    data = yaml.safe_load((SAMPLES / "athletes" / f"{name}.yaml").read_text("utf-8"))
    data.pop("$schema", None)
    return data


def build(profile: dict):
    return build_checked(copy.deepcopy(profile), TEMPLATE, "athlete.yaml")


# --- reading a plan as a coach does ---------------------------------------------------------


def low_high(value) -> tuple[int, int]:
    if isinstance(value, dict):
        return value["min"], value["max"]
    if isinstance(value, list):
        return value[0], value[1]
    return value, value


def unit_of(dose: dict) -> str:
    return next(u for u in ("reps", "steps", "hold_seconds") if u in dose)


def type_of(session) -> dict:
    return TYPES[session.id[11:]]  # ids are <date>-<session type>


def clock(profile: dict, day: dt.date) -> int:
    """Minutes after midnight when the athlete starts on ``day``."""
    text = profile.get("start_times", {}).get(DAYS[day.weekday()], profile.get("start_time", "07:00"))
    hours, minutes = map(int, text.split(":"))
    return hours * 60 + minutes


def estimate_minutes(session, plan) -> int:
    """The template's timing formula, written again here: setup, changeovers, and per block sets x (sides x work + switch + rest)."""
    seconds = TIMING["setup_seconds"] + TIMING["changeover_seconds"] * (len(session.blocks) - 1)
    for block in session.blocks:
        sides = block.sides(plan.exercise(block.exercise))
        unit, amount = block.dose
        if unit == "reps":
            per = sum(map(int, block.tempo.split("-"))) if block.tempo else TIMING["seconds_per_rep"]
        else:
            per = TIMING["seconds_per_step"] if unit == "steps" else 1
        seconds += block.sets * (sides * amount.middle * per + (sides - 1) * TIMING["side_switch_seconds"] + block.rest_seconds)
    return max(1, math.ceil(seconds / 60))


def work(plan, session) -> int:
    """Sets x count x sides of the session's strength exercises."""
    return sum(b.sets * b.dose[1].low * b.sides(plan.exercise(b.exercise)) for b in session.blocks if plan.exercise(b.exercise).kind == "strength")


def source_dose(session, block) -> dict:
    """The dose a block's ranges come from: the template block, or the library's own dose for a
    stand-in; with fewer sets where the notes say the session was shortened that way."""
    stype = type_of(session)
    if block.swap:
        dose = dict(LIBRARY[block.exercise]["dose"])
        if stype["kind"] != "strength":
            dose["sets"] = next(tb["sets"] for tb in stype["blocks"] if tb["exercise"] == block.swap.replaces)
    else:
        base = block.variant_of or block.exercise
        dose = dict(next(tb for tb in stype["blocks"] if tb["exercise"] == base))
    said = LIBRARY[block.variant_of or block.exercise]["name"]  # the notes name an exercise as it was before any harder variant
    for names, low, high in re.findall(r"the ([^;.]*?) at (\d+) sets, not (\d+)", session.notes or ""):
        if said.lower() in names.lower() and low_high(dose["sets"]) == (int(low), int(high)):
            dose["sets"] = int(low)
    return dose


_CHECKED: set[str] = set()  # parts of plans that passed the schema already, in this test run


def check_schema_itemwise(plan) -> None:
    """The plan schema and the plan's own checks, with every distinct part checked once.

    The schema judges each exercise, session and block on its own, so the schema pass gets
    the plan cut down to the parts not seen before (sessions without their free text and
    numbers, which assert_rules holds to the schema's limits; blocks in sessions of twenty).
    Plans repeat themselves, and jsonschema takes seconds over hundreds of sessions. The
    checks a schema cannot make run on the whole plan."""
    data = plan.to_dict()
    assert plan_problems(data) == []

    def new(items, key=lambda item: item):
        found = {json.dumps(key(item), sort_keys=True): item for item in items}
        return {k: v for k, v in found.items() if k not in _CHECKED}

    envelope = lambda s: {k: v for k, v in s.items() if k not in ("id", "date", "blocks", "title", "notes", "start_time", "minutes", "week")}  # noqa: E731
    exercises = new(data["exercises"])
    sessions = new(data["sessions"], envelope)
    blocks = new([b for s in data["sessions"] for b in s["blocks"]])
    first = data["sessions"][0]
    digest = [{**s, "blocks": s["blocks"][:1]} for s in sessions.values()] or [{**first, "blocks": first["blocks"][:1]}]
    block_list = list(blocks.values())
    digest += [{**first, "blocks": block_list[i:i + 20]} for i in range(0, len(block_list), 20)]
    check_schema({**data, "exercises": list(exercises.values()) or data["exercises"][:1], "sessions": digest}, "plan", "built plan")
    _CHECKED.update(exercises, sessions, blocks)


def assert_rules(profile: dict, plan) -> None:
    """Every rule of core/rules.py, read off the plan."""
    check_schema_itemwise(plan)
    runs = {day: profile["runs"].get(day, "rest") for day in DAYS}
    run_of = lambda s: runs[DAYS[s.date.weekday()]]  # noqa: E731
    window = profile.get("minutes", {"min": 15, "max": 20})
    asked = profile.get("sessions_per_week", 2)
    level = profile["level"]
    habit = TEMPLATE_DOC["progression"]["habit_weeks"] if level == "new" and asked == 3 else 0
    have = set(profile.get("equipment", DEFAULT_EQUIPMENT))
    run_minutes = profile.get("run_minutes", 45)
    start = dt.date.fromisoformat(profile["start_date"])
    end = start + dt.timedelta(days=7 * profile["weeks"] - 1)
    monday = start - dt.timedelta(days=start.weekday())

    # Monday-to-Sunday weeks, the athlete's runs, each session beside its run.
    assert plan.athlete.runs == runs
    assert [w.week for w in plan.weeks] == list(range(1, (end - monday).days // 7 + 2))
    assert all(w.starts == monday + dt.timedelta(weeks=w.week - 1) and w.starts.weekday() == 0 for w in plan.weeks)
    deload_weeks = {w.week for w in plan.weeks if w.deload}
    every = profile.get("deload_every", TEMPLATE_DOC["progression"]["deload_every"]) or 0
    assert deload_weeks == {w.week for w in plan.weeks if every and w.week % every == 0}
    dates = [s.date for s in plan.sessions]
    assert len(dates) == len(set(dates)), "one session a day at most"
    for s in plan.sessions:
        assert start <= s.date <= end
        assert 1 <= len(s.title) <= 200 and len(s.notes or "") <= 2000 and 1 <= s.minutes <= 180 and 1 <= s.week <= 53
        assert s.week == (s.date - monday).days // 7 + 1 and s.run == run_of(s)
        begin = s.start_time.hour * 60 + s.start_time.minute
        assert begin + s.minutes <= 24 * 60, f"{s.id} ends after midnight"
        assert run_of(s) != "long", f"rule 1: {s.id} on the long-run day"
        if s.kind == "activation":
            assert run_of(s) in HARD and begin + s.minutes <= clock(profile, s.date), f"rule 3: {s.id}"
        elif s.kind == "strength":
            assert run_of(s) in STRENGTH_RUNS, f"rule 4: {s.id}"
            if run_of(s) != "rest":
                assert begin >= clock(profile, s.date) + run_minutes, f"rule 4: {s.id} before the run ends"
        elif s.kind == "add-on":
            assert run_of(s) in {"easy", "recovery"} and begin >= clock(profile, s.date) + run_minutes, s.id
        else:
            assert run_of(s) == "rest", s.id
        limit = window["max"] if s.kind == "strength" else type_of(s)["minutes"]["max"]
        assert s.minutes <= limit, f"rule 8: {s.id} takes {s.minutes}"
        assert s.minutes == estimate_minutes(s, plan), f"rule 8: {s.id} estimate"
        assert_blocks(profile, plan, s, have, window)
        for phrase in ("None", "  ", "the cross-training run", "lighter mileage", "..", " .", "the rest run"):
            assert phrase not in (s.notes or ""), f"{s.id} notes: {s.notes!r}"
    # Rule 2: heavy days.
    heavy = sorted(s.date for s in plan.sessions if s.load == "heavy")
    for s in plan.sessions:
        if s.load == "heavy":
            assert run_of(s) not in HARD
            if not profile.get("heavy_after_long_run"):
                assert runs[DAYS[(s.date.weekday() - 1) % 7]] != "long", f"rule 2: {s.id} the day after the long run"
    assert all((b - a).days > 1 for a, b in zip(heavy, heavy[1:])), "rule 2: heavy on two days in a row"
    strength = sorted((s for s in plan.sessions if s.kind == "strength"), key=lambda s: s.date)
    if level == "new" and strength:
        assert strength[0].load != "heavy", "a new athlete's first strength session is light"
    # Rule 5 and the rotation: full weeks hold the sessions asked for; every type within a fortnight.
    per_week: dict[int, list] = {}
    for s in strength:
        per_week.setdefault(s.week, []).append(s)
    full = [w.week for w in plan.weeks if w.starts >= start and w.starts + dt.timedelta(days=6) <= end]
    for week in full:
        expected = 2 if week <= habit else asked
        assert len(per_week.get(week, [])) == expected, f"rule 5: week {week}"
    left_out = {t for t in ROTATION if f"{TYPES[t]['title']} is left out" in (plan.description or "")}
    for a, b in zip(full, full[1:]):
        if b == a + 1 and a > habit:
            seen = {type_of(s)["id"] for s in per_week.get(a, []) + per_week.get(b, [])}
            assert seen == set(ROTATION) - left_out, f"rotation: weeks {a}-{b} give {sorted(seen)}"
    assert_progression(profile, plan, deload_weeks)


def assert_blocks(profile: dict, plan, s, have: set[str], window: dict) -> None:
    """Rule 7: equipment, no duplicates, stand-ins with their own dose, nothing dropped for equipment."""
    stype = type_of(s)
    exercises = [b.exercise for b in s.blocks]
    assert len(exercises) == len(set(exercises)), f"{s.id}: an exercise twice: {exercises}"
    for b in s.blocks:
        assert set(plan.exercise(b.exercise).equipment) <= have, f"rule 7: {s.id} uses {b.exercise}"
        if b.swap:
            replaced = LIBRARY[b.swap.replaces]
            assert not set(replaced["equipment"]) <= have and b.swap.replaces in [tb["exercise"] for tb in stype["blocks"]]
            assert all(item in b.swap.reason for item in sorted(set(replaced["equipment"]) - have))
            assert LIBRARY[b.exercise]["kind"] == replaced["kind"] or {LIBRARY[b.exercise]["kind"], replaced["kind"]} <= {"mobility", "stretch"}
        dose = source_dose(s, b)
        unit = unit_of(dose)
        assert b.dose[0] == unit, f"{s.id}: {b.exercise} counted in {b.dose[0]}, its dose in {unit}"
        low, high = low_high(dose[unit])
        assert low <= b.dose[1].low <= b.dose[1].high <= high, f"{s.id}: {b.exercise} {b.dose[1]} outside {low}-{high}"
        s_low, s_high = low_high(dose["sets"])
        deload = plan.week(s.week).deload and s.kind == "strength" and plan.exercise(b.exercise).kind == "strength"
        assert (max(1, s_low - 1) if deload else s_low) <= b.sets <= s_high, f"{s.id}: {b.exercise} {b.sets} sets"
    # Nothing is dropped for equipment: every template block is there, as itself, a stand-in or a
    # harder variant, unless the session says it was shortened to fit its window.
    covered = {b.swap.replaces if b.swap else (b.variant_of or b.exercise) for b in s.blocks}
    if "Shortened to fit" not in (s.notes or ""):
        assert covered == {tb["exercise"] for tb in stype["blocks"]}, f"{s.id}: {sorted(covered)}"
    else:
        assert s.kind == "strength" and window["max"] < 20, f"{s.id} shortened in a {window['max']}-minute window"
        kept = [tb for tb in stype["blocks"] if tb["exercise"] in covered]
        assert kept == stype["blocks"][: len(kept)] or any(not tb.get("optional") for tb in kept), "the warm-up and cool-down go first"


def assert_progression(profile: dict, plan, deload_weeks: set[int]) -> None:
    """Rule 6, per session type: never less work outside deload weeks, at most 20% more (or one step)."""
    level = profile["level"]
    by_type: dict[str, list] = {}
    for s in sorted(plan.sessions, key=lambda s: s.date):
        by_type.setdefault(s.id[11:], []).append(s)
    for sessions in by_type.values():
        first = sessions[0]
        for b in first.blocks:
            if plan.exercise(b.exercise).kind != "strength" or type_of(first)["kind"] != "strength":
                continue
            dose = source_dose(first, b)
            sets, count = low_high(dose["sets"]), low_high(dose[unit_of(dose)])
            if level == "new":
                assert (b.sets, b.dose[1].low) == (sets[0] - (first.week in deload_weeks and sets[0] > 1), count[0]), f"{first.id}: {b.exercise} starts at the bottom"
            if level == "experienced" and first.week not in deload_weeks:
                assert (b.sets, b.dose[1].high) == (sets[1], count[1]), f"{first.id}: {b.exercise} starts at the top"
        last = None
        for s in sessions:
            now = work(plan, s)
            if s.week in deload_weeks and s.kind == "strength":
                if last is not None:
                    assert now <= last, f"{s.id}: a deload week is lighter"
                continue
            if last is not None:
                step = max((b.dose[1].low * b.sides(plan.exercise(b.exercise)) for b in s.blocks), default=0)
                assert now >= last, f"rule 6: {s.id} drops from {last} to {now}"
                assert now <= last * 1.2 + 1e-9 or now - last <= step, f"rule 6: {s.id} rises from {last} to {now}"
            last = now


# --- the sample athletes ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ATHLETES)
def test_sample_athletes_keep_every_rule(name):
    profile = athlete(name)
    assert_rules(profile, build(profile))


@pytest.mark.parametrize("name", ATHLETES)
def test_golden_plans(name):
    """The built sample plans, byte for byte (tests/golden/CHANGES.md says why each changed)."""
    built = build_from_files(str(SAMPLES / "athletes" / f"{name}.yaml")).dumps()
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("PLANPORT_UPDATE_GOLDEN"):
        golden.write_bytes(built)
    assert built == golden.read_bytes()
    assert build(athlete(name)).dumps() == built, "rule 9: same inputs, same bytes"


def test_the_new_runner_plan_reads_right():
    plan = build(athlete("new-runner"))
    week1 = [s for s in plan.ordered_sessions if s.week == 1]
    # Monday easy run, Wednesday intervals, Saturday long run; strength on rest days Thursday and
    # Sunday (the day after the long run, so a light session), activation before the intervals.
    assert [(s.date.strftime("%a"), s.kind, s.load, s.start_time.strftime("%H:%M")) for s in week1] == [
        ("Tue", "mobility", "mobility", "07:00"), ("Wed", "activation", "activation", "06:55"), ("Thu", "strength", "light", "07:00"),
        ("Fri", "mobility", "mobility", "07:00"), ("Sun", "strength", "light", "09:30"),
    ]
    a = week1[2]
    assert a.title == "Hip strength A: Clamshell, Monster walk, Side plank with leg lift, Single-leg calf raise"
    assert len(a.blocks) == 6 and 15 <= a.minutes <= 20
    assert [(b.exercise, b.sets, str(b.dose[1])) for b in a.blocks if b.exercise in ("clamshell", "monster-walk")] == [("clamshell", 2, "15"), ("monster-walk", 2, "12")]
    assert week1[4].notes.startswith("On your rest day from running. The day after your long run: keep every rep smooth and easy.")
    assert week1[1].notes.startswith("Right before your interval session.")
    # The third session arrives in week 3 (two habit weeks), and the heavy one first comes in week 2, at the bottom.
    assert [len([s for s in plan.sessions if s.week == w and s.kind == "strength"]) for w in range(1, 7)] == [2, 2, 3, 3, 3, 3]
    c = next(s for s in plan.ordered_sessions if s.id.endswith("hip-strength-c"))
    assert c.week == 2 and [(b.sets, b.dose[1].low) for b in c.blocks if b.exercise == "hip-thrust"] == [(2, 10)]
    assert plan.weeks[2].note == "From this week, a third strength session: the habit holds."
    assert plan.id == "new-runner-hip-strength" and plan.athlete.time_zone == "America/New_York"


def test_the_marathoner_gets_deload_weeks_and_progresses_past_the_top():
    plan = build(athlete("marathoner"))
    assert [w.week for w in plan.weeks if w.deload] == [4, 8, 12]
    a = [s for s in plan.ordered_sessions if s.id.endswith("hip-strength-a")]
    works = [work(plan, s) for s in a]
    assert works[0] == max(works) and works[3] < works[0] and works[4] == works[0], "experienced: the top, a lighter week 4, back"
    blocks = [b for s in plan.sessions for b in s.blocks]
    assert any(b.tempo == "3-1-1" for b in blocks) and any(b.load and "medium band" in b.load.note for b in blocks)
    assert any(b.variant_of for b in blocks)
    deload = next(s for s in a if s.week == 4)
    assert "Deload week: one set fewer of each strength exercise." in deload.notes


def test_equipment_swaps_keep_the_movement_and_take_their_own_dose():
    plan = build(athlete("home-no-gear"))  # mat, wall and chair; no band, bench or step
    used = {b.exercise for s in plan.sessions for b in s.blocks}
    assert not used & {"monster-walk", "hip-thrust", "bulgarian-split-squat", "lateral-step-up"}
    a = next(s for s in plan.sessions if s.id.endswith("hip-strength-a"))
    walk = next(b for b in a.blocks if b.swap and b.swap.replaces == "monster-walk")
    # Another walking lateral-hip drill, not a hip-flexor move, at its own dose and without the band note.
    assert walk.exercise == "lateral-squat-walk" and walk.load is None and walk.rest_seconds == 30
    assert walk.swap.reason == "No band: lateral squat walk instead of monster walk."
    assert "For the equipment you have: lateral squat walk for monster walk (no band)." in a.notes
    c = next(s for s in plan.sessions if s.id.endswith("hip-strength-c"))
    assert {b.swap.replaces: b.exercise for b in c.blocks if b.swap} == {
        "bulgarian-split-squat": "reverse-lunge", "hip-thrust": "glute-bridge", "lateral-step-up": "side-lunge",
    }
    bridge = next(b for b in c.blocks if b.exercise == "glute-bridge")
    assert bridge.dose[1].low >= 12, "the glute bridge's own 12-15 reps, not the hip thrust's 10-12"


@pytest.mark.parametrize("equipment", [[], ["band"], ["band", "bench", "step", "wall", "chair"], ["mat", "band", "bench", "step", "chair"]])
def test_every_equipment_gives_a_full_plan(equipment):
    """No equipment, only a band, no mat, no wall: every session keeps all its movements."""
    profile = {**athlete("marathoner"), "equipment": equipment, "extras": {"activation": True, "add_on": True, "mobility": True}, "weeks": 3}
    profile["runs"] = {**profile["runs"], "fri": "rest"}
    plan = build(profile)
    assert_rules(profile, plan)
    for s in plan.sessions:
        assert len(s.blocks) == len(type_of(s)["blocks"]), f"{s.id}: {len(s.blocks)} blocks"
        assert "left out" not in (s.notes or "")
    if not equipment:
        assert all(not plan.exercise(b.exercise).equipment for s in plan.sessions for b in s.blocks)


def test_a_stand_in_is_never_already_in_the_session():
    """A session with a monster walk and a lateral squat walk, for an athlete without a band:
    the walk's closest stand-in is taken, so another lateral-hip move comes in."""
    data = copy.deepcopy(TEMPLATE_DOC)
    data["session_types"][0]["blocks"].insert(2, {"exercise": "lateral-squat-walk", "sets": 2, "steps": 12, "rest_seconds": 30})
    template = Template.from_dict(data, TEMPLATE.exercises)
    profile = {**athlete("marathoner"), "equipment": ["mat", "wall"], "weeks": 1, "minutes": {"min": 15, "max": 30}}
    a = next(s for s in build_checked(profile, template, "x").sessions if s.id.endswith("hip-strength-a"))
    exercises = [b.exercise for b in a.blocks]
    assert len(exercises) == len(set(exercises)) == 7
    stand_in = next(b for b in a.blocks if b.swap)
    assert stand_in.exercise != "lateral-squat-walk" and LIBRARY[stand_in.exercise]["pattern"] == "hip-abduction"


def test_levels_start_low_middle_and_high():
    firsts = {}
    for level in ("new", "returning", "experienced"):
        plan = build({**athlete("marathoner"), "level": level, "weeks": 2})
        firsts[level] = work(plan, next(s for s in plan.ordered_sessions if s.id.endswith("hip-strength-a")))
    assert firsts["new"] < firsts["returning"] < firsts["experienced"]


def test_a_year_keeps_progressing_by_variants_load_and_tempo():
    profile = {**athlete("new-runner"), "weeks": 52, "equipment": DEFAULT_EQUIPMENT + ["dumbbell"], "minutes": {"min": 15, "max": 25}}
    plan = build(profile)
    assert_rules(profile, plan)
    by_week = {}
    for s in plan.ordered_sessions:
        if s.kind == "strength":
            by_week.setdefault(s.week, []).append(s)
    signature = lambda w: sorted((b.exercise, b.tempo, b.load and b.load.note) for s in by_week[w] for b in s.blocks)  # noqa: E731
    changed = [w for w in range(7, 53) if signature(w) != signature(w - 1)]
    assert len(changed) >= 10, f"past the top, exercises got harder in weeks {changed}"
    kinds = {"tempo": False, "load": False, "variant": False}
    for s in plan.sessions:
        for b in s.blocks:
            kinds["tempo"] |= b.tempo is not None
            kinds["load"] |= bool(b.load and "dumbbell" in b.load.note)
            kinds["variant"] |= b.variant_of is not None
    assert all(kinds.values()), kinds
    # Harder, not more: past the top each session type's work stays level.
    a = [work(plan, s) for s in plan.ordered_sessions if s.id.endswith("hip-strength-a") and s.week >= 8]
    assert len(set(a)) == 1
    steady = [w for w in plan.weeks if w.note and "hardest step" in w.note]
    assert len(steady) == 1 and steady[0].week == changed[-1]


def test_weeks_run_monday_to_sunday_from_a_thursday():
    profile = {**athlete("new-runner"), "start_date": "2026-12-10", "weeks": 3}
    plan = build(profile)
    assert_rules(profile, plan)
    assert [(w.week, w.starts.isoformat()) for w in plan.weeks] == [(1, "2026-12-07"), (2, "2026-12-14"), (3, "2026-12-21"), (4, "2026-12-28")]
    assert plan.weeks[0].note == "The plan starts on a Thursday, so this first week is a short one."
    assert min(s.date for s in plan.sessions).isoformat() >= "2026-12-10" and max(s.date for s in plan.sessions).isoformat() <= "2026-12-30"


def test_no_heavy_session_the_day_after_the_long_run_unless_allowed():
    # Free days: Monday (after Sunday's long run), Wednesday, Friday; Friday is before Saturday's intervals.
    profile = {**athlete("marathoner"), "runs": {"tue": "tempo", "thu": "intervals", "sat": "intervals", "sun": "long"}, "weeks": 2}
    profile["sessions_per_week"] = 3
    plan = build(profile)
    heavy = {s.date.strftime("%a") for s in plan.sessions if s.load == "heavy"}
    assert heavy and "Mon" not in heavy
    only_monday = {**profile, "runs": {"tue": "tempo", "wed": "intervals", "thu": "intervals", "fri": "tempo", "sat": "intervals", "sun": "long"}, "sessions_per_week": 2}
    with pytest.raises(BuildRefusal) as refused:
        build(only_monday)
    assert refused.value.rule == 5
    # Two long runs (Tuesday and Sunday): the free days, Monday and Wednesday, both follow one.
    allowed = {**profile, "runs": {"tue": "long", "thu": "intervals", "fri": "tempo", "sat": "intervals", "sun": "long"}, "sessions_per_week": 2}
    with pytest.raises(BuildRefusal) as refused:
        build(allowed)
    assert (refused.value.rule, refused.value.pointer, refused.value.days) == (2, "/heavy_after_long_run", ("mon", "wed"))
    assert "rule 2" in refused.value.problems[0].message
    plan = build({**allowed, "heavy_after_long_run": True})
    assert any(s.load == "heavy" for s in plan.sessions)


def test_a_new_athlete_never_starts_with_the_heavy_session():
    """Monday is the only day the heavy session can take (Wednesday and Friday follow long runs), and
    the template adds no habit weeks: week 1 swaps C for a light session rather than open with it."""
    data = copy.deepcopy(TEMPLATE_DOC)
    data["progression"]["habit_weeks"] = 0
    template = Template.from_dict(data, TEMPLATE.exercises)
    profile = {**athlete("new-runner"), "runs": {"tue": "long", "thu": "long", "sat": "intervals", "sun": "tempo"}, "weeks": 2}
    plan = build_checked(profile, template, "x")
    strength = [s for s in plan.ordered_sessions if s.kind == "strength"]
    assert [s.load for s in strength[:3]] == ["light", "light", "light"] and strength[3].load == "heavy"
    assert strength[3].date.weekday() == 0


def test_heavy_sessions_never_meet_across_the_weekend():
    """Two heavy types in a rotation that can end a week on a heavy Sunday: the next Monday is light."""
    from planport.core.placement import Placement, StrengthType

    profile = AthleteProfile.from_dict({**athlete("marathoner"), "runs": {"tue": "intervals", "thu": "tempo", "fri": "intervals", "sat": "long"},
                                        "heavy_after_long_run": True, "weeks": 12})
    types = [StrengthType("h", "Heavy", True, frozenset({"rest"})), StrengthType("l", "Light", False, frozenset({"rest"}))]
    weeks = Placement(profile, types, ["h", "l", "l", "h"], 0, 20).weeks()
    days = [(date, t) for week in weeks for date, t in week.strength]
    heavy = [date for date, t in days if t == "h"]
    assert len(heavy) >= 12 and all((b - a).days > 1 for a, b in zip(heavy, heavy[1:]))
    assert any(date.weekday() == 6 for date in heavy), "the case this test is about: a heavy Sunday"


def test_activation_that_would_start_before_midnight_is_left_out():
    profile = {**athlete("new-runner"), "start_times": {"wed": "00:03"}}
    plan = build(profile)
    assert_rules(profile, plan)
    assert not any(s.kind == "activation" for s in plan.sessions)
    assert "Activation warm-up is left out on Wednesdays: with the run at 00:03 it would start the day before." in plan.description


def test_an_extra_without_a_day_is_named_in_the_plan():
    profile = {**athlete("marathoner"), "extras": {"mobility": True}, "weeks": 2}  # Friday, the only rest day, holds strength
    plan = build(profile)
    assert not any(s.kind == "mobility" for s in plan.sessions)
    assert plan.description.endswith("Hip mobility has no day in your week: it goes on a rest day without strength.")


def test_an_evening_runner_trains_on_rest_days_and_is_told_about_what_is_left_out():
    profile = {**athlete("new-runner"), "start_time": "23:30", "start_times": {}, "extras": {"activation": True, "add_on": True, "mobility": True}}
    profile["runs"] = {"mon": "easy", "tue": "intervals", "thu": "easy", "sat": "long"}
    plan = build(profile)
    assert_rules(profile, plan)
    assert {s.date.strftime("%a") for s in plan.sessions if s.kind == "strength"} <= {"Wed", "Fri", "Sun"}
    assert "Post-run add-on is left out on Mondays: from 23:30 it would end after midnight." in plan.description


def test_refusals_name_the_rule_the_days_and_the_field():
    profile = athlete("new-runner")
    profile["runs"] = {"mon": "long", "tue": "intervals", "wed": "easy", "thu": "tempo", "fri": "intervals", "sat": "long", "sun": "easy"}
    with pytest.raises(BuildRefusal) as refused:
        build(profile)
    problem = refused.value.problems[0]
    assert isinstance(refused.value, InputError) and refused.value.rule == 5 and refused.value.pointer == "/sessions_per_week"
    assert refused.value.days == ("mon", "tue", "thu", "fri", "sat")
    assert problem.line() == (
        "athlete.yaml: /sessions_per_week: 3 strength sessions a week do not fit (rule 5): "
        "mon is the long-run day (rule 1: nothing on the long-run day); "
        "tue is an intervals day (rule 4: strength only on easy, recovery, cross-training or rest days); "
        "thu is a tempo day (rule 4: strength only on easy, recovery, cross-training or rest days); "
        "fri is an intervals day (rule 4: strength only on easy, recovery, cross-training or rest days); "
        "sat is the long-run day (rule 1: nothing on the long-run day); days left: wed, sun"
    )
    late = {**athlete("new-runner"), "start_time": "23:50", "start_times": {}, "runs": {"mon": "easy", "wed": "easy", "fri": "easy", "sun": "long"}, "sessions_per_week": 2}
    with pytest.raises(BuildRefusal) as refused:
        build(late)
    assert (refused.value.rule, refused.value.pointer) == (5, "/start_time")
    assert "would end after midnight" in refused.value.problems[0].message
    # A five-minute window holds one exercise of each session, A's at two sets: the notes say so.
    tiny = {**athlete("new-runner"), "minutes": {"min": 5, "max": 5}}
    plan = build(tiny)
    assert_rules(tiny, plan)
    a = next(s for s in plan.sessions if s.id.endswith("hip-strength-a"))
    assert [(b.exercise, b.sets) for b in a.blocks] == [("clamshell", 2)]
    assert a.notes.endswith("Shortened to fit your 5-minute window: controlled leg swings, monster walk, side plank with leg lift, "
                            "single-leg calf raise and kneeling hip-flexor stretch left out; the clamshell at 2 sets, not 3.")
    b = next(s for s in plan.sessions if s.id.endswith("hip-strength-b"))
    assert b.notes.endswith("Shortened to fit your 5-minute window: 90/90 transitions, fire hydrant, reverse lunge, standing march and bird dog left out.")
    # A template whose only strength session cannot be cut to the window is refused under rule 8.
    data = copy.deepcopy(TEMPLATE_DOC)
    data["rotation"] = ["hip-strength-a"]
    data["session_types"][0]["blocks"][1]["sets"] = 6
    heavy = Template.from_dict(data, TEMPLATE.exercises)
    with pytest.raises(BuildRefusal) as refused:
        build_checked(tiny, heavy, "athlete.yaml")
    assert (refused.value.rule, refused.value.pointer) == (8, "/minutes/max") and "on any day" in refused.value.problems[0].message


def test_a_short_window_shortens_sessions_with_a_note():
    profile = {**athlete("marathoner"), "minutes": {"min": 10, "max": 12}, "weeks": 2}
    plan = build(profile)
    assert_rules(profile, plan)
    a = next(s for s in plan.sessions if s.id.endswith("hip-strength-a"))
    assert "Shortened to fit your 12-minute window:" in a.notes and a.minutes <= 12
    assert not any(b.exercise == "leg-swings" for b in a.blocks), "warm-up and cool-down go first"


def test_typed_api_and_old_templates(tmp_path):
    """build_plan takes the typed profile; a template written for planport 0.1 ([low, high], lineups,
    lighter_week_every) builds the same plan as its {min, max} form."""
    profile = athlete("marathoner")
    typed = build_plan(AthleteProfile.from_dict(profile), TEMPLATE, revision=3, created=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    assert (typed.revision, typed.created.isoformat()) == (3, "2026-09-01T00:00:00+00:00")
    old = copy.deepcopy(TEMPLATE_DOC)
    old["library"] = str(TEMPLATE_PATH.parent / old["library"])
    old["lineups"] = {"2": ROTATION[:2], "3": ROTATION}
    del old["rotation"]
    old["progression"]["lighter_week_every"] = old["progression"].pop("deload_every")
    for t in old["session_types"]:
        for b in t["blocks"]:
            for key, value in b.items():
                if isinstance(value, dict):
                    b[key] = [value["min"], value["max"]]
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(old), "utf-8")
    assert build_checked(profile, load_template(path), "x").to_dict() == build_checked(profile, TEMPLATE, "x").to_dict()


def test_template_checks_run_without_the_builder(tmp_path):
    """The gate knows the template's checks itself: validating a template imports no builder."""
    data = copy.deepcopy(TEMPLATE_DOC)
    data["rotation"] = ["hip-strength-a", "mobility-session"]
    data["session_types"][4]["place_on"] = ["intervals", "long"]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data), "utf-8")
    code = (
        "import sys, json\n"
        "from planport.core import gate\n"
        "from planport.core.errors import InputError\n"
        f"try:\n    gate.load_document({str(path)!r}, 'template')\nexcept InputError as e:\n    print(json.dumps(e.lines()))\n"
        "print('planport.core.builder' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert json.loads(out[0]) == [
        f"{path}: /rotation/1: 'mobility-session' is a mobility session, not strength",
        f"{path}: /session_types/4/place_on/1: nothing goes on the long-run day (rule 1)",
    ]
    assert out[1] == "False"


def test_summary_shows_volume_change_and_deload():
    from rich.console import Console

    from planport.core.summary import summary_table, week_figures

    plan = build(athlete("marathoner"))
    figures = week_figures(plan)
    assert [f.deload for f in figures] == [w in (4, 8, 12) for w in range(1, 13)]
    assert figures[0].change is None and figures[3].change < -0.3 and figures[4].change == 0
    console = Console(record=True, width=220)
    summary_table(plan, console)
    rows = [line for line in console.export_text().splitlines() if line.startswith("│")]
    week4 = [c.strip() for c in rows[3].split("│")[1:-1]]
    assert week4[0] == "4" and week4[-1].endswith("deload") and week4[-1].startswith("-")
    week1 = [c.strip() for c in rows[0].split("│")[1:-1]]
    assert week1[1:8] == ["S 07:00 20'", "act 05:55 5'", "S 07:00 20'", "act 05:55 5'", "S+ 06:00 19'", "add 08:00 5'", ""]


# --- properties over random profiles ------------------------------------------------------------

ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo",
         "Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Auckland", "America/Adak", "UTC"]
RUNS = ["rest", "easy", "recovery", "intervals", "tempo", "long", "cross-training"]


@st.composite
def profiles(draw) -> dict:
    runs = {day: draw(st.sampled_from(RUNS)) for day in DAYS if draw(st.booleans())}
    low = draw(st.integers(10, 60))
    hour = draw(st.integers(5, 23))
    minute = draw(st.sampled_from(["00", "15", "30"] if hour == 23 else ["00", "15", "30", "45"]))
    profile = {
        "schema_version": 1, "id": "random", "name": "Random Runner",
        "time_zone": draw(st.sampled_from(ZONES)),
        "start_date": (dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 900)))).isoformat(),
        "weeks": draw(st.one_of(st.integers(1, 8), st.integers(1, 52))),
        "runs": runs,
        "level": draw(st.sampled_from(["new", "returning", "experienced"])),
        "sessions_per_week": draw(st.sampled_from([2, 3])),
        "extras": {"activation": draw(st.booleans()), "mobility": draw(st.booleans()), "add_on": draw(st.booleans())},
        "equipment": sorted(draw(st.sets(st.sampled_from(EQUIPMENT)))),
        "start_time": f"{hour:02d}:{minute}",
        "run_minutes": draw(st.integers(10, 120)),
        "minutes": {"min": low, "max": draw(st.integers(low, 60))},
        "heavy_after_long_run": draw(st.booleans()),
    }
    if draw(st.booleans()):
        profile["deload_every"] = draw(st.sampled_from([0, 3, 4, 6]))
    if draw(st.booleans()):
        day = draw(st.sampled_from(DAYS))
        profile["start_times"] = {day: f"{draw(st.integers(5, 22)):02d}:00"}
    check_document(profile, "athlete", "random")
    return profile


def usable_days(profile: dict, minutes: int) -> list[str]:
    """Days that can hold a strength session of ``minutes`` by rules 1 and 4, counted independently."""
    found = []
    for day in DAYS:
        run = profile["runs"].get(day, "rest")
        text = profile.get("start_times", {}).get(day, profile["start_time"])
        start = int(text[:2]) * 60 + int(text[3:]) + (profile["run_minutes"] if run != "rest" else 0)
        if run in STRENGTH_RUNS and start + minutes <= 24 * 60:
            found.append(day)
    return found


@given(profiles())
def test_random_profiles_keep_the_rules(profile):
    n = profile["sessions_per_week"]
    try:
        plan = build(profile)
    except BuildRefusal as refusal:
        assert refusal.rule in (2, 5) and f"rule {refusal.rule}" in refusal.problems[0].message, refusal.problems[0].message
        field = refusal.pointer.split("/")[1]
        assert field in json.loads((ROOT / "schemas" / "athlete.schema.json").read_text())["properties"], refusal.pointer
        assert refusal.problems[0].source == "athlete.yaml" and refusal.days
        # A day that can hold the whole window can hold any session: the builder may not refuse when enough exist.
        fitting = usable_days(profile, profile["minutes"]["max"])
        if refusal.rule == 5:
            assert len(fitting) < n, f"rule 5 refused, but {fitting} can hold the sessions"
            free = [d for d in DAYS if profile["runs"].get(d, "rest") in STRENGTH_RUNS]
            if refusal.pointer in ("/runs", "/sessions_per_week"):
                assert len(free) < n, "the runs leave room; the clock is what to change"
            else:
                assert refusal.pointer.startswith("/start_time") and len(free) >= n
        else:
            capable = [d for d in fitting if profile["heavy_after_long_run"] or profile["runs"].get(DAYS[DAYS.index(d) - 1]) != "long"]
            assert not capable, f"rule 2 refused, but the heavy session could go on {capable}"
        return
    assert_rules(profile, plan)


def test_sessions_under_the_minimum_are_said_not_padded():
    profile = athlete("new-runner")
    profile["minutes"] = {"min": 20, "max": 30}
    plan = build(profile)
    strength = [s for s in plan.sessions if s.kind == "strength"]
    short = [s for s in strength if s.minutes < 20]
    assert short, "a new runner's first weeks are short: this test needs some"
    assert f"{len(short)} of {len(strength)} strength sessions take under your 20-minute minimum ({min(s.minutes for s in short)} minutes at the least)" in plan.description
    same_work = build({**profile, "minutes": {"min": 15, "max": 30}})
    assert [s.blocks for s in same_work.sessions] == [s.blocks for s in plan.sessions], "the minimum never adds sets"

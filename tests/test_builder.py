"""The plan builder: the coaching rules, checked on the sample athletes and on random profiles."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planport.core.builder import build_checked, load_template
from planport.core.errors import InputError
from planport.core.gate import check_document

from conftest import ROOT, SAMPLES, run_cli

TEMPLATE_PATH = SAMPLES / "templates" / "hip-strength-runners.yaml"
TEMPLATE = load_template(TEMPLATE_PATH)
TYPES = {t["id"]: t for t in TEMPLATE.data["session_types"]}
LIBRARY = TEMPLATE.library
ATHLETES = ["new-runner", "marathoner", "home-no-gear"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
GOLDEN = ROOT / "tests" / "golden"


def athlete(name: str) -> dict:
    return yaml.safe_load((SAMPLES / "athletes" / f"{name}.yaml").read_text("utf-8"))


def build(profile: dict):
    return build_checked(copy.deepcopy(profile), TEMPLATE, "athlete.yaml")


def type_of(session) -> dict:
    return TYPES[session.id[11:]]  # ids are <date>-<session type>


def day_start(profile: dict, day: dt.date) -> dt.datetime:
    weekday = DAYS[day.weekday()]
    clock = profile.get("start_times", {}).get(weekday, profile.get("start_time", "07:00"))
    return dt.datetime.combine(day, dt.time.fromisoformat(clock))


def estimate_minutes(session, plan) -> int:
    """The template's timing formula, written again here."""
    timing = TEMPLATE.data["timing"]
    seconds = timing["setup_seconds"] + timing["changeover_seconds"] * (len(session.blocks) - 1)
    for block in session.blocks:
        sides = block.sides(plan.exercise(block.exercise))
        unit, amount = block.dose
        per = {"reps": timing["seconds_per_rep"], "steps": timing["seconds_per_step"], "hold_seconds": 1}[unit]
        seconds += block.sets * (sides * amount.middle * per + (sides - 1) * timing["side_switch_seconds"] + block.rest_seconds)
    return math.ceil(seconds / 60)


def strength_volume(plan, sessions) -> int:
    return sum(b.sets * b.dose[1].low * b.sides(plan.exercise(b.exercise))
               for s in sessions if s.kind == "strength" for b in s.blocks if plan.exercise(b.exercise).kind == "strength")


def assert_rules(profile: dict, plan) -> None:
    check_document(plan.to_dict(), "plan", "built plan")  # the builder's output is a valid plan
    runs = profile["runs"]
    run_of = lambda s: runs.get(DAYS[s.date.weekday()], "rest")  # noqa: E731
    window = profile.get("minutes", {"min": 15, "max": 20})
    asked = profile.get("sessions_per_week", 2)
    habit = TEMPLATE.data["progression"]["habit_weeks"]
    have = set(profile.get("equipment", ["band", "bench", "step", "wall", "mat", "chair"]))
    heavy_dates = sorted(s.date for s in plan.sessions if s.load == "heavy")
    per_week: dict[int, list] = {}
    for s in plan.sessions:
        per_week.setdefault(s.week, []).append(s)
        start = dt.datetime.combine(s.date, s.start_time)
        assert run_of(s) != "long", f"rule 1: {s.id} on the long-run day"
        if s.load == "heavy":
            assert run_of(s) not in ("intervals", "tempo"), f"rule 2: {s.id}"
        if s.kind == "activation":
            assert run_of(s) in ("intervals", "tempo"), f"rule 3: {s.id}"
            assert start + dt.timedelta(minutes=s.minutes) <= day_start(profile, s.date), f"rule 3: {s.id} not before the run"
        if s.kind == "strength":
            assert run_of(s) in ("easy", "recovery", "cross-training", "rest"), f"rule 4: {s.id}"
            if run_of(s) != "rest":
                assert start >= day_start(profile, s.date) + dt.timedelta(minutes=profile.get("run_minutes", 45)), f"rule 4: {s.id} before the run"
            assert window["min"] <= s.minutes <= window["max"], f"rule 8: {s.id} {s.minutes}"
        else:
            own = type_of(s)["minutes"]
            assert own["min"] <= s.minutes <= own["max"], f"rule 8: {s.id}"
        assert s.minutes == estimate_minutes(s, plan), f"rule 8: {s.id} estimate"
        for b in s.blocks:
            assert set(plan.exercise(b.exercise).equipment) <= have, f"rule 7: {s.id} uses {b.exercise}"
    for a, b in zip(heavy_dates, heavy_dates[1:]):
        assert (b - a).days > 1, f"rule 2: heavy on {a} and {b}"
    weeks = sorted(per_week)
    assert weeks == list(range(1, profile["weeks"] + 1))
    for week in weeks:
        strength = [s for s in per_week[week] if s.kind == "strength"]
        expected = 2 if profile["level"] == "new" and asked == 3 and week <= habit else asked
        assert len(strength) == expected, f"rule 5: week {week}"
    volumes = [strength_volume(plan, per_week[w]) for w in weeks]
    assert volumes == sorted(volumes), f"rule 6: volume drops: {volumes}"
    check_progression(profile, plan)


def check_progression(profile: dict, plan) -> None:
    """Rule 6: each template block's sets and count, week by week, against its range."""
    top = TEMPLATE.data["progression"]["weeks_to_top"]
    seen: dict[tuple, list] = {}
    for s in sorted(plan.sessions, key=lambda s: s.date):
        if s.kind != "strength":
            continue
        for tb in type_of(s)["blocks"]:
            block = next((b for b in s.blocks if b.exercise == tb["exercise"]), None)
            if block is None or tb.get("optional"):
                continue  # swapped out, or a warm-up the minutes window shaped
            unit = next(u for u in ("reps", "steps", "hold_seconds") if u in tb)
            for key, rng, value in (("sets", tb["sets"], block.sets), (unit, tb[unit], getattr(block, unit).low)):
                low, high = (rng, rng) if isinstance(rng, int) else rng
                assert low <= value <= high
                if profile["level"] == "experienced" or (profile["level"] != "returning" and s.week >= top):
                    assert value == high, f"{s.id} {tb['exercise']} {key} should be at the top"
                if profile["level"] == "new" and s.week == 1:
                    assert value == low, f"{s.id} {tb['exercise']} {key} should start at the bottom"
                seen.setdefault((tb["exercise"], key), []).append(value)
    for values in seen.values():
        assert values == sorted(values), "a prescription never drops"


@pytest.mark.parametrize("name", ATHLETES)
def test_sample_athletes_keep_every_rule(name):
    profile = athlete(name)
    plan = build(profile)
    assert_rules(profile, plan)


@pytest.mark.parametrize("name", ATHLETES)
def test_golden_plans(name, tmp_path):
    """The built sample plans, byte for byte; PLANPORT_UPDATE_GOLDEN=1 rewrites them after a deliberate change."""
    result = run_cli("build", SAMPLES / "athletes" / f"{name}.yaml", "--plan-file", tmp_path / "plan.json", "-q")
    assert result.code == 0, result.err
    built = (tmp_path / "plan.json").read_bytes()
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("PLANPORT_UPDATE_GOLDEN"):
        golden.write_bytes(built)
    assert built == golden.read_bytes()
    assert run_cli("validate", golden).code == 0


def test_the_new_runner_plan_reads_right():
    plan = build(athlete("new-runner"))
    first_week = [s for s in plan.ordered_sessions if s.week == 1]
    assert [(s.date.isoformat(), s.kind, s.start_time.isoformat("minutes")) for s in first_week] == [
        ("2026-12-08", "strength", "07:00"), ("2026-12-09", "activation", "06:54"), ("2026-12-10", "mobility", "07:00"),
        ("2026-12-11", "mobility", "07:00"), ("2026-12-13", "strength", "09:30"),
    ]
    a = first_week[0]
    assert a.id == "2026-12-08-hip-strength-a"
    assert a.title == "Hip strength A: Clamshell, Monster walk, Side plank with leg lift"
    clam = next(b for b in a.blocks if b.exercise == "clamshell")
    assert (clam.sets, str(clam.reps)) == (2, "15")
    week3_clam = next(b for s in plan.sessions if s.week == 3 and s.id.endswith("hip-strength-a") for b in s.blocks if b.exercise == "clamshell")
    assert week3_clam.sets == 3
    assert plan.id == "new-runner-hip-strength" and plan.athlete.time_zone == "America/New_York"


def test_equipment_swaps_are_named_in_the_notes():
    plan = build(athlete("home-no-gear"))
    used = {b.exercise for s in plan.sessions for b in s.blocks}
    assert not used & {"monster-walk", "hip-thrust", "bulgarian-split-squat", "lateral-step-up"}
    a = next(s for s in plan.sessions if s.id.endswith("hip-strength-a"))
    assert "No band: side-lying leg raise instead of monster walk." in a.notes
    assert any(b.exercise == "side-lying-leg-raise" and b.reps is not None for b in a.blocks)
    c = next(s for s in plan.sessions if s.id.endswith("hip-strength-c"))
    assert "No bench: reverse lunge instead of bulgarian split squat." in c.notes
    assert "No step: side lunge instead of lateral step-up." in c.notes


def test_same_inputs_same_bytes_and_ids(tmp_path):
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    for path in paths:
        assert run_cli("build", SAMPLES / "athletes" / "marathoner.yaml", "--plan-file", path, "-q").code == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()
    plan = json.loads(paths[0].read_text())
    assert all(s["id"] == f"{s['date']}-{s['id'][11:]}" for s in plan["sessions"])


def test_rule_5_failure_through_the_cli(tmp_path):
    profile = athlete("new-runner")
    profile["runs"] = {"mon": "long", "tue": "intervals", "wed": "easy", "thu": "tempo", "fri": "intervals", "sat": "long", "sun": "easy"}
    profile["sessions_per_week"] = 3
    path = tmp_path / "busy.yaml"
    path.write_text(yaml.safe_dump(profile))
    out = tmp_path / "out"
    result = run_cli("build", path, "--to", "ics", "--out", out)
    assert result.code == 2 and "Traceback" not in result.err
    line = result.err.strip()
    assert line.startswith(f"planport: error: {path}: /sessions_per_week: 3 strength sessions a week do not fit (rule 5): ")
    assert "mon is the long-run day (rule 1: nothing on the long-run day)" in line
    assert "tue is an intervals day (rule 4: strength only on easy, recovery, cross-training or rest days" in line
    assert "thu is a tempo day (rule 4" in line
    assert "days left: wed, sun" in line
    assert not out.exists()


def test_build_and_export_in_one_step(tmp_path):
    out = tmp_path / "new-runner"
    result = run_cli("build", SAMPLES / "athletes" / "new-runner.yaml", "--to", "ics,fit,csv", "--out", out)
    assert result.code == 0, result.err
    assert (out / "new-runner-hip-strength.ics").exists() and (out / "new-runner-hip-strength-google.csv").exists()
    assert len(list((out / "fit").glob("*.fit"))) == len(build(athlete("new-runner")).sessions)


def test_summary_table():
    result = run_cli("build", SAMPLES / "athletes" / "marathoner.yaml", "--summary", env={"COLUMNS": "150"})
    assert result.code == 0, result.err
    rows = [line for line in result.out.splitlines() if line.strip().startswith("│")]
    week1 = next(r for r in rows if r.split("│")[1].strip() == "1")
    cells = [c.strip() for c in week1.split("│")[1:-1]]
    assert cells[1:8] == ["S 07:00 18'", "act 05:54 6'", "S 07:00 19'", "act 05:54 6'", "S+ 06:00 20'", "add 08:00 7'", ""]
    assert cells[8] == "3"


def test_template_errors_name_the_template(tmp_path):
    data = yaml.safe_load(TEMPLATE_PATH.read_text())
    data["library"] = str(TEMPLATE_PATH.parent / data["library"])
    data["lineups"]["2"] = ["hip-strength-a", "mobility-snack"]
    data["session_types"][0]["blocks"][1]["exercise"] = "moonwalk"
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data))
    result = run_cli("validate", path)
    assert result.code == 2 and f"{path}: /lineups/2/1: 'mobility-snack' is a mobility session, not strength" in result.err
    built = run_cli("build", SAMPLES / "athletes" / "new-runner.yaml", "--template", path)
    assert built.code == 2 and "/lineups/2/1" in built.err


# --- properties over random profiles -------------------------------------------------

ZONES = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo", "UTC"]
RUNS = ["rest", "easy", "recovery", "intervals", "tempo", "long", "cross-training"]


@st.composite
def profiles(draw) -> dict:
    runs = {day: draw(st.sampled_from(RUNS)) for day in DAYS if draw(st.booleans())}
    low = draw(st.integers(12, 15))
    clock = f"{draw(st.integers(5, 19)):02d}:{draw(st.sampled_from(['00', '15', '30', '45']))}"
    profile = {
        "schema_version": 1, "id": "random", "name": "Random Runner",
        "time_zone": draw(st.sampled_from(ZONES)),
        "start_date": (dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 800)))).isoformat(),
        "weeks": draw(st.integers(1, 8)),
        "runs": runs,
        "level": draw(st.sampled_from(["new", "returning", "experienced"])),
        "sessions_per_week": draw(st.sampled_from([2, 3])),
        "extras": {"activation": draw(st.booleans()), "mobility": draw(st.booleans()), "add_on": draw(st.booleans())},
        # mat and wall stay: without them most floor and balance work has no stand-in.
        "equipment": ["mat", "wall"] + [e for e in ["band", "bench", "step", "chair"] if draw(st.booleans())],
        "start_time": clock,
        "run_minutes": draw(st.integers(20, 120)),
        "minutes": {"min": low, "max": draw(st.integers(20, 30))},
    }
    check_document(profile, "athlete", "random")
    return profile


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_random_profiles_keep_the_rules(profile):
    try:
        plan = build(profile)
    except InputError as e:
        message = e.problems[0].message
        assert "rule 5" in message, message
        usable = [d for d in DAYS if profile["runs"].get(d, "rest") in ("easy", "recovery", "cross-training", "rest")]
        assert len(usable) < profile["sessions_per_week"], "rule 5 refused a week that could hold the sessions"
        return
    assert_rules(profile, plan)
    assert build(profile).to_dict() == plan.to_dict(), "rule 9: deterministic"


def test_created_and_revision_options(tmp_path):
    out = tmp_path / "plan.json"
    result = run_cli("build", SAMPLES / "athletes" / "home-no-gear.yaml", "--created", "2027-03-01T08:30:00Z", "--revision", "4", "--plan-file", out, "-q")
    assert result.code == 0, result.err
    plan = json.loads(out.read_text())
    assert (plan["created"], plan["revision"]) == ("2027-03-01T08:30:00Z", 4)
    bad = run_cli("build", SAMPLES / "athletes" / "home-no-gear.yaml", "--created", "yesterday")
    assert bad.code == 2 and bad.err.startswith('planport: error: --created: "yesterday" is not in the expected form')

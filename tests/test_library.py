"""The sample exercise library: complete, described in the closed vocabulary, with an
equipment-free option for every movement, and mapped to the FIT profile's real numbers."""

from __future__ import annotations

import copy
import itertools

import pytest
import yaml
from garmin_fit_sdk import Profile

from planport.core import gate
from planport.core.errors import InputError
from planport.core.library import Library

from conftest import LIBRARY

TYPES = Profile["types"]
LIB = yaml.safe_load(LIBRARY.read_text("utf-8"))
BY_ID = {e["id"]: e for e in LIB["exercises"]}
EQUIPMENT = ["band", "bench", "step", "wall", "mat", "chair", "dumbbell"]
LIBRARY_MODEL = Library.from_dict(LIB)
TEMPLATE = yaml.safe_load((LIBRARY.parent.parent / "templates" / "hip-strength-runners.yaml").read_text("utf-8"))

# (library id, category number, exercise_name number) as verified with garmin-fit-sdk 21.218.0.
VERIFIED = [
    ("clamshell", 10, 44), ("side-plank", 19, 66), ("side-plank-leg-lift", 19, 80),
    ("single-leg-calf-raise", 1, 15), ("reverse-lunge", 17, 82), ("side-lunge", 17, 61),
    ("standing-march", 31, 88), ("single-leg-rdl", 8, 14), ("single-leg-glute-bridge", 10, 30),
    ("marching-bridge", 10, 24), ("monster-walk", 37, 24), ("side-lying-leg-raise", 11, 21),
    ("bulgarian-split-squat", 17, 18), ("hip-thrust", 10, 1), ("lateral-step-up", 28, 41),
    ("fire-hydrant", 37, 14), ("seated-glute-stretch", 31, 60), ("kneeling-hip-flexor-stretch", 31, 49),
    ("standing-quad-stretch", 31, 61), ("standing-hamstring-stretch", 31, 33), ("leg-swings", 31, 9),
    ("ninety-ninety", 31, 74),
    # Added for issue 12: the same movement where the profile has it, the closest entry (with a title) where not.
    ("standing-hip-abduction", 11, 28), ("glute-bridge", 10, 11), ("standing-glute-kickback", 11, 30),
    ("split-squat", 28, 28), ("curtsy-lunge", 17, 86), ("calf-raise", 1, 18), ("dead-bug", 11, 1),
    ("bird-dog", 5, 48), ("standing-side-crunch", 6, 65), ("side-leg-swings", 31, 18), ("hip-circles", 31, 86),
    ("walking-knee-hugs", 31, 27), ("calf-stretch", 31, 37), ("lying-glute-stretch", 31, 53), ("standing-glute-stretch", 31, 32),
    ("side-lunge-stretch", 31, 65), ("lunge-with-twist", 31, 48), ("lateral-squat-walk", 37, 24), ("wall-side-plank", 19, 66),
]
# Where the profile has only a weighted, banded or loosely matching entry, the watch needs the real name.
NEEDS_TITLE = {
    "reverse-lunge", "standing-march", "single-leg-rdl", "bulgarian-split-squat", "lateral-step-up", "seated-glute-stretch",
    "standing-glute-kickback", "split-squat", "lateral-squat-walk", "wall-side-plank", "standing-bird-dog", "walking-knee-hugs",
    "standing-hip-flexor-stretch", "lying-glute-stretch", "standing-glute-stretch", "side-lying-quad-stretch", "lunge-with-twist",
}


def numbers(exercise: dict) -> tuple[int, int]:
    category = next(k for k, v in TYPES["exercise_category"].items() if v == exercise["fit"]["category"])
    name = next(k for k, v in TYPES[f"{exercise['fit']['category']}_exercise_name"].items() if v == exercise["fit"]["exercise_name"])
    return category, name


def test_library_validates():
    gate.load_document(str(LIBRARY), "exercise-library")


def test_every_exercise_of_the_sources_is_there():
    for exercise_id, _, _ in VERIFIED:
        assert exercise_id in BY_ID
    for extra in ("clam-raise", "runners-lunge", "resisted-knee-lift"):
        assert extra in BY_ID


def test_fit_numbers_match_the_verified_table():
    for exercise_id, category, name in VERIFIED:
        assert numbers(BY_ID[exercise_id]) == (category, name), exercise_id


def test_every_mapping_resolves_in_the_profile():
    for exercise in LIB["exercises"]:
        numbers(exercise)  # raises StopIteration when a name is not in the profile


def test_loose_and_shared_matches_carry_a_title():
    for exercise_id in NEEDS_TITLE:
        assert BY_ID[exercise_id]["fit"].get("title"), exercise_id
    # Two exercises on one FIT entry: the watch can only tell them apart by their titles.
    by_pair: dict[tuple, list[dict]] = {}
    for exercise in LIB["exercises"]:
        by_pair.setdefault(numbers(exercise), []).append(exercise)
    for pair, shared in by_pair.items():
        titles = [e["fit"].get("title") or e["name"] for e in shared]
        assert len(set(titles)) == len(shared), (pair, titles)
        assert sum(1 for e in shared if not e["fit"].get("title")) <= 1, (pair, [e["id"] for e in shared])


def test_how_to_and_equipment():
    for exercise in LIB["exercises"]:
        assert len(exercise["how_to"]) >= 2, exercise["id"]
        assert all(step.endswith(".") for step in exercise["how_to"]), exercise["id"]
    assert "band" in BY_ID["monster-walk"]["equipment"] and "bench" in BY_ID["hip-thrust"]["equipment"]
    assert "step" in BY_ID["lateral-step-up"]["equipment"] and "chair" in BY_ID["seated-glute-stretch"]["equipment"]


def test_every_movement_has_an_option_without_equipment():
    """No band, no mat, nothing at all: each pattern a session uses can still be trained."""
    for exercise in LIB["exercises"]:
        free = [e["id"] for e in LIB["exercises"] if e["pattern"] == exercise["pattern"] and not e["equipment"]]
        if exercise["kind"] == "strength":
            assert free, f"no equipment-free {exercise['pattern']} exercise"


def test_stand_ins_keep_the_movement():
    """Without any equipment, a strength exercise's stand-in trains the same pattern, is no harder
    than one level up, and an exercise never stands in for itself."""
    library = LIBRARY_MODEL
    for exercise in library.exercises.values():
        if not exercise.equipment or exercise.exercise.kind != "strength":
            continue
        (stand_in,) = library.stand_ins([exercise], frozenset(), set())
        assert stand_in is not None and stand_in.id != exercise.id and not stand_in.equipment, exercise.id
        assert stand_in.exercise.pattern == exercise.exercise.pattern, (exercise.id, stand_in.id)
        assert stand_in.exercise.difficulty <= exercise.exercise.difficulty + 1, (exercise.id, stand_in.id)
    monster = library["monster-walk"]
    assert library.stand_ins([monster], frozenset({"mat"}), set())[0].id == "lateral-squat-walk"
    # The closest is in the session already: the next closest lateral-hip move instead.
    other = library.stand_ins([monster], frozenset({"mat"}), {"lateral-squat-walk"})[0]
    assert other.id not in ("lateral-squat-walk", "monster-walk") and other.exercise.pattern == "hip-abduction"


@pytest.mark.parametrize("equipment", [list(c) for n in (0, 1, 6) for c in itertools.combinations(EQUIPMENT, n)])
def test_a_full_session_of_stand_ins_has_no_repeats(equipment):
    """Every session type of the shipped template finds a different stand-in for each exercise it lacks."""
    library = LIBRARY_MODEL
    have = frozenset(equipment)
    for stype in TEMPLATE["session_types"]:
        ids = [b["exercise"] for b in stype["blocks"]]
        kept = {i for i in ids if library[i].equipment <= have}
        lacking = [library[i] for i in ids if i not in kept]
        chosen = library.stand_ins(lacking, have, kept)
        assert None not in chosen, (stype["id"], equipment)
        assert len({c.id for c in chosen} | kept) == len(ids), (stype["id"], equipment)


def test_progressions_are_checked():
    library = copy.deepcopy(LIB)
    clamshell = next(e for e in library["exercises"] if e["id"] == "clamshell")
    clamshell["progressions"] = [{"exercise": "side-plank"}, {"exercise": "moonwalk"}, {"tempo": "3-1-1", "load": "x"}]
    plank = next(e for e in library["exercises"] if e["id"] == "side-plank")
    plank["progressions"] = [{"tempo": "3-1-1"}]
    del next(e for e in library["exercises"] if e["id"] == "calf-raise")["pattern"]
    with pytest.raises(InputError) as refused:
        gate.check_document(library, "exercise-library", "lib.yaml")
    index = {e["id"]: i for i, e in enumerate(library["exercises"])}
    lines = refused.value.lines()
    assert f"lib.yaml: /exercises/{index['clamshell']}/progressions/2: give exactly one of tempo, load or exercise" in lines
    assert f"lib.yaml: /exercises/{index['calf-raise']}/pattern: required, but missing" in lines
    library["exercises"][index["clamshell"]]["progressions"].pop()
    with pytest.raises(InputError) as refused:
        gate.check_document(library, "exercise-library", "lib.yaml")
    assert refused.value.lines() == [
        f"lib.yaml: /exercises/{index['calf-raise']}/pattern: required, but missing",
    ]
    library["exercises"][index["calf-raise"]]["pattern"] = "plantar-flexion"
    with pytest.raises(InputError) as refused:
        gate.check_document(library, "exercise-library", "lib.yaml")
    assert refused.value.lines() == [
        f"lib.yaml: /exercises/{index['clamshell']}/progressions/0/exercise: 'side-plank' is not counted like 'clamshell' (kind, reps, per_side), so it cannot take over its dose",
        f"lib.yaml: /exercises/{index['clamshell']}/progressions/1/exercise: unknown exercise 'moonwalk'",
        f"lib.yaml: /exercises/{index['side-plank']}/progressions/0/tempo: a tempo needs a dose in reps; 'side-plank' is dosed in hold_seconds",
    ]


def test_a_plan_exercise_may_leave_the_description_out(sample_plan_data):
    """Hand-written plans stay valid: the descriptive fields are required in a library only."""
    gate.check_document(sample_plan_data, "plan", "plan.json")
    described = copy.deepcopy(sample_plan_data)
    described["exercises"][0].update({"pattern": "hip-abduction", "prime_movers": ["gluteus-medius"], "plane": "frontal", "unilateral": False, "difficulty": 2})
    gate.check_document(described, "plan", "plan.json")
    described["exercises"][0]["dose"] = {"sets": 2, "reps": 10, "rest_seconds": 30}
    with pytest.raises(InputError) as refused:
        gate.check_document(described, "plan", "plan.json")
    assert refused.value.lines() == ["plan.json: /exercises/0/dose: unknown property"]


def test_the_library_exercise_schema_repeats_the_plan_exercise():
    """library_exercise spells out exercise's properties (a $ref each made validation several times slower): they must agree."""
    from planport import schemas

    defs = schemas.schema("exercise-library")["$defs"]
    library, plan = defs["library_exercise"], defs["exercise"]
    assert {k: library["properties"][k] for k in plan["properties"]} == plan["properties"]
    assert set(library["properties"]) - set(plan["properties"]) == {"dose", "progressions"}
    assert set(plan["required"]) < set(library["required"])

"""The sample exercise library: complete, and mapped to the FIT profile's real numbers."""

from __future__ import annotations

import yaml
from garmin_fit_sdk import Profile

from conftest import LIBRARY, run_cli

TYPES = Profile["types"]
LIB = yaml.safe_load(LIBRARY.read_text("utf-8"))
BY_ID = {e["id"]: e for e in LIB["exercises"]}

# (library id, category number, exercise_name number) as verified with garmin-fit-sdk 21.218.0.
VERIFIED = [
    ("clamshell", 10, 44), ("side-plank", 19, 66), ("side-plank-leg-lift", 19, 80),
    ("single-leg-calf-raise", 1, 15), ("reverse-lunge", 17, 82), ("side-lunge", 17, 61),
    ("standing-march", 31, 88), ("single-leg-rdl", 8, 14), ("single-leg-glute-bridge", 10, 30),
    ("marching-bridge", 10, 24), ("monster-walk", 37, 24), ("side-lying-leg-raise", 11, 21),
    ("bulgarian-split-squat", 17, 18), ("hip-thrust", 10, 1), ("lateral-step-up", 28, 41),
    ("fire-hydrant", 11, 5), ("seated-glute-stretch", 31, 60), ("kneeling-hip-flexor-stretch", 31, 49),
    ("standing-quad-stretch", 31, 61), ("standing-hamstring-stretch", 31, 33), ("leg-swings", 31, 9),
    ("ninety-ninety", 31, 34),
]
# Where the profile has only a weighted or loosely matching entry, the watch needs the real name.
NEEDS_TITLE = {"reverse-lunge", "standing-march", "single-leg-rdl", "bulgarian-split-squat", "lateral-step-up", "seated-glute-stretch"}


def numbers(exercise: dict) -> tuple[int, int]:
    category = next(k for k, v in TYPES["exercise_category"].items() if v == exercise["fit"]["category"])
    name = next(k for k, v in TYPES[f"{exercise['fit']['category']}_exercise_name"].items() if v == exercise["fit"]["exercise_name"])
    return category, name


def test_library_validates():
    result = run_cli("validate", LIBRARY)
    assert result.code == 0, result.err


def test_every_exercise_of_the_sources_is_there():
    assert len(LIB["exercises"]) >= 21
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


def test_loose_matches_carry_a_title():
    for exercise_id in NEEDS_TITLE:
        assert BY_ID[exercise_id]["fit"].get("title"), exercise_id


def test_how_to_and_equipment():
    for exercise in LIB["exercises"]:
        assert len(exercise["how_to"]) >= 2, exercise["id"]
        assert all(step.endswith(".") for step in exercise["how_to"]), exercise["id"]
    assert "band" in BY_ID["monster-walk"]["equipment"] and "bench" in BY_ID["hip-thrust"]["equipment"]
    assert "step" in BY_ID["lateral-step-up"]["equipment"] and "chair" in BY_ID["seated-glute-stretch"]["equipment"]
    # Every swap target needs less than the exercise it replaces.
    for exercise in LIB["exercises"]:
        for alt in exercise.get("alternatives", []):
            assert set(BY_ID[alt]["equipment"]) - set(exercise["equipment"]) <= {"mat", "wall"}, (exercise["id"], alt)

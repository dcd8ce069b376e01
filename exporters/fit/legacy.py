"""``-o fit.compat=legacy``: exercise names that watches on FIT profile 21.94 know.

Garmin only ever appends to the FIT profile's exercise tables: every category and name of
profile 21.94 (the Python SDK's first release, garmin-fit-sdk 0.94.3) keeps its number in
later profiles, and newer ones come after it. So a (category, name) pair is in 21.94 exactly
when its category is one of the first 33 and its name number is below that category's
count then (``COUNTS_21_94``). ``tests/data/fit-profile-21.94-exercises.json`` holds the
21.94 tables, and the tests check these counts and every mapping below against them.

A newer pair is mapped, in this order, by ``MAPPING`` (the closest 21.94 entry for the same
movement, keyed by the modern pair so it serves any library) or by its category's generic
entry (``GENERIC``: a curtsy lunge is written as ``lunge/lunge``). Either way the step is
titled with the library's own name, so the watch shows the right words. A pair with neither
is refused before anything is written.
"""

from __future__ import annotations

PROFILE = "21.94"

#: Exercise categories of profile 21.94 and how many exercise names each had then.
COUNTS_21_94: dict[str, int] = {
    "bench_press": 27, "calf_raise": 21, "cardio": 22, "carry": 5, "chop": 23, "core": 73, "crunch": 85,
    "curl": 44, "deadlift": 19, "flye": 10, "hip_raise": 50, "hip_stability": 34, "hip_swing": 3,
    "hyperextension": 40, "lateral_raise": 34, "leg_curl": 12, "leg_raise": 22, "lunge": 81,
    "olympic_lift": 21, "plank": 135, "plyo": 33, "pull_up": 39, "push_up": 79, "row": 34,
    "shoulder_press": 24, "shoulder_stability": 33, "shrug": 17, "sit_up": 38, "squat": 92,
    "total_body": 13, "triceps_extension": 41, "warm_up": 31, "run": 4,
}

#: The plain entry of a 21.94 category, for a newer name in it that ``MAPPING`` does not list.
GENERIC: dict[str, str] = {
    "crunch": "crunch", "hip_raise": "hip_raise", "leg_curl": "leg_curl", "lunge": "lunge", "plank": "plank",
    "pull_up": "pull_up", "push_up": "push_up", "run": "run", "sit_up": "sit_up", "squat": "squat",
}

_P = tuple[str, str]

#: Newer (category, exercise_name) -> the 21.94 entry for the same or the nearest movement.
MAPPING: dict[_P, _P] = {
    # Stretches and warm-ups added after 21.94: an older drill for the same muscles.
    ("warm_up", "biceps_stretch"): ("warm_up", "arm_circles"),
    ("warm_up", "glutes_stretch"): ("warm_up", "walking_leg_cradles"),
    ("warm_up", "standing_hamstring_stretch"): ("warm_up", "inverted_hamstring_stretch"),
    ("warm_up", "stretch_90_90"): ("hip_stability", "supine_hip_internal_rotation"),
    ("warm_up", "stretch_abs"): ("hyperextension", "cobra"),
    ("warm_up", "stretch_butterfly"): ("warm_up", "groiners"),
    ("warm_up", "stretch_calf"): ("warm_up", "ankle_dorsiflexion_with_band"),
    ("warm_up", "stretch_cat_cow"): ("warm_up", "cat_camel"),
    ("warm_up", "stretch_childs_pose"): ("warm_up", "quadruped_rocking"),
    ("warm_up", "stretch_cobra"): ("hyperextension", "cobra"),
    ("warm_up", "stretch_forearms"): ("warm_up", "arm_circles"),
    ("warm_up", "stretch_forward_glutes"): ("warm_up", "walking_leg_cradles"),
    ("warm_up", "stretch_front_split"): ("warm_up", "elbow_to_foot_lunge"),
    ("warm_up", "stretch_hamstring"): ("warm_up", "inverted_hamstring_stretch"),
    ("warm_up", "stretch_hip_flexor_and_quad"): ("warm_up", "elbow_to_foot_lunge"),
    ("warm_up", "stretch_lat"): ("warm_up", "reach_roll_and_lift"),
    ("warm_up", "stretch_levator_scapulae"): ("warm_up", "neck_tilts"),
    ("warm_up", "stretch_lunge_with_spinal_twist"): ("warm_up", "elbow_to_foot_lunge"),
    ("warm_up", "stretch_lunging_hip_flexor"): ("warm_up", "elbow_to_foot_lunge"),
    ("warm_up", "stretch_lying_abduction"): ("warm_up", "groiners"),
    ("warm_up", "stretch_lying_it_band"): ("crunch", "hip_crossover"),
    ("warm_up", "stretch_lying_knee_to_chest"): ("warm_up", "walking_knee_hugs"),
    ("warm_up", "stretch_lying_piriformis"): ("warm_up", "walking_leg_cradles"),
    ("warm_up", "stretch_lying_spinal_twist"): ("warm_up", "thoracic_rotation"),
    ("warm_up", "stretch_neck"): ("warm_up", "neck_tilts"),
    ("warm_up", "stretch_obliques"): ("core", "side_bend"),
    ("warm_up", "stretch_over_under_shoulder"): ("warm_up", "shoulder_circles"),
    ("warm_up", "stretch_pectoral"): ("warm_up", "arm_circles"),
    ("warm_up", "stretch_pigeon_pose"): ("warm_up", "walking_leg_cradles"),
    ("warm_up", "stretch_piriformis"): ("warm_up", "walking_leg_cradles"),
    ("warm_up", "stretch_quad"): ("warm_up", "elbow_to_foot_lunge"),
    ("warm_up", "stretch_scorpion"): ("warm_up", "scorpion"),
    ("warm_up", "stretch_shoulder"): ("warm_up", "shoulder_circles"),
    ("warm_up", "stretch_side"): ("core", "side_bend"),
    ("warm_up", "stretch_side_lunge"): ("lunge", "low_side_to_side_lunge"),
    ("warm_up", "stretch_side_split"): ("warm_up", "groiners"),
    ("warm_up", "stretch_standing_it_band"): ("core", "side_bend"),
    ("warm_up", "stretch_straddle"): ("warm_up", "groiners"),
    ("warm_up", "stretch_triceps"): ("warm_up", "arm_circles"),
    ("warm_up", "stretch_wall_chest_and_shoulder"): ("warm_up", "arm_circles"),
    ("warm_up", "neck_rotations_wheelchair"): ("warm_up", "neck_rotations"),
    ("warm_up", "half_kneeling_arm_rotation"): ("warm_up", "thoracic_rotation"),
    ("warm_up", "three_way_ankle_mobilization"): ("warm_up", "ankle_circles"),
    ("warm_up", "ninety_ninety_hip_switch"): ("hip_stability", "supine_hip_internal_rotation"),
    ("warm_up", "active_frog"): ("warm_up", "groiners"),
    ("warm_up", "shoulder_sweeps"): ("warm_up", "shoulder_circles"),
    ("warm_up", "ankle_lunges"): ("warm_up", "ankle_dorsiflexion_with_band"),
    ("warm_up", "back_roll_foam_roller"): ("crunch", "thoracic_crunches_on_foam_roller"),
    ("warm_up", "bear_crawl"): ("plank", "bear_crawl"),
    ("warm_up", "latissimus_dorsi_foam_roll"): ("warm_up", "reach_roll_and_lift"),
    ("warm_up", "reverse_t_hip_opener"): ("total_body", "standing_t_rotation_balance"),
    ("warm_up", "shoulder_rolls"): ("warm_up", "shoulder_circles"),
    ("warm_up", "chest_openers"): ("warm_up", "arm_circles"),
    ("warm_up", "triceps_stretch"): ("warm_up", "arm_circles"),
    ("warm_up", "upper_back_stretch"): ("warm_up", "thoracic_rotation"),
    ("warm_up", "hip_circles"): ("hip_stability", "hip_circles"),
    ("warm_up", "ankle_stretch"): ("warm_up", "ankle_circles"),
    ("warm_up", "marching_in_place"): ("warm_up", "walking_high_knees"),
    ("warm_up", "triceps_stretch_wheelchair"): ("warm_up", "arm_circles"),
    ("warm_up", "upper_back_stretch_wheelchair"): ("warm_up", "thoracic_rotation"),
    ("hip_stability", "lying_abduction_stretch"): ("warm_up", "groiners"),
    # Band exercises (a category added after 21.94): the same movement without the band,
    # or the band variant an older category already had.
    ("banded_exercises", "ab_twist"): ("core", "russian_twist"),
    ("banded_exercises", "back_extension"): ("hyperextension", "spine_extension"),
    ("banded_exercises", "bicycle_crunch"): ("crunch", "bicycle_crunch"),
    ("banded_exercises", "calf_raises"): ("calf_raise", "standing_calf_raise"),
    ("banded_exercises", "chest_press"): ("push_up", "chest_press_with_band"),
    ("banded_exercises", "clam_shells"): ("hip_raise", "clams"),
    ("banded_exercises", "curl"): ("curl", "standing_dumbbell_biceps_curl"),
    ("banded_exercises", "deadbug"): ("hip_stability", "dead_bug"),
    ("banded_exercises", "deadlift"): ("deadlift", "dumbbell_deadlift"),
    ("banded_exercises", "donkey_kick"): ("hip_stability", "quadruped_hip_extension"),
    ("banded_exercises", "external_rotation"): ("shoulder_stability", "band_external_rotation"),
    ("banded_exercises", "external_rotation_at_90_degree_abduction"): ("shoulder_stability", "90_degree_cable_external_rotation"),
    ("banded_exercises", "face_pull"): ("row", "face_pull"),
    ("banded_exercises", "fire_hydrant"): ("hip_stability", "fire_hydrant_kicks"),
    ("banded_exercises", "fly"): ("flye", "dumbbell_flye"),
    ("banded_exercises", "front_raise"): ("lateral_raise", "front_raise"),
    ("banded_exercises", "glute_bridge"): ("hip_raise", "hip_raise"),
    ("banded_exercises", "hamstring_curls"): ("leg_curl", "leg_curl"),
    ("banded_exercises", "high_plank_leg_lifts"): ("plank", "plank_with_leg_lift"),
    ("banded_exercises", "hip_extension"): ("hip_stability", "standing_rear_leg_raise"),
    ("banded_exercises", "internal_rotation"): ("shoulder_stability", "band_internal_rotation"),
    ("banded_exercises", "jumping_jack"): ("cardio", "jumping_jacks"),
    ("banded_exercises", "kneeling_crunch"): ("crunch", "kneeling_cable_crunch"),
    ("banded_exercises", "lateral_band_walks"): ("hip_stability", "lateral_walks_with_band_at_ankles"),
    ("banded_exercises", "lateral_raise"): ("lateral_raise", "one_arm_cable_lateral_raise"),
    ("banded_exercises", "latpull"): ("pull_up", "lat_pulldown"),
    ("banded_exercises", "leg_abduction"): ("hip_stability", "standing_hip_abduction"),
    ("banded_exercises", "leg_adduction"): ("hip_stability", "standing_adduction"),
    ("banded_exercises", "lunge"): ("lunge", "lunge"),
    ("banded_exercises", "plank"): ("plank", "plank"),
    ("banded_exercises", "pull_apart"): ("shrug", "scapular_retraction"),
    ("banded_exercises", "push_ups"): ("push_up", "push_up"),
    ("banded_exercises", "reverse_crunch"): ("crunch", "reverse_crunch"),
    ("banded_exercises", "row"): ("row", "seated_cable_row"),
    ("banded_exercises", "shoulder_abduction"): ("lateral_raise", "seated_lateral_raise"),
    ("banded_exercises", "shoulder_extension"): ("pull_up", "straight_arm_pulldown"),
    ("banded_exercises", "shoulder_external_rotation"): ("shoulder_stability", "band_external_rotation"),
    ("banded_exercises", "shoulder_flexion_to_90_degrees"): ("lateral_raise", "front_raise"),
    ("banded_exercises", "side_plank_leg_lifts"): ("plank", "side_plank_with_leg_lift"),
    ("banded_exercises", "side_raise"): ("lateral_raise", "seated_lateral_raise"),
    ("banded_exercises", "squat"): ("squat", "squats_with_band"),
    ("banded_exercises", "squat_to_press"): ("squat", "thrusters"),
    ("banded_exercises", "tricep_extension"): ("triceps_extension", "cable_overhead_triceps_extension"),
    ("banded_exercises", "tricep_kickback"): ("triceps_extension", "cable_kickback"),
    ("banded_exercises", "upright_row"): ("shrug", "dumbbell_upright_row"),
    ("banded_exercises", "wall_crawl_with_external_rotation"): ("lateral_raise", "wall_slide"),
    ("banded_exercises", "lateral_raise_wheelchair"): ("lateral_raise", "seated_lateral_raise"),
    ("banded_exercises", "triceps_extension_wheelchair"): ("triceps_extension", "seated_dumbbell_overhead_triceps_extension"),
    ("banded_exercises", "chest_fly_incline_wheelchair"): ("flye", "incline_dumbbell_flye"),
    ("banded_exercises", "chest_fly_decline_wheelchair"): ("flye", "decline_dumbbell_flye"),
    ("banded_exercises", "pull_down_wheelchair"): ("pull_up", "lat_pulldown"),
    ("banded_exercises", "straight_arm_pull_down_wheelchair"): ("pull_up", "straight_arm_pulldown"),
    ("banded_exercises", "curl_wheelchair"): ("curl", "seated_dumbbell_biceps_curl"),
    ("banded_exercises", "overhead_curl_wheelchair"): ("curl", "seated_dumbbell_biceps_curl"),
    ("banded_exercises", "face_pull_wheelchair"): ("row", "face_pull"),
    ("banded_exercises", "around_the_world_wheelchair"): ("lateral_raise", "arm_circles"),
    ("banded_exercises", "pull_apart_wheelchair"): ("shrug", "scapular_retraction"),
    ("banded_exercises", "side_curl_wheelchair"): ("curl", "seated_dumbbell_biceps_curl"),
    ("banded_exercises", "overhead_press_wheelchair"): ("shoulder_press", "seated_dumbbell_shoulder_press"),
    # Newer names in older categories where a closer entry than the generic one exists.
    ("lunge", "alternating_dumbbell_lunge"): ("lunge", "dumbbell_lunge"),
    ("lunge", "overhead_dumbbell_lunge"): ("lunge", "overhead_lunge"),
    ("lunge", "dumbbell_overhead_walking_lunge"): ("lunge", "walking_dumbbell_lunge"),
    ("lunge", "weighted_shifting_side_lunge"): ("lunge", "shifting_side_lunge"),
    ("lunge", "weighted_side_lunge_and_press"): ("lunge", "side_lunge_and_press"),
    ("lunge", "weighted_side_lunge_jump_off"): ("lunge", "side_lunge_jump_off"),
    ("lunge", "weighted_curtsy_lunge"): ("lunge", "weighted_lunge"),
    ("deadlift", "kettlebell_deadlift"): ("deadlift", "dumbbell_deadlift"),
    ("deadlift", "kettlebell_sumo_deadlift"): ("deadlift", "sumo_deadlift"),
    ("deadlift", "romanian_deadlift"): ("deadlift", "dumbbell_straight_leg_deadlift"),
    ("deadlift", "single_leg_romanian_deadlift_circuit"): ("deadlift", "single_leg_rdl_circuit"),
    ("deadlift", "straight_leg_deadlift"): ("deadlift", "dumbbell_straight_leg_deadlift"),
    ("squat", "dumbbell_thrusters"): ("squat", "thrusters"),
    ("squat", "overhead_barbell_squat"): ("squat", "overhead_squat"),
    ("squat", "alternating_box_dumbbell_step_ups"): ("squat", "dumbbell_step_up"),
    ("plyo", "jump_squat"): ("plyo", "body_weight_jump_squat"),
    ("plyo", "star_jump_squats"): ("plyo", "body_weight_jump_squat"),
    ("plyo", "box_jump"): ("plyo", "high_box_jump"),
    ("plyo", "box_jump_overs"): ("plyo", "squat_jump_onto_box"),
    ("plyo", "box_jump_overs_over_the_box"): ("plyo", "squat_jump_onto_box"),
    ("carry", "farmers_carry"): ("carry", "farmers_walk"),
    ("carry", "farmers_carry_on_toes"): ("carry", "farmers_walk_on_toes"),
    ("carry", "farmers_carry_walk_lunge"): ("carry", "farmers_walk"),
    ("carry", "dumbbell_waiter_carry"): ("carry", "overhead_carry"),
    ("core", "weighted_the_hundred"): ("core", "the_hundred"),
    ("core", "weighted_criss_cross"): ("core", "criss_cross"),
    ("core", "weighted_double_leg_stretch"): ("core", "double_leg_stretch"),
    ("cardio", "elliptical"): ("run", "jog"),
    ("run", "run_or_walk"): ("run", "jog"),
    ("run", "speed_walk"): ("run", "walk"),
    ("run", "warm_up"): ("run", "jog"),
    ("run_indoor", "treadmill"): ("run", "run"),
    ("run_indoor", "indoor_track_run"): ("run", "run"),
}


def in_21_94(category: str, category_number: int, name_number: int) -> bool:
    """Whether profile 21.94 has this pair (its tables are a prefix of every later one)."""
    count = COUNTS_21_94.get(category)
    return count is not None and category_number <= 32 and 0 <= name_number < count


def legacy_pair(category: str, name: str, known: bool) -> _P | None:
    """The 21.94 pair to write for a modern one (``known``: it is in 21.94 already); None when there is none."""
    if known:
        return category, name
    if (category, name) in MAPPING:
        return MAPPING[(category, name)]
    if category in GENERIC:
        return category, GENERIC[category]
    return None

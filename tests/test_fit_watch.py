"""FIT workouts as a runner meets them on the watch: names, limits, older profiles, the right moves.

The sample athletes' plans are built and exported in-process, then read back by the Garmin
SDK and by fitdecode, which must agree; names, step names and notes must fit a watch
screen (15 and 49 bytes) and tell sessions and sides apart; a session longer than 50 steps
is split; ``compat=legacy`` keeps to FIT profile 21.94, checked against that profile's own
tables (tests/data/, from garmin-fit-sdk 0.94.3); every library exercise's FIT entry is
checked against a reviewed table of what each exercise really is.
"""

from __future__ import annotations

import copy
import io
import json
from functools import cache
from pathlib import Path

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Profile, Stream
from test_fit import walk_steps

from planport.exporters.fit import legacy
from planport.exporters.fit.workout import encode

from conftest import SAMPLES, export_artifacts, library_plan, run_cli, write_json

TYPES = Profile["types"]
DATA = Path(__file__).parent / "data"
ATHLETES = ["new-runner", "marathoner", "home-no-gear"]


def sdk_read(data: bytes) -> dict:
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    assert decoder.is_fit() and decoder.check_integrity()
    stream.reset()
    messages, errors = decoder.read()
    assert errors == []
    return messages


def fitdecode_read(data: bytes) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as fit:
        for frame in fit:
            if frame.frame_type == fitdecode.FIT_FRAME_DATA:
                found.setdefault(frame.name, []).append({f.name: f.value for f in frame.fields})
    return found


def step_in_words(step: dict, reader: str) -> tuple:
    """A step as both readers should tell it: the SDK names main fields, fitdecode the sub-fields."""
    kind = step["duration_type"]
    if reader == "sdk":
        value = step["duration_value"]
        times = step.get("target_value")
    else:
        value = {"reps": step.get("duration_reps"), "time": step.get("duration_time"),
                 "repeat_until_steps_cmplt": step.get("duration_step")}[kind]
        value = int(round(value * 1000)) if kind == "time" else value
        times = step.get("repeat_steps")
    return (step.get("message_index"), step.get("wkt_step_name"), kind, value, times if kind.startswith("repeat") else None,
            step.get("intensity"), step.get("exercise_category"), step.get("exercise_name"), step.get("notes"))


def expected_walk(plan, blocks) -> list[tuple]:
    """What the blocks ask for, set by set and side by side, with no rest after the very last set."""
    out: list[tuple] = []
    for block in blocks:
        exercise = plan.exercise(block.exercise)
        unit, amount = block.dose
        dose = ("time", amount.low * 1000) if unit == "hold_seconds" else ("reps", amount.low)
        for _ in range(block.sets):
            for side in (["L", "R"] if block.sides(exercise) == 2 else [None]):
                out.append((exercise.fit.category, side, *dose))
            if block.rest_seconds:
                out.append(("rest", None, "time", block.rest_seconds * 1000))
    return out[:-1] if out and out[-1][0] == "rest" else out


def walked_in_words(steps: list[dict]) -> list[tuple]:
    out = []
    for s in walk_steps(steps):
        dose = ("time", int(round(s["duration_time"] * 1000))) if s["duration_type"] == "time" else ("reps", s["duration_reps"])
        if s["intensity"] == "rest":
            out.append(("rest", None, *dose))
        else:
            side = s["wkt_step_name"].split(" ", 1)[0]
            out.append((s["exercise_category"], side if side in ("L", "R") else None, *dose))
    return out


@pytest.fixture(scope="module")
def samples():
    """Each sample athlete's plan and its FIT files, read by both readers: built once for the module."""
    import planport

    from conftest import installed_plugins

    out = {}
    for athlete in ATHLETES:
        plan = planport.build(str(SAMPLES / "athletes" / f"{athlete}.yaml"))
        artifacts = planport.export(plan, ["fit"], None, installed_plugins())
        out[athlete] = (plan, [(a, sdk_read(a.data), fitdecode_read(a.data)) for a in artifacts])
    return out


def test_every_sample_file_reads_alike_in_both_readers_and_walks_like_the_plan(samples):
    for athlete, (plan, files) in samples.items():
        assert len(files) == len(plan.sessions), "no sample session needs splitting"
        for (artifact, sdk, fd), session in zip(files, plan.ordered_sessions):
            where = f"{athlete} {artifact.path}"
            assert artifact.path == f"fit/{session.file_stem}.fit", where
            (workout,) = sdk["workout_mesgs"]
            assert fd["workout"] == [{k: workout[k] for k in ("sport", "sub_sport", "num_valid_steps", "wkt_name", "wkt_description")}], where
            sdk_steps = [step_in_words(s, "sdk") for s in sdk["workout_step_mesgs"]]
            assert sdk_steps == [step_in_words(s, "fitdecode") for s in fd["workout_step"]], where
            assert workout["num_valid_steps"] == len(sdk_steps) <= 50
            sdk_titles = [(t["exercise_category"], t["exercise_name"], t["wkt_step_name"]) for t in sdk.get("exercise_title_mesgs", [])]
            assert sdk_titles == [(t["exercise_category"], t["exercise_name"], t["wkt_step_name"]) for t in fd.get("exercise_title", [])], where
            assert walked_in_words(fd["workout_step"]) == expected_walk(plan, session.blocks), where


def test_names_sort_by_date_say_the_session_and_are_unique(samples):
    for athlete, (plan, files) in samples.items():
        names = [sdk["workout_mesgs"][0]["wkt_name"] for _, sdk, _ in files]
        assert len(set(names)) == len(names), f"{athlete}: two files share a name"
        for name, session in zip(names, plan.ordered_sessions):
            assert len(name.encode()) <= 15, name
            assert name.startswith(f"{session.date:%m-%d} "), name
            head = session.title.split(":")[0]
            if head.startswith("Hip strength"):
                assert name.endswith(f"Hip {head[-1]}"), name
        by_year: dict[int, list[str]] = {}
        for name, session in zip(names, plan.ordered_sessions):
            by_year.setdefault(session.date.year, []).append(name)
        for year_names in by_year.values():
            assert year_names == sorted(year_names), f"{athlete}: names do not sort by date within a year"
        descriptions = [sdk["workout_mesgs"][0]["wkt_description"] for _, sdk, _ in files]
        assert all(d.startswith(s.title) for d, s in zip(descriptions, plan.ordered_sessions)), "the full title is in the description"


def test_step_names_notes_and_titles_fit_the_screen_and_put_the_side_first(samples):
    for plan, files in samples.values():
        for (artifact, sdk, _), session in zip(files, plan.ordered_sessions):
            steps = [s for s in sdk["workout_step_mesgs"] if s["duration_type"] != "repeat_until_steps_cmplt"]
            by_exercise: dict[str, set[str]] = {}
            for step in steps:
                name = step["wkt_step_name"]
                assert len(name.encode()) <= 15, (artifact.path, name)
                if step["intensity"] == "rest":
                    assert name == "Rest"
                    continue
                assert len(step["notes"].encode()) <= 49, (artifact.path, step["notes"])
                stem = name[2:] if name[:2] in ("L ", "R ") else name
                by_exercise.setdefault((step["exercise_category"], step["exercise_name"]), set()).add(stem)
            sides = {s["wkt_step_name"][:2] for s in steps if s["intensity"] != "rest"}
            if any(b.sides(plan.exercise(b.exercise)) == 2 for b in session.blocks):
                assert {"L ", "R "} <= sides, f"{artifact.path}: the side comes first"
            stems = [next(iter(v)) for v in by_exercise.values()]
            assert len(set(stems)) == len(stems), f"{artifact.path}: two exercises read alike: {stems}"
            for title in sdk.get("exercise_title_mesgs", []):
                assert len(title["wkt_step_name"].encode()) <= 15


def test_a_session_letter_is_not_taken_for_an_article():
    import datetime as dt

    from planport.exporters.fit.names import workout_name

    day = dt.date(2027, 12, 8)
    assert workout_name(day, "Hip strength A extra") == "12-08 Hip A"
    assert workout_name(day, "Plan A mobility work") == "12-08 Plan A"
    assert workout_name(day, "Lunge with a twist") == "12-08 Lunge"


def test_no_two_library_moves_read_alike_on_the_watch(library_files):
    """What the watch shows of a move (its step name, or its title) tells it from every other
    move of the library: a standing bird dog is not shown as the floor one, a side lunge
    stretch not as the side lunge. Per-side moves show a side, so a one-leg calf raise may
    read "L Calf raise" when the two-leg one reads "Calf raise"."""
    shown_as: dict[str, list[str]] = {}
    for exercise_id, artifact in library_files.items():
        sdk = sdk_read(artifact.data)
        names = {s["wkt_step_name"] for s in sdk["workout_step_mesgs"] if s["intensity"] != "rest" and s["duration_type"] != "repeat_until_steps_cmplt"}
        titles = {t["wkt_step_name"] for t in sdk.get("exercise_title_mesgs", [])}
        for label in names | titles:
            shown_as.setdefault(label, []).append(exercise_id)
    alike = {label: ids for label, ids in shown_as.items() if len(set(ids)) > 1}
    assert alike == {"Calf raise": ["single-leg-calf-raise", "calf-raise"]} or alike == {"Calf raise": ["calf-raise", "single-leg-calf-raise"]}, alike


def test_no_sample_workout_ends_on_a_rest_countdown(samples):
    for athlete, (_, files) in samples.items():
        for artifact, _, fd in files:
            assert walk_steps(fd["workout_step"])[-1]["intensity"] == "active", f"{athlete} {artifact.path}"


# --- the 50-step rule ----------------------------------------------------------------


def plan_with_steps(plan_data: dict, blocks: list[dict]) -> dict:
    plan_data["sessions"] = [{**plan_data["sessions"][0], "blocks": blocks}]
    return plan_data


# The schema allows 20 blocks a session: twelve 4-step blocks (a side each, rest, a repeat)
# and a last block of 1, 2 or 3 steps make 49, 50 and 51 steps.
LAST_BLOCK = {
    49: {"exercise": "monster-walk", "sets": 1, "steps": 12, "rest_seconds": 0},
    50: {"exercise": "clamshell", "sets": 1, "reps": 12, "rest_seconds": 0},
    51: {"exercise": "monster-walk", "sets": 2, "steps": 12, "rest_seconds": 30},  # walk, rest, walk: no rest at the end
}


def blocks_of(count: int) -> list[dict]:
    return [{"exercise": "clamshell", "sets": 2, "reps": 10 + i, "rest_seconds": 30} for i in range(12)] + [LAST_BLOCK[count]]


@pytest.mark.parametrize("count", [49, 50])
def test_a_session_of_up_to_50_steps_is_one_workout(plan_data, count):
    import planport

    data = plan_with_steps(plan_data, blocks_of(count))
    (artifact,) = export_artifacts(data, "fit")
    messages = sdk_read(artifact.data)
    assert artifact.path == "fit/2026-12-07-hip-strength-a.fit"
    assert len(messages["workout_step_mesgs"]) == messages["workout_mesgs"][0]["num_valid_steps"] == count
    assert messages["workout_mesgs"][0]["wkt_name"] == "12-07 Hip A"
    plan = planport.plan_from_dict(data)
    assert walked_in_words(fitdecode_read(artifact.data)["workout_step"]) == expected_walk(plan, plan.sessions[0].blocks)


def test_51_steps_make_two_parts_with_clear_names_each_a_whole_workout(plan_data):
    import planport

    data = plan_with_steps(plan_data, blocks_of(51))
    plan = planport.plan_from_dict(copy.deepcopy(data))
    parts = export_artifacts(data, "fit")
    assert [a.path for a in parts] == ["fit/2026-12-07-hip-strength-a-part1.fit", "fit/2026-12-07-hip-strength-a-part2.fit"]
    read = [sdk_read(a.data) for a in parts]
    assert [m["workout_mesgs"][0]["wkt_name"] for m in read] == ["12-07 Hip A 1/2", "12-07 Hip A 2/2"]
    assert read[1]["workout_mesgs"][0]["wkt_description"].startswith(data["sessions"][0]["title"] + " (part 2 of 2)")
    sizes = [len(m["workout_step_mesgs"]) for m in read]
    assert all(n <= 50 for n in sizes) and max(sizes) - min(sizes) <= 6, f"parts as even as the blocks allow: {sizes}"
    assert len({m["file_id_mesgs"][0]["serial_number"] for m in read}) == 2
    # Each part walks like its own blocks (no rest at its end), and together they hold every block once, in order.
    blocks = list(plan.sessions[0].blocks)
    for artifact in parts:
        walked = walked_in_words(fitdecode_read(artifact.data)["workout_step"])
        chunk = next(blocks[:n] for n in range(1, len(blocks) + 1) if expected_walk(plan, blocks[:n]) == walked)
        blocks = blocks[len(chunk):]
    assert blocks == []


def test_a_20_block_session_splits_and_every_part_keeps_the_limit(plan_data):
    blocks = [{"exercise": "clamshell", "sets": 3, "reps": 10 + i, "rest_seconds": 30} for i in range(20)]
    parts = export_artifacts(plan_with_steps(plan_data, blocks), "fit")
    steps = [fitdecode_read(a.data)["workout_step"] for a in parts]
    assert len(parts) == 2 and all(len(s) <= 50 for s in steps)
    reps = [w["duration_reps"] for s in steps for w in walk_steps(s) if w["intensity"] == "active"]
    assert reps == [r for i in range(20) for r in [10 + i] * 6], "3 sets a side of every block, in order"


def test_the_step_limit_holds_on_every_block_shape(plan_data):
    """Sets 1-10, rest or none, one side or two, as the last block or not: never over 50 per file."""
    import planport
    from planport.exporters.fit.workout import split_blocks, step_count

    shapes = [{"exercise": ex, "sets": sets, "reps": 8, "rest_seconds": rest}
              for ex in ("clamshell", "monster-walk") for sets in (1, 2, 3, 10) for rest in (0, 30)]
    data = plan_with_steps(plan_data, (shapes * 2)[:20])
    plan = planport.plan_from_dict(data)
    blocks = plan.sessions[0].blocks
    for limit in (50, 20, 8):
        parts = split_blocks(plan, blocks, limit)
        assert sum(parts, ()) == blocks
        for part in parts:
            assert sum(step_count(plan, b, i == len(part) - 1) for i, b in enumerate(part)) <= limit


# --- names across a plan -----------------------------------------------------------------


def test_two_sessions_with_the_same_name_get_told_apart(plan_data):
    second = {**copy.deepcopy(plan_data["sessions"][0]), "id": "evening-a", "start_time": "18:00"}
    plan_data["sessions"].append(second)
    names = {a.path: sdk_read(a.data)["workout_mesgs"][0]["wkt_name"] for a in export_artifacts(plan_data, "fit")}
    assert names["fit/2026-12-07-hip-strength-a.fit"] == "12-07 Hip A"
    assert names["fit/2026-12-07-evening-a.fit"] == "12-07 Hip A 2"
    assert len(set(names.values())) == len(names)


def test_a_name_does_not_depend_on_the_export_window(plan_data):
    plan_data["sessions"].append({**copy.deepcopy(plan_data["sessions"][0]), "id": "evening-a", "start_time": "18:00"})
    (only,) = export_artifacts(plan_data, "fit", {"from": "2026-12-07", "to": "2026-12-07"})[1:]
    assert sdk_read(only.data)["workout_mesgs"][0]["wkt_name"] == "12-07 Hip A 2"


# --- compat=legacy: FIT profile 21.94 ----------------------------------------------------


@cache
def profile_21_94() -> dict:
    doc = json.loads((DATA / "fit-profile-21.94-exercises.json").read_text("utf-8"))
    assert doc["profile_version"] == legacy.PROFILE == "21.94"
    return doc["types"]


def in_21_94(category: str, name: str) -> bool:
    types = profile_21_94()
    return category in types["exercise_category"].values() and name in types.get(f"{category}_exercise_name", {}).values()


def test_the_21_94_tables_are_a_prefix_of_the_current_profile():
    """What legacy.in_21_94 relies on: Garmin only appended, so numbers never moved."""
    old = profile_21_94()
    assert old["exercise_category"] == {str(k): v for k, v in TYPES["exercise_category"].items() if str(k) in old["exercise_category"]}
    counts = {}
    for category in old["exercise_category"].values():
        if category == "unknown":
            continue
        names = old[f"{category}_exercise_name"]
        assert sorted(map(int, names)) == list(range(len(names)))
        assert all(TYPES[f"{category}_exercise_name"][int(k)] == v for k, v in names.items()), category
        counts[category] = len(names)
    assert counts == legacy.COUNTS_21_94


def test_every_legacy_target_exists_in_profile_21_94_and_every_source_is_newer():
    for (category, name), (old_category, old_name) in legacy.MAPPING.items():
        assert name in TYPES[f"{category}_exercise_name"].values(), (category, name)
        assert not in_21_94(category, name), f"{category}/{name} is in 21.94 already: no mapping needed"
        assert in_21_94(old_category, old_name), f"{category}/{name} -> {old_category}/{old_name} is not in 21.94"
    for category, name in legacy.GENERIC.items():
        assert in_21_94(category, name), (category, name)


#: Categories a hip, leg, core and mobility library draws on: every pair in them has an older entry.
RUNNER_CATEGORIES = {"calf_raise", "crunch", "deadlift", "hip_raise", "hip_stability", "leg_curl", "leg_raise", "lunge", "plank",
                     "plyo", "push_up", "run", "run_indoor", "sit_up", "squat", "warm_up", "banded_exercises"}


def test_every_current_pair_maps_into_21_94_or_is_refused():
    categories = {name: num for num, name in TYPES["exercise_category"].items()}
    refused = []
    for category, number in categories.items():
        for name_number, name in TYPES.get(f"{category}_exercise_name", {}).items():
            known = legacy.in_21_94(category, number, name_number)
            assert known == in_21_94(category, name), (category, name)
            pair = legacy.legacy_pair(category, name, known)
            if pair is None:
                refused.append((category, name))
            else:
                assert in_21_94(*pair), (category, name, pair)
    # A banded knee extension has no older counterpart at all (crunch/leg_extensions is an ab move).
    assert [p for p in refused if p[0] in RUNNER_CATEGORIES] == [("banded_exercises", "leg_extension")]


def shown(data: bytes) -> tuple[str, str, str | None]:
    """The first step's category and exercise name, and the title the watch shows for them (None: its own name)."""
    messages = sdk_read(data)
    step = messages["workout_step_mesgs"][0]
    category, number = step["exercise_category"], step["exercise_name"]
    titles = {(t["exercise_category"], t["exercise_name"]): t["wkt_step_name"] for t in messages.get("exercise_title_mesgs", [])}
    return category, TYPES[f"{category}_exercise_name"][number], titles.get((category, number))


def test_legacy_mode_writes_only_21_94_names_titled_with_the_librarys(plan_data):
    data = library_plan(plan_data)
    by_id = {e["id"]: e for e in data["exercises"]}
    for artifact in export_artifacts(data, "fit", {"compat": "legacy"}):
        exercise = by_id[artifact.path.removeprefix("fit/2026-12-07-x-").removesuffix(".fit")]
        category, name, title = shown(artifact.data)
        assert in_21_94(category, name), (exercise["id"], category, name)
        if (category, name) != (exercise["fit"]["category"], exercise["fit"]["exercise_name"]):
            assert title, f"{exercise['id']}: an older, approximate entry must carry the library's name"
    monster = next(a for a in export_artifacts(data, "fit", {"compat": "legacy"}) if "monster-walk" in a.path)
    assert shown(monster.data) == ("hip_stability", "lateral_walks_with_band_at_ankles", "Monster walk")


def test_legacy_from_the_command_line_and_its_refusals(tmp_path, plan_data):
    path = write_json(tmp_path / "plan.json", plan_data)
    result = run_cli("export", path, "--to", "fit", "-o", "fit.compat=legacy", "--out", tmp_path / "out", "-q")
    assert result.code == 0, result.err
    first = (tmp_path / "out" / "fit" / "2026-12-07-hip-strength-a.fit").read_bytes()
    assert all(in_21_94(s["exercise_category"], TYPES[f"{s['exercise_category']}_exercise_name"][s["exercise_name"]])
               for s in sdk_read(first)["workout_step_mesgs"] if "exercise_category" in s)
    bad = run_cli("export", path, "--to", "fit", "-o", "fit.compat=ancient", "--out", tmp_path / "x")
    assert bad.code == 2 and "fit options: /compat:" in bad.err and not (tmp_path / "x").exists()

    plan_data["exercises"][1]["fit"] = {"category": "pose", "exercise_name": "boat"}
    path = write_json(tmp_path / "pose.json", plan_data)
    refused = run_cli("export", path, "--to", "fit", "-o", "fit.compat=legacy", "--out", tmp_path / "y")
    assert refused.code == 2 and not (tmp_path / "y").exists()
    assert refused.err.startswith(f"planport: error: {path}: /exercises/1/fit/exercise_name: session 2026-12-07-hip-strength-a: "
                                  "pose/boat is newer than FIT profile 21.94")
    assert run_cli("export", path, "--to", "fit", "--out", tmp_path / "z", "-q").code == 0, "the current profile has it"


# --- what each library exercise is on the watch: a reviewed table --------------------------

# Library exercise -> the FIT entry for the same movement in the current profile, and the
# name the watch shows for it (None: the profile's own name, which already says it). Each
# row was checked against the exercise's how-to, not matched by name.
REVIEWED = {
    "clamshell": ("hip_raise", "clams", "Clamshell", "side-lying knee opening with the feet together: the profile's clams"),
    "clam-raise": ("hip_raise", "clam_bridge", "Clam raise", "a side bridge on the forearm with a clam on top: clam_bridge, not the floor clam"),
    "side-plank": ("plank", "side_plank", None, "forearm side plank hold"),
    "side-plank-leg-lift": ("plank", "side_plank_with_leg_lift", None, "side plank holding the top leg raised"),
    "single-leg-calf-raise": ("calf_raise", "single_leg_standing_calf_raise", "Calf raise", "standing, one foot, hand on a wall"),
    "reverse-lunge": ("lunge", "dumbbell_reverse_lunge", "Reverse lunge", "the same step-back lunge; the profile only has it loaded, so titled"),
    "side-lunge": ("lunge", "side_lunge", None, "lateral lunge, body weight"),
    "standing-march": ("warm_up", "marching_in_place", "Standing march", "slow knee lifts in place with a balance pause"),
    "resisted-knee-lift": ("warm_up", "marching_in_place", "Knee lift", "a march against a band; no banded knee drive exists, so titled"),
    "single-leg-rdl": ("deadlift", "single_leg_romanian_deadlift_with_dumbbell", "Single-leg RDL", "hip hinge on one leg; the profile's is loaded, so titled"),
    "single-leg-glute-bridge": ("hip_raise", "single_leg_hip_raise", "1-leg bridge", "a bridge on one leg is the profile's single-leg hip raise"),
    "marching-bridge": ("hip_raise", "marching_hip_raise", "Marching bridge", "bridge held while feet lift in turn"),
    "monster-walk": ("banded_exercises", "lateral_band_walks", "Monster walk", "sideways steps against a band in a quarter squat"),
    "side-lying-leg-raise": ("hip_stability", "side_lying_leg_raise", None, "straight top-leg abduction lying on the side"),
    "bulgarian-split-squat": ("lunge", "dumbbell_bulgarian_split_squat", "Bulg split sq", "rear foot on a bench; the profile's is loaded, so titled"),
    "hip-thrust": ("hip_raise", "barbell_hip_thrust_with_bench", "Hip thrust", "upper back on a bench, hips driven up; loaded in the profile, so titled"),
    "lateral-step-up": ("squat", "lateral_dumbbell_step_up", "Lateral step-up", "side-on step-up; loaded in the profile, so titled"),
    "fire-hydrant": ("banded_exercises", "fire_hydrant", "Fire hydrant", "bent-knee abduction on all fours; fire_hydrant_kicks adds a kick, a different move"),
    "leg-swings": ("warm_up", "forward_and_backward_leg_swings", "Leg swings", "front-to-back swings beside a wall"),
    "ninety-ninety": ("warm_up", "ninety_ninety_hip_switch", "90/90 switch", "knees rotated side to side while seated: the hip switch, not the held 90/90 stretch"),
    "runners-lunge": ("warm_up", "stretch_lunging_hip_flexor", "Runner's lunge", "a static low lunge held for the hip flexor, not the dynamic lunge-to-balance"),
    "seated-glute-stretch": ("warm_up", "stretch_piriformis", "Glute stretch", "seated figure-4: a piriformis and glute stretch"),
    "kneeling-hip-flexor-stretch": ("warm_up", "stretch_lunging_hip_flexor", "Kneel hip flex", "half-kneeling lunge stretch of the back hip's flexors"),
    "standing-quad-stretch": ("warm_up", "stretch_quad", "Quad stretch", "standing heel-to-buttock quad stretch"),
    "standing-hamstring-stretch": ("warm_up", "standing_hamstring_stretch", None, "heel forward, hinge at the hip, standing"),
    # Added with the issue-12 library (reviewed at merge against each exercise's how-to).
    "lateral-squat-walk": ("banded_exercises", "lateral_band_walks", "Side squat walk", "the same side steps in a quarter squat, without the band; titled"),
    "standing-hip-abduction": ("hip_stability", "standing_hip_abduction", None, "standing on one leg, the other lifted out to the side"),
    "glute-bridge": ("hip_raise", "hip_raise", "Glute bridge", "two-leg hip raise from the floor: the glute bridge"),
    "standing-glute-kickback": ("hip_stability", "standing_rear_leg_raise", "Glute kickback", "standing hip extension, the leg taken back"),
    "split-squat": ("squat", "dumbbell_split_squat", "Split squat", "split squat; the profile has only loaded ones, so titled"),
    "curtsy-lunge": ("lunge", "curtsy_lunge", None, "the back leg crosses behind: the curtsy lunge"),
    "wall-side-plank": ("plank", "side_plank", "Wall side plank", "a side plank inclined against a wall; titled"),
    "standing-side-crunch": ("crunch", "standing_side_crunch", None, "elbow to knee on the same side, standing"),
    "bird-dog": ("core", "arm_and_leg_extension_on_knees", "Bird dog", "opposite arm and leg reached out on hands and knees"),
    "dead-bug": ("hip_stability", "dead_bug", None, "on the back, opposite arm and leg lowered"),
    "standing-bird-dog": ("warm_up", "opposite_arm_and_leg_balance", "Stnd bird dog", "opposite arm and leg reached out, balancing on one leg"),
    "calf-raise": ("calf_raise", "standing_calf_raise", "Calf raise", "two-leg standing calf raise"),
    "side-leg-swings": ("warm_up", "side_to_side_leg_swings", None, "a leg swung across and out, facing a wall"),
    "walking-knee-hugs": ("warm_up", "walking_knee_hugs", "Knee hugs", "a knee pulled to the chest, standing or walking"),
    "hip-circles": ("warm_up", "hip_circles", "Hip circles", "the lifted knee drawn in circles on one leg"),
    "lunge-with-twist": ("warm_up", "stretch_lunge_with_spinal_twist", "Lunge + a twist", "a long lunge with the trunk turned over the front leg"),
    "standing-hip-flexor-stretch": ("warm_up", "stretch_lunging_hip_flexor", "Stnd hip flex", "the lunge hip-flexor stretch, both feet on the floor"),
    "lying-glute-stretch": ("warm_up", "stretch_lying_piriformis", "Lying fig-4", "ankle over knee on the back: the lying piriformis stretch"),
    "standing-glute-stretch": ("warm_up", "glutes_stretch", "Figure-4 str.", "ankle over the standing knee, sitting back: a glute stretch"),
    "side-lying-quad-stretch": ("warm_up", "stretch_quad", "Side quad str", "heel drawn to the buttock, lying on the side"),
    "side-lunge-stretch": ("warm_up", "stretch_side_lunge", "Side lng str.", "wide stance, weight shifted over one bent knee"),
    "calf-stretch": ("warm_up", "stretch_calf", "Calf stretch", "back heel pressed down in a split stance"),
}
# Entries the library had wrong would be listed here as strict xfails until it changed; the
# review's corrections (clam raise, fire hydrant, 90/90, runner's lunge) are in the library.
LIBRARY_MUST_CHANGE: dict[str, str] = {}  # empty: every change the review asked for is in the library


@pytest.fixture(scope="module")
def library_files():
    data = library_plan(json.loads((SAMPLES / "plans" / "hip-2-weeks.json").read_text("utf-8")))
    return {a.path.removeprefix("fit/2026-12-07-x-").removesuffix(".fit"): a for a in export_artifacts(data, "fit")}


def test_every_library_exercise_is_reviewed(library_files):
    assert sorted(library_files) == sorted(REVIEWED), "review the new exercises' FIT entries and add them to REVIEWED"


@pytest.mark.parametrize("exercise_id", [
    pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=f"the library must change to {LIBRARY_MUST_CHANGE[i]}")) if i in LIBRARY_MUST_CHANGE else i
    for i in REVIEWED
])
def test_library_exercise_is_the_same_move_on_the_watch(library_files, exercise_id):
    category, name, title, _reason = REVIEWED[exercise_id]
    assert shown(library_files[exercise_id].data) == (category, name, title)


def test_the_watch_never_names_a_different_move_even_before_the_library_changes(library_files):
    # fire_hydrant_kicks adds a kick: until the library changes, the title keeps the right name.
    category, name, title = shown(library_files["fire-hydrant"].data)
    assert title == "Fire hydrant"
    assert shown(library_files["runners-lunge"].data)[2] == "Runner's lunge"


# --- inspect --walk on malformed repeats -------------------------------------------------


def workout_with_steps(steps: list[dict]) -> bytes:
    from planport.exporters.fit.workout import MESG_NUM

    base = {"target_type": "open"}
    messages = [
        (MESG_NUM["FILE_ID"], {"type": "workout", "manufacturer": "development", "product": 1, "serial_number": 7}),
        (MESG_NUM["WORKOUT"], {"sport": "training", "num_valid_steps": len(steps), "wkt_name": "bad"}),
        *((MESG_NUM["WORKOUT_STEP"], {**base, "message_index": i, **s}) for i, s in enumerate(steps)),
    ]
    return encode(messages)


EXERCISE = {"wkt_step_name": "Squat", "duration_type": "reps", "duration_value": 10, "intensity": "active"}


@pytest.mark.parametrize("target, message", [
    (3, "step 1: the repeat jumps forward to step 3; a repeat goes back to an earlier step"),
    (1, "step 1: the repeat points at itself, a loop with no exercise in it"),
    (9, "step 1: the repeat points at step 9, past the last step (3)"),
])
def test_inspect_walk_reports_malformed_repeats_before_printing(tmp_path, target, message):
    repeat = {"duration_type": "repeat_until_steps_cmplt", "duration_value": target, "target_value": 3}
    path = tmp_path / "bad.fit"
    path.write_bytes(workout_with_steps([EXERCISE, repeat, EXERCISE, EXERCISE]))
    good = tmp_path / "good.fit"
    good.write_bytes(workout_with_steps([EXERCISE, {**repeat, "duration_value": 0}]))
    result = run_cli("inspect", "--walk", good, path)
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == f"planport: error: {path}: {message}"
    plain = run_cli("inspect", path)
    assert plain.code == 0 and "4 steps" in plain.out, "without --walk the steps are listed as they are"
    walked = run_cli("inspect", "--walk", good)
    assert walked.code == 0 and walked.out.count("Squat: 10 reps") == 3

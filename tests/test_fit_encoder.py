"""planport's FIT encoder against the SDK Encoder, byte for byte, and read back by two decoders."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import math
from functools import cache

import fitdecode
import pytest
import yaml
from garmin_fit_sdk import CrcCalculator, Decoder, Encoder, Profile, Stream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planport.core.builder import build_from_files
from planport.core.model import Plan
from planport.exporters.fit import encoder as fit_encoder
from planport.exporters.fit import workout as fit
from planport.exporters.fit.encoder import Unsupported, encode, encode_fast, encode_sdk

from conftest import LIBRARY, SAMPLE_PLAN, SAMPLES, export_artifacts

MESG_NUM = Profile["mesg_num"]
FILE_ID, WORKOUT, STEP, TITLE = (MESG_NUM[n] for n in ("FILE_ID", "WORKOUT", "WORKOUT_STEP", "EXERCISE_TITLE"))
LIST_KEYS = {FILE_ID: "file_id_mesgs", WORKOUT: "workout_mesgs", STEP: "workout_step_mesgs", TITLE: "exercise_title_mesgs"}
UTC = dt.UTC
FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=UTC)


# --- readers ----------------------------------------------------------------------------


def sdk_read(data: bytes) -> dict:
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    assert decoder.is_fit()
    assert decoder.check_integrity(), "header and file CRC"
    stream.reset()
    messages, errors = decoder.read(enable_crc_check=False)  # checked just above; the SDK's CRC is slow
    assert errors == []
    return messages


def fitdecode_frames(data: bytes) -> list[tuple[str, dict]]:
    """(message name, {field name: fitdecode's field}), by the field's own name (fitdecode names a value by its subfield)."""
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        return [(frame.name, {f.field_def.name: f for f in frame.fields}) for frame in reader if frame.frame_type == fitdecode.FIT_FRAME_DATA]


def definitions(data: bytes) -> list[tuple[int, int]]:
    """(local number, global message number) of each definition message, walked from the headers."""
    position, sizes, found = data[0], {}, []
    while position < len(data) - 2:
        header = data[position]
        if header & 0x40:
            fields = data[position + 5]
            sizes[header & 0x0F] = sum(data[position + 7 + 3 * i] for i in range(fields))
            found.append((header & 0x0F, int.from_bytes(data[position + 3:position + 5], "little")))
            position += 6 + 3 * fields
        else:
            position += 1 + sizes[header & 0x0F]
    return found


@cache
def field_profile(mesg_num: int, name: str) -> dict:
    return next(f for f in Profile["messages"][mesg_num]["fields"].values() if f["name"] == name)


def as_decoded(mesg_num: int, name: str, value):
    """What the SDK Decoder gives back for a value planport sent: names for enum numbers, strings split at nulls."""
    profile = field_profile(mesg_num, name)
    if profile["type"] == "string":
        text = value.rstrip("\x00")
        parts = text.split("\x00")
        return None if not text else parts[0] if len(parts) == 1 else parts
    if isinstance(value, int) and profile["type"] in Profile["types"]:
        return Profile["types"][profile["type"]].get(value, value)
    return value


def assert_reads_back(messages: list[tuple[int, dict]], data: bytes) -> None:
    """Both decoders read the file, with good CRCs, and find every field planport sent."""
    decoded = sdk_read(data)
    position = dict.fromkeys(LIST_KEYS, 0)
    for mesg_num, fields in messages:
        found = decoded[LIST_KEYS[mesg_num]][position[mesg_num]]
        position[mesg_num] += 1
        for name, value in fields.items():
            expected = as_decoded(mesg_num, name, value)
            if isinstance(value, float):  # a weight, kept to 1/100 kg
                assert abs(found[name] - value) <= 0.005 + 1e-9, (name, value, found[name])
            else:
                assert found.get(name) == expected, (name, value, found.get(name))
    assert {LIST_KEYS[n]: c for n, c in position.items() if c} == {k: len(v) for k, v in decoded.items()}

    frames = fitdecode_frames(data)
    assert [name for name, _ in frames] == [Profile["messages"][n]["name"] for n, _ in messages]
    for (_, fields), (_, found) in zip(messages, frames):
        for name, value in fields.items():
            if isinstance(value, float):
                assert abs(found[name].value - value) <= 0.005 + 1e-9, (name, value, found[name].value)
            elif isinstance(value, int):
                assert found[name].raw_value == value, (name, value, found[name].raw_value)
            elif isinstance(value, dt.datetime) and not isinstance(found[name].value, dt.datetime):
                # FIT reads a date_time below 0x10000000 (before mid-1998) as seconds of system time
                seconds = (value - FIT_EPOCH).total_seconds()
                assert seconds < 0x10000000 and found[name].value == seconds, (name, value, found[name].value)
            elif not isinstance(value, str) or (value and "\x00" not in value):  # strings with nulls: the SDK's reading above
                assert found[name].value == value, (name, value, found[name].value)


# --- plans ------------------------------------------------------------------------------


@cache
def sample_plans() -> tuple[Plan, ...]:
    from planport.core.gate import plan_from_data

    athletes = sorted((SAMPLES / "athletes").glob("*.yaml"))
    assert len(athletes) >= 3
    return (plan_from_data(json.loads(SAMPLE_PLAN.read_text("utf-8"))), *(build_from_files(str(path)) for path in athletes))


def test_every_sample_session_is_the_sdks_bytes_and_reads_back():
    files = 0
    for plan in sample_plans():
        for path, messages in fit.workout_files(plan, list(plan.ordered_sessions)):
            data = encode_fast(messages)  # no fallback: Unsupported would fail the test
            assert data == encode_sdk(messages), f"{plan.id} {path}"
            assert_reads_back(messages, data)
            files += 1
    assert files > 100


def test_the_exporter_uses_the_encoder_its_option_names(sample_plan_data, monkeypatch):
    calls = []
    for name, function in fit.ENCODERS.items():
        monkeypatch.setitem(fit.ENCODERS, name, lambda messages, tail, name=name, function=function: calls.append(name) or function(messages, tail))
    fast = export_artifacts(copy.deepcopy(sample_plan_data), "fit")
    assert calls == ["fast"] * len(fast)
    calls.clear()
    sdk = export_artifacts(copy.deepcopy(sample_plan_data), "fit", {"encoder": "sdk"})
    assert calls == ["sdk"] * len(sdk)
    assert [(a.path, a.data) for a in fast] == [(a.path, a.data) for a in sdk]


# --- hypothesis-made sessions -------------------------------------------------------------

LIBRARY_EXERCISES = yaml.safe_load(LIBRARY.read_text("utf-8"))["exercises"]
LIBRARY_PAIRS = sorted({(e["fit"]["category"], e["fit"]["exercise_name"]) for e in LIBRARY_EXERCISES})
ANY_TEXT = st.characters(codec="utf-8")  # every code point but surrogates, nulls and controls included
WIDE_TEXT = st.sampled_from("aé蚌🦵 -")  # 1 to 4 bytes a character: long names cross 254 bytes


def text(max_chars: int, min_chars: int = 0) -> st.SearchStrategy[str]:
    return st.one_of(st.text(ANY_TEXT, min_size=min_chars, max_size=max_chars), st.text(WIDE_TEXT, min_size=max(min_chars, max_chars // 2), max_size=max_chars))


@st.composite
def exercise(draw, index: int) -> dict:
    category, name = draw(st.sampled_from(LIBRARY_PAIRS))
    mapping = {"category": category, "exercise_name": name}
    if draw(st.booleans()):
        mapping["title"] = draw(text(120, 1))
    return {"id": f"e{index}", "name": draw(text(120, 1)), "kind": draw(st.sampled_from(["strength", "mobility", "stretch"])), "focus": ["hips"],
            "how_to": [draw(text(300, 1))], "per_side": draw(st.booleans()), "equipment": [], "fit": mapping}


@st.composite
def block(draw, exercises: list[dict]) -> dict:
    unit = draw(st.sampled_from(["reps", "steps", "hold_seconds"]))
    top = 600 if unit == "hold_seconds" else 100
    low = draw(st.integers(1, top))
    result = {"exercise": draw(st.sampled_from(exercises))["id"], "sets": draw(st.integers(1, 10)),
              unit: low if draw(st.booleans()) else {"min": low, "max": draw(st.integers(low, top))},
              "rest_seconds": draw(st.one_of(st.just(0), st.integers(1, 600)))}
    if draw(st.booleans()):
        result["per_side"] = draw(st.booleans())
    load = draw(st.fixed_dictionaries({}, optional={"kg": st.floats(0, 300), "note": st.text(WIDE_TEXT, min_size=1, max_size=80)}))
    if load:
        result["load"] = load
    if draw(st.booleans()):
        result["notes"] = draw(text(300))
    return result


def step_count(block: dict, exercises: dict) -> int:
    sides = 2 if block.get("per_side", exercises[block["exercise"]]["per_side"]) else 1
    return sides + (block["rest_seconds"] > 0) + (block["sets"] > 1)


@st.composite
def plan_with_one_session(draw, base: dict) -> Plan:
    exercises = [draw(exercise(i)) for i in range(draw(st.integers(1, 8)))]
    by_id = {e["id"]: e for e in exercises}
    blocks, steps = [], 0
    for candidate in draw(st.lists(block(exercises), min_size=1, max_size=20)):
        if blocks and steps + step_count(candidate, by_id) > 50:
            break
        blocks.append(candidate)
        steps += step_count(candidate, by_id)
    session = {"id": "s", "date": "2026-12-07", "start_time": "07:00", "title": draw(text(200, 1)), "kind": "strength", "minutes": 20, "blocks": blocks}
    if draw(st.booleans()):
        session["notes"] = draw(text(400))
    created = draw(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1))).replace(microsecond=0)
    return Plan.from_dict({**base, "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "exercises": exercises, "sessions": [session]})


SAMPLE_BASE = {k: v for k, v in json.loads(SAMPLE_PLAN.read_text("utf-8")).items() if k not in ("exercises", "sessions", "weeks")}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plan_with_one_session(SAMPLE_BASE))
def test_made_up_sessions_are_the_sdks_bytes_and_read_back(plan):
    for _, messages in fit.workout_files(plan, list(plan.sessions)):
        assert 1 <= sum(n == STEP for n, _ in messages) <= 50
        data = encode_fast(messages)
        assert data == encode_sdk(messages)
        assert_reads_back(messages, data)


# --- the SDK's ways, one at a time ---------------------------------------------------------

CREATED = dt.datetime(2026, 11, 20, 9, tzinfo=UTC)


def file_id(**fields) -> tuple[int, dict]:
    return FILE_ID, {"type": "workout", "manufacturer": "development", "product": 1, "serial_number": 7, "time_created": CREATED, **fields}


def step(**fields) -> tuple[int, dict]:
    return STEP, {"wkt_step_name": "Squat", "duration_type": "reps", "duration_value": 10, "target_type": "open", "intensity": "active", **fields}


def same_as_sdk(messages: list[tuple[int, dict]]) -> bytes:
    data = encode_fast(messages)
    assert data == encode_sdk(messages)
    sdk_read(data)
    return data


def test_a_layout_in_another_order_reuses_the_definition_and_its_order():
    first = step()
    reordered = dict(reversed(list(step(wkt_step_name="Lunge")[1].items())))  # same names and sizes, other order
    data = same_as_sdk([file_id(), first, (STEP, reordered)])
    assert definitions(data) == [(0, FILE_ID), (1, STEP)]
    steps = sdk_read(data)["workout_step_mesgs"]
    assert [s["wkt_step_name"] for s in steps] == ["Squat", "Lunge"]


def test_strings_of_another_length_make_another_definition():
    data = same_as_sdk([file_id(), step(), step(wkt_step_name="Lunge"), step(wkt_step_name="Squats"), step(wkt_step_name="Plank")])
    assert definitions(data) == [(0, FILE_ID), (1, STEP), (2, STEP)]  # "Plank" is a 5-byte name again


def test_seventeen_layouts_go_round_the_sixteen_local_numbers():
    # file_id takes slot 0 and names of 1 to 15 bytes slots 1-15; the 16-byte name replaces file_id
    # in slot 0, the 17-byte one the 1-byte one in slot 1. So a 1-byte name and a file_id are
    # defined again, in slots 2 and 3, while a 15-byte name still finds slot 15.
    messages = [file_id(), *(step(wkt_step_name="x" * n) for n in range(1, 18)), step(wkt_step_name="y"), file_id(), step(wkt_step_name="z" * 15)]
    data = same_as_sdk(messages)
    assert definitions(data) == [(0, FILE_ID), *((n % 16, STEP) for n in range(1, 18)), (2, STEP), (3, FILE_ID)]
    assert [s["wkt_step_name"] for s in sdk_read(data)["workout_step_mesgs"]][-2:] == ["y", "z" * 15]


def test_numbers_as_the_sdk_writes_them():
    messages = [
        file_id(serial_number=2**32 + 5, product=70000),  # cut to the width, not refused
        step(duration_value=20000.9, exercise_weight=0.125, weight_display_unit="kilogram"),  # truncated; 12.5 rounds to even
        step(duration_value=1, exercise_weight=0.135, exercise_category=10),
        step(exercise_weight=300, exercise_category=65534, exercise_name=44),
    ]
    data = same_as_sdk(messages)
    decoded = sdk_read(data)
    assert decoded["file_id_mesgs"][0]["serial_number"] == 5 and decoded["file_id_mesgs"][0]["product"] == 70000 - 65536
    steps = decoded["workout_step_mesgs"]
    assert steps[0]["duration_value"] == 20000 and steps[0]["exercise_weight"] == 0.12
    assert steps[2]["exercise_weight"] == 300


def test_values_the_sdk_leaves_out_or_maps():
    messages = [
        file_id(product_name=["plan", "port"], number=None, not_a_field="ignored", mesg_num=0, developer_fields={}),
        (WORKOUT, {"sport": 10, "sub_sport": "strength_training", "num_valid_steps": 1, "wkt_name": ""}),  # an enum by number, an empty string
        step(time_created=CREATED),  # a field of another message
    ]
    data = same_as_sdk(messages)
    decoded = sdk_read(data)
    assert decoded["file_id_mesgs"][0]["product_name"] == ["plan", "port"]
    assert decoded["workout_mesgs"][0]["sport"] == "training"
    assert encode_fast([]) == encode_sdk([])  # a header and a CRC


@pytest.mark.parametrize("zone", [UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=5, minutes=45))])
def test_aware_datetimes_are_seconds_since_the_fit_epoch(zone):
    instant = dt.datetime(2026, 3, 29, 1, 30, 59, 999999, tzinfo=UTC)
    data = same_as_sdk([file_id(time_created=instant.astimezone(zone))])
    assert sdk_read(data)["file_id_mesgs"][0]["time_created"] == instant.replace(microsecond=0)
    assert same_as_sdk([file_id(time_created=FIT_EPOCH + dt.timedelta(seconds=1))]) != data


# --- what the fast path leaves to the SDK ----------------------------------------------------

LEFT_TO_THE_SDK = {
    "a naive datetime (the SDK reads it in the machine's zone)": [file_id(time_created=dt.datetime(2026, 11, 20, 9))],
    "a number as a string": [file_id(), step(duration_value="15")],
    "a name that parses as a number": [file_id(), step(intensity="1")],
    "developer fields": [file_id(developer_fields={"key": 1})],
    "an empty list (the SDK writes a null it did not define)": [file_id(product_name=[])],
    "a bool": [file_id(), step(duration_value=True)],
}


@pytest.fixture
def sdk_calls(monkeypatch):
    calls = []
    sdk = fit_encoder.encode_sdk
    monkeypatch.setattr(fit_encoder, "encode_sdk", lambda messages: calls.append(messages) or sdk(messages))
    return calls


@pytest.mark.parametrize("reason", sorted(LEFT_TO_THE_SDK))
def test_files_the_fast_path_declines_are_the_sdks(reason, sdk_calls):
    messages = LEFT_TO_THE_SDK[reason]
    with pytest.raises(Unsupported):
        encode_fast(messages)
    encodes_as_the_sdk(messages)
    assert sdk_calls == [messages], "the SDK Encoder wrote the file"


def encodes_as_the_sdk(messages: list[tuple[int, dict]]) -> bytes | None:
    """``encode`` gives the SDK Encoder's bytes, or fails with its error; the bytes, or None."""
    try:
        expected = sdk_encoder_bytes(messages)
    except ValueError as e:
        with pytest.raises(ValueError) as raised:
            encode(messages)
        assert str(raised.value) == str(e)
        return None
    assert encode(messages) == expected
    return expected


def sdk_encoder_bytes(messages: list[tuple[int, dict]]) -> bytes:
    """The SDK Encoder called here, not through the module (whose wrapper the test spies on)."""
    encoder = Encoder()
    for number, fields in messages:
        encoder.on_mesg(number, fields)
    return encoder.close()


REFUSED_BY_THE_SDK = {
    "NaN": step(exercise_weight=math.nan),
    "infinity": step(exercise_weight=math.inf),
    "a lone surrogate": step(wkt_step_name="\ud800"),
    "a 255-byte string (256 with its null)": step(wkt_step_name="x" * 255),
    "an unknown name": step(intensity="flat_out"),
}


@pytest.mark.parametrize("reason", sorted(REFUSED_BY_THE_SDK))
def test_values_the_sdk_refuses_fail_with_the_sdks_error(reason, sdk_calls):
    messages = [file_id(), REFUSED_BY_THE_SDK[reason]]
    with pytest.raises(ValueError, match="^Could not write Message"):
        encode(messages)
    assert len(sdk_calls) == 1


def test_the_fast_path_takes_planports_messages(sdk_calls):
    plan = sample_plans()[0]
    for _, messages in fit.workout_files(plan, list(plan.ordered_sessions)):
        encode(messages)
    assert sdk_calls == []


# --- any values in the four messages: the SDK's bytes or the SDK's error ------------------------

ZONES = st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=-9, minutes=-30)), dt.timezone(dt.timedelta(hours=14))])
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.just(""), st.just([]), st.sampled_from(["12", "1.5", "5_1", " 7 ", "nan"]),
                       st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**40), 2**70))


def values_for(profile: dict) -> st.SearchStrategy:
    """Values a caller might put in a field: mostly fitting ones, sometimes odd ones."""
    kind = profile["type"]
    if kind == "string":
        fitting = st.one_of(text(80), st.lists(text(20, 1), min_size=1, max_size=4))
    elif kind in ("date_time", "local_date_time"):
        fitting = st.one_of(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2120, 1, 1), timezones=ZONES), st.integers(0, 2**32 - 1))
    elif kind in Profile["types"]:
        fitting = st.one_of(st.sampled_from(sorted(Profile["types"][kind].values())), st.integers(0, 2**16))
    else:
        fitting = st.one_of(st.integers(0, 2**32), st.floats(0, 1e6), st.lists(st.integers(0, 255), min_size=1, max_size=3))
    return st.integers(0, 19).flatmap(lambda pick: ODD_VALUES if pick == 0 else fitting)


@st.composite
def any_message(draw) -> tuple[int, dict]:
    mesg_num = draw(st.sampled_from(sorted(LIST_KEYS)))
    profiles = list(Profile["messages"][mesg_num]["fields"].values())
    chosen = draw(st.lists(st.sampled_from(profiles), min_size=1, max_size=6, unique_by=lambda p: p["name"]))
    fields = {p["name"]: draw(values_for(p)) for p in chosen}
    if draw(st.integers(0, 9)) == 0:
        fields[draw(st.sampled_from(["mesg_num", "developer_fields", "no_such_field"]))] = draw(st.one_of(st.just({}), st.integers(0, 3)))
    return mesg_num, fields


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_message(), min_size=1, max_size=8))
def test_any_values_give_the_sdks_bytes_or_the_sdks_error(messages):
    expected = encodes_as_the_sdk(messages)
    if expected is None:
        return
    try:
        fast = encode_fast(messages)
    except Unsupported:
        return
    assert fast == expected
    reader = Decoder(Stream.from_byte_array(bytearray(fast)))
    assert reader.is_fit() and reader.check_integrity()


# --- what the encoder remembers -----------------------------------------------------------


def test_a_remembered_message_gives_the_bytes_of_a_fresh_one():
    plan = Plan.from_dict(json.loads(SAMPLE_PLAN.read_text()))
    files = fit.workout_files(plan, list(plan.ordered_sessions))
    fit_encoder._memo.clear()
    cold = [encode_fast(messages) for _, messages in files]
    assert fit_encoder._memo, "planport's steps are remembered"
    assert [encode_fast(messages) for _, messages in files] == cold
    assert cold == [sdk_encoder_bytes(messages) for _, messages in files]


@pytest.mark.parametrize("values", [[1, True, 1.0], [0, False, 0.0, -0.0], ["1", 1]], ids=["one", "zero", "text"])
def test_equal_values_of_other_types_are_not_taken_for_a_remembered_one(values):
    """1, True and 1.0 are equal and hash alike: each is encoded (or refused) as the SDK does it,
    whichever of them came first."""
    for order in (values, values[::-1]):
        for value in order:
            messages = [(STEP, {"message_index": 0, "duration_type": "reps", "duration_value": value, "target_type": "open"})]
            encodes_as_the_sdk(messages)


def test_a_full_memory_is_emptied_and_the_bytes_stay_the_same(monkeypatch):
    monkeypatch.setattr(fit_encoder, "_MEMO_SIZE", 3)
    fit_encoder._memo.clear()
    plan = Plan.from_dict(json.loads(SAMPLE_PLAN.read_text()))
    for _, messages in fit.workout_files(plan, list(plan.ordered_sessions))[:4]:
        assert encode_fast(messages) == sdk_encoder_bytes(messages)
        assert len(fit_encoder._memo) <= 3


# --- tails: runs of messages remembered whole ------------------------------------------------


def counting(tail: fit_encoder.Tail, calls: list) -> fit_encoder.Tail:
    return fit_encoder.Tail(tail.key, lambda: calls.append(tail.key) or tail.make())


def test_every_sample_workout_from_a_remembered_tail_is_the_sdks_bytes():
    """The exporter's way (the file's own head, then the steps as a tail): cold and warm, the
    SDK's bytes; the second time no step is made, and a tail is made once however often it recurs."""
    fit_encoder._tails.clear()
    fit_encoder._memo.clear()
    files = []
    for plan in sample_plans():
        files += fit.workout_heads(plan, list(plan.ordered_sessions))
    made: list = []
    cold = [encode(head, counting(tail, made)) for _, head, tail in files]
    assert len(made) == len({tail.key for _, _, tail in files}) < len(files)
    made.clear()
    warm = [encode(head, counting(tail, made)) for _, head, tail in files]
    assert made == [] and warm == cold
    assert not any(key[0] in (FILE_ID, WORKOUT) for key in fit_encoder._memo), "a file's own messages are not remembered"
    assert cold == [sdk_encoder_bytes([*head, *tail.make()]) for _, head, tail in files]
    assert [encode_fast([*head, *tail.make()]) for _, head, tail in files] == cold


@pytest.mark.parametrize("compat", ["current", "legacy"])
def test_equal_blocks_of_other_plans_share_a_tail_and_write_their_own_heads(compat):
    plan = Plan.from_dict(json.loads(SAMPLE_PLAN.read_text()))
    other = Plan.from_dict({**json.loads(SAMPLE_PLAN.read_text()), "id": "another-plan", "created": "2027-01-02T03:04:05Z"})
    fit_encoder._tails.clear()
    for p in (plan, other, plan):
        for _, head, tail in fit.workout_heads(p, list(p.ordered_sessions), compat):
            data = encode(head, tail)
            assert data == sdk_encoder_bytes([*head, *tail.make()])
            assert sdk_read(data)["file_id_mesgs"][0]["serial_number"] == head[0][1]["serial_number"]


@st.composite
def head_and_tail(draw) -> tuple[list, list, list]:
    """Two heads and a tail of steps and titles: heads that hold some of the tail's layouts, in
    either order, or enough layouts to go round the 16 slots before the tail begins."""
    tail = draw(st.lists(st.sampled_from([step(), step(wkt_step_name="Lunge"), step(wkt_step_name="Bird dog", notes="slow"),
                                          (TITLE, {"message_index": 0, "exercise_category": 28, "exercise_name": 1, "wkt_step_name": "Hip"})]),
                         min_size=1, max_size=6))
    others = st.one_of(st.just(file_id()), st.builds(lambda n: file_id(product_name="p" * n), st.integers(1, 20)),
                       st.sampled_from(tail), st.builds(lambda m: (m[0], dict(reversed(list(m[1].items())))), st.sampled_from(tail)),
                       st.builds(lambda n: step(wkt_step_name="x" * n), st.integers(1, 20)))
    return draw(st.lists(others, max_size=20)), draw(st.lists(others, max_size=20)), tail


@settings(max_examples=80, deadline=None)
@given(head_and_tail())
def test_a_tail_after_any_head_is_the_sdks_bytes(parts):
    first, second, messages = parts
    fit_encoder._tails.clear()
    for head in (first, second, first):
        tail = fit_encoder.Tail("the tail", lambda: [(n, dict(m)) for n, m in messages])
        assert encode_fast(head, tail) == sdk_encoder_bytes([*head, *messages])


def test_a_tail_the_fast_path_declines_is_written_by_the_sdk(sdk_calls):
    odd = [step(duration_value="15")]  # a number as a string: how it is written is the SDK's business
    tail = fit_encoder.Tail("odd", lambda: [(n, dict(m)) for n, m in odd])
    assert encode([file_id()], tail) == sdk_encoder_bytes([file_id(), *odd])
    assert len(sdk_calls) == 1
    assert "odd" not in fit_encoder._tails


@pytest.mark.parametrize("order", [(0.0, -0.0), (-0.0, 0.0)])
def test_a_load_of_minus_zero_kg_reads_as_zero_whichever_plan_comes_first(sample_plan_data, order):
    """-0.0 passes the schema's minimum 0 and equals 0.0: equal blocks, so what the exporters
    remember of one is what the other says, and neither says "-0 kg"."""
    exported = []
    for kg in order:
        data = copy.deepcopy(sample_plan_data)
        # a note of its own, so no block seen earlier in this process is equal to these two
        data["sessions"][0]["blocks"][0]["load"] = {"kg": kg, "note": f"bar {order}"}
        artifacts = export_artifacts(data, "fit") + export_artifacts(data, "ics")
        exported.append([(a.path, a.data) for a in artifacts])
        notes = [s.get("notes") for s in sdk_read(artifacts[0].data)["workout_step_mesgs"]]
        assert any("0 kg" in n for n in notes if n) and not any("-0 kg" in n for n in notes if n)
    assert exported[0] == exported[1]


def test_full_tail_memory_is_emptied_and_the_bytes_stay_the_same(monkeypatch):
    monkeypatch.setattr(fit_encoder, "_TAILS_SIZE", 2)
    fit_encoder._tails.clear()
    plan = Plan.from_dict(json.loads(SAMPLE_PLAN.read_text()))
    for _, head, tail in fit.workout_heads(plan, list(plan.ordered_sessions))[:6]:
        assert encode_fast(head, tail) == sdk_encoder_bytes([*head, *tail.make()])
        assert len(fit_encoder._tails) <= 2


# --- CRC ---------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.integers(0, 0xFFFF))
def test_the_table_crcs_are_the_fit_crc(data, start):
    expected = CrcCalculator.calculate_crc(data, 0, len(data)) if start == 0 else None
    assert fit_encoder.crc_wordwise(data, start) == fit_encoder.crc_bytewise(data, start)
    if expected is not None:
        assert fit_encoder.crc_bytewise(data) == expected
    calculator = CrcCalculator()
    calculator._crc = start
    assert fit_encoder.crc_wordwise(data, start) == calculator.add_bytes(data, 0, len(data))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 0xFFFF))
def test_a_crc_worked_out_from_zero_carries_over_to_any_start(data, start):
    """What lets a message's CRC be worked out once: crc(data, start) == crc(data, 0) ^ zeros(start)."""
    low, high = fit_encoder.crc_after_zeros(len(data))
    assert low[start & 0xFF] ^ high[start >> 8] ^ fit_encoder.crc_wordwise(data) == fit_encoder.crc_bytewise(data, start)

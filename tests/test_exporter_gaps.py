"""Gaps the bad-input work found in the exporters and delivery targets, now closed: a FIT
workout past 50 steps, a delivery destination checked only after writing, a URL that is
not a URI."""

from __future__ import annotations

import copy

from conftest import SAMPLE_PLAN, run_cli, write_json


def test_a_fit_workout_over_50_steps_is_split(tmp_path, plan_data):
    from garmin_fit_sdk import Decoder, Stream

    session = plan_data["sessions"][0]
    session["blocks"] = [dict(copy.deepcopy(b), sets=10) for b in session["blocks"] * 6]  # 18 blocks, two sides: over 50 steps
    plan_file = write_json(tmp_path / "plan.json", plan_data)
    result = run_cli("export", plan_file, "--to", "fit", "--out", tmp_path / "out")
    assert result.code == 0, result.err
    parts = sorted((tmp_path / "out" / "fit").glob(f"{session['id']}-part*.fit"))
    assert len(parts) >= 2
    for part in parts:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(part.read_bytes()))).read()
        assert errors == [] and len(messages["workout_step_mesgs"]) <= 50


def test_an_unusable_delivery_destination_is_refused_before_writing(tmp_path):
    not_a_watch = tmp_path / "not-a-watch"
    not_a_watch.write_text("a file")
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "fit", "--deliver", f"garmin={not_a_watch}", "--out", out, "-q")
    assert result.code == 2 and f"{not_a_watch}: is a file, not the folder a watch is mounted at" in result.err
    assert not out.exists()


def test_an_ics_url_that_is_not_a_uri_is_refused(tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", "ics", "-o", "ics.url=https://a b/", "--out", tmp_path / "out")
    assert result.code == 2 and "ics options: /url" in result.err

"""The model, the writer, the plugin contract and the CLI's main paths."""

from __future__ import annotations

import copy
import json
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import LIBRARY, SAMPLE_PLAN, run_cli, write_json
from planport.core.errors import ExportError
from planport.core.gate import plan_from_data
from planport.core.model import Plan
from planport.core.plugins import Artifact
from planport.core.writer import TEMP_PREFIX, UnsafePath, Writer


def test_model_round_trips_exactly(sample_plan_data):
    plan = plan_from_data(copy.deepcopy(sample_plan_data))
    assert plan.to_dict() == sample_plan_data
    assert Plan.from_dict(plan.to_dict()) == plan


def test_model_round_trips_optional_forms(plan_data):
    block = plan_data["sessions"][0]["blocks"][0]
    block.update(per_side=False, load={"kg": 2.5}, notes="slow on the way down")
    plan_data["sessions"][0].pop("week")
    plan = plan_from_data(copy.deepcopy(plan_data))
    assert plan.to_dict() == plan_data
    b = plan.sessions[0].blocks[0]
    assert b.sides(plan.exercise(b.exercise)) == 1 and str(b.load) == "2.5 kg"


def test_prescriptions_read_like_a_coach_writes_them(sample_plan):
    first = sample_plan.sessions[0]
    described = [b.describe_dose(sample_plan.exercise(b.exercise)) for b in first.blocks]
    assert described == ["2 x 15 / side", "2 x 12-15 steps", "2 x 20-30 s / side"]


# --- writer --------------------------------------------------------------------------


def test_writer_writes_atomically_and_leaves_no_temp_files(tmp_path):
    out = tmp_path / "out"
    written = Writer(out).write([Artifact("a/b/c.txt", b"hello", "text/plain"), Artifact("top.txt", b"x", "text/plain")])
    assert (out / "a/b/c.txt").read_bytes() == b"hello"
    assert [p.name for p in written] == ["c.txt", "top.txt"]
    assert not [p for p in out.rglob("*") if p.name.startswith(TEMP_PREFIX)]
    assert oct((out / "top.txt").stat().st_mode & 0o777) != "0o600"  # not mkstemp's private mode


@pytest.mark.parametrize("bad", ["../evil.txt", "a/../../evil", "/etc/passwd", "", "a//b", "./x", "c:\\x", "a\\..\\b", "C:/x"])
def test_writer_refuses_paths_outside_the_folder(tmp_path, bad):
    out = tmp_path / "out"
    with pytest.raises(UnsafePath):
        Writer(out).write([Artifact("fine.txt", b"1", "text/plain"), Artifact(bad, b"2", "text/plain")])
    assert not out.exists() or list(out.iterdir()) == [], "a refused batch writes nothing"


def test_writer_refuses_escape_through_a_symlink(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path)
    with pytest.raises(UnsafePath):
        Writer(out).write([Artifact("link/escaped.txt", b"x", "text/plain")])
    assert not (tmp_path / "escaped.txt").exists()


def test_writer_cleans_up_when_a_write_fails(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_bytes(b"old")

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        Writer(out).write([Artifact("keep.txt", b"new", "text/plain")])
    assert (out / "keep.txt").read_bytes() == b"old"
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


# --- CLI -----------------------------------------------------------------------------


def test_version():
    result = run_cli("--version")
    assert result.code == 0 and result.out.startswith("planport, version ")


def test_export_json_is_the_normalized_plan(tmp_path, sample_plan_data):
    result = run_cli("export", SAMPLE_PLAN, "--to", "json", "--out", tmp_path)
    assert result.code == 0, result.err
    assert f"wrote {tmp_path / 'hip-2-weeks.json'}" in result.err
    exported = json.loads((tmp_path / "hip-2-weeks.json").read_text("utf-8"))
    assert exported == sample_plan_data
    assert run_cli("validate", tmp_path / "hip-2-weeks.json").code == 0


def test_export_quiet_and_stdout(tmp_path):
    quiet = run_cli("export", SAMPLE_PLAN, "--to", "json", "--out", tmp_path, "--quiet")
    assert quiet.code == 0 and quiet.err == ""
    to_stdout = run_cli("export", SAMPLE_PLAN, "--to", "json", "-o", "indent=0", "--out", "-")
    assert to_stdout.code == 0
    assert json.loads(to_stdout.out)["id"] == "hip-2-weeks" and to_stdout.out.count("\n") == 1


def test_same_plan_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert run_cli("export", SAMPLE_PLAN, "--to", "json", "--out", tmp_path / name, "-q").code == 0
    assert (tmp_path / "a/hip-2-weeks.json").read_bytes() == (tmp_path / "b/hip-2-weeks.json").read_bytes()


def test_validate_reads_yaml_from_stdin(sample_plan_data):
    result = run_cli("validate", "-", stdin=yaml.safe_dump(sample_plan_data, allow_unicode=True).encode())
    assert result.code == 0, result.err
    assert result.out.strip() == "ok: <stdin> (plan, 10 sessions, 14 exercises)"


def test_validate_plan_and_library():
    result = run_cli("validate", SAMPLE_PLAN, LIBRARY)
    assert result.code == 0, result.err
    assert "ok: " in result.out and "(exercise-library, 25 exercises)" in result.out


def test_yaml_times_stay_text(tmp_path, sample_plan_data):
    # YAML 1.1 would read 7:30 as 450 and "no" as false; planport reads YAML 1.2 scalars.
    text = yaml.safe_dump(sample_plan_data).replace("start_time: 07:00", "start_time: 7:00", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, "utf-8")
    result = run_cli("validate", path)
    assert result.code == 2 and '/start_time: "7:00" is not in the expected form' in result.err


def test_schema_command_prints_the_plan_schema():
    result = run_cli("schema", "plan")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["$id"].endswith("/plan.schema.json") and schema["title"] == "planport plan"
    # It stands alone, as an editor reads it: no reference to another file, and it works offline.
    from jsonschema import Draft202012Validator

    refs = []

    def walk(node):
        if isinstance(node, dict):
            refs.extend([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert refs and all(ref.startswith("#/") for ref in refs)
    plan = json.loads(SAMPLE_PLAN.read_text())
    assert list(Draft202012Validator(schema).iter_errors(plan)) == []
    plan["sessions"][0]["blocks"][0]["reps"] = 0
    assert [list(e.absolute_path) for e in Draft202012Validator(schema).iter_errors(plan)] == [["sessions", 0, "blocks", 0, "reps"]]
    for name in ("athlete", "template", "roster", "exercise-library"):
        assert run_cli("schema", name).code == 0
    unknown = run_cli("schema", "nope")
    assert unknown.code == 2 and "no schema called 'nope'" in unknown.err


def test_every_schema_property_is_described():
    from planport import schemas

    def walk(node, where):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if name != "$schema":
                    assert "description" in prop, f"{where}/properties/{name} has no description"
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, f"{where} allows unknown properties"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    for name in schemas.names():
        document = schemas.schema(name)
        assert document["$schema"].endswith("2020-12/schema") and document["$id"] and document["title"]
        walk(document, name)


def test_help_shows_an_example():
    for command in ("validate", "export", "schema", "exporters"):
        result = run_cli(command, "--help")
        assert result.code == 0 and "planport " + command in result.out


def test_unexpected_failure_is_one_line_unless_debug(tmp_path):
    out = tmp_path / "out"
    out.write_text("a file where a folder belongs")
    result = run_cli("export", SAMPLE_PLAN, "--to", "json", "--out", out)
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    debug = run_cli("--debug", "export", SAMPLE_PLAN, "--to", "json", "--out", out)
    assert debug.code == 1 and "Traceback" in debug.err


# --- plugins -------------------------------------------------------------------------


def make_plugin_dist(where: Path, name: str, entry_points: dict[str, str], modules: dict[str, str]) -> dict:
    """A distribution as pip would install it (a .dist-info folder and modules), visible via PYTHONPATH."""
    info = where / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[planport.exporters]\n{lines}\n")
    for module, source in modules.items():
        (where / f"{module}.py").write_text(textwrap.dedent(source))
    return {"PYTHONPATH": str(where)}


GOOD_PLUGIN = '''
from planport.core.plugins import Artifact

class Count:
    name = "count"
    description = "Counts sessions."
    extensions = (".txt",)
    options_schema = {"type": "object", "additionalProperties": False,
                      "properties": {"label": {"type": "string", "description": "Prefix.", "default": "sessions"}}}

    def export(self, plan, options):
        return [Artifact(f"{plan.id}-count.txt", f"{options['label']}: {len(plan.sessions)}\\n".encode(), "text/plain")]
'''


def test_third_party_plugin_is_discovered_and_runs(tmp_path):
    env = make_plugin_dist(tmp_path / "site", "planport-count", {"count": "count_plugin:Count", "broken": "broken_plugin:exporter"},
                           {"count_plugin": GOOD_PLUGIN, "broken_plugin": "raise ImportError('needs numpy 99')\n"})
    listed = run_cli("exporters", env=env)
    assert listed.code == 0
    row = next(line for line in listed.out.splitlines() if line.startswith("count "))
    assert "planport-count 1.0" in row and ".txt" in row and "Counts sessions." in row
    assert "json " in listed.out, "built-ins still listed"
    assert "warning: exporter plugin 'broken' (broken_plugin:exporter) failed to load: ImportError: needs numpy 99" in listed.err

    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "count,json", "-o", "count.label=total", "--out", out, env=env)
    assert result.code == 0, result.err
    assert (out / "hip-2-weeks-count.txt").read_text() == "total: 10\n"
    assert (out / "hip-2-weeks.json").exists()


def test_plugin_that_raises_fails_with_exit_1_and_writes_nothing(tmp_path):
    raising = GOOD_PLUGIN.replace("return [Artifact", "raise RuntimeError('template missing')\n        return [Artifact")
    env = make_plugin_dist(tmp_path / "site", "planport-count", {"count": "count_plugin:Count"}, {"count_plugin": raising})
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "json,count", "--out", out, env=env)
    assert result.code == 1
    assert result.err.strip() == "planport: error: exporter 'count' (planport-count 1.0) failed: RuntimeError: template missing"
    assert not out.exists()


def test_plugin_with_an_escaping_path_is_refused(tmp_path):
    evil = GOOD_PLUGIN.replace('f"{plan.id}-count.txt"', '"../../escaped.txt"')
    env = make_plugin_dist(tmp_path / "site", "planport-count", {"count": "count_plugin:Count"}, {"count_plugin": evil})
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "count", "--out", out, env=env)
    assert result.code == 1 and "would leave the output folder" in result.err
    assert not out.exists() and not (tmp_path / "escaped.txt").exists()


def test_library_api_without_the_cli(sample_plan):
    from planport.core.pipeline import export_plan

    artifacts = export_plan(sample_plan, ["json"], {"json": {"indent": 0}})
    assert [a.path for a in artifacts] == ["hip-2-weeks.json"]
    assert json.loads(artifacts[0].data)["athlete"]["time_zone"] == "America/New_York"
    with pytest.raises(ExportError):
        from planport.core.pipeline import run_exporters
        from planport.core.plugins import Registered

        class Bad:
            name, description, extensions, options_schema = "bad", "", (), {}

            def export(self, plan, options):
                return ["not an artifact"]

        run_exporters(sample_plan, [(Registered(Bad(), "test"), {})])


def test_grouped_writer_writes_the_same_and_cleans_up(tmp_path, monkeypatch):
    from planport.core import writer as writer_module

    artifacts = [Artifact("a/one.txt", b"1", "text/plain"), Artifact("a/b/two.txt", b"2", "text/plain")]
    Writer(tmp_path / "plain").write(artifacts)
    Writer(tmp_path / "grouped", grouped=True).write(artifacts)
    for name in ("a/one.txt", "a/b/two.txt"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "grouped" / name).read_bytes()
    assert not list((tmp_path / "grouped").rglob(f"{TEMP_PREFIX}*"))

    renamed = []
    real_replace = os.replace

    def replace_then_fail(src, dst):
        if renamed:
            raise OSError("device gone")
        renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(writer_module.os, "replace", replace_then_fail)
    with pytest.raises(OSError):
        Writer(tmp_path / "broken", grouped=True).write(artifacts)
    assert not list((tmp_path / "broken").rglob(f"{TEMP_PREFIX}*")), "no temporary file is left behind"

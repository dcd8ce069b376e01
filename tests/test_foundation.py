"""The model, the writer, the plugin contract and the CLI's main paths."""

from __future__ import annotations

import copy
import json
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from planport import Artifact, Plugins
from planport.core.errors import ExportError
from planport.core.gate import plan_from_data
from planport.core.model import Plan
from planport.core.writer import TEMP_PREFIX, UnsafePath, Writer

from conftest import LIBRARY, SAMPLE_PLAN, installed_plugins, run_cli, run_script, write_json


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
    assert "ok: " in result.out and "(exercise-library, 47 exercises)" in result.out


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


def test_every_command_has_help_with_an_example():
    """Each command's --help shows a worked example (the usage line alone does not count)."""
    from planport.core.cli import make_cli

    commands = sorted(make_cli(installed_plugins()).commands)
    assert {"validate", "schema", "exporters", "export", "build", "batch", "inspect", "sync"} <= set(commands)
    for command in commands:
        result = run_cli(command, "--help")
        assert result.code == 0, result.err
        body = [line.strip() for line in result.out.splitlines() if not line.startswith("Usage:")]
        assert any(line.startswith(f"planport {command} ") for line in body), f"{command} --help has no example"


def test_unexpected_failure_is_one_line_unless_debug(tmp_path):
    import planport

    class Crashing:  # a bug in an exporter: exit 1, one line naming it
        name, description, extensions = "crash", "Crashes.", (".x",)
        options_schema = {"type": "object", "additionalProperties": False, "properties": {}}

        def export(self, plan, options):
            return 1 / 0

    plugins = planport.Plugins()
    plugins.add_exporter(Crashing(), "test")
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "crash", "--out", out, plugins=plugins)
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert "exporter 'crash' (test) failed: ZeroDivisionError" in result.err and not out.exists()
    debug = run_cli("--debug", "export", SAMPLE_PLAN, "--to", "crash", "--out", out, plugins=plugins)
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
import click
from planport import Artifact, hookimpl

class Count:
    name = "count"
    description = "Counts sessions."
    extensions = (".txt",)
    options_schema = {"type": "object", "additionalProperties": False,
                      "properties": {"label": {"type": "string", "description": "Prefix.", "default": "sessions"}}}

    def export(self, plan, options):
        return [Artifact(f"{plan.id}-count.txt", f"{options['label']}: {len(plan.sessions)}\\n".encode(), "text/plain")]

    @hookimpl
    def planport_commands(self):
        @click.command()
        def hello():
            """Say hello.

            \b
            planport hello
            """
            click.echo("hello from count")
        return [hello]
'''


def plugins_with(source: str, tmp_path: Path, module: str = "count_plugin"):
    """The installed plugins plus the exporter defined in ``source``, registered in-process."""
    import importlib.util

    path = tmp_path / f"{module}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(module, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    plugins = Plugins.discover()
    plugins.add_exporter(loaded.Count(), "planport-count 1.0")
    return plugins


def test_third_party_plugin_is_found_through_its_entry_point(tmp_path):
    """The one end-to-end check that an installed distribution's entry points are read."""
    env = make_plugin_dist(tmp_path / "site", "planport-count", {"count": "count_plugin:Count", "broken": "broken_plugin:exporter"},
                           {"count_plugin": GOOD_PLUGIN, "broken_plugin": "raise ImportError('needs numpy 99')\n"})
    listed = run_script("exporters", env=env)
    assert listed.code == 0, listed.err
    row = next(line for line in listed.out.splitlines() if line.startswith("count "))
    assert "planport-count 1.0" in row and ".txt" in row and "Counts sessions." in row
    assert "json " in listed.out, "built-ins still listed"
    assert "exporter plugin 'broken' (broken_plugin:exporter, from planport-count 1.0) failed to load: ImportError: needs numpy 99" in listed.err
    hello = run_script("hello", env=env)
    assert (hello.code, hello.out) == (0, "hello from count\n"), "a plugin's command joins the CLI"
    assert "broken" not in hello.err, "a broken plugin is named only where it matters"


def test_third_party_plugin_runs_with_options(tmp_path):
    plugins = plugins_with(GOOD_PLUGIN, tmp_path)
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "count,json", "-o", "count.label=total", "--out", out, plugins=plugins)
    assert result.code == 0, result.err
    assert (out / "hip-2-weeks-count.txt").read_text() == "total: 10\n"
    assert (out / "hip-2-weeks.json").exists()
    assert run_cli("hello", plugins=plugins).out == "hello from count\n"


def test_plugin_that_raises_fails_with_exit_1_and_writes_nothing(tmp_path):
    raising = GOOD_PLUGIN.replace("return [Artifact", "raise RuntimeError('template missing')\n        return [Artifact")
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "json,count", "--out", out, plugins=plugins_with(raising, tmp_path))
    assert result.code == 1
    assert result.err.strip() == "planport: error: exporter 'count' (planport-count 1.0) failed: RuntimeError: template missing"
    assert not out.exists()


def test_plugin_with_an_escaping_path_is_refused(tmp_path):
    evil = GOOD_PLUGIN.replace('f"{plan.id}-count.txt"', '"../../escaped.txt"')
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "count", "--out", out, plugins=plugins_with(evil, tmp_path))
    assert result.code == 1 and "would leave the output folder" in result.err
    assert not out.exists() and not (tmp_path / "escaped.txt").exists()


class _Half:
    name = "half"
    extensions = ("txt",)
    options_schema = {"type": "object"}


def test_the_exporter_contract_is_checked_at_discovery():
    from planport import PluginError

    plugins = Plugins()
    with pytest.raises(PluginError) as caught:
        plugins.add_exporter(_Half(), "planport-half 2.0")
    message = str(caught.value)
    assert message.startswith("exporter plugin 'half' from planport-half 2.0 is unusable: it needs ")
    for lack in ("a description", "extensions (a tuple such as ('.ics',))", "an options_schema", "an export(plan, options) method"):
        assert lack in message
    assert "half" in plugins.broken and "half" not in plugins.exporters
    result = run_cli("export", SAMPLE_PLAN, "--to", "half", "--out", "-", plugins=plugins)
    assert result.code == 1 and "is unusable: it needs a description" in result.err


def test_a_plugin_cannot_take_a_built_in_name(tmp_path):
    from planport import PluginError

    impostor = GOOD_PLUGIN.replace('name = "count"', 'name = "ics"')
    with pytest.raises(PluginError, match="exporter plugin 'ics' from planport-count 1.0 is ignored: the built-in exporter of that name comes from planport "):
        plugins_with(impostor, tmp_path)


def test_a_broken_options_schema_names_the_plugin(tmp_path):
    broken = GOOD_PLUGIN.replace('{"type": "string", "description": "Prefix.", "default": "sessions"}', '{"type": "text"}')
    result = run_cli("export", SAMPLE_PLAN, "--to", "count", "--out", tmp_path / "out", plugins=plugins_with(broken, tmp_path))
    assert result.code == 1 and "exporter 'count' (planport-count 1.0) has a broken options_schema at /properties/label/type" in result.err


def test_delivery_to_a_watch_from_export(tmp_path):
    watch = tmp_path / "watch"
    (watch / "GARMIN").mkdir(parents=True)
    result = run_cli("export", SAMPLE_PLAN, "--to", "fit", "--out", tmp_path / "out", "--deliver", f"garmin={watch}", "-q")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (watch / "GARMIN" / "NewFiles").iterdir()) == sorted(p.name for p in (tmp_path / "out" / "fit").iterdir())
    unknown = run_cli("export", SAMPLE_PLAN, "--to", "fit", "--out", tmp_path / "x", "--deliver", "dropbox=/x")
    assert unknown.code == 2 and "unknown delivery target 'dropbox'; available: caldav, feed, garmin" in unknown.err
    assert not (tmp_path / "x").exists(), "the target is checked before anything is made"


def test_library_api_without_the_cli(tmp_path):
    import planport

    plan = planport.load_plan(SAMPLE_PLAN)
    artifacts = planport.export(plan, "json", {"json": {"indent": 0}})
    assert [a.path for a in artifacts] == ["hip-2-weeks.json"]
    assert json.loads(artifacts[0].data)["athlete"]["time_zone"] == "America/New_York"
    assert planport.write(artifacts, tmp_path) == [tmp_path / "hip-2-weeks.json"]
    built = planport.build(SAMPLE_PLAN.parent.parent / "athletes" / "new-runner.yaml")
    assert isinstance(built, planport.Plan) and built.athlete.time_zone == "America/New_York"
    with pytest.raises(planport.InputError):
        planport.validate({"schema_version": 1}, "plan")

    class Bad:
        name, description, extensions = "bad", "Returns the wrong thing.", (".x",)
        options_schema = {"type": "object", "additionalProperties": False, "properties": {}}

        def export(self, plan, options):
            return ["not an artifact"]

    plugins = planport.Plugins()
    plugins.add_exporter(Bad(), "test")
    with pytest.raises(ExportError, match="returned str, not an Artifact"):
        planport.export(plan, ["bad"], plugins=plugins)


def test_public_api_is_what_the_readme_says():
    import planport

    assert set(planport.__all__) == set(dir(planport))
    for name in planport.__all__:
        assert getattr(planport, name) is not None
    with pytest.raises(AttributeError):
        planport.gate  # noqa: B018 - internals are not part of it


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


# --- one vocabulary ------------------------------------------------------------------

NEW_RUNNER = SAMPLE_PLAN.parent.parent / "athletes" / "new-runner.yaml"


def test_build_dash_o_is_an_exporter_option_as_everywhere(tmp_path, monkeypatch):
    """planport 0.1 read `build -o X` as an output file: `-o ics.alarm_minutes=5` became a file name."""
    monkeypatch.chdir(tmp_path)
    trap = run_cli("build", NEW_RUNNER, "-o", "ics.alarm_minutes=5")
    assert trap.code == 2 and "-o goes with --to" in trap.err
    assert list(tmp_path.iterdir()) == [], "no file named after the option"
    result = run_cli("build", NEW_RUNNER, "--to", "json,ics", "-o", "ics.alarm_minutes=5", "--out", "out", "-q")
    assert result.code == 0, result.err
    assert b"TRIGGER:-PT5M" in (tmp_path / "out" / "new-runner-hip-strength.ics").read_bytes()
    assert json.loads((tmp_path / "out" / "new-runner-hip-strength.json").read_text())["id"] == "new-runner-hip-strength"
    saved = run_cli("build", NEW_RUNNER, "--plan-file", "plan.json", "-q")
    assert saved.code == 0 and (tmp_path / "plan.json").read_bytes() == (tmp_path / "out" / "new-runner-hip-strength.json").read_bytes()
    assert run_cli("build", NEW_RUNNER).stdout_bytes == (tmp_path / "plan.json").read_bytes(), "nothing asked: the plan on standard output"


@pytest.mark.parametrize("command", ["export", "build", "batch"])
def test_every_exporting_command_takes_the_same_options(command):
    from planport.core.cli import make_cli

    cli_ = make_cli(installed_plugins())
    opts = {name for p in cli_.commands[command].params for name in getattr(p, "opts", [])}
    assert {"--to", "-o", "--option", "--out", "-q", "--quiet"} <= opts


def test_empty_format_list_is_refused(tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", ",", "--out", tmp_path / "out")
    assert result.code == 2 and "--to: no format given" in result.err and not (tmp_path / "out").exists()


def test_json_output_for_scripts(tmp_path, plan_data):
    plan_data["sessions"][0]["blocks"][0]["reps"] = 0
    bad = write_json(tmp_path / "bad.json", plan_data)
    result = run_cli("validate", "--json", SAMPLE_PLAN, bad)
    assert result.code == 2 and result.err == ""
    good, broken = json.loads(result.out)
    assert good == {"file": str(SAMPLE_PLAN), "ok": True, "kind": "plan", "summary": "10 sessions, 14 exercises", "problems": []}
    assert broken["ok"] is False and broken["problems"] == [{"pointer": "/sessions/0/blocks/0/reps", "message": "0 is less than the minimum of 1"}]

    listed = json.loads(run_cli("exporters", "--json").out)
    assert {e["name"] for e in listed["exporters"]} >= {"json", "ics", "fit", "csv"}
    assert all(e["builtin"] for e in listed["exporters"] if e["name"] in ("ics", "fit"))
    assert [t["name"] for t in listed["delivery_targets"]] == ["caldav", "feed", "garmin"]

    assert run_cli("export", SAMPLE_PLAN, "--to", "fit", "--out", tmp_path, "-q").code == 0
    fit = tmp_path / "fit" / "2026-12-07-hip-strength-a.fit"
    (workout,) = json.loads(run_cli("inspect", "--json", "--walk", fit).out)
    assert workout["name"] == "12-07 Hip A" and workout["walked"] is True
    assert len(workout["steps"]) == 15 and workout["steps"][0]["exercise"] == 'hip_raise/clams "Clamshell"'
    assert workout["steps"][0]["duration_value"] == 15 and workout["steps"][2]["intensity"] == "rest"


def test_progress_and_messages_go_to_standard_error(tmp_path):
    result = run_cli("export", SAMPLE_PLAN, "--to", "json", "--out", tmp_path)
    assert result.out == "" and result.err.startswith("wrote ")


def test_console_script_exit_statuses(tmp_path):
    """The installed script: 0, 2 with one line and no traceback, and the version."""
    assert run_script("--version").out.startswith("planport, version ")
    bad = run_script("validate", tmp_path / "missing.json")
    assert bad.code == 2 and bad.err.count("\n") == 1 and "Traceback" not in bad.err


def test_core_imports_no_format_library():
    core = Path(__file__).resolve().parent.parent / "core"
    offenders = [str(p) for p in core.rglob("*.py") if any(lib in p.read_text() for lib in ("garmin_fit_sdk", "icalendar"))]
    assert offenders == []


@pytest.mark.parametrize("group", ["planport.exporters", "console_scripts"])
def test_entry_points_read_as_importlib_metadata_reads_them(group, monkeypatch, tmp_path):
    """planport reads entry points itself for a quick start; it must find exactly what the standard library finds."""
    from importlib.metadata import entry_points as standard

    from planport.core.entrypoints import entry_points

    def ours():
        return sorted((e.name, e.value, e.dist_name, e.dist_version) for e in entry_points(group))

    def theirs():
        return sorted((e.name, e.value, e.dist.name, e.dist.version) for e in standard(group=group))

    assert ours() == theirs() and ours()
    make_plugin_dist(tmp_path / "site", "planport-count", {"count": "count_plugin:Count"}, {"count_plugin": GOOD_PLUGIN})
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert ours() == theirs()
    archive = tmp_path / "plugins.zip"  # a zip on sys.path: handed to importlib.metadata
    import zipfile

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\nVersion: 1.0\n")
        z.writestr("zipped-1.0.dist-info/entry_points.txt", f"[{group}]\nzipped = zipped:exporter\n")
    monkeypatch.syspath_prepend(str(archive))
    assert ("zipped", "zipped:exporter", "zipped", "1.0") in ours() and ours() == theirs()


@pytest.mark.parametrize("words,expected", [
    ("planport validate sam", "file,sam"),
    ("planport build athlete.yaml --plan-file pl", "file,pl"),
    ("planport export plan.json --out ou", "dir,ou"),
    ("planport batch rost", "file,rost"),
    ("planport export plan.json --to ics,f", "plain,ics,fit"),
    ("planport inspect wor", "file,wor"),
])
def test_the_shell_completes_files_folders_and_formats(words, expected):
    """What bash gets from the completion script: the shell then lists the files or folders."""
    result = run_cli(env={"_PLANPORT_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)})
    assert result.code == 0, result.err
    assert result.out.splitlines() == [expected]


def test_debug_shows_the_traceback_of_a_file_system_refusal_and_still_exits_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_cli("--debug", "export", SAMPLE_PLAN, "--to", "ics", "--out", blocker / "sub")
    assert result.code == 2
    assert "Traceback" in result.err and result.err.splitlines()[-1] == f"planport: error: {blocker / 'sub'}: is under {blocker}, which is a file"


def test_blocks_and_sessions_keep_their_hash_but_not_across_processes(tmp_path, sample_plan):
    """A block's and a session's hash is worked out once and kept; a pickled copy (sent to a
    Dask worker, say) works it out again where text hashes differ, and finds its equals."""
    import pickle
    import subprocess
    import sys

    session = sample_plan.ordered_sessions[0]
    hash(session), hash(session.blocks[0])  # worked out here, with this process's text hashes
    (tmp_path / "session.pickle").write_bytes(pickle.dumps(session))
    script = (
        "import pickle, sys\n"
        "from planport import plan_from_dict\n"
        "import json\n"
        f"plan = plan_from_dict(json.load(open({str(SAMPLE_PLAN)!r})))\n"
        f"copy = pickle.loads(open({str(tmp_path / 'session.pickle')!r}, 'rb').read())\n"
        "fresh = plan.ordered_sessions[0]\n"
        "assert copy == fresh and {fresh: 1}[copy] == 1 and {fresh.blocks[0]: 1}[copy.blocks[0]] == 1\n"
    )
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert hash(session) == hash(pickle.loads(pickle.dumps(session))) and {session: 1}[copy.deepcopy(session)] == 1

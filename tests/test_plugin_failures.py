"""Plugins that misbehave: whatever an exporter or delivery target raises (SystemExit and
KeyboardInterrupt included) is reported naming it, and nothing of the export is written;
a broken options schema names its plugin; a plugin cannot take a built-in's name, and the
warning names both distributions."""

from __future__ import annotations

import importlib
import sys

import pytest

from planport import Artifact, DeliveryReport, Plugins, hookimpl

from conftest import SAMPLE_PLAN, run_cli


class Misbehaving:
    name, description, extensions = "odd", "Misbehaves.", (".txt",)

    def __init__(self, action, schema=None):
        self.action = action
        self.options_schema = schema or {"type": "object", "additionalProperties": False, "properties": {}}

    def export(self, plan, options):
        self.action()
        return [Artifact("odd.txt", b"x", "text/plain")]


def _plugins(exporter) -> Plugins:
    plugins = Plugins.discover()
    plugins.add_exporter(exporter, "planport-odd 0.3")
    return plugins


def _exit(code):
    def action():
        sys.exit(code)

    return action


def _interrupt():
    raise KeyboardInterrupt


@pytest.mark.parametrize("code", [0, 3, "bye"], ids=["zero", "three", "text"])
def test_an_exporter_that_calls_sys_exit(tmp_path, code):
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "json,odd", "--out", out, plugins=_plugins(Misbehaving(_exit(code))))
    assert result.code == 1, "a plugin cannot end planport as if all went well"
    assert result.err.strip() == f"planport: error: exporter 'odd' (planport-odd 0.3) tried to end planport (SystemExit: {code!r}) instead of returning its files"
    assert not out.exists()


def test_an_exporter_interrupted(tmp_path):
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "json,odd", "--out", out, plugins=_plugins(Misbehaving(_interrupt)))
    assert result.code == 130
    assert result.err.strip() == "planport: interrupted while exporter 'odd' (planport-odd 0.3) ran"  # after click's blank line
    assert not out.exists()


@pytest.mark.parametrize("schema,words", [
    ({"type": "object", "additionalProperties": False, "properties": {"x": {"type": "text"}}}, "has a broken options_schema at /properties/x/type"),
    ({"type": "object", "additionalProperties": False, "properties": {"x": {"$ref": "https://nowhere.example/x.json"}}}, "has an options_schema that cannot be used: "),
    ({"type": "object", "additionalProperties": False, "properties": {"x": {"pattern": "("}}}, "has a broken options_schema at /properties/x/pattern"),
], ids=["bad-type", "unresolvable-ref", "bad-regex"])
def test_a_broken_options_schema_names_the_plugin(tmp_path, schema, words):
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "odd", "-o", "odd.x=1", "--out", out, plugins=_plugins(Misbehaving(lambda: None, schema)))
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"planport: error: exporter 'odd' (planport-odd 0.3) {words}"), result.err
    assert len(result.err.splitlines()) == 1 and not out.exists()


def test_a_schema_broken_after_it_was_checked_is_still_refused(tmp_path):
    """Schemas found good are remembered by their text: the same plugin with its schema since
    changed (or another with a broken one) is checked again."""
    exporter = Misbehaving(lambda: None)
    assert run_cli("export", SAMPLE_PLAN, "--to", "odd", "--out", tmp_path / "a", plugins=_plugins(exporter)).code == 0
    exporter.options_schema["properties"]["x"] = {"type": "text"}
    result = run_cli("export", SAMPLE_PLAN, "--to", "odd", "--out", tmp_path / "b", plugins=_plugins(exporter))
    assert result.code == 1 and "has a broken options_schema at /properties/x/type" in result.err
    assert not (tmp_path / "b").exists()


def test_a_schema_that_only_writes_like_a_good_one_is_still_checked(tmp_path):
    """A tuple is no JSON array to the meta-schema, though json.dumps writes it as one: a schema
    with one is checked even after its list twin passed."""
    good = Misbehaving(lambda: None, {"type": "object", "additionalProperties": False, "properties": {"x": {"enum": ["a"]}}})
    assert run_cli("export", SAMPLE_PLAN, "--to", "odd", "--out", tmp_path / "a", plugins=_plugins(good)).code == 0
    twin = Misbehaving(lambda: None, {"type": "object", "additionalProperties": False, "properties": {"x": {"enum": ("a",)}}})
    result = run_cli("export", SAMPLE_PLAN, "--to", "odd", "--out", tmp_path / "b", plugins=_plugins(twin))
    assert result.code == 1 and "has a broken options_schema at /properties/x/enum" in result.err, result.err


class BadTarget:
    name, description, formats = "printer", "Prints.", ("json",)

    def __init__(self, action):
        self.action = action

    def deliver(self, artifacts, destination, *, plan=None, dry_run=False, options=None):
        self.action()
        return DeliveryReport(summary="printed")


class TargetPlugin:
    def __init__(self, target):
        self.target = target

    @hookimpl
    def planport_delivery_targets(self):
        return [self.target]


@pytest.mark.parametrize("action,code,words", [
    (_exit(0), 1, "delivery target 'printer' failed: SystemExit: 0"),
    (lambda: 1 / 0, 1, "delivery target 'printer' failed: ZeroDivisionError"),
    (_interrupt, 130, "interrupted while delivery target 'printer' ran"),
], ids=["sys-exit", "crash", "interrupt"])
def test_a_delivery_target_that_misbehaves_is_named(tmp_path, action, code, words):
    plugins = Plugins.discover()
    plugins.add_plugin(TargetPlugin(BadTarget(action)), "printer-plugin")
    result = run_cli("export", SAMPLE_PLAN, "--to", "json", "--deliver", "printer=lp0", "--out", tmp_path / "out", "-q", plugins=plugins)
    assert result.code == code and words in result.err and "Traceback" not in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_plugin_command_that_calls_sys_exit_sets_the_status():
    import click

    class CommandPlugin:
        @hookimpl
        def planport_commands(self):
            @click.command()
            def leave():
                """Leave.

                \b
                planport leave
                """
                sys.exit(4)

            return [leave]

    plugins = Plugins.discover()
    plugins.add_plugin(CommandPlugin(), "leaver")
    assert run_cli("leave", plugins=plugins).code == 4


def test_a_third_party_ics_does_not_replace_the_built_in(tmp_path, monkeypatch):
    """Found through its entry point, as pip would install it: refused at discovery with a
    warning naming both distributions, and ``--to ics`` still runs the built-in."""
    site = tmp_path / "site"
    info = site / "planport_impostor-2.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: planport-impostor\nVersion: 2.0\n")
    (info / "entry_points.txt").write_text("[planport.exporters]\nics = impostor_plugin:exporter\n")
    (site / "impostor_plugin.py").write_text(
        "from planport import Artifact\n"
        "class Impostor:\n"
        "    name, description, extensions = 'ics', 'Not the real one.', ('.ics',)\n"
        "    options_schema = {'type': 'object', 'additionalProperties': False, 'properties': {}}\n"
        "    def export(self, plan, options):\n"
        "        return [Artifact('fake.ics', b'fake', 'text/calendar')]\n"
        "exporter = Impostor()\n"
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    plugins = Plugins.discover()
    assert plugins.exporters["ics"].builtin
    import planport

    warning = f"exporter plugin 'ics' from planport-impostor 2.0 is ignored: the built-in exporter of that name comes from planport {planport.__version__}"
    assert warning in plugins.warnings
    listed = run_cli("exporters", plugins=plugins)
    assert f"planport: warning: {warning}" in listed.err
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "ics", "--out", out, "-q", plugins=plugins)
    assert result.code == 0 and (out / "hip-2-weeks.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert not (out / "fake.ics").exists()

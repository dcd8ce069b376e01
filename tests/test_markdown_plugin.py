"""The sample third-party plugin, exposed through its entry point the way an install would."""

from __future__ import annotations

import importlib.util
import tomllib

from planport import Plugins

from conftest import SAMPLE_PLAN, SAMPLES, run_cli, run_script

PLUGIN = SAMPLES / "plugins" / "planport-markdown"


def installed(tmp_path) -> dict:
    """A .dist-info with the entry points the plugin's own pyproject.toml declares."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text())["project"]
    info = tmp_path / f"planport_markdown-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    lines = "".join(f"{k} = {v}\n" for k, v in project["entry-points"]["planport.exporters"].items())
    (info / "entry_points.txt").write_text(f"[planport.exporters]\n{lines}")
    return {"PYTHONPATH": f"{tmp_path}:{PLUGIN}"}


def plugins_with_module(path) -> Plugins:
    """The installed plugins plus the markdown exporter loaded from ``path``, registered in-process."""
    spec = importlib.util.spec_from_file_location("planport_markdown_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugins = Plugins.discover()
    plugins.add_exporter(module.exporter, "planport-markdown 0.1.0")
    return plugins


def test_plugin_is_found_through_its_declared_entry_point(tmp_path):
    listed = run_script("exporters", env=installed(tmp_path / "site"))
    row = next(line for line in listed.out.splitlines() if line.startswith("markdown "))
    assert ".md" in row and "planport-markdown 0.1.0" in row


def test_plugin_exports_a_checklist(tmp_path):
    out = tmp_path / "out"
    plugins = plugins_with_module(PLUGIN / "planport_markdown" / "__init__.py")
    result = run_cli("export", SAMPLE_PLAN, "--to", "markdown", "-o", "markdown.how_to=true", "--out", out, plugins=plugins)
    assert result.code == 0, result.err
    text = (out / "hip-2-weeks.md").read_text("utf-8")
    assert text.startswith("# Hip strength for runners: two weeks\n")
    assert "## Mon 07 Dec 2026, 07:00: Hip strength A: clamshells, monster walks, side planks with leg lift" in text
    assert "- [ ] Clamshell: 2 x 15 / side, rest 45 s (set 2 of 2)" in text
    assert text.count("- [ ] ") == sum(b["sets"] for s in __import__("json").loads(SAMPLE_PLAN.read_text())["sessions"] for b in s["blocks"])
    assert "open the top knee like a book" in text


def test_plugin_that_raises_inside_export(tmp_path):
    broken = tmp_path / "planport_markdown.py"
    broken.write_text((PLUGIN / "planport_markdown" / "__init__.py").read_text().replace("lines = [", "raise KeyError('athlete')\n        lines = [", 1))
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "json,markdown", "--out", out, plugins=plugins_with_module(broken))
    assert result.code == 1
    assert result.err.strip() == "planport: error: exporter 'markdown' (planport-markdown 0.1.0) failed: KeyError: 'athlete'"
    assert not out.exists(), "no files from it, nor from the exporters before it"

"""The writer writes an export's files all or nothing.

Every file-system call the writer makes (making a folder, creating a temporary file,
writing, flushing, keeping the old file aside, renaming) is made to fail at its k-th call,
for every k until the write gets through: each time the output folder must be exactly as
before (same files, same bytes, no temporary file), and the error must name an artifact,
never a temporary file. Then the same through the CLI, with a file-size limit the kernel
enforces standing in for a full disk."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planport import Artifact, Plugins
from planport.core.writer import HOST_TAG, TEMP_PREFIX, UnsafePath, Writer, sweep_temp_files

from conftest import SAMPLE_PLAN, run_cli

ARTIFACTS = [
    Artifact("plan.json", b'{"new": true}\n', "application/json"),  # replaces a file
    Artifact("fit/2026-12-07-a.fit", b"\x0e\x10" * 50, "application/vnd.ant.fit"),  # in a new folder
    Artifact("fit/2026-12-08-b.fit", b"\x0e\x11" * 60, "application/vnd.ant.fit"),
    Artifact("ics/deep/one.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar"),  # two new folders
    Artifact("notes.txt", b"replaced\n", "text/plain"),  # replaces another file
    Artifact("new.csv", b"a,b\r\n", "text/csv"),
]


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every entry under ``root``: a file's bytes, None for a folder."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def prepared_folder(root: Path) -> Path:
    out = root / "out"
    out.mkdir(parents=True)
    (out / "plan.json").write_bytes(b'{"old": true}\n')
    (out / "notes.txt").write_bytes(b"old notes\n")
    (out / "keep.me").write_bytes(b"not part of the export\n")
    return out


class FailAt:
    """Wraps ``os.<name>`` so that its k-th call (counting from 1) raises ``OSError(ENOSPC)``."""

    def __init__(self, name: str, k: int):
        self.name, self.k, self.calls = name, k, 0
        self.real = getattr(os, name)
        self.fired = False

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.k:
            self.fired = True
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real(*args, **kwargs)


# Each is a call the writer makes through the os module; os.open covers creating a temporary file.
CALLS = ["mkdir", "open", "write", "fsync", "fchmod", "close", "link", "replace"]


@pytest.mark.parametrize("grouped", [False, True], ids=["one-by-one", "grouped"])
@pytest.mark.parametrize("call", CALLS)
def test_a_failure_at_every_position_leaves_the_folder_as_it_was(tmp_path, monkeypatch, call, grouped):
    if grouped and call == "fsync":
        pytest.skip("a grouped write flushes the file system once (syncfs), not each file")
    positions = 0
    for k in range(1, 200):
        case = tmp_path / f"{k}"
        out = prepared_folder(case)
        before = snapshot(out)
        failing = FailAt(call, k)
        monkeypatch.setattr(os, call, failing)
        try:
            Writer(out, grouped=grouped).write(ARTIFACTS)
        except OSError as e:
            assert failing.fired, f"an error the injection did not cause: {e!r}"
            named = os.fsdecode(e.filename)
            assert TEMP_PREFIX not in named, f"the error names a temporary file: {e!r}"
            assert named in {str(out / a.path) for a in ARTIFACTS} | {str(out), str(out / "fit"), str(out / "ics"), str(out / "ics" / "deep")}, named
            assert "No space left on device" in e.strerror
        else:
            # Only a failure after every file is in place (flushing the folders, dropping the
            # old files kept aside) lets the write through; then it is complete.
            monkeypatch.setattr(os, call, failing.real)
            after = snapshot(out)
            assert {p: after[p] for p in (a.path for a in ARTIFACTS)} == {a.path: a.data for a in ARTIFACTS}, f"os.{call} failing at call {k}"
            assert after["keep.me"] == before["keep.me"] and not any(TEMP_PREFIX in p for p in after), after
            if not failing.fired:  # past the last call: every position has been tried
                break
            continue
        finally:
            monkeypatch.setattr(os, call, failing.real)
        assert snapshot(out) == before, f"os.{call} failing at call {k} changed the folder"
        positions += 1
    else:
        pytest.fail(f"the write never got through failures of os.{call}")
    assert positions >= 1, f"no failure of os.{call} stopped the write"


def test_every_artifact_position_is_covered():
    """The writer calls os.replace once per artifact: the loop above fails each one in turn."""
    calls = FailAt("replace", 10_000)
    original = os.replace
    os.replace = calls
    try:
        Writer(Path(os.environ.get("TMPDIR", "/tmp")) / f"planport-count-{os.getpid()}").write(ARTIFACTS)
    finally:
        os.replace = original
        import shutil

        shutil.rmtree(Path(os.environ.get("TMPDIR", "/tmp")) / f"planport-count-{os.getpid()}", ignore_errors=True)
    assert calls.calls == len(ARTIFACTS)


def test_an_interrupt_while_writing_rolls_back_too(tmp_path, monkeypatch):
    out = prepared_folder(tmp_path)
    before = snapshot(out)
    real_replace = os.replace
    calls = []

    def interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Writer(out).write(ARTIFACTS)
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot(out) == before


def test_where_hard_links_are_not_supported_old_files_are_still_restored(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    out = prepared_folder(tmp_path)
    before = snapshot(out)
    replace = FailAt("replace", 5)  # the first two replace the two old files, each moved aside first
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        Writer(out).write(ARTIFACTS)
    monkeypatch.setattr(os, "replace", replace.real)
    assert snapshot(out) == before


def test_a_missing_output_folder_is_not_left_behind(tmp_path, monkeypatch):
    out = tmp_path / "new" / "out"
    monkeypatch.setattr(os, "replace", FailAt("replace", 2))
    with pytest.raises(OSError):
        Writer(out).write(ARTIFACTS)
    assert list(tmp_path.iterdir()) == [], "folders the export made are removed again"


# --- paths checked before anything is written ---------------------------------------------


@pytest.mark.parametrize("paths,words", [
    (["a.txt", "A.txt"], "differ only by case"),
    (["caf\u00e9.txt", "cafe\u0301.txt"], "not portable"),
    (["fit", "fit/x.fit"], "need 'fit' to be a folder"),
    (["x/y.txt", "X/z.txt"], "put files in folders 'x' and 'X'"),
    (["con.txt"], "named like a Windows device"),
    (["Aux"], "named like a Windows device"),
    (["notes."], "ending in a dot"),
    (["a b.txt"], "portable name"),
    (["a:b.txt"], None),
    (["x" * 256 + ".txt"], "longer than 255 bytes"),
    (["ok.txt", "ok.txt"], "are the same path"),
], ids=["case", "normalization", "file-and-folder", "folder-case", "device", "device-no-extension", "trailing-dot", "space", "colon", "too-long", "twice"])
def test_unportable_or_clashing_paths_are_refused_before_writing(tmp_path, paths, words):
    out = tmp_path / "out"
    artifacts = [Artifact("first.txt", b"1", "text/plain"), *(Artifact(p, b"x", "text/plain") for p in paths)]
    with pytest.raises(UnsafePath) as caught:
        Writer(out).write(artifacts)
    if words:
        assert words in str(caf := caught.value), caf
    assert not out.exists()


# --- stale temporary files ------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_temporary_files_of_killed_runs_are_swept(tmp_path):
    out = tmp_path / "out"
    (out / "fit").mkdir(parents=True)
    dead = out / "fit" / f"{TEMP_PREFIX}{_dead_pid()}-0a1b2c.tmp"
    legacy = out / f"{TEMP_PREFIX}k3j2h1.tmp"  # planport 0.1 named them without a process number
    live = out / f"{TEMP_PREFIX}{os.getppid()}-0a1b2c.tmp"  # a running process's (the test runner's parent)
    old = out / f"{TEMP_PREFIX}{os.getppid()}-ffffff.tmp"
    # Another host writing into the same shared folder (Dask workers): its process number says nothing here.
    elsewhere = out / f"{TEMP_PREFIX}{_dead_pid()}-h{'0' * 8 if HOST_TAG != '0' * 8 else '1' * 8}-0a1b2c.tmp"
    for path in (dead, legacy, live, old, elsewhere):
        path.write_bytes(b"half")
    os.utime(old, (time.time() - 3 * 24 * 3600,) * 2)
    Writer(out).write([Artifact("plan.json", b"{}", "application/json"), Artifact("fit/a.fit", b"x", "application/vnd.ant.fit")])
    assert not dead.exists() and not legacy.exists() and not old.exists()
    assert live.exists(), "a running process's temporary file is left alone"
    assert elsewhere.exists(), "another host's temporary file is left alone until it is a day old"
    os.utime(elsewhere, (time.time() - 3 * 24 * 3600,) * 2)
    Writer(out).write([Artifact("plan.json", b"{}", "application/json")])
    assert not elsewhere.exists()


def test_a_killed_export_leaves_nothing_a_later_export_keeps(tmp_path):
    """kill -9 during the write of a real export; the next export sweeps what it left."""
    out = tmp_path / "out"
    script = (
        "import os, sys, signal\n"
        "from planport.core import writer\n"
        "from planport import Artifact\n"
        "real = os.replace\n"
        "def die(src, dst):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.replace = die\n"
        f"writer.Writer({str(out)!r}).write([Artifact('a.txt', b'1', 'text/plain'), Artifact('b/c.txt', b'2', 'text/plain')])\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert list(out.rglob(f"{TEMP_PREFIX}*")), "the killed run left its temporary files"
    Writer(out).write([Artifact("a.txt", b"1", "text/plain"), Artifact("b/c.txt", b"2", "text/plain")])
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == ["a.txt", "b", "b/c.txt"]
    sweep_temp_files(out)


# --- through the CLI ------------------------------------------------------------------------


def test_a_full_disk_during_an_export_leaves_the_folder_as_it_was(tmp_path):
    """The kernel refuses to grow a file past RLIMIT_FSIZE (EFBIG), as a full disk refuses (ENOSPC):
    the calendar (14 KiB) cannot be written after the small FIT files are staged."""
    out = prepared_folder(tmp_path)
    before = snapshot(out)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        result = run_cli("export", SAMPLE_PLAN, "--to", "fit,ics", "--out", out)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert result.code == 2, result.err
    assert result.err.strip() == f"planport: error: {out / 'hip-2-weeks.ics'}: cannot write: File too large"
    assert snapshot(out) == before


class _Clashing:
    """A plugin exporter that writes where the json exporter does."""

    name, description, extensions = "clash", "Writes the plan's JSON name.", (".json",)
    options_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def __init__(self, path: str = "hip-2-weeks.json"):
        self.path = path

    def export(self, plan, options):
        return [Artifact(self.path, b"{}", "application/json")]


@pytest.mark.parametrize("path,words", [("hip-2-weeks.json", "are the same path"), ("HIP-2-weeks.json", "differ only by case"),
                                        ("hip-2-weeks.json/x", "need 'hip-2-weeks.json' to be a folder")], ids=["same", "case", "folder"])
def test_a_plugin_path_clashing_with_another_exporters_is_refused(tmp_path, path, words):
    from test_bad_input import refused

    plugins = Plugins.discover()
    clash = _Clashing(path)
    clash.name = "clash"
    plugins.add_exporter(clash, "planport-clash 1.0")
    out = tmp_path / "out"
    refused("export", SAMPLE_PLAN, "--to", "ics,json,clash", "--out", out, out=out, source="--to", words=f"exporters 'json' and 'clash' write 'hip-2-weeks.json' and {path!r}, which {words}", plugins=plugins)


def test_a_plugin_path_too_long_is_refused_before_writing(tmp_path):
    plugins = Plugins.discover()
    plugins.add_exporter(_Clashing("x" * 300 + ".json"), "planport-clash 1.0")
    out = tmp_path / "out"
    result = run_cli("export", SAMPLE_PLAN, "--to", "json,clash", "--out", out, plugins=plugins)
    assert result.code == 1 and "exporter 'clash' (planport-clash 1.0): artifact path" in result.err and "longer than 255 bytes" in result.err
    assert not out.exists()

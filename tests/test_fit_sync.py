"""``planport sync`` against a temporary device folder: it copies only sound FIT workouts, checks
the device first, never overwrites another file unasked, and can send only the coming weeks."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil

import pytest

from conftest import ROOT, SAMPLE_PLAN, run_cli


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    assert run_cli("export", SAMPLE_PLAN, "--to", "fit", "--out", out, "-q").code == 0
    return out / "fit"


@pytest.fixture
def source(tmp_path, exported):
    """A fresh copy of the exported workouts, to add bad files to."""
    folder = tmp_path / "fit"
    shutil.copytree(exported, folder)
    return folder


@pytest.fixture
def watch(tmp_path):
    device = tmp_path / "watch"
    (device / "GARMIN" / "NewFiles").mkdir(parents=True)
    return device


def new_files(device) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (device / "GARMIN" / "NewFiles").iterdir()}


def test_a_file_that_is_not_fit_is_refused_naming_it(watch):
    readme = ROOT / "README.md"
    result = run_cli("sync", readme, "--device", watch)
    assert result.code == 2 and result.err.strip() == f"planport: error: {readme}: not a FIT file"
    assert new_files(watch) == {}


def test_a_truncated_or_foreign_fit_file_stops_the_whole_sync(watch, source):
    good = sorted(source.iterdir())
    truncated = source / "2026-12-10-cut.fit"
    truncated.write_bytes(good[0].read_bytes()[:-7])
    renamed = source / "notes.fit"
    renamed.write_text("these are my notes", "utf-8")
    result = run_cli("sync", source, "--device", watch)
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines() == [
        f"planport: error: {truncated}: the FIT file is damaged (its CRC does not match)",
        f"planport: error: {renamed}: not a FIT file",
    ]
    assert new_files(watch) == {}, "nothing is copied when any file is bad"


def test_identical_files_are_skipped_and_counted(watch, source):
    first = run_cli("sync", source, "--device", watch)
    assert first.code == 0 and "10 of 10 files copied" in first.out
    again = run_cli("sync", source, "--device", watch)
    assert again.code == 0 and again.out.count("skipped (already there)") == 10
    assert again.out.splitlines()[-1] == f"0 of 10 files copied to {watch / 'GARMIN' / 'NewFiles'} (10 already there)"


def test_a_different_file_of_the_same_name_is_never_overwritten_unasked(watch, source):
    files = sorted(source.iterdir())
    target = watch / "GARMIN" / "NewFiles"
    (target / files[0].name).write_bytes(files[1].read_bytes())  # another planport workout
    (target / files[2].name).write_bytes(b"someone else's file")  # not planport's
    for dry in ([], ["--dry-run"]):
        refused = run_cli("sync", source, "--device", watch, *dry)
        assert refused.code == 2 and refused.out == ""
        assert refused.err.splitlines() == [
            f"planport: error: {target / files[0].name}: holds a different planport workout; sync --force replaces it",
            f"planport: error: {target / files[2].name}: holds a file that planport did not write; sync --force replaces it",
        ]
    assert sorted(new_files(watch)) == [files[0].name, files[2].name], "nothing copied"

    forced = run_cli("sync", source, "--device", watch, "--force")
    assert forced.code == 0, forced.err
    assert f"replaced (a file planport did not write): {files[2].name}" in forced.out, "never silently"
    assert f"replaced: {files[0].name}" in forced.out
    assert new_files(watch) == {p.name: p.read_bytes() for p in files}
    assert "(2 replacing older ones)" in forced.out.splitlines()[-1]


def test_a_folder_where_a_file_should_go_is_one_line_and_exit_2(watch, source):
    name = sorted(source.iterdir())[0].name
    (watch / "GARMIN" / "NewFiles" / name).mkdir()
    result = run_cli("sync", source, "--device", watch)
    assert result.code == 2
    assert result.err.strip() == f"planport: error: {watch / 'GARMIN' / 'NewFiles' / name}: is a folder where the workout file should go"

    other = watch.parent / "other"
    (other / "GARMIN").mkdir(parents=True)
    (other / "GARMIN" / "NewFiles").write_text("not a folder")
    result = run_cli("sync", source, "--device", other)
    assert result.code == 2 and "is a file where the watch's NewFiles folder should be" in result.err


def read_only_message(folder) -> str:
    return f"planport: error: {folder}: cannot copy workouts there: it is read-only (is the watch mounted read-only, or is the folder locked?)"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod; test_read_only_device_as_reported_by_the_system covers the same path")
def test_a_read_only_device_by_permissions(watch, source):
    folder = watch / "GARMIN" / "NewFiles"
    folder.chmod(0o555)
    try:
        for dry in ([], ["--dry-run"]):
            result = run_cli("sync", source, "--device", watch, *dry)
            assert result.code == 2 and result.err.strip() == read_only_message(folder)
    finally:
        folder.chmod(0o755)
    assert new_files(watch) == {}


def test_read_only_device_as_reported_by_the_system(watch, source, monkeypatch):
    """What a read-only mount looks like to planport (access(2) says no), whoever runs the tests."""
    folder = watch / "GARMIN" / "NewFiles"
    real_access = os.access

    def no_writes(path, mode, **kw):
        if str(path).startswith(str(watch)) and mode & os.W_OK:
            return False
        return real_access(path, mode, **kw)

    monkeypatch.setattr(os, "access", no_writes)
    for dry in ([], ["--dry-run"]):
        result = run_cli("sync", source, "--device", watch, *dry)
        assert result.code == 2 and result.err.strip() == read_only_message(folder), "--dry-run checks too"
    assert new_files(watch) == {}


def test_a_mount_that_refuses_writes_access_allowed(watch, source, monkeypatch):
    """Some MTP and FUSE mounts pass access(2) and fail the write: a probe finds out before any copy."""
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = run_cli("sync", source, "--device", watch)
    assert result.code == 2
    assert result.err.strip() == f"planport: error: {watch / 'GARMIN' / 'NewFiles'}: cannot write there: Read-only file system"
    assert new_files(watch) == {}


def test_a_device_failing_part_way_is_one_line_with_how_far_it_got(watch, source, monkeypatch):
    from planport.exporters.fit import device

    real_write = device.write_atomic
    written = []

    def fill_up(target, data):
        if len(written) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(target, data)
        written.append(target)

    monkeypatch.setattr(device, "write_atomic", fill_up)
    result = run_cli("sync", source, "--device", watch)
    fourth = sorted(source.iterdir())[3].name
    assert result.code == 1, "exit 1: files were written"
    assert result.err.strip() == (f"planport: error: {watch / 'GARMIN' / 'NewFiles' / fourth}: cannot write {fourth}: "
                                  "No space left on device (3 files were copied before it)")
    assert len(new_files(watch)) == 3


def test_no_garmin_folder_and_no_device(tmp_path, source):
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    result = run_cli("sync", source, "--device", stick)
    assert result.code == 2 and f"planport: error: {stick}: not a Garmin device" in result.err
    gone = run_cli("sync", source, "--device", tmp_path / "unplugged")
    assert gone.code == 2 and "no such folder (is the watch mounted there?)" in gone.err


def test_weeks_from_a_date_and_a_date_window(watch, source):
    one_week = run_cli("sync", source, "--device", watch, "--from", "2026-12-07", "--weeks", "1", "--dry-run")
    assert one_week.code == 0, one_week.err
    assert sorted(line.split(": ", 1)[1].split(" ->")[0] for line in one_week.out.splitlines()[:-1]) == [
        "2026-12-07-hip-strength-a.fit", "2026-12-08-mobility-snack.fit", "2026-12-09-hip-strength-b.fit",
        "2026-12-11-hip-strength-c.fit", "2026-12-13-hip-strength-d.fit"]
    assert one_week.out.splitlines()[-1].startswith("5 of 5 files would be copied")
    window = run_cli("sync", source, "--device", watch, "--from", "2026-12-14", "--to", "2026-12-15")
    assert window.code == 0 and sorted(new_files(watch)) == ["2026-12-14-hip-strength-a.fit", "2026-12-15-mobility-snack.fit"]
    both = run_cli("sync", source, "--device", watch, "--weeks", "1", "--to", "2026-12-15")
    assert both.code == 2 and "give --weeks or --to, not both" in both.err
    none = run_cli("sync", source, "--device", watch, "--from", "2027-06-01")
    assert none.code == 2 and "no workout dated between 2027-06-01 and the end" in none.err


def test_weeks_counts_from_today(watch, source):
    files = sorted(source.iterdir())
    today = dt.date.today()
    soon, later = today + dt.timedelta(days=6), today + dt.timedelta(days=7)
    for path in files:
        path.unlink() if path not in files[:2] else None
    files[0].rename(source / f"{soon}-hip-strength-a.fit")
    files[1].rename(source / f"{later}-mobility-snack.fit")
    result = run_cli("sync", source, "--device", watch, "--weeks", "1")
    assert result.code == 0, result.err
    assert sorted(new_files(watch)) == [f"{soon}-hip-strength-a.fit"]


def test_weeks_needs_dated_names(watch, source):
    undated = source / "my-workout.fit"
    shutil.copy(sorted(source.iterdir())[0], undated)
    result = run_cli("sync", source, "--device", watch, "--weeks", "2")
    assert result.code == 2
    assert result.err.strip() == "planport: error: my-workout.fit: the name does not start with a date (YYYY-MM-DD), so --weeks/--from/--to cannot place it"
    assert run_cli("sync", source, "--device", watch).code == 0, "without a date window any name will do"


def test_an_mtp_mount_that_spells_the_folders_in_mixed_case(tmp_path, source):
    storage = tmp_path / "mtp" / "Internal Storage"
    (storage / "Garmin" / "NewFiles").mkdir(parents=True)
    result = run_cli("sync", source, "--device", storage)
    assert result.code == 0, result.err
    assert len(list((storage / "Garmin" / "NewFiles").iterdir())) == 10
    assert not (storage / "GARMIN").exists()

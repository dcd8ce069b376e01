"""Copying workout files onto a Garmin watch: the ``garmin`` delivery target and ``planport sync``.

Everything is checked before the first file is copied: that each file is a FIT workout
with a good CRC, that the device has a GARMIN folder and can be written, and that no file
of the same name holds something else (a different workout replaces it only with
``--force``; identical files are skipped). A device that fails part-way is reported in
one line, with how many files were already copied.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from planport import Artifact, InputError, PlanportError, Problem
from planport.core.writer import TEMP_PREFIX, write_atomic

#: Where a Garmin watch picks up new workout files when it is unplugged.
NEW_FILES = Path("GARMIN") / "NewFiles"
MEDIA_TYPE = "application/vnd.ant.fit"
_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Copy:
    name: str
    data: bytes
    target: Path
    action: str  # "copy", "replace" or "skip"
    planport_file: bool = True  # for "replace": whether the file replaced was planport's


def check_workout(data: bytes, source: str) -> None:
    """InputError naming ``source`` unless ``data`` is a FIT workout file with a good CRC."""
    from .read import read_workout

    workout = read_workout(data, source)
    if workout.file_id.get("type") not in ("workout", None):
        raise InputError.at("", f"a FIT file, but a {workout.file_id.get('type')} file, not a workout", source)


def made_by_planport(data: bytes) -> bool:
    """Whether ``data`` is a FIT workout planport wrote (its file_id names planport)."""
    from .read import read_workout
    from .workout import MANUFACTURER, PRODUCT, PRODUCT_NAME

    try:
        file_id = read_workout(data, "").file_id
    except InputError:
        return False
    return file_id.get("manufacturer") == MANUFACTURER and file_id.get("product") == PRODUCT and file_id.get("product_name") == PRODUCT_NAME


def unwritable(folder: Path) -> str | None:
    """Why nothing can be written into ``folder`` (a read-only mount, no permission), or None."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return "it is read-only (is the watch mounted read-only, or is the folder locked?)"
    return None


def probe(folder: Path) -> None:
    """Write and remove a scratch file: some mounts (MTP, FUSE) refuse writes that access() allows."""
    try:
        fd, scratch = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=".probe")
        os.close(fd)
        os.unlink(scratch)
    except OSError as e:
        raise InputError.at("", f"cannot write there: {e.strerror or e}", str(folder)) from None


def child(folder: Path, name: str) -> Path:
    """``folder/name``, matched without regard to case: an MTP mount may show ``Garmin`` where a drive shows ``GARMIN``."""
    exact = folder / name
    if exact.exists() or not folder.is_dir():
        return exact
    return next((p for p in sorted(folder.iterdir()) if p.name.lower() == name.lower()), exact)


def new_files_folder(device: Path) -> Path:
    return child(child(device, NEW_FILES.parent.name), NEW_FILES.name)


def check_device(device: Path) -> Path:
    """The watch's NewFiles folder, if workouts can be copied there; InputError naming what is in the way."""
    if device.exists() and not device.is_dir():
        raise InputError.at("", "is a file, not the folder a watch is mounted at", str(device))
    if not device.is_dir():
        raise InputError.at("", "no such folder (is the watch mounted there?)", str(device))
    if not child(device, "GARMIN").is_dir():
        raise InputError.at("", "not a Garmin device: there is no GARMIN folder in it (is the watch mounted there?)", str(device))
    folder = new_files_folder(device)
    if folder.exists() and not folder.is_dir():
        raise InputError.at("", "is a file where the watch's NewFiles folder should be", str(folder))
    why = unwritable(folder if folder.is_dir() else folder.parent)
    if why:
        raise InputError.at("", f"cannot copy workouts there: {why}", str(folder if folder.is_dir() else folder.parent))
    return folder


def plan_copies(artifacts: Sequence[Artifact], device: Path, force: bool = False) -> list[Copy]:
    """What copying ``artifacts`` onto ``device`` would do; nothing is touched. InputError for anything in the way."""
    folder = check_device(device)
    copies, problems = [], []
    for artifact in artifacts:
        name = PurePosixPath(artifact.path).name
        target = folder / name
        if target.is_dir():
            problems.append(Problem("", "is a folder where the workout file should go", str(target)))
        elif target.exists():
            try:
                existing = target.read_bytes()
            except OSError as e:
                problems.append(Problem("", f"cannot be read: {e.strerror or e}", str(target)))
                continue
            if existing == artifact.data:
                copies.append(Copy(name, artifact.data, target, "skip"))
                continue
            ours = made_by_planport(existing)
            if force:
                copies.append(Copy(name, artifact.data, target, "replace", ours))
            else:
                whose = "a different planport workout" if ours else "a file that planport did not write"
                problems.append(Problem("", f"holds {whose}; sync --force replaces it", str(target)))
        else:
            copies.append(Copy(name, artifact.data, target, "copy"))
    if problems:
        raise InputError(problems)
    return copies


def copy_to_device(artifacts: Sequence[Artifact], device: Path, dry_run: bool = False, force: bool = False) -> list[Copy]:
    """Copy workout files into GARMIN/NewFiles/ atomically; skip identical ones, delete nothing."""
    copies = plan_copies(artifacts, device, force)
    if dry_run or all(c.action == "skip" for c in copies):
        return copies
    folder = new_files_folder(device)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as e:
        raise InputError.at("", f"cannot create the NewFiles folder: {e.strerror or e}", str(folder)) from None
    probe(folder)
    done = 0
    for c in copies:
        if c.action == "skip":
            continue
        try:
            write_atomic(c.target, c.data)
        except OSError as e:
            # Exit 1, not 2: the input was good and some files are on the watch (a full or unplugged device).
            raise PlanportError(f"{c.target}: cannot write {c.name}: {e.strerror or e} ({done} files were copied before it)") from None
        done += 1
    return copies


def file_date(name: str) -> dt.date | None:
    """The date a workout file's name starts with (``2026-12-08-hip-strength-a.fit``), or None."""
    match = _DATED.match(name)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


def within(artifacts: list[Artifact], first: dt.date | None, last: dt.date | None) -> list[Artifact]:
    """The files dated from ``first`` to ``last`` (either may be None); InputError for a file with no date."""
    if first is None and last is None:
        return artifacts
    undated = [a.path for a in artifacts if file_date(a.path) is None]
    if undated:
        raise InputError([Problem("", "the name does not start with a date (YYYY-MM-DD), so --weeks/--from/--to cannot place it", p) for p in undated])
    return [a for a in artifacts if (first is None or file_date(a.path) >= first) and (last is None or file_date(a.path) <= last)]  # type: ignore[operator]


def read_folder(source: Path) -> list[Artifact]:
    """The .fit files of ``source`` (a file or a folder) as artifacts named by their path; each must be a FIT workout."""
    if source.is_file():
        files = [source]
    elif source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() == ".fit" and p.is_file())
    else:
        raise InputError.at("", "no such file or folder", str(source))
    if not files:
        raise InputError.at("", "no .fit files to copy", str(source))
    artifacts, problems = [], []
    for path in files:
        data = path.read_bytes()
        try:
            check_workout(data, str(path))
        except InputError as e:
            problems += e.problems
            continue
        artifacts.append(Artifact(path.name, data, MEDIA_TYPE))
    if problems:
        raise InputError(problems)
    return artifacts


WORDS = {"copy": "copied", "replace": "replaced", "skip": "skipped"}


def summary(copies: list[Copy], folder: Path, dry_run: bool) -> str:
    counts = {action: sum(c.action == action for c in copies) for action in WORDS}
    done = counts["copy"] + counts["replace"]
    text = f"{done} of {len(copies)} files {'would be ' if dry_run else ''}copied to {folder}"
    extras = []
    if counts["replace"]:
        extras.append(f"{counts['replace']} replacing older ones")
    if counts["skip"]:
        extras.append(f"{counts['skip']} already there")
    return text + (f" ({', '.join(extras)})" if extras else "")

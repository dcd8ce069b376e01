"""Copying workout files onto a USB-mounted Garmin watch: the ``garmin`` delivery target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from planport import Artifact, Delivered, DeliveryReport, InputError
from planport.core.writer import write_atomic

#: Where a Garmin watch picks up new workout files when it is unplugged.
NEW_FILES = Path("GARMIN") / "NewFiles"


@dataclass(frozen=True)
class Copy:
    name: str
    data: bytes
    target: Path
    action: str  # "copy", "update" or "skip"


def plan_copies(artifacts: Sequence[Artifact], device: Path) -> list[Copy]:
    """What copying ``artifacts`` onto ``device`` would do; nothing is touched."""
    if not (device / "GARMIN").is_dir():
        raise InputError.at("", "not a Garmin device: there is no GARMIN folder in it (is the watch mounted there?)", str(device))
    copies = []
    for artifact in artifacts:
        name = PurePosixPath(artifact.path).name
        target = device / NEW_FILES / name
        if target.exists():
            action = "skip" if target.read_bytes() == artifact.data else "update"
        else:
            action = "copy"
        copies.append(Copy(name, artifact.data, target, action))
    return copies


def copy_to_device(artifacts: Sequence[Artifact], device: Path, dry_run: bool = False) -> list[Copy]:
    """Copy workout files into GARMIN/NewFiles/ atomically; skip identical ones, delete nothing."""
    copies = plan_copies(artifacts, device)
    if not dry_run:
        for c in copies:
            if c.action != "skip":
                write_atomic(c.target, c.data)
    return copies


def read_folder(source: Path) -> list[Artifact]:
    """The .fit files of ``source`` (a file or a folder) as artifacts, by name."""
    if source.is_file():
        files = [source]
    elif source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() == ".fit" and p.is_file())
    else:
        raise InputError.at("", "no such file or folder", str(source))
    if not files:
        raise InputError.at("", "no .fit files to copy", str(source))
    return [Artifact(p.name, p.read_bytes(), "application/vnd.ant.fit") for p in files]


class GarminDevice:
    """The ``garmin`` delivery target: FIT workouts into a mounted watch's GARMIN/NewFiles."""

    name = "garmin"
    description = "A USB-mounted Garmin watch: FIT workouts go into GARMIN/NewFiles/."
    formats = ("fit",)

    def deliver(self, artifacts: Sequence[Artifact], destination: str, *, dry_run: bool = False, options: dict[str, Any] | None = None) -> DeliveryReport:
        fit = [a for a in artifacts if a.path.lower().endswith(".fit")]
        copies = copy_to_device(fit, Path(destination), dry_run)
        words = {"copy": "copied", "update": "updated", "skip": "skipped"}
        done = sum(c.action != "skip" for c in copies)
        summary = f"{done} of {len(copies)} files {'would be ' if dry_run else ''}copied to {Path(destination) / NEW_FILES}"
        return DeliveryReport([Delivered(c.name, words[c.action], str(c.target)) for c in copies], summary)

"""Copying workout files onto a USB-mounted Garmin watch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .writer import write_atomic

#: Where a Garmin watch picks up new workout files when it is unplugged.
NEW_FILES = Path("GARMIN") / "NewFiles"


@dataclass(frozen=True)
class Copy:
    source: Path
    target: Path
    action: str  # "copy", "update" or "skip"


def plan_sync(source: Path, device: Path) -> list[Copy]:
    """What a sync would do; nothing is touched."""
    if not (device / "GARMIN").is_dir():
        raise InputError.at("", "not a Garmin device: there is no GARMIN folder in it (is the watch mounted there?)", str(device))
    if source.is_file():
        files = [source]
    elif source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() == ".fit" and p.is_file())
    else:
        raise InputError.at("", "no such file or folder", str(source))
    if not files:
        raise InputError.at("", "no .fit files to copy", str(source))
    plan = []
    for path in files:
        target = device / NEW_FILES / path.name
        if target.exists():
            action = "skip" if target.read_bytes() == path.read_bytes() else "update"
        else:
            action = "copy"
        plan.append(Copy(path, target, action))
    return plan


def sync(source: Path, device: Path, dry_run: bool = False) -> list[Copy]:
    """Copy .fit files into GARMIN/NewFiles/ atomically; skip identical ones, delete nothing."""
    copies = plan_sync(source, device)
    if not dry_run:
        for c in copies:
            if c.action != "skip":
                write_atomic(c.target, c.source.read_bytes())
    return copies

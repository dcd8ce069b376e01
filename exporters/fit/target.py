"""The ``garmin`` delivery target. Light on purpose: every planport command that lists
targets loads it; copying (``device``) is imported when something is delivered."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planport import Artifact, DeliveryReport


class GarminDevice:
    """The ``garmin`` delivery target: FIT workouts into a mounted watch's GARMIN/NewFiles."""

    name = "garmin"
    description = "A Garmin watch mounted as a folder (USB drive, or an MTP mount): FIT workouts go into GARMIN/NewFiles/."
    formats = ("fit",)
    takes_files = True

    def check(self, destination: str, options: dict[str, Any] | None = None) -> None:
        """Refuse a destination that is no watch before anything is exported or written."""
        from .device import check_device

        check_device(Path(destination))

    def deliver(
        self, artifacts: Sequence[Artifact], destination: str, *, plan: Any = None, dry_run: bool = False, options: dict[str, Any] | None = None,
    ) -> DeliveryReport:
        from planport.core.plugins import Delivered, DeliveryReport

        from .device import WORDS, copy_to_device, new_files_folder, summary

        fit = [a for a in artifacts if a.path.lower().endswith(".fit")]
        if not fit:
            from planport import InputError

            raise InputError.at("", "there are no FIT workouts to copy: add fit to --to", f"--deliver garmin={destination}")
        copies = copy_to_device(fit, Path(destination), dry_run, bool((options or {}).get("force")))
        delivered = [Delivered(c.name, WORDS[c.action] + ("" if c.planport_file else " (a file planport did not write)"), str(c.target)) for c in copies]
        return DeliveryReport(delivered, summary(copies, new_files_folder(Path(destination)), dry_run))

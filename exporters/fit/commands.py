"""The FIT exporter's commands: ``planport inspect`` and ``planport sync``."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--walk", is_flag=True, help="List the steps in the order a watch runs them, repeats followed.")
@click.option("--json", "as_json", is_flag=True, help="Print the workouts as JSON, for scripts.")
def inspect(files: tuple[str, ...], walk: bool, as_json: bool) -> None:
    """Print a FIT workout file's steps, as a watch would step through them.

    \b
    planport inspect out/fit/2026-12-07-hip-strength-a.fit
    planport inspect --walk out/fit/*.fit
    planport inspect --json out/fit/2026-12-07-hip-strength-a.fit
    """
    from planport.core.gate import read_bytes

    from . import read

    found = []
    for path in files:
        workout = read.read_workout(read_bytes(path), path)
        steps = read.walk(workout.steps, path) if walk else workout.steps
        found.append((path, workout, steps))
    if as_json:
        click.echo(json.dumps([read.as_json(path, workout, steps, walk) for path, workout, steps in found], indent=2, ensure_ascii=False, default=str))
        return
    for path, workout, steps in found:
        click.echo(f"{path}: {workout.name or '(no name)'} ({workout.sport}/{workout.sub_sport}), {len(workout.steps)} steps")
        for n, step in enumerate(steps):
            click.echo(f"  {n:>3}  {read.describe(step, workout.titles)}")


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--device", required=True, type=click.Path(path_type=Path), help="Where the watch is mounted, such as /media/GARMIN.")
@click.option("--dry-run", is_flag=True, help="Say what would be copied; copy nothing.")
def sync(source: Path, device: Path, dry_run: bool) -> None:
    """Copy FIT workouts onto a USB-mounted Garmin watch (into GARMIN/NewFiles/).

    Files already there with the same content are skipped; nothing is deleted.

    \b
    planport sync out/fit --device /media/GARMIN
    planport sync out/fit --device /media/GARMIN --dry-run
    """
    from .device import GarminDevice, read_folder

    report = GarminDevice().deliver(read_folder(source), str(device), dry_run=dry_run)
    prefix = "would be " if dry_run else ""
    for item in report.delivered:
        if item.action == "skipped":
            click.echo(f"skipped (already there): {item.path} -> {item.location}")
        else:
            click.echo(f"{prefix}{item.action}: {item.path} -> {item.location}")
    click.echo(report.summary)

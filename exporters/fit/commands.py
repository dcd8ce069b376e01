"""The FIT exporter's commands: ``planport inspect`` and ``planport sync``."""

from __future__ import annotations

import datetime as dt
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
    from planport import InputError
    from planport.core.gate import read_bytes

    from . import read

    found = []
    problems = []
    for path in files:  # every file is read (and walked) before anything is printed
        try:
            workout = read.read_workout(read_bytes(path), path)
            steps = read.walk(workout.steps, path) if walk else workout.steps
        except InputError as e:
            problems += e.problems
            continue
        found.append((path, workout, steps))
    if problems:
        raise InputError(problems)
    if as_json:
        import json

        click.echo(json.dumps([read.as_json(path, workout, steps, walk) for path, workout, steps in found], indent=2, ensure_ascii=False, default=str))
        return
    for path, workout, steps in found:
        click.echo(f"{path}: {workout.name or '(no name)'} ({workout.sport}/{workout.sub_sport}), {len(workout.steps)} steps")
        for n, step in enumerate(steps):
            click.echo(f"  {n:>3}  {read.describe(step, workout.titles)}")


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--device", required=True, type=click.Path(path_type=Path), help="Where the watch is mounted, such as /media/GARMIN.")
@click.option("--weeks", type=click.IntRange(1, 53), help="Only workouts dated in the next N weeks (from today on this computer's clock, or from --from).")
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="Only workouts dated on or after this day (YYYY-MM-DD).")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Only workouts dated on or before this day (YYYY-MM-DD).")
@click.option("--force", is_flag=True, help="Replace files of the same name that hold something else.")
@click.option("--dry-run", is_flag=True, help="Say what would be copied; copy nothing.")
def sync(source: Path, device: Path, weeks: int | None, first: dt.datetime | None, last: dt.datetime | None, force: bool, dry_run: bool) -> None:
    """Copy FIT workouts onto a Garmin watch (into GARMIN/NewFiles/).

    Only FIT workout files with a good CRC are copied. Files already there with the same
    content are skipped; a different file of the same name is left alone unless you say
    --force; nothing is deleted. A watch keeps a limited number of workouts: send the
    coming weeks with --weeks (files are dated by the date their names start with).

    \b
    planport sync out/fit --device /media/GARMIN
    planport sync out/fit --device /media/GARMIN --weeks 2
    planport sync out/fit --device /media/GARMIN --from 2026-12-07 --to 2026-12-20 --dry-run
    """
    from planport import InputError

    from .device import read_folder, within
    from .target import GarminDevice

    start = first.date() if first else None
    end = last.date() if last else None
    if weeks is not None:
        if end is not None:
            raise InputError.at("", "give --weeks or --to, not both", "--weeks")
        start = start or dt.date.today()
        end = start + dt.timedelta(days=7 * weeks - 1)
    chosen = within(read_folder(source), start, end)
    if not chosen:
        raise InputError.at("", f"no workout dated between {start or 'the start'} and {end or 'the end'}", str(source))
    report = GarminDevice().deliver(chosen, str(device), dry_run=dry_run, options={"force": force})
    prefix = "would be " if dry_run else ""
    for item in report.delivered:
        if item.action == "skipped":
            click.echo(f"skipped (already there): {item.path} -> {item.location}")
        else:
            click.echo(f"{prefix}{item.action}: {item.path} -> {item.location}")
    click.echo(report.summary)

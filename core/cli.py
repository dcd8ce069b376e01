"""The planport command line: a thin layer over the library functions.

Exit statuses: 0 success, 2 bad input or usage, 1 an unexpected failure.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from importlib.metadata import PackageNotFoundError, version

import click

from planport import schemas

from . import gate
from .errors import InputError, PlanportError
from .pipeline import prepare, run_exporters, split_formats
from .plugins import discover, split_options
from .writer import Writer

try:
    __version__ = version("planport")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


def err(message: str) -> None:
    click.echo(message, err=True)


def _registry():
    """Every exporter; each plugin that failed to load is named in a warning."""
    registry, broken = discover()
    for warning in broken.values():
        err(f"planport: warning: {warning}")
    return registry


class Context:
    def __init__(self, debug: bool, quiet: bool = False):
        self.debug = debug
        self.quiet = quiet


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="planport")
@click.option("--debug", is_flag=True, help="Show a traceback when something unexpected fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn hip-strength and mobility training plans into calendar, watch and spreadsheet files.

    \b
    planport validate samples/plans/hip-2-weeks.json
    planport export samples/plans/hip-2-weeks.json --to ics,fit,csv --out out/
    """
    ctx.obj = Context(debug)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--as", "kind", type=click.Choice(schemas.DOCUMENTS), help="What the documents are; by default told from their $schema or keys.")
def validate(files: tuple[str, ...], kind: str | None) -> int:
    """Check documents (plans, athletes, libraries, templates, rosters) against their schemas.

    '-' reads standard input, JSON or YAML. Every problem is one line with the file and the
    JSON Pointer of the bad value; the exit status is 2 when there is any.

    \b
    planport validate samples/plans/hip-2-weeks.json samples/library/hip-runners.yaml
    cat plan.yaml | planport validate -
    """
    from . import builder  # noqa: F401 - registers the template's own checks with the gate
    from .roster import check_roster

    problems = []
    for path in files:
        source = gate.display_name(path)
        try:
            if kind == "roster" or (kind is None and path.lower().endswith(".csv")):
                click.echo(f"ok: {source} (roster, {check_roster(path)} athletes)")
                continue
            data = gate.load_data(path)
            found = kind or gate.guess_kind(data)
            if found == "roster":
                click.echo(f"ok: {source} (roster, {check_roster(path, data)} athletes)")
                continue
            if found is None:
                raise InputError.at("", "cannot tell what this document is; give --as plan (or athlete, exercise-library, template, roster)", source)
            gate.check_document(data, found, source)
            click.echo(f"ok: {source} ({found}{_summary(found, data)})")
        except InputError as e:
            problems += e.problems
    if problems:
        raise InputError(problems)
    return 0


def _summary(kind: str, data) -> str:
    if kind == "plan":
        return f", {len(data['sessions'])} sessions, {len(data['exercises'])} exercises"
    if kind == "exercise-library":
        return f", {len(data['exercises'])} exercises"
    if kind == "template":
        return f", {len(data['session_types'])} session types"
    return ""


@cli.command()
@click.argument("name")
def schema(name: str) -> int:
    """Print a JSON Schema: plan, athlete, exercise-library, template, roster,
    exporter-options, or an exporter's name for its options. The output stands alone
    (definitions from the other schemas are copied in), ready for an editor.

    \b
    planport schema plan > plan.schema.json
    planport schema ics
    """
    if name in schemas.names():
        document = schemas.bundled(name)
    else:
        registry = _registry()
        if name not in registry:
            choices = ", ".join([*schemas.DOCUMENTS, *sorted(registry)])
            raise click.BadParameter(f"no schema called {name!r}; choose from {choices}", param_hint="NAME")
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"{name} exporter options", **registry[name].exporter.options_schema}
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


@cli.command()
def exporters() -> int:
    """List the exporters: name, description, file type and where each comes from.

    \b
    planport exporters
    """
    registry = _registry()
    rows = [(name, ", ".join(r.exporter.extensions), r.origin, r.exporter.description) for name, r in sorted(registry.items())]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(("NAME", "FILES", "FROM"))]
    click.echo(f"{'NAME':<{widths[0]}}  {'FILES':<{widths[1]}}  {'FROM':<{widths[2]}}  DESCRIPTION")
    for row in rows:
        click.echo(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    return 0


def export_options(func):
    func = click.option("-o", "--option", "options", multiple=True, metavar="EXPORTER.KEY=VALUE", help="An exporter option, such as ics.alarm_minutes=30; repeatable.")(func)
    func = click.option("--out", "out", default="out", show_default=True, help="The output folder; '-' writes a single file to standard output.")(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Do not list the files written.")(func)
    return func


def write_export(plan, formats: list[str], options: tuple[str, ...], out: str, quiet: bool) -> None:
    """Export ``plan`` in ``formats`` and write the artifacts under ``out`` (or to standard output)."""
    prepared = prepare(formats, split_options(list(options), formats))
    artifacts = run_exporters(plan, prepared)
    if out == "-":
        if len(artifacts) != 1:
            raise InputError.at("", f"the export made {len(artifacts)} files; standard output takes one, so give a folder", "--out -")
        sys.stdout.buffer.write(artifacts[0].data)
        sys.stdout.buffer.flush()
        return
    Writer(out, None if quiet else err).write(artifacts)


@cli.command()
@click.argument("plan_file", metavar="PLAN")
@click.option("--to", "to", multiple=True, required=True, help="Formats, comma-separated or repeated: json, ics, fit, csv, or a plugin's.")
@export_options
def export(plan_file: str, to: tuple[str, ...], options: tuple[str, ...], out: str, quiet: bool) -> int:
    """Export a plan document (JSON or YAML; '-' reads standard input).

    \b
    planport export samples/plans/hip-2-weeks.json --to json --out out/
    planport export plan.json --to ics -o ics.alarm_minutes=30 --out out/
    planport export plan.json --to ics --out - > plan.ics
    """
    plan = gate.load_plan(plan_file)
    try:
        write_export(plan, split_formats(to), options, out, quiet)
    except InputError as e:  # an exporter's objection to the plan names the plan's file
        raise e.with_source(gate.display_name(plan_file)) from None
    return 0


@cli.command()
@click.argument("athlete_file", metavar="ATHLETE")
@click.option("--template", "template_file", help="A plan template (YAML or JSON); planport's hip-strength template by default.")
@click.option("-o", "--output", help="Write the plan document here ('-' for standard output).")
@click.option("--to", "to", multiple=True, help="Also export: formats, comma-separated or repeated.")
@click.option("--option", "options", multiple=True, metavar="EXPORTER.KEY=VALUE", help="An exporter option, such as ics.alarm_minutes=30; repeatable.")
@click.option("--out", "out", default="out", show_default=True, help="The output folder for --to.")
@click.option("--summary", is_flag=True, help="Print a week-by-week table.")
@click.option("--revision", type=click.IntRange(0, 100000), default=1, show_default=True, help="The plan revision; raise it when you rebuild a changed plan.")
@click.option("--created", help="The plan's creation time, YYYY-MM-DDTHH:MM:SSZ; the start date by default, so a rebuild gives the same bytes.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list the files written.")
def build(athlete_file, template_file, output, to, options, out, summary, revision, created, quiet) -> int:
    """Build a plan from an athlete profile and a template.

    With no --output, --to or --summary, the plan document goes to standard output.

    \b
    planport build samples/athletes/new-runner.yaml -o plan.json
    planport build samples/athletes/new-runner.yaml --to ics,fit,csv --out out/new-runner/
    planport build samples/athletes/marathoner.yaml --summary
    """
    from .builder import build_from_files
    from .summary import summary_table

    if created is not None:
        from .plugins import COMMON_SCHEMA_ID

        problems = gate.schema_problems(created, "common", "--created", schema={"$ref": f"{COMMON_SCHEMA_ID}#/$defs/utc_timestamp"})
        if problems:
            raise InputError(problems)
    plan = build_from_files(athlete_file, template_file, revision, created)
    document = plan.dumps()
    if output == "-" or not (output or to or summary):
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()
    elif output:
        from .writer import write_atomic

        write_atomic(Path(output), document)
        if not quiet:
            err(f"wrote {output}")
    if to:
        formats = split_formats(to)
        try:
            write_export(plan, formats, options, out, quiet)
        except InputError as e:
            raise e.with_source(gate.display_name(athlete_file)) from None
    if summary:
        summary_table(plan)
    return 0


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--walk", is_flag=True, help="List the steps in the order a watch runs them, repeats followed.")
def inspect(files: tuple[str, ...], walk: bool) -> int:
    """Print a FIT workout file's steps, as a watch would step through them.

    \b
    planport inspect out/fit/2026-12-07-hip-strength-a.fit
    planport inspect --walk out/fit/*.fit
    """
    from . import fitread

    for path in files:
        data = gate.read_bytes(path)
        workout = fitread.read_workout(data, path)
        click.echo(f"{path}: {workout.name or '(no name)'} ({workout.sport}/{workout.sub_sport}), {len(workout.steps)} steps")
        steps = fitread.walk(workout.steps) if walk else workout.steps
        for n, step in enumerate(steps):
            click.echo(f"  {n:>3}  {fitread.describe(step, workout.titles)}")
    return 0


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--device", required=True, type=click.Path(path_type=Path), help="Where the watch is mounted, such as /media/GARMIN.")
@click.option("--dry-run", is_flag=True, help="Say what would be copied; copy nothing.")
def sync(source: Path, device: Path, dry_run: bool) -> int:
    """Copy FIT workouts onto a USB-mounted Garmin watch (into GARMIN/NewFiles/).

    Files already there with the same content are skipped; nothing is deleted.

    \b
    planport sync out/fit --device /media/GARMIN
    planport sync out/fit --device /media/GARMIN --dry-run
    """
    from .device import sync as sync_files

    copies = sync_files(source, device, dry_run)
    words = {"copy": "copied", "update": "updated", "skip": "skipped (already there)"}
    prefix = "would be " if dry_run else ""
    for c in copies:
        click.echo(f"{prefix if c.action != 'skip' else ''}{words[c.action]}: {c.source.name} -> {c.target}")
    done = sum(c.action != "skip" for c in copies)
    click.echo(f"{done} of {len(copies)} files {'would be ' if dry_run else ''}copied to {device / 'GARMIN' / 'NewFiles'}")
    return 0


@cli.command()
@click.argument("roster")
@click.option("--to", "to", multiple=True, required=True, help="Formats, comma-separated or repeated.")
@click.option("-o", "--option", "options", multiple=True, metavar="EXPORTER.KEY=VALUE", help="An exporter option; repeatable.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The output folder: one sub-folder per athlete, manifest.json and errors.csv.")
@click.option("--template", "template_file", help="A plan template; planport's hip-strength template by default.")
@click.option("-j", "--jobs", type=click.IntRange(1, 512), default=None, help="Worker processes; all CPUs by default.")
@click.option("--resume", is_flag=True, help="Skip athletes whose files match the manifest of an earlier, interrupted run.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first athlete that fails.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary line.")
def batch(roster, to, options, out, template_file, jobs, resume, fail_fast, quiet) -> int:
    """Build and export plans for every athlete of a roster (CSV, YAML or JSON).

    Exit status: 0 all built, 1 some athletes failed (see errors.csv), 2 the roster or the
    options are unusable. Ctrl-C stops cleanly; --resume finishes the rest.

    \b
    planport batch samples/rosters/club.csv --to ics,fit,csv --out out/club/
    planport batch roster.yaml --to ics --jobs 2 --out out/ --resume
    planport batch roster.csv --to ics,fit --out out/ --fail-fast
    """
    import os

    from .batch import ERRORS, Job, Ticker, run_batch

    formats = split_formats(to)
    job = Job(roster, formats, split_options(list(options), formats), out, template_file, jobs or os.cpu_count() or 1, resume, fail_fast)
    ticker = None

    def progress(summary):
        nonlocal ticker
        if ticker is None:
            ticker = Ticker(summary.total, quiet, sys.stderr.isatty(), err)
        ticker(summary)

    try:
        summary = run_batch(job, progress)
    finally:
        if ticker is not None:
            ticker.close()
    done = summary.built + summary.reused
    if summary.interrupted:
        err(f"planport: interrupted after {done:,} of {summary.total:,} athletes; run again with --resume to finish")
        return 130
    if not quiet:
        reused = f" ({summary.reused:,} reused)" if summary.reused else ""
        line = f"built {done:,} of {summary.total:,} athletes{reused}"
        if summary.failed:
            line += f"; {summary.failed:,} failed, see {out / ERRORS}"
        err(line)
        for failure in summary.failures:
            err(f"  {failure}")
    return 1 if summary.failed else 0


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        code = cli.main(args=args, prog_name="planport", standalone_mode=False)
    except InputError as e:
        for line in e.lines():
            err(f"planport: error: {line}")
        code = 2
    except click.ClickException as e:
        e.show()
        code = e.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        err("planport: interrupted")
        code = 130
    except PlanportError as e:
        if debug:
            traceback.print_exc()
        err(f"planport: error: {e}")
        code = e.exit_code
    except Exception as e:  # the last line of defence: one line, no traceback unless asked
        if debug:
            traceback.print_exc()
        err(f"planport: error: unexpected {type(e).__name__}: {e} (run with --debug for details)")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

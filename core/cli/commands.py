"""planport's own commands. Every command that exports speaks the same words:

``--to FORMATS``, ``-o/--option EXPORTER.KEY=VALUE``, ``--out FOLDER``, ``-q/--quiet``.

Modules beyond click are imported inside the commands, so ``planport --help`` stays quick.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import ExitStatus, ExportError, InputError, PlanportError, Problem
from .display import err

if TYPE_CHECKING:
    from ..model import Plan
    from ..plugins import Plugins

F = TypeVar("F", bound=Callable[..., Any])
DOCUMENTS = ("plan", "athlete", "exercise-library", "template", "roster")


def _app() -> Any:
    """The run's ``App`` (plugins, --debug), set by ``planport.core.cli.run``."""
    return click.get_current_context().find_root().obj


def _plugins() -> Plugins:
    return _app().plugins  # type: ignore[no-any-return]


def _warn(message: str) -> None:
    _app().warn(message)


# --- the shared vocabulary ------------------------------------------------------------


def _complete_formats(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """``--to ics,f<TAB>``: the exporters installed, after the formats already typed."""
    from click.shell_completion import CompletionItem

    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    from ..plugins import Plugins

    app = ctx.find_root().obj  # completion runs outside the command: no current context to ask
    plugins = app.plugins if app is not None else Plugins.discover()
    return [CompletionItem(prefix + name) for name in plugins.names() if name.startswith(last)]


def to_option(required: bool) -> Callable[[F], F]:
    return click.option(
        "--to", "to", multiple=True, required=required, metavar="FORMATS", shell_complete=_complete_formats,
        help="Formats, comma-separated or repeated: json, ics, fit, csv, html, or a plugin's (see planport exporters).",
    )


class _Completed(click.Path):
    """A path the shell completes (files, or folders), passed on as typed: the gate and the
    writer check it and say what is wrong in planport's words, naming the file."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value


#: A file argument: the shell completes file names.
IN_FILE = _Completed(dir_okay=False)
#: An output folder: the shell completes folder names.
OUT_FOLDER = _Completed(file_okay=False)


def option_option(func: F) -> F:
    return click.option(
        "-o", "--option", "options", multiple=True, metavar="EXPORTER.KEY=VALUE",
        help="An exporter option, such as ics.alarm_minutes=30; repeatable. The prefix may be left out with one format.",
    )(func)


def quiet_option(func: F) -> F:
    return click.option("-q", "--quiet", is_flag=True, help="Do not list the files written.")(func)


def deliver_option(func: F) -> F:
    func = click.option(
        "--publish", "publish_url", metavar="URL",
        help="Also sync the plan into this CalDAV calendar (the same as --deliver caldav=URL; see planport publish --help).",
    )(func)
    return click.option(
        "--deliver", "deliveries", multiple=True, metavar="TARGET=DESTINATION",
        help="Also deliver the files, such as garmin=/media/GARMIN (see planport exporters for the targets); repeatable.",
    )(func)


class Export:
    """One export checked and made, not yet written: the artifacts, the delivery targets and the
    options by format (a target gets those of the formats it takes)."""

    def __init__(self, plan: Plan, artifacts: list[Any], targets: list[tuple[Any, str]], options: dict[str, dict[str, Any]]):
        self.plan, self.artifacts, self.targets, self.options = plan, artifacts, targets, options


def make_export(plan: Plan, formats: list[str], options: tuple[str, ...], out: str, deliveries: tuple[str, ...] = ()) -> Export:
    """Check the options and targets and run the exporters; nothing is written yet."""
    from ..options import split_options
    from ..pipeline import prepare, reader, reconcile, run_each
    from ..plugins import needs_formats

    plugins = _plugins()
    targets = _targets(plugins, deliveries)
    for target, destination in targets:
        needs_formats(target, formats, f"--deliver {target.name}={destination}")
    parsed = split_options(list(options), sorted({*formats, *(f for t, _ in targets for f in t.formats)}))
    for target, destination in targets:  # a destination that cannot be used stops the export before it starts
        check = getattr(target, "check", None)
        if check is not None:
            check(destination, {f: parsed.get(f, {}) for f in target.formats})
    made = run_each(plan, prepare(plugins, formats, {f: parsed[f] for f in formats})) if formats else []
    # Written over an earlier export, a file may carry its history on (a calendar's event stamps).
    artifacts = [a for _, produced in made for a in produced] if out == "-" else reconcile(plan, made, reader(out))
    if formats and out == "-" and len(artifacts) != 1:
        raise InputError.at("", f"the export made {len(artifacts)} files; standard output takes one, so give a folder", "--out -")
    export = Export(plan, artifacts, targets, parsed)
    for target, destination in targets:  # each delivery tried dry first: a conflict stops it all before a file is written
        _deliver(target, export, destination, dry_run=True)
    return export


def _deliver(target: Any, export: Export, destination: str, dry_run: bool) -> Any:
    options = {f: export.options.get(f, {}) for f in target.formats}
    try:
        return target.deliver(export.artifacts, destination, plan=export.plan, dry_run=dry_run, options=options)
    except (InputError, OSError, PlanportError):
        raise
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"while delivery target {target.name!r} ran") from None
    except (Exception, SystemExit) as e:  # a plugin's target: name it
        raise ExportError(f"delivery target {target.name!r} failed: {type(e).__name__}: {e}") from None


def deliver_export(export: Export, out: str, quiet: bool, also: list[tuple[Path, bytes]] | None = None) -> None:
    """Write the artifacts under ``out`` (``-``: standard output) and the ``also`` files, then hand
    the artifacts to each delivery target (each was tried dry before)."""
    from ..writer import Writer

    written = bool(also) or (bool(export.artifacts) and out != "-")
    if out == "-":
        if also:  # the plan file first: if it cannot be written, nothing has gone out yet
            from ..writer import write_atomic

            for target, data in also:
                write_atomic(target, data)
                if not quiet:
                    err(f"wrote {target}")
        if export.artifacts:
            sys.stdout.buffer.write(export.artifacts[0].data)
            sys.stdout.buffer.flush()
    elif export.artifacts or also:
        Writer(out, None if quiet else err).write(export.artifacts, also or ())
    for target, destination in export.targets:
        try:
            report = _deliver(target, export, destination, dry_run=False)
        except (PlanportError, OSError) as e:  # rare after a clean dry run: the watch unplugged, the server gone
            if not written:
                raise
            what = "; ".join(e.lines()) if isinstance(e, InputError) else f"{e.filename}: {e.strerror or e}" if isinstance(e, OSError) else str(e)
            raise ExportError(f"the files were written, but delivery target {target.name!r} failed: {what}") from None
        if not quiet or out == "-":
            err(report.summary)


def write_export(plan: Plan, formats: list[str], options: tuple[str, ...], out: str, quiet: bool, deliveries: tuple[str, ...] = ()) -> None:
    """Export ``plan`` in ``formats``, write the artifacts under ``out`` (``-``: standard output),
    then hand them to each delivery target."""
    deliver_export(make_export(plan, formats, options, out, deliveries), out, quiet)


def _as_typed(e: InputError, publish_url: str | None) -> InputError:
    """The CalDAV target's problems name --caldav (publish's option): say what the user typed."""
    typed = "--publish" if publish_url else "--deliver caldav"
    return InputError([p._replace(source=typed) if p.source == "--caldav" else p for p in e.problems])


def _targets(plugins: Plugins, deliveries: tuple[str, ...]) -> list[tuple[Any, str]]:
    """``garmin=/media/GARMIN`` -> (the target, its destination), checked before anything is made."""
    found = []
    targets = plugins.delivery_targets()
    for text in deliveries:
        name, sep, destination = text.partition("=")
        if not sep or not destination:
            raise InputError.at("", "expected TARGET=DESTINATION, such as garmin=/media/GARMIN", f"--deliver {text}")
        if name not in targets:
            raise InputError.at("", f"unknown delivery target {name!r}; available: {', '.join(sorted(targets)) or 'none'}", f"--deliver {text}")
        found.append((targets[name], destination))
    return found


def _split_delivery(text: str) -> tuple[str, str]:
    name, sep, destination = text.partition("=")
    if not sep or not destination:
        raise InputError.at("", "expected TARGET=DESTINATION, such as garmin=/media/GARMIN", f"--deliver {text}")
    return name, destination


def _formats(to: tuple[str, ...]) -> list[str]:
    from ..options import split_formats

    formats = split_formats(to)
    if to and not formats:
        raise InputError.at("", "no format given; name one or more, such as --to ics,fit", "--to")
    for name in formats:
        if name in _plugins().broken:
            _warn(_plugins().broken[name])
    return formats


# --- commands -------------------------------------------------------------------------


@click.command()
@click.argument("files", nargs=-1, required=True, type=IN_FILE)
@click.option("--as", "kind", type=click.Choice(DOCUMENTS), help="What the documents are; by default told from their $schema or keys.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array with one object per document (file, ok, kind, problems), for scripts.")
def validate(files: tuple[str, ...], kind: str | None, as_json: bool) -> int:
    """Check documents (plans, athletes, libraries, templates, rosters) against their schemas.

    '-' reads standard input, JSON or YAML. Every problem is one line with the file and the
    JSON Pointer of the bad value; the exit status is 2 when there is any.

    \b
    planport validate samples/plans/hip-2-weeks.json samples/library/hip-runners.yaml
    cat plan.yaml | planport validate -
    planport validate --json samples/rosters/club.csv
    """
    import json

    from .. import gate
    from ..roster import check_roster

    problems: list[Problem] = []
    reports = []
    for path in files:
        source = gate.display_name(path)
        found: str | None = kind
        try:
            if kind == "roster" or (kind is None and path.lower().endswith(".csv")):
                found = "roster"
                summary = f"{check_roster(path)} athletes"
            else:
                data = gate.load_data(path)
                if not_plain := gate.data_problems(data):  # too deep, too big: said before any guess at what it is
                    raise InputError([Problem(p.pointer, p.message, source) for p in not_plain])
                found = kind or gate.guess_kind(data)
                if found == "roster":
                    summary = f"{check_roster(path, data)} athletes"
                elif found is None:
                    raise InputError.at("", "cannot tell what this document is; give --as plan (or athlete, exercise-library, template, roster)", source)
                else:
                    gate.check_document(data, found, source)
                    summary = _summary(found, data)
        except InputError as e:
            problems += e.problems
            reports.append({"file": source, "ok": False, "kind": found, "problems": [{"pointer": p.pointer, "message": p.message} for p in e.problems]})
            continue
        reports.append({"file": source, "ok": True, "kind": found, "summary": summary, "problems": []})
        if not as_json:
            click.echo(f"ok: {source} ({found}{', ' + summary if summary else ''})")
    if as_json:
        click.echo(json.dumps(reports, indent=2, ensure_ascii=False))
        return ExitStatus.BAD_INPUT if problems else ExitStatus.OK
    if problems:
        raise InputError(problems)
    return ExitStatus.OK


def _summary(kind: str, data: dict[str, Any]) -> str:
    if kind == "plan":
        return f"{len(data['sessions'])} sessions, {len(data['exercises'])} exercises"
    if kind == "exercise-library":
        return f"{len(data['exercises'])} exercises"
    if kind == "template":
        return f"{len(data['session_types'])} session types"
    return ""


@click.command()
@click.argument("name")
def schema(name: str) -> int:
    """Print a JSON Schema: plan, athlete, exercise-library, template, roster,
    exporter-options, or an exporter's name for its options. The output stands alone
    (definitions from the other schemas are copied in), ready for an editor.

    \b
    planport schema plan > plan.schema.json
    planport schema ics
    """
    import json

    from planport import schemas

    plugins = _plugins()
    if name in schemas.names():
        document = schemas.bundled(name)
    elif name in plugins.exporters:
        options = plugins.exporters[name].exporter.options_schema
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": f"{name} exporter options", **options}
    else:
        if name in plugins.broken:
            _warn(plugins.broken[name])
        choices = ", ".join([*schemas.DOCUMENTS, *sorted(plugins.exporters)])
        raise click.BadParameter(f"no schema called {name!r}; choose from {choices}", param_hint="NAME")
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    return ExitStatus.OK


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the exporters, delivery targets and plugin problems as JSON.")
def exporters(as_json: bool) -> int:
    """List the exporters (name, file types, where each comes from, description) and delivery targets.

    \b
    planport exporters
    planport exporters --json
    """
    import json

    plugins = _plugins()
    registered = sorted(plugins.exporters.items())
    targets = sorted(plugins.delivery_targets().items())
    problems = [*plugins.broken.values(), *plugins.warnings]
    if as_json:
        click.echo(json.dumps({
            "exporters": [{"name": n, "extensions": list(r.exporter.extensions), "origin": r.origin, "builtin": r.builtin, "description": r.exporter.description} for n, r in registered],
            "delivery_targets": [{"name": n, "formats": list(t.formats), "description": t.description} for n, t in targets],
            "problems": problems,
        }, indent=2, ensure_ascii=False))
        return ExitStatus.OK
    for problem in problems:
        _warn(problem)
    rows = [(name, ", ".join(r.exporter.extensions), r.origin, r.exporter.description) for name, r in registered]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(("NAME", "FILES", "FROM"))]
    click.echo(f"{'NAME':<{widths[0]}}  {'FILES':<{widths[1]}}  {'FROM':<{widths[2]}}  DESCRIPTION")
    for row in rows:
        click.echo(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    if targets:
        click.echo("")
        click.echo("DELIVERY TARGETS (--deliver NAME=DESTINATION)")
        width = max(len(n) for n, _ in targets)
        for target_name, target in targets:
            click.echo(f"{target_name:<{width}}  {', '.join(target.formats):<8}  {target.description}")
    return ExitStatus.OK


@click.command()
@click.argument("plan_file", metavar="PLAN", type=IN_FILE)
@to_option(required=True)
@option_option
@click.option("--out", "out", default="out", show_default=True, type=OUT_FOLDER, help="The output folder; '-' writes a single file to standard output.")
@deliver_option
@quiet_option
def export(plan_file: str, to: tuple[str, ...], options: tuple[str, ...], out: str, deliveries: tuple[str, ...], publish_url: str | None, quiet: bool) -> int:
    """Export a plan document (JSON or YAML; '-' reads standard input).

    \b
    planport export samples/plans/hip-2-weeks.json --to json --out out/
    planport export plan.json --to ics -o ics.alarm_minutes=30 --out out/
    planport export plan.json --to ics --out - > plan.ics
    planport export plan.json --to fit --deliver garmin=/media/GARMIN
    planport export plan.json --to ics --publish https://dav.example.org/calendars/sam/training/
    """
    from .. import gate

    formats = _formats(to)
    deliveries = (*deliveries, *([f"caldav={publish_url}"] if publish_url else []))
    plan = gate.load_plan(plan_file)
    try:
        write_export(plan, formats, options, out, quiet, deliveries)
    except InputError as e:  # an exporter's objection to the plan names the plan's file
        raise _as_typed(e, publish_url).with_source(gate.display_name(plan_file)) from None
    return ExitStatus.OK


@click.command()
@click.argument("athlete_file", metavar="ATHLETE", type=IN_FILE)
@click.option("--template", "template_file", type=IN_FILE, help="A plan template (YAML or JSON); planport's hip-strength template by default.")
@to_option(required=False)
@option_option
@click.option("--out", "out", default="out", show_default=True, type=OUT_FOLDER, help="The output folder for --to; '-' writes a single file to standard output.")
@click.option("--plan-file", "plan_file", metavar="PATH", type=IN_FILE, help="Also save the plan document here ('-' for standard output); --to json writes it into --out.")
@click.option("--output", "plan_file_old", hidden=True)  # planport 0.1's name for --plan-file
@click.option("--summary", is_flag=True, help="Print a week-by-week table.")
@click.option("--revision", type=click.IntRange(0, 100000), default=1, show_default=True, help="The plan revision; raise it when you rebuild a changed plan.")
@click.option("--created", help="The plan's creation time, YYYY-MM-DDTHH:MM:SSZ; the start date by default, so a rebuild gives the same bytes.")
@deliver_option
@quiet_option
def build(
    athlete_file: str, template_file: str | None, to: tuple[str, ...], options: tuple[str, ...], out: str, plan_file: str | None,
    plan_file_old: str | None, summary: bool, revision: int, created: str | None, deliveries: tuple[str, ...], publish_url: str | None, quiet: bool,
) -> int:
    """Build a plan from an athlete profile and a template.

    With no --to, --plan-file or --summary, the plan document goes to standard output.

    \b
    planport build samples/athletes/new-runner.yaml > plan.json
    planport build samples/athletes/new-runner.yaml --to json,ics,fit,csv --out out/new-runner/
    planport build samples/athletes/new-runner.yaml --to ics -o ics.alarm_minutes=15 --out out/
    planport build samples/athletes/marathoner.yaml --summary
    planport build athlete.yaml --publish https://dav.example.org/calendars/sam/training/
    """
    from .. import gate
    from ..builder import build_from_files

    plan_file = plan_file or plan_file_old
    formats = _formats(to)
    deliveries = (*deliveries, *([f"caldav={publish_url}"] if publish_url else []))
    if created is not None:
        from ..plugins import COMMON_SCHEMA_ID

        problems = gate.schema_problems(created, "common", "--created", schema={"$ref": f"{COMMON_SCHEMA_ID}#/$defs/utc_timestamp"})
        if problems:
            raise InputError(problems)
    if options and not formats and not deliveries:
        raise InputError.at("", "-o goes with --to (or --publish, --deliver); to save the plan document, use --plan-file or --to json", "-o")
    to_stdout = out == "-" and bool(formats)
    if plan_file == "-" and to_stdout:
        raise InputError.at("", "the plan document and the export cannot both go to standard output; give --plan-file a path or --out a folder", "--plan-file -")
    plan = build_from_files(athlete_file, template_file, revision, created)
    exported: Export | None = None
    if formats or deliveries:  # options and exporters are checked before anything is written, the plan file too
        try:
            exported = make_export(plan, formats, options, out, deliveries)
        except InputError as e:
            raise _as_typed(e, publish_url).with_source(gate.display_name(athlete_file)) from None
    also: list[tuple[Path, bytes]] = []
    plan_to_stdout = plan_file == "-" or not (plan_file or formats or summary or deliveries)
    if plan_file and not plan_to_stdout:
        also.append((Path(plan_file), plan.dumps()))  # written with the export's files, all or none
    if exported is not None:
        deliver_export(exported, out, quiet, also)
    elif also:
        from ..writer import write_atomic

        write_atomic(also[0][0], also[0][1])
        if not quiet:
            err(f"wrote {plan_file}")
    if plan_to_stdout:  # last: standard output gets the plan only once the files are in place
        to_stdout = True
        sys.stdout.buffer.write(plan.dumps())
        sys.stdout.buffer.flush()
    if summary:
        from ..summary import summary_table

        summary_table(plan, stderr=to_stdout)  # never mixed into a document on standard output
    return ExitStatus.OK


@click.command()
@click.argument("roster", type=IN_FILE)
@to_option(required=True)
@option_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The output folder: one sub-folder per athlete, manifest.json and errors.csv.")
@click.option("--template", "template_file", type=IN_FILE, help="A plan template; planport's hip-strength template by default.")
@click.option("-j", "--jobs", type=click.IntRange(1, 512), default=None, help="Worker processes (or local Dask workers); all CPUs by default.")
@click.option("--engine", type=click.Choice(["processes", "dask"]), default="processes", show_default=True, help="Where athletes are built: worker processes here, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS", help="A Dask scheduler, such as tcp://10.0.0.5:8786 (implies --engine dask); a local cluster by default. --out must be shared by every worker.")
@click.option("--resume", is_flag=True, help="Skip athletes whose files match the manifest of an earlier, interrupted run.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first athlete that fails.")
@click.option("--deliver", "deliveries", multiple=True, metavar="TARGET=DESTINATION",
              help="Deliver each athlete's files; the destination may name a roster column in braces, such as caldav={caldav_url}. Repeatable.")
@click.option("--publish", "publish", is_flag=True, help="Sync each athlete's plan into the CalDAV calendar of their roster's caldav_url (--deliver caldav={caldav_url}).")
@click.option("--feeds", "feeds_url", metavar="URL", help="Write a subscription feed per athlete into OUT/feeds/ and feeds.csv, to be served at URL (--deliver feed=URL).")
@click.option("--feed-key-file", type=click.Path(dir_okay=False), help="The secret the feed names come from; PLANPORT_FEED_KEY by default.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary line.")
def batch(
    roster: str, to: tuple[str, ...], options: tuple[str, ...], out: Path, template_file: str | None, jobs: int | None, engine: str,
    scheduler: str | None, resume: bool, fail_fast: bool, deliveries: tuple[str, ...], publish: bool, feeds_url: str | None,
    feed_key_file: str | None, quiet: bool,
) -> int:
    """Build and export plans for every athlete of a roster (CSV, YAML or JSON).

    Exit status: 0 all built, 1 some athletes failed (see errors.csv), 2 the roster or the
    options are unusable. Ctrl-C stops cleanly; --resume finishes the rest.

    \b
    planport batch samples/rosters/club.csv --to ics,fit,csv --out out/club/
    planport batch roster.yaml --to ics --jobs 2 --out out/ --resume
    planport batch roster.csv --to ics,fit --out out/ --fail-fast
    planport batch roster.csv --to ics,fit --out /shared/club/ --scheduler tcp://10.0.0.5:8786
    planport batch roster.csv --to ics,html --feeds https://coach.example.org/feeds/ --out out/club/
    planport batch roster.csv --to ics --publish --out out/club/
    """
    import os

    from ..batch import BatchJob, Summary, run_batch
    from ..options import split_options
    from ..records import ERRORS
    from .display import Ticker

    formats = _formats(to)
    targets = [*(_split_delivery(text) for text in deliveries)]
    if publish:
        targets.append(("caldav", "{caldav_url}"))
    if feeds_url:
        targets.append(("feed", feeds_url))
    target_formats = sorted({"ics"} if publish or feeds_url else set())
    parsed = split_options(list(options), sorted({*formats, *target_formats}))
    job = BatchJob(
        roster, formats, {f: parsed[f] for f in formats}, out, template_file, jobs or os.cpu_count() or 1, resume, fail_fast,
        engine="dask" if scheduler else engine, scheduler=scheduler, deliveries=targets,
        delivery_options={**{f: parsed[f] for f in target_formats}, **({"feed_key_file": feed_key_file} if feed_key_file else {})},
    )
    ticker: Ticker | None = None

    def progress(summary: Summary) -> None:
        nonlocal ticker
        if ticker is None:
            ticker = Ticker(summary.total, quiet, sys.stderr.isatty())
        ticker(summary)

    try:
        result = run_batch(job, _plugins(), progress, _warn)
    finally:
        if ticker is not None:
            ticker.close()
    done = result.built + result.reused
    if result.interrupted:
        err(f"planport: interrupted after {done:,} of {result.total:,} athletes; run again with --resume to finish")
        return ExitStatus.INTERRUPTED
    if not quiet:
        reused = f" ({result.reused:,} reused)" if result.reused else ""
        line = f"built {done:,} of {result.total:,} athletes{reused}"
        if result.failed:
            line += f"; {result.failed:,} failed, see {out / ERRORS}"
        if result.stopped:
            line += "; stopped at the first failure (--fail-fast): fix it and run again with --resume"
        err(line)
        for failure in result.failures:
            err(f"  {failure}")
        if len(result.failures) < result.problems:
            err(f"  ... and {result.problems - len(result.failures):,} more in {out / ERRORS}")
    return ExitStatus.FAILURE if result.failed else ExitStatus.OK


CORE_COMMANDS = [validate, schema, exporters, export, build, batch]

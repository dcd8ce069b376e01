"""The iCalendar package's additions to planport: the ``publish`` command and the ``caldav``
delivery target. Light on purpose (click only): every planport command loads it to list its
commands; the sync engine (``sync``, with icalendar and caldav) is imported when used."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from planport.core.errors import InputError

if TYPE_CHECKING:
    from planport import Plan


@click.command("publish")
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--caldav", "url", required=True, metavar="URL", help="The calendar collection's address (https://, or http:// to this machine).")
@click.option("--dry-run", is_flag=True, help="Say what would be created, updated and deleted; change nothing.")
@click.option("--prune-past", is_flag=True, help="Also delete this plan's events dated before today (kept by default).")
@click.option("--overwrite", is_flag=True, help="Replace events the athlete edited in the calendar (kept and reported by default).")
@click.option("-o", "--option", "options", multiple=True, metavar="ics.KEY=VALUE", help="An ics exporter option, such as ics.alarm_minutes=30; repeatable.")
@click.option("-v", "--verbose", is_flag=True, help="One line per event created, updated, deleted or kept.")
def publish(plan_file: str, url: str, dry_run: bool, prune_past: bool, overwrite: bool, options: tuple[str, ...], verbose: bool) -> int:
    """Sync a plan into a CalDAV calendar: create, update and delete its sessions' events.

    Only events planport wrote for this athlete's plan are ever changed. The user name and
    password come from PLANPORT_CALDAV_USER and PLANPORT_CALDAV_PASSWORD, or ~/.netrc.
    Exit status: 0 synced, 2 something to fix (address, credentials, plan), 1 the server
    or network failed (run again: every event is either as before or fully updated).

    \b
    planport publish plan.json --caldav https://dav.example.org/calendars/sam/training/
    planport publish plan.json --caldav URL --dry-run -v
    """
    from planport.core import gate

    from .sync import publish_plan

    plan = gate.load_plan(plan_file)
    report = publish_plan(plan, url, dry_run=dry_run, prune_past=prune_past, overwrite=overwrite, options=options)
    if verbose:
        for line in report.lines():
            click.echo(line)
    click.echo(report.summary())
    return 0


class CalDAVCalendar:
    """The ``caldav`` delivery target: ``--deliver caldav=URL`` (or ``--publish URL``) syncs the
    plan into that calendar collection after its files are written, as ``publish`` does."""

    name = "caldav"
    description = "A CalDAV calendar collection (Nextcloud, Fastmail, iCloud, Radicale...): events created, updated, deleted."
    formats = ("ics",)

    def check(self, destination: str, options: dict | None = None) -> None:
        """The address and the credentials, before anything is exported or written."""
        from .sync import check_url, credentials_for

        check_url(destination)
        credentials_for(destination)

    def deliver(self, artifacts, destination: str, *, plan: Plan | None = None, dry_run: bool = False, options: dict | None = None):
        from planport.core.plugins import Delivered, DeliveryReport

        from .sync import publish_plan

        if plan is None:
            raise InputError.at("", "a CalDAV sync needs the plan, not only its files", "--deliver caldav")
        options = options or {}
        report = publish_plan(
            plan, destination, dry_run=dry_run, prune_past=bool(options.get("prune_past")), overwrite=bool(options.get("overwrite")),
            options=tuple(f"ics.{key}={value}" for key, value in options.get("ics", {}).items()),
        )
        return DeliveryReport([Delivered(c.title, c.action, f"{report.url} {c.when}") for c in report.changes if c.action != "unchanged"], report.summary())


def _ics_options(raw: dict) -> dict:
    """``-o ics.KEY=VALUE`` values as the ics exporter takes them (typed, defaults filled in)."""
    from planport.core.options import resolve_options
    from planport.core.plugins import Registered

    from . import exporter

    return resolve_options(Registered(exporter, "planport"), raw)


class FeedFolder:
    """The ``feed`` delivery target: ``batch --feeds https://host/feeds/`` (or ``--deliver
    feed=URL``) writes each athlete's subscription feed as ``feeds/<name>.ics`` in the output
    folder, under a name made from a key the coach keeps, and ``feeds.csv`` with every
    athlete's address. Publish the ``feeds`` folder on any static web host at that URL."""

    name = "feed"
    description = "A subscription feed per athlete (feeds/<secret name>.ics) and feeds.csv; serve the folder at the URL given."
    formats = ("ics",)

    def check(self, destination: str, options: dict | None = None) -> None:
        from .feeds import check_base_url, feed_key

        check_base_url(destination)
        feed_key(key_file=(options or {}).get("feed_key_file"))

    def deliver(self, artifacts, destination: str, *, plan: Plan | None = None, dry_run: bool = False, options: dict | None = None):
        from pathlib import Path

        from planport.core.plugins import Delivered, DeliveryReport

        from .feeds import feed_artifact, feed_key, feed_name

        if plan is None:
            raise InputError.at("", "a feed needs the plan, not only its files", "--deliver feed")
        options = options or {}
        key = feed_key(key_file=options.get("feed_key_file"))
        previous = None
        folder = options.get("output_folder")
        if folder:  # the feed as published before, so changed events get a higher SEQUENCE
            try:
                previous = (Path(folder) / "feeds" / feed_name(plan, key)).read_bytes()
            except OSError:
                previous = None
        artifact, url = feed_artifact(plan, destination, key, _ics_options(options.get("ics", {})), previous)
        return DeliveryReport([Delivered(artifact.path, "published", url)], f"feed: {url}", [artifact])

    def roster_artifacts(self, records, options: dict) -> list:
        """``feeds.csv``: each athlete's feed address, to send out."""
        from .feeds import feeds_csv

        rows = []
        for record in records:
            for delivery in record.get("deliveries", []):
                if delivery.get("target") == self.name:
                    rows += [(record["id"], (record.get("athlete") or {}).get("name", ""), item[2]) for item in delivery.get("items", [])]
        return [feeds_csv(rows)]

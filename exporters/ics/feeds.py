"""Subscription feeds: one iCalendar file per athlete at an address only the coach can make.

A feed's file name is an HMAC (SHA-256) of the athlete's and the plan's ids under a key
the coach keeps (``PLANPORT_FEED_KEY`` or a key file): the same address on every run, and
no one can work it out from the athlete's id. The coach puts the files on any static web
host and sends each athlete their address (``feeds.csv``). A calendar that subscribes
replaces its copy on every refresh, so a session moved or removed in the plan moves or
disappears there too (Google refreshes every 12 to 24 hours; Outlook every few hours; Apple
as often as the user sets).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import os
from collections.abc import Mapping
from pathlib import Path

from icalendar import vText, vUri

from planport.core.errors import InputError
from planport.core.model import Plan
from planport.core.plugins import Artifact
from planport.core.spreadsheet import inert

from . import calendars as ical

KEY_VARIABLE = "PLANPORT_FEED_KEY"
MIN_KEY_BYTES = 16
#: How often a subscribed client is asked to look again (a suggestion; Google ignores it).
REFRESH = dt.timedelta(hours=12)
FEED_FOLDER = "feeds"
CSV_NAME = "feeds.csv"
DEFAULT_COLOR = "darkorange"  # an RFC 7986 COLOR is a CSS3 color name


def feed_key(environ: Mapping[str, str] | None = None, key_file: str | os.PathLike | None = None) -> bytes:
    """The coach's secret: the file's bytes when ``key_file`` is given, else PLANPORT_FEED_KEY."""
    if key_file is not None:
        try:
            key = Path(key_file).read_bytes().strip()
        except OSError as e:
            raise InputError.at("", f"cannot read the feed key: {e.strerror or e}", str(key_file)) from None
        source = str(key_file)
    else:
        key = (os.environ if environ is None else environ).get(KEY_VARIABLE, "").strip().encode("utf-8")
        source = KEY_VARIABLE
        if not key:
            raise InputError.at("", f"feeds need a secret key: set {KEY_VARIABLE} (for example to the output of 'openssl rand -hex 32') or give a key file", KEY_VARIABLE)
    if len(key) < MIN_KEY_BYTES:
        raise InputError.at("", f"the feed key is {len(key)} bytes; use at least {MIN_KEY_BYTES} random bytes (such as 'openssl rand -hex 32')", source)
    return key


def feed_name(plan: Plan, key: bytes) -> str:
    """The feed's file name: 32 hex digits of HMAC-SHA256(key, athlete id, plan id)."""
    message = f"{plan.athlete.id}\x00{plan.id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32] + ".ics"


def feed_url(base_url: str, name: str) -> str:
    return base_url.rstrip("/") + "/" + name


def check_base_url(base_url: str) -> None:
    if not base_url.startswith(("https://", "http://")) or any(c.isspace() or ord(c) < 0x20 for c in base_url):
        raise InputError.at("", "expected the address the feed folder is served at, such as https://coach.example.org/feeds/", "--feeds")


def feed_artifact(plan: Plan, base_url: str, key: bytes, options: dict | None = None, previous: bytes | None = None, color: str = DEFAULT_COLOR) -> tuple[Artifact, str]:
    """The athlete's feed (``feeds/<hmac>.ics``) and the address it will be served at.

    ``options`` are the ``ics`` exporter's; ``previous`` is the feed as published before, if
    at hand, so that changed events get a higher SEQUENCE (``ical.restamp``)."""
    check_base_url(base_url)
    name = feed_name(plan, key)
    url = feed_url(base_url, name)
    options = dict(options or {})
    title = ical.clean_text(options.get("calendar_name") or plan.name, single_line=True)
    properties = [
        ("name", vText(title), None),
        ("x-wr-caldesc", vText(f"Training sessions for {ical.clean_text(plan.athlete.name, single_line=True)}"), None),
        ("color", color, None),
        ("source", vUri(url), {"VALUE": "URI"}),
        ("refresh-interval", REFRESH, {"VALUE": "DURATION"}),
        ("x-published-ttl", "PT12H", None),
    ]
    data = ical.calendar(plan, plan.ordered_sessions, options, properties=properties).to_ical()
    data = ical.restamp(plan, data, previous)
    return Artifact(f"{FEED_FOLDER}/{name}", data, ical.MEDIA_TYPE), url


def feeds_csv(rows: list[tuple[str, str, str]]) -> Artifact:
    """``feeds.csv``: one row per athlete (id, name, feed address) for the coach to send out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["athlete", "name", "url"])
    # Names come from the roster: a spreadsheet must show "=cmd|..." as text, not run it.
    writer.writerows([inert(cell) for cell in row] for row in sorted(rows))
    return Artifact(CSV_NAME, buffer.getvalue().encode("utf-8"), "text/csv")

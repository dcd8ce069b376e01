"""CalDAV sync: make an athlete's calendar collection hold exactly this plan's sessions.

Each session is one calendar object resource (its own VCALENDAR with the event and its
VTIMEZONE), named after the session's UID. A sync lists the collection once (one REPORT),
then:

- creates a missing session with ``If-None-Match: *`` (never overwrites an object that
  appeared meanwhile);
- updates a changed one with ``If-Match`` and the ETag it listed (never overwrites an edit
  made meanwhile), with SEQUENCE one higher and a later DTSTAMP than the server's copy;
- deletes an event of *this athlete's plan* (its ``X-PLANPORT-PLAN`` mark) that the plan no
  longer has, again with ``If-Match``;
- never changes or deletes an object without this plan's mark;
- keeps, and reports, an event the athlete edited in the calendar since planport wrote it
  (its content no longer matches the ``X-PLANPORT-HASH`` planport wrote into it), unless
  ``overwrite``;
- leaves past sessions alone (no update, no delete) unless ``prune_past``, which deletes this
  plan's events dated before ``today``.

Every change is one PUT or DELETE, which a server applies whole: a sync that stops half-way
(the server goes down, the network drops) leaves each event as it was or fully at its new
state, and the next run finishes the job.

Google Calendar's CalDAV endpoint needs OAuth and is not supported; Nextcloud, Fastmail,
iCloud (with an app-specific password), Radicale, Baïkal and other RFC 4791 servers are.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import netrc
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from icalendar import Component, Event

from planport.core.errors import InputError, PlanportError
from planport.core.model import Plan, Session

from . import calendars as ical

USER_VARIABLE = "PLANPORT_CALDAV_USER"
PASSWORD_VARIABLE = "PLANPORT_CALDAV_PASSWORD"
TIMEOUT_SECONDS = 30
_CONTENT_TYPE = {"Content-Type": "text/calendar; charset=utf-8"}


class SyncError(PlanportError):
    """The server or the network failed during a sync (exit 1); a rerun can finish it."""


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Change:
    """One thing a sync did (or, in a dry run, would do) to one event."""

    action: str  # create | update | delete | unchanged | keep
    when: str  # the event's local start, "2026-12-07 07:00"
    title: str
    reason: str = ""

    def line(self, dry_run: bool) -> str:
        verb = {"create": "create", "update": "update", "delete": "delete", "keep": "keep"}[self.action]
        word = f"would {verb}" if dry_run and self.action != "keep" else {"create": "created", "update": "updated", "delete": "deleted", "keep": "kept"}[self.action]
        return f"{word:<14} {self.when}  {self.title}" + (f" ({self.reason})" if self.reason else "")


@dataclass
class SyncReport:
    """What a sync did: every change, and how many HTTP requests it took."""

    url: str
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    requests: int = 0

    def count(self, action: str) -> int:
        return sum(c.action == action for c in self.changes)

    @property
    def written(self) -> int:
        return sum(c.action in ("create", "update", "delete") for c in self.changes)

    def summary(self) -> str:
        """One line of counts."""
        counts = (
            f"created {self.count('create')}, updated {self.count('update')}, deleted {self.count('delete')}, "
            f"unchanged {self.count('unchanged')}, kept {self.count('keep')}"
        )
        if self.dry_run:
            return f"dry run, nothing sent: would have {counts}"
        if not self.written:
            return f"nothing to change: {counts}"
        return counts

    def lines(self) -> list[str]:
        """One line per change (``-v``), unchanged events left out."""
        return [c.line(self.dry_run) for c in self.changes if c.action != "unchanged"]


# --- where and as whom ---------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """HTTPS, or plain HTTP to this machine only; no credentials inside the URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError.at("", "expected the calendar collection's address, such as https://dav.example.org/calendars/sam/training/", "--caldav")
    if parts.username or parts.password:
        raise InputError.at("", f"put the user name and password in {USER_VARIABLE} and {PASSWORD_VARIABLE} or ~/.netrc, not in the address", "--caldav")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError.at("", f"{_safe(url)}: use https://; plain http is only allowed to this machine (localhost, 127.0.0.1, ::1)", "--caldav")


def _safe(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


def credentials_for(url: str, environ: Mapping[str, str] | None = None, netrc_file: str | os.PathLike | None = None) -> Credentials:
    """The user name and password for ``url``: from PLANPORT_CALDAV_USER and
    PLANPORT_CALDAV_PASSWORD, else from the ``machine`` entry for its host in ~/.netrc."""
    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user and password:
        return Credentials(user, password)
    if user or password:
        missing = PASSWORD_VARIABLE if user else USER_VARIABLE
        raise InputError.at("", f"{missing} is not set; set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither and use ~/.netrc", "--caldav")
    host = urlsplit(url).hostname or ""
    path = Path(netrc_file) if netrc_file else Path(environ.get("NETRC") or Path.home() / ".netrc")
    if path.is_file():
        try:
            entry = netrc.netrc(str(path)).authenticators(host)
        except (netrc.NetrcParseError, OSError) as e:
            raise InputError.at("", f"cannot read it: {e}", str(path)) from None
        if entry and entry[0] and entry[2]:
            return Credentials(entry[0], entry[2])
    raise InputError.at("", f"no credentials for {host}: set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add 'machine {host} login ... password ...' to ~/.netrc", "--caldav")


# --- what the server holds -----------------------------------------------------------


@dataclass
class Stored:
    """An object in the collection that carries this plan's mark."""

    href: str
    etag: str | None
    event: Component  # the VEVENT


def _local_start(plan: Plan, event) -> dt.datetime | None:
    start = event.decoded("DTSTART", None)
    if isinstance(start, dt.datetime):
        return start.astimezone(plan.zone) if start.tzinfo else start
    if isinstance(start, dt.date):
        return dt.datetime.combine(start, dt.time())
    return None


def _describe(plan: Plan, event) -> tuple[str, str]:
    start = _local_start(plan, event)
    return (start.strftime("%Y-%m-%d %H:%M") if start else "?"), str(event.get("SUMMARY", ""))


_VEVENT = re.compile(r"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?$", re.M | re.S)
_UID = re.compile(r"^UID(?:;[^:]*)?:(.*?)\r?$", re.M)


def _read_object(data: str, mark: str) -> tuple[str, Component | None]:
    """An object's UID, and its VEVENT when it carries this plan's mark (else None).

    Only this plan's events are parsed, and only their VEVENT: a calendar can hold thousands
    of other events, and icalendar's parser is the slow part of a no-op sync."""
    text = data.replace("\r\n ", "").replace("\n ", "")  # unfold
    uid_match = _UID.search(text)
    uid = uid_match.group(1).strip() if uid_match else ""
    if f"\n{ical.PLAN_MARK}:{mark}" not in text.replace("\r\n", "\n"):
        return uid, None
    block = _VEVENT.search(data)
    try:
        event = Event.from_ical(block.group(0)) if block else None
    except Exception:  # a mark on something planport cannot read: leave it alone
        return uid, None
    if event is None or str(event.get(ical.PLAN_MARK, "")) != mark:
        return uid, None
    return str(event.get("UID", uid)), event


def resource_name(uid: str) -> str:
    """The object's name in the collection: the UID's unique part, which is URL-safe."""
    return f"{uid.split('@', 1)[0]}.ics"


# --- the sync --------------------------------------------------------------------------


def _client(url: str, credentials: Credentials):
    from caldav.davclient import DAVClient

    return DAVClient(url, username=credentials.user, password=credentials.password, timeout=TIMEOUT_SECONDS, ssl_verify_cert=True)


def _http_problem(url: str, status: int | None, what: str) -> PlanportError:
    """One clear line for a failed request: InputError (exit 2) when the user must fix
    something (address, credentials, rights), SyncError (exit 1) otherwise."""
    place = _safe(url)
    if status == 401:
        return InputError.at("", f"{place}: the server refused the user name or password (HTTP 401)", "--caldav")
    if status == 403:
        return InputError.at("", f"{place}: this user may not {what} here (HTTP 403)", "--caldav")
    if status in (404, 405, 409) and what == "read the calendar":
        return InputError.at("", f"{place}: no calendar collection at this address (HTTP {status}); create the calendar first or check the address", "--caldav")
    if status is not None and 500 <= status < 600:
        return SyncError(f"{place}: the server failed to {what} (HTTP {status}); run again later")
    return SyncError(f"{place}: could not {what} (HTTP {status})")


def _network_problem(url: str, error: Exception, what: str) -> PlanportError:
    name = type(error).__name__
    if "SSL" in name or "Certificate" in name or "ssl" in str(error).lower():
        return InputError.at("", f"{_safe(url)}: the server's TLS certificate could not be verified ({name})", "--caldav")
    if "Timeout" in name:
        return SyncError(f"{_safe(url)}: no answer within {TIMEOUT_SECONDS} s while trying to {what}; run again later")
    return SyncError(f"{_safe(url)}: cannot reach the server to {what} ({name}); run again later")


def _request(client, url: str, method: str, what: str, body: str = "", headers: dict | None = None):
    """One HTTP request through caldav's client; failures become one-line errors."""
    from caldav.lib import error as dav_error

    try:
        return client.request(url, method, body, headers or {})
    except dav_error.AuthorizationError as e:
        raise _http_problem(url, getattr(e, "status", None) or 401, what) from None
    except dav_error.DAVError as e:
        raise _http_problem(url, getattr(e, "status", None), what) from None
    except (OSError, ValueError) as e:
        raise _network_problem(url, e, what) from None
    except Exception as e:  # requests' and niquests' connection errors share no base class with OSError
        if type(e).__module__.split(".")[0] in ("requests", "niquests", "urllib3", "urllib3_future"):
            raise _network_problem(url, e, what) from None
        raise


def _listing(client, url: str) -> list[tuple[str, str | None, str]]:
    """(href, etag, data) of every event in the collection, in one REPORT."""
    from caldav.lib import error as dav_error

    try:
        calendar = client.calendar(url=url)
        objects = calendar.search(event=True)
    except dav_error.AuthorizationError as e:
        raise _http_problem(url, getattr(e, "status", None) or 401, "read the calendar") from None
    except dav_error.NotFoundError:
        raise _http_problem(url, 404, "read the calendar") from None
    except dav_error.DAVError as e:
        raise _http_problem(url, getattr(e, "status", None), "read the calendar") from None
    except (OSError, ValueError) as e:
        raise _network_problem(url, e, "read the calendar") from None
    except Exception as e:
        if type(e).__module__.split(".")[0] in ("requests", "niquests", "urllib3", "urllib3_future"):
            raise _network_problem(url, e, "read the calendar") from None
        raise
    return [(str(o.url), o.etag, o.data or "") for o in objects]


def _is_past(start: dt.datetime | None, today: dt.date) -> bool:
    return start is not None and start.date() < today


def sync_plan(
    plan: Plan,
    url: str,
    credentials: Credentials,
    *,
    dry_run: bool = False,
    prune_past: bool = False,
    overwrite: bool = False,
    today: dt.date,
    options: dict | None = None,
    client_factory: Callable[[str, Credentials], object] | None = None,
) -> SyncReport:
    """Make the collection at ``url`` hold ``plan``'s sessions (see the module's docstring).

    ``today`` is the athlete's local date (the caller reads the clock); ``options`` are the
    ``ics`` exporter's. Raises InputError for what the user must fix, SyncError otherwise;
    the report of a failed sync is on the error (``error.report``)."""
    check_url(url)
    if not url.endswith("/"):
        url += "/"
    options = options or {}
    report = SyncReport(_safe(url), dry_run)
    client = (client_factory or _client)(url, credentials)
    _count_requests(client, report)
    mark = ical.plan_mark(plan)

    stored: dict[str, Stored] = {}
    foreign: set[str] = set()
    for href, etag, data in _listing(client, url):
        uid, event = _read_object(data, mark)
        if event is not None:
            stored[uid] = Stored(href, etag, event)
        elif uid:
            foreign.add(uid)

    writes: list[tuple[int, str, str, str, dict]] = []  # (index in report.changes, method, href, body, headers)
    wanted = set()
    for session in plan.ordered_sessions:
        uid = ical.session_uid(plan, session)
        wanted.add(uid)
        change, write = _session_change(plan, session, uid, url, stored.get(uid), uid in foreign, options, today, prune_past, overwrite)
        if change is None:
            continue
        report.changes.append(change)
        if write:
            writes.append((len(report.changes) - 1, *write))
    for uid, old in sorted(stored.items(), key=lambda item: (_describe(plan, item[1].event), item[0])):
        if uid in wanted:
            continue
        when, title = _describe(plan, old.event)
        if _is_past(_local_start(plan, old.event), today) and not prune_past:
            report.changes.append(Change("keep", when, title, "past; --prune-past removes it"))
            continue
        report.changes.append(Change("delete", when, title, "no longer in the plan"))
        writes.append((len(report.changes) - 1, "DELETE", old.href, "", {"If-Match": old.etag} if old.etag else {}))

    if dry_run:
        return report
    for done, (index, method, href, body, headers) in enumerate(writes):
        try:
            outcome = _write(client, method, href, body, headers)
        except PlanportError as e:
            raise _with_progress(e, report, done, len(writes) - done) from None
        if outcome:
            change = report.changes[index]
            report.changes[index] = Change("keep", change.when, change.title, outcome)
    return report


def _with_progress(error: PlanportError, report: SyncReport, done: int, left: int) -> PlanportError:
    """The same error, saying how far the sync got (a rerun finishes it), with the report."""
    if not isinstance(error, InputError):
        error = type(error)(f"{error} ({done} changes made, {left} not; each event is as it was or fully updated)")
    error.report = report  # type: ignore[attr-defined]
    return error


def _write(client, method: str, href: str, body: str, headers: dict) -> str:
    """Send one change; '' when done, or why it was skipped (someone changed it meanwhile)."""
    what = {"PUT": "save an event", "DELETE": "delete an event"}[method]
    response = _request(client, href, method, what, body, {**headers, **(_CONTENT_TYPE if method == "PUT" else {})})
    status = response.status
    if status in (200, 201, 204) or (method == "DELETE" and status == 404):
        return ""
    if status == 412:
        return "changed on the server during the sync; run again" if "If-Match" in headers else "appeared on the server during the sync; run again"
    raise _http_problem(href, status, what)


def _session_change(plan, session: Session, uid, url, old: Stored | None, foreign: bool, options, today, prune_past, overwrite) -> tuple[Change | None, tuple | None]:
    """What to do about one session: a Change (None: nothing to report), and the write it takes (or None)."""
    event = ical.session_event(plan, session, options)
    when = plan.span(session)[0].strftime("%Y-%m-%d %H:%M")
    title = str(event["SUMMARY"])
    past = session.date < today
    if old is None:
        if foreign:
            return Change("keep", when, title, "an event planport did not write has this session's UID"), None
        if past and prune_past:
            return None, None  # pruned: not brought back
        body = ical.calendar(plan, [session], options).to_ical().decode("utf-8")
        return Change("create", when, title), ("PUT", url + resource_name(uid), body, {"If-None-Match": "*"})
    if past:
        if prune_past:
            return Change("delete", when, title, "past"), ("DELETE", old.href, "", {"If-Match": old.etag} if old.etag else {})
        return Change("unchanged", when, title), None
    _, written = ical.earlier_stamp(old.event)
    edited = written != ical.fingerprint(old.event)
    if edited and not overwrite:
        return Change("keep", when, title, "edited in the calendar; --overwrite replaces it"), None
    if not edited and written == ical.fingerprint(event):
        return Change("unchanged", when, title), None
    stamp = ical.next_stamp(plan, event, old.event)
    body = ical.calendar(plan, [session], options, stamps={uid: stamp}).to_ical().decode("utf-8")
    return Change("update", when, title, "replacing an edit made in the calendar" if edited else ""), ("PUT", old.href, body, {"If-Match": old.etag} if old.etag else {})


def _count_requests(client, report: SyncReport) -> None:
    """Count every HTTP request the client sends (authentication retries included)."""
    session = getattr(client, "session", None)
    if session is None:
        return
    send = session.request

    def counted(*args, **kwargs):
        report.requests += 1
        return send(*args, **kwargs)

    session.request = counted


def publish_plan(plan: Plan, url: str, *, dry_run=False, prune_past=False, overwrite=False, options=(), environ=None, today: dt.date | None = None) -> SyncReport:
    """``sync_plan`` with what a command line has: credentials from the environment or
    ~/.netrc, ``today`` from the clock in the athlete's zone, ``-o ics.KEY=VALUE`` options.
    ``build --publish`` and ``batch --publish`` call this."""
    from planport.core.options import resolve_options, split_options
    from planport.core.plugins import Registered

    check_url(url)
    credentials = credentials_for(url, environ)
    raw = split_options(list(options), ["ics"]).get("ics", {})
    resolved = resolve_options(Registered(ical.exporter, "planport"), raw)
    if today is None:
        today = dt.datetime.now(plan.zone).date()  # the command line may read the clock; exporters may not
    return sync_plan(plan, url, credentials, dry_run=dry_run, prune_past=prune_past, overwrite=overwrite, today=today, options=resolved)

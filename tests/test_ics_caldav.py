"""CalDAV sync against a real Radicale server (htpasswd auth, loopback port), through the
``publish`` command object and the ``sync_plan`` function the CLI calls."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
import zoneinfo

import caldav
import icalendar
import pytest
from click.testing import CliRunner
from ics_readers import vobject_read
from radicale_server import PASSWORD, USER

from planport.core.errors import InputError
from planport.core.gate import plan_from_data
from planport.exporters.ics import calendars as ical
from planport.exporters.ics.commands import publish
from planport.exporters.ics.sync import Credentials, SyncError, check_url, credentials_for, sync_plan

UTC = dt.timezone.utc
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = dt.date(2026, 11, 22)  # before the sample plan's first session (2026-12-07)
ENV = {"PLANPORT_CALDAV_USER": USER, "PLANPORT_CALDAV_PASSWORD": PASSWORD, "NETRC": "/nonexistent"}


@pytest.fixture
def collection(radicale):
    """A fresh, empty calendar for one test."""
    if radicale.process is None:
        radicale.start()
    return radicale.make_calendar(f"cal-{uuid.uuid4().hex[:8]}")


def server_events(url: str) -> dict[str, tuple[str, str, str]]:
    """UID -> (href, etag, data) as the server stores them, read with a plain caldav client."""
    with caldav.DAVClient(url, username=USER, password=PASSWORD) as client:
        found = client.calendar(url=url).search(event=True)
    result = {}
    for obj in found:
        (event,) = icalendar.Calendar.from_ical(obj.data).walk("VEVENT")
        result[str(event["UID"])] = (str(obj.url), obj.etag, obj.data)
    return result


def put(url: str, data: str, headers: dict) -> int:
    with caldav.DAVClient(url, username=USER, password=PASSWORD) as client:
        return client.request(url, "PUT", data, {"Content-Type": "text/calendar; charset=utf-8", **headers}).status


def write_plan(tmp_path, data, name="plan.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), "utf-8")
    return path


def run_publish(*args, env=ENV):
    """The command as a user runs it; an error comes back as the exception the CLI prints."""
    result = CliRunner().invoke(publish, [str(a) for a in args], env=env, catch_exceptions=True)
    return result


def uid_of(plan_data, index):
    plan = plan_from_data(copy.deepcopy(plan_data))
    session = next(s for s in plan.sessions if s.id == plan_data["sessions"][index]["id"])
    return ical.session_uid(plan, session)


def test_first_sync_then_a_rerun_that_changes_nothing(collection, sample_plan_data, tmp_path):
    path = write_plan(tmp_path, sample_plan_data)
    first = run_publish(path, "--caldav", collection, "-v")
    assert first.exit_code == 0, first.output
    n = len(sample_plan_data["sessions"])
    assert first.output.splitlines()[-1] == f"created {n}, updated 0, deleted 0, unchanged 0, kept 0"
    assert sum(line.startswith("created ") for line in first.output.splitlines()[:-1]) == n
    stored = server_events(collection)
    assert len(stored) == n
    # What the server stores, read with its own VTIMEZONE, says what the plan says.
    monday = stored[uid_of(sample_plan_data, 0)][2]
    event = vobject_read(monday.encode()).vevent
    assert event.dtstart.value.astimezone(UTC) == dt.datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert event.summary.value.startswith("Hip strength A")
    assert event.contents["x-planport-plan"][0].value == "sam-rivera/hip-2-weeks"
    assert "METHOD" not in monday

    again = run_publish(path, "--caldav", collection)
    assert again.exit_code == 0, again.output
    assert again.output == f"nothing to change: created 0, updated 0, deleted 0, unchanged {n}, kept 0\n"
    assert server_events(collection) == stored  # same ETags: nothing was written


def test_move_remove_and_add_sessions(collection, sample_plan_data, tmp_path):
    assert run_publish(write_plan(tmp_path, sample_plan_data), "--caldav", collection).exit_code == 0
    before = server_events(collection)
    changed = copy.deepcopy(sample_plan_data)
    moved_uid, removed_uid = uid_of(changed, 0), uid_of(changed, 1)
    changed["sessions"][0]["start_time"] = "06:15"  # same revision: no --revision needed
    added = copy.deepcopy(changed["sessions"][2])
    added.update(id="2026-12-12-extra", date="2026-12-12", start_time="10:00", title="Extra mobility")
    del changed["sessions"][1]
    changed["sessions"].append(added)

    dry = run_publish(write_plan(tmp_path, changed, "changed.json"), "--caldav", collection, "--dry-run", "-v")
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[-1].startswith("dry run, nothing sent: would have created 1, updated 1, deleted 1")
    assert any(line.startswith("would delete") and "no longer in the plan" in line for line in dry.output.splitlines())
    assert server_events(collection) == before

    result = run_publish(write_plan(tmp_path, changed, "changed.json"), "--caldav", collection, "-v")
    assert result.exit_code == 0, result.output
    n = len(sample_plan_data["sessions"])
    assert result.output.splitlines()[-1] == f"created 1, updated 1, deleted 1, unchanged {n - 2}, kept 0"
    after = server_events(collection)
    assert removed_uid not in after and len(after) == n
    old = icalendar.Calendar.from_ical(before[moved_uid][2]).walk("VEVENT")[0]
    new = icalendar.Calendar.from_ical(after[moved_uid][2]).walk("VEVENT")[0]
    assert new.decoded("DTSTART") == dt.datetime(2026, 12, 7, 6, 15, tzinfo=NEW_YORK)
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert new.decoded("DTSTAMP") > old.decoded("DTSTAMP")
    extra = [data for uid, (_, _, data) in after.items() if "Extra mobility" in data]
    assert len(extra) == 1
    # untouched events kept their ETags
    for uid in set(before) - {moved_uid, removed_uid}:
        assert after[uid][1] == before[uid][1]


def test_an_edit_in_the_calendar_is_kept_unless_overwrite(collection, sample_plan_data, tmp_path):
    path = write_plan(tmp_path, sample_plan_data)
    assert run_publish(path, "--caldav", collection).exit_code == 0
    uid = uid_of(sample_plan_data, 0)
    href, etag, data = server_events(collection)[uid]
    edited = data.replace("DTSTART;TZID=America/New_York:20261207T070000", "DTSTART;TZID=America/New_York:20261207T083000")
    edited = edited.replace("DTEND;TZID=America/New_York:20261207T071800", "DTEND;TZID=America/New_York:20261207T084800")
    assert edited != data
    assert put(href, edited, {"If-Match": etag}) in (200, 201, 204)  # what a calendar app does

    # The plan changes that session too: the athlete's edit still wins, and is reported.
    changed = copy.deepcopy(sample_plan_data)
    changed["sessions"][0]["start_time"] = "06:00"
    changed_path = write_plan(tmp_path, changed, "changed.json")
    kept = run_publish(changed_path, "--caldav", collection, "-v")
    assert kept.exit_code == 0, kept.output
    assert kept.output.splitlines()[-1].endswith("updated 0, deleted 0, unchanged 9, kept 1")
    assert "kept           2026-12-07 06:00  Hip strength A" in kept.output and "edited in the calendar" in kept.output
    assert "20261207T083000" in server_events(collection)[uid][2]

    replaced = run_publish(changed_path, "--caldav", collection, "--overwrite")
    assert replaced.exit_code == 0 and replaced.output.splitlines()[-1].startswith("created 0, updated 1,")
    assert "DTSTART;TZID=America/New_York:20261207T060000" in server_events(collection)[uid][2].replace("\r\n", "\n").replace("\n", "\r\n")


def test_events_planport_did_not_write_are_never_touched(collection, sample_plan_data, tmp_path):
    foreign = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//someone//else//EN", "BEGIN:VEVENT", "UID:dentist-1@example.org",
        "DTSTAMP:20261101T000000Z", "DTSTART:20261208T150000Z", "DTEND:20261208T160000Z", "SUMMARY:Dentist", "END:VEVENT", "END:VCALENDAR", "",
    ])
    assert put(collection + "dentist.ics", foreign, {"If-None-Match": "*"}) == 201
    other_plan = copy.deepcopy(sample_plan_data)
    other_plan["id"] = "another-plan"
    assert run_publish(write_plan(tmp_path, other_plan, "other.json"), "--caldav", collection).exit_code == 0
    before = server_events(collection)

    # This plan, then with every session removed but one, with --prune-past and --overwrite.
    assert run_publish(write_plan(tmp_path, sample_plan_data), "--caldav", collection).exit_code == 0
    shrunk = copy.deepcopy(sample_plan_data)
    shrunk["sessions"] = shrunk["sessions"][:1]
    result = run_publish(write_plan(tmp_path, shrunk, "shrunk.json"), "--caldav", collection, "--prune-past", "--overwrite")
    assert result.exit_code == 0, result.output
    after = server_events(collection)
    for uid, (_, etag, _) in before.items():
        assert after[uid][1] == etag, "an event of another plan, or not planport's, was changed"


def test_past_sessions_are_kept_unless_prune_past(collection, sample_plan_data):
    plan = plan_from_data(copy.deepcopy(sample_plan_data))
    credentials = Credentials(USER, PASSWORD)
    sync_plan(plan, collection, credentials, today=TODAY)
    later = dt.date(2026, 12, 10)  # three sessions are past by then
    past = [s for s in plan.sessions if s.date < later]
    gone = copy.deepcopy(sample_plan_data)
    gone["sessions"] = [s for s in gone["sessions"] if s["date"] >= "2026-12-10"]  # the past ones left the plan
    shrunk = plan_from_data(gone)
    report = sync_plan(shrunk, collection, credentials, today=later)
    assert report.count("delete") == 0 and report.count("keep") == len(past)
    assert len(server_events(collection)) == len(plan.sessions)
    pruned = sync_plan(shrunk, collection, credentials, today=later, prune_past=True)
    assert pruned.count("delete") == len(past)
    assert len(server_events(collection)) == len(plan.sessions) - len(past)


def test_wrong_password_missing_collection_and_bad_addresses(radicale, collection, sample_plan_data, tmp_path):
    path = write_plan(tmp_path, sample_plan_data)
    wrong = run_publish(path, "--caldav", collection, env={**ENV, "PLANPORT_CALDAV_PASSWORD": "nope"})
    assert isinstance(wrong.exception, InputError) and wrong.exception.exit_code == 2
    assert str(wrong.exception) == f"--caldav: {collection}: the server refused the user name or password (HTTP 401)"
    assert "nope" not in str(wrong.exception)

    missing = run_publish(path, "--caldav", radicale.collection("no-such-calendar"))
    assert isinstance(missing.exception, InputError) and missing.exception.exit_code == 2
    assert "no calendar collection at this address" in str(missing.exception)

    forbidden = run_publish(path, "--caldav", f"{radicale.root}/someone-else/training/")
    assert isinstance(forbidden.exception, InputError) and forbidden.exception.exit_code == 2
    assert "(HTTP 403)" in str(forbidden.exception)

    for url, message in [
        ("http://dav.example.org/cal/", "use https://; plain http is only allowed to this machine"),
        (f"http://{USER}:{PASSWORD}@127.0.0.1:{radicale.port}/coach/x/", "not in the address"),
        ("ftp://example.org/", "expected the calendar collection's address"),
    ]:
        result = run_publish(path, "--caldav", url)
        assert isinstance(result.exception, InputError) and result.exception.exit_code == 2, url
        assert message in str(result.exception) and PASSWORD not in str(result.exception)

    no_credentials = run_publish(path, "--caldav", collection, env={"NETRC": "/nonexistent", "PLANPORT_CALDAV_USER": "", "PLANPORT_CALDAV_PASSWORD": ""})
    assert isinstance(no_credentials.exception, InputError)
    assert "no credentials for 127.0.0.1: set PLANPORT_CALDAV_USER and PLANPORT_CALDAV_PASSWORD" in str(no_credentials.exception)


def test_credentials_from_netrc(collection, sample_plan_data, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    assert credentials_for(collection, {"NETRC": str(netrc)}) == Credentials(USER, PASSWORD)
    result = run_publish(write_plan(tmp_path, sample_plan_data), "--caldav", collection, env={"NETRC": str(netrc), "PLANPORT_CALDAV_USER": "", "PLANPORT_CALDAV_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("created 10,")


def test_server_failures_are_one_line_with_exit_1():
    from planport.exporters.ics.sync import _http_problem, _network_problem

    url = "https://dav.example.org/calendars/sam/training/"
    for status in (500, 502, 503, 507):
        problem = _http_problem(url, status, "save an event")
        assert isinstance(problem, SyncError) and problem.exit_code == 1
        assert str(problem) == f"{url}: the server failed to save an event (HTTP {status}); run again later"
    assert isinstance(_http_problem(url, 403, "save an event"), InputError)
    timeout = _network_problem(url, TimeoutError("timed out"), "read the calendar")
    assert isinstance(timeout, SyncError) and "no answer within 30 s" in str(timeout)


def test_https_is_required_except_on_loopback():
    for url in ("http://localhost:5232/a/", "http://127.0.0.2/a/", "http://[::1]:5232/a/", "https://dav.example.org/a/"):
        check_url(url)
    with pytest.raises(InputError):
        check_url("http://192.168.1.10/a/")


def test_server_stopped_mid_sync_then_a_rerun_converges(radicale, collection, sample_plan_data, tmp_path, monkeypatch):
    from planport.exporters.ics import sync as ics_caldav

    real_client = ics_caldav._client
    puts = []

    def failing_client(url, credentials):
        client = real_client(url, credentials)
        send = client.session.request

        def request(method, *args, **kwargs):
            if method == "PUT":
                puts.append(args[0])
                if len(puts) == 4:
                    radicale.stop()  # the server goes away before the fourth event
            return send(method, *args, **kwargs)

        client.session.request = request
        return client

    monkeypatch.setattr(ics_caldav, "_client", failing_client)
    path = write_plan(tmp_path, sample_plan_data)
    failed = run_publish(path, "--caldav", collection)
    assert isinstance(failed.exception, SyncError) and failed.exception.exit_code == 1
    assert "cannot reach the server to save an event" in str(failed.exception)
    assert "changes made" in str(failed.exception) and "each event is as it was or fully updated" in str(failed.exception)

    monkeypatch.setattr(ics_caldav, "_client", real_client)
    radicale.start()
    stored = server_events(collection)
    assert 0 < len(stored) < len(sample_plan_data["sessions"])
    for _, _, data in stored.values():  # whatever got there is whole
        assert len(icalendar.Calendar.from_ical(data).walk("VEVENT")) == 1
    rerun = run_publish(path, "--caldav", collection)
    assert rerun.exit_code == 0, rerun.output
    n = len(sample_plan_data["sessions"])
    assert rerun.output == f"created {n - len(stored)}, updated 0, deleted 0, unchanged {len(stored)}, kept 0\n"
    assert len(server_events(collection)) == n
    assert run_publish(path, "--caldav", collection).output.startswith("nothing to change")


def test_requests_are_counted(collection, sample_plan_data):
    plan = plan_from_data(copy.deepcopy(sample_plan_data))
    first = sync_plan(plan, collection, Credentials(USER, PASSWORD), today=TODAY)
    again = sync_plan(plan, collection, Credentials(USER, PASSWORD), today=TODAY)
    n = len(plan.sessions)
    # one listing, one PUT per event, and one unauthenticated first try that the server answers with 401
    assert first.requests == n + 2
    assert again.requests == 2 and again.written == 0


def test_an_edit_between_listing_and_writing_is_never_overwritten(collection, sample_plan_data):
    """If-Match: the athlete saves an event while a sync is running; the sync keeps it."""
    credentials = Credentials(USER, PASSWORD)
    sync_plan(plan_from_data(copy.deepcopy(sample_plan_data)), collection, credentials, today=TODAY)
    uid = uid_of(sample_plan_data, 0)
    href, etag, data = server_events(collection)[uid]
    edited = data.replace("SUMMARY:Hip strength A", "SUMMARY:Moved by me: Hip strength A")

    from planport.exporters.ics import sync as ics_caldav

    raced: list[int] = []

    def racing_client(url, creds):
        client = ics_caldav._client(url, creds)
        send = client.session.request

        def request(method, *args, **kwargs):
            response = send(method, *args, **kwargs)
            if method == "REPORT" and response.status_code == 207 and not raced:  # right after the sync listed the calendar
                raced.append(put(href, edited, {"If-Match": etag}))
            return response

        client.session.request = request
        return client

    changed = copy.deepcopy(sample_plan_data)
    changed["sessions"][0]["start_time"] = "05:30"
    report = sync_plan(plan_from_data(changed), collection, credentials, today=TODAY, client_factory=racing_client)
    assert raced and raced[0] in (200, 201, 204)
    assert report.count("update") == 0 and report.count("keep") == 1
    assert "changed on the server during the sync" in report.lines()[0]
    assert "Moved by me" in server_events(collection)[uid][2]

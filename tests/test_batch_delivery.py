"""Batch deliveries: a feed per athlete with feeds.csv, a CalDAV sync per athlete from the
roster's caldav_url column (a real Radicale), and the HTML roster index."""

from __future__ import annotations

import csv
import io
import json
import uuid

import caldav
import icalendar
import pytest
from radicale_server import PASSWORD, USER
from test_batch import BAD_ROWS, HEADER, roster, tree

from conftest import run_cli

KEY = "0123456789abcdef0123456789abcdef"


def feeds_rows(out):
    return list(csv.DictReader(io.StringIO((out / "feeds.csv").read_text("utf-8"), newline="")))


def test_a_feed_per_athlete_with_the_same_address_every_run(tmp_path):
    path = roster(tmp_path / "r.csv", 3, BAD_ROWS[:1], weeks=2)
    out = tmp_path / "out"
    env = {"PLANPORT_FEED_KEY": KEY}
    first = run_cli("batch", path, "--to", "ics", "--feeds", "https://coach.example.org/feeds/", "--out", out, "-q", "--jobs", "1", env=env)
    assert first.code == 1, first.err  # the bad row fails; the others are built
    rows = feeds_rows(out)
    assert [r["athlete"] for r in rows] == ["athlete-0000", "athlete-0001", "athlete-0002"]
    for row in rows:
        assert row["url"].startswith("https://coach.example.org/feeds/") and row["athlete"] not in row["url"], "not guessable from the id"
        feed = out / "feeds" / row["url"].rsplit("/", 1)[1]
        cal = icalendar.Calendar.from_ical(feed.read_bytes())
        assert str(cal["SOURCE"]) == row["url"] and cal["REFRESH-INTERVAL"] and str(cal["X-PUBLISHED-TTL"]) == "PT12H"
        own = icalendar.Calendar.from_ical((out / row["athlete"] / f"{row['athlete']}-hip-strength.ics").read_bytes())
        assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {str(e["UID"]) for e in own.walk("VEVENT")}
    again = run_cli("batch", path, "--to", "ics", "--feeds", "https://coach.example.org/feeds/", "--out", tmp_path / "again", "-q", "--jobs", "2", env=env)
    assert again.code == 1 and feeds_rows(tmp_path / "again") == rows, "the same addresses on every run"
    resumed = run_cli("batch", path, "--to", "ics", "--feeds", "https://coach.example.org/feeds/", "--out", out, "--resume", "--jobs", "1", env=env)
    assert "(3 reused)" in resumed.err and feeds_rows(out) == rows, "a resumed run keeps the feeds and their list"
    assert run_cli("batch", path, "--to", "ics", "--feeds", "https://coach.example.org/feeds/", "--out", tmp_path / "k2", "-q",
                   env={"PLANPORT_FEED_KEY": KEY[::-1]}).code == 1
    assert {r["url"] for r in feeds_rows(tmp_path / "k2")}.isdisjoint(r["url"] for r in rows), "the key makes the names"


def test_feeds_without_a_key_stop_before_any_work(tmp_path):
    path = roster(tmp_path / "r.csv", 2)
    out = tmp_path / "out"
    result = run_cli("batch", path, "--to", "ics", "--feeds", "https://coach.example.org/feeds/", "--out", out, env={"PLANPORT_FEED_KEY": ""})
    assert result.code == 2 and "PLANPORT_FEED_KEY: feeds need a secret key" in result.err
    assert not out.exists() or not any(p.is_dir() for p in out.iterdir())


def test_publish_syncs_each_athlete_into_the_calendar_the_roster_names(tmp_path, radicale):
    calendars = [radicale.make_calendar(f"club-{uuid.uuid4().hex[:6]}-{i}") for i in range(2)]
    rows = [
        f"ana,Ana,Europe/Berlin,2026-12-07,2,new,mon:easy;wed:intervals;sat:long,2,,,07:00,,45,15-20,{calendars[0]}",
        f"ben,Ben,America/New_York,2026-12-07,2,experienced,tue:easy;thu:tempo;sun:long,2,,,06:30,,45,15-20,{calendars[1]}",
        "cy,Cy,Asia/Tokyo,2026-12-07,2,returning,mon:easy;sat:long,2,,,07:00,,45,15-20,",
    ]
    path = tmp_path / "r.csv"
    path.write_text(HEADER + ",caldav_url\n" + "\n".join(rows) + "\n", "utf-8")
    env = {"PLANPORT_CALDAV_USER": USER, "PLANPORT_CALDAV_PASSWORD": PASSWORD, "NETRC": "/nonexistent"}
    out = tmp_path / "out"
    result = run_cli("batch", path, "--to", "ics", "--publish", "--out", out, "--jobs", "1", "-q", env=env)
    assert result.code == 0, result.err
    for athlete, url in zip(("ana", "ben"), calendars):
        with caldav.DAVClient(url, username=USER, password=PASSWORD) as client:
            stored = {str(icalendar.Calendar.from_ical(o.data).walk("VEVENT")[0]["UID"]) for o in client.calendar(url=url).search(event=True)}
        own = icalendar.Calendar.from_ical((out / athlete / f"{athlete}-hip-strength.ics").read_bytes())
        assert stored == {str(e["UID"]) for e in own.walk("VEVENT")}, "the calendar holds exactly the plan's sessions"
    manifest = {a["id"]: a for a in json.loads((out / "manifest.json").read_text())["athletes"]}
    assert manifest["ana"]["deliveries"][0]["summary"].startswith("created ")
    assert manifest["cy"]["deliveries"][0]["summary"] == "skipped: no caldav_url in the roster"

    wrong = run_cli("batch", path, "--to", "ics", "--publish", "--out", tmp_path / "wrong", "--jobs", "1", "-q",
                    env={**env, "PLANPORT_CALDAV_PASSWORD": "not-it"})
    assert wrong.code == 1, wrong.err
    errors = list(csv.DictReader(io.StringIO((tmp_path / "wrong" / "errors.csv").read_text("utf-8"), newline="")))
    assert [(e["athlete_id"], e["column"]) for e in errors] == [("ana", "caldav_url"), ("ben", "caldav_url")]
    assert all("caldav delivery" in e["reason"] and "401" in e["reason"] or "password" in e["reason"] for e in errors)


def test_the_html_index_shows_every_athlete_and_links_their_files(tmp_path):
    from html5lib import parse

    path = roster(tmp_path / "r.csv", 3, BAD_ROWS[:2], weeks=2)
    out = tmp_path / "out"
    assert run_cli("batch", path, "--to", "html,ics", "--out", out, "-q", "--jobs", "2").code == 1
    page = parse((out / "index.html").read_bytes(), namespaceHTMLElements=False)
    rows = page.findall(".//tbody/tr")
    assert len(rows) == 5
    links = {a.get("href") for a in page.iter("a")}
    for athlete in ("athlete-0000", "athlete-0001", "athlete-0002"):
        assert f"{athlete}/{athlete}-hip-strength.html" in links and (out / athlete / f"{athlete}-hip-strength.html").exists()
    assert "errors.csv" in links
    text = "".join(page.itertext())
    assert "unknown time zone" in text and "Mars/Olympus" in text, "refusals are shown"
    assert tree(out)["index.html"] == (out / "index.html").read_bytes()


@pytest.mark.parametrize("args,words", [
    (["--deliver", "nowhere=x"], "unknown delivery target 'nowhere'"),
    (["--feeds", "ftp://x/"], "--feeds: expected the address the feed folder is served at"),
])
def test_bad_deliveries_are_refused_before_any_work(tmp_path, args, words):
    path = roster(tmp_path / "r.csv", 1)
    result = run_cli("batch", path, "--to", "ics", *args, "--out", tmp_path / "out", env={"PLANPORT_FEED_KEY": KEY})
    assert result.code == 2 and words in result.err, result.err

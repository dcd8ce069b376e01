"""Subscription feeds: unguessable, stable addresses; RFC 7986 calendar properties; feeds.csv."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io

import icalendar
import pytest
from ics_readers import icaljs_read, vobject_read

from planport.core.errors import InputError
from planport.core.gate import plan_from_data
from planport.exporters.ics.feeds import feed_artifact, feed_key, feeds_csv

KEY = b"coach-secret-0123456789abcdef"
BASE = "https://coach.example.org/feeds/"


def plan_of(data):
    return plan_from_data(copy.deepcopy(data))


def test_the_feed_is_a_calendar_clients_subscribe_to(sample_plan_data, tmp_path):
    artifact, url = feed_artifact(plan_of(sample_plan_data), BASE, KEY)
    assert artifact.path.startswith("feeds/") and artifact.path.endswith(".ics") and artifact.media_type == "text/calendar"
    assert url == BASE + artifact.path.removeprefix("feeds/")
    cal = icalendar.Calendar.from_ical(artifact.data)
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == sample_plan_data["name"]
    assert str(cal["COLOR"]) == "darkorange"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION" and cal.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=12)
    assert str(cal["X-PUBLISHED-TTL"]) == "PT12H"
    assert str(cal["SOURCE"]) == url and cal["SOURCE"].params["VALUE"] == "URI"
    assert "METHOD" not in cal
    assert len(cal.walk("VEVENT")) == len(sample_plan_data["sessions"])
    assert len(vobject_read(artifact.data).vevent_list) == len(sample_plan_data["sessions"])
    path = tmp_path / "feed.ics"
    path.write_bytes(artifact.data)
    assert len(icaljs_read([path])[str(path)]) == len(sample_plan_data["sessions"])


def test_the_address_is_stable_and_not_guessable(sample_plan_data):
    plan = plan_of(sample_plan_data)
    first, url = feed_artifact(plan, BASE, KEY)
    again, same_url = feed_artifact(plan_of(sample_plan_data), BASE, KEY)
    assert url == same_url and first.data == again.data
    name = first.path.removeprefix("feeds/").removesuffix(".ics")
    assert len(name) == 32 and sample_plan_data["athlete"]["id"] not in name
    other_key = feed_artifact(plan, BASE, b"another-secret-0123456789")[1]
    other_athlete = copy.deepcopy(sample_plan_data)
    other_athlete["athlete"]["id"] = "alex-chen"
    other_plan = copy.deepcopy(sample_plan_data)
    other_plan["id"] = "hip-2-weeks-b"
    urls = {url, other_key, feed_artifact(plan_of(other_athlete), BASE, KEY)[1], feed_artifact(plan_of(other_plan), BASE, KEY)[1]}
    assert len(urls) == 4


def test_a_changed_session_gets_a_higher_sequence_in_the_next_feed(sample_plan_data):
    first, _ = feed_artifact(plan_of(sample_plan_data), BASE, KEY)
    changed = copy.deepcopy(sample_plan_data)
    changed["sessions"][0]["start_time"] = "06:30"
    second, _ = feed_artifact(plan_of(changed), BASE, KEY, previous=first.data)
    sequences = {str(e["UID"]): int(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(first.data).walk("VEVENT")}
    bumped = [e for e in icalendar.Calendar.from_ical(second.data).walk("VEVENT") if int(e["SEQUENCE"]) != sequences[str(e["UID"])]]
    assert len(bumped) == 1 and int(bumped[0]["SEQUENCE"]) == sequences[str(bumped[0]["UID"])] + 1


def test_feeds_csv_lists_each_athlete_and_address():
    artifact = feeds_csv([("sam-rivera", "Sam Rivera", BASE + "a.ics"), ("alex-chen", "Alex, Chen", BASE + "b.ics")])
    assert artifact.path == "feeds.csv"
    rows = list(csv.DictReader(io.StringIO(artifact.data.decode("utf-8"), newline="")))
    assert rows == [{"athlete": "alex-chen", "name": "Alex, Chen", "url": BASE + "b.ics"}, {"athlete": "sam-rivera", "name": "Sam Rivera", "url": BASE + "a.ics"}]


def test_feeds_csv_shows_a_formula_in_a_name_as_text():
    artifact = feeds_csv([("eve", '=HYPERLINK("http://x")', BASE + "e.ics")])
    rows = list(csv.DictReader(io.StringIO(artifact.data.decode("utf-8"), newline="")))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'


def test_the_key_comes_from_the_environment_or_a_file(tmp_path, sample_plan_data):
    assert feed_key({"PLANPORT_FEED_KEY": " 0123456789abcdef0123 "}) == b"0123456789abcdef0123"
    key_file = tmp_path / "feed.key"
    key_file.write_bytes(b"fedcba9876543210fedcba\n")
    assert feed_key({}, key_file) == b"fedcba9876543210fedcba"
    for environ, message in [({}, "feeds need a secret key: set PLANPORT_FEED_KEY"), ({"PLANPORT_FEED_KEY": "short"}, "use at least 16 random bytes")]:
        with pytest.raises(InputError) as caught:
            feed_key(environ)
        assert message in str(caught.value) and caught.value.exit_code == 2
    with pytest.raises(InputError, match="cannot read the feed key"):
        feed_key({}, tmp_path / "missing.key")
    with pytest.raises(InputError, match="such as https://coach.example.org/feeds/"):
        feed_artifact(plan_of(sample_plan_data), "coach.example.org/feeds", KEY)

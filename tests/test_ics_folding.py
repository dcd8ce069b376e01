"""What planport has icalendar do once (folding a long line, making a value shared by events
and its content line) gives icalendar's own bytes."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, export_artifacts


def without_the_cache(make):
    """What ``make()`` writes with icalendar's own folding, no cache in front of it."""
    from icalendar.parser import content_line

    cached = content_line._foldline
    content_line._foldline = cached.original
    try:
        return make()
    finally:
        content_line._foldline = cached


def test_the_cache_is_in_front_of_icalendars_folding():
    from icalendar.parser import content_line

    import planport.exporters.ics.calendars  # noqa: F401 - installs it

    assert getattr(content_line._foldline, "planport_remembers", False)


def test_sample_plans_fold_as_icalendar_folds():
    import planport

    for path in sorted((SAMPLES / "athletes").glob("*.yaml")):
        plan = planport.build(path)
        (artifact,) = planport.export(plan, "ics")
        assert artifact.data == without_the_cache(lambda plan=plan: planport.export(plan, "ics")[0].data)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=60, max_size=400), min_size=1, max_size=4))
def test_made_up_long_texts_fold_as_icalendar_folds(sample_plan_data, texts):
    data = copy.deepcopy(sample_plan_data)
    for session, text in zip(data["sessions"], texts):
        session["notes"] = text
        session["title"] = text[:200]
    (artifact,) = export_artifacts(data, "ics")
    assert artifact.data == without_the_cache(lambda: export_artifacts(data, "ics")[0].data)


FOLD_TEXT = st.text(st.sampled_from(["a", " ", "\\", "^", ",", ";", "é", "蚌", "🦵", "\r", "\t"]), max_size=500)


@settings(max_examples=400, deadline=None)
@given(st.one_of(FOLD_TEXT, st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=400)))
def test_a_line_is_folded_on_its_bytes_as_icalendar_folds_it(line):
    from icalendar.parser import content_line

    from planport.exporters.ics.folding import fold_like_icalendar, remember_folds

    remember_folds()
    original = content_line._foldline.original
    assert fold_like_icalendar(line) == original(line)
    for at in range(70, 80):  # an escape's first half right at the end of a part
        for escape in ("\\", "^", "\\\\", "^^"):
            text = "x" * at + escape + line
            assert fold_like_icalendar(text) == original(text)


def test_what_icalendar_refuses_is_left_to_it():
    from planport.exporters.ics.folding import fold_like_icalendar

    assert fold_like_icalendar("a\nb") is None
    assert fold_like_icalendar("a\ud800b" * 40) is None


# --- values shared by events ---------------------------------------------------------------

OPTION_SETS = [
    {},
    {"alarm_minutes": 30, "location": "Track; lane 3, gym", "url": "https://example.org/plan"},
    {"all_day": True, "alarm_minutes": 0, "how_to": False},
    {"calendar_name": "Hips, Spring"},
]


def afresh_and_shared(plan, options):
    """The calendar's bytes with every value made afresh and with shared values."""
    from planport.exporters.ics import calendars

    sessions = plan.ordered_sessions
    return (calendars.calendar(plan, sessions, options, sharing=False).to_ical(),
            calendars.calendar(plan, sessions, options).to_ical())


def test_shared_values_give_the_bytes_of_values_made_afresh():
    import planport

    for path in sorted((SAMPLES / "athletes").glob("*.yaml")):
        plan = planport.build(path)
        for options in OPTION_SETS:
            afresh, shared = afresh_and_shared(plan, options)
            assert shared == afresh, (path.name, options)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=200), min_size=1, max_size=4),
       st.sampled_from(OPTION_SETS), st.integers(0, 5))
def test_made_up_plans_with_shared_values_give_the_bytes_of_values_made_afresh(sample_plan_data, texts, options, revision):
    import planport

    data = copy.deepcopy(sample_plan_data)
    data["revision"] = revision
    for session, text in zip(data["sessions"], texts):
        session["notes"] = text
        session["title"] = text[:120] or "Hips"
    plan = planport.plan_from_dict(data)
    afresh, shared = afresh_and_shared(plan, options)
    assert shared == afresh


def test_a_changed_event_among_unchanged_ones_gets_its_own_stamp(sample_plan_data):
    """Stamps are shared by the events that have the same one, and only by them."""
    from icalendar import Calendar

    import planport
    from planport.exporters.ics import calendars

    plan = planport.plan_from_dict(copy.deepcopy(sample_plan_data))
    sessions = plan.ordered_sessions
    first = calendars.session_uid(plan, sessions[0])
    later = calendars.Stamp(plan.revision + 3, plan.created + calendars.dt.timedelta(hours=1))
    written = calendars.calendar(plan, sessions, {}, stamps={first: later}).to_ical()
    assert written == calendars.calendar(plan, sessions, {}, stamps={first: later}, sharing=False).to_ical()
    events = Calendar.from_ical(written).walk("VEVENT")
    assert [int(e["SEQUENCE"]) for e in events] == [plan.revision + 3] + [plan.revision] * (len(events) - 1)
    assert events[0].decoded("DTSTAMP") == later.dtstamp
    assert {e.decoded("DTSTAMP") for e in events[1:]} == {plan.created}


def test_the_process_wide_texts_are_forgotten_when_full(monkeypatch):
    import planport
    from planport.exporters.ics import calendars

    monkeypatch.setattr(calendars, "SHARED_TEXTS", calendars.Shared(limit=5))
    plan = planport.build(SAMPLES / "athletes" / "marathoner.yaml")
    afresh, shared = afresh_and_shared(plan, {})
    assert shared == afresh
    assert len(calendars.SHARED_TEXTS._made) <= 5


def test_the_fingerprint_worked_out_from_the_values_is_the_one_read_back():
    """An event's X-PLANPORT-HASH comes from the values it was given; it must be what
    ``fingerprint`` reads from the event, and from the event parsed back from the file (what a
    re-export and a CalDAV sync compare it with)."""
    from icalendar import Calendar

    import planport
    from planport.exporters.ics import calendars

    for path in sorted((SAMPLES / "athletes").glob("*.yaml")):
        plan = planport.build(path)
        for options in OPTION_SETS:
            for session in plan.ordered_sessions:
                event, mark = calendars._session_event(plan, session, options)
                assert mark == calendars.fingerprint(event), (path.name, options, session.id)
            written = Calendar.from_ical(calendars.calendar(plan, plan.ordered_sessions, options).to_ical())
            for event in written.walk("VEVENT"):
                assert str(event[calendars.CONTENT_MARK]) == calendars.fingerprint(event), (path.name, options)

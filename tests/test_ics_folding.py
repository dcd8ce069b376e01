"""Folding each distinct long line once gives icalendar's own bytes."""

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

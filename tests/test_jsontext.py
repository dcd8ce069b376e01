"""The fast indented JSON writer gives json.dumps's text, byte for byte."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from planport.core.jsontext import dumps_indented

from conftest import SAMPLE_PLAN, SAMPLES

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(values, st.integers(1, 8))
def test_any_value_is_written_as_json_dumps_writes_it(value, indent):
    assert dumps_indented(value, indent) == json.dumps(value, indent=indent, ensure_ascii=False)


def test_every_sample_plan_is_written_as_json_dumps_writes_it():
    import planport

    plans = [planport.load_plan(SAMPLE_PLAN)] + [planport.build(p) for p in sorted((SAMPLES / "athletes").glob("*.yaml"))]
    for plan in plans:
        document = plan.to_dict()
        assert dumps_indented(document) == json.dumps(document, indent=2, ensure_ascii=False)
        assert plan.dumps() == (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class Part:
    """A frozen part of a document, as the plan's exercises and blocks are."""

    def __init__(self, value):
        self.value = value
        self.key = json.dumps(value, sort_keys=True)

    def to_dict(self):
        return self.value

    def __eq__(self, other):
        return isinstance(other, Part) and self.key == other.key

    def __hash__(self):
        return hash(self.key)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=6), values, max_size=4), min_size=1, max_size=4), st.integers(1, 4))
def test_parts_written_once_are_written_where_they_stand(parts, indent):
    """A Cached part's text, made at one depth, is never used at another (nor for another part)."""
    from planport.core.jsontext import Cached

    document = {"top": [Cached(Part(p)) for p in parts], "deeper": {"still": [[Cached(Part(p)) for p in parts]]}}
    plain = {"top": parts, "deeper": {"still": [parts]}}
    assert dumps_indented(document, indent) == json.dumps(plain, indent=indent, ensure_ascii=False)


def test_a_roster_of_plans_is_written_as_json_dumps_writes_it(tmp_path):
    """Plans sharing blocks and exercises (the bench roster's): each as json.dumps writes it."""
    import sys

    sys.path.insert(0, str(SAMPLES.parent / "bench"))
    import roster

    import planport
    from planport.core.builder import build_checked, default_template_path, load_template
    from planport.core.roster import open_roster, read_entries

    roster.write(tmp_path / "roster.csv", 12)
    template = load_template(default_template_path())
    for entry in read_entries(open_roster(str(tmp_path / "roster.csv"))):
        plan = build_checked(entry.athlete, template, "test")
        assert plan.dumps() == (json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        assert planport.plan_from_dict(json.loads(plan.dumps())).dumps() == plan.dumps()


def test_equal_loads_written_apart_stay_apart(plan_data):
    """10 and 10.0 kg are equal blocks but JSON writes them apart: each plan as json.dumps writes it."""
    import copy

    import planport

    for kg in (10, 10.0, 10, 2.5):
        data = copy.deepcopy(plan_data)
        data["sessions"][0]["blocks"][0]["load"] = {"kg": kg}
        plan = planport.plan_from_dict(data)
        assert plan.dumps() == (json.dumps(plan.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

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

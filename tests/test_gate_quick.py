"""The gate asks a validator with the schema's $refs inlined first (``gate._quick``) and goes to
the full one only for a document it refuses: the two must agree on every document, or a bad
one would pass. Checked on planport's sample documents and on hypothesis-made changes to them."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planport.core import gate

from conftest import LIBRARY, SAMPLE_PLAN, SAMPLES


def _yaml(path):
    return yaml.safe_load(path.read_text("utf-8"))


DOCUMENTS = {
    "plan": [json.loads(SAMPLE_PLAN.read_text("utf-8"))],
    "exercise-library": [_yaml(LIBRARY)],
    "template": [_yaml(p) for p in sorted((SAMPLES / "templates").glob("*.yaml"))],
    "athlete": [_yaml(p) for p in sorted((SAMPLES / "athletes").glob("*.yaml"))],
}


def paths(value, at=()):
    """Every place in a document: (path, value) for dict members and list items."""
    yield at
    if isinstance(value, dict):
        for key, member in value.items():
            yield from paths(member, (*at, key))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from paths(member, (*at, index))


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 400), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
              st.sampled_from(["", "2026-02-30", "2026-12-07", "07:00", "25:00", "mon", "band", "Europe/Berlin", "x" * 300])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "name", "min", "max", "x"]), inner, max_size=3)),
    max_leaves=6,
)


@st.composite
def changed(draw, kind: str):
    document = copy.deepcopy(draw(st.sampled_from(DOCUMENTS[kind])))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in paths(document) if p]
        if not places:
            break
        *parent_path, last = draw(st.sampled_from(places))
        parent = document
        for step in parent_path:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "notes", "id", "x-y"]))] = draw(JSON_VALUES)
        else:
            parent[last] = draw(JSON_VALUES)
    return document


def agree(kind: str, document) -> None:
    quick = gate._quick(kind)
    assert quick is not None, f"the {kind} schema has no quick validator"
    errors = list(gate._validator(kind).iter_errors(document))
    assert quick.is_valid(document) == (not errors), [e.message for e in errors]


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_the_samples_are_valid_to_both(kind):
    for document in DOCUMENTS[kind]:
        agree(kind, document)
        assert gate._quick(kind).is_valid(document)


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changed_documents_get_the_same_answer_from_both(kind, data):
    agree(kind, data.draw(changed(kind)))


def test_a_refused_document_is_told_by_the_full_validator():
    athlete = copy.deepcopy(DOCUMENTS["athlete"][0])
    athlete["level"] = "expert"
    problems = gate.schema_problems(athlete, "athlete", "a.yaml")
    assert [(p.pointer, p.source) for p in problems] == [("/level", "a.yaml")]
    assert "is not one of" in problems[0].message

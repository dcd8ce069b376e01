"""planport's JSON Schema documents (Draft 2020-12), shipped as package data."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

#: Documents a user writes; ``planport schema NAME`` prints them.
DOCUMENTS = ("plan", "athlete", "exercise-library", "template", "roster", "exporter-options")


@cache
def _all() -> dict[str, dict]:
    found = {}
    for entry in files(__name__).iterdir():
        if entry.name.endswith(".schema.json"):
            found[entry.name.removesuffix(".schema.json")] = json.loads(entry.read_text("utf-8"))
    return found


def names() -> list[str]:
    """Every schema shipped, shared definitions included."""
    return sorted(_all())


def schema(name: str) -> dict:
    """The schema called ``name`` (``plan``, ``athlete``, ...); KeyError when there is none."""
    return _all()[name]


@cache
def registry() -> Registry:
    """A registry holding every shipped schema under its $id, so relative $refs resolve offline."""
    resources = [(s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)) for s in _all().values()]
    return Registry().with_resources(resources)

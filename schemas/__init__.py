"""planport's JSON Schema documents (Draft 2020-12), shipped as package data."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

#: Documents a user writes; ``planport schema NAME`` prints them.
DOCUMENTS = ("plan", "athlete", "exercise-library", "template", "roster", "exporter-options")


@cache
def _all() -> dict[str, dict[str, Any]]:
    found = {}
    for entry in files(__name__).iterdir():
        if entry.name.endswith(".schema.json"):
            found[entry.name.removesuffix(".schema.json")] = json.loads(entry.read_text("utf-8"))
    return found


def names() -> list[str]:
    """Every schema shipped, shared definitions included."""
    return sorted(_all())


def schema(name: str) -> dict[str, Any]:
    """The schema called ``name`` (``plan``, ``athlete``, ...); KeyError when there is none."""
    return _all()[name]


@cache
def registry() -> Registry:
    """A registry holding every shipped schema under its $id, so relative $refs resolve offline."""
    resources = [(s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)) for s in _all().values()]
    return Registry().with_resources(resources)


def bundled(name: str) -> dict[str, Any]:
    """Schema ``name`` with every definition it uses from the other schemas copied in.

    Editors resolve a schema file on its own; a relative ``$ref`` to a sibling file would be
    lost when the schema is written out with ``planport schema``."""
    import copy

    root = copy.deepcopy(schema(name))
    defs = root.setdefault("$defs", {})

    def rewrite(node: Any, home: str) -> Any:
        if isinstance(node, list):
            return [rewrite(item, home) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: rewrite(value, home) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and "#" in ref:
            target, _, fragment = ref.partition("#")
            target = target.rsplit("/", 1)[-1].removesuffix(".schema.json") or home
            if target == name:
                node["$ref"] = f"#{fragment}"
            else:
                definition = fragment.removeprefix("/$defs/")
                key = f"{target}.{definition}"
                if key not in defs:
                    defs[key] = {}  # reserve the name first: definitions may refer to themselves
                    defs[key] = rewrite(copy.deepcopy(schema(target)["$defs"][definition]), target)
                node["$ref"] = f"#/$defs/{key}"
        return node

    bundled_root = rewrite({k: v for k, v in root.items() if k != "$defs"}, name)
    own = {k: rewrite(v, name) for k, v in list(defs.items())}
    bundled_root["$defs"] = {**own, **{k: v for k, v in defs.items() if k not in own}}
    return dict(bundled_root)

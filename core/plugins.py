"""The exporter plugin contract and its discovery through entry points.

An exporter is any object with ``name``, ``description``, ``extensions``, ``options_schema``
and ``export(plan, options) -> list[Artifact]``, registered in the entry-point group
``planport.exporters``. planport's own exporters register the same way, so this module
never imports them.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Protocol, runtime_checkable

from planport import schemas

from .errors import InputError
from .gate import schema_problems
from .model import Plan

ENTRY_POINT_GROUP = "planport.exporters"
OPTIONS_SCHEMA_ID = "https://planport.example/schemas/exporter-options.schema.json"
COMMON_SCHEMA_ID = "https://planport.example/schemas/common.schema.json"


@dataclass(frozen=True)
class Artifact:
    """One output file: a relative POSIX path under the output folder, its bytes and media type."""

    path: str
    data: bytes
    media_type: str


@runtime_checkable
class Exporter(Protocol):
    name: str
    description: str
    extensions: tuple[str, ...]
    options_schema: dict

    def export(self, plan: Plan, options: dict[str, Any]) -> list[Artifact]: ...


@dataclass(frozen=True)
class Registered:
    """An exporter and where it came from (the distribution that registered it)."""

    exporter: Exporter
    origin: str


def _origin(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist else ep.value


def discover(names: list[str] | None = None, group: str = ENTRY_POINT_GROUP) -> tuple[dict[str, Registered], dict[str, str]]:
    """Load the exporters registered in ``group`` (only ``names``, when given).

    Returns the loaded ones by name, and for each that failed to load, why; a broken
    plugin never stops the others."""
    found: dict[str, Registered] = {}
    broken: dict[str, str] = {}
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        if names is not None and ep.name not in names:
            continue
        if ep.name in found:
            broken[ep.name] = f"exporter plugin {ep.name!r} from {_origin(ep)} is registered twice; kept the one from {found[ep.name].origin}"
            continue
        try:
            obj = ep.load()
            exporter = obj() if isinstance(obj, type) else obj
        except Exception as e:  # a third party's import error must not take the others down
            broken[ep.name] = f"exporter plugin {ep.name!r} ({ep.value}) failed to load: {type(e).__name__}: {e}"
            continue
        missing = [a for a in ("name", "description", "extensions", "options_schema", "export") if not hasattr(exporter, a)]
        if missing:
            broken[ep.name] = f"exporter plugin {ep.name!r} ({ep.value}) is missing {', '.join(missing)}"
            continue
        found[ep.name] = Registered(exporter, _origin(ep))
    return found, broken


def registered_names(group: str = ENTRY_POINT_GROUP) -> list[str]:
    """Every registered exporter name, without loading any."""
    return sorted({ep.name for ep in entry_points(group=group)})


# --- options -------------------------------------------------------------------------

_KEY = re.compile(r"^(?:(?P<exporter>[a-z][a-z0-9_-]*)\.)?(?P<key>[a-z][a-z0-9_]*)$")


def split_options(pairs: list[str], formats: list[str]) -> dict[str, dict[str, str]]:
    """``["ics.alarm_minutes=30"]`` -> ``{"ics": {"alarm_minutes": "30"}}``.

    The exporter prefix may be left out when exactly one format is exported."""
    result: dict[str, dict[str, str]] = {name: {} for name in formats}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        match = _KEY.match(key.strip())
        where = f"-o {pair}"
        if not sep or not match:
            raise InputError.at("", "expected EXPORTER.KEY=VALUE, such as ics.alarm_minutes=30", where)
        name = match["exporter"]
        if name is None:
            if len(formats) != 1:
                raise InputError.at("", f"say which exporter the option is for, such as {formats[0] if formats else 'ics'}.{match['key']}", where)
            name = formats[0]
        if name not in result:
            raise InputError.at("", f"option for {name!r}, which is not among the formats exported ({', '.join(formats)})", where)
        result[name][match["key"]] = value
    return result


def _coerce(value: str, prop: dict) -> Any:
    types = prop.get("type", "string")
    types = [types] if isinstance(types, str) else types
    if "boolean" in types and value.lower() in ("true", "false", "yes", "no", "1", "0", "on", "off"):
        return value.lower() in ("true", "yes", "1", "on")
    if "integer" in types:
        try:
            return int(value)
        except ValueError:
            pass
    if "number" in types:
        try:
            return float(value)
        except ValueError:
            pass
    return value


def resolve_options(registered: Registered, raw: dict[str, Any]) -> dict[str, Any]:
    """Coerce ``-o`` strings by the exporter's schema, validate, and fill in its defaults."""
    exporter = registered.exporter
    schema = copy.deepcopy(exporter.options_schema)
    props = schema.get("properties", {})
    values = {k: _coerce(v, _resolve_ref(props.get(k, {}))) if isinstance(v, str) else v for k, v in raw.items()}
    problems = schema_problems(values, "exporter-options", f"{exporter.name} options", schema=schema)
    # Every options schema must also fit the shared shape (flat, named scalar settings).
    problems += schema_problems(values, "exporter-options", f"{exporter.name} options")
    if problems:
        raise InputError(problems)
    defaults = {k: p["default"] for k, p in props.items() if "default" in p}
    return {**defaults, **values}


def _resolve_ref(prop: dict) -> dict:
    """Type information for a property that is a $ref into the shared definitions."""
    ref = prop.get("$ref")
    if not ref or "#/$defs/" not in ref:
        return prop
    doc, _, name = ref.partition("#/$defs/")
    target = doc.rsplit("/", 1)[-1].removesuffix(".schema.json")
    if target not in schemas.names():
        return prop
    return {**_resolve_ref(schemas.schema(target)["$defs"].get(name, {})), **{k: v for k, v in prop.items() if k != "$ref"}}


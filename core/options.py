"""Exporter options: ``-o EXPORTER.KEY=VALUE`` strings parsed, coerced by the exporter's schema,
validated and filled with defaults."""

from __future__ import annotations

import copy
import re
from typing import Any

from planport import schemas

from .errors import InputError, PluginError
from .gate import schema_problems
from .plugins import Registered

_KEY = re.compile(r"^(?:(?P<exporter>[a-z][a-z0-9_-]*)\.)?(?P<key>[a-z][a-z0-9_]*)$")


def split_formats(values: tuple[str, ...] | list[str]) -> list[str]:
    """``("ics,fit", "csv")`` -> ``["ics", "fit", "csv"]``, keeping the first of repeats."""
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def split_options(pairs: list[str] | tuple[str, ...], formats: list[str]) -> dict[str, dict[str, str]]:
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


def _coerce(value: str, prop: dict[str, Any]) -> Any:
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
    _check_options_schema(registered, schema)
    props = schema.get("properties", {})
    values = {k: _coerce(v, _resolve_ref(props.get(k, {}))) if isinstance(v, str) else v for k, v in raw.items()}
    problems = schema_problems(values, "exporter-options", f"{exporter.name} options", schema=schema)
    # Every options schema must also fit the shared shape (flat, named scalar settings).
    problems += schema_problems(values, "exporter-options", f"{exporter.name} options")
    if problems:
        raise InputError(problems)
    defaults = {k: p["default"] for k, p in props.items() if isinstance(p, dict) and "default" in p}
    return {**defaults, **values}


def _check_options_schema(registered: Registered, schema: dict[str, Any]) -> None:
    """A plugin's options schema must be a JSON Schema; say which plugin's is not."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        where = "/".join(str(p) for p in e.absolute_path)
        raise PluginError(f"exporter {registered.exporter.name!r} ({registered.origin}) has a broken options_schema at /{where}: {e.message}") from None


def _resolve_ref(prop: dict[str, Any]) -> dict[str, Any]:
    """Type information for a property that is a $ref into the shared definitions."""
    ref = prop.get("$ref")
    if not ref or "#/$defs/" not in ref:
        return prop
    doc, _, name = ref.partition("#/$defs/")
    target = doc.rsplit("/", 1)[-1].removesuffix(".schema.json")
    if target not in schemas.names():
        return prop
    return {**_resolve_ref(schemas.schema(target)["$defs"].get(name, {})), **{k: v for k, v in prop.items() if k != "$ref"}}

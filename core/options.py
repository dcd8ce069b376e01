"""Exporter options: ``-o EXPORTER.KEY=VALUE`` strings parsed, coerced by the exporter's schema,
validated and filled with defaults."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from planport import schemas

from .errors import InputError, PluginError
from .gate import schema_problems
from .plugins import Registered

_KEY = re.compile(r"(?:(?P<exporter>[a-z][a-z0-9_-]*)\.)?(?P<key>[a-z][a-z0-9_]*)", re.ASCII)


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
        match = _KEY.fullmatch(key.strip())
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


_INTEGER = re.compile(r"[-+]?[0-9]{1,18}", re.ASCII)
_NUMBER = re.compile(r"[-+]?(?:[0-9]{1,18}(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?", re.ASCII)


def _coerce(value: str, prop: dict[str, Any]) -> Any:
    """An option's text as the type its schema asks for; plain decimal numbers only (not
    "nan", "1_000" or other scripts' digits), so anything else is refused as text."""
    types = prop.get("type", "string") if isinstance(prop, dict) else "string"
    types = [types] if isinstance(types, str) else types
    if "boolean" in types and value.lower() in ("true", "false", "yes", "no", "1", "0", "on", "off"):
        return value.lower() in ("true", "yes", "1", "on")
    if "integer" in types and _INTEGER.fullmatch(value.strip()):
        return int(value)
    if "number" in types and _NUMBER.fullmatch(value.strip()):
        return float(value)
    return value


def resolve_options(registered: Registered, raw: dict[str, Any]) -> dict[str, Any]:
    """Coerce ``-o`` strings by the exporter's schema, validate, and fill in its defaults.

    Values go through the same gate as documents: plain data, one-line texts without
    control characters, real dates. A plugin whose schema cannot be used is named."""
    exporter = registered.exporter
    try:
        schema = copy.deepcopy(exporter.options_schema)
    except Exception as e:
        raise _broken(registered, f"cannot be copied ({type(e).__name__}: {e})") from None
    _check_options_schema(registered, schema)
    props = schema.get("properties", {})
    values = {k: _coerce(v, _resolve_ref(props.get(k, {}))) if isinstance(v, str) else v for k, v in raw.items()}
    source = f"{exporter.name} options"
    problems = schema_problems(values, "exporter-options", source)  # the shared shape first: flat, named scalar settings
    if not problems:
        try:
            problems = schema_problems(values, "exporter-options", source, schema=schema, plain=False)
        except Exception as e:  # a $ref that leads nowhere, a keyword the validator chokes on
            raise _broken(registered, f"cannot be used: {type(e).__name__}: {e}") from None
    if problems:
        raise InputError(problems)
    defaults = {k: p["default"] for k, p in props.items() if isinstance(p, dict) and "default" in p}
    return {**defaults, **values}


def _broken(registered: Registered, why: str) -> PluginError:
    return PluginError(f"exporter {registered.exporter.name!r} ({registered.origin}) has an options_schema that {why}")


#: Options schemas found to be JSON Schemas in this process (and, forked, in a batch's workers),
#: as their JSON text: checking one against the meta-schema costs more than all else prepare does.
_GOOD_SCHEMAS: set[str] = set()


def _check_options_schema(registered: Registered, schema: dict[str, Any]) -> None:
    """A plugin's options schema must be a JSON Schema; say which plugin's is not."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    text: str | None
    try:
        text = json.dumps(schema, sort_keys=True)
        # Only a schema that is its JSON text exactly: a tuple is no array to the meta-schema,
        # nor an int key a name, yet json.dumps writes them as a list and a text.
        if json.loads(text) != schema:
            text = None
    except (TypeError, ValueError):  # not JSON: the meta-schema says what is wrong with it
        text = None
    if text is not None and text in _GOOD_SCHEMAS:
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        where = "/".join(str(p) for p in e.absolute_path)
        raise PluginError(f"exporter {registered.exporter.name!r} ({registered.origin}) has a broken options_schema at /{where}: {e.message}") from None
    except Exception as e:  # not even a document the meta-schema can be run on
        raise _broken(registered, f"is not a JSON Schema: {type(e).__name__}: {e}") from None
    if text is not None:
        _GOOD_SCHEMAS.add(text)


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

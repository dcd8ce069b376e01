"""The schema gate: every document that enters planport is parsed and checked here first.

Problems come out as ``InputError``s: one line each, naming the file and the JSON
Pointer of the bad value, so the CLI can print them and exit 2 before anything is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from planport import schemas

from .errors import InputError, Problem
from .library import library_problems as library_dose_problems
from .model import Plan
from .template import template_problems

STDIN = "-"
#: Larger inputs are refused before parsing; a real plan is a few hundred kilobytes.
MAX_INPUT_BYTES = 32 * 1024 * 1024


# --- reading -------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML with YAML 1.2 core scalars: 07:30 stays a string, 'no' stays a string,
    010 is ten, and dates stay strings for the schema to check."""

    yaml_implicit_resolvers: dict[str, Any] = {}


for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))
def _decimal_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    return int(str(loader.construct_scalar(node)), 10)  # type: ignore[arg-type]  # the resolver only hands over scalars


_Loader.add_constructor("tag:yaml.org,2002:int", _decimal_int)


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def read_bytes(path: str, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of ``path`` (``-`` is standard input), refusing absurdly large inputs."""
    source = display_name(path)
    try:
        if path == STDIN:
            raw = (stdin or sys.stdin.buffer).read(MAX_INPUT_BYTES + 1)
        else:
            with open(path, "rb") as f:
                raw = f.read(MAX_INPUT_BYTES + 1)
    except OSError as e:
        raise InputError.at("", f"cannot read: {e.strerror or e}", source) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError.at("", f"larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; is this the right file?", source)
    return raw


def read_text(path: str, stdin: BinaryIO | None = None) -> str:
    """The text of ``path`` (``-`` is standard input), as UTF-8."""
    raw = read_bytes(path, stdin)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError.at("", f"not UTF-8 text (byte {e.start})", display_name(path)) from None


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else str(path)


def parse(text: str, source: str, syntax: str | None = None) -> Any:
    """Parse JSON or YAML. ``syntax`` is "json", "yaml" or None to tell by the first character."""
    if not text.strip():
        raise InputError.at("", "the document is empty", source)
    if syntax is None:
        syntax = "json" if text.lstrip()[:1] in "{[" else "yaml"
    if syntax == "json":
        try:
            return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
        except json.JSONDecodeError as e:
            raise InputError.at("", f"line {e.lineno}, column {e.colno}: invalid JSON: {e.msg}", source) from None
        except ValueError as e:
            raise InputError.at("", f"invalid JSON: {e}", source) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputError.at("", f"{where}invalid YAML: {e.problem or e.context}", source) from None
    except yaml.YAMLError as e:
        raise InputError.at("", f"invalid YAML: {e}", source) from None


def syntax_of(path: str) -> str | None:
    suffix = Path(path).suffix.lower()
    return {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(suffix)


def load_data(path: str, stdin: BinaryIO | None = None) -> Any:
    """Read and parse a JSON or YAML file (by extension; sniffed for ``-`` and others)."""
    return parse(read_text(path, stdin), display_name(path), syntax_of(path))


# --- schema validation ---------------------------------------------------------------


def pointer(path: Iterable[Any]) -> str:
    """A JSON Pointer (RFC 6901) for a path of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer", float: "a number", type(None): "null"}
_TYPE_WORDS = {"object": "an object", "array": "an array", "string": "a string", "boolean": "a boolean", "integer": "an integer", "number": "a number", "null": "null"}


def _narrow(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, the branch error that says most about what is wrong."""
    while error.context and not error.schema.get("x-oneOf-message"):
        useful = [e for e in error.context if e.validator != "type"] or list(error.context)
        error = best_match(useful)
    return error


def _message(error: ValidationError) -> str:
    inst, v = error.instance, error.validator_value
    if error.validator == "oneOf" and "x-oneOf-message" in error.schema:
        return str(error.schema["x-oneOf-message"])
    match error.validator:
        case "type":
            wanted = [v] if isinstance(v, str) else v
            return f"expected {' or '.join(_TYPE_WORDS.get(t, t) for t in wanted)}, got {_JSON_TYPES.get(type(inst), type(inst).__name__)}"
        case "minimum":
            return f"{_short(inst)} is less than the minimum of {v}"
        case "maximum":
            return f"{_short(inst)} is greater than the maximum of {v}"
        case "maxLength":
            return f"a text of {len(inst):,} characters is longer than the maximum of {v:,}"
        case "minLength":
            return "must not be empty" if v == 1 else f"a text of {len(inst)} characters is shorter than the minimum of {v}"
        case "maxItems":
            return f"{len(inst):,} items are more than the maximum of {v:,}"
        case "minItems":
            return "must not be empty" if v == 1 else f"{len(inst)} items are fewer than the minimum of {v}"
        case "pattern":
            return f"{_short(inst)} is not in the expected form: {error.schema.get('description') or v}"
        case "enum":
            return f"{_short(inst)} is not one of {', '.join(_short(x) for x in v)}"
        case "const":
            return f"{_short(inst)} should be {_short(v)}"
        case "additionalProperties":
            extra = sorted(set(inst) - set(error.schema.get("properties", {})))
            return f"unknown {'property' if len(extra) == 1 else 'properties'} {', '.join(_short(x) for x in extra)}"
        case "propertyNames":
            return f"{error.message[:200]}"
        case "uniqueItems":
            return "has duplicate items"
        case _:
            text = error.message
            return str(text) if len(text) <= 200 else str(text)[:197] + "..."


@functools.cache
def _validator(schema_name: str) -> Draft202012Validator:
    # Compiled once: a batch checks thousands of documents against the same schema.
    return Draft202012Validator(schemas.schema(schema_name), registry=schemas.registry())


def schema_problems(data: Any, schema_name: str, source: str | None = None, schema: dict[str, Any] | None = None) -> list[Problem]:
    """Every schema violation in ``data``, in document order."""
    validator = Draft202012Validator(schema, registry=schemas.registry()) if schema else _validator(schema_name)
    problems = []
    for error in validator.iter_errors(data):
        error = _narrow(error)
        problems.append(Problem(pointer(error.absolute_path), _message(error), source))
    return sorted(set(problems), key=lambda p: (_pointer_key(p.pointer), p.message))


def _pointer_key(ptr: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ptr.split("/")[1:])


def check_schema(data: Any, schema_name: str, source: str | None = None) -> None:
    problems = schema_problems(data, schema_name, source)
    if problems:
        raise InputError(problems)


# --- checks a schema cannot express --------------------------------------------------


def zone_problem(name: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone {_short(name)}; use an IANA name such as Europe/Berlin"
    return None


def date_problem(text: str) -> str | None:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a real date"
    return None


def duplicate_problems(items: list[dict[str, Any]], key: str, where: str, what: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        value = item[key]
        if value in first:
            problems.append(Problem(f"{where}/{i}/{key}", f"duplicate {what} {_short(value)}, first at {where}/{first[value]}/{key}"))
        else:
            first[value] = i
    return problems


def _range_problems(block: dict[str, Any], at: str) -> list[Problem]:
    problems = []
    for unit in ("reps", "steps", "hold_seconds"):
        value = block.get(unit)
        if isinstance(value, dict) and value["min"] > value["max"]:
            problems.append(Problem(f"{at}/{unit}", f"min {value['min']} is greater than max {value['max']}"))
    return problems


def exercise_problems(exercises: list[dict[str, Any]], where: str = "/exercises", check_alternatives: bool = True) -> list[Problem]:
    problems = duplicate_problems(exercises, "id", where, "exercise id")
    if check_alternatives:
        known = {e["id"] for e in exercises}
        for i, e in enumerate(exercises):
            for j, alt in enumerate(e.get("alternatives", [])):
                if alt not in known:
                    problems.append(Problem(f"{where}/{i}/alternatives/{j}", f"unknown exercise {_short(alt)}"))
                elif alt == e["id"]:
                    problems.append(Problem(f"{where}/{i}/alternatives/{j}", "an exercise cannot be its own alternative"))
    return problems


def plan_problems(data: dict[str, Any]) -> list[Problem]:
    """What a schema-valid plan can still get wrong."""
    problems = exercise_problems(data["exercises"], check_alternatives=False)
    if message := zone_problem(data["athlete"]["time_zone"]):
        problems.append(Problem("/athlete/time_zone", message))
    try:
        dt.datetime.strptime(data["created"], "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        problems.append(Problem("/created", f"{data['created']} is not a real date and time"))
    problems += duplicate_problems(data["sessions"], "id", "/sessions", "session id")
    known = {e["id"] for e in data["exercises"]}
    for i, session in enumerate(data["sessions"]):
        if message := date_problem(session["date"]):
            problems.append(Problem(f"/sessions/{i}/date", message))
        for j, block in enumerate(session["blocks"]):
            at = f"/sessions/{i}/blocks/{j}"
            if block["exercise"] not in known:
                problems.append(Problem(f"{at}/exercise", f"unknown exercise {_short(block['exercise'])}; add it to /exercises"))
            problems += _range_problems(block, at)
    problems += duplicate_problems(data.get("weeks", []), "week", "/weeks", "week")
    for i, week in enumerate(data.get("weeks", [])):
        if message := date_problem(week["starts"]):
            problems.append(Problem(f"/weeks/{i}/starts", message))
        elif dt.date.fromisoformat(week["starts"]).weekday() != 0:
            problems.append(Problem(f"/weeks/{i}/starts", f"{week['starts']} is not a Monday; plan weeks run Monday to Sunday"))
    return problems


# --- documents -----------------------------------------------------------------------


def check_document(data: Any, kind: str, source: str) -> None:
    """Schema and semantic checks for a document of ``kind`` (a schema name)."""
    check_schema(data, kind, source)
    extra = SEMANTIC_CHECKS.get(kind)
    problems = extra(data) if extra else []
    if problems:
        raise InputError(problems).with_source(source)


def library_problems(data: dict[str, Any]) -> list[Problem]:
    return exercise_problems(data["exercises"]) + library_dose_problems(data)


def athlete_problems(data: dict[str, Any]) -> list[Problem]:
    problems = []
    if message := zone_problem(data["time_zone"]):
        problems.append(Problem("/time_zone", message))
    if message := date_problem(data["start_date"]):
        problems.append(Problem("/start_date", message))
    minutes = data.get("minutes")
    if minutes and minutes["min"] > minutes["max"]:
        problems.append(Problem("/minutes", f"min {minutes['min']} is greater than max {minutes['max']}"))
    if data.get("deload_every") in (1, 2):
        problems.append(Problem("/deload_every", f"a deload every {data['deload_every']} weeks leaves too few weeks to build; use 0 (none) or 3 to 12"))
    return problems


#: Checks after the schema, by document kind; ``validate`` needs nothing else imported to run them.
SEMANTIC_CHECKS = {"plan": plan_problems, "exercise-library": library_problems, "athlete": athlete_problems, "template": template_problems}


def load_document(path: str, kind: str, stdin: BinaryIO | None = None) -> Any:
    """Read, parse and check a document of ``kind``; raise InputError naming the file."""
    data = load_data(path, stdin)
    check_document(data, kind, display_name(path))
    return data


def load_plan(path: str, stdin: BinaryIO | None = None) -> Plan:
    return Plan.from_dict(load_document(path, "plan", stdin))


def plan_from_data(data: Any, source: str = "<plan>") -> Plan:
    check_document(data, "plan", source)
    return Plan.from_dict(data)


def guess_kind(data: Any) -> str | None:
    """Which schema a document follows: its ``$schema`` address, else its keys."""
    if isinstance(data, list):
        return "roster"
    if not isinstance(data, dict):
        return None
    ref = data.get("$schema")
    if isinstance(ref, str):
        for name in schemas.DOCUMENTS:
            if ref == f"{name}.schema.json" or ref.endswith(f"/{name}.schema.json"):
                return name
    if "sessions" in data:
        return "plan"
    if "session_types" in data:
        return "template"
    if "athletes" in data:
        return "roster"
    if "runs" in data or "start_date" in data:
        return "athlete"
    if "exercises" in data:
        return "exercise-library"
    return None

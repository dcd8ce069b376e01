"""The schema gate: every document that enters planport is parsed and checked here first.

Problems come out as ``InputError``s: one line each, naming the file and the JSON
Pointer of the bad value, so the CLI can print them and exit 2 before anything is written.

What passes the gate never fails later for its type or range: values are plain JSON data
(no NaN, no keys that are not text, bounded nesting), texts hold no control characters
that would break a file (``control_character_problem``), integers are integers (2.0 is
not), patterns are matched as JSON Schema means them (``$`` is the end of the text, not
the end of its last line), dates are real days in the range every exporter can carry.
Reading and parsing live in ``inputs``; portable file names in ``portable``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError, best_match

from planport import schemas

from .errors import InputError, Problem
from .inputs import MAX_DEPTH, MAX_INPUT_BYTES, MAX_VALUES, STDIN, display_name, load_data, parse, read_bytes, read_text, syntax_of
from .library import library_problems as library_dose_problems
from .model import Plan
from .template import template_problems

__all__ = [
    "MAX_INPUT_BYTES", "STDIN", "ONE_LINE_TEXTS", "check_document", "check_schema", "control_character_problem", "data_problems", "display_name",
    "guess_kind", "load_data", "load_document", "load_plan", "parse", "plan_from_data", "read_bytes", "read_text", "schema_problems", "syntax_of",
]

#: Texts that become a one-line property of a file, by document kind and JSON Pointer: a
#: plan's name is its calendar's name (X-WR-CALNAME, which iCalendar cannot escape); an
#: athlete's and a template's names make a built plan's name. Every option value is one
#: line too (a URL, a location, a calendar name). Other texts (titles, notes, how-to
#: steps) may hold line breaks: every exporter escapes or quotes them.
ONE_LINE_TEXTS: dict[str, frozenset[str]] = {"plan": frozenset({"/name"}), "athlete": frozenset({"/name"}), "template": frozenset({"/name"})}
#: Schemas whose every text is one line.
ALL_ONE_LINE = frozenset({"exporter-options"})


# --- plain data ----------------------------------------------------------------------


def control_character_problem(text: str, one_line: bool = True) -> str | None:
    """The gate's control-character policy, for every text of every input; None when ``text`` is fine.

    No text may hold a control character (NUL, ESC, DEL, C1 controls...) or half of a UTF-16
    surrogate pair: each breaks some file planport writes (an iCalendar line, a FIT string,
    a JSON document, a terminal message). A tab is text. A line break (LF, CR, U+2028,
    U+2029) is text too, except in a one-line text (``ONE_LINE_TEXTS``, option values, and
    ids and times through their patterns)."""
    for match in _SUSPECT.finditer(text):
        char = match.group()
        if char == "\t" or (not one_line and char in _LINE_BREAKS):
            continue
        if "\ud800" <= char <= "\udfff":
            return f"holds half of a UTF-16 surrogate pair (U+{ord(char):04X}), which is not text"
        name = _CONTROL_NAMES.get(char) or unicodedata.name(char, f"U+{ord(char):04X}").lower()
        if char in _LINE_BREAKS:
            return f"holds {name}; it must be one line"
        return f"holds a control character ({name})"
    return None


_LINE_BREAKS = "\n\r\u2028\u2029"
_CONTROL_NAMES = {"\n": "a line break", "\r": "a carriage return", "\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\u2028": "a line separator", "\u2029": "a paragraph separator"}
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def data_problems(data: Any, at: str = "", one_line: frozenset[str] | bool = False) -> list[Problem]:
    """What keeps ``data`` from being plain JSON data planport can carry into any file.

    More than ``MAX_VALUES`` values, nesting deeper than ``MAX_DEPTH``, keys that are not text, NaN and infinities, values
    that are not JSON (bytes, sets, dates from a library caller), and texts that break
    ``control_character_problem`` (``one_line``: the pointers of one-line texts, or True for
    all). Iterative, so a deep or cyclic structure handed over by a library caller is
    refused, not a RecursionError."""
    problems: list[Problem] = []
    # A value's place is (parent's place, key): its pointer is spelled out only for a problem.
    stack: list[tuple[Any, Any, int]] = [(data, None, 1)]
    seen = 0

    def spell(place: Any) -> str:
        parts = []
        while place is not None:
            place, key = place
            parts.append(key if isinstance(key, int) else _escape_pointer(key))
        return at + "".join(f"/{p}" for p in reversed(parts))

    while stack and len(problems) < 100:
        value, place, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return [Problem(at, f"holds more than {MAX_VALUES:,} values, more than any document planport reads needs")]
        kind = type(value)
        if kind not in _PLAIN:  # a subclass (from a library caller) counts as its base type
            kind = next((t for t in _BASES if isinstance(value, t)), kind)
        if kind is str:
            if _SUSPECT.search(value):
                ptr = spell(place)
                if message := control_character_problem(value, one_line is True or (one_line is not False and ptr in one_line)):
                    problems.append(Problem(ptr, message))
        elif kind is int or kind is bool or value is None:
            continue
        elif depth >= MAX_DEPTH and (kind is dict or kind is list) and value:
            problems.append(Problem(spell(place), f"nested deeper than {MAX_DEPTH} levels"))
        elif kind is dict:
            for key, item in reversed(value.items()):
                if type(key) is not str:
                    problems.append(Problem(spell(place), f"a key must be text, not {type(key).__name__} {repr(key)[:40]}"))
                elif _SUSPECT.search(key) and (message := control_character_problem(key)):
                    problems.append(Problem(spell((place, key)), f"the key {message}"))
                else:
                    stack.append((item, (place, key), depth + 1))
        elif kind is list:
            stack.extend((item, (place, i), depth + 1) for i, item in reversed(list(enumerate(value))))
        elif kind is float:
            if not math.isfinite(value):
                problems.append(Problem(spell(place), f"{'NaN' if math.isnan(value) else 'an infinite number'} is not a number JSON can hold"))
        else:
            problems.append(Problem(spell(place), f"a {kind.__name__} is not a JSON value"))
    return sorted(problems, key=lambda p: _pointer_key(p.pointer))


_BASES = (str, bool, int, float, dict, list)
_PLAIN = frozenset({*_BASES, type(None)})


def _escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


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
        # A branch whose type the value does not have says nothing; one whose type it has, much.
        useful = [e for e in error.context if not (e.validator == "type" and not e.relative_path)] or list(error.context)
        error = best_match(useful)
    return error


def _message(error: ValidationError) -> str:
    inst, v = error.instance, error.validator_value
    if error.validator == "oneOf" and "x-oneOf-message" in error.schema:
        return str(error.schema["x-oneOf-message"])
    if error.validator == "not" and "x-message" in error.schema:  # a rule across options, in words
        return str(error.schema["x-message"])
    match error.validator:
        case "type":
            wanted = [v] if isinstance(v, str) else v
            what = "the document" if not error.absolute_path else ""  # the root has no pointer to show
            return f"{what}{': ' if what else ''}expected {' or '.join(_TYPE_WORDS.get(t, t) for t in wanted)}, got {_JSON_TYPES.get(type(inst), type(inst).__name__)}"
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
        case "format":
            what = "date and time" if v == "date-time" else v
            return f"{inst} is not a real {what}"
        case "propertyNames":
            return f"{error.message[:200]}"
        case "uniqueItems":
            return "has duplicate items"
        case _:
            text = error.message
            return str(text) if len(text) <= 200 else str(text)[:197] + "..."


# --- the validator: JSON Schema as the schemas mean it, run by Python -------------------


def ecma_pattern(pattern: str) -> str:
    """A JSON Schema (ECMA-262) pattern as a Python one: an unescaped ``$`` outside a character
    class is the end of the text (``\\Z``), not "the end, or before a final line break" as in
    Python, so ``^[a-z]+$`` refuses ``"hip\\n"``. Compiled with ``re.ASCII`` so that ``\\d``
    and ``\\w`` mean ASCII digits and letters, as in ECMA-262."""
    out = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append(r"\Z")
            continue
        out.append(char)
    return "".join(out)


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_pattern(pattern), re.ASCII)


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_integer(checker: Any, instance: Any) -> bool:
    # JSON Schema counts 2.0 as an integer; every exporter would then get a float where it
    # counts sets or seconds. A whole number is written without a fraction.
    return isinstance(instance, int) and not isinstance(instance, bool)


def _real_date(instance: object) -> bool:
    if isinstance(instance, str):
        dt.date.fromisoformat(instance)
    return True


def _real_moment(instance: object) -> bool:
    if isinstance(instance, str):
        dt.datetime.strptime(instance, "%Y-%m-%dT%H:%M:%SZ")
    return True


#: Only the formats planport's schemas use, as assertions: a date is a real day.
FORMATS = FormatChecker(formats=())
FORMATS.checks("date", raises=ValueError)(_real_date)
FORMATS.checks("date-time", raises=ValueError)(_real_moment)


_ITEMS = Draft202012Validator.VALIDATORS["items"]


def _items_within_bounds(validator: Any, items: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    limit = schema.get("maxItems")
    if isinstance(limit, int) and validator.is_type(instance, "array") and len(instance) > limit:
        return  # maxItems says what is wrong; checking each of 100,000 sessions would take minutes
    yield from _ITEMS(validator, items, instance, schema)


#: Draft 2020-12 with integers that are integers, ECMA-262 patterns and real dates.
Validator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern, "items": _items_within_bounds},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


def make_validator(schema: dict[str, Any]) -> Any:
    """The gate's validator for ``schema`` (its $refs resolve among planport's schemas)."""
    return Validator(schema, registry=schemas.registry(), format_checker=FORMATS)


@functools.cache
def _validator(schema_name: str) -> Any:
    # Compiled once: a batch checks thousands of documents against the same schema.
    return make_validator(schemas.schema(schema_name))


#: Keywords whose value is a subschema, a list of them, or a map of names to them (draft 2020-12).
_ONE_SCHEMA = frozenset({"not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames",
                         "unevaluatedItems", "unevaluatedProperties"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})


def _inlined(schema: Any, resolver: Any, depth: int = 0) -> Any:
    """``schema`` with every $ref replaced by what it points to (beside its sibling keywords, under
    allOf, which is what $ref means in draft 2020-12). Other keywords are kept as they are."""
    if depth > MAX_DEPTH:
        raise RecursionError("a schema that refers to itself")  # planport's do not; not inlined then
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key in _ONE_SCHEMA:
            out[key] = _inlined(value, resolver, depth + 1)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_inlined(v, resolver, depth + 1) for v in value]
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _inlined(v, resolver, depth + 1) for name, v in value.items()}
        elif key != "$defs":  # reached through the $refs now
            out[key] = value
    if "$ref" in schema:
        found = resolver.lookup(schema["$ref"])
        target = _inlined(found.contents, found.resolver, depth + 1)
        return {**out, "allOf": [target, *out.get("allOf", [])]} if out else target
    return out


@functools.cache
def _quick(schema_name: str) -> Any:
    """A validator for the same schema with its $refs inlined, or None: it says whether a document
    is valid three times as fast (looking a $ref up is most of jsonschema's work on an athlete)
    and is asked first; the messages always come from ``_validator``."""
    schema = schemas.schema(schema_name)
    if any(k in json.dumps(schema) for k in ("$dynamicRef", "$recursiveRef", "$anchor", "$dynamicAnchor")):
        return None
    try:
        inlined = _inlined(schema, schemas.registry().resolver(base_uri=schema.get("$id", "")))
    except RecursionError:
        return None
    inlined.pop("$id", None)  # its $refs are gone; no base URI is needed
    return make_validator(inlined)


def _quickly_valid(quick: Any, data: Any) -> bool:
    try:
        return bool(quick.is_valid(data))
    except Exception:  # whatever the inlined schema trips over, the full validator is the judge
        return False


def schema_problems(data: Any, schema_name: str, source: str | None = None, schema: dict[str, Any] | None = None, plain: bool = True) -> list[Problem]:
    """Every problem with ``data``: first whether it is plain data at all (``data_problems``;
    ``plain=False`` when the caller has checked that), then every schema violation, in
    document order."""
    one_line: frozenset[str] | bool = schema_name in ALL_ONE_LINE or ONE_LINE_TEXTS.get(schema_name, False)
    not_plain = data_problems(data, one_line=one_line) if plain else []
    if not_plain:
        return [Problem(p.pointer, p.message, source) for p in not_plain]
    if schema is None and (quick := _quick(schema_name)) is not None and _quickly_valid(quick, data):
        return []
    validator = make_validator(schema) if schema else _validator(schema_name)
    problems = []
    errors = [_narrow(error) for error in validator.iter_errors(data)]
    # Values a pattern already refused: "2027-3-14" is not also "not a real date".
    patterned = {pointer(e.absolute_path) for e in errors if e.validator == "pattern"}
    # Names propertyNames refused say what they should be; additionalProperties need not repeat them.
    misnamed = {pointer([*e.absolute_path, e.instance]) for e in errors if "propertyNames" in e.relative_schema_path and isinstance(e.instance, str)}
    for error in errors:
        at = pointer(error.absolute_path)
        if error.validator == "additionalProperties":
            # The bad value is the key itself: each gets its own pointer.
            keys = [f"{at}/{_escape_pointer(str(k))}" for k in _extra_keys(error)]
            problems += [Problem(key, "unknown property", source) for key in keys if key not in misnamed]
        elif error.validator == "required" and isinstance(error.instance, dict):
            problems += [Problem(f"{at}/{_escape_pointer(k)}", "required, but missing", source) for k in error.validator_value if k not in error.instance]
        elif not (error.validator == "format" and at in patterned):
            if "propertyNames" in error.relative_schema_path and isinstance(error.instance, str):
                at += f"/{_escape_pointer(error.instance)}"  # the name is the bad value
            problems.append(Problem(at, _message(error), source))
    return sorted(set(problems), key=lambda p: (_pointer_key(p.pointer), p.message))


def _extra_keys(error: ValidationError) -> list[str]:
    """The keys an ``additionalProperties: false`` refused: in neither ``properties`` nor ``patternProperties``."""
    known = error.schema.get("properties", {})
    patterns = [_compiled(p) for p in error.schema.get("patternProperties", {})]
    return sorted(k for k in error.instance if k not in known and not any(p.search(k) for p in patterns))


def _pointer_key(ptr: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ptr.split("/")[1:])


def check_schema(data: Any, schema_name: str, source: str | None = None) -> None:
    problems = schema_problems(data, schema_name, source)
    if problems:
        raise InputError(problems)


# --- checks a schema cannot express --------------------------------------------------


@functools.cache
def _iana_zones() -> frozenset[str]:
    """The zones of the IANA database as the tzdata package ships it. Not the system's list:
    that has names such as "localtime" whose meaning depends on the machine."""
    from importlib.resources import files

    try:
        return frozenset(files("tzdata").joinpath("zones").read_text("utf-8").split())
    except (ModuleNotFoundError, OSError):  # no tzdata package: the system's database decides
        return frozenset()


def zone_problem(name: str) -> str | None:
    known = _iana_zones()
    try:
        if known and name not in known:
            raise zoneinfo.ZoneInfoNotFoundError(name)
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


def file_name_problems(sessions: list[dict[str, Any]]) -> list[Problem]:
    """Sessions whose files (one per session: FIT workouts, iCalendar with files=session) would
    share a name: the date and the id, the id once when it starts with the date."""
    first: dict[str, int] = {}
    problems = []
    for i, session in enumerate(sessions):
        stem = session["id"] if session["id"].startswith(session["date"]) else f"{session['date']}-{session['id']}"
        if stem in first and sessions[first[stem]]["id"] != session["id"]:
            problems.append(Problem(f"/sessions/{i}/id", f"gives the same file name ({stem}) as /sessions/{first[stem]}/id; choose another id"))
        first.setdefault(stem, i)
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
    problems += file_name_problems(data["sessions"])
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


#: The last date the schemas allow (common.schema.json): every export format can carry it.
LAST_DATE = dt.date(2100, 12, 31)


def athlete_problems(data: dict[str, Any]) -> list[Problem]:
    problems = []
    if message := zone_problem(data["time_zone"]):
        problems.append(Problem("/time_zone", message))
    if message := date_problem(data["start_date"]):
        problems.append(Problem("/start_date", message))
    minutes = data.get("minutes")
    if minutes and minutes["min"] > minutes["max"]:
        problems.append(Problem("/minutes", f"min {minutes['min']} is greater than max {minutes['max']}"))
    if not date_problem(data["start_date"]):
        last = dt.date.fromisoformat(data["start_date"]) + dt.timedelta(weeks=data["weeks"], days=-1)
        if last > LAST_DATE:
            problems.append(Problem("/start_date", f"{data['weeks']} weeks from {data['start_date']} run past {LAST_DATE.isoformat()}, the last date every export format can carry"))
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

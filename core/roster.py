"""Reading a roster: CSV rows or a YAML/JSON list of athlete profiles, one entry at a time.

CSV columns are the athlete profile's fields; list fields use a compact form:

    runs         mon:easy;wed:intervals;sat:long
    start_times  sat:08:00;sun:09:30
    extras       activation;mobility;add_on
    equipment    band;mat;wall   (empty: everything; "none": body weight only)
    minutes      15-20

A bad row is reported with its row number and column and skipped; a roster that cannot
be read at all (no such file, unknown columns, not a list) is an InputError.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from . import gate
from .errors import InputError, Problem
from .inputs import decode, text_encoding

REQUIRED = ("id", "name", "time_zone", "start_date", "weeks", "level", "runs")
OPTIONAL = (
    "sessions_per_week", "extras", "equipment", "start_time", "start_times", "run_minutes", "minutes",
    "heavy_after_long_run", "deload_every", "caldav_url",
)
BOOLEANS = ("heavy_after_long_run",)
INTEGERS = ("weeks", "sessions_per_week", "run_minutes", "deload_every")


@dataclass
class Entry:
    """One roster entry: its row number, the athlete profile or what is wrong with it, and a hash of the input."""

    row: int
    athlete: dict[str, Any] | None
    problems: list[tuple[str, str]]  # (column, reason)
    digest: str
    #: In a YAML or JSON roster: the entry's JSON Pointer (``/athletes/3``) and each problem's
    #: pointer within it, so validate can name the bad value as in any other document.
    at: str | None = None
    pointers: tuple[str, ...] = ()
    #: False when read without the athlete schema (``read_entries(check=False)``): ``checked``
    #: checks it later, where the work is done (a batch's workers, not its reading process).
    checked: bool = True

    @property
    def id(self) -> str | None:
        value = (self.athlete or {}).get("id")
        return value if isinstance(value, str) else None


class RowError(ValueError):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column


def _pairs(text: str, column: str) -> dict[str, str]:
    result = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        day, sep, value = part.partition(":")
        if not sep or not value:
            raise RowError(column, f"{part!r} is not DAY:VALUE, as in mon:easy;sat:long")
        if day.strip() not in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            raise RowError(column, f"unknown weekday {day.strip()!r}; use mon, tue, wed, thu, fri, sat or sun")
        if day.strip() in result:
            raise RowError(column, f"{day.strip()} appears twice")
        result[day.strip()] = value.strip()
    return result


def profile_from_row(row: dict[str, str]) -> dict[str, Any]:
    """An athlete profile from one CSV row, the compact forms expanded."""
    athlete: dict[str, Any] = {"schema_version": 1}
    for column in (*REQUIRED, *OPTIONAL):
        text = (row.get(column) or "").strip()
        if not text:
            continue
        if column in INTEGERS:
            try:
                athlete[column] = int(text)
            except ValueError:
                raise RowError(column, f"{text!r} is not a whole number") from None
        elif column in BOOLEANS:
            if text.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise RowError(column, f"{text!r} is not true or false")
            athlete[column] = text.lower() in ("true", "yes", "1")
        elif column in ("runs", "start_times"):
            athlete[column] = _pairs(text, column)
        elif column == "extras":
            athlete[column] = {name.strip(): True for name in text.split(";") if name.strip()}
        elif column == "equipment":
            athlete[column] = [] if text == "none" else [e.strip() for e in text.split(";") if e.strip()]
        elif column == "minutes":
            low, sep, high = text.partition("-")
            try:
                athlete[column] = {"min": int(low), "max": int(high)}
            except ValueError:
                raise RowError(column, f"{text!r} is not a range such as 15-20") from None
        else:
            athlete[column] = text
    return athlete


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _check(athlete: dict[str, Any], row: int, raw_digest: str, check: bool = True, at: str | None = None) -> Entry:
    if not check:
        return Entry(row, athlete, [], raw_digest, at, checked=False)
    try:
        gate.check_document(athlete, "athlete", f"row {row}")
    except InputError as e:
        return Entry(row, athlete, [(column_of(p.pointer), p.message) for p in e.problems], raw_digest, at, tuple(p.pointer for p in e.problems))
    return Entry(row, athlete, [], raw_digest, at)


def checked(entry: Entry) -> Entry:
    """``entry`` checked against the athlete schema, if it was read without (``check=False``)."""
    if entry.checked or entry.athlete is None:
        return entry
    return _check(entry.athlete, entry.row, entry.digest, True, entry.at)


def column_of(pointer: str) -> str:
    """The roster column a JSON Pointer into an athlete profile falls in ("" for the whole row)."""
    return pointer.split("/")[1] if pointer.startswith("/") else ""


def where(row: int, column: str) -> str:
    """``row 7, column runs``: how a problem in a roster is located for the user."""
    return f"row {row}" + (f", column {column}" if column else "")


@dataclass
class Roster:
    """A roster to read: a CSV file (read lazily, as often as needed), or a document or
    standard input read once and kept, so ``batch -`` reads its input a single time."""

    path: str
    source: str
    csv_text: str | None = None  # CSV held in memory (from standard input)
    data: Any = None  # a parsed YAML or JSON roster

    @property
    def is_csv(self) -> bool:
        return self.csv_text is not None or (self.data is None and Path(self.path).suffix.lower() == ".csv")


def open_roster(path: str | Roster, data: Any = None) -> Roster:
    """The roster at ``path`` (``-``: standard input, CSV or YAML/JSON told from its first line).

    ``data`` is a YAML or JSON roster already parsed from ``path``."""
    if isinstance(path, Roster):
        return path
    source = gate.display_name(path)
    if data is not None:
        return Roster(path, source, data=data)
    if path == gate.STDIN:
        text = decode(gate.read_bytes(path), source)
        if _looks_like_csv(text):
            return Roster(path, source, csv_text=text)
        return Roster(path, source, data=gate.parse(text, source))
    if Path(path).suffix.lower() == ".csv":
        return Roster(path, source)
    return Roster(path, source, data=gate.load_data(path))


def _looks_like_csv(text: str) -> bool:
    """A CSV roster starts with its header (id,name,...); YAML and JSON ones do not."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return "," in first and ":" not in first and first[:1] not in "{[-#%"


def read_entries(path: str | Roster, check: bool = True, data: Any = None) -> Iterator[Entry]:
    """The roster's entries, read lazily for CSV; ``check=False`` skips the athlete schema (a quick scan).

    ``data`` is a YAML or JSON roster already parsed from ``path``."""
    roster = open_roster(path, data)
    if roster.is_csv:
        yield from _csv_entries(roster, check)
        return
    data = roster.data
    base = "" if isinstance(data, list) else "/athletes"
    if isinstance(data, list):
        data = {"schema_version": 1, "athletes": data}
    # Each athlete is checked on its own below, so one bad profile fails its row, not the roster.
    problems = gate.data_problems({k: v for k, v in data.items() if k != "athletes"}) if isinstance(data, dict) else []
    problems = problems or gate.schema_problems(data, "roster", plain=False)
    if problems:
        if base == "":  # a bare list: its pointers have no /athletes
            problems = [p._replace(pointer=p.pointer.removeprefix("/athletes")) if p.pointer != "/athletes" else p._replace(pointer="", message=f"the document: {p.message}") for p in problems]
        raise InputError(problems).with_source(roster.source)
    for i, athlete in enumerate(data["athletes"]):
        athlete = {"schema_version": 1, **athlete}
        yield _check(athlete, i + 1, _digest(athlete), check, f"{base}/{i}")


def _open_csv(roster: Roster) -> TextIO:
    if roster.csv_text is not None:
        return io.StringIO(roster.csv_text, newline="")
    try:
        with open(roster.path, "rb") as raw:
            head = raw.read(64)
        return open(roster.path, newline="", encoding=text_encoding(head, roster.source))
    except OSError as e:
        raise InputError.at("", f"cannot read: {e.strerror or e}", roster.source) from None


def _undecodable_line(roster: Roster, error: UnicodeDecodeError) -> str:
    """``line N: `` for the first line of a UTF-8 file that does not decode ("" when unknown).

    The text reader decodes ahead of the CSV reader, so the row it stopped at says little."""
    if roster.csv_text is not None or "8" not in error.encoding:
        return ""
    try:
        with open(roster.path, "rb") as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return f"line {number}: "
    except OSError:
        pass
    return ""


def _csv_entries(roster: Roster, check: bool = True) -> Iterator[Entry]:
    source = roster.source
    handle = _open_csv(roster)
    with handle:
        reader = csv.DictReader(handle)
        count = 0
        try:
            header = reader.fieldnames or []
            if not header:
                raise InputError.at("", "the roster is empty", source)
            unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
            missing = [c for c in REQUIRED if c not in header]
            if unknown or missing:
                parts = ([f"unknown columns {', '.join(map(repr, unknown))}"] if unknown else []) + ([f"missing columns {', '.join(missing)}"] if missing else [])
                raise InputError.at("", f"{'; '.join(parts)}; the columns are {', '.join(REQUIRED + OPTIONAL)}", source)
            for number, row in enumerate(reader, start=2):  # row 1 is the header, as a spreadsheet counts
                count += 1
                digest = _digest([[str(k), v] for k, v in row.items()])  # extra cells sit under key None
                if None in row:  # more cells than the header has columns
                    yield Entry(number, None, [("", f"{len(header) + len(row[None])} cells for {len(header)} columns")], digest)
                    continue
                try:
                    athlete = profile_from_row(row)
                except RowError as e:
                    yield Entry(number, {"id": row.get("id")}, [(e.column, str(e))], digest)
                    continue
                yield _check(athlete, number, digest, check)
        except UnicodeDecodeError as e:
            raise InputError.at("", f"{_undecodable_line(roster, e)}not {e.encoding.upper().replace('-SIG', '')} text; save the roster as UTF-8 (or UTF-16 with a byte-order mark)", source) from None
        except csv.Error as e:
            raise InputError.at("", f"row {reader.line_num}: unreadable CSV: {e}", source) from None
    if count == 0:
        raise InputError.at("", "the roster has a header but no athletes; add one row per athlete", source)


def scan(path: str | Roster, data: Any = None) -> tuple[int, set[str]]:
    """One quick pass: how many entries, and the ids that appear on more than one."""
    seen: set[str] = set()
    twice: set[str] = set()
    count = 0
    for entry in read_entries(path, check=False, data=data):
        count += 1
        if entry.id is not None:
            (twice if entry.id in seen else seen).add(entry.id)
    return count, twice


def check_roster(path: str | Roster, data: Any = None) -> int:
    """``planport validate`` for a roster: every row problem, or the number of athletes."""
    path = open_roster(path, data)
    source = path.source
    _, twice = scan(path)
    problems, count = [], 0
    for entry in read_entries(path, data=data):
        count += 1
        for n, (column, reason) in enumerate(entry.problems):
            place = where(entry.row, column) if entry.at is None else entry.at + (entry.pointers[n] if n < len(entry.pointers) else "")
            problems.append(Problem(place, reason, source))
        if entry.id in twice:
            problems.append(Problem(where(entry.row, "id") if entry.at is None else f"{entry.at}/id", f"duplicate athlete id {entry.id!r}", source))
    if problems:
        raise InputError(problems)
    return count

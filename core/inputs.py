"""Reading and parsing inputs: bytes to text to JSON-like data, with every bound in one place.

Whatever a user hands planport (a plan, a profile, a roster, standard input) is read here:
bounded in size, decoded as UTF-8 (or UTF-16 with a byte-order mark), and parsed as JSON or
YAML with bounded nesting and bounded alias expansion. YAML is read as plain data only:
text, numbers, true/false, null, lists and mappings with text keys, each key once. Anything
else is an ``InputError`` naming the file and the line, before any schema sees the data.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from pathlib import Path
from typing import Any, BinaryIO

import yaml
import yaml.composer
import yaml.constructor
import yaml.nodes

from .errors import InputError

STDIN = "-"
#: Larger inputs are refused before parsing; a real plan is a few hundred kilobytes and a
#: roster of 100,000 athletes as CSV about 10 MiB.
MAX_INPUT_BYTES = 32 * 1024 * 1024
#: YAML costs about 50 times its size in memory while it is read, and seconds per MiB (the
#: constructor is Python even with libyaml): a larger YAML document is refused. The largest
#: plan the schema allows is about 0.6 MiB of YAML. JSON and CSV take the full limit.
MAX_YAML_BYTES = 2 * 1024 * 1024
#: How deep lists and mappings may nest. A plan needs 6 levels (/sessions/0/blocks/0/load/kg).
MAX_DEPTH = 32
#: How many values (texts, numbers, lists, mappings...) one document may hold: a plan at every
#: limit of its schema (1,200 sessions of 20 blocks) holds about 260,000. Checked before the
#: schema, which would otherwise check every item of an over-long list.
MAX_VALUES = 400_000
#: How many values YAML aliases may add to a document when expanded: enough to reuse a block
#: in every session of a long plan, far too few for an alias bomb.
MAX_ALIAS_VALUES = 100_000


def display_name(path: str) -> str:
    return "<stdin>" if path == STDIN else str(path)


def read_bytes(path: str, stdin: BinaryIO | None = None, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path`` (``-`` is standard input), refusing inputs larger than ``limit``."""
    source = display_name(path)
    try:
        if path == STDIN:
            raw = (stdin or sys.stdin.buffer).read(limit + 1)
        else:
            with open(path, "rb") as f:
                raw = f.read(limit + 1)
    except OSError as e:
        raise InputError.at("", f"cannot read: {e.strerror or e}", source) from None
    if len(raw) > limit:
        raise InputError.at("", f"larger than {_size(limit)}; is this the right file?", source)
    return raw


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def text_encoding(head: bytes, source: str) -> str:
    """The codec for text starting with ``head``: UTF-16 when it has a byte-order mark, else UTF-8.

    UTF-32 and UTF-16 without a mark are refused with a message saying how to save the file."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError.at("", "UTF-32 text is not read; save the file as UTF-8", source)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the mark and drops it
    if b"\x00" in head[:64]:
        raise InputError.at("", "this looks like UTF-16 text without a byte-order mark, or binary data; save the file as UTF-8", source)
    return "utf-8-sig"


def decode(raw: bytes, source: str) -> str:
    """``raw`` as text: UTF-8 (a leading byte-order mark is dropped) or UTF-16 with a byte-order mark."""
    encoding = text_encoding(raw[:64], source)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as e:
        what = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise InputError.at("", f"not {what} text (byte {e.start}); save the file as UTF-8", source) from None


def read_text(path: str, stdin: BinaryIO | None = None) -> str:
    """The text of ``path`` (``-`` is standard input)."""
    return decode(read_bytes(path, stdin), display_name(path))


def syntax_of(path: str) -> str | None:
    suffix = Path(path).suffix.lower()
    return {".json": "json", ".yaml": "yaml", ".yml": "yaml"}.get(suffix)


def load_data(path: str, stdin: BinaryIO | None = None) -> Any:
    """Read and parse a JSON or YAML file (by extension; told by its first character for ``-`` and others)."""
    return parse(read_text(path, stdin), display_name(path), syntax_of(path))


def parse(text: str, source: str, syntax: str | None = None) -> Any:
    """Parse JSON or YAML. ``syntax`` is "json", "yaml" or None to tell by the first character."""
    if not text.strip():
        raise InputError.at("", "the document is empty", source)
    if syntax is None:
        syntax = "json" if text.lstrip()[:1] in "{[" else "yaml"
    if syntax == "json":
        return _parse_json(text, source)
    if len(text) > MAX_YAML_BYTES:  # characters, at least as many bytes
        raise InputError.at("", f"a YAML document larger than {_size(MAX_YAML_BYTES)} is not read; write it as JSON", source)
    return _parse_yaml(text, source)


# --- JSON ----------------------------------------------------------------------------


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as e:
        raise InputError.at("", f"line {e.lineno}, column {e.colno}: invalid JSON: {e.msg}", source) from None
    except ValueError as e:  # a duplicate key; an integer of thousands of digits
        raise InputError.at("", f"invalid JSON: {e}", source) from None
    except RecursionError:  # the C parser's own guard; the gate's depth limit is far below it
        raise InputError.at("", f"nested deeper than {MAX_DEPTH} levels", source) from None


# --- YAML ----------------------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
#: The only tags a document may use, written or implied: plain data, as JSON has it.
SCALAR_TAGS = frozenset(f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null"))


class _Loader(yaml.SafeLoader):
    """YAML with YAML 1.2 core scalars: 07:30 stays a string, 'no' stays a string,
    010 is ten, and dates stay strings for the schema to check. Nesting is bounded while
    composing, so a deep document is refused before Python's stack is."""

    yaml_implicit_resolvers: dict[str, Any] = {}

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    _Loader.add_implicit_resolver(f"{_TAG}{_tag}", re.compile(_pattern), list(_first))


def _decimal_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    return int(str(loader.construct_scalar(node)), 10)  # type: ignore[arg-type]  # the resolver only hands over scalars


def _guarded(construct: Any, what: str) -> Any:
    """A scalar constructor whose failure (an explicit ``!!float abc``, an integer of thousands
    of digits) is a YAML error at the value's line, not a crash."""

    def constructor(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, TypeError, OverflowError):
            raise yaml.constructor.ConstructorError(None, None, f"{_short(node.value)} is not {what}", node.start_mark) from None

    return constructor


_Loader.add_constructor(f"{_TAG}int", _guarded(_decimal_int, "an integer planport can read"))
_Loader.add_constructor(f"{_TAG}float", _guarded(yaml.SafeLoader.construct_yaml_float, "a number"))
_Loader.add_constructor(f"{_TAG}bool", _guarded(yaml.SafeLoader.construct_yaml_bool, "true or false"))

_CLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """The same reading with libyaml's parser, ten times faster. Its composer recurses in C
        with no guard, so nesting is measured on the event stream first (``_c_depth_problem``)."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        yaml_constructors = _Loader.yaml_constructors


def _c_depth_problem(text: str) -> tuple[int, int] | None:
    """(line, column) where the C parser's events nest deeper than ``MAX_DEPTH``, or None."""
    loader = _CLoader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth + 1 > MAX_DEPTH and (mark := event.start_mark) is not None:  # +1: the values inside it
                    return mark.line + 1, mark.column + 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()
    return None


def _where(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _check_nodes(root: yaml.Node, source: str) -> None:
    """Refuse what plain data cannot hold, before anything is constructed: other tags, keys
    that are not text or appear twice, aliases that refer to themselves or expand too far,
    and nesting (aliases followed) deeper than ``MAX_DEPTH``.

    One pass over the node graph: each node is visited once however many aliases point at
    it, so an alias bomb costs no more to refuse than its text to read."""
    sizes: dict[int, tuple[int, int]] = {}  # node id -> (values when expanded, depth)
    kids: dict[int, list[yaml.Node]] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    distinct = 0

    def refuse(node: yaml.Node, message: str) -> InputError:
        return InputError.at("", f"{_where(node)}: {message}", source)

    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            size, depth = 1, 0
            for child in kids.pop(key):
                child_size, child_depth = sizes[id(child)]
                size += child_size
                depth = max(depth, child_depth)
            if depth + 1 > MAX_DEPTH:
                raise refuse(node, f"nested deeper than {MAX_DEPTH} levels once its aliases are followed")
            sizes[key] = (size, depth + 1)
            continue
        if key in sizes:
            continue
        distinct += 1
        if type(node) is yaml.ScalarNode:  # most nodes: no children, no path to keep
            if node.tag not in SCALAR_TAGS:
                raise refuse(node, f"the tag {_short_tag(node.tag)} is not read; planport takes plain data (text, numbers, true/false, null, lists, mappings)")
            sizes[key] = (1, 1)
            continue
        if key in on_path:
            raise refuse(node, "an alias refers to a value that contains it")
        _check_node(node, refuse)
        on_path.add(key)
        children = kids[key] = _children(node)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children) if id(child) not in sizes)
    expanded = sizes[id(root)][0]
    if expanded - distinct > MAX_ALIAS_VALUES:
        raise InputError.at("", f"YAML aliases expand this document to {expanded:,} values, more than {MAX_ALIAS_VALUES:,} beyond what is written; write the values out", source)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_node(node: yaml.Node, refuse: Any) -> None:
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in SCALAR_TAGS:
            raise refuse(node, f"the tag {_short_tag(node.tag)} is not read; planport takes plain data (text, numbers, true/false, null, lists, mappings)")
        return
    wanted = f"{_TAG}map" if isinstance(node, yaml.MappingNode) else f"{_TAG}seq"
    if node.tag != wanted:
        raise refuse(node, f"the tag {_short_tag(node.tag)} is not read; planport takes plain data (text, numbers, true/false, null, lists, mappings)")
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != f"{_TAG}str":
                shown = _short(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "a list or mapping"
                raise refuse(key_node, f"a key must be text, not {shown}; put it in quotes")
            if key_node.value in seen:
                raise refuse(key_node, f"duplicate key {_short(key_node.value)}")
            seen.add(key_node.value)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _short(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


# PyYAML's scanner looks up to 1024 characters ahead for a simple key, at a cost growing with
# the square of the brackets it passes: a long run of them is refused before it is scanned.
_BRACKET_RUN = re.compile(r"[\[{](?:\s*[\[{]){" + str(MAX_DEPTH) + "}")


def _parse_yaml(text: str, source: str) -> Any:
    if run := _BRACKET_RUN.search(text):
        line = text.count("\n", 0, run.start()) + 1
        column = run.start() - (text.rfind("\n", 0, run.start()) + 1) + 1
        raise InputError.at("", f"line {line}, column {column}: invalid YAML: nested deeper than {MAX_DEPTH} levels", source)
    loader: Any = None
    try:
        if _CLoader is not None:
            if deep := _c_depth_problem(text):
                raise InputError.at("", f"line {deep[0]}, column {deep[1]}: invalid YAML: nested deeper than {MAX_DEPTH} levels", source)
            loader = _CLoader(text)
        else:
            loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            raise InputError.at("", "the document is empty", source)
        _check_nodes(node, source)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        # "expected a single document in the stream" + "but found another document"; not "while parsing ..."
        said = f"{e.context} {e.problem}" if e.context and e.problem and not e.context.startswith("while") else e.problem or e.context
        raise InputError.at("", f"{where}invalid YAML: {said}", source) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow; its own text spans lines
        # libyaml counts bytes, the Python reader characters: find the character in the text.
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)
        position = found.start() if found else min(e.position, len(text))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        char = f"#x{e.character:04x}" if isinstance(e.character, int) else repr(e.character)
        raise InputError.at("", f"line {line}, column {column}: invalid YAML: unacceptable character {char}: {e.reason}", source) from None
    except yaml.YAMLError as e:
        raise InputError.at("", f"invalid YAML: {e}", source) from None
    finally:
        if loader is not None:
            loader.dispose()

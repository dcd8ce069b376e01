"""FIT files written with ``struct`` and a table CRC, byte for byte what ``garmin_fit_sdk.Encoder`` writes.

The SDK Encoder is the oracle: the tests compare bytes with it. Nothing about messages is
written down here; field numbers, base types, sizes, scales and enum names are read from
``garmin_fit_sdk.Profile`` (and the base type table of ``garmin_fit_sdk.fit``) when a
message number is first seen. What is reproduced from the SDK Encoder (21.218):

- a 14-byte header (protocol 2.0, profile version major * 1000 + minor, data size, ".FIT",
  CRC of the first 12 bytes) and the CRC of the whole file after the data;
- a message's fields in the order of its dict's keys; ``None`` values, unknown names and the
  keys ``mesg_num`` and ``developer_fields`` are left out;
- a definition is written only for a layout not among the 16 local message slots; a layout
  matches whatever the order of its fields (and the data then follows the stored order);
  local numbers go round 0..15, a new layout taking the slot after the last one used;
- a string is its UTF-8 bytes and one null, its size counted per message (so strings of
  another length make another layout); a list of strings is joined by nulls;
- numbers are scaled as (value + offset) * scale and rounded with Python's ``round`` (half
  to even) unless the field is a float; an unscaled float in an integer field is truncated
  (``int``); every integer is cut to the field's width (masked), not checked;
- an enum given by name takes the first number the profile gives that name;
- a datetime becomes ``int(timestamp) - 631065600`` (seconds since 1989-12-31T00:00:00Z).

A message whose values are all texts and integers is remembered per process (bounded) with its
bytes and their CRC, worked out from 0: the CRC is linear, so that CRC carries over to wherever
the message appears (``crc_after_zeros``). A roster's workouts repeat most of their steps, so most
of a file is looked up rather than encoded, and its CRC stepped over a message at a time.
A :class:`Tail` goes further: the messages that end a file (a workout's steps and titles) are
remembered whole by a key the caller gives, so recurring ones are neither made nor encoded again.

Whatever else could reach the SDK (naive datetimes, whose meaning depends on the machine's
zone; numbers given as strings; names that parse as numbers; booleans; non-finite floats;
developer fields; empty lists; values the SDK rejects) raises :class:`Unsupported` in
:func:`encode_fast`, and :func:`encode` hands that file to the SDK Encoder instead, so the
bytes, or the error, are the SDK's own.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import struct
import sys
from array import array
from collections.abc import Callable, Hashable
from functools import cache
from typing import NamedTuple

from garmin_fit_sdk import Encoder, Profile
from garmin_fit_sdk import fit as FIT
from garmin_fit_sdk.util import FIT_EPOCH_S

HEADER_SIZE = 14
PROTOCOL_VERSION = 0x20  # 2.0, as the SDK Encoder writes
LOCAL_SLOTS = FIT.LOCAL_MESG_NUM_MASK + 1
SKIPPED_KEYS = ("mesg_num", "developer_fields")
STRING = FIT.BASE_TYPE["STRING"]
LOCAL_HEADERS = [bytes((local,)) for local in range(LOCAL_SLOTS)]  # a data message's header byte
DEFINITION_HEADERS = [bytes((FIT.MESG_DEFINITION_MASK | local,)) for local in range(LOCAL_SLOTS)]


class Unsupported(Exception):
    """A message the fast path does not reproduce; the SDK Encoder writes that file."""


# --- CRC ------------------------------------------------------------------------------
# The FIT CRC is CRC-16/ARC (reflected polynomial 0xA001, start 0). On this project's
# workouts in CPython 3.11 (bench/fit_encoder.py), a byte per lookup in a 256-entry table
# takes about 3 times as long as 16 bits per lookup in a 65,536-entry table, and a nibble
# table (the SDK's way) 8 to 24 times. The big table is built on first use from the small
# one (10-30 ms, 2 MB of ints), not at import.


def _byte_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


BYTE_TABLE = _byte_table()


def crc_bytewise(data: bytes, value: int = 0) -> int:
    """The FIT CRC of ``data`` (continuing from ``value``), a byte per lookup in the 256-entry table."""
    table = BYTE_TABLE
    for byte in data:
        value = (value >> 8) ^ table[(value ^ byte) & 0xFF]
    return value


@cache
def _word_table() -> list[int]:
    # Sixteen bits through a 16-bit CRC leave nothing of the old CRC but its XOR with the
    # data, so one lookup of (crc ^ little-endian word) does two bytes. The CRC is linear:
    # entry (high << 8 | low) is entry (high << 8) XOR entry (low).
    def two_bytes(word: int) -> int:
        first = BYTE_TABLE[word & 0xFF]
        return (first >> 8) ^ BYTE_TABLE[((word >> 8) ^ first) & 0xFF]

    lows = [two_bytes(low) for low in range(256)]
    return [high_entry ^ low_entry for high_entry in (two_bytes(high << 8) for high in range(256)) for low_entry in lows]


def crc_wordwise(data: bytes, value: int = 0) -> int:
    """The FIT CRC of ``data`` (continuing from ``value``), two bytes per lookup in the 65,536-entry table."""
    table = _word_table()
    even = len(data) & ~1
    words = array("H")
    words.frombytes(memoryview(data)[:even])
    if sys.byteorder == "big":  # the table wants the first byte in the low half
        words.byteswap()
    for word in words:
        value = table[value ^ word]
    if even != len(data):
        value = (value >> 8) ^ BYTE_TABLE[(value ^ data[-1]) & 0xFF]
    return value


def crc_after_zeros(length: int) -> tuple[array, array]:
    """What ``length`` zero bytes do to a CRC, as tables for its low and high byte.

    The CRC is linear over GF(2) in its start value and the data together, so
    ``crc(data, start) == crc(data, 0) ^ crc(bytes(len(data)), start)``, and the second term
    is ``low[start & 0xFF] ^ high[start >> 8]``: a message's CRC contribution, worked out once,
    carries over to wherever it appears in any file."""
    return _zeros_tables(length)


@functools.lru_cache(maxsize=512)  # one per distinct message length, 1 KiB each
def _zeros_tables(length: int) -> tuple[array, array]:
    zeros = bytes(length)
    basis = [crc_wordwise(zeros, 1 << bit) for bit in range(16)]
    low, high = array("H", bytes(512)), array("H", bytes(512))
    for value in range(1, 256):
        lowest = value & -value
        bit = lowest.bit_length() - 1
        low[value] = low[value ^ lowest] ^ basis[bit]
        high[value] = high[value ^ lowest] ^ basis[bit + 8]
    return low, high


# --- fields from the profile ----------------------------------------------------------

EncodeValue = Callable[[object], bytes]


class Field(NamedTuple):
    """One profile field: its number, its base type byte, and the SDK's transform then write for one value."""

    num: int
    type_byte: int
    encode_value: EncodeValue


def _field(profile: dict) -> Field | None:
    """How the SDK writes one profile field, or None for a field the fast path leaves to the SDK."""
    base_type = FIT.FIELD_TYPE_TO_BASE_TYPE.get(profile["base_type"])
    if base_type is None:
        return None
    definition = FIT.BASE_TYPE_DEFINITIONS[base_type]
    type_byte = base_type | definition["endian_flag"]
    is_string = base_type == STRING
    if is_string != (profile["type"] == "string"):
        return None
    if is_string:
        return Field(profile["num"], type_byte, _encode_string)
    return Field(profile["num"], type_byte, _number_encoder(profile, definition))


def _encode_string(value: object) -> bytes:
    if not isinstance(value, str):
        raise Unsupported("not a string")
    # A lone surrogate raises UnicodeEncodeError, a ValueError: the SDK fails on it too.
    return value.encode("utf-8") + b"\x00"  # over 255 bytes: refused where the size is checked


def _finite(value: object) -> int | float:
    """An int or finite float as is; anything else (bools, strings, NaN, numpy) is the SDK's business."""
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)):  # type: ignore[arg-type]
        return value  # type: ignore[return-value]
    raise Unsupported(f"a {kind.__name__} value")


def _number_encoder(profile: dict, definition: dict) -> EncodeValue:
    """The SDK's ``_transform_value`` then ``write_value`` for one field that is not a string.

    The common cases (an int, a name) take one call: per-field calls are most of an
    encode's time besides the CRC."""
    field_type = profile["type"]
    size = definition["size"]
    is_float = definition["type_code"] in ("f", "d")
    # Integers: the SDK masks to the width, then packs signed; the unsigned code gives the same bytes.
    pack = struct.Struct("<" + (definition["type_code"] if is_float else {1: "B", 2: "H", 4: "I", 8: "Q"}[size])).pack
    mask = (1 << (8 * size)) - 1

    def write(value: float) -> bytes:
        # A float past float32's range raises OverflowError: the file goes to the SDK.
        return pack(value) if is_float else pack(int(value) & mask)

    def number(value: object) -> bytes:
        if type(value) is int and not is_float:
            return pack(value & mask)
        return write(_finite(value))

    if field_type in FIT.NUMERIC_FIELD_TYPES:
        scale, offset = _scale_and_offset(profile)
        if scale == FIT.FIELD_DEFAULT_SCALE and offset == FIT.FIELD_DEFAULT_OFFSET:
            return number
        if is_float:
            return lambda value: pack((_finite(value) + offset) * scale)
        return lambda value: pack(round((_finite(value) + offset) * scale) & mask)  # half to even, as the SDK rounds

    if field_type in ("date_time", "local_date_time"):

        def date_time(value: object) -> bytes:
            if isinstance(value, dt.datetime):
                if value.utcoffset() is None:  # the SDK would read it in the machine's zone
                    raise Unsupported("a naive datetime")
                return write(int(value.timestamp()) - FIT_EPOCH_S)
            return number(value)

        return date_time

    by_name = {name: write(value) for name, value in _names(field_type).items()}

    def profile_type(value: object) -> bytes:
        if type(value) is str:
            data = by_name.get(value)
            if data is None:
                raise Unsupported(f"{value!r} is not a {field_type} name")
            return data
        return number(value)

    return profile_type


def _scale_and_offset(profile: dict) -> tuple[float, float]:
    """The SDK's reading: a field of several components is written unscaled; else the first scale and offset."""
    if len(profile["components"]) > 1:
        return FIT.FIELD_DEFAULT_SCALE, FIT.FIELD_DEFAULT_OFFSET
    raw_scale, raw_offset = profile["scale"], profile["offset"]
    scale = raw_scale[0] if isinstance(raw_scale, list) and raw_scale else raw_scale if raw_scale is not None else FIT.FIELD_DEFAULT_SCALE
    offset = raw_offset[0] if isinstance(raw_offset, list) and raw_offset else raw_offset if raw_offset is not None else FIT.FIELD_DEFAULT_OFFSET
    return scale, offset


@cache
def _names(field_type: str) -> dict[str, int]:
    """name -> number, the first number of each name as the SDK's search finds it.

    A name that parses as a number (``5_1`` in yds_grading_scale) is left out: the SDK
    passes such a string through as a number, not as the name."""
    names: dict[str, int] = {}
    for number, name in Profile["types"].get(field_type, {}).items():
        if isinstance(name, str) and not FIT.is_numeric(name):
            names.setdefault(name, number)
    return names


@cache
def _message_fields(mesg_num: int) -> dict[str, Field | None]:
    """Field name -> Field for one message number; None for a field left to the SDK."""
    profile = Profile["messages"].get(mesg_num)
    if profile is None:
        raise Unsupported(f"message number {mesg_num} is not in the profile")
    fields: dict[str, Field | None] = {}
    for field_profile in profile["fields"].values():
        name = field_profile["name"]
        if name not in SKIPPED_KEYS:
            fields.setdefault(name, _field(field_profile))  # the SDK's search by name finds the first
    return fields


def profile_version() -> int:
    version = Profile["version"]
    return int(version["major"]) * 1000 + int(version["minor"])


# --- messages -------------------------------------------------------------------------


class Tail(NamedTuple):
    """Messages that end a file and come back in file after file: ``make`` makes them, and
    equal keys must mean equal messages. The encoder remembers their bytes by key (and by what
    the local slots hold where they begin), so ``make`` runs only the first time."""

    key: Hashable
    make: Callable[[], list[tuple[int, dict]]]


def encode_fast(messages: list[tuple[int, dict]], tail: Tail | None = None) -> bytes:
    """The FIT file of ``messages`` ((message number, fields) pairs), then ``tail``'s; Unsupported
    where the SDK must write it."""
    try:
        body, pieces = _encode_messages(messages, tail)
    except (ValueError, OverflowError, struct.error) as e:  # the SDK fails here too, and says so its own way
        raise Unsupported(f"{type(e).__name__}: {e}") from e
    header = struct.pack("<BBHI4s", HEADER_SIZE, PROTOCOL_VERSION, profile_version(), len(body), b".FIT")
    header += struct.pack("<H", crc_bytewise(header))
    return header + body + struct.pack("<H", _crc_of_pieces(pieces, crc_bytewise(header)))


#: A stretch of the body for the CRC: (its record header byte, or -1 when the stretch has it
#: already; the CRC of the rest from 0; crc_after_zeros of the rest's length), or the bytes
#: themselves where they are seen once (a file's own messages).
Piece = tuple[int, int, tuple[array, array]] | bytes


@functools.lru_cache(maxsize=4096)  # definitions repeat from file to file
def _stretch(data: bytes) -> Piece:
    return -1, crc_wordwise(data), crc_after_zeros(len(data))


def _crc_of_pieces(pieces: list[Piece], value: int) -> int:
    """The CRC over the body, continuing from ``value``: what crc_wordwise(body, value) gives,
    stepping over each stretch with its CRC worked out when it was first encoded."""
    table = BYTE_TABLE
    for piece in pieces:
        if isinstance(piece, bytes):
            value = crc_wordwise(piece, value)
            continue
        header, crc, (low, high) = piece
        if header >= 0:
            value = (value >> 8) ^ table[(value ^ header) & 0xFF]
        value = low[value & 0xFF] ^ high[value >> 8] ^ crc
    return value


class _Encoded(NamedTuple):
    """One message's encoding: the number of its shape (message number, then number, size and
    base type of each field), the flat definition triples, each field's bytes, those bytes
    joined, and what the CRC needs to step over them without reading them again."""

    shape_id: int  # its shape's number: the same for the same shape while remembered, never reused
    definitions: list[int]
    data: list[bytes]
    joined: bytes
    crc: int | None  # the CRC of ``joined`` from 0 (None for a message not remembered: its bytes are the piece)
    zeros: tuple[array, array] | None  # crc_after_zeros(len(joined))
    #: (global number, {(field number, size)}): what a slot holds; matches a message with the
    #: same fields in any order. Only ever put in a slot with this message's own definitions.
    layout: tuple
    definition: Piece | None  # its definition message after the header byte, as a stretch for the CRC (None: as above)
    definition_tail: bytes  # the same bytes


#: Value types whose equal values always encode alike. The exact type is checked, so True (equal
#: to 1) is never looked up. Floats are left out (-0.0 == 0.0 encode apart in a float field), and
#: so are datetimes (equal instants, but the SDK refuses a naive one) and lists (not hashable).
_MEMO_TYPES = frozenset((str, int, type(None)))
#: Messages remembered per process: the steps of a roster's workouts repeat from file to file
#: and athlete to athlete. Cleared when full, so memory stays bounded (about 1 KiB a message;
#: the bench roster has some 4,000 distinct ones in 200 athletes).
_MEMO_SIZE = 8192
_memo: dict[tuple, _Encoded] = {}
# Shapes by number: an int is quicker to look up than a tuple of some thirty. A number is never
# given twice, so a shape forgotten and numbered again only misses, never meets another's.
_shape_ids: dict[tuple, int] = {}
_shape_numbers = itertools.count()


def _encode_message(mesg_num: int, mesg: dict, remember: bool = True) -> _Encoded:
    """One message's fields as the SDK writes them; remembered when ``remember`` and every value
    is of a type in ``_MEMO_TYPES`` (the key holds the names and values in the dict's order)."""
    key = None
    if remember and _MEMO_TYPES.issuperset(map(type, mesg.values())):
        key = (mesg_num, *mesg.items())
        found = _memo.get(key)
        if found is not None:
            return found
    fields = _message_fields(mesg_num)
    definitions: list[int] = []  # (field number, size, base type) per field, flat: one bytes() makes the definition
    data: list[bytes] = []
    max_size = FIT.MAX_FIELD_SIZE
    for name, value in mesg.items():
        field = fields.get(name)
        if field is None:
            if value is not None and (name in fields or (name == "developer_fields" and value)):
                raise Unsupported(f"field {name}")
            continue  # not a field of this message, or None: the SDK leaves it out
        if value is None:
            continue
        num, type_byte, encode_value = field
        if type(value) is list:
            if not value:  # the SDK defines size 0 but writes a null for an empty string list
                raise Unsupported("an empty list")
            raw = b"".join([encode_value(v) for v in value])  # strings each with a null, as the SDK joins them
        else:
            raw = encode_value(value)
        size = len(raw)
        if size > max_size:
            raise Unsupported(f"field {name} is longer than {max_size} bytes")
        definitions += (num, size, type_byte)
        data.append(raw)
    if not data:
        raise Unsupported("a message without fields")
    joined = b"".join(data)
    shape = (mesg_num, *definitions)
    shape_id = _shape_ids.get(shape)
    if shape_id is None:
        if len(_shape_ids) >= _MEMO_SIZE:
            _shape_ids.clear()
        shape_id = _shape_ids[shape] = next(_shape_numbers)
    layout = (mesg_num, frozenset(zip(definitions[::3], definitions[1::3])))  # the base type follows from the number
    tail = struct.pack("<BBHB", 0, FIT.ARCH_LITTLE_ENDIAN, mesg_num, len(data)) + bytes(definitions)
    if not remember:  # seen once: the CRC runs over its bytes where it stands
        return _Encoded(shape_id, definitions, data, joined, None, None, layout, None, tail)
    encoded = _Encoded(shape_id, definitions, data, joined, crc_wordwise(joined), crc_after_zeros(len(joined)), layout, _stretch(tail), tail)
    if key is not None:
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
        _memo[key] = encoded
    return encoded


#: Tails remembered per process, by key: (the message numbers in the tail, {what the slots hold
#: where it begins: (its bytes, its pieces)}). A roster's workouts are made of few distinct runs
#: of blocks (81 in the bench roster's 9,314 files). Cleared when full.
_TAILS_SIZE = 1024
_tails: dict[Hashable, tuple[frozenset[int], dict[tuple, tuple[bytes, list[Piece]]]]] = {}


def _whole(data: bytes, pieces: list[Piece]) -> Piece:
    """``data`` (made of ``pieces``) as one stretch: a remembered tail's CRC is stepped over at once."""
    return -1, _crc_of_pieces(pieces, 0), crc_after_zeros(len(data))


def _encode_messages(messages: list[tuple[int, dict]], tail: Tail | None = None) -> tuple[bytes, list[Piece]]:
    """The body of the file, and the same as pieces for ``_crc_of_pieces``."""
    parts: list[bytes] = []
    pieces: list[Piece] = []
    # The SDK's 16 local slots, each holding a layout: (global number, {(field number, size)}),
    # which matches a message with the same fields in any order.
    slots: list[tuple | None] = [None] * LOCAL_SLOTS
    slot_of: dict[tuple, int] = {}  # layout -> its slot, while it holds one
    # A message's shape number -> (slot, layout, same order as the slot's definition): most
    # messages repeat a shape.
    known_shapes: dict[int, tuple[int, tuple, bool]] = {}
    slot_orders: list[list[int]] = [[] for _ in range(LOCAL_SLOTS)]
    next_local = 0

    def add(messages: list[tuple[int, dict]], remember: bool = True) -> None:
        nonlocal next_local
        for mesg_num, mesg in messages:
            if type(mesg_num) is not int or type(mesg) is not dict:
                raise Unsupported("message number or fields of another type")
            encoded = _encode_message(mesg_num, mesg, remember)
            known = known_shapes.get(encoded.shape_id)
            if known is not None and slots[known[0]] is known[1]:
                local, _, same_order = known
            else:
                layout, definitions = encoded.layout, encoded.definitions
                local_or_none = slot_of.get(layout)
                if local_or_none is None:
                    local = next_local & FIT.LOCAL_MESG_NUM_MASK
                    next_local += 1
                    evicted = slots[local]
                    if evicted is not None:
                        del slot_of[evicted]
                    slots[local] = layout
                    slot_of[layout] = local
                    slot_orders[local] = definitions
                    parts.append(DEFINITION_HEADERS[local])
                    parts.append(encoded.definition_tail)
                    if encoded.definition is None:
                        pieces.append(DEFINITION_HEADERS[local] + encoded.definition_tail)
                    else:
                        pieces.append((FIT.MESG_DEFINITION_MASK | local, *encoded.definition[1:]))
                else:
                    local = local_or_none
                same_order = slot_orders[local] == definitions
                known_shapes[encoded.shape_id] = (local, slots[local], same_order)  # type: ignore[assignment]
            parts.append(LOCAL_HEADERS[local])
            if same_order:
                parts.append(encoded.joined)
                if encoded.crc is None:
                    pieces.append(LOCAL_HEADERS[local] + encoded.joined)
                else:
                    pieces.append((local, encoded.crc, encoded.zeros))  # type: ignore[arg-type]
            else:  # the layout is in a slot in another order: the data follows the stored definition
                by_num = dict(zip(encoded.definitions[::3], encoded.data))
                reordered = b"".join([by_num[num] for num in slot_orders[local][::3]])
                parts.append(reordered)
                pieces.append(_stretch(LOCAL_HEADERS[local] + reordered))

    # With a tail, the messages before it are the file's own (its name, serial number, time):
    # remembering them would only push out messages that do come back.
    add(messages, remember=tail is None)
    if tail is None:
        return b"".join(parts), pieces
    # A tail's bytes depend on the slot the next new layout takes and on the slots holding
    # layouts of its own message numbers (which it may reuse), nothing else: the slots are not
    # used after it, so that is all there is to match.
    remembered = _tails.get(tail.key)
    tail_messages = None
    if remembered is None:
        tail_messages = tail.make()
        remembered = (frozenset(num for num, _ in tail_messages), {})
    numbers, by_start = remembered
    start = (next_local & FIT.LOCAL_MESG_NUM_MASK,
             tuple((i, slot, tuple(slot_orders[i])) for i, slot in enumerate(slots) if slot is not None and slot[0] in numbers))
    found = by_start.get(start)
    if found is None:
        body, before = b"".join(parts), len(pieces)
        parts[:] = [body]
        add(tail.make() if tail_messages is None else tail_messages)
        tail_bytes = b"".join(parts[1:])
        found = (tail_bytes, [_whole(tail_bytes, pieces[before:])])
        if len(_tails) >= _TAILS_SIZE:
            _tails.clear()
        if len(by_start) >= LOCAL_SLOTS:  # planport's tails begin alike; a caller whose do not stays bounded
            by_start.clear()
        by_start[start] = found
        _tails[tail.key] = remembered
        del pieces[before:]  # the tail as the one stretch it is remembered as
        parts[:] = [body]
    return b"".join(parts) + found[0], pieces + found[1]


def encode_sdk(messages: list[tuple[int, dict]]) -> bytes:
    """The SDK Encoder alone; a fresh one each time, since one that failed holds garbage."""
    encoder = Encoder()
    for number, fields in messages:
        encoder.on_mesg(number, fields)
    return encoder.close()


def encode_sdk_with_tail(messages: list[tuple[int, dict]], tail: Tail | None = None) -> bytes:
    """``encode_sdk`` of ``messages`` and then ``tail``'s."""
    return encode_sdk([*messages, *tail.make()] if tail else messages)


def encode(messages: list[tuple[int, dict]], tail: Tail | None = None) -> bytes:
    """The FIT file of ``messages`` (and ``tail``'s): the fast path, or the SDK Encoder where the fast path declines."""
    try:
        return encode_fast(messages, tail)
    except Unsupported:
        return encode_sdk_with_tail(messages, tail)

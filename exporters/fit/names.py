"""What a watch shows: workout names, step names and notes, shortened to fit its screen.

The limits come from the FIT C SDK's example allocations (profile 21.94): 16 bytes for a
workout or step name (15 and the terminating NUL) and 50 for a step's notes. Watches show
about 15 characters of a name, so whatever tells two names apart goes first: the date and
the session in a workout name (``12-08 Hip A``), the side in a step name (``L Clamshell``).
Longer text is shortened word by word (known abbreviations, then filler words left out),
then long words before the last are cut to three letters and a dot, and only then is the
text cut.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

#: Bytes of a workout or step name a watch shows (a 16-byte field, NUL included).
NAME_BYTES = 15
#: Bytes of a step's notes (the SDK example's 50-byte field, NUL included).
NOTES_BYTES = 49
#: The longest FIT string (a 255-byte field, NUL included): descriptions and titles kept whole.
TEXT_BYTES = 254

# Ways to shorten a name, tried in this order, each only while the text is still too long:
# (phrase, replacement) abbreviates a whole word or phrase, (word, None) leaves a word out
# (never the last one left). Matching ignores case.
SHORTENINGS: tuple[tuple[str, str | None], ...] = (
    ("with", "+"),
    ("runner's", "runners"),
    ("side-lying leg raise", "side leg lift"),
    ("romanian deadlift", "RDL"),
    ("bulgarian split squat", "Bulg split sq"),
    # Where the library has a floor and a standing (or kneeling) version, the position stays.
    ("standing bird dog", "Stnd bird dog"),
    ("standing hip-flexor stretch", "Stnd hip flex"),
    ("kneeling hip-flexor stretch", "Kneel hip flex"),
    ("side lunge stretch", "Side lng str."),
    ("side-lying quad stretch", "Side quad str"),
    ("lying figure-4 stretch", "Lying fig-4"),
    ("side-to-side leg swings", "Side swings"),
    ("controlled", None),
    ("standing", None),
    ("seated", None),
    ("kneeling", None),
    ("resisted", None),
    ("single-leg", "1-leg"),
    ("glute bridge", "bridge"),
    ("marching", "march"),
    ("lateral", "side"),
    ("squat walk", "sq walk"),
    ("hip-flexor", "hip flex"),
    ("transitions", "switch"),
    ("stretch", "str."),
    ("hamstring", "hamstr."),
    ("+ leg lift", "+lift"),
    ("side plank", "S.plank"),
    ("1-leg", None),
    # session titles
    ("strength", None),
    ("snack", None),
    ("activation", None),
    ("add-on", None),
    ("session", None),
    ("workout", None),
    ("routine", None),
    ("training", None),
    ("the", None),
    ("and", None),
    ("of", None),
    ("a", None),
    ("an", None),
)
#: On a step done one side at a time the side says which leg: "1-leg" can go first.
SIDED_SHORTENINGS: tuple[tuple[str, str | None], ...] = (("single-leg", None), *SHORTENINGS)
SIDES = {"left": "L", "right": "R"}
#: Filler words matched as written: a capital A is a session's letter.
ARTICLES = frozenset({"a", "an"})


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def cut_utf8(text: str, limit: int = TEXT_BYTES) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never inside a character."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore")


def cut_words(text: str, limit: int, ellipsis: str = "") -> str:
    """``text`` in at most ``limit`` bytes, cut after a whole word when one fits in the first half."""
    text = " ".join(text.split())
    if utf8_len(text) <= limit:
        return text
    room = limit - utf8_len(ellipsis)
    head = cut_utf8(text, room)
    at_word_end = text[len(head):len(head) + 1] == " "
    space = head.rfind(" ")
    if not at_word_end and space >= len(head) // 2:
        head = head[:space]
    return head.rstrip(" ,.;:-+") + ellipsis


@functools.cache
def _phrase(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)


_PLUS = re.compile(r"\s+\+(?=\S)")


def _apply(text: str, phrase: str, replacement: str | None, protect_last: bool) -> str:
    capital = not text[:1].islower()
    pattern = _phrase(phrase)
    if replacement is None:
        words = text.split(" ")
        last = len(words) - 1 if protect_last else -1
        if phrase in ARTICLES:  # "a" the article, never "A" the session letter
            kept = [w for i, w in enumerate(words) if i == last or w != phrase]
        else:
            kept = [w for i, w in enumerate(words) if i == last or not pattern.fullmatch(w)]
        text = " ".join(kept) if kept else text
    else:

        def keep_case(match: re.Match[str]) -> str:
            found = match.group(0).strip()
            if found[:1].isupper() and replacement[:1].islower():
                return replacement[:1].upper() + replacement[1:]
            return replacement

        text = pattern.sub(keep_case, text)
    text = _PLUS.sub("+", " ".join(text.split()))  # "+lift" joins the word before it
    return text[:1].upper() + text[1:] if capital else text


@functools.lru_cache(maxsize=4096)  # the same few names come back in every workout of every athlete
def shorten(text: str, limit: int, shortenings: tuple[tuple[str, str | None], ...] = SHORTENINGS) -> str:
    """``text`` in at most ``limit`` bytes, still readable: abbreviations and fewer words, then a cut.

    A last word of one or two characters (the ``A`` of ``Hip strength A``) is kept to the end."""
    text = " ".join(text.split())
    words = text.split(" ")
    keep_last = len(words) > 1 and len(words[-1]) <= 2
    for phrase, replacement in shortenings:
        if utf8_len(text) <= limit:
            return text
        text = _apply(text, phrase, replacement, keep_last)
    if utf8_len(text) <= limit:
        return text
    compressed = _compress(text, limit)
    if utf8_len(compressed) <= limit:
        return compressed
    if keep_last:
        head, last = text.rsplit(" ", 1)
        return cut_words(head, limit - utf8_len(last) - 1) + " " + last
    return cut_words(text, limit)


def _compress(text: str, limit: int) -> str:
    """Long words before the last cut to three letters and a dot (``Side-lying quad stretch`` ->
    ``Sid. quad stretch``), longest first, while too long: every word keeps saying something,
    where cutting at the end would drop the move's noun (``Side-lying``)."""
    words = text.split(" ")
    while utf8_len(" ".join(words)) > limit:
        candidates = [i for i, w in enumerate(words[:-1]) if len(w) >= 5 and not w.endswith(".")]
        if not candidates:
            break
        i = max(candidates, key=lambda i: (len(words[i]), -i))
        words[i] = words[i][:3] + "."
    return " ".join(words)


def session_label(title: str) -> str:
    """What kind of session it is, from its title: the part before a colon (``Hip strength A``)."""
    head = title.split(":", 1)[0].strip()
    return head or title.strip()


def workout_name(day: dt.date, label: str, suffix: str = "") -> str:
    """``12-08 Hip A``: month and day first so a watch's list sorts by date, then the session."""
    prefix = f"{day:%m-%d} "
    tail = f" {suffix}" if suffix else ""
    return prefix + shorten(label, NAME_BYTES - utf8_len(prefix) - utf8_len(tail)) + tail


def exercise_label(name: str, side: str | None = None) -> str:
    """A step name: the side first (``L Clamshell``), then the exercise, shortened to fit."""
    if side is None:
        return shorten(name, NAME_BYTES)
    marker = SIDES[side] + " "
    return marker + shorten(name, NAME_BYTES - utf8_len(marker), SIDED_SHORTENINGS)


def notes(parts: list[str], limit: int = NOTES_BYTES) -> str:
    """Step notes from the most to the least important part, as many as fit; the last one cut at a word."""
    text = ""
    for part in (p.strip().rstrip(".") for p in parts):
        if not part:
            continue
        part = part[:1].upper() + part[1:]
        candidate = f"{text}. {part}" if text else part
        if utf8_len(candidate) <= limit:
            text = candidate
            continue
        room = limit - utf8_len(text) - (2 if text else 0)
        if room >= 12:  # a fragment shorter than this says nothing
            fragment = cut_words(part, room, "…")
            text = f"{text}. {fragment}" if text else fragment
        break
    return text

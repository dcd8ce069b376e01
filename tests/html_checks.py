"""Independent readers for the HTML tests: the page through html5lib, the printed PDF
through pypdf, colours through the WCAG 2 contrast formula, and the plan document's weekly
volume counted again from the JSON (not through planport's code)."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


# --- the page as a tree ------------------------------------------------------------------


def parse_html(data: bytes) -> ET.Element:
    """The page through html5lib in strict mode: any parse error fails the test."""
    import html5lib

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(data.decode("utf-8"))


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def text_of(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def find_all(root: ET.Element, tag: str, cls: str | None = None, **attrs: str) -> list[ET.Element]:
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or local(el.tag) != tag:
            continue
        if cls and cls not in el.get("class", "").split():
            continue
        if any(el.get(k.replace("_", "-")) != v for k, v in attrs.items()):
            continue
        found.append(el)
    return found


def headings(root: ET.Element) -> list[tuple[int, str]]:
    return [(int(local(el.tag)[1]), text_of(el)) for el in root.iter() if isinstance(el.tag, str) and re.fullmatch(r"h[1-6]", local(el.tag))]


def calendar_from_tree(root: ET.Element) -> dict[str, list[str]]:
    """Local date -> ids of the sessions the calendar shows in that day's cell."""
    days = {}
    for cell in find_all(root, "td", "day"):
        days[cell.get("data-date")] = [li.get("data-session") for li in find_all(cell, "li", "session")]
    return days


# --- the plan, counted again ---------------------------------------------------------------


def weekly_volume(plan: dict) -> dict[int, int]:
    """Sets x (lower end of) reps, steps or hold seconds x sides, strength exercises of strength
    sessions only (as --summary counts), by plan week."""
    exercises = {e["id"]: e for e in plan["exercises"]}
    first = min(dt.date.fromisoformat(s["date"]) for s in plan["sessions"])
    first_monday = first - dt.timedelta(days=first.weekday())
    volume: dict[int, int] = {}
    for session in plan["sessions"]:
        week = session.get("week") or (dt.date.fromisoformat(session["date"]) - first_monday).days // 7 + 1
        volume.setdefault(week, 0)
        if session["kind"] != "strength":
            continue
        for block in session["blocks"]:
            exercise = exercises[block["exercise"]]
            if exercise["kind"] != "strength":
                continue
            amount = next(block[k] for k in ("reps", "steps", "hold_seconds") if k in block)
            low = amount["min"] if isinstance(amount, dict) else amount
            sides = 2 if block.get("per_side", exercise["per_side"]) else 1
            volume[week] += block["sets"] * low * sides
    return volume


# --- colour --------------------------------------------------------------------------------


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    la, lb = sorted((luminance(a[:3]), luminance(b[:3])), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hex_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def palette(css: str) -> dict[str, tuple[int, int, int]]:
    """The ``--name: #rrggbb`` custom properties of the stylesheet's first ``:root`` rule."""
    root = re.search(r":root\s*{([^}]*)}", css).group(1)
    return {name: hex_rgb(value) for name, value in re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", root)}


# --- the printed page ----------------------------------------------------------------------


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def cut_cards(pages: list[str], names: list[str]) -> list[str]:
    """Cards whose text does not stay on one page: the card begins with its name on a line
    of its own and holds its how-to and dose table before the next card or the page ends."""
    problems = []
    found: dict[str, list[int]] = {name: [] for name in names}
    for number, text in enumerate(pages, 1):
        lines = [line.strip() for line in text.splitlines()]
        starts = [i for i, line in enumerate(lines) if line in found]
        if not starts:
            continue
        if {"HOW TO", "DOSE BY WEEK"} & {line.upper() for line in lines[: starts[0]]}:
            problems.append(f"page {number} begins with the end of a card cut on the page before")
        for k, i in enumerate(starts):
            found[lines[i]].append(number)
            body = {line.upper() for line in lines[i : starts[k + 1] if k + 1 < len(starts) else len(lines)]}
            if not {"HOW TO", "DOSE BY WEEK"} <= body:
                problems.append(f"the card {lines[i]!r} on page {number} is cut")
    problems += [f"the card {name!r} is on pages {pages_}" for name, pages_ in found.items() if len(pages_) != 1]
    return problems


def cut_months(pages: list[str], months: list[tuple[str, str]]) -> list[str]:
    """Months of the calendar split across pages: each (title, label of its last week row)
    must have that row after the title on the title's page, before the next month's title."""
    problems = []
    titles = [title for title, _ in months]
    for title, last_row in months:
        where = [n for n, text in enumerate(pages) if re.search(rf"^{re.escape(title)}$", text, re.M)]
        if len(where) != 1:
            problems.append(f"month {title!r} is on pages {[n + 1 for n in where]}")
            continue
        text = pages[where[0]]
        after = text[re.search(rf"^{re.escape(title)}$", text, re.M).end():]
        following = [after.find(f"\n{t}\n") for t in titles if t != title and f"\n{t}\n" in after]
        segment = after[: min(following)] if following else after
        if not re.search(rf"^{re.escape(last_row)}\b", segment, re.M):
            problems.append(f"month {title!r} does not end on its page (no {last_row!r} row after it)")
    return problems

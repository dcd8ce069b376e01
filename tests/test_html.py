"""The html exporter: one self-contained page per plan, read back by an HTML parser, a real
headless Chromium (Debian's, through Playwright) and a PDF reader.

The browser tests share one browser per session. They skip, saying why, only when no
chromium can be had (``make test`` installs it when it can); with PLANPORT_REQUIRE_BROWSER=1
(set by .ci/run) they fail instead. Screenshots and PDFs land in tests/artifacts/html/.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import os
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from html_checks import (
    calendar_from_tree,
    contrast,
    cut_cards,
    cut_months,
    find_all,
    headings,
    local,
    palette,
    parse_html,
    pdf_pages,
    text_of,
    weekly_volume,
)
from html_plans import SAMPLE_RUNS, twelve_weeks, with_view_fields, without_view_fields

from planport.core.errors import InputError

from conftest import SAMPLE_PLAN, export_artifacts, plan_with_sessions

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "html"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> & "Clam" </h3>'

#: Printed pages, stated: the sample plan and the twelve-week plan, on A4 and on Letter.
#: The sample: page 1 the header, chart and week table; page 2 the calendar; pages 3-5 the cards.
PAGES = {("sample", "A4"): 5, ("sample", "Letter"): 5, ("twelve", "A4"): 6, ("twelve", "Letter"): 7}


def html_of(plan_doc: dict, locale: str = "en") -> bytes:
    [artifact] = export_artifacts(plan_doc, "html", {"locale": locale})
    return artifact.data


SWAP = ("side-lying-leg-raise", "monster-walk", "No band: side-lying leg raise instead of monster walk.")


@functools.cache
def plan_doc(name: str) -> dict:
    """The plans of these tests, made once; copy one before changing it.

    sample: the shipped plan as written by hand; view: the same with what a built plan
    carries (runs, weeks, a swap, a tempo); twelve: twelve weeks over three months with
    deload weeks 4 and 8."""
    sample = json.loads(SAMPLE_PLAN.read_text("utf-8"))
    if name == "sample":
        return sample
    if name == "view":
        return with_view_fields(sample, SAMPLE_RUNS, swap=SWAP, tempo="3-1-1")
    return with_view_fields(twelve_weeks(sample), SAMPLE_RUNS, deload={4, 8}, swap=SWAP, tempo="3-1-1")


@functools.cache
def page_of(name: str, locale: str = "en") -> bytes:
    return html_of(plan_doc(name), locale)


@pytest.fixture(scope="module")
def sample_doc() -> dict:
    return plan_doc("sample")


@pytest.fixture(scope="module")
def view_doc() -> dict:
    return plan_doc("view")


@pytest.fixture(scope="module")
def twelve_doc() -> dict:
    return plan_doc("twelve")


# --- the exporter, read with an HTML parser -----------------------------------------------


def test_registered_exporter_writes_one_page_named_after_the_plan(sample_doc):
    from conftest import installed_plugins

    plugins = installed_plugins()
    assert "html" in plugins.exporters and "html" not in plugins.broken
    [artifact] = export_artifacts(sample_doc, "html")
    assert (artifact.path, artifact.media_type) == ("hip-2-weeks.html", "text/html")
    assert artifact.data == html_of(sample_doc) == page_of("sample"), "same plan, same bytes"


@pytest.mark.parametrize("locale,lang", [("en", "en"), ("de", "de"), ("de-AT", "de-AT")])
def test_page_is_valid_html_with_lang_headings_in_order_and_a_described_chart(view_doc, locale, lang):
    root = parse_html(page_of("view", locale))  # strict: a parse error fails here
    assert root.get("lang") == lang
    levels = [level for level, _ in headings(root)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"a heading level is skipped: {levels}"
    [svg] = find_all(root, "svg")
    assert svg.get("role") == "img"
    described = {el.get("id"): text_of(el) for el in svg.iter() if el.get("id")}
    for ref in svg.get("aria-labelledby").split():
        assert described.get(ref), f"aria-labelledby names {ref!r}, which has no text"
    # The text equivalent: a table with a row per week, volumes as on the bars.
    rows = {int(tr.get("data-week")): int(tr.get("data-volume")) for tr in find_all(root, "tr") if tr.get("data-volume")}
    bars = {int(r.get("data-week")): int(r.get("data-volume")) for r in find_all(root, "rect", "bar")}
    assert rows == bars == weekly_volume(view_doc)
    for table in find_all(root, "table"):
        assert find_all(table, "th"), "every table has header cells"


def test_page_loads_nothing_and_runs_nothing(view_doc):
    data = page_of("view")
    root = parse_html(data)
    tags = {local(el.tag) for el in root.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base"}
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.startswith("on"), f"event handler {name} on <{local(el.tag)}>"
            if local(name) in ("src", "href"):
                assert value.startswith("#"), f"<{local(el.tag)} {name}={value!r}> points outside the page"
    [csp] = [m for m in find_all(root, "meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp.get("content")
    assert b"http://" not in data.replace(b'xmlns="http://www.w3.org/2000/svg"', b"") and b"https://" not in data


def test_calendar_shows_each_session_on_its_local_date_with_the_days_run(view_doc):
    root = parse_html(page_of("view"))
    days = calendar_from_tree(root)
    expected: dict[str, list[str]] = {}
    for s in sorted(view_doc["sessions"], key=lambda s: (s["date"], s["start_time"])):
        expected.setdefault(s["date"], []).append(s["id"])
    assert {d: ids for d, ids in days.items() if ids} == expected
    assert list(days) == [(dt.date(2026, 12, 7) + dt.timedelta(days=i)).isoformat() for i in range(14)], "Monday-first, two plan weeks"
    for cell in find_all(root, "td", "day"):
        weekday = dt.date.fromisoformat(cell.get("data-date")).strftime("%a").lower()
        assert cell.get("data-run") == SAMPLE_RUNS.get(weekday, "rest")
    saturdays = [c for c in find_all(root, "td", "day") if dt.date.fromisoformat(c.get("data-date")).weekday() == 5]
    for cell in saturdays:
        assert "long-run" in cell.get("class").split()
        assert text_of(cell).endswith("Long run No strength today")
        assert not find_all(cell, "li", "session")
    first = find_all(root, "li", "session", data_session="2026-12-07-hip-strength-a")[0]
    assert text_of(first) == "Strength 7:00 AM 18 min"


def test_hand_written_plan_without_the_optional_fields(sample_doc):
    doc = without_view_fields(sample_doc)
    root = parse_html(html_of(doc))
    assert not find_all(root, "p", "run") and not [c for c in find_all(root, "td") if c.get("data-run")]
    assert not find_all(root, "p", "free") and not find_all(root, "p", "conflict")
    assert not [r for r in find_all(root, "rect", "bar") if r.get("data-deload") == "true"]
    assert [text_of(th) for th in find_all(root, "th") if text_of(th).startswith("Week ")][:2] == ["Week 1", "Week 2"]
    assert {int(r.get("data-week")): int(r.get("data-volume")) for r in find_all(root, "rect", "bar")} == weekly_volume(doc)


def test_built_plan_fields_deload_swap_and_tempo_are_shown(twelve_doc, view_doc):
    root = parse_html(page_of("twelve"))
    deload = {int(r.get("data-week")) for r in find_all(root, "rect", "bar") if r.get("data-deload") == "true"}
    assert deload == {4, 8}
    assert {int(tr.get("data-week")) for tr in find_all(root, "tr", "deload")} == {4, 8}
    assert [text_of(el) for el in find_all(root, "text", "deload-label")] == ["deload", "deload"]
    volumes = weekly_volume(twelve_doc)
    assert volumes[4] < volumes[3] and volumes[8] < volumes[7]

    root = parse_html(page_of("view"))
    [card] = find_all(root, "article", "card", data_exercise="side-lying-leg-raise")
    assert "Swapped in: No band: side-lying leg raise instead of monster walk." in text_of(card)
    [lunge] = find_all(root, "article", "card", data_exercise="reverse-lunge")
    assert "2 × 8–10 per side, tempo 3-1-1" in text_of(lunge)
    [clam] = find_all(root, "article", "card", data_exercise="clamshell")
    assert [[text_of(cell) for cell in tr] for tr in find_all(clam, "tr")][1:] == [["1", "2 × 15 per side"], ["2", "3 × 15 per side"]]


def test_strength_on_the_long_run_day_is_flagged(view_doc):
    doc = copy.deepcopy(view_doc)
    doc["athlete"]["runs"]["mon"] = "long"
    for s in doc["sessions"]:
        s.pop("run")
    root = parse_html(html_of(doc))
    monday = find_all(root, "td", "day", data_date="2026-12-07")[0]
    assert [text_of(p) for p in find_all(monday, "p", "conflict")] == ["Strength on the long-run day"]


def test_german_page_takes_dates_names_and_times_from_babel(view_doc):
    from babel.dates import format_date, format_time, get_day_names

    root = parse_html(page_of("view", "de"))
    months = [text_of(h) for level, h in [(int(local(e.tag)[1]), e) for e in find_all(root, "h3")] if h.get("id", "").startswith("month-")]
    assert months == [format_date(dt.date(2026, 12, 1), "LLLL y", locale="de")] == ["Dezember 2026"]
    header = [text_of(th) for th in find_all(root, "thead")[1].iter("th")]
    names = get_day_names("abbreviated", context="stand-alone", locale="de")
    assert header == ["Woche", *(names[i] for i in range(7))]
    assert header[1:3] == ["Mo", "Di"]
    [session] = find_all(root, "li", "session", data_session="2026-12-08-mobility-snack")
    assert text_of(session) == f"Mobilität {format_time(dt.time(20, 0), 'short', locale='de')} 8 Min."
    assert "Langer Lauf Heute kein Krafttraining" in text_of(find_all(root, "td", "day", data_date="2026-12-12")[0])


def test_unknown_locale_is_bad_input_naming_the_option(sample_doc):
    with pytest.raises(InputError) as caught:
        export_artifacts(sample_doc, "html", {"locale": "xx"})
    assert caught.value.lines() == ["html options: /locale: unknown locale 'xx'; use a language tag such as en, de or de-AT"]
    with pytest.raises(InputError):
        export_artifacts(sample_doc, "html", {"locale": "<b>"})  # refused by the options schema


def test_hostile_text_stays_text(sample_doc):
    doc = copy.deepcopy(sample_doc)
    doc["exercises"][0]["name"] = HOSTILE
    doc["name"] = HOSTILE
    doc["description"] = "</p><script>alert(3)</script>"
    data = html_of(doc)
    root = parse_html(data)
    assert not find_all(root, "script") and not find_all(root, "img")
    [card] = find_all(root, "article", "card", data_exercise="clamshell")
    assert text_of(find_all(card, "h3")[0]) == " ".join(HOSTILE.split())
    assert text_of(find_all(root, "title")[0]).startswith(" ".join(HOSTILE.split()))


def test_every_label_has_a_german_translation():
    from babel.messages.pofile import read_po

    package = Path(__import__("planport.exporters.html", fromlist=["x"]).__file__).parent
    source = "\n".join(p.read_text("utf-8") for p in [*package.glob("*.py"), *package.glob("templates/*.j2")])
    singular = {a or b for a, b in re.findall(r"""(?<!\w)_\(\s*(?:"([^"]+)"|'([^']+)')""", source)}
    plural = set(re.findall(r'n_\(\s*"([^"]+)",\s*"([^"]+)"', source))
    assert len(singular) > 50 and plural
    with (package / "locales" / "de.po").open("rb") as f:
        catalog = read_po(f)
    missing = [m for m in sorted(singular) if not (catalog.get(m) and catalog.get(m).string)]
    missing += [s for s, p in sorted(plural) if not (catalog.get((s, p)) and all(catalog.get((s, p)).string))]
    assert not missing, f"not in locales/de.po: {missing}"


def test_palette_meets_wcag_aa():
    from planport.exporters.html.render import stylesheet

    colours = palette(stylesheet())
    text_pairs = [
        ("ink", g) for g in ("paper", "shade", "long", "strength", "activation", "add-on", "mobility", "deload-ground")
    ] + [("muted", "paper"), ("muted", "shade"), ("muted", "long"), ("accent", "paper"), ("deload", "paper"),
         ("conflict", "long"), ("conflict", "paper"), ("free", "long")]
    for fg, bg in text_pairs:
        assert contrast(colours[fg], colours[bg]) >= 4.5, f"text {fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
    # Non-text contrast (WCAG 1.4.11): bars, the deload hatching and cell borders against their ground.
    for fg, bg in [("bar", "paper"), ("deload", "deload-ground"), ("deload", "paper"), ("rule", "paper")]:
        assert contrast(colours[fg], colours[bg]) >= 3, f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"


# --- the roster index and the preview command ----------------------------------------------


def roster_rows():
    from planport.exporters.html import RosterRow

    return [
        RosterRow("ana-lima", "Ana Lima", "ok", dt.date(2026, 12, 7), dt.date(2027, 1, 31), 24, files=("ana-lima/plan.json", "ana-lima/hip_ana.html", "ana-lima/hip-ana.ics"), row=2),
        RosterRow("bad-row", HOSTILE, "failed", refusals=("weeks: 0 is less than the minimum of 1",), row=3),
        RosterRow("chloe-martin", "Chloé Martin", "ok", dt.date(2026, 12, 8), dt.date(2027, 1, 17), 12, files=("chloe-martin/hip-chloe.html",), row=4),
    ]


def test_roster_index_lists_athletes_with_spans_refusals_and_links():
    from planport.exporters.html import render_roster_index

    root = parse_html(render_roster_index(roster_rows()))
    assert root.get("lang") == "en"
    rows = find_all(root, "tr")[1:]
    assert [r.get("data-athlete") for r in rows] == ["ana-lima", "bad-row", "chloe-martin"]
    ana, bad, _ = rows
    assert [a.get("href") for a in find_all(ana, "a")] == ["ana-lima/hip_ana.html", "ana-lima/plan.json", "ana-lima/hip-ana.ics"]
    assert "Dec 7, 2026 – Jan 31, 2027" in text_of(ana) and " 24 " in f" {text_of(ana)} "
    assert "weeks: 0 is less than the minimum of 1" in text_of(bad)
    assert [a.get("href") for a in find_all(bad, "a")] == ["errors.csv"] and "errors.csv, row 3" in text_of(bad)
    assert not find_all(root, "script") and not find_all(root, "img")
    assert " ".join(HOSTILE.split()) in text_of(bad)
    assert "3 athletes: 2 plans built, 1 refused (errors.csv)." in text_of(find_all(root, "header")[0])
    german = parse_html(render_roster_index(roster_rows(), lang="de"))
    assert german.get("lang") == "de" and "7. Dez. 2026 – 31. Jan. 2027" in text_of(find_all(german, "tr")[1])


def test_roster_index_refuses_a_link_out_of_the_folder():
    from planport.core.writer import UnsafePath
    from planport.exporters.html import RosterRow, render_roster_index

    with pytest.raises(UnsafePath):
        render_roster_index([RosterRow("a", "A", "ok", files=("../elsewhere.html",))])


def test_preview_writes_the_page_and_opens_it(tmp_path, sample_doc):
    from planport.exporters.html.commands import make_preview_command

    opened = []
    command = make_preview_command(opener=lambda url: opened.append(url) or True, folder=lambda: str(tmp_path / "preview"))
    result = CliRunner().invoke(command, [str(SAMPLE_PLAN), "-o", "html.locale=de"])
    assert result.exit_code == 0, result.output
    page = tmp_path / "preview" / "hip-2-weeks.html"
    assert result.output.strip() == str(page)
    assert opened == [page.resolve().as_uri()]
    assert page.read_bytes() == page_of("sample", "de")


def test_preview_of_a_bad_plan_opens_nothing(tmp_path, sample_doc):
    from planport.exporters.html.commands import make_preview_command

    bad = copy.deepcopy(sample_doc)
    bad["sessions"][0]["minutes"] = 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), "utf-8")
    opened = []
    command = make_preview_command(opener=lambda url: opened.append(url) or True, folder=lambda: str(tmp_path / "preview"))
    result = CliRunner().invoke(command, [str(path)])
    assert isinstance(result.exception, InputError)
    assert "/sessions/0/minutes" in result.exception.lines()[0]
    assert not opened and not (tmp_path / "preview").exists()


# --- in a real browser -----------------------------------------------------------------------


@dataclass
class LoadedPage:
    """A page opened from disk with JavaScript off; every request but the page itself is refused."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.requests, f"requests beyond the page itself: {self.requests}"


@pytest.fixture(scope="session")
def browser():
    why = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        why = f"Playwright is not installed ({e})"
    if why is None and not CHROMIUM.exists():
        why = f"Debian's chromium is not at {CHROMIUM} and `make browser` could not install it (that needs root and apt-get)"
    if why:
        if os.environ.get("PLANPORT_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests required (PLANPORT_REQUIRE_BROWSER) but {why}")
        pytest.skip(f"browser tests skipped: {why}")
    with sync_playwright() as playwright:
        # launch() gives every run a fresh temporary profile (user-data-dir) of its own.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, tmp_path):
    contexts = []

    def load(data: bytes, name: str = "page.html", width: int = 1100) -> LoadedPage:
        path = tmp_path / name
        path.write_bytes(data)
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
        contexts.append(context)
        loaded = LoadedPage(None, path.as_uri())

        def route(r):
            if r.request.url == loaded.url:
                r.continue_()
            else:
                loaded.requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and loaded.errors.append(m.text))
        page.on("pageerror", lambda e: loaded.errors.append(str(e)))
        page.on("dialog", lambda d: (loaded.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.goto(loaded.url)
        loaded.page = page
        return loaded

    yield load
    for context in contexts:
        context.close()


def save_artifact(name: str, data: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(data)


def shown_calendar(page) -> dict[str, list[dict]]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('td.day')].map(td => [td.dataset.date,
             [...td.querySelectorAll('li.session')].map(li => ({id: li.dataset.session, text: li.innerText.replace(/\\s+/g, ' ').trim(),
               datetime: li.querySelector('time').getAttribute('datetime'), visible: li.getClientRects().length > 0}))]))"""
    )


TEXT_COLOURS = """() => {
  const rgba = s => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const ground = el => { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) return c; } return [255, 255, 255, 1]; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) || !el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    out.push({text: el.textContent.trim().slice(0, 40), fg: rgba(el instanceof SVGElement ? cs.fill : cs.color), bg: ground(el),
              size: parseFloat(cs.fontSize), bold: parseInt(cs.fontWeight) >= 700});
  }
  return out;
}"""


def assert_text_contrast(loaded: LoadedPage) -> int:
    """Every piece of text as rendered against its ground: 4.5:1, or 3:1 for large text."""
    items = loaded.page.evaluate(TEXT_COLOURS)
    for item in items:
        assert item["fg"] and item["fg"][3] == 1, item
        large = item["size"] >= 24 or (item["bold"] and item["size"] >= 18.66)
        ratio = contrast(tuple(item["fg"]), tuple(item["bg"]))
        assert ratio >= (3 if large else 4.5), f"{item['text']!r} has contrast {ratio:.2f}"
    return len(items)


@pytest.mark.parametrize("locale", ["en", "de"])
def test_browser_sample_page_loads_clean_and_shows_the_plan(open_page, sample_doc, locale):
    loaded = open_page(page_of("sample", locale), f"sample-{locale}.html")
    page = loaded.page
    save_artifact(f"hip-2-weeks-{locale}.png", page.screenshot(full_page=True))
    loaded.assert_clean()
    shown = shown_calendar(page)
    for s in sample_doc["sessions"]:
        [entry] = [e for e in shown[s["date"]] if e["id"] == s["id"]]
        assert entry["visible"] and entry["datetime"].startswith(f"{s['date']}T{s['start_time']}:00-05:00")
    assert sum(len(v) for v in shown.values()) == len(sample_doc["sessions"])
    assert page.evaluate("document.documentElement.lang") == locale
    assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderTopStyle") == "solid", "the inlined stylesheet applies under the page's CSP"
    assert assert_text_contrast(loaded) > 300


@pytest.mark.parametrize(
    "zone,slots,utc_dates",
    [
        # East of UTC: early morning in Auckland (UTC+13 in summer) is the day before in UTC.
        ("Pacific/Auckland", [("2026-12-07", "06:00"), ("2026-12-09", "12:00"), ("2026-12-10", "23:30")], ["2026-12-06", "2026-12-08", "2026-12-10"]),
        # West of UTC: late evening in Los Angeles is the next day in UTC; 02:30 on the night
        # clocks spring forward does not exist and is shown as the 03:30 it becomes.
        ("America/Los_Angeles", [("2026-12-07", "23:30"), ("2026-12-09", "07:00"), ("2027-03-14", "02:30")], ["2026-12-08", "2026-12-09", "2027-03-14"]),
    ],
)
def test_browser_calendar_uses_local_dates_east_and_west_of_utc(open_page, sample_doc, zone, slots, utc_dates):
    doc = plan_with_sessions(copy.deepcopy(sample_doc), zone, slots)
    loaded = open_page(html_of(doc), f"{zone.replace('/', '-')}.html")
    loaded.assert_clean()
    shown = shown_calendar(loaded.page)
    tz = zoneinfo.ZoneInfo(zone)
    for i, ((date, time), utc_date) in enumerate(zip(slots, utc_dates)):
        instant = dt.datetime.combine(dt.date.fromisoformat(date), dt.time.fromisoformat(time), tzinfo=tz).astimezone(dt.timezone.utc)
        assert instant.date().isoformat() == utc_date, "the slot is chosen so UTC and local dates differ (or the gap is crossed)"
        [entry] = shown[date]
        assert entry["id"] == f"s{i}"
        assert dt.datetime.fromisoformat(entry["datetime"]) == instant
        if utc_date != date:
            assert all(e["id"] != f"s{i}" for e in shown.get(utc_date, []))
        wall = instant.astimezone(tz)
        assert f"{wall:%I:%M}".lstrip("0") in entry["text"], entry["text"]
    if zone == "America/Los_Angeles":
        assert "3:30 AM" in shown["2027-03-14"][0]["text"]
        assert "11:30 PM" in shown["2026-12-07"][0]["text"]


def test_browser_chart_bars_match_the_weekly_volume(open_page, twelve_doc):
    loaded = open_page(page_of("twelve"), "twelve.html")
    save_artifact("hip-12-weeks.png", loaded.page.screenshot(full_page=True))
    loaded.assert_clean()
    assert assert_text_contrast(loaded) > 600  # long-run days, deload marks and a swap among them
    bars = loaded.page.evaluate(
        """() => [...document.querySelectorAll('svg rect.bar')].map(r => { const b = r.getBBox();
             return {week: +r.dataset.week, volume: +r.dataset.volume, deload: r.dataset.deload === 'true', x: b.x, y: b.y, height: b.height}; })"""
    )
    ticks = loaded.page.evaluate("() => [...document.querySelectorAll('svg text.tick')].map(t => ({value: +t.dataset.value, y: t.getBBox().y + t.getBBox().height / 2}))")
    expected = weekly_volume(twelve_doc)
    assert [b["week"] for b in sorted(bars, key=lambda b: b["x"])] == list(range(1, 13)), "weeks left to right"
    assert {b["week"]: b["volume"] for b in bars} == expected
    assert {b["week"] for b in bars if b["deload"]} == {4, 8}
    # The bar heights against the y axis as drawn: scale from the 0 tick and the top tick.
    zero = next(t for t in ticks if t["value"] == 0)
    top = max(ticks, key=lambda t: t["value"])
    per_unit = (zero["y"] - top["y"]) / top["value"]
    assert top["value"] >= max(expected.values())
    for bar in bars:
        assert bar["height"] == pytest.approx(expected[bar["week"]] * per_unit, abs=1.0)
        assert bar["y"] + bar["height"] == pytest.approx(zero["y"], abs=1.0)
    # The strength-session row under the bars.
    sessions = loaded.page.evaluate("() => Object.fromEntries([...document.querySelectorAll('svg text.sessions-label')].map(t => [t.dataset.week, +t.textContent]))")
    assert sessions == {str(n): 2 for n in range(1, 13)}


def test_browser_hostile_name_shows_as_text(open_page, sample_doc):
    doc = copy.deepcopy(sample_doc)
    doc["exercises"][0]["name"] = HOSTILE
    doc["sessions"][0]["notes"] = HOSTILE
    doc["description"] = HOSTILE
    loaded = open_page(html_of(doc), "hostile.html")
    page = loaded.page
    assert page.evaluate("document.querySelector('#exercise-clamshell-name').textContent") == HOSTILE
    assert page.evaluate("document.querySelector('.description').textContent") == HOSTILE
    assert page.evaluate("document.querySelectorAll('script, img').length") == 0
    loaded.assert_clean()  # no dialog, no request for "x"


def pdf_structure_problems(pages: list[str], data: bytes) -> list[str]:
    root = parse_html(data)
    names = [text_of(h) for h in find_all(root, "h3") if h.get("id", "").endswith("-name")]
    months = []
    for month in find_all(root, "div", "month"):
        title = text_of(find_all(month, "h3")[0])
        last = find_all(month, "tr")[-1]
        months.append((title, (find_all(last, "th")[0].text or "").strip()))  # "Week 8", without its deload mark
    problems = cut_cards(pages, names) + cut_months(pages, months)
    calendar = [n for n, text in enumerate(pages) if re.search(r"^Calendar$", text, re.M)]
    exercises = [n for n, text in enumerate(pages) if re.search(r"^Exercises$", text, re.M)]
    if len(calendar) != 1 or len(exercises) != 1:
        return problems + [f"section headings on pages {calendar}, {exercises}"]
    for n in range(calendar[0], exercises[0]):
        if re.search(r"^(Week by week|Weekly volume|DOSE BY WEEK)$", pages[n], re.M):
            problems.append(f"page {n + 1} holds the calendar and something else")
    if calendar[0] == 0 or exercises[0] == calendar[0]:
        problems.append("the calendar does not have pages of its own")
    return problems


def test_print_checks_catch_a_cut_card_and_a_cut_month():
    """The PDF checks below are not vacuous: they find a card or a month split over pages."""
    whole = ["Clamshell\nStrength\nHOW TO\n1. Lie down.\nDOSE BY WEEK\n1 2 × 15", "Monster walk\nHOW TO\nStep.\nDose by week\n1 2 × 12"]
    assert cut_cards(whole, ["Clamshell", "Monster walk"]) == []
    cut = ["Clamshell\nStrength\nHOW TO\n1. Lie down.", "DOSE BY WEEK\n1 2 × 15\nMonster walk\nHOW TO\nStep.\nDOSE BY WEEK\n1 2 × 12"]
    assert cut_cards(cut, ["Clamshell", "Monster walk"]) == [
        "the card 'Clamshell' on page 1 is cut", "page 2 begins with the end of a card cut on the page before"]
    months = [("December 2026", "Week 4"), ("January 2027", "Week 8")]
    assert cut_months(["December 2026\nWeek 1 7\nWeek 4 28\nJanuary 2027\nWeek 4\nWeek 8 25"], months) == []
    assert cut_months(["December 2026\nWeek 1 7", "Week 4 28\nJanuary 2027\nWeek 4\nWeek 8 25"], months) == [
        "month 'December 2026' does not end on its page (no 'Week 4' row after it)"]


@pytest.mark.parametrize("plan", ["sample", "twelve"])
def test_browser_prints_whole_cards_and_months_on_the_stated_pages(open_page, plan):
    data = page_of(plan)
    loaded = open_page(data, f"{plan}.html")
    for paper in ("A4", "Letter"):
        pdf = loaded.page.pdf(format=paper)
        save_artifact(f"{plan}-{paper}.pdf", pdf)
        pages = pdf_pages(pdf)
        assert len(pages) == PAGES[(plan, paper)], paper
        assert not pdf_structure_problems(pages, data), paper
    loaded.assert_clean()


def test_browser_roster_index_links_reach_the_files(open_page, tmp_path):
    from planport.exporters.html import render_roster_index

    rows = roster_rows()
    for row in rows:
        for path in row.files:
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text("x")
    (tmp_path / "errors.csv").write_text("row,athlete_id,column,reason\r\n")
    loaded = open_page(render_roster_index(rows), "index.html")
    save_artifact("roster-index.png", loaded.page.screenshot(full_page=True))
    loaded.assert_clean()
    assert assert_text_contrast(loaded) > 20
    hrefs = loaded.page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    assert len(hrefs) == 6
    for href in hrefs:
        assert href.startswith("file://")
        from urllib.parse import unquote, urlparse

        assert Path(unquote(urlparse(href).path)).is_file(), href

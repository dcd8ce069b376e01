"""The plan builder: an athlete profile and a template in, a dated ``Plan`` out, keeping the
coaching rules of ``core/rules.py``.

The steps: shape each session type for the athlete (swap what their equipment rules out,
shorten what their window cannot hold), lay the strength sessions out in Monday-to-Sunday
weeks (``core/placement.py``), add the extras around the runs, then dose every session as
the athlete progresses (``core/progression.py``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import gate
from .errors import InputError, Problem
from .library import Library
from .model import (
    WEEKDAYS,
    Amount,
    Athlete,
    Block,
    Load,
    Plan,
    Session,
    Swap,
    Week,
    parse_utc,
)
from .placement import MINUTES_PER_DAY, Placement, StrengthType, extras_days, minutes_of
from .placement import Week as PlacedWeek
from .profile import HARD_RUNS, STRENGTH_DAYS, AthleteProfile
from .progression import Dosed, Slot, TypeProgress, in_sentence, start_and_span
from .rules import BuildRefusal
from .template import SessionType, Template

__all__ = [
    "AthleteProfile", "BuildRefusal", "Template", "build_checked", "build_from_files", "build_plan", "default_template_path", "load_template",
]

RUN_PHRASE = {
    "easy": "your easy run", "recovery": "your recovery run", "cross-training": "your cross-training",
    "intervals": "your interval session", "tempo": "your tempo run", "long": "your long run",
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Where each extra may go, whatever a template's place_on says (rules 1, 3 and 4).
EXTRA_RUNS = {"activation": HARD_RUNS, "add_on": frozenset({"easy", "recovery", "cross-training"}), "mobility": STRENGTH_DAYS}
EXTRA_WHERE = {
    "activation": "right before an intervals or tempo run",
    "add_on": "after an easy or recovery run on a day without strength",
    "mobility": "on a rest day without strength",
}
ADD_ONS_PER_WEEK = 2  # the sources: tag three exercises onto an easy run twice a week


# --- inputs ---------------------------------------------------------------------------


def load_template(path: str | Path) -> Template:
    """A checked template with the library it names (relative to the template file)."""
    path = Path(path)
    data = gate.load_document(str(path), "template")
    library_path = (path.parent / data["library"]).resolve()
    library_data = gate.load_document(str(library_path), "exercise-library")
    library = Library.from_dict(library_data)
    problems = []
    for i, t in enumerate(data["session_types"]):
        for j, block in enumerate(t["blocks"]):
            at = f"/session_types/{i}/blocks/{j}"
            if block["exercise"] not in library:
                problems.append(Problem(f"{at}/exercise", f"unknown exercise {block['exercise']!r}; it is not in {data['library']}", str(path)))
            elif block.get("optional") and library[block["exercise"]].exercise.kind == "strength":
                # Optional blocks are the first to go when a session is too long; strength work must not go with them.
                problems.append(Problem(f"{at}/optional", "only a mobility or stretch exercise can be optional", str(path)))
    if problems:
        raise InputError(problems)
    return Template.from_dict(data, library, str(path), library_data)


def default_template_path() -> Path:
    """The template shipped with planport (samples/templates)."""
    from importlib.resources import files

    return Path(str(files("planport.samples") / "templates" / "hip-strength-runners.yaml"))


# --- shaping a session type for the athlete ---------------------------------------------


@dataclass
class Shaped:
    """A session type as this athlete does it: swaps made, shortened to its window, and its progress."""

    type: SessionType
    progress: TypeProgress
    window: Amount
    notes: list[str] = field(default_factory=list)  # every session of the type carries them
    top_minutes: int = 0


def _top_blocks(slots: list[Slot]) -> list[Dosed]:
    return [Dosed(s.exercise, s.sets.high, s.unit, s.amount if s.range_in_plan else Amount(s.amount.high, s.amount.high), s.rest_seconds) for s in slots]


def shape(stype: SessionType, profile: AthleteProfile, template: Template, window: Amount) -> Shaped | int:
    """The session type for this athlete, or, when even one exercise of it is longer than its window, that exercise's minutes."""
    library = template.exercises
    have = profile.equipment
    slots: list[Slot] = []
    notes: list[str] = []
    swapped: list[str] = []
    in_session = {b.exercise for b in stype.blocks if library[b.exercise].equipment <= have}
    lacking = [b for b in stype.blocks if not library[b.exercise].equipment <= have]
    stand_ins = dict(zip((id(b) for b in lacking), library.stand_ins([library[b.exercise] for b in lacking], have, in_session)))
    for block in stype.blocks:
        original = library[block.exercise]
        if original.equipment <= have:
            dose, exercise, swap, load = block.dose, original, None, block.load
        else:
            replacement = stand_ins[id(block)]
            missing = " or ".join(sorted(original.equipment - have))
            if replacement is None:
                notes.append(f"No {missing}: {in_sentence(original.exercise.name)} left out; nothing in the library you can do stands in for it.")
                continue
            reason = f"No {missing}: {in_sentence(replacement.exercise.name)} instead of {in_sentence(original.exercise.name)}."
            own = replacement.dose
            # The replacement's own dose; an extra keeps its one-round shape.
            dose = own if stype.kind == "strength" else type(own)(block.dose.sets, own.unit, own.amount, own.rest_seconds)
            exercise, swap, load = replacement, (original.id, reason), None
            swapped.append(f"{in_sentence(replacement.exercise.name)} for {in_sentence(original.exercise.name)} (no {missing})")
        slots.append(Slot(
            exercise=exercise.id, per_side=exercise.exercise.per_side, strength=exercise.exercise.kind == "strength",
            unit=dose.unit, sets=dose.sets, amount=dose.amount, rest_seconds=dose.rest_seconds, optional=block.optional,
            range_in_plan=block.range_in_plan and dose.amount.is_range, load=load, swap=swap, ladder=exercise.ladder(),
        ))
    if swapped:
        notes.append(f"For the equipment you have: {'; '.join(swapped)}.")
    def too_long() -> bool:
        return template.estimate_minutes(_top_blocks(slots)) > window.high

    # Too long at the top of its ranges: first fewer sets (every movement stays), last exercise
    # first; then the warm-up and cool-down; then the last strength moves (rule 8).
    capped: dict[int, Amount] = {}  # id of a slot -> the sets range it had
    for slot in reversed(slots):
        if not too_long():
            break
        if slot.strength and slot.sets.high > slot.sets.low:
            capped[id(slot)], slot.sets = slot.sets, Amount(slot.sets.low, slot.sets.low)
    dropped = []
    while too_long() and len(slots) > 1:
        optional = [i for i, s in enumerate(slots) if s.optional]
        dropped.append(slots.pop(optional[-1] if optional else len(slots) - 1))
    if too_long():
        return template.estimate_minutes(_top_blocks(slots))
    for slot in slots:  # dropping may have made room for sets that were capped first
        if id(slot) in capped:
            slot.sets, fewer = capped.pop(id(slot)), slot.sets
            if too_long():
                capped[id(slot)], slot.sets = slot.sets, fewer
    order = [b.exercise for b in stype.blocks]

    def names(gone: list[Slot]) -> str:
        return _and([in_sentence(library[d.exercise].exercise.name) for d in sorted(gone, key=lambda d: order.index(d.swap[0] if d.swap else d.exercise))])

    shortened = [f"{names(dropped)} left out"] if dropped else []
    fewer_sets = [s for s in slots if id(s) in capped]
    for low, high in sorted({(s.sets.low, capped[id(s)].high) for s in fewer_sets}):
        shortened.append(f"the {names([s for s in fewer_sets if (s.sets.low, capped[id(s)].high) == (low, high)])} at {low} sets, not {high}")
    if shortened:
        what = "your" if stype.kind == "strength" else "its"
        notes.append(f"Shortened to fit {what} {window.high}-minute window: {'; '.join(shortened)}.")
    start, span = start_and_span(profile.level, template.progression.weeks_to_top)
    progress = TypeProgress(
        slots, library, start, span, template.progression.max_rise_percent / 100, template.progression.stage_weeks, have, stype.kind == "strength",
    )
    return Shaped(stype, progress, window, notes, template.estimate_minutes(_top_blocks(slots)))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- the build --------------------------------------------------------------------------


@dataclass
class _Day:
    """A session placed on a day before it is dosed."""

    date: dt.date
    shaped: Shaped
    start: int  # minutes after midnight
    when: str  # after | before | alone


def build_plan(profile: AthleteProfile, template: Template, *, revision: int = 1, created: dt.datetime | None = None) -> Plan:
    """The plan for ``profile``; BuildRefusal (an InputError) naming rule, days and profile field when the rules cannot be kept."""
    types = template.session_types
    plan_notes: list[str] = []

    # Strength types the athlete's window can hold, in rotation order (rule 8).
    strength: dict[str, Shaped] = {}
    unfit: dict[str, int] = {}
    window = profile.minutes.high
    for type_id in template.rotation:
        found = shape(types[type_id], profile, template, profile.minutes)
        if isinstance(found, int):
            unfit[type_id] = found
        else:
            strength[type_id] = found
    if not strength:
        why = "; ".join(f"{types[t].title} takes about {m} minutes with one exercise" for t, m in unfit.items())
        raise BuildRefusal(8, "/minutes/max", f"no strength session fits your {window}-minute window on any day (rule 8): {why}; raise minutes.max")
    for type_id, m in unfit.items():
        plan_notes.append(f"{types[type_id].title} is left out: even with one exercise it takes about {m} minutes, more than your {window}-minute window.")
    rotation = [t for t in template.rotation if t in strength]
    for type_id, shaped in strength.items():
        shaped.progress.elsewhere = frozenset(s.exercise for other, o in strength.items() if other != type_id for s in o.progress.slots)

    placement = Placement(
        profile,
        [StrengthType(t, types[t].title, types[t].heavy, types[t].place_on or STRENGTH_DAYS) for t in rotation],
        rotation,
        template.progression.habit_weeks,
        max(s.top_minutes for s in strength.values()),
    )
    weeks = placement.weeks()

    extras: dict[str, Shaped] = {}
    for name in ("activation", "add_on", "mobility"):
        extra_id = template.extras.get(name)
        if name not in profile.extras or extra_id is None:
            continue
        stype = types[extra_id]
        assert stype.minutes is not None  # the template check asks every extra for its window
        found = shape(stype, profile, template, stype.minutes)
        if isinstance(found, int):
            plan_notes.append(f"{stype.title} is left out: even with one exercise it takes about {found} minutes, more than its {stype.minutes.high}-minute window.")
        else:
            extras[name] = found

    # The latest a strength session may end is midnight on its latest-starting day; progression steps respect it (rule 4).
    strength_days = {date.weekday() for week in weeks for date, _ in week.strength}
    day_room = min((MINUTES_PER_DAY - _start_after_run(profile, WEEKDAYS[d]) for d in strength_days), default=MINUTES_PER_DAY)
    strength_limit = min(profile.minutes.high, day_room)

    deload_every = template.progression.deload_every if profile.deload_every is None else profile.deload_every
    minutes = _Minutes(template)
    sessions: list[Session] = []
    plan_weeks: list[Week] = []
    training_week = 0
    left_out: dict[str, int] = {}  # note -> weekday, so the notes read Monday to Sunday
    previous_asked = None
    steady = False
    for week in weeks:
        deload = bool(deload_every) and week.number % deload_every == 0
        training_week += not deload
        placed = _place_week(profile, week, strength, extras, left_out)
        for day in placed:
            sessions.append(_session(profile, template, minutes, day, training_week, week.number, deload, strength_limit))
        note = _week_note(profile, week, deload, previous_asked)
        if not steady and week.strength and all(s.progress.finished for s in strength.values()):
            steady = True
            note = " ".join(filter(None, [note, "Every exercise is now at its hardest step in this plan: hold the level, or ask a coach what comes next."]))
        plan_weeks.append(Week(week.number, week.monday, deload, note or None))
        previous_asked = week.asked
    plan_notes += sorted(left_out, key=lambda note: (left_out[note], note))
    for name, shaped in extras.items():
        if not any(s.id.endswith(f"-{shaped.type.id}") for s in sessions) and not any(shaped.type.title in note for note in left_out):
            plan_notes.append(f"{shaped.type.title} has no day in your week: it goes {EXTRA_WHERE[name]}.")
    plan_notes += _window_note(profile, sessions)

    used = {b.exercise for s in sessions for b in s.blocks}
    level = {"new": "a new", "returning": "a returning", "experienced": "an experienced"}[profile.level]
    description = f"{profile.weeks} weeks from {profile.start_date.isoformat()} for {level} athlete, {profile.sessions_per_week} strength sessions a week, built from the {template.id} template."
    return Plan(
        id=_plan_id(profile, template),
        name=f"{template.name}: {profile.name}"[:120],
        description=" ".join([description, *plan_notes])[:2000],
        revision=revision,
        created=created or parse_utc(f"{profile.start_date.isoformat()}T00:00:00Z"),
        athlete=Athlete(profile.id, profile.name, profile.time_zone, dict(profile.runs)),
        exercises=tuple(e.exercise for e in template.exercises.exercises.values() if e.id in used),
        sessions=tuple(sessions),
        weeks=tuple(plan_weeks),
    )


def _start_after_run(profile: AthleteProfile, weekday: str) -> int:
    return minutes_of(profile.clock(weekday)) + (profile.run_minutes if profile.runs[weekday] != "rest" else 0)


def _place_week(profile: AthleteProfile, week: PlacedWeek, strength: Mapping[str, Shaped], extras: Mapping[str, Shaped], left_out: dict[str, int]) -> list[_Day]:
    """The week's sessions in date order: strength where placement put it, extras around the runs (rules 1, 3, 4)."""
    days = [week.monday + dt.timedelta(days=d) for d in range(7)]
    days = [d for d in days if profile.start_date <= d <= profile.end_date]
    on_strength = dict(week.strength)
    placed: dict[dt.date, _Day] = {}
    for date, type_id in week.strength:
        weekday = WEEKDAYS[date.weekday()]
        placed[date] = _Day(date, strength[type_id], _start_after_run(profile, weekday), "after" if profile.runs[weekday] != "rest" else "alone")

    def allowed(name: str) -> Callable[[dt.date], bool]:
        runs = EXTRA_RUNS[name] & (extras[name].type.place_on or EXTRA_RUNS[name])
        return lambda d: d not in on_strength and d not in placed and profile.runs[WEEKDAYS[d.weekday()]] in runs

    for name, at_most in (("activation", 7), ("add_on", ADD_ONS_PER_WEEK), ("mobility", 7)):
        if name not in extras:
            continue
        shaped = extras[name]
        for date in extras_days(days, allowed(name), at_most):
            weekday = WEEKDAYS[date.weekday()]
            run = profile.runs[weekday]
            if name == "activation":
                day = _Day(date, shaped, minutes_of(profile.clock(weekday)) - shaped.top_minutes, "before")
                fits = day.start >= 0
            else:
                day = _Day(date, shaped, _start_after_run(profile, weekday), "after" if run != "rest" else "alone")
                fits = day.start + shaped.top_minutes <= MINUTES_PER_DAY
            if fits:
                placed[date] = day
            else:
                clock = profile.clock(weekday).strftime("%H:%M")
                why = f"with the run at {clock} it would start the day before" if name == "activation" else f"from {clock} it would end after midnight"
                left_out[f"{shaped.type.title} is left out on {DAY_NAMES[date.weekday()]}s: {why}."] = date.weekday()
    return [placed[d] for d in sorted(placed)]


class _Minutes:
    """The template's estimate for a list of blocks, remembered: most sessions repeat the one before."""

    def __init__(self, template: Template):
        self.template = template
        self.known: dict[tuple[Dosed, ...], int] = {}

    def __call__(self, blocks: list[Dosed]) -> int:
        key = tuple(blocks)
        if key not in self.known:
            self.known[key] = self.template.estimate_minutes(blocks)
        return self.known[key]


def _session(profile: AthleteProfile, template: Template, estimate: _Minutes, day: _Day, training_week: int, number: int, deload: bool, strength_limit: int) -> Session:
    shaped, stype = day.shaped, day.shaped.type
    weekday = WEEKDAYS[day.date.weekday()]
    run = profile.runs[weekday]
    is_strength = stype.kind == "strength"
    limit = strength_limit if is_strength else shaped.window.high

    def fits(blocks: list[Dosed]) -> bool:
        return estimate(blocks) <= limit

    blocks, changes = shaped.progress.session(training_week, deload and is_strength, fits)
    minutes = estimate(blocks)
    start = day.start if day.when != "before" else minutes_of(profile.clock(weekday)) - minutes
    notes = [_run_note(profile, day, run, stype)]
    notes.append(stype.notes or "")
    if deload and is_strength:
        notes.append("Deload week: one set fewer of each strength exercise.")
    notes += shaped.notes
    notes += changes
    names = [template.exercises[b.exercise].exercise.name for b in blocks if not b.optional]
    title = f"{stype.title}: {', '.join(names)}" if names else stype.title
    return Session(
        id=f"{day.date.isoformat()}-{stype.id}",
        date=day.date,
        start_time=dt.time(start // 60, start % 60),
        title=title if len(title) <= 200 else title[:197] + "...",
        kind=stype.kind,
        minutes=minutes,
        blocks=tuple(_block(b) for b in blocks),
        load=stype.load,
        week=number,
        notes=" ".join(n for n in notes if n)[:2000] or None,
        run=run,
    )


@functools.lru_cache(maxsize=4096)
def _block(b: Dosed) -> Block:
    """The plan block for a dosed one; blocks are immutable, so sessions that repeat share them."""
    return Block(
        exercise=b.exercise,
        sets=b.sets,
        rest_seconds=b.rest_seconds,
        reps=b.amount if b.unit == "reps" else None,
        steps=b.amount if b.unit == "steps" else None,
        hold_seconds=b.amount if b.unit == "hold_seconds" else None,
        load=Load(note=b.load) if b.load else None,
        notes=b.notes,
        tempo=b.tempo,
        swap=Swap(*b.swap) if b.swap else None,
        variant_of=b.variant_of,
    )


def _run_note(profile: AthleteProfile, day: _Day, run: str, stype: SessionType) -> str:
    """How the session sits beside the day's run, in words for the athlete."""
    yesterday = profile.runs[WEEKDAYS[(day.date.weekday() - 1) % 7]]
    if day.when == "before":
        note = f"Right before {RUN_PHRASE[run]}."
    elif day.when == "after":
        note = f"After {RUN_PHRASE[run]}."
    else:
        note = "On your rest day from running."
    if yesterday == "long" and stype.kind in ("strength", "add-on"):
        note += " The day after your long run: " + ("go by feel and drop a set if your legs are still heavy." if stype.heavy else "keep every rep smooth and easy.")
    return note


def _week_note(profile: AthleteProfile, week: PlacedWeek, deload: bool, previous_asked: int | None) -> str:
    notes = []
    if week.number == 1 and profile.start_date.weekday() != 0:
        notes.append(f"The plan starts on a {DAY_NAMES[profile.start_date.weekday()]}, so this first week is a short one.")
    if previous_asked is not None and week.asked > previous_asked:
        notes.append("From this week, a third strength session: the habit holds.")
    if deload:
        notes.append("Deload week: one set fewer of each strength exercise, so the work of the weeks before can settle in.")
    return " ".join(notes)


def _window_note(profile: AthleteProfile, sessions: list[Session]) -> list[str]:
    minutes = [s.minutes for s in sessions if s.kind == "strength"]
    if minutes and max(minutes) < profile.minutes.low:
        return [f"Strength sessions take about {min(minutes)}-{max(minutes)} minutes, under your {profile.minutes.low}-minute minimum: the routine is complete at that length."]
    short = [m for m in minutes if m < profile.minutes.low]
    if short:  # the work is never padded to reach the minimum: it builds up, and deload weeks are lighter
        return [
            f"{len(short)} of {len(minutes)} strength sessions take under your {profile.minutes.low}-minute minimum ({min(short)} minutes at the least): "
            "the work builds up week by week and deload weeks are lighter, rather than sets added to fill the time."
        ]
    return []


def _plan_id(profile: AthleteProfile, template: Template) -> str:
    plan_id = f"{profile.id}-{template.id}"
    if len(plan_id) <= 64:
        return plan_id
    digest = hashlib.sha256(plan_id.encode()).hexdigest()[:8]
    return f"{plan_id[:55].rstrip('-')}-{digest}"


# --- the entry points the CLI and the batch use -------------------------------------------


def build_from_files(athlete_path: str, template_path: str | None = None, revision: int = 1, created: str | None = None) -> Plan:
    """Load, check and build; InputError naming the athlete file when the rules cannot be kept."""
    athlete = gate.load_document(athlete_path, "athlete")
    template = load_template(template_path or default_template_path())
    return build_checked(athlete, template, gate.display_name(athlete_path), revision, created)


def build_checked(athlete: Mapping[str, Any], template: Template, source: str, revision: int = 1, created: str | None = None) -> Plan:
    """The plan for a profile document already checked against the athlete schema.

    A refusal is a BuildRefusal naming ``source``; it is an InputError, so callers that only
    know InputError report it as bad input. The plan comes from checked inputs, so it is not
    put through the schema again (that was a quarter of a batch's time); the tests check
    every plan the builder makes."""
    try:
        return build_plan(AthleteProfile.from_dict(athlete), template, revision=revision, created=parse_utc(created) if created else None)
    except BuildRefusal as refusal:
        raise refusal.with_source(source) from None

"""What the plan page shows, worked out from a Plan: weeks and their volume, the month
calendar, the exercise cards. Plain values only; the template lays them out.

Every date here is the athlete's local date: a session's ``date`` is local to the plan's
zone, and its shown start time is the wall-clock time ``Plan.span`` resolves it to.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from planport.core.model import Block, Exercise, Plan, Session
from planport.core.summary import strength_volume

from .chart import Chart, volume_chart
from .texts import Texts

ONE_DAY = dt.timedelta(days=1)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- weeks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekView:
    number: int
    starts: dt.date
    deload: bool
    note: str | None
    sessions: tuple[Session, ...]
    strength_sessions: int
    volume: int
    label: str  # "Week 3"
    dates: str  # "14–20 Dec"


def plan_weeks(plan: Plan, texts: Texts) -> list[WeekView]:
    """Every plan week from the first to the last, empty ones included.

    A plan that lists its weeks gives their start dates and deload marks; otherwise weeks
    run Monday to Sunday from the first session (``Plan.week_of``)."""
    by_week: dict[int, list[Session]] = {}
    for session in plan.ordered_sessions:
        by_week.setdefault(plan.week_of(session), []).append(session)
    numbers = set(by_week) | {w.week for w in plan.weeks or ()}
    first_monday = monday_of(plan.ordered_sessions[0].date)
    weeks = []
    for number in range(min(numbers), max(numbers) + 1):
        sessions = tuple(by_week.get(number, ()))
        facts = plan.week(number)
        starts = facts.starts if facts else first_monday + dt.timedelta(weeks=number - 1)
        weeks.append(
            WeekView(
                number=number,
                starts=starts,
                deload=bool(facts and facts.deload),
                note=facts.note if facts else None,
                sessions=sessions,
                strength_sessions=sum(s.kind == "strength" for s in sessions),
                volume=strength_volume(plan, sessions),
                label=texts._("Week {n}", n=number),
                dates=texts.interval(starts, starts + 6 * ONE_DAY, "MMMd"),
            )
        )
    return weeks


# --- the month calendar ----------------------------------------------------------------


@dataclass(frozen=True)
class SessionEntry:
    id: str
    kind: str
    kind_label: str
    start: dt.datetime  # aware, in the athlete's zone
    time: str
    minutes: int
    minutes_label: str
    title: str


@dataclass(frozen=True)
class DayCell:
    date: dt.date | None  # None: a day of another month, left blank
    in_plan: bool = False
    run: str | None = None
    run_label: str | None = None
    sessions: tuple[SessionEntry, ...] = ()
    full_date: str = ""

    @property
    def long_run(self) -> bool:
        return self.run == "long"

    @property
    def strength_on_long_run(self) -> bool:
        return self.long_run and any(s.kind == "strength" for s in self.sessions)


@dataclass(frozen=True)
class WeekRow:
    monday: dt.date
    week: WeekView | None  # None for a calendar week outside the plan
    days: tuple[DayCell, ...]


@dataclass(frozen=True)
class Month:
    first: dt.date
    title: str
    rows: tuple[WeekRow, ...]


def run_label(run: str, texts: Texts) -> str:
    labels = {
        "rest": texts._("Rest day"),
        "easy": texts._("Easy run"),
        "recovery": texts._("Recovery run"),
        "intervals": texts._("Intervals"),
        "tempo": texts._("Tempo run"),
        "long": texts._("Long run"),
        "cross-training": texts._("Cross-training"),
    }
    return labels.get(run, run)


def kind_label(session: Session, texts: Texts) -> str:
    labels = {
        "strength": texts._("Strength"),
        "activation": texts._("Activation"),
        "add-on": texts._("Post-run add-on"),
        "mobility": texts._("Mobility"),
    }
    label = labels.get(session.kind, session.kind)
    if session.kind == "strength" and session.load == "heavy":
        label = texts._("Strength, heavy")
    return label


def session_entry(plan: Plan, session: Session, texts: Texts) -> SessionEntry:
    start, _ = plan.span(session)
    return SessionEntry(
        id=session.id,
        kind=session.kind,
        kind_label=kind_label(session, texts),
        start=start,
        time=texts.time(start),
        minutes=session.minutes,
        minutes_label=texts.minutes(session.minutes),
        title=session.title,
    )


def plan_span(plan: Plan, weeks: list[WeekView]) -> tuple[dt.date, dt.date]:
    """From the Monday of the first plan week to the Sunday of the last."""
    sessions = plan.ordered_sessions
    first = min(monday_of(sessions[0].date), weeks[0].starts)
    last = max(monday_of(sessions[-1].date), weeks[-1].starts) + 6 * ONE_DAY
    return first, last


def months(plan: Plan, weeks: list[WeekView], texts: Texts) -> list[Month]:
    """Month tables, Monday first, holding only the calendar weeks the plan touches."""
    first, last = plan_span(plan, weeks)
    by_date: dict[dt.date, list[Session]] = {}
    for session in plan.ordered_sessions:
        by_date.setdefault(session.date, []).append(session)
    week_by_monday = {w.starts: w for w in weeks}
    result = []
    month = first.replace(day=1)
    while month <= last:
        rows = []
        for week_days in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
            monday = week_days[0]
            if week_days[-1] < first or monday > last:
                continue
            cells = tuple(_day_cell(plan, day, month, first, last, by_date, texts) for day in week_days)
            rows.append(WeekRow(monday, week_by_monday.get(monday), cells))
        result.append(Month(month, texts.month_title(month), tuple(rows)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return result


def _day_cell(plan: Plan, day: dt.date, month: dt.date, first: dt.date, last: dt.date, by_date, texts: Texts) -> DayCell:
    if day.month != month.month:
        return DayCell(None)
    full_date = texts.date(day, "full")
    if not first <= day <= last:
        return DayCell(day, full_date=full_date)
    sessions = by_date.get(day, [])
    # The session's own note of the day's run wins; else the athlete's running week says.
    run = next((s.run for s in sessions if s.run), None) or plan.athlete.run_on(day)
    return DayCell(
        date=day,
        in_plan=True,
        run=run,
        run_label=run_label(run, texts) if run else None,
        sessions=tuple(session_entry(plan, s, texts) for s in sessions),
        full_date=full_date,
    )


# --- exercise cards ----------------------------------------------------------------------


@dataclass(frozen=True)
class DoseStep:
    weeks: str  # "1", "2–4"
    doses: tuple[str, ...]


@dataclass(frozen=True)
class ExerciseCard:
    exercise: Exercise
    kind_label: str
    focus: str
    equipment: str
    progression: tuple[DoseStep, ...]
    swaps: tuple[str, ...]
    alternatives: tuple[str, ...]
    sessions: int


def describe_block(block: Block, exercise: Exercise, texts: Texts) -> str:
    """One set's prescription as a coach writes it, in the page's language: ``3 × 12–15 steps``."""
    unit, amount = block.dose
    value = f"{amount.low}–{amount.high}" if amount.is_range else str(amount.low)
    text = {
        "reps": value,
        "steps": texts._("{value} steps", value=value),
        "hold_seconds": texts._("{value} s", value=value),
    }[unit]
    dose = f"{block.sets} × {text}"
    if block.sides(exercise) == 2:
        dose += " " + texts._("per side")
    extras = []
    if block.load:
        extras.append(str(block.load))
    if block.tempo:
        extras.append(texts._("tempo {tempo}", tempo=block.tempo))
    return ", ".join([dose, *extras])


def exercise_cards(plan: Plan, weeks: list[WeekView], texts: Texts) -> list[ExerciseCard]:
    """A card for each exercise the plan uses, in order of first use."""
    used: dict[str, dict[int, dict[str, list[str]]]] = {}  # exercise -> week -> dose -> session kinds
    swaps: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for week in weeks:
        for session in week.sessions:
            for exercise_id in dict.fromkeys(b.exercise for b in session.blocks):
                counts[exercise_id] = counts.get(exercise_id, 0) + 1
            for block in session.blocks:
                exercise = plan.exercise(block.exercise)
                doses = used.setdefault(block.exercise, {}).setdefault(week.number, {})
                session_kinds = doses.setdefault(describe_block(block, exercise, texts), [])
                if kind_label(session, texts) not in session_kinds:
                    session_kinds.append(kind_label(session, texts))
                if block.swap and block.swap.reason not in swaps.setdefault(block.exercise, []):
                    swaps[block.exercise].append(block.swap.reason)
    exercise_kinds = {"strength": texts._("Strength"), "mobility": texts._("Mobility"), "stretch": texts._("Stretch")}
    names = {e.id: e.name for e in plan.exercises}
    cards = []
    for exercise_id, by_week in used.items():
        exercise = plan.exercise(exercise_id)
        cards.append(
            ExerciseCard(
                exercise=exercise,
                kind_label=exercise_kinds.get(exercise.kind, exercise.kind),
                focus=", ".join(exercise.focus),
                equipment=", ".join(exercise.equipment) or texts._("none"),
                progression=tuple(_progression(by_week)),
                swaps=tuple(swaps.get(exercise_id, ())),
                alternatives=tuple(names[a] for a in exercise.alternatives or () if a in names),
                sessions=counts[exercise_id],
            )
        )
    return cards


def _progression(by_week: dict[int, dict[str, list[str]]]) -> list[DoseStep]:
    """Runs of consecutive weeks with the same doses, as one row each.

    When a week holds the exercise at more than one dose (an activation warm-up and a
    strength session), each dose names the sessions it belongs to."""
    steps: list[tuple[int, int, tuple[str, ...]]] = []
    for week in sorted(by_week):
        week_doses = by_week[week]
        if len(week_doses) == 1:
            doses = tuple(week_doses)
        else:
            doses = tuple(f"{dose} ({', '.join(kinds)})" for dose, kinds in week_doses.items())
        if steps and steps[-1][2] == doses and steps[-1][1] == week - 1:
            steps[-1] = (steps[-1][0], week, doses)
        else:
            steps.append((week, week, doses))
    return [DoseStep(str(a) if a == b else f"{a}–{b}", doses) for a, b, doses in steps]


# --- the page --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPage:
    plan: Plan
    texts: Texts
    weeks: list[WeekView]
    months: list[Month]
    chart: Chart
    cards: list[ExerciseCard]
    span: str
    created: str
    weekdays: list[str]
    weekdays_wide: list[str]
    has_runs: bool
    totals: dict = field(default_factory=dict)


def plan_page(plan: Plan, texts: Texts) -> PlanPage:
    weeks = plan_weeks(plan, texts)
    first, last = plan_span(plan, weeks)
    sessions = plan.ordered_sessions
    return PlanPage(
        plan=plan,
        texts=texts,
        weeks=weeks,
        months=months(plan, weeks, texts),
        chart=volume_chart(weeks, texts),
        cards=exercise_cards(plan, weeks, texts),
        span=texts.interval(sessions[0].date, sessions[-1].date),
        created=texts.date(plan.created.astimezone(plan.zone).date(), "long"),
        weekdays=texts.weekdays("abbreviated"),
        weekdays_wide=texts.weekdays("wide"),
        has_runs=plan.athlete.runs is not None or any(s.run for s in sessions),
        totals={
            "sessions": len(sessions),
            "strength": sum(s.kind == "strength" for s in sessions),
            "minutes": sum(s.minutes for s in sessions),
            "first": first,
            "last": last,
        },
    )

"""The weekly volume chart's geometry: bars, axis ticks and labels in SVG user units.

Worked out here rather than in the template so a test can check the numbers, and the
template only places them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .texts import Texts
    from .view import WeekView

WIDTH = 720
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 118, 12, 30, 56  # row labels of the x axis sit in the left margin
MAX_BAR = 64  # a short plan's few bars stay bars, not blocks
MAX_LABELLED = 16  # above this many weeks, label every other week or so


@dataclass(frozen=True)
class Bar:
    week: int
    volume: int
    strength_sessions: int
    deload: bool
    x: float
    y: float
    width: float
    height: float
    center: float
    labelled: bool


@dataclass(frozen=True)
class Tick:
    value: int
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float  # the y of the x axis
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    y_max: int
    title: str
    description: str
    y_title: str
    x_title: str
    sessions_title: str
    any_deload: bool

    @property
    def y_title_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_step(top: float, ticks: int = 5) -> int:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks up to ``top``."""
    if top <= 0:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= raw and float(step).is_integer():
            return int(step)
    return int(10 * power)


def volume_chart(weeks: list[WeekView], texts: Texts) -> Chart:
    top_volume = max((w.volume for w in weeks), default=0)
    step = nice_step(top_volume)
    y_max = max(step, math.ceil(top_volume / step) * step)
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    plot_left, plot_right = LEFT, WIDTH - RIGHT
    scale = (plot_bottom - plot_top) / y_max
    band = (plot_right - plot_left) / len(weeks)
    every = max(1, math.ceil(len(weeks) / MAX_LABELLED))
    bars = []
    for i, week in enumerate(weeks):
        height = week.volume * scale
        width = min(band * 0.62, MAX_BAR)
        x = plot_left + i * band + (band - width) / 2
        bars.append(
            Bar(
                week=week.number,
                volume=week.volume,
                strength_sessions=week.strength_sessions,
                deload=week.deload,
                x=round(x, 2),
                y=round(plot_bottom - height, 2),
                width=round(width, 2),
                height=round(height, 2),
                center=round(x + width / 2, 2),
                labelled=i % every == 0 or i == len(weeks) - 1,
            )
        )
    ticks = tuple(Tick(v, round(plot_bottom - v * scale, 2), texts.number(v)) for v in range(0, y_max + 1, step))
    deloads = [w.number for w in weeks if w.deload]
    lowest = min(weeks, key=lambda w: (w.volume, w.number))
    highest = max(weeks, key=lambda w: (w.volume, -w.number))
    description = texts._(
        "Bar chart of strength volume per plan week, {first} to {last}: lowest {low} in week {low_week}, highest {high} in week {high_week}.",
        first=weeks[0].number,
        last=weeks[-1].number,
        low=texts.number(lowest.volume),
        low_week=lowest.number,
        high=texts.number(highest.volume),
        high_week=highest.number,
    )
    if deloads:
        description += " " + texts._("Deload weeks: {weeks}.", weeks=", ".join(map(str, deloads)))
    description += " " + texts._("The table below lists every week.")
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=plot_left,
        right=plot_right,
        top=plot_top,
        bottom=plot_bottom,
        bars=tuple(bars),
        ticks=ticks,
        y_max=y_max,
        title=texts._("Strength volume per week"),
        description=description,
        y_title=texts._("Volume"),
        x_title=texts._("Plan week"),
        sessions_title=texts._("Strength sessions"),
        any_deload=bool(deloads),
    )

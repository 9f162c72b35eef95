"""Bar charts drawn on the server as SVG, with the numbers beside them in a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 150
WIDTH = 520


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value and geometry."""

    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart, ready for the template."""

    title: str
    bars: Sequence[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    width: int = WIDTH


def bar_chart(title: str, items: Sequence[tuple[str, int]]) -> BarChart:
    """Lay out one bar per (label, value), scaled to the largest value."""
    largest = max((value for _label, value in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    bars = [
        Bar(label, value, index * (BAR_HEIGHT + GAP), max(1, round(room * value / largest)))
        for index, (label, value) in enumerate(items)
    ]
    return BarChart(title, bars, max(1, len(bars)) * (BAR_HEIGHT + GAP))

"""A person's articles and quotes by month as an SVG bar chart, drawn on the server so
that it shows without JavaScript. The numbers are in the markup too (a table beside it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

WIDTH, HEIGHT, BAR_GAP = 600, 160, 4
# The newest this many months that have anything in them.
MAX_MONTHS = 24


@dataclass(frozen=True, slots=True)
class Bar:
    month: str
    articles: int
    quotes: int
    x: float
    width: float
    articles_height: float
    quotes_height: float


@dataclass(frozen=True, slots=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    peak: int


def monthly_bars(articles: Counter[str], quotes: Counter[str]) -> Chart | None:
    months = sorted(set(articles) | set(quotes))[-MAX_MONTHS:]
    if not months:
        return None
    peak = max(max(articles[m], quotes[m]) for m in months) or 1
    slot = min(WIDTH / len(months), 60)
    half = max((slot - BAR_GAP) / 2, 1)
    bars = [Bar(m, articles[m], quotes[m], x=i * slot, width=half,
                articles_height=HEIGHT * articles[m] / peak, quotes_height=HEIGHT * quotes[m] / peak)
            for i, m in enumerate(months)]
    return Chart(bars, WIDTH, HEIGHT, peak)

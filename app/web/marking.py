"""An article's text cut into pieces for the page: plain runs, quote parts, mentions.

Pure: offsets in, pieces out; the template escapes every piece's text. Quotes win over
mentions: a mention is linked where it lies wholly inside one quote part or wholly
outside all of them, and a quote part that overlaps one already placed is left plain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# As many speaker colours as the stylesheet has (.speaker-0 … .speaker-7).
SPEAKER_COLOURS = 8


@dataclass(slots=True)
class Piece:
    text: str
    entity_id: int | None = None  # a mention of this entity


@dataclass(slots=True)
class Run:
    """A stretch of text: inside a quote part (`quote` set) or between them."""

    pieces: list[Piece] = field(default_factory=list)
    quote: dict[str, Any] | None = None
    colour: int = 0
    first_part: bool = False  # the anchor (#q<id>) goes on a quote's first part


def speaker_colours(quotes: list[dict[str, Any]]) -> dict[str, int]:
    """One colour per speaker, in order of first quote; unattributed quotes share one."""
    colours: dict[str, int] = {}
    for q in quotes:
        key = speaker_key(q)
        if key not in colours:
            colours[key] = len(colours) % SPEAKER_COLOURS
    return colours


def speaker_key(quote: dict[str, Any]) -> str:
    speaker = quote.get("speaker") or {}
    if speaker.get("entity_id") is not None:
        return f"e{speaker['entity_id']}"
    return f"n{speaker.get('name') or ''}"


def mark(text: str, quotes: list[dict[str, Any]], entities: list[dict[str, Any]]) -> list[Run]:
    colours = speaker_colours(quotes)
    parts: list[tuple[int, int, dict[str, Any], bool]] = []
    for q in quotes:
        for i, p in enumerate(q["parts"]):
            parts.append((p["start"], p["end"], q, i == 0))
    parts.sort(key=lambda p: (p[0], p[1]))
    placed: list[tuple[int, int, dict[str, Any], bool]] = []
    for part in parts:
        start, end = part[0], part[1]
        if 0 <= start < end <= len(text) and (not placed or start >= placed[-1][1]):
            placed.append(part)
    mentions = sorted(
        (m["start"], m["end"], e["id"]) for e in entities for m in e["mentions"]
        if 0 <= m["start"] < m["end"] <= len(text)
    )
    runs: list[Run] = []
    at = 0
    for start, end, quote, first in placed:
        if at < start:
            runs.append(Run(_pieces(text, at, start, mentions)))
        runs.append(Run(_pieces(text, start, end, mentions), quote, colours[speaker_key(quote)], first))
        at = end
    if at < len(text):
        runs.append(Run(_pieces(text, at, len(text), mentions)))
    return runs


def _pieces(text: str, start: int, end: int, mentions: list[tuple[int, int, int]]) -> list[Piece]:
    pieces: list[Piece] = []
    at = start
    for m_start, m_end, entity_id in mentions:
        if m_start < at or m_end > end:
            continue  # crosses this run's edge, or overlaps the mention before
        if at < m_start:
            pieces.append(Piece(text[at:m_start]))
        pieces.append(Piece(text[m_start:m_end], entity_id))
        at = m_end
    if at < end:
        pieces.append(Piece(text[at:end]))
    return pieces

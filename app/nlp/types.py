"""The extractor's output: plain frozen data that the service layer stores and serves.

Every `start`/`end` is a half-open range of Unicode code points into the text the
extractor was given, and `text[start:end] == span.text` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

QuoteKind = Literal["direct", "mixed", "indirect"]
# What the cue reports: something said, something believed, or something meant to be done.
CueType = Literal["speech", "belief", "intention", "other"]


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ExtractedEntity:
    """One canonical entity of an article, with every mention of it in the text."""

    name: str  # canonical: fullest form of a person's name, one name for a country's aliases
    type: str  # OntoNotes label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, ...
    mentions: tuple[Span, ...]
    salience: float  # 0..1, how central the entity is to the article


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str  # the resolved person or organisation, or the words themselves if unresolved
    entity: int | None  # index into Extraction.entities, None when not resolved to one
    mention: Span  # the words in the text that name or refer to the source ("he", "Ibrahim")


@dataclass(frozen=True, slots=True)
class ExtractedQuote:
    """One statement: one source, one cue. A statement interrupted by its attribution
    (“We will,” she said. “We must.”) is one quote whose `parts` are its pieces in text
    order; `text`/`start`/`end` cover them all, the narration between them included."""

    text: str
    start: int
    end: int
    kind: QuoteKind
    speaker: Speaker | None
    cue: Span | None
    parts: tuple[Span, ...]
    cue_type: CueType = "speech"


@dataclass(frozen=True, slots=True)
class Extraction:
    entities: tuple[ExtractedEntity, ...] = field(default_factory=tuple)
    quotes: tuple[ExtractedQuote, ...] = field(default_factory=tuple)
    language: str = "en"  # ISO 639-1; only English is extracted, others come back empty
    version: str = ""  # the extractor's (pipeline.version): what a re-extraction compares

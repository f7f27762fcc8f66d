"""An attribution as the stages build it: content, cue and source as character offsets
into the article, before the source is resolved to an entity; and what every stage
reads, with the one signature every stage has."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from app.nlp import captions
from app.nlp.text import Paragraph, Quotes
from app.nlp.types import QuoteKind

# A content this much covered by one quotation is that quotation ("direct").
_DIRECT_COVER = 0.8


@dataclass(frozen=True, slots=True)
class Attribution:
    start: int  # content
    end: int
    cue_start: int | None
    cue_end: int | None
    speaker: tuple[int, int] | None  # the source's words
    speaker_token: Token | None
    kind: QuoteKind = "indirect"
    # The pieces of a statement its attribution interrupts, in text order; empty while
    # the content is one piece, start to end.
    pieces: tuple[tuple[int, int], ...] = ()
    stage: str = ""  # the stage that found it (pipeline.STAGES), so each can be measured alone

    @property
    def parts(self) -> tuple[tuple[int, int], ...]:
        return self.pieces or ((self.start, self.end),)

    @property
    def cue(self) -> tuple[int, int] | None:
        if self.cue_start is None or self.cue_end is None:
            return None
        return self.cue_start, self.cue_end


@dataclass(frozen=True, slots=True)
class Article:
    """What every stage reads: the text, its paragraphs as parsed, its quotations, where
    the body ends (a byline after it), and the people's names (full and surnames)."""

    text: str
    parsed: Sequence[tuple[Paragraph, Doc]]
    quotes: Quotes
    body_end: int
    people: frozenset[str]

    def body(self) -> Iterator[tuple[Paragraph, Doc]]:
        """The paragraphs a source may speak in: not the byline, not photo captions."""
        for para, doc in self.parsed:
            if para.start < self.body_end and not captions.is_caption(self.text, para):
                yield para, doc


class Spans:
    """The parsed words at character offsets of the article, found by bisection."""

    def __init__(self, article: Article) -> None:
        self.parsed = article.parsed
        self.starts = [para.start for para, _ in article.parsed]

    def span(self, start: int, end: int) -> tuple[int, Span] | None:
        """The words from `start` to `end` (widened to whole words) and the offset of
        their paragraph; None when they are not in one paragraph's parse."""
        k = bisect.bisect_right(self.starts, start) - 1
        if k < 0:
            return None
        para, doc = self.parsed[k]
        span = doc.char_span(start - para.start, end - para.start, alignment_mode="expand")
        return (para.start, span) if span is not None and len(span) else None

    def root(self, start: int, end: int) -> Token | None:
        found = self.span(start, end)
        return found[1].root if found is not None else None


# Every stage: the article and the attributions the stages before it found (those it
# must not find again) in, its own attributions out.
Stage = Callable[[Article, Sequence[Attribution]], list[Attribution]]


def classify(att: Attribution, quotes: Quotes, text: str) -> Attribution:
    """direct when the content is a quotation, mixed when it holds one, indirect otherwise;
    a content that cuts a quotation is widened to take all of it."""
    inside = quotes.overlapping(att.start, att.end)
    if not inside:
        return replace(att, kind="indirect")
    covered = sum(min(q[1], att.end) - max(q[0], att.start) for q in inside)
    if len(inside) == 1 and covered >= _DIRECT_COVER * (att.end - att.start):
        q_start, q_end = inside[0]
        if att.cue is not None and q_start <= att.cue[0] < q_end:
            # A transcript's quoted turn ("“PENCE: Well, …"): what follows the label.
            return replace(att, kind="direct")
        if att.start < q_start and any(c.isalpha() for c in text[att.start:q_start]):
            # "said that “…”": the words that introduce the quotation belong to the
            # content, which mixes them with the quotation.
            return replace(att, end=max(att.end, q_end), kind="mixed")
        return replace(att, start=q_start, end=q_end, kind="direct")
    cue = att.cue
    if cue is not None and (split := _around_cue(att, inside, cue)) is not None:
        return split
    first, last = inside[0], inside[-1]
    # Never widen over the cue itself: a quotation holding the verb is not its content.
    start = min(att.start, first[0]) if cue is None or not (first[0] <= cue[0] < first[1]) else att.start
    end = max(att.end, last[1]) if cue is None or not (last[0] <= cue[0] < last[1]) else att.end
    return replace(att, start=start, end=end, kind="mixed")


def _around_cue(att: Attribution, inside: list[tuple[int, int]], cue: tuple[int, int]) -> Attribution | None:
    """A content that holds its own cue between quotations (“We will,” she said, “win.”)
    is one statement in two parts, the narration between them left out."""
    before = [q for q in inside if q[1] <= cue[0]]
    after = [q for q in inside if q[0] >= cue[1]]
    if not before or not after or not att.start <= before[-1][0] or not after[0][1] <= att.end:
        return None
    start, end = min(att.start, before[0][0]), max(att.end, after[-1][1])
    quoted_only = len(before) == len(after) == 1 and (start, end) == (before[0][0], after[0][1])
    return replace(att, start=start, end=end, pieces=((start, before[-1][1]), (after[0][0], end)),
                   kind="direct" if quoted_only else "mixed")

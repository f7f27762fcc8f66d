"""An attribution as the steps build it: content, cue and source as character offsets
into the article, before the source is resolved to an entity."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from app.nlp.text import Quotes

# A content this much covered by one quotation is that quotation ("direct").
_DIRECT_COVER = 0.8


@dataclass
class Attribution:
    start: int  # content
    end: int
    cue_start: int | None
    cue_end: int | None
    speaker: tuple[int, int] | None  # the source's words
    speaker_token: Token | None
    kind: str = "indirect"
    # The pieces of a statement its attribution interrupts, in text order; empty while
    # the content is one piece, start to end.
    pieces: tuple[tuple[int, int], ...] = ()

    @property
    def parts(self) -> tuple[tuple[int, int], ...]:
        return self.pieces or ((self.start, self.end),)

    @property
    def cue(self) -> tuple[int, int] | None:
        if self.cue_start is None or self.cue_end is None:
            return None
        return self.cue_start, self.cue_end


def classify(att: Attribution, quotes: Quotes, text: str) -> None:
    """direct when the content is a quotation, mixed when it holds one, indirect otherwise;
    a content that cuts a quotation is widened to take all of it."""
    inside = quotes.overlapping(att.start, att.end)
    if not inside:
        att.kind = "indirect"
        return
    covered = sum(min(q[1], att.end) - max(q[0], att.start) for q in inside)
    if len(inside) == 1 and covered >= _DIRECT_COVER * (att.end - att.start):
        q_start, q_end = inside[0]
        if att.cue is not None and q_start <= att.cue[0] < q_end:
            # A transcript's quoted turn ("“PENCE: Well, …"): what follows the label.
            att.kind = "direct"
            return
        if att.start < q_start and any(c.isalpha() for c in text[att.start:q_start]):
            # "said that “…”": the words that introduce the quotation belong to the
            # content, which mixes them with the quotation.
            att.end = max(att.end, q_end)
            att.kind = "mixed"
            return
        att.start, att.end = q_start, q_end
        att.kind = "direct"
        return
    cue = att.cue
    if cue is not None and _around_cue(att, inside, cue):
        return
    first, last = inside[0], inside[-1]
    # Never widen over the cue itself: a quotation holding the verb is not its content.
    if cue is None or not (first[0] <= cue[0] < first[1]):
        att.start = min(att.start, first[0])
    if cue is None or not (last[0] <= cue[0] < last[1]):
        att.end = max(att.end, last[1])
    att.kind = "mixed"


def _around_cue(att: Attribution, inside: list[tuple[int, int]], cue: tuple[int, int]) -> bool:
    """A content that holds its own cue between quotations (“We will,” she said, “win.”)
    is one statement in two parts, the narration between them left out."""
    before = [q for q in inside if q[1] <= cue[0]]
    after = [q for q in inside if q[0] >= cue[1]]
    if not before or not after or not att.start <= before[-1][0] or not after[0][1] <= att.end:
        return False
    att.start, att.end = min(att.start, before[0][0]), max(att.end, after[-1][1])
    att.pieces = ((att.start, before[-1][1]), (after[0][0], att.end))
    quoted_only = len(before) == len(after) == 1 and (att.start, att.end) == (before[0][0], after[0][1])
    att.kind = "direct" if quoted_only else "mixed"
    return True

"""Attributions the rules do not make, proposed whole and kept where a model trained on
PolNeAR train says so ("polls show Trump leading", "Cook called it total political crap",
"she offered a different view"): the long tail of cues seen once or twice, which no list
holds and the cue classifier alone is too unsure of.

Every verb that is no attribution's cue yet, outside the contents already found, is read as
if it were a reporting verb (reported.verb_reports with every role): that proposes a
content and a source. A logistic model over the verb, the content and the source
(proposal_features.py) scores each proposal; the likeliest are kept, none overlapping
another attribution's content."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.tokens import Token

from app.nlp import reported
from app.nlp.attribution import Article, Attribution, classify
from app.nlp.learned import model
from app.nlp.learned.features import CANDIDATE_POS
from app.nlp.learned.proposal_features import proposal_features
from app.nlp.text import iou

ARTIFACT = Path(__file__).parent / "proposals.json"
# Read as a reporting verb in every way one can be: a clause, an infinitive, an object,
# the quotation after it.
_EVERY_ROLE: reported.Roles = frozenset({"reporting", "speech", "infinitive", "object"})
# Two contents sharing at least this share of their extent are one attribution's.
SAME_CONTENT = 0.5


@dataclass(frozen=True, slots=True)
class Proposal:
    attribution: Attribution
    features: list[str]


class Taken:
    """The contents already found, sorted: whether a span repeats one (IoU >= SAME_CONTENT)
    or a position lies inside one is a bisection and a short walk, not a pass over all."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self._widest = max((e - s for s, e in self.spans), default=0)

    def _near(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        i = bisect.bisect_left(self.spans, (start - self._widest, -1))
        while i < len(self.spans) and self.spans[i][0] < end:
            yield self.spans[i]
            i += 1

    def repeats(self, span: tuple[int, int]) -> bool:
        return any(iou(span, s) >= SAME_CONTENT for s in self._near(*span))

    def holds(self, at: int) -> bool:
        return any(s <= at < e for s, e in self._near(at, at + 1))

    def overlaps(self, span: tuple[int, int]) -> bool:
        return any(s < span[1] and span[0] < e for s, e in self._near(*span))

    def add(self, span: tuple[int, int]) -> None:
        bisect.insort(self.spans, span)
        self._widest = max(self._widest, span[1] - span[0])


def proposals(article: Article, found: Sequence[Attribution]) -> list[Proposal]:
    """What each verb that is no cue yet would report, outside what `found` holds."""
    cues = {a.cue_start for a in found if a.cue_start is not None}
    taken = Taken([(a.start, a.end) for a in found])
    out = []
    for para, doc in article.body():
        def roles_of(token: Token, offset: int = para.start) -> reported.Roles:
            at = offset + token.idx
            if token.pos_ not in CANDIDATE_POS or at in cues or taken.holds(at):
                return frozenset()
            return _EVERY_ROLE

        by_cue = {para.start + t.idx: t for t in doc}
        for att in reported.verb_reports(doc, para.start, article.quotes, article.text, roles_of, article.people):
            verb = by_cue.get(att.cue_start or -1)
            if verb is None or taken.repeats((att.start, att.end)):
                continue
            att = classify(replace(att, stage="proposed"), article.quotes, article.text)
            if att.kind != "indirect":
                continue  # quotations are the quotation stage's, which weighs the cues beside them
            out.append(Proposal(att, proposal_features(verb, att, para.start, article)))
    return out


def refine(article: Article, found: Sequence[Attribution]) -> list[Attribution]:
    """The stage: `found`, with the proposals the model keeps, likeliest first, none
    repeating a content already taken."""
    scorer = model.load(ARTIFACT)
    scored = sorted(((scorer.probability(p.features), p.attribution) for p in proposals(article, found)),
                    key=lambda x: (-x[0], x[1].start))
    taken = Taken([(a.start, a.end) for a in found])
    kept = list(found)
    for probability, att in scored:
        if probability < scorer.threshold:
            break
        if taken.repeats((att.start, att.end)) or (att.cue_start is not None and taken.holds(att.cue_start)):
            continue
        taken.add((att.start, att.end))
        kept.append(att)
    return kept

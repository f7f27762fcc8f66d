"""Content boundaries the rules draw, redrawn where a model trained on PolNeAR train
ranks another start or end clearly higher ("said that X, adding Y" ending before the
participle; a content that goes on past the clause the parse gave it). The rules find
the attribution, its cue and source; this stage only moves the edges of its content."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from app.nlp import per_parse
from app.nlp.attribution import Article, Attribution, classify
from app.nlp.learned import boundary_model
from app.nlp.learned.boundary_features import Candidate, end_candidates, start_candidates

# Children of a cue that say when, where, to or by whom it was said, not what.
_MODIFIERS = frozenset({"prep", "npadvmod", "dative", "agent", "nsubj", "nsubjpass"})


def _token_at(doc: Doc, at: int, *, last: bool) -> Token | None:
    """The token holding character `at` of the doc (for `last`, the one ending at or after it)."""
    # Once a parse: a paragraph holds several attributions, each three lookups.
    starts = per_parse.once(doc, "token_starts", lambda: [t.idx for t in doc])
    i = bisect.bisect_right(starts, at) - 1
    if last:
        i = bisect.bisect_left(starts, at) - 1
    return doc[i] if 0 <= i < len(doc) else None


class Cues:
    """Where every attribution's cue starts, sorted: whether a span holds one is two
    bisections, not a pass over the article's cues for each candidate edge (which made the
    stage quadratic in the article: 16 s of CPU on PolNeAR dev's 84 articles joined)."""

    def __init__(self, cues: Iterable[tuple[int, int]] = ()) -> None:
        self.starts = sorted(start for start, _ in cues)

    def any_in(self, start: int, end: int) -> bool:
        if end <= start:
            return False
        i = bisect.bisect_left(self.starts, start)
        return i < len(self.starts) and self.starts[i] < end


def candidates(article: Article, att: Attribution, cues: Cues | None = None,
               para_starts: Sequence[int] | None = None) -> tuple[list[Candidate], list[Candidate]] | None:
    """The start and end candidates of a one-piece content inside one parsed paragraph,
    the rule's own and those it may take (_may_take; `cues` are every attribution's,
    `para_starts` where the article's parsed paragraphs start)."""
    if att.pieces:
        return None
    cues = cues or Cues()
    paras = article.parsed
    if para_starts is None:
        para_starts = [p.start for p, _ in paras]
    i = bisect.bisect_right(para_starts, att.start) - 1
    if i < 0:
        return None
    para, doc = paras[i]
    if att.end > para.start + len(doc.text):
        return None
    offset = para.start
    first = _token_at(doc, att.start - offset, last=False)
    last = _token_at(doc, att.end - offset, last=True)
    if first is None or last is None or last.i < first.i:
        return None
    cue = None
    if att.cue is not None and offset <= att.cue[0] < offset + len(doc.text):
        cue = _token_at(doc, att.cue[0] - offset, last=False)
    text, kind = article.text, f"{att.kind}/{att.stage}"
    starts = start_candidates(text, doc, offset, first, last, cue, kind, article.quotes)
    ends = end_candidates(text, doc, offset, first, last, cue, kind, article.quotes)
    # The cue's own modifiers outside the content say when, where or to whom it was said
    # ("endorsed Kowalski on Thursday", "said in a statement"): never content.
    around = [] if cue is None else [offset + c.idx for c in cue.children if c.dep_ in _MODIFIERS
                                     and not att.start <= offset + c.idx < att.end]
    held = _held(article, att)
    # A labelled statement starts where its label ends ("PENCE: …"): a start further in
    # would cut a transcript turn in two.
    return ([c for c in starts if "rule" in c.feats or (
                att.stage != "labelled" and _may_take(article, att, c.char, att.end, cues, held)
                and not any(c.char <= m < att.start for m in around))],
            [c for c in ends if "rule" in c.feats or (
                _may_take(article, att, att.start, c.char, cues, held)
                and not any(att.end <= m < c.char for m in around))])


def _best(weights: dict[str, float], found: list[Candidate], margin: float) -> Candidate | None:
    """The top candidate, when it beats the rule's own by the margin."""
    scored = [(boundary_model.BoundaryModel.score(weights, c.feats), c) for c in found]
    rule = max((s for s, c in scored if "rule" in c.feats), default=None)
    if rule is None:
        return None
    score, best = max(scored, key=lambda x: x[0])
    return best if score > rule + margin else None


def _held(article: Article, att: Attribution) -> frozenset[tuple[int, int]]:
    """The quotations the content holds now."""
    return frozenset(article.quotes.overlapping(att.start, att.end))


def _may_take(article: Article, att: Attribution, start: int, end: int, cues: Cues,
              held: frozenset[tuple[int, int]] | None = None) -> bool:
    """Whether the content may become [start, end): never over a quotation or a cue it did
    not already hold (`held`, _held's). Those belong to attributions of their own (a
    source quoted in the next sentence), which a wider content would take over."""
    if end <= start:
        return False
    if held is None:
        held = _held(article, att)
    if any(q not in held for q in article.quotes.overlapping(start, end)):
        return False
    # A cue in [start, end) outside the content it already held.
    return not (cues.any_in(start, min(end, att.start)) or cues.any_in(max(start, att.end), end))


def refine(article: Article, atts: Sequence[Attribution],
           model: boundary_model.BoundaryModel | None = None) -> list[Attribution]:
    """The attributions with their contents' edges where the model (the committed one
    unless given) puts them."""
    model = model or boundary_model.load()
    cues = Cues(a.cue for a in atts if a.cue is not None)
    para_starts = [p.start for p, _ in article.parsed]
    out = []
    for att in atts:
        found = candidates(article, att, cues, para_starts)
        if found is None:
            out.append(att)
            continue
        start = _best(model.start, found[0], model.margin)
        end = _best(model.end, found[1], model.margin)
        new_start = start.char if start is not None else att.start
        new_end = end.char if end is not None else att.end
        if (new_start, new_end) == (att.start, att.end) or not _may_take(article, att, new_start, new_end, cues):
            out.append(att)
            continue
        out.append(classify(replace(att, start=new_start, end=new_end), article.quotes, article.text))
    return out

"""Fits the proposal model (app/nlp/learned/proposals.py) on PolNeAR train: each article is
parsed and its attributions found as the extractor finds them (the clause stages); every
proposal the stage would weigh is an example, a hit when its content matches (IoU >= 0.5,
as the scorer matches) a gold attribution that none found already matches, and its source
is the gold one. The last `--held-out` articles are kept out of the fit, for choosing the
threshold that makes the best end-to-end F1 there; dev is never read here.

    python -m app.nlp.training.proposals TRAIN.jsonl [--out app/nlp/learned/proposals.json]

The fit has no randomness (full-batch, weights from zero): the same data and options
write the same bytes."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from app.nlp import entities
from app.nlp.attribution import Article
from app.nlp.learned.model import CueModel
from app.nlp.learned.proposals import ARTIFACT, SAME_CONTENT, proposals
from app.nlp.pipeline import Extractor, clause_attributions, load_pipeline, people, prepare
from app.nlp.text import Paragraph, Quotes, iou
from app.nlp.training import command
from app.nlp.training.fit import fit
from app.nlp.training.matching import source_right

# Held-out end-to-end F1 within this of the best is as good (about one attribution in 300
# held-out ones).
TIE = 0.002


@dataclass
class Scored:
    """One article's proposals with what they would win, and what the rules make there."""

    proposals: list[tuple[list[str], tuple[int, int], int | None]]  # features, content, gold hit
    found: int  # attributions the clause stages make
    matched: int  # gold attributions they match, with the source right
    gold: int  # gold attributions with a source


def article_examples(article: dict, text: str, found: Quotes, parsed: list[tuple[Paragraph, Doc]]) -> Scored:
    """The proposals of one article, parsed, and what the clause stages make of it."""
    art = Article(text, parsed, found, len(text), people(entities.extract(text, parsed, found, len(text))))
    atts = clause_attributions(art)
    gold = article["quotes"]
    sourced = [q for q in gold if q.get("speaker_start") is not None]
    open_gold = [i for i, q in enumerate(gold) if not any(iou(_content(q), (a.start, a.end)) >= SAME_CONTENT
                                                          for a in atts)]
    out = []
    for p in proposals(art, atts):
        span = (p.attribution.start, p.attribution.end)
        hit = next((i for i in open_gold if iou(span, _content(gold[i])) >= SAME_CONTENT
                    and source_right(gold[i], p.attribution.speaker)), None)
        out.append((p.features, span, hit))
    matched = sum(any(iou(_content(q), (a.start, a.end)) >= SAME_CONTENT and source_right(q, a.speaker)
                      for a in atts) for q in sourced)
    return Scored(out, len(atts), matched, len(sourced))


def _content(q: dict) -> tuple[int, int]:
    return q["start"], q["end"]


def examples(articles: Sequence[dict], nlp: Language, common: frozenset[str]) -> Iterator[Scored]:
    """Each article's proposals, its paragraphs parsed as the extractor parses them."""
    prepared = [prepare(a["text"], common) for a in articles]
    docs = nlp.pipe((parse_text[p.start:p.end] for _, _, parse_text, paras in prepared for p in paras), batch_size=64)
    for article, (text, found, _, paras) in zip(articles, prepared, strict=True):
        yield article_examples(article, text, found, [(p, next(docs)) for p in paras])


def end_to_end_f1(scorer: CueModel, threshold: float, articles: Sequence[Scored]) -> float:
    """The scorer's end-to-end F1 (content IoU >= 0.5 and the source right) over
    `articles`, with the proposals kept as the stage keeps them: likeliest first, none
    repeating a content kept before."""
    tp = predicted = gold = 0
    for a in articles:
        ranked = sorted(((scorer.probability(f), span, hit) for f, span, hit in a.proposals), key=lambda x: -x[0])
        kept: list[tuple[int, int]] = []
        won: set[int] = set()
        for p, span, hit in ranked:
            if p < threshold:
                break
            if any(iou(span, k) >= SAME_CONTENT for k in kept):
                continue
            kept.append(span)
            if hit is not None:
                won.add(hit)
        tp += a.matched + len(won)
        predicted += a.found + len(kept)
        gold += a.gold
    return 2 * tp / (predicted + gold) if predicted + gold else 0.0


def train(per_article: list[Scored], held_out: int, l2: float, steps: int,
          thresholds: Sequence[float]) -> tuple[CueModel, dict[str, float]]:
    cut = len(per_article) - held_out
    rows = [(f, int(hit is not None)) for a in per_article[:cut] for f, _, hit in a.proposals]
    weights = fit([f for f, _ in rows], [y for _, y in rows], l2=l2, steps=steps)
    kept = per_article[cut:]
    figures: dict[str, float] = {"examples": len(rows), "hits": sum(y for _, y in rows),
                                 "held_out_without": round(end_to_end_f1(CueModel(weights, 2.0), 2.0, kept), 4)}
    for t in thresholds:
        figures[f"held_out_at_{t}"] = round(end_to_end_f1(CueModel(weights, t), t, kept), 4)
    # Every proposal kept costs exact F1 unless its edges are right, which this figure does
    # not see: among thresholds about as good, the one that keeps fewest.
    top = max(figures[f"held_out_at_{t}"] for t in thresholds)
    best = max(t for t in thresholds if figures[f"held_out_at_{t}"] >= top - TIE)
    figures["threshold"] = best
    return CueModel(weights, best), figures


def main(argv: Sequence[str] | None = None) -> int:
    ap = command.arguments(__doc__, ARTIFACT)
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    args = ap.parse_args(argv)
    articles = command.articles(args.train)
    started = time.perf_counter()
    nlp = load_pipeline()
    per_article = list(examples(articles, nlp, Extractor(nlp).common_words))
    model, figures = train(per_article, args.held_out, args.l2, args.steps, args.thresholds)
    return command.finish(args.out, model.to_json(), figures, started)


if __name__ == "__main__":
    raise SystemExit(main())

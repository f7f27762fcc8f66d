"""Fits the screen (app/nlp/learned/screen.py) on PolNeAR train: each article is parsed
and its attributions made as the clause stages and refiners make them (with their
committed weights, so `make train` runs this last); each indirect one is an
example, a hit when its content matches a gold content (IoU >= 0.5, as the scorer
matches). The last `--held-out` articles are kept out of the fit, for choosing the
threshold that makes the best content F1 plus end-to-end F1 there; dev is never read.

    python -m app.nlp.training.screen TRAIN.jsonl [--out app/nlp/learned/screen.json]

The fit has no randomness (full-batch, weights from zero): the same data and options
write the same bytes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from app.nlp.attribution import Attribution, Spans
from app.nlp.learned.model import CueModel
from app.nlp.learned.screen import ARTIFACT, SCREENED
from app.nlp.learned.screen_features import screen_features
from app.nlp.pipeline import load_pipeline, read_article, refined_attributions
from app.nlp.training import command
from app.nlp.training.fit import fit
from app.nlp.training.matching import end_to_end, hit
from app.nlp.training.tagger import Parsed, parse


@dataclass
class Screened:
    """One article's attributions up to the screen, with what the screen sees of each
    (None: not screened), and its gold attributions."""

    found: list[tuple[Attribution, list[str] | None]]
    gold: list[dict]

    def examples(self) -> list[tuple[list[str], int]]:
        return [(feats, int(hit(self.gold, a, source=False))) for a, feats in self.found if feats is not None]


def screened(p: Parsed) -> Screened:
    _, article = read_article(p.text, p.quotes, p.parsed)
    spans = Spans(article)
    found = refined_attributions(article)
    return Screened([(a, screen_features(a, article, spans) if a.kind in SCREENED else None) for a in found], p.gold)


def figures(articles: Sequence[Screened], scorer: CueModel) -> tuple[float, float]:
    """Content F1 and end-to-end F1 (content and source right) of what the screen keeps."""
    hits = sourced = predicted = gold = with_source = 0
    for a in articles:
        kept = [att for att, feats in a.found if feats is None or scorer.probability(feats) >= scorer.threshold]
        right, matched = end_to_end(a.gold, kept)
        hits += matched
        sourced += right
        predicted += len(kept)
        gold += len(a.gold)
        with_source += sum(q.get("speaker_start") is not None for q in a.gold)
    return 2 * hits / (predicted + gold), 2 * sourced / (predicted + with_source)


def train(per_article: list[Screened], held_out: int, l2: float, steps: int,
          thresholds: Sequence[float]) -> tuple[CueModel, dict[str, float]]:
    cut = len(per_article) - held_out
    rows = [row for a in per_article[:cut] for row in a.examples()]
    weights = fit([f for f, _ in rows], [y for _, y in rows], l2=l2, steps=steps)
    held = per_article[cut:]
    results: dict[str, float] = {"examples": len(rows), "hits": sum(y for _, y in rows)}
    best, best_sum = 0.0, -1.0
    for t in (0.0, *thresholds):
        content, e2e = figures(held, CueModel(weights, t))
        results[f"held_out_at_{t}"] = round(content, 4)
        results[f"held_out_e2e_at_{t}"] = round(e2e, 4)
        # The lowest threshold among equals: an attribution is dropped only when that wins.
        if content + e2e > best_sum + 1e-9:
            best, best_sum = t, content + e2e
    results["threshold"] = best
    return CueModel(weights, best), results


def main(argv: Sequence[str] | None = None) -> int:
    ap = command.arguments(__doc__, ARTIFACT)
    # Held-out train, content F1 plus end-to-end F1 at each l2's chosen threshold: 1, 2, 5,
    # 10, 20, 40, 80 gave 1.2916, 1.2939, 1.2965, 1.2991, 1.3000, 1.3013, 1.3002.
    ap.set_defaults(l2=40.0)
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.35, 0.4, 0.45, 0.5, 0.55])
    args = ap.parse_args(argv)
    articles = command.articles(args.train)
    started = time.perf_counter()
    per_article = [screened(p) for p in parse(articles, load_pipeline())]
    model, results = train(per_article, args.held_out, args.l2, args.steps, args.thresholds)
    return command.finish(args.out, model.to_json(), results, started)


if __name__ == "__main__":
    raise SystemExit(main())

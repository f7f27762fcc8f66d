"""Fits the content-boundary model (app/nlp/learned/boundar*.py) on PolNeAR train: every
attribution the clause stages find, parsed and found as the extractor finds it, that
shares its cue with a gold attribution (or, without a cue, half its content) gives two
ranking examples: its start candidates with the gold start marked, and its end
candidates with the gold end marked (edges compared as the scorer compares them,
punctuation and quotation marks trimmed). The last `--held-out` articles are kept out of
the fit, for choosing the margin; dev is never read here.

    python -m app.nlp.training.boundaries TRAIN.jsonl [--out app/nlp/learned/boundaries.json]

The fit has no randomness (full-batch, weights from zero): the same data and options
write the same bytes."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from spacy.language import Language

from app.nlp import entities
from app.nlp.attribution import Article, Attribution
from app.nlp.learned.boundaries import Cues, candidates
from app.nlp.learned.boundary_features import Candidate, trim_end, trim_start
from app.nlp.learned.boundary_model import ARTIFACT, BoundaryModel
from app.nlp.pipeline import Extractor, clause_attributions, load_pipeline, people, prepare
from app.nlp.text import iou
from app.nlp.training import command
from app.nlp.training.fit import fit_ranking

# One ranking example: the candidates' features and which of them are the gold edge.
Group = tuple[list[list[str]], list[int]]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def gold_for(att: Attribution, gold: list[dict]) -> dict | None:
    """The gold attribution `att` stands for: the one of the same cue whose content it
    overlaps most, or without a cue the one whose content it half covers."""
    span = (att.start, att.end)
    best, best_iou = None, 0.0
    for q in gold:
        g = (q["start"], q["end"])
        same_cue = att.cue is not None and q.get("cue_start") is not None and _overlap(
            att.cue, (q["cue_start"], q["cue_end"])) > 0
        score = iou(span, g)
        if (same_cue and _overlap(span, g) > 0) or score >= 0.5:
            score += 1.0 if same_cue else 0.0
            if score > best_iou:
                best, best_iou = q, score
    return best


def _group(found: list[Candidate], at: int) -> Group | None:
    marks = [int(c.trimmed == at) for c in found]
    return ([c.feats for c in found], marks) if any(marks) else None


def examples(nlp: Language, articles: Sequence[dict],
             common: frozenset[str] = frozenset()) -> Iterator[tuple[list[Group], list[Group]]]:
    """Each article's (start groups, end groups)."""
    prepared = [prepare(a["text"], common) for a in articles]
    stream = (parse_text[p.start:p.end] for _, _, parse_text, paras in prepared for p in paras)
    docs = nlp.pipe(stream, batch_size=64)
    for article, (text, found, _, paras) in zip(articles, prepared, strict=True):
        parsed = [(p, next(docs)) for p in paras]
        art = Article(text, parsed, found, len(text), people(entities.extract(text, parsed, found, len(text))))
        starts, ends = [], []
        atts = clause_attributions(art)
        cues = Cues(a.cue for a in atts if a.cue is not None)
        for att in atts:
            gold = gold_for(att, article["quotes"])
            cands = candidates(art, att, cues) if gold is not None else None
            if gold is None or cands is None:
                continue
            gs = trim_start(text, gold["start"], gold["end"])
            ge = trim_end(text, gold["start"], gold["end"])
            if (s := _group(cands[0], gs)) is not None:
                starts.append(s)
            if (e := _group(cands[1], ge)) is not None:
                ends.append(e)
        yield starts, ends


def choose(weights: dict[str, float], group: Group, margin: float) -> int:
    """The candidate the stage would take: the top one if it beats the rule's by `margin`."""
    feats, _ = group
    scores = [BoundaryModel.score(weights, f) for f in feats]
    rule = next((i for i, f in enumerate(feats) if "rule" in f), None)
    top = max(range(len(scores)), key=scores.__getitem__)
    if rule is None or scores[top] > scores[rule] + margin:
        return top
    return rule


def accuracy(weights: dict[str, float], groups: list[Group], margin: float) -> float:
    return sum(g[1][choose(weights, g, margin)] for g in groups) / max(1, len(groups))


def rule_accuracy(groups: list[Group]) -> float:
    return sum(any(m and "rule" in f for f, m in zip(*g, strict=True)) for g in groups) / max(1, len(groups))


def train(per_article: list[tuple[list[Group], list[Group]]], held_out: int, l2: float, steps: int,
          margins: Sequence[float]) -> tuple[BoundaryModel, dict[str, float]]:
    cut = len(per_article) - held_out
    fitted = per_article[:cut]
    kept = per_article[cut:]
    weights = []
    figures: dict[str, float] = {}
    for side, k in (("start", 0), ("end", 1)):
        groups = [g for a in fitted for g in a[k]]
        w = fit_ranking([g[0] for g in groups], [g[1] for g in groups], l2=l2, steps=steps)
        weights.append(w)
        held = [g for a in kept for g in a[k]]
        figures[f"{side}_groups"] = len(groups)
        figures[f"{side}_held_out_rule"] = round(rule_accuracy(held), 4)
        for margin in margins:
            figures[f"{side}_held_out_at_{margin}"] = round(accuracy(w, held, margin), 4)
    held_both = [(a[0], a[1]) for a in kept]
    best = max(margins, key=lambda m: sum(accuracy(w, [g for a in held_both for g in a[k]], m)
                                          for k, w in enumerate(weights)))
    figures["margin"] = best
    return BoundaryModel(weights[0], weights[1], best), figures


def main(argv: Sequence[str] | None = None) -> int:
    ap = command.arguments(__doc__, ARTIFACT)
    ap.add_argument("--margins", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75, 1.0])
    args = ap.parse_args(argv)
    articles = command.articles(args.train)
    started = time.perf_counter()
    nlp = load_pipeline()
    per_article = list(examples(nlp, articles, Extractor(nlp).common_words))
    model, figures = train(per_article, args.held_out, args.l2, args.steps, args.margins)
    return command.finish(args.out, model.to_json(), figures, started)


if __name__ == "__main__":
    raise SystemExit(main())

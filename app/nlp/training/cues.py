"""Fits the cue classifier (app/nlp/learned/) on PolNeAR train: every verb outside
quotation marks, parsed as the extractor parses it, is an example, a cue when its
characters overlap a gold attribution's cue. The last `--held-out` articles are kept out
of the fit, for choosing the threshold; dev is never read here.

    python -m app.nlp.training.cues TRAIN.jsonl [--out app/nlp/learned/cues.json]

The fit has no randomness (full-batch, weights from zero): the same data and options
write the same bytes."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from spacy.language import Language

from app.nlp.learned.features import CANDIDATE_POS, token_features
from app.nlp.learned.model import ARTIFACT, CueModel
from app.nlp.pipeline import Extractor, load_pipeline, prepare
from app.nlp.training import command
from app.nlp.training.fit import fit

Example = tuple[list[str], int]


def examples(nlp: Language, articles: Sequence[dict],
             common: frozenset[str] = frozenset()) -> Iterator[list[Example]]:
    """Each article's verbs as (features, is a cue), in text order."""
    prepared = [prepare(a["text"], common) for a in articles]
    stream = (parse_text[p.start:p.end] for _, _, parse_text, paras in prepared for p in paras)
    docs = nlp.pipe(stream, batch_size=128)
    for article, (_, quotes, _, paras) in zip(articles, prepared, strict=True):
        cues = [(q["cue_start"], q["cue_end"]) for q in article["quotes"] if q.get("cue_start") is not None]
        out = []
        for para in paras:
            doc = next(docs)
            for token in doc:
                start = para.start + token.idx
                if token.pos_ not in CANDIDATE_POS or quotes.containing(start):
                    continue
                end = start + len(token)
                is_cue = any(s < end and start < e for s, e in cues)
                out.append((token_features(token, para.start, quotes), int(is_cue)))
        yield out


def train(nlp: Language, articles: Sequence[dict], held_out: int, threshold: float, l2: float,
          steps: int) -> tuple[CueModel, dict[str, float]]:
    """The model fitted on all but the last `held_out` articles, and how its cues fare
    on those (precision and recall at the threshold, over every verb)."""
    per_article = list(examples(nlp, articles, Extractor(nlp).common_words))
    cut = len(articles) - held_out
    fitted = [ex for exs in per_article[:cut] for ex in exs]
    weights = fit([f for f, _ in fitted], [y for _, y in fitted], l2=l2, steps=steps)
    model = CueModel(weights, threshold)
    kept = [ex for exs in per_article[cut:] for ex in exs]
    hits = sum(1 for f, y in kept if y and model.probability(f) >= threshold)
    taken = sum(1 for f, _ in kept if model.probability(f) >= threshold)
    gold = sum(y for _, y in kept)
    figures = {"examples": len(fitted), "held_out_examples": len(kept),
               "held_out_precision": hits / taken if taken else 0.0, "held_out_recall": hits / gold if gold else 0.0}
    return model, figures


def main(argv: Sequence[str] | None = None) -> int:
    ap = command.arguments(__doc__, ARTIFACT)
    ap.add_argument("--threshold", type=float, default=0.6,
                    help="chosen on the held-out articles (content F1 of the extractor there)")
    args = ap.parse_args(argv)
    articles = command.articles(args.train)
    started = time.perf_counter()
    model, figures = train(load_pipeline(), articles, args.held_out, args.threshold, args.l2, args.steps)
    return command.finish(args.out, model.to_json(), figures, started)


if __name__ == "__main__":
    raise SystemExit(main())

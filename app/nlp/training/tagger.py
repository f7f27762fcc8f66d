"""Fits the attribution tagger (app/nlp/learned/tagger.py) on PolNeAR train: each article is
parsed as the extractor parses it, each paragraph a sequence whose words are tagged with
the gold attributions' content, cue and source (BIO; where attributions nest, the
outermost's roles win, as the extractor keeps only the outermost). The last `--held-out`
articles are kept out of the fit; on them the extractor's other stages are run and the
threshold chosen that makes the best end-to-end F1 with the tagger's attributions added
(content IoU >= 0.5 and the source right, as the scorer counts). Dev is never read here.

    python -m app.nlp.training.tagger TRAIN.jsonl [--out app/nlp/learned/tagger.crfsuite]

CRFsuite's L-BFGS has no randomness: the same data and options write the same bytes."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite
from spacy.language import Language
from spacy.tokens import Doc

from app.nlp import entities
from app.nlp.attribution import Article, Attribution
from app.nlp.learned import tagger
from app.nlp.learned.model import CueModel
from app.nlp.learned.tag_features import paragraph_features
from app.nlp.pipeline import REFINERS, Extractor, clause_attributions, load_pipeline, people, prepare
from app.nlp.text import Paragraph, Quotes
from app.nlp.training.fit import fit as fit_logistic
from app.nlp.training.matching import end_to_end, hit

# Held-out end-to-end F1 within this of the best is as good: the highest such threshold
# is kept, since each attribution kept costs exact F1 unless its edges are right.
TIE = 0.002


@dataclass
class Parsed:
    """One article as the extractor reads it, with its gold attributions."""

    text: str
    quotes: Quotes
    parsed: list[tuple[Paragraph, Doc]]
    gold: list[dict]

    def article(self) -> Article:
        """As the extractor builds it (the people's names label transcript turns)."""
        names = people(entities.extract(self.text, self.parsed, self.quotes, len(self.text)))
        return Article(self.text, self.parsed, self.quotes, len(self.text), names)


def labels(doc: Doc, offset: int, gold: Sequence[dict]) -> list[str]:
    """The paragraph's tags: the longest contents' attributions first, a word tagged once."""
    tags = ["O"] * len(doc)
    starts = [offset + t.idx for t in doc]
    ends = [s + len(t) for s, t in zip(starts, doc, strict=True)]

    def mark(pieces: Sequence[Sequence[int]], role: str) -> None:
        for s, e in pieces:
            inside = [i for i in range(len(doc)) if starts[i] < e and ends[i] > s and tags[i] == "O"]
            for k, i in enumerate(inside):
                tags[i] = f"{'B' if k == 0 or inside[k - 1] != i - 1 else 'I'}-{role}"

    for q in sorted(gold, key=lambda q: (q["start"] - q["end"], q["start"])):
        mark(q.get("spans") or [(q["start"], q["end"])], tagger.CONTENT)
        if q.get("cue_start") is not None:
            mark([(q["cue_start"], q["cue_end"])], tagger.CUE)
        if q.get("speaker_start") is not None:
            mark(q.get("speaker_spans") or [(q["speaker_start"], q["speaker_end"])], tagger.SOURCE)
    return tags


def fit(articles: Sequence[Parsed], out: Path, c1: float, c2: float, iterations: int) -> None:
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.minfreq": 2,
                        "feature.possible_transitions": True})
    for a in articles:
        for para, doc in a.parsed:
            if len(doc):
                trainer.append(paragraph_features(doc, para.start, a.quotes), labels(doc, para.start, a.gold))
    trainer.train(str(out))


def open_candidates(found: Sequence[Attribution], found_here: Sequence[tagger.Candidate]) -> list[tagger.Candidate]:
    """The candidates the stage could keep: none overlapping a content found."""
    kept = []
    taken = [(a.start, a.end) for a in found]
    for c in found_here:
        if not any(s < c.att.end and c.att.start < e for s, e in taken) and (
                c.att.cue is None or not any(s <= c.att.cue[0] < e for s, e in taken)):
            kept.append(c)
    return kept


@dataclass
class Example:
    """One article's open candidates, what the stages before the tagger found, the gold."""

    gold: list[dict]
    found: list[Attribution]
    candidates: list[tagger.Candidate]


def tagged(articles: Sequence[Parsed], found: Sequence[list[Attribution]], crf: pycrfsuite.Tagger) -> list[Example]:
    return [Example(a.gold, f, open_candidates(f, tagger.candidates(a.article(), crf)))
            for a, f in zip(articles, found, strict=True)]


def figures(held: Sequence[Example], scorer: CueModel, thresholds: Sequence[float]) -> dict[str, float]:
    """End-to-end and content F1 on held-out articles without the tagger and at each threshold."""
    out: dict[str, float] = {}
    for name, at in [("without", 2.0), *((f"at_{t}", t) for t in thresholds)]:
        right = matched = predicted = gold = sourced = 0
        for h in held:
            scored = [(scorer.probability(c.feats), c.att) for c in h.candidates]
            atts = [*h.found, *tagger.keep(h.found, scored, at)]
            r, m = end_to_end(h.gold, atts)
            right, matched, predicted, gold = right + r, matched + m, predicted + len(atts), gold + len(h.gold)
            sourced += sum(q.get("speaker_start") is not None for q in h.gold)
        # As the scorer counts: end-to-end recall is over the attributions that name a source.
        out[f"e2e_{name}"] = round(2 * right / (predicted + sourced), 4)
        out[f"content_{name}"] = round(2 * matched / (predicted + gold), 4)
    return out


def choose(found: dict[str, float], thresholds: Sequence[float]) -> float:
    top = max(found[f"e2e_at_{t}"] for t in thresholds)
    return max(t for t in thresholds if found[f"e2e_at_{t}"] >= top - TIE)


def train(parsed: Sequence[Parsed], found: Sequence[list[Attribution]], out: Path, held_out: int,
          options: argparse.Namespace, workdir: Path) -> dict[str, float]:
    """The CRF (on all but the last `held_out` articles) and the keeper, whose examples are
    the candidates of CRFs fitted on each half of those articles and run on the other half
    (the CRF is surer of the articles it was fitted on than of new ones)."""
    cut = len(parsed) - held_out
    half = cut // 2
    examples: list[Example] = []
    for fit_on, run_on in (((0, half), (half, cut)), ((half, cut), (0, half))):
        path = workdir / f"half{fit_on[0]}.crfsuite"
        fit(parsed[fit_on[0]:fit_on[1]], path, options.c1, options.c2, options.iterations)
        crf = pycrfsuite.Tagger()
        crf.open(str(path))
        examples += tagged(parsed[run_on[0]:run_on[1]], found[run_on[0]:run_on[1]], crf)
        crf.close()
    rows = [(c.feats, int(hit(e.gold, c.att, options.hit == "source"))) for e in examples for c in e.candidates]
    weights = fit_logistic([f for f, _ in rows], [y for _, y in rows], l2=options.l2, steps=options.steps)
    fit(parsed[:cut], out, options.c1, options.c2, options.iterations)
    crf = pycrfsuite.Tagger()
    crf.open(str(out))
    held = tagged(parsed[cut:], found[cut:], crf)
    crf.close()
    results: dict[str, float] = {"examples": len(rows), "hits": sum(y for _, y in rows)}
    results |= figures(held, CueModel(weights, 2.0), options.thresholds)
    results["threshold"] = choose(results, options.thresholds)
    keeper = CueModel(weights, results["threshold"])
    out.with_suffix(".json").write_text(keeper.to_json() + "\n", encoding="utf-8")
    return results


def parse(articles: Sequence[dict], nlp: Language) -> Iterator[Parsed]:
    common = Extractor(nlp).common_words
    prepared = [prepare(a["text"], common) for a in articles]
    docs = nlp.pipe((parse_text[p.start:p.end] for _, _, parse_text, paras in prepared for p in paras), batch_size=64)
    for article, (text, found, _, paras) in zip(articles, prepared, strict=True):
        yield Parsed(text, found, [(p, next(docs)) for p in paras], article["quotes"])


def before_tagger(article: Article) -> list[Attribution]:
    """What the extractor has found when the tagger stage runs."""
    atts = clause_attributions(article)
    for name, refine in REFINERS.items():
        if name == "tagged":
            break
        atts = refine(article, atts)
    return atts


def arguments() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train", type=Path, help="PolNeAR train.jsonl")
    ap.add_argument("--out", type=Path, default=tagger.ARTIFACT)
    ap.add_argument("--held-out", type=int, default=140, help="last articles kept out of the fit")
    ap.add_argument("--c1", type=float, default=0.5, help="L1: 0.1 scores as well, at 1.5x the size")
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--hit", choices=("content", "source"), default="content",
                    help="a candidate is a hit when its content matches, or its source too")
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.4, 0.5, 0.6, 0.7])
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments().parse_args(argv)
    started = time.perf_counter()
    articles = [json.loads(line) for line in args.train.read_text(encoding="utf-8").splitlines() if line.strip()]
    parsed = list(parse(articles, load_pipeline()))
    found = [before_tagger(p.article()) for p in parsed]
    with tempfile.TemporaryDirectory() as workdir:
        results = train(parsed, found, args.out, args.held_out, args, Path(workdir))
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

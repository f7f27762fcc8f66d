"""The best quoted F1 any extractor can score on a PolNeAR-format gold set while it splits
quotations the way the seed article's annotation does.

    python bench/quoted_ceiling.py [GOLD.jsonl ...] [--scorer-dir ../shared/eval]

PolNeAR annotates “A,” he said. “B.” as one attribution whose content spans both
quotations; the seed article's gold (and so the API) makes it two quotes with one speaker
and cue. This builds the perfect predictions under the seed's convention, straight from the
gold: every direct or mixed attribution as annotated, except that a quotation is cut where a
new sentence begins between its pieces, and scores them with the shared scorer's matching.
A comma between the pieces (“We will,” she said, “win.”) keeps one quote, as the API does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "polnear" / "dev.jsonl"


def _seed_convention(text: str, quote: dict, marks: str) -> list[dict]:
    """The quote as the seed's convention cuts it: one prediction per run of pieces that
    no sentence break separates."""
    spans = sorted(quote.get("spans") or [[quote["start"], quote["end"]]])
    runs = [[spans[0]]]
    for before, piece in zip(spans, spans[1:], strict=False):
        between = text[before[1]:piece[0]].strip()
        if between.endswith(".") and any(c in text[piece[0]:piece[1]] for c in marks):
            runs.append([piece])
        else:
            runs[-1].append(piece)
    return [{"start": run[0][0], "end": run[-1][1]} for run in runs]


def ceiling(gold_path: Path, match, marks: str) -> tuple[int, int, float]:
    """(gold quotations, those the convention splits, best quoted F1)."""
    tp = n_pred = n_gold = n_split = 0
    with gold_path.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            gold = [q for q in doc["quotes"] if q["kind"] in ("direct", "mixed")]
            pred = []
            for q in gold:
                pieces = _seed_convention(doc["text"], q, marks)
                n_split += len(pieces) > 1
                pred.extend(pieces)
            tp += len(match(gold, pred, 0.5))
            n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return n_gold, n_split, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="*", type=Path, default=[DEFAULT_GOLD])
    ap.add_argument("--scorer-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.scorer_dir))
    from score_quotes import DQ, match  # the scorer's own matching, so the figure is comparable

    for path in args.gold:
        n_gold, n_split, f1 = ceiling(path, match, DQ)
        print(f"{path}: {n_gold} quoted attributions, {n_split} split by a sentence; "
              f"best quoted F1 under the seed's convention {f1:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

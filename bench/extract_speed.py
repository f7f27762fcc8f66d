"""How much the extractor's own work adds to spaCy's: `nlp.pipe` alone against the whole
`Extractor`, over the same texts, in one process with one loaded pipeline.

    python bench/extract_speed.py [TEXTS.jsonl] [--repeat N] [--batch-size B]

TEXTS.jsonl holds one article a line with a "text" field (default: PolNeAR dev). The
pipeline is timed twice: over whole articles, as a caller with no extractor would run it,
and over the paragraphs the extractor feeds it (it parses each paragraph on its own), which
is the fair floor for the extractor's own work. The Extractor is also timed on all the
texts joined as one article: a long article should cost what its parts cost apart (no
pass over the article per attribution or per entity). Each is run `repeat` times and the best
run kept; CPU time (this process, all threads) is reported beside wall time, since on a
shared machine wall time also counts other processes' load.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.nlp.pipeline import Extractor, load_pipeline  # noqa: E402
from app.nlp.text import paragraphs  # noqa: E402

DEFAULT_TEXTS = ROOT.parent / "shared" / "eval" / "polnear" / "dev.jsonl"


def _texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def _best(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The fastest (wall, CPU) seconds of `repeat` runs."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        run()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("texts", nargs="?", type=Path, default=DEFAULT_TEXTS)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts (default 3)")
    ap.add_argument("--batch-size", type=int, default=16, help="articles per Extractor batch (default 16)")
    args = ap.parse_args(argv)

    texts = _texts(args.texts)
    started = time.perf_counter()
    nlp = load_pipeline()
    spacy_load = time.perf_counter() - started
    extractor = Extractor(nlp)  # and what it loads besides: the language identifier, gazetteers
    load = time.perf_counter() - started
    list(extractor.extract_many(texts[:2]))  # warm up both paths
    load_rss = _peak_rss_mb()

    paras = [t[p.start:p.end] for t in texts for p in paragraphs(t)]
    batch = max(32, args.batch_size * 8)  # what extract_many passes to nlp.pipe
    rows = [
        ("nlp.pipe, whole articles", _best(lambda: list(nlp.pipe(texts)), args.repeat)),
        ("nlp.pipe, paragraphs", _best(lambda: list(nlp.pipe(paras, batch_size=batch)), args.repeat)),
        ("Extractor", _best(lambda: list(extractor.extract_many(texts, batch_size=args.batch_size)),
                            args.repeat)),
        ("Extractor, joined as one", _best(lambda: extractor.extract("\n\n".join(texts)), args.repeat)),
    ]

    n = len(texts)
    words = sum(len(t.split()) for t in texts)
    print(f"{n} articles ({len(paras)} paragraphs, {words} words), pipeline "
          f"{nlp.meta['lang']}_{nlp.meta['name']} ({', '.join(nlp.pipe_names)}), best of {args.repeat}")
    print(f"{'':28s} {'wall s':>8s} {'articles/s':>11s} {'CPU s':>8s} {'articles/CPU s':>15s}")
    for label, (wall, cpu) in rows:
        print(f"{label:28s} {wall:8.2f} {n / wall:11.2f} {cpu:8.2f} {n / cpu:15.2f}")
    (pw, pc), (qw, qc), (ew, ec), (_, jc) = (r[1] for r in rows)
    print(f"Extractor overhead over nlp.pipe, whole articles: wall {100 * (ew - pw) / pw:+.1f} %, "
          f"CPU {100 * (ec - pc) / pc:+.1f} %")
    print(f"Extractor overhead over nlp.pipe, paragraphs:     wall {100 * (ew - qw) / qw:+.1f} %, "
          f"CPU {100 * (ec - qc) / qc:+.1f} %")
    print(f"One article of {sum(len(t) + 2 for t in texts) - 2:,} characters against its {n} parts apart: "
          f"CPU {jc / ec:.2f}x")
    print(f"Load: spaCy pipeline {spacy_load:.2f} s, whole extractor {load:.2f} s (wall); peak RSS "
          f"{load_rss:.0f} MB after loading and two articles, {_peak_rss_mb():.0f} MB at the end (the "
          "nlp.pipe rows keep every Doc of the run at once; the Extractor keeps none)")
    return 0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


if __name__ == "__main__":
    raise SystemExit(main())

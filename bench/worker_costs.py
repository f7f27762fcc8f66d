"""Where one job worker's time goes (#13), in one process on the texts of bench/ingest_jobs.py:
nlp.pipe alone, the extractor (what an extraction process runs per article), and the
worker's database side per article (claim, the duplicate check, store with its document),
on a fresh SQLite file.

    python bench/worker_costs.py [--articles 168]

In process and one at a time: no queue, no pipe between processes, no other worker. What
it says is the share of an article's time that is not extraction, which the worker
overlaps with the next article's extraction (app/jobs/worker.py)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import ingest_jobs  # noqa: E402
import run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=168)
    args = parser.parse_args()
    from app.config import get_settings
    from app.db import make_engine
    from app.intake import from_json
    from app.jobs import store
    from app.nlp.pipeline import Extractor, load_pipeline
    from app.services import find_existing

    run.OUT.mkdir(exist_ok=True)
    articles = ingest_jobs.texts(args.articles)
    texts = [a["text"] for a in articles]
    nlp = load_pipeline(get_settings().spacy_model)
    extractor = Extractor(nlp)
    extractor.extract(texts[0])
    list(nlp.pipe(texts[:2]))
    pipe = run.timed(lambda: list(nlp.pipe(texts)))
    started = time.perf_counter()
    extractions = [extractor.extract(t) for t in texts]
    extract = time.perf_counter() - started

    engine = make_engine(f"sqlite:///{run.fresh_db('worker-costs.db')}")
    items = [from_json(a) for a in articles]
    job_id = store.create_job(engine, items, len(items), 60)
    spent = dict.fromkeys(("claim", "duplicate check", "store"), 0.0)
    for _ in items:
        t0 = time.perf_counter()
        claimed = store.claim_job_item(engine, job_id, "bench", 60)
        t1 = time.perf_counter()
        assert claimed is not None
        position, article = claimed
        assert not isinstance(article, list)
        with engine.connect() as conn:
            find_existing(conn, article)
        t2 = time.perf_counter()
        store.store_job_item(engine, job_id, position, article, extractions[position])
        t3 = time.perf_counter()
        spent["claim"] += t1 - t0
        spent["duplicate check"] += t2 - t1
        spent["store"] += t3 - t2
    engine.dispose()
    n = len(texts)
    database = sum(spent.values())
    print(f"#### One worker's costs, in process: {n} PolNeAR dev articles (load {os.getloadavg()[0]:.1f})\n")
    print("| what | ms an article | x nlp.pipe |")
    print("|---|---:|---:|")
    print(f"| nlp.pipe alone, whole texts | {pipe * 1000 / n:.1f} | 1.00 |")
    print(f"| extractor (Extractor.extract, one text at a time) | {extract * 1000 / n:.1f} | {extract / pipe:.2f} |")
    for what, seconds in spent.items():
        print(f"| database: {what} | {seconds * 1000 / n:.1f} | |")
    print(f"| database in all | {database * 1000 / n:.1f} | {database / pipe:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

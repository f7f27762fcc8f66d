"""How long the reading room's pages take to render on the server, on the 10k-article
corpus: the ASGI app called in process (no sockets, no browser), one request at a time,
so each figure is the server's time for one page.

    python bench/pages.py [--articles 10000] [--requests 200] [--no-append]

Target (#12): every page under 100 ms. Appends a table to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import corpus  # noqa: E402
import layers  # noqa: E402
import run  # noqa: E402


def pages(ids: dict[str, list]) -> dict[str, list[str]]:
    words = ids["word"][:20]
    return {
        "home": ["/"],
        "home, searched": [f"/?q={w}" for w in words],
        "article": [f"/read/articles/{i}" for i in ids["article"]],
        "person, most written-about 20": [f"/read/entities/{i}" for i in ids["popular"]],
        "person, any speaker": [f"/read/entities/{i}" for i in ids["speaker"]],
        "quotes": ["/read/quotes"],
        "quotes, searched": [f"/read/quotes?q={w}" for w in words],
    }


async def measure(articles: int, requests: int) -> str:
    db = run.corpus_db(articles, rebuild=False, built={})
    os.environ["NEWSDESK_DATABASE_URL"] = f"sqlite:///{db}"
    from app.main import create_app

    app = create_app()
    for handler in logging.getLogger("newsdesk").handlers:
        handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the life of the process
    rows = []
    async with app.router.lifespan_context(app):
        for name, paths in pages(corpus.sample_ids(db)).items():
            for path in paths[:5]:  # warm: SQLite's page cache, Jinja2's compiled templates
                await layers.get(app, path)
            times = []
            for i in range(requests):
                started = time.perf_counter()
                await layers.get(app, paths[i % len(paths)])
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p99 = times[min(len(times) - 1, round(len(times) * 0.99))]
            rows.append(f"| {name} | {statistics.median(times):.1f} | {p99:.1f} | {times[-1]:.1f} |")
    load = os.getloadavg()[0]
    return "\n".join([
        f"#### Reading room pages, server time, {articles:,}-article corpus, {requests} requests each "
        f"(load {load:.1f})\n",
        "| page | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|",
        *rows,
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    report = asyncio.run(measure(args.articles, args.requests))
    if not args.no_append:
        report = run.header(sys.argv[1:], "bench/pages.py") + "\n\n" + report
        run.append(report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

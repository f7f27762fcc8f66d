"""Where a read request's CPU goes: the ASGI apps called in process, no sockets, no load
generator, so that neighbours on the machine disturb the figures less than under wrk.

    python bench/layers.py [--articles 10000] [--requests 3000]

Prints CPU µs per request for the floor, Newsdesk as configured, and Newsdesk without its
own middleware (request context and access log, body and time limits)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import baseline_app  # noqa: E402
import corpus  # noqa: E402
import run  # noqa: E402

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
OWN_MIDDLEWARE = ("RequestContext", "TimeLimit", "BodyLimit")


async def get(app: App, path: str) -> None:
    route, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": route, "raw_path": route.encode(), "query_string": query.encode(),
             "root_path": "", "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80)}
    statuses = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    if statuses != [200]:
        raise SystemExit(f"{path}: {statuses}")


async def cpu_per_request(app: App, paths: list[str], n: int) -> float:
    for path in paths[:50]:
        await get(app, path)
    started = time.process_time()
    for i in range(n):
        await get(app, paths[i % len(paths)])
    return (time.process_time() - started) / n * 1e6


async def main(args: argparse.Namespace) -> None:
    # The corpus as the reads bench has it: built if missing, its documents rendered, as
    # the service stores them (without them every article read renders one live).
    db = run.corpus_db(args.articles, rebuild=False, built={})
    os.environ["NEWSDESK_DATABASE_URL"] = f"sqlite:///{db}"
    from app.main import create_app

    ids = corpus.sample_ids(db)
    endpoints = {
        "GET /articles/{id}": [f"/articles/{i}" for i in ids["article"]],
        "GET /articles?limit=50": ["/articles?limit=50"],
        "GET /entities/{id}/quotes": [f"/entities/{i}/quotes" for i in ids["speaker"]],
    }
    full, bare = create_app(), create_app()
    # Starlette builds the middleware stack on the first request: drop ours before it.
    bare.user_middleware = [m for m in bare.user_middleware if m.cls.__name__ not in OWN_MIDDLEWARE]
    floor = baseline_app.create_app(str(db))
    for handler in logging.getLogger("newsdesk").handlers:  # formatted and written, to nowhere
        handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the life of the process
    print(f"CPU µs per request, in process, {args.articles:,}-article corpus, {args.requests} requests each\n")
    print("| endpoint | floor | Newsdesk | Newsdesk without its middleware |")
    print("|---|---:|---:|---:|")
    async with full.router.lifespan_context(full), bare.router.lifespan_context(bare):
        for name, paths in endpoints.items():
            figures = [await cpu_per_request(app, paths, args.requests) for app in (floor, full, bare)]
            print(f"| {name} | " + " | ".join(f"{f:,.0f}" for f in figures) + " |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=3000)
    asyncio.run(main(parser.parse_args()))

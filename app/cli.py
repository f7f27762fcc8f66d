"""`newsdesk`: serve, migrate, ingest files, extract one file, evaluate the extractor."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.config import get_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsdesk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="apply migrations, then serve the API")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))

    sub.add_parser("migrate", help="apply the database migrations")

    ingest = sub.add_parser(
        "ingest", help="ingest files and folders: .txt, .json, .ndjson/.jsonl, .html; rerun to resume"
    )
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--workers", type=int, default=1, help="processes (each loads the spaCy pipeline)")

    extract = sub.add_parser("extract", help="print one file's extraction as JSON, storing nothing")
    extract.add_argument("file", type=Path)

    sub.add_parser("eval", help="score the extractor on annotated data", add_help=False)

    args, rest = parser.parse_known_args(argv)
    if args.command == "eval":
        from app import evaluation

        return evaluation.main(rest)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "serve": _serve, "migrate": _migrate, "ingest": _ingest, "extract": _extract,
    }
    return commands[args.command](args)


def _migrate(_args: argparse.Namespace | None = None) -> int:
    from app import migrate
    from app.db import make_engine

    engine = make_engine(get_settings().database_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    if settings.migrate_on_start:
        _migrate()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        proxy_headers=True,
    )
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from app import bulk, migrate
    from app.db import make_engine

    engine = make_engine(get_settings().database_url)
    migrate.upgrade(engine)
    engine.dispose()
    update, finish = bulk.progress_reporter()
    try:
        summary = bulk.ingest(args.paths, args.workers, update)
    finally:
        finish()
    for failure in summary.failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.counts["failed"] else 0


def _extract(args: argparse.Namespace) -> int:
    from app import bulk
    from app.errors import AppError
    from app.nlp.pipeline import Extractor, load_pipeline

    try:
        article = bulk.read(next(bulk.records(args.file)))
    except (AppError, ValueError, OSError, StopIteration) as exc:
        print(f"newsdesk: {args.file}: {getattr(exc, 'detail', exc) or 'no article'}", file=sys.stderr)
        return 1
    extraction = Extractor(load_pipeline(get_settings().spacy_model)).extract(article.text, article.language)
    out = {"title": article.title, "authors": article.authors, **dataclasses.asdict(extraction)}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`newsdesk`: serve, migrate, ingest files, re-extract stored articles, extract one file, evaluate
the extractor."""

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

    worker = sub.add_parser("worker", help="run ingestion jobs from the queue (NEWSDESK_QUEUE_URL) until SIGTERM")
    worker.add_argument("--processes", type=int, default=None,
                        help="extraction processes, and jobs run at once (default NEWSDESK_EXTRACT_PROCESSES)")

    ingest = sub.add_parser(
        "ingest", help="ingest files and folders: .txt, .json, .ndjson/.jsonl, .html; rerun to resume"
    )
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--workers", type=int, default=1, help="processes (each loads the spaCy pipeline)")

    reextract = sub.add_parser(
        "reextract", help="extract stored articles again where another extractor version made them, as a job "
                          "(the one unfinished, if any); rerun to resume"
    )
    reextract.add_argument("--workers", type=int, default=1,
                           help="processes of this command that run the job (each loads the spaCy pipeline), "
                                "beside the queue's workers; 0: leave it to those and follow it")

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
        "serve": _serve, "migrate": _migrate, "worker": _worker, "ingest": _ingest, "extract": _extract,
        "reextract": _reextract,
    }
    return commands[args.command](args)


# Exit codes for a database `newsdesk serve` and `migrate` cannot start on (sysexits.h):
# each says what an operator has to fix, in one line on stderr, without a traceback.
EXIT_DATABASE_UNREACHABLE = 69  # EX_UNAVAILABLE: nothing answers at the URL
EXIT_MIGRATIONS_FAILED = 70  # EX_SOFTWARE: the schema cannot be brought to this release's
EXIT_DATABASE_READ_ONLY = 73  # EX_CANTCREAT: read-only file, folder, disk or server; disk full
SQLITE_CANTOPEN = 14  # the file (or its -wal and -shm beside it) cannot be opened for writing


def _migrate(_args: argparse.Namespace | None = None) -> int:
    from alembic.util import CommandError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

    from app import migrate
    from app.db import make_engine, refuses_writes

    url = get_settings().database_url
    where = make_url(url).render_as_string(hide_password=True)
    try:
        engine = make_engine(url)
    except OSError as exc:  # the SQLite file's folder cannot be made
        return _fail(EXIT_DATABASE_READ_ONLY, f"the database at {where} cannot be written: {exc.strerror}")
    try:
        migrate.upgrade(engine)
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        code = getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF
        if refuses_writes(exc) or code == SQLITE_CANTOPEN:
            return _fail(EXIT_DATABASE_READ_ONLY, f"the database at {where} cannot be written "
                         f"(read-only file, folder or server, or a full disk?): {reason}")
        if isinstance(exc, OperationalError) and engine.dialect.name != "sqlite":
            return _fail(EXIT_DATABASE_UNREACHABLE, f"cannot reach the database at {where}: {reason}")
        return _fail(EXIT_MIGRATIONS_FAILED, f"cannot apply the migrations to {where}: {reason}")
    except (SQLAlchemyError, CommandError) as exc:  # e.g. a revision from a newer release
        return _fail(EXIT_MIGRATIONS_FAILED, f"cannot apply the migrations to {where}: {exc}")
    finally:
        engine.dispose()
    return 0


def _fail(code: int, message: str) -> int:
    print(f"newsdesk: {message}", file=sys.stderr)
    return code


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.front import EVENT_LOOP, FrontProtocol

    settings = get_settings()
    if settings.migrate_on_start and (failed := _migrate()):
        return failed
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        proxy_headers=True,
        http=FrontProtocol,
        loop=EVENT_LOOP,
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    import logging

    from app.db import make_engine
    from app.extraction import WorkerPool
    from app.jobs import worker
    from app.jobs.queue import Queue
    from app.observability import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    if settings.migrate_on_start and (failed := _migrate()):
        return failed
    processes = args.processes or settings.extract_processes
    engine = make_engine(settings.database_url)
    # A job's article waits for a free process as long as it takes: the consumer runs no
    # more jobs at once than there are processes. The extraction processes, nearly all of
    # a worker's CPU, run below the API that accepts the work (NEWSDESK_WORKER_NICE); this
    # process does not: it holds SQLite's write lock while it stores, and niced beside other
    # busy processes it held it longer, and wait=false waited on it (p99 35-52 ms against
    # 20-26 ms, bench/RESULTS.md).
    pool = WorkerPool(settings.spacy_model, processes=processes, deadline=settings.extract_deadline_seconds,
                      wait=settings.extract_deadline_seconds * 2, niceness=settings.worker_nice)
    pool.start()
    logging.getLogger("newsdesk").info("worker: %d extraction processes, queue %s", processes,
                                       settings.queue_url or "embedded (SQLite)")
    try:
        worker.run(engine, pool, Queue(settings), processes, settings.job_lease_seconds)
    finally:
        pool.close()
        engine.dispose()
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from app import bulk

    if failed := _migrate():
        return failed
    update, finish = bulk.progress_reporter()
    try:
        summary = bulk.ingest(args.paths, args.workers, update)
    finally:
        finish()
    for failure in summary.failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.counts["failed"] else 0


def _reextract(args: argparse.Namespace) -> int:
    import time

    from app import reextraction
    from app.db import make_engine

    if failed := _migrate():
        return failed
    settings = get_settings()
    engine = make_engine(settings.database_url)
    last = 0.0

    def update(progress: reextraction.Progress) -> None:
        nonlocal last
        if time.monotonic() - last >= 2:
            last = time.monotonic()
            print(progress.line(), file=sys.stderr, flush=True)

    try:
        progress = reextraction.run(engine, settings, args.workers, update)
    finally:
        engine.dispose()
    print(progress.line())
    return 1 if progress.failed else 0


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

"""`newsdesk`: serve, migrate, ingest files, extract one file, evaluate the extractor."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
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

    ingest = sub.add_parser("ingest", help="ingest article files: .txt, .json, .ndjson/.jsonl, .html")
    ingest.add_argument("paths", nargs="+", type=Path)

    extract = sub.add_parser("extract", help="print one file's extraction as JSON, storing nothing")
    extract.add_argument("file", type=Path)

    sub.add_parser("eval", help="score the extractor on annotated data", add_help=False)

    args, rest = parser.parse_known_args(argv)
    if args.command == "eval":
        from app import evaluation

        return evaluation.main(rest)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    return {"serve": _serve, "migrate": _migrate, "ingest": _ingest, "extract": _extract}[args.command](args)


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


def _records(path: Path) -> Iterator[tuple[str, object]]:
    """(label, article) pairs: the intake form is chosen by the file's extension."""
    from app import intake

    suffix = path.suffix.lower()
    if suffix in (".ndjson", ".jsonl"):
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield f"{path}:{number}", lambda line=line: intake.from_json(json.loads(line))
    elif suffix == ".json":
        data = json.loads(path.read_bytes())
        items = data if isinstance(data, list) else [data]
        for number, item in enumerate(items):
            yield f"{path}[{number}]", lambda item=item: intake.from_json(item)
    elif suffix in (".html", ".htm"):
        yield str(path), lambda: intake.from_html(path.read_bytes(), None)
    else:
        yield str(path), lambda: intake.from_plain_text(path.read_bytes(), None)


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def _ingest(args: argparse.Namespace) -> int:
    from app import migrate, services
    from app.db import make_engine
    from app.errors import AppError
    from app.nlp.pipeline import Extractor, load_pipeline

    settings = get_settings()
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    extractor = Extractor(load_pipeline(settings.spacy_model))
    counts: Counter[str] = Counter()
    failures: list[str] = []
    for path in _files(args.paths):
        try:
            records = list(_records(path))
        except (OSError, ValueError) as exc:
            counts["failed"] += 1
            failures.append(f"{path}: {exc}")
            continue
        for label, load in records:
            try:
                article = load()  # type: ignore[operator]
                result = services.ingest(engine, extractor, article)
            except (AppError, ValueError, OSError) as exc:
                counts["failed"] += 1
                failures.append(f"{label}: {getattr(exc, 'detail', exc)}")
                continue
            counts["ingested" if result.created else "duplicates"] += 1
            print(f"{label}: article {result.id}", flush=True)
    engine.dispose()
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(f"ingested {counts['ingested']}, duplicates {counts['duplicates']}, failed {counts['failed']}")
    return 1 if counts["failed"] else 0


def _extract(args: argparse.Namespace) -> int:
    from app import intake
    from app.errors import AppError
    from app.nlp.pipeline import Extractor, load_pipeline

    try:
        (_, load), *_ = _records(args.file)
        article = load()  # type: ignore[operator]
    except (AppError, ValueError, OSError) as exc:
        print(f"newsdesk: {args.file}: {getattr(exc, 'detail', exc)}", file=sys.stderr)
        return 1
    assert isinstance(article, intake.NewArticle)
    extraction = Extractor(load_pipeline(get_settings().spacy_model)).extract(article.text)
    out = {"title": article.title, "authors": article.authors, **dataclasses.asdict(extraction)}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

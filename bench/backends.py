"""When to move from SQLite to PostgreSQL: what one article costs to extract, and what it
costs to store on each backend, with one writer and with several at once.

    python bench/backends.py [--texts dev.jsonl] [--copies 4] [--writers 1 2 4] [--no-append]

Each text is extracted once (timed: that is the CPU an article costs before any database
work), then stored `--copies` times, each copy a distinct article, by 1, 2, 4… processes
writing at once through `services.ingest_article`, the path the API uses. SQLite is a fresh
migrated file; PostgreSQL a fresh schema at NEWSDESK_BENCH_POSTGRES_URL (default: the
local test database), skipped with a note when none answers. Appends a section to
bench/RESULTS.md unless --no-append."""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import orjson

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.intake import NewArticle  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.nlp.pipeline import Extractor, load_pipeline  # noqa: E402
from app.nlp.types import Extraction  # noqa: E402
from app.services import ingest_article  # noqa: E402

OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
DEFAULT_TEXTS = ROOT.parent / "shared" / "eval" / "polnear" / "dev.jsonl"
POSTGRES_URL = os.environ.get(
    "NEWSDESK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

Work = list[tuple[NewArticle, Extraction]]


def load(path: Path) -> list[NewArticle]:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = orjson.loads(line)
        articles.append(NewArticle(text=row["text"], title=row.get("title"), url=None,
                                   source=row.get("publisher"), authors=[], published_at=None,
                                   language="en"))
    return articles


def extract_all(articles: list[NewArticle]) -> tuple[list[Extraction], float]:
    extractor = Extractor(load_pipeline(Settings().spacy_model))
    extractor.extract(articles[0].text)  # warm up
    started = time.perf_counter()
    extractions = list(extractor.extract_many([a.text for a in articles]))
    return extractions, time.perf_counter() - started


def copies(work: Work, n: int) -> Work:
    # Each copy its own url and text (a line appended, so the extraction's offsets hold):
    # the same url or text would be deduplicated to the first one stored.
    run = uuid.uuid4().hex[:8]
    return [(replace(article, url=f"https://bench.example/{run}/{k}/{i}",
                     text=f"{article.text}\n\nCopy {k} of run {run}."), extraction)
            for k in range(n) for i, (article, extraction) in enumerate(work)]


def _write(url: str, work: Work, start: mp.Barrier) -> tuple[float, int]:
    engine = make_engine(url)
    start.wait()
    began = time.perf_counter()
    stored = sum(ingest_article(engine, article, extraction).created for article, extraction in work)
    elapsed = time.perf_counter() - began
    engine.dispose()
    return elapsed, stored


def store(url: str, work: Work, writers: int) -> tuple[float, int]:
    """Wall seconds for `writers` processes to store `work` between them, and how many were new."""
    shares = [work[i::writers] for i in range(writers)]
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        start = manager.Barrier(writers)
        with ctx.Pool(writers) as pool:
            results = pool.starmap(_write, [(url, share, start) for share in shares])
    stored = sum(n for _, n in results)
    if stored != len(work):
        raise SystemExit(f"{url}: {writers} writers stored {stored} of {len(work)} articles")
    return max(seconds for seconds, _ in results), stored


def sqlite_url(label: str) -> str:
    path = OUT / f"backends-{label}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_schema() -> tuple[str, str] | None:
    try:
        admin = create_engine(POSTGRES_URL)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return None
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(schema: str) -> None:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def migrated(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS)
    parser.add_argument("--copies", type=int, default=4, help="distinct articles stored per text")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)

    articles = load(args.texts)
    extractions, extract_seconds = extract_all(articles)
    work = list(zip(articles, extractions, strict=True))
    mean_chars = sum(len(a.text) for a in articles) / len(articles)
    mean_quotes = sum(len(e.quotes) for e in extractions) / len(extractions)
    mean_mentions = sum(len(ent.mentions) for e in extractions for ent in e.entities) / len(extractions)

    rows = []
    postgres_note = None
    for writers in args.writers:
        sqlite = migrated(sqlite_url(f"w{writers}"))
        rows.append(("SQLite", writers, *store(sqlite, copies(work, args.copies), writers)))
        pg = postgres_schema()
        if pg is None:
            postgres_note = "PostgreSQL: none answered, skipped."
            continue
        try:
            rows.append(("PostgreSQL", writers, *store(migrated(pg[0]), copies(work, args.copies), writers)))
        finally:
            drop_schema(pg[1])

    extract_rate = len(articles) / extract_seconds
    lines = [
        f"### Storage by backend, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python bench/backends.py {' '.join(sys.argv[1:])}`".rstrip() + "  ",
        f"{len(articles)} texts from {args.texts.name} (mean {mean_chars:,.0f} characters, "
        f"{mean_mentions:.0f} mentions and {mean_quotes:.1f} quotes extracted per article), "
        f"each stored {args.copies} times as distinct articles, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} when it ended (other work shares the machine).",
        "",
        f"Extraction alone, one process: {extract_rate:.2f} articles/s "
        f"({extract_seconds / len(articles) * 1000:.0f} ms an article).",
        "",
        "| backend | writer processes | articles | seconds | articles/s stored | ms per article per writer "
        "| x extraction on one core |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, writers, seconds, n in rows:
        rate = n / seconds
        lines.append(f"| {name} | {writers} | {n:,} | {seconds:.1f} | {rate:,.0f} | "
                     f"{seconds / n * writers * 1000:.1f} | {rate / extract_rate:,.0f} |")
    if postgres_note:
        lines += ["", postgres_note]
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_append:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n" + section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

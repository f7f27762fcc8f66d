"""`make bench`: how fast Newsdesk reads, how it scales, how fast it ingests.

reads   each of four read endpoints under wrk (32 connections, one uvicorn worker),
        Newsdesk against the floor (bench/baseline_app.py) on the same database
scale   p50 at one connection of list/filter/search/entity endpoints, small vs large corpus
ingest  articles/s through POST /articles, POST /articles/batch and `newsdesk ingest
        --workers 1|2` vs nlp.pipe alone, and each extracting process's peak RSS

Prints a Markdown section and appends it to bench/RESULTS.md.

    python bench/run.py                         # everything (~7 minutes on 2 cores)
    python bench/run.py --only reads --seconds 5
    python bench/run.py --only scale --large 20000
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote as urlquote

import httpx
import orjson

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import corpus  # noqa: E402
from load import Load, Server, require_wrk, uvicorn, wrk  # noqa: E402

OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
NEWSDESK = "app.main:create_app"
BASELINE = "baseline_app:create_app"
DEFAULT_TEXTS = ROOT.parent / "shared" / "eval" / "polnear" / "dev.jsonl"


# Corpora -------------------------------------------------------------------------------


def corpus_db(articles: int, rebuild: bool, built: dict[int, dict[str, float]]) -> Path:
    """bench/out/corpus-N.db, built unless one with N articles is there already."""
    from app import migrate, reextraction, services
    from app.db import make_engine
    from app.models import article_table
    from app.queries.documents import DOCUMENT_VERSION

    path = OUT / f"corpus-{articles}.db"
    if rebuild or not path.exists() or _count(path) != articles:
        print(f"building a {articles}-article corpus at {path}", file=sys.stderr)
        built[articles] = corpus.build(path, articles)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)  # a corpus from an older schema gets the new migrations
    # The corpus is written without NLP, and without the documents the service renders
    # when it writes an article: rendered here, as `newsdesk reextract` would.
    for ids in reextraction.stale(engine, DOCUMENT_VERSION, column=article_table.c.document_version):
        services.render_documents(engine, ids)
    engine.dispose()
    return path


def _count(path: Path) -> int | None:
    try:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT count(*) FROM article").fetchone()[0]
    except sqlite3.Error:
        return None


def newsdesk(db: Path, log: Path) -> AbstractContextManager[Server]:
    env = {"NEWSDESK_DATABASE_URL": f"sqlite:///{db}"}
    return uvicorn(NEWSDESK, env, "/health", log)


# Reads: Newsdesk against the floor ------------------------------------------------------


def read_endpoints(ids: dict[str, list]) -> dict[str, list[str]]:
    return {
        "GET /articles/{id}": [f"/articles/{i}" for i in ids["article"]],
        "GET /articles?limit=50": ["/articles?limit=50"],
        "GET /entities/{id}/quotes": [f"/entities/{i}/quotes" for i in ids["speaker"]],
        "GET /quotes?q=…": [f"/quotes?q={urlquote(w)}" for w in ids["word"]],
    }


def same_json(ours: Server, floor: Server, paths: list[str]) -> None:
    """The floor only counts if it answers exactly what Newsdesk answers."""
    for path in paths:
        a, b = httpx.get(ours.base + path), httpx.get(floor.base + path)
        if a.status_code != 200 or a.content != b.content:
            raise SystemExit(f"the floor and Newsdesk differ on {path}: {a.status_code} vs {b.status_code}")


def reads(args: argparse.Namespace, built: dict[int, dict[str, float]]) -> str:
    require_wrk()
    db = corpus_db(args.read_articles, args.rebuild, built)
    endpoints = read_endpoints(corpus.sample_ids(db))
    rows = []
    with newsdesk(db, OUT / "newsdesk.log") as ours, \
            uvicorn(BASELINE, {"BASELINE_DB": str(db), "PYTHONPATH": str(BENCH)}, "/articles?limit=1",
                    OUT / "baseline.log") as floor:
        for name, paths in endpoints.items():
            same_json(ours, floor, paths[:20])
            measured: dict[str, Load] = {}
            for label, server in (("Newsdesk", ours), ("floor", floor)):
                wrk(server, paths, 1, args.connections)  # warm up
                measured[label] = wrk(server, paths, args.seconds, args.connections)
            rows.append((name, measured))
    lines = [
        f"#### Reads: {args.connections} connections, one uvicorn worker, {args.read_articles:,}-article SQLite, "
        f"wrk {args.seconds:g} s per row",
        "",
        "| endpoint | server | req/s | p50 ms | p99 ms | server CPU µs/req | x floor | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, measured in rows:
        floor_rps = measured["floor"].rps
        for label, load in measured.items():
            lines.append(
                f"| {name} | {label} | {load.rps:,.0f} | {load.p50_ms:.2f} | {load.p99_ms:.2f} | "
                f"{load.server_cpu_us:,.0f} | {load.rps / floor_rps:.2f} | {load.errors} |"
            )
    return "\n".join(lines)


# Scale: small corpus against large -------------------------------------------------------


def scale_endpoints(ids: dict[str, list]) -> dict[str, list[str]]:
    word = [urlquote(w) for w in ids["word"]]
    return {
        "GET /articles": ["/articles"],
        "GET /articles?source=": [f"/articles?source=Source%20{i:02d}" for i in range(30)],
        "GET /articles?author=": [f"/articles?author=Author%20{i:03d}" for i in range(400)],
        "GET /articles?entity_id= (popular)": [f"/articles?entity_id={i}" for i in ids["popular"]],
        "GET /articles?entity_id= (rare)": [f"/articles?entity_id={i}" for i in ids["rare"]],
        "GET /articles?speaker_id=": [f"/articles?speaker_id={i}" for i in ids["speaker"]],
        "GET /articles?q=": [f"/articles?q={w}" for w in word],
        "GET /quotes?q=": [f"/quotes?q={w}" for w in word],
        "GET /quotes?kind=mixed": ["/quotes?kind=mixed"],
        "GET /entities": ["/entities"],
        "GET /entities?type=PERSON": ["/entities?type=PERSON"],
        "GET /entities?q=": [f"/entities?q={w[:4]}" for w in word],
        "GET /entities/{id}": [f"/entities/{i}" for i in ids["rare"]],
        "GET /entities/{id}/articles (popular)": [f"/entities/{i}/articles" for i in ids["popular"]],
        "GET /entities/{id}/articles (rare)": [f"/entities/{i}/articles" for i in ids["rare"]],
        "GET /entities/{id}/quotes": [f"/entities/{i}/quotes" for i in ids["speaker"]],
        "GET /articles/{id}": [f"/articles/{i}" for i in ids["article"]],
    }


def scale(args: argparse.Namespace, built: dict[int, dict[str, float]]) -> str:
    require_wrk()
    sizes = (args.small, args.large)
    p50: dict[int, dict[str, float]] = {}
    size_rows = []
    for n in sizes:
        db = corpus_db(n, args.rebuild, built)
        endpoints = scale_endpoints(corpus.sample_ids(db))
        with newsdesk(db, OUT / "newsdesk.log") as server:
            p50[n] = {}
            for name, paths in endpoints.items():
                load = wrk(server, paths, args.scale_seconds, 1)
                if load.errors:
                    raise SystemExit(f"{name}: {load.errors} errors on the {n}-article corpus")
                p50[n][name] = load.p50_ms
        size = sum(p.stat().st_size for p in OUT.glob(f"corpus-{n}.db*"))
        build = built.get(n)
        size_rows.append(
            f"| {n:,} | {build['seconds']:.0f} s |" if build else f"| {n:,} | (reused) |"
        )
        size_rows[-1] += f" {size / 1e6:,.0f} MB | {size / n / 1e3:.1f} kB |"
    small, large = sizes
    lines = [
        f"#### Scale: p50 at one connection (wrk -c1, {args.scale_seconds:g} s per row), "
        f"{small:,} vs {large:,} articles",
        "",
        f"| endpoint | p50 ms @ {small:,} | p50 ms @ {large:,} | x |",
        "|---|---:|---:|---:|",
    ]
    for name in p50[small]:
        a, b = p50[small][name], p50[large][name]
        lines.append(f"| {name} | {a:.2f} | {b:.2f} | {b / a:.1f} |")
    lines += [
        "",
        "Synthetic corpus (bench/corpus.py): ~10 entities, 20 mentions, 10 quotes per article; "
        "Zipf-like entity popularity.",
        "",
        "| articles | build | database (with WAL) | per article |",
        "|---:|---:|---:|---:|",
        *size_rows,
    ]
    return "\n".join(lines)


# Ingestion: the service against nlp.pipe -------------------------------------------------


def read_texts(path: Path, limit: int) -> list[dict[str, str]]:
    """Real article texts, read at run time (never copied into the repository)."""
    articles = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            item = orjson.loads(line)
            articles.append({"text": item["text"], **({"title": item["title"]} if item.get("title") else {})})
    return articles[:limit]


def fresh_db(name: str) -> Path:
    from app import migrate
    from app.db import make_engine

    path = OUT / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


def timed(run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def ingest_one_by_one(server: Server, articles: list[dict[str, str]]) -> None:
    with httpx.Client(base_url=server.base, timeout=300) as client:
        for article in articles:
            client.post("/articles", json=article).raise_for_status()


def ingest_batches(server: Server, articles: list[dict[str, str]], size: int) -> None:
    with httpx.Client(base_url=server.base, timeout=600) as client:
        for i in range(0, len(articles), size):
            r = client.post("/articles/batch", json=articles[i:i + size])
            r.raise_for_status()
            assert all(item["status"] == 201 for item in r.json()["items"]), r.text[:500]


def nlp_pipe_alone(texts: list[str]) -> tuple[float, str]:
    from app.config import get_settings
    from app.nlp.pipeline import load_pipeline

    nlp = load_pipeline(get_settings().spacy_model)
    list(nlp.pipe(texts[:2]))  # warm up
    return timed(lambda: list(nlp.pipe(texts))), get_settings().spacy_model


def ingest_cli(articles: list[dict[str, str]], workers: int) -> tuple[float, float]:
    """`newsdesk ingest --workers N` over the same texts into a fresh database: wall seconds
    (process start and each worker's spaCy load included) and the largest peak RSS of the
    processes doing the extraction (the command itself with one worker, else its workers)."""
    texts = OUT / "ingest-texts.jsonl"
    texts.write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in articles))
    db = fresh_db("ingest-cli.db")
    env = {**os.environ, "NEWSDESK_DATABASE_URL": f"sqlite:///{db}"}
    cmd = [str(Path(sys.executable).with_name("newsdesk")), "ingest", str(texts), "--workers", str(workers)]
    peaks: dict[int, float] = {}
    started = time.perf_counter()
    with open(OUT / "ingest-cli.log", "ab") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            for pid in [proc.pid, *children(proc.pid)]:
                peak = _peak_rss_mb(pid)
                if peak:
                    peaks[pid] = max(peaks.get(pid, 0.0), peak)
            time.sleep(0.1)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"newsdesk ingest --workers {workers} failed; see {OUT / 'ingest-cli.log'}")
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM article").fetchone()[0]
    if stored != len(articles):
        raise SystemExit(f"newsdesk ingest --workers {workers} stored {stored} of {len(articles)} articles")
    extracting = [peaks.get(proc.pid, 0.0)] if workers <= 1 else [v for pid, v in peaks.items() if pid != proc.pid]
    return seconds, max(extracting, default=float("nan"))


def children(pid: int) -> list[int]:
    """A process's children, whichever of its threads started them (the service starts
    its extraction processes from a worker thread, not the main one)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in task.read_text().split()]
        except OSError:  # the thread ended meanwhile
            continue
    return found


def _peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # the process has ended
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def ingest(args: argparse.Namespace, _built: dict[int, dict[str, float]]) -> str:
    articles = read_texts(args.texts, args.ingest_articles)
    n = len(articles)
    chars = sum(len(a["text"]) for a in articles) / n
    warm_up = [{"text": "A warm-up article.\nMaria Okafor said “we are ready” on Tuesday in Port Elwin."}]
    rows = []
    pipe_seconds, model = nlp_pipe_alone([a["text"] for a in articles])
    rows.append(("`nlp.pipe` alone (in process, default batch size)", pipe_seconds, None))
    for label, run in (
        ("POST /articles, one at a time", lambda s: ingest_one_by_one(s, articles)),
        (f"POST /articles/batch, {args.batch_size} a request", lambda s: ingest_batches(s, articles, args.batch_size)),
    ):
        db = fresh_db("ingest.db")
        with newsdesk(db, OUT / "newsdesk.log") as server:
            ingest_one_by_one(server, warm_up)
            seconds = timed(lambda run=run, server=server: run(server))
            rows.append((label, seconds, server.peak_rss_mb()))
    for workers in (1, 2):
        seconds, rss = ingest_cli(articles, workers)
        rows.append((f"`newsdesk ingest --workers {workers}` (wall time, spaCy loads included)", seconds, rss))
    lines = [
        f"#### Ingestion: {n} articles from {args.texts.name} (mean {chars:,.0f} characters), "
        f"model {model}, one uvicorn worker, SQLite",
        "",
        "| path | seconds | articles/s | x nlp.pipe | peak RSS of one extracting process |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, seconds, rss in rows:
        lines.append(f"| {label} | {seconds:.1f} | {n / seconds:.2f} | {pipe_seconds / seconds:.2f} | "
                     f"{f'{rss:,.0f} MB' if rss else '-'} |")
    return "\n".join(lines)


# Report ---------------------------------------------------------------------------------


def header(argv: list[str], script: str = "bench/run.py") -> str:
    def git(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--", "app", "bench", "migrations"):
        commit += " + uncommitted changes"
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"### Bench, {now}, commit {commit}",
        "",
        f"Command: `{shlex.join(['python', script, *argv])}`  ",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ])


SPEED_INTRO = """
## Speed

`make bench` = `python bench/run.py`: reads under load against the floor (a bare Starlette +
sqlite3 + orjson app serving byte-identical JSON, bench/baseline_app.py), latency on a small
and a large synthetic corpus (bench/corpus.py), and ingestion against `nlp.pipe` alone.
Targets (issue "Fast at scale"): every read endpoint >= 0.5x the floor, p99 <= 25 ms at 32
connections. Other engineers share the machine: absolute figures drift between runs, ratios
within one run hold better; server CPU per request is the steadiest figure.
"""


def append(report: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Measured results\n"
    if "\n## Speed\n" not in text:
        text = text.rstrip("\n") + "\n" + SPEED_INTRO
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + report, encoding="utf-8")


SECTIONS = {"reads": reads, "scale": scale, "ingest": ingest}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=sorted(SECTIONS),
                        help="run only this part (repeatable); default: all")
    parser.add_argument("--read-articles", type=int, default=10_000, help="corpus size for the reads")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8, help="wrk duration per read row")
    parser.add_argument("--small", type=int, default=1_000, help="the small corpus of the scale test")
    parser.add_argument("--large", type=int, default=100_000, help="the large corpus of the scale test")
    parser.add_argument("--scale-seconds", type=float, default=2)
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help="JSONL with 'text' (and 'title')")
    parser.add_argument("--ingest-articles", type=int, default=84)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpora in bench/out/")
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    sections = args.only or list(SECTIONS)
    if "ingest" in sections and not args.texts.exists():
        raise SystemExit(f"no texts at {args.texts}: pass --texts FILE.jsonl (one object with 'text' a line)")
    OUT.mkdir(exist_ok=True)
    built: dict[int, dict[str, float]] = {}
    parts = [header(argv)]
    for name in sections:
        started = time.perf_counter()
        parts.append(SECTIONS[name](args, built))
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    report = "\n\n".join(parts) + "\n"
    print(report)
    if not args.no_append:
        append(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

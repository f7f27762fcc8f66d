"""Bulk ingestion from files (`newsdesk ingest`): folders, text, JSON, NDJSON and HTML,
over several processes, safe to stop and run again.

Running it again after an interruption resumes without duplicates: articles already
stored are recognised by url or text before any extraction is spent on them."""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import intake, services
from app.config import get_settings
from app.errors import AppError
from app.intake import NewArticle

CHUNK = 16  # articles per task: one nlp.pipe batch, small enough to keep workers busy
TEXT_SUFFIXES = {".txt", ".text", ".md"}
SUFFIXES = TEXT_SUFFIXES | {".json", ".ndjson", ".jsonl", ".html", ".htm"}


@dataclass(frozen=True, slots=True)
class Record:
    """One article to read: where it came from, and its raw form (picklable, cheap)."""

    label: str
    kind: str  # "json" (data is a parsed object), "text" or "html" (data is a path)
    data: Any


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, label: str, outcome: str, detail: str | None = None) -> None:
        self.counts[outcome] += 1
        if outcome == "failed":
            self.failures.append(f"{label}: {detail}")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        c = self.counts
        return f"ingested {c['ingested']}, duplicates {c['duplicate']}, failed {c['failed']}"


def files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            )
        else:
            yield path


def records(path: Path) -> Iterator[Record]:
    """The articles one file holds; the form is chosen by the file's extension."""
    suffix = path.suffix.lower()
    if suffix in (".ndjson", ".jsonl"):
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield Record(f"{path}:{number}", "json", _json(line))
    elif suffix == ".json":
        data = _json(path.read_bytes())
        for number, item in enumerate(data if isinstance(data, list) else [data]):
            yield Record(f"{path}[{number}]", "json", item)
    elif suffix in (".html", ".htm"):
        yield Record(str(path), "html", str(path))
    else:
        yield Record(str(path), "text", str(path))


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        # Kept as a record that fails alone, with the reason, rather than ending the run.
        return _Unreadable(f"invalid JSON: {exc}")


@dataclass(frozen=True, slots=True)
class _Unreadable:
    reason: str


def read(record: Record) -> NewArticle:
    if isinstance(record.data, _Unreadable):
        raise ValueError(record.data.reason)
    if record.kind == "json":
        return intake.from_json(record.data)
    raw = Path(record.data).read_bytes()
    return intake.from_html(raw, None) if record.kind == "html" else intake.from_plain_text(raw, None)


# One engine and one extractor per worker process, made by init_worker: the processes of
# `newsdesk ingest` and of `newsdesk reextract` (app.reextraction).
WORKER: dict[str, Any] = {}


def init_worker(niceness: int = 0) -> None:
    """Load this process's engine and extractor, first lowering its priority to `niceness`
    (`newsdesk reextract` runs beside the API: app.config.Settings.worker_nice)."""
    from app.db import make_engine
    from app.extraction import InProcess, lower_priority
    from app.nlp.pipeline import Extractor, load_pipeline

    lower_priority(niceness)
    settings = get_settings()
    WORKER["engine"] = make_engine(settings.database_url)
    WORKER["extractor"] = InProcess(Extractor(load_pipeline(settings.spacy_model)))


def _ingest_chunk(chunk: list[Record]) -> list[tuple[str, str, str | None]]:
    """(label, outcome, reason) for each record: outcome is ingested, duplicate or failed."""
    outcomes: dict[int, tuple[str, str, str | None]] = {}
    articles: list[tuple[int, NewArticle]] = []
    for i, record in enumerate(chunk):
        try:
            articles.append((i, read(record)))
        except (AppError, ValueError, OSError) as exc:
            outcomes[i] = (record.label, "failed", getattr(exc, "detail", None) or str(exc))
    results = services.ingest_many(WORKER["engine"], WORKER["extractor"], [a for _, a in articles])
    for (i, _), result in zip(articles, results, strict=True):
        if isinstance(result, AppError):
            outcomes[i] = (chunk[i].label, "failed", result.detail)
        else:
            outcomes[i] = (chunk[i].label, "ingested" if result.created else "duplicate", None)
    return [outcomes[i] for i in range(len(chunk))]


def _chunks(items: Iterable[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest(paths: Sequence[Path], workers: int, on_progress: Callable[[Summary, int], None]) -> Summary:
    summary = Summary()
    all_records: list[Record] = []
    for path in files(paths):
        try:
            all_records.extend(records(path))
        except OSError as exc:
            summary.add(str(path), "failed", str(exc))
    total = len(all_records) + summary.total
    chunks = _chunks(all_records)
    if workers <= 1:
        init_worker()
        results: Iterable[list[tuple[str, str, str | None]]] = map(_ingest_chunk, chunks)
        for outcome in results:
            for label, status, reason in outcome:
                summary.add(label, status, reason)
            on_progress(summary, total)
        return summary
    # spawn: a fresh interpreter per worker, not a fork of one that may hold threads.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=init_worker) as pool:
        for outcome in pool.imap_unordered(_ingest_chunk, chunks):
            for label, status, reason in outcome:
                summary.add(label, status, reason)
            on_progress(summary, total)
    return summary


def progress_reporter() -> tuple[Callable[[Summary, int], None], Callable[[], None]]:
    """A rich progress bar on a terminal; plain lines (at most one a second) otherwise."""
    started = time.monotonic()
    if sys.stderr.isatty():
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f} articles/s"), TimeRemainingColumn(),
            transient=True,
        )
        task = bar.add_task("ingest", total=None, rate=0.0)
        bar.start()

        def update(summary: Summary, total: int) -> None:
            rate = summary.total / max(time.monotonic() - started, 1e-9)
            bar.update(task, completed=summary.total, total=total, rate=rate)

        return update, bar.stop

    last = [0.0]

    def plain(summary: Summary, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 1 or summary.total == total:
            last[0] = now
            elapsed = max(now - started, 1e-9)
            rate = summary.total / elapsed
            eta = (total - summary.total) / rate if rate else 0
            print(f"{summary.total}/{total} articles, {rate:.1f}/s, eta {eta:.0f}s, {summary.line()}",
                  file=sys.stderr, flush=True)

    return plain, lambda: None

"""`newsdesk reextract`: extract stored articles again with the extractor installed now.

Every article records the extractor version that produced its entities and quotes
(app.nlp.pipeline.version). Those with another version (or none: stored before it was
recorded) are taken in id order, each replaced in its own transaction
(services.reextract_article); then stored documents of another release's shape are
rendered again (app.queries.documents). Reads go on throughout, and a run that is
stopped, or crashes, resumes where it stopped when run again: what it finished is up
to date."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from app import services
from app.bulk import CHUNK, WORKER, init_worker
from app.errors import AppError
from app.models import article_table as article_t
from app.queries.documents import DOCUMENT_VERSION


def _version() -> str:
    return str(WORKER["extractor"].extractor.version)


def _reextract(ids: list[int]) -> tuple[int, int]:
    """(re-extracted, failed) of these articles; one deleted meanwhile is skipped."""
    engine: Engine = WORKER["engine"]
    with engine.connect() as conn:
        texts = dict(conn.execute(select(article_t.c.id, article_t.c.text).where(article_t.c.id.in_(ids))).all())
    ids = [i for i in ids if i in texts]
    done = failed = 0
    for article_id, extraction in zip(ids, WORKER["extractor"].extract_each([(texts[i], None) for i in ids]),
                                      strict=True):
        if isinstance(extraction, AppError):
            failed += 1  # left with its old extraction and version: the next run tries again
            continue
        done += services.reextract_article(engine, article_id, extraction)
    return done, failed


def stale(engine: Engine, version: str, after: int = 0,
          column: Any = article_t.c.extractor_version) -> Iterator[list[int]]:
    """The ids of articles extracted by another version (or whose document another
    release rendered, by `column`), CHUNK at a time, in id order."""
    other = _other(column, version)
    while True:
        with engine.connect() as conn:
            ids = list(conn.execute(
                select(article_t.c.id).where(article_t.c.id > after, other).order_by(article_t.c.id).limit(CHUNK)
            ).scalars())
        if not ids:
            return
        yield ids
        after = ids[-1]


def _other(column: Any, version: str) -> ColumnElement[bool]:
    return or_(column.is_(None), column != version)


def count_stale(engine: Engine, version: str) -> int:
    other = _other(article_t.c.extractor_version, version)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(article_t).where(other)).scalar_one())


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: int = 0
    started: float = 0.0

    def line(self) -> str:
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        return f"re-extracted {self.done} of {self.total} ({rate:.1f} articles/s), failed {self.failed}"


def run(engine: Engine, workers: int, on_progress: Callable[[Progress], None]) -> Progress:
    """Re-extract every stale article with `workers` processes (each loads the pipeline)."""
    if workers <= 1:
        init_worker()
        return _drive(engine, _version(), map, on_progress)
    # spawn: a fresh interpreter per worker, not a fork of one that may hold threads.
    with multiprocessing.get_context("spawn").Pool(workers, initializer=init_worker) as pool:
        return _drive(engine, pool.apply(_version), pool.imap_unordered, on_progress)


def _drive(engine: Engine, version: str, mapper: Callable[..., Any],
           on_progress: Callable[[Progress], None]) -> Progress:
    progress = Progress(total=count_stale(engine, version), started=time.monotonic())
    for done, failed in mapper(_reextract, stale(engine, version)):
        progress.done += done
        progress.failed += failed
        on_progress(progress)
    # Documents another release rendered, of articles this version extracted already.
    for ids in stale(engine, DOCUMENT_VERSION, column=article_t.c.document_version):
        services.render_documents(engine, ids)
    return progress

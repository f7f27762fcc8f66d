"""The job queue's writes: jobs made (ingestion, re-extraction), their items claimed with a
lease, stored or failed, given back, and jobs finished, cancelled or found stalled.

Articles sent with wait=false wait in job_item rows until a worker claims one (a lease:
claimed_at and worker), stores it and records the outcome in the same transaction
(store_job_item, through services.insert_article). A re-extraction's items are chunks of
the articles another extractor version made, claimed like an ingestion job's articles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.db import writer
from app.errors import AppError, Overloaded, problem_body
from app.intake import NewArticle, from_payload, to_payload
from app.models import job_item_table as job_item_t
from app.models import job_table as job_t
from app.nlp.types import Extraction
from app.observability import ARTICLES_INGESTED
from app.services import find_existing, insert_article, out_of_date

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
UNFINISHED = (QUEUED, RUNNING)


class QueueFull(Overloaded):
    slug = "queue-full"


def _error_json(error: AppError) -> dict[str, object]:
    return problem_body(error.status, error.detail, slug=error.slug, errors=error.errors)


def create_job(engine: Engine, items: Sequence[NewArticle | AppError], max_queued: int,
               retry_after: int) -> int:
    """A job of these articles (an AppError: an item refused already), stored in one
    transaction: once this returns, the work is in the database whatever the broker does."""
    now = datetime.now(UTC)
    waiting = sum(isinstance(item, NewArticle) for item in items)
    # Eager: a client waits on this while workers take the write lock one article after another.
    with writer(engine, eager=True).begin() as conn:
        queued = conn.execute(
            select(func.count()).select_from(job_item_t).where(job_item_t.c.status == QUEUED)
        ).scalar_one()
        if queued + waiting > max_queued:
            raise QueueFull(
                f"{queued} articles are waiting in jobs, and this server takes at most {max_queued}; "
                "try again later.",
                headers={"Retry-After": str(retry_after)},
            )
        job_id: int = conn.execute(
            insert(job_t).returning(job_t.c.id),
            {"status": QUEUED if waiting else FAILED, "total": len(items), "created_at": now,
             "heartbeat_at": now, "finished_at": None if waiting else now},
        ).scalar_one()
        conn.execute(insert(job_item_t), [
            {"job_id": job_id, "position": i, "status": QUEUED, "article": to_payload(item), "http_status": None,
             "error": None}
            if isinstance(item, NewArticle) else
            {"job_id": job_id, "position": i, "status": FAILED, "article": None, "http_status": item.status,
             "error": _error_json(item)}
            for i, item in enumerate(items)
        ])
    return job_id


def claim_job_item(engine: Engine, job_id: int, worker: str,
                   lease: float) -> tuple[int, NewArticle | list[int]] | None:
    """The next item of a job for `worker`: one waiting, or one whose claim is older than
    `lease` seconds (its worker died). An item is an article to store, or a re-extraction's
    chunk (its articles' ids). None when there is none, or the job is over."""
    now = datetime.now(UTC)
    claimable = and_(
        job_item_t.c.job_id == job_id,
        or_(job_item_t.c.status == QUEUED,
            and_(job_item_t.c.status == RUNNING, job_item_t.c.claimed_at < now - timedelta(seconds=lease))),
    )
    with writer(engine).begin() as conn:
        status = conn.execute(select(job_t.c.status).where(job_t.c.id == job_id)).scalar()
        if status not in UNFINISHED:
            return None
        found = select(job_item_t.c.position, job_item_t.c.article, job_item_t.c.article_ids).where(claimable)
        if conn.dialect.name == "postgresql":
            # Workers on one job take different items instead of queueing on the same row.
            # (SQLite has one writer at a time: BEGIN IMMEDIATE already serialises claims.)
            found = found.with_for_update(skip_locked=True)
        row = conn.execute(found.order_by(job_item_t.c.position).limit(1)).first()
        if row is None:
            return None
        conn.execute(
            update(job_item_t)
            .where(job_item_t.c.job_id == job_id, job_item_t.c.position == row.position)
            .values(status=RUNNING, claimed_at=now, worker=worker)
        )
        # Items before the job: cancel_job takes its locks in the same order.
        conn.execute(
            update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
            .values(status=RUNNING, heartbeat_at=now)
        )
        return row.position, from_payload(row.article) if row.article_ids is None else list(row.article_ids)


def _finish_item(conn: Connection, job_id: int, position: int, **values: object) -> None:
    # Only a claimed item: when a lease ran out and two workers both got to the end, the
    # first outcome stands (the second found the first one's article: a duplicate).
    conn.execute(
        update(job_item_t)
        .where(job_item_t.c.job_id == job_id, job_item_t.c.position == position, job_item_t.c.status == RUNNING)
        .values(article=None, **values)
    )


def store_job_item(engine: Engine, job_id: int, position: int, article: NewArticle,
                   extraction: Extraction | None) -> None:
    """Store a job's article and record it done, in one transaction: an item is done if
    and only if its article is stored. Without an extraction, only an article already
    stored (found before extracting) is recorded."""
    for attempt in range(2):
        try:
            with writer(engine).begin() as conn:
                existing = find_existing(conn, article)
                if existing is None and extraction is None:
                    raise ValueError("the article is not stored and there is no extraction to store")
                article_id = existing if existing is not None else insert_article(conn, article, extraction)  # type: ignore[arg-type]
                _finish_item(conn, job_id, position, status=DONE, http_status=200 if existing else 201,
                             article_id=article_id)
            ARTICLES_INGESTED.labels("duplicate" if existing else "created").inc()
            return
        except IntegrityError:
            # Another writer stored the same url or text between our check and our insert
            # (PostgreSQL): the next attempt finds theirs.
            if attempt:
                raise


def fail_job_item(engine: Engine, job_id: int, position: int, error: AppError) -> None:
    with writer(engine).begin() as conn:
        _finish_item(conn, job_id, position, status=FAILED, http_status=error.status, error=_error_json(error))
    ARTICLES_INGESTED.labels("failed").inc()


def complete_job(engine: Engine, job_id: int) -> None:
    """Mark a job finished once none of its items waits or runs: done, or failed when
    every item failed."""
    with writer(engine).begin() as conn:
        counts: dict[str, int] = {status: n for status, n in conn.execute(
            select(job_item_t.c.status, func.count()).where(job_item_t.c.job_id == job_id)
            .group_by(job_item_t.c.status)
        )}
        if counts.get(QUEUED) or counts.get(RUNNING):
            return
        conn.execute(
            update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
            .values(status=DONE if counts.get(DONE) else FAILED, finished_at=datetime.now(UTC))
        )


def cancel_job(engine: Engine, job_id: int) -> str | None:
    """Cancel a job's waiting items (those a worker holds finish); the job's status
    after, or None when there is no such job."""
    with writer(engine).begin() as conn:
        status = conn.execute(select(job_t.c.status).where(job_t.c.id == job_id)).scalar()
        if status not in UNFINISHED:
            return status
        conn.execute(
            update(job_item_t).where(job_item_t.c.job_id == job_id, job_item_t.c.status == QUEUED)
            .values(status=CANCELLED, article=None)
        )
        conn.execute(
            update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
            .values(status=CANCELLED, finished_at=datetime.now(UTC))
        )
        return CANCELLED


def stalled_jobs(engine: Engine, lease: float) -> list[int]:
    """Unfinished jobs no worker has shown itself on for `lease` seconds (its worker died,
    or the broker lost the message): their heartbeats are set to now, so that one sweep
    sends each to the queue again, and their ids returned for that."""
    now = datetime.now(UTC)
    found = select(job_t.c.id).where(
        job_t.c.status.in_(UNFINISHED), job_t.c.heartbeat_at < now - timedelta(seconds=lease)
    )
    with engine.connect() as conn:
        # A look first, without SQLite's write lock: nearly every sweep finds nothing.
        if conn.execute(found.limit(1)).first() is None:
            return []
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            found = found.with_for_update(skip_locked=True)
        ids = list(conn.execute(found.order_by(job_t.c.id).limit(1000)).scalars())
        if ids:
            conn.execute(update(job_t).where(job_t.c.id.in_(ids)).values(heartbeat_at=now))
    return ids


REEXTRACT = "reextract"
# Article ids a re-extraction's creation reads at a time.
REEXTRACTION_PAGE = 10_000


def create_reextraction(engine: Engine, version: str, chunk: int,
                        page: int = REEXTRACTION_PAGE) -> tuple[int, bool]:
    """The unfinished re-extraction job, or a new one of the articles out of date for
    `version`, `chunk` at a time in id order: (its id, whether it is new). With none out
    of date, the new job is done at once.

    The ids are read `page` at a time (rounded to whole chunks), each page's chunks stored
    before the next is read: a corpus of ten million articles is never ten million ids in
    memory. The job and all its chunks are one transaction, so no worker ever sees part of
    a job; on SQLite the reading is done under the write lock, as the storing always was."""
    unfinished = select(job_t.c.id).where(job_t.c.kind == REEXTRACT, job_t.c.status.in_(UNFINISHED))
    per_page = max(1, page // chunk) * chunk
    with engine.connect() as conn:
        # Looks before the write lock, which on SQLite holds up every writer: nearly always
        # the answer (a job running, or nothing to do) without it.
        if (running := conn.execute(unfinished).scalar()) is not None:
            return running, False
        any_stale = conn.execute(out_of_date(version, limit=1)).first() is not None
    now = datetime.now(UTC)
    try:
        with writer(engine).begin() as conn:
            if (running := conn.execute(unfinished).scalar()) is not None:
                return running, False
            job_id: int = conn.execute(insert(job_t).returning(job_t.c.id), {
                "kind": REEXTRACT, "status": QUEUED if any_stale else DONE, "total": 0, "created_at": now,
                "heartbeat_at": now, "finished_at": None if any_stale else now,
            }).scalar_one()
            total, after = 0, 0
            while any_stale and (ids := list(conn.execute(out_of_date(version, after, per_page)).scalars())):
                # An item's position is its first article's place in the job: an article's
                # index in GET /jobs/{id} is its chunk's position plus its place in the chunk.
                conn.execute(insert(job_item_t), [
                    {"job_id": job_id, "position": total + start, "status": QUEUED,
                     "article_ids": ids[start:start + chunk], "size": len(ids[start:start + chunk])}
                    for start in range(0, len(ids), chunk)
                ])
                total, after = total + len(ids), ids[-1]
            if total:
                conn.execute(update(job_t).where(job_t.c.id == job_id).values(total=total))
            elif any_stale:  # brought up to date meanwhile (another release's workers?)
                conn.execute(update(job_t).where(job_t.c.id == job_id).values(status=DONE, finished_at=now))
    except IntegrityError:
        # Another API instance made one between our look and our insert (PostgreSQL; the
        # partial unique index of migration 0011): theirs runs.
        with engine.connect() as conn:
            running = conn.execute(unfinished).scalar()
        if running is None:
            raise
        return running, False
    return job_id, True


def renew_claim(engine: Engine, job_id: int, position: int, worker: str) -> bool:
    """Keep `worker`'s claim on a chunk for another lease (and the job off the sweep's
    list); False when the claim is not its own any more (the lease ran out meanwhile)."""
    now = datetime.now(UTC)
    with writer(engine).begin() as conn:
        held = conn.execute(
            update(job_item_t).where(job_item_t.c.job_id == job_id, job_item_t.c.position == position,
                                     job_item_t.c.status == RUNNING, job_item_t.c.worker == worker)
            .values(claimed_at=now)
        ).rowcount
        conn.execute(update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
                     .values(heartbeat_at=now))
    return bool(held)


def release_job_item(engine: Engine, job_id: int, position: int, worker: str) -> None:
    """Give a chunk back unfinished (the worker is stopping): the next worker claims it at
    once, and skips what was done (those articles are at its version already)."""
    with writer(engine).begin() as conn:
        conn.execute(
            update(job_item_t).where(job_item_t.c.job_id == job_id, job_item_t.c.position == position,
                                     job_item_t.c.status == RUNNING, job_item_t.c.worker == worker)
            .values(status=QUEUED, claimed_at=None, worker=None)
        )


def finish_chunk(engine: Engine, job_id: int, position: int,
                 failures: Sequence[tuple[int, int, AppError]]) -> None:
    """Record a re-extraction chunk done, with its failures (index, article id, error):
    failed if every article of it failed. Articles re-extracted were stored each in its
    own transaction already; a failed one keeps its old extraction."""
    with writer(engine).begin() as conn:
        _finish_item(
            conn, job_id, position,
            status=case((job_item_t.c.size == len(failures), FAILED), else_=DONE) if failures else DONE,
            failed=len(failures),
            error=[{"index": i, "id": a, "error": _error_json(e)} for i, a, e in failures] or None,
        )

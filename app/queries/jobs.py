"""Jobs: one with its items, and the listing, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from app.models import job_item_table as job_item_t
from app.models import job_table as job_t
from app.pagination import decode_cursor, encode_cursor
from app.prepared import Reader
from app.queries.paging import Row, page

JOB_COLUMNS = (job_t.c.id, job_t.c.status, job_t.c.total, job_t.c.created_at, job_t.c.finished_at, job_t.c.kind)
COUNTED = ("queued", "running", "stored", "duplicate", "failed", "cancelled")
# A re-extraction lists the articles that failed, this many at most (each chunk holding
# one or more): a corpus the extractor breaks on would otherwise be one answer of millions.
MAX_FAILURES = 1000


def _counts(db: Reader, job_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Articles by state. An item is one article, or (re-extraction) a chunk of `size`
    articles of which, once done, `failed` failed."""
    rows = db.rows(
        "job_counts",
        lambda: select(job_item_t.c.job_id, job_item_t.c.status, job_item_t.c.http_status,
                       func.sum(func.coalesce(job_item_t.c.size, 1)), func.sum(func.coalesce(job_item_t.c.failed, 0)))
        # A range, not IN: statements here are compiled once, for any page (app.prepared).
        .where(job_item_t.c.job_id.between(bindparam("low"), bindparam("high")))
        .group_by(job_item_t.c.job_id, job_item_t.c.status, job_item_t.c.http_status),
        low=min(job_ids), high=max(job_ids),
    ) if job_ids else []
    counts = {job_id: dict.fromkeys(COUNTED, 0) for job_id in job_ids}
    for job_id, status, http_status, n, failed in rows:
        if job_id not in counts:
            continue
        if status == "done":
            # 201 stored; 200 found stored already; a chunk (no status) re-extracted.
            counts[job_id]["duplicate" if http_status == 200 else "stored"] += int(n) - int(failed)
            counts[job_id]["failed"] += int(failed)
        else:
            counts[job_id][status] += int(n)
    return counts


def _job(db: Reader, r: Row, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": r[0],
        "kind": r[5],
        "status": r[1],
        "created_at": db.time(r[3]),
        "finished_at": db.time(r[4]),
        "counts": {"total": r[2], **counts},
    }


def _item(db: Reader, r: Row) -> dict[str, Any]:
    item: dict[str, Any] = {"index": r[0], "state": r[1], "status": r[2]}
    if r[3] is not None:
        item["id"] = r[3]
    if r[4] is not None:
        item["error"] = db.json(r[4])
    return item


def _failures(db: Reader, job_id: int) -> list[dict[str, Any]]:
    """A re-extraction's articles that failed, in order: their chunks list them."""
    rows = db.rows(
        "job_failures",
        lambda: select(job_item_t.c.error)
        .where(job_item_t.c.job_id == bindparam("id"), job_item_t.c.failed > 0)
        .order_by(job_item_t.c.position).limit(MAX_FAILURES),
        id=job_id,
    )
    failures = [f for (error,) in rows for f in db.json(error)][:MAX_FAILURES]
    return [{"index": f["index"], "state": "failed", "status": f["error"]["status"], "id": f["id"],
             "error": f["error"]} for f in failures]


def get_job(db: Reader, job_id: int) -> dict[str, Any] | None:
    row = db.row("job", lambda: select(*JOB_COLUMNS).where(job_t.c.id == bindparam("id")), id=job_id)
    if row is None:
        return None
    job = _job(db, row, _counts(db, [job_id])[job_id])
    if job["kind"] == "reextract":
        return {**job, "items": _failures(db, job_id)}
    items = db.rows(
        "job_items",
        lambda: select(job_item_t.c.position, job_item_t.c.status, job_item_t.c.http_status,
                       job_item_t.c.article_id, job_item_t.c.error)
        .where(job_item_t.c.job_id == bindparam("id")).order_by(job_item_t.c.position),
        id=job_id,
    )
    return {**job, "items": [_item(db, r) for r in items]}


def _newest(after: bool) -> Select[Any]:
    stmt = select(*JOB_COLUMNS)
    if after:
        stmt = stmt.where(job_t.c.id < bindparam("last_id"))
    return stmt.order_by(job_t.c.id.desc()).limit(bindparam("limit"))


def list_jobs(db: Reader, cursor: str | None, limit: int) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit + 1}
    if cursor is not None:
        (params["last_id"],) = decode_cursor(cursor, "jobs", (int,))
    after = "last_id" in params
    rows = db.rows(("jobs", after), lambda: _newest(after), **params)
    counts = _counts(db, [r[0] for r in rows[:limit]])
    items = [_job(db, r, counts.get(r[0], {})) for r in rows]
    return page(items, limit, lambda i: encode_cursor("jobs", (rows[i][0],)))

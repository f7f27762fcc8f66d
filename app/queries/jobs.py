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

JOB_COLUMNS = (job_t.c.id, job_t.c.status, job_t.c.total, job_t.c.created_at, job_t.c.finished_at)
COUNTED = ("queued", "running", "stored", "duplicate", "failed", "cancelled")


def _counts(db: Reader, job_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    rows = db.rows(
        "job_counts",
        lambda: select(job_item_t.c.job_id, job_item_t.c.status, job_item_t.c.http_status, func.count())
        # A range, not IN: statements here are compiled once, for any page (app.prepared).
        .where(job_item_t.c.job_id.between(bindparam("low"), bindparam("high")))
        .group_by(job_item_t.c.job_id, job_item_t.c.status, job_item_t.c.http_status),
        low=min(job_ids), high=max(job_ids),
    ) if job_ids else []
    counts = {job_id: dict.fromkeys(COUNTED, 0) for job_id in job_ids}
    for job_id, status, http_status, n in rows:
        if job_id not in counts:
            continue
        name = status if status != "done" else ("stored" if http_status == 201 else "duplicate")
        counts[job_id][name] += n
    return counts


def _job(db: Reader, r: Row, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": r[0],
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


def get_job(db: Reader, job_id: int) -> dict[str, Any] | None:
    row = db.row("job", lambda: select(*JOB_COLUMNS).where(job_t.c.id == bindparam("id")), id=job_id)
    if row is None:
        return None
    items = db.rows(
        "job_items",
        lambda: select(job_item_t.c.position, job_item_t.c.status, job_item_t.c.http_status,
                       job_item_t.c.article_id, job_item_t.c.error)
        .where(job_item_t.c.job_id == bindparam("id")).order_by(job_item_t.c.position),
        id=job_id,
    )
    return {**_job(db, row, _counts(db, [job_id])[job_id]), "items": [_item(db, r) for r in items]}


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

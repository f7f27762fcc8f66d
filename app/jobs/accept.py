"""The `wait=false` answer: the articles stored as a job, its id sent to the queue, 202."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import Response

from app.deps import JSON, run_read, run_write
from app.errors import AppError, Overloaded
from app.intake import NewArticle
from app.jobs import store
from app.jobs.queue import Queue
from app.queries import jobs


async def accept(request: Request, items: Sequence[NewArticle | AppError]) -> Response:
    state = request.app.state
    settings = state.settings
    queue: Queue | None = state.queue
    if queue is None:
        raise Overloaded("The job queue is unavailable; send the articles without wait=false, or later.",
                         headers={"Retry-After": "60"})

    def store_and_send() -> int:
        # One thread hop for both: each hop is a wait for a CPU when workers hold them all.
        job_id = store.create_job(state.engine, items, settings.max_queued_items,
                                  max(1, round(settings.job_lease_seconds)))
        # Committed first: a message for a job not yet visible would find nothing to do.
        queue.enqueue(job_id, sum(isinstance(i, NewArticle) for i in items))
        return job_id

    job_id = await run_write(request, store_and_send)
    job = await run_read(request, jobs.get_job, job_id)
    return JSON(job, status_code=202, headers={"Location": f"/jobs/{job_id}"})

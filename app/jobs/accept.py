"""The `wait=false` answer: the articles stored as a job, its id sent to the queue, 202."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import Response

from app import services
from app.deps import JSON, run_read, run_write
from app.errors import AppError, Overloaded
from app.intake import NewArticle
from app.queries import jobs


async def accept(request: Request, items: Sequence[NewArticle | AppError]) -> Response:
    state = request.app.state
    settings = state.settings
    if state.queue is None:
        raise Overloaded("The job queue is unavailable; send the articles without wait=false, or later.",
                         headers={"Retry-After": "60"})
    job_id = await run_write(request, services.create_job, state.engine, items, settings.max_queued_items,
                             max(1, round(settings.job_lease_seconds)))
    # Committed first: a message for a job not yet visible would find nothing to do.
    await run_write(request, state.queue.enqueue, job_id, sum(isinstance(i, NewArticle) for i in items))
    job = await run_read(request, jobs.get_job, job_id)
    return JSON(job, status_code=202, headers={"Location": f"/jobs/{job_id}"})

"""Re-extraction over HTTP: one job that extracts every out-of-date article again
(app/reextraction.py), on the queue and workers ingestion jobs use."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import reextraction
from app.auth import KeyRequired
from app.deps import JSON, run_read, run_write
from app.errors import Overloaded
from app.jobs import store
from app.openapi_docs import REEXTRACTION_RESPONSES
from app.queries import jobs
from app.schemas import JobDetail

router = APIRouter(tags=["jobs"])


@router.post(
    "/reextractions", status_code=202, response_model=JobDetail, dependencies=[KeyRequired],
    summary="Extract every stored article again with this extractor",
    description=(
        "Queues one job of the articles another extractor version made (or stored before versions were "
        "recorded), run in chunks by the queue workers; `GET /jobs/{id}` follows it and `DELETE /jobs/{id}` "
        "cancels it. Each article's new extraction replaces its old one in one transaction, so reads go on "
        "throughout. One re-extraction runs at a time: while one is unfinished, this answers `200` with it. "
        "Needs an API key, always: a server without `NEWSDESK_API_KEYS` answers `403`."
    ),
    responses=REEXTRACTION_RESPONSES,
)
async def reextract(request: Request) -> Response:
    state = request.app.state
    if state.queue is None:
        raise Overloaded("The job queue is unavailable; try again later, or run `newsdesk reextract`.",
                         headers={"Retry-After": "60"})
    job_id, created = await run_write(request, store.create_reextraction, state.engine,
                                      state.extractor.version, reextraction.CHUNK)
    if created:
        # Committed first, as an ingestion job: a message for a job not yet visible finds nothing.
        await run_write(request, state.queue.enqueue, job_id)
    job = await run_read(request, jobs.get_job, job_id)
    return JSON(job, status_code=202 if created else 200, headers={"Location": f"/jobs/{job_id}"})

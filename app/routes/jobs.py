"""Jobs: articles sent with `wait=false`, read while workers store them, or cancelled."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth import WriteAccess
from app.deps import JSON, Cursor, EngineDep, Id, Limit, run_read, run_write
from app.errors import Conflict, NotFound
from app.jobs import store
from app.openapi_docs import CONFLICT, DELETE_ERRORS, ERRORS, JOB_EXAMPLE, LIST_ERRORS
from app.queries import jobs
from app.schemas import JobDetail, JobPage

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("", response_model=JobPage, summary="List jobs, newest first", responses=LIST_ERRORS)
async def list_jobs(request: Request, limit: Limit = 20, cursor: Cursor = None) -> Response:
    return JSON(await run_read(request, jobs.list_jobs, cursor, limit))


@router.get("/{job_id:int}", response_model=JobDetail, summary="A job: its status, counts and items",
            responses={200: {"content": {"application/json": {"example": JOB_EXAMPLE}}}, **ERRORS})
async def get_job(request: Request, job_id: Id) -> Response:
    job = await run_read(request, jobs.get_job, job_id)
    if job is None:
        raise NotFound(f"No job with id {job_id}.")
    return JSON(job)


@router.delete(
    "/{job_id:int}", response_model=JobDetail, dependencies=[WriteAccess],
    summary="Cancel a job",
    description="Its waiting articles are not stored (`cancelled`); those a worker holds now finish.",
    responses={**DELETE_ERRORS, 409: CONFLICT},
)
async def cancel_job(request: Request, job_id: Id, engine: EngineDep) -> Response:
    status = await run_write(request, store.cancel_job, engine, job_id)
    if status is None:
        raise NotFound(f"No job with id {job_id}.")
    if status != store.CANCELLED:
        raise Conflict(f"Job {job_id} has finished already ({status}): there is nothing to cancel.")
    return JSON(await run_read(request, jobs.get_job, job_id))

"""Liveness that means something: the database answers, and takes writes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import State

from app.db import write_refusal
from app.deps import JSON, EngineDep, write_failure
from app.errors import problem
from app.observability import metrics
from app.openapi_docs import ERRORS
from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Whether the service can serve",
            responses={503: ERRORS[503]})
async def health(request: Request, engine: EngineDep) -> Response:
    return answer(engine, request.app.state)


def answer(engine: Engine, state: State) -> Response:
    """/health's answer. Also given by the front door (app.front), where uvicorn parses the
    request, so that the answer does not wait a turn of the event loop for its task."""
    try:
        # Cheap and without side effects (see write_refusal): it runs on every poll.
        reason = write_refusal(engine)
    except SQLAlchemyError:
        return problem(503, "The database does not answer.", slug="service-unavailable",
                       headers={"Retry-After": "5"})
    # A failed write (a full disk shows only then) counts for a while, so that the answer
    # does not flap between polls; a write that succeeds clears it.
    if (reason := reason or write_failure(state)) is not None:
        return problem(503, f"The database refuses writes (disk full or read-only?): {reason}",
                       slug="service-unavailable", headers={"Retry-After": "30"})
    return JSON({"status": "ok"})


router.add_api_route(
    "/metrics",
    metrics,
    methods=["GET"],
    response_class=PlainTextResponse,
    summary="Prometheus metrics of this process",
    description="Request counts and latencies per route, ingestion counts, extraction time.",
)

"""Liveness that means something: the database answers, and takes writes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.deps import JSON, EngineDep, write_failure
from app.errors import problem
from app.observability import metrics
from app.openapi_docs import ERRORS
from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Whether the service can serve",
            responses={503: ERRORS[503]})
async def health(request: Request, engine: EngineDep) -> Response:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return problem(503, "The database does not answer.", slug="service-unavailable",
                       headers={"Retry-After": "5"})
    if (reason := write_failure(request)) is not None:
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

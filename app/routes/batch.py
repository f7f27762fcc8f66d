"""Bulk ingestion: many articles in one request, each stored (or refused) on its own."""

from __future__ import annotations

import threading
from typing import Annotated, Any

import anyio
import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import intake, services
from app.auth import WriteAccess
from app.deps import JSON, EngineDep, ExtractorDep, SettingsDep, run_write
from app.errors import AppError, InvalidInput, UnsupportedMediaType, problem_body
from app.intake import NewArticle
from app.jobs.accept import accept
from app.openapi_docs import ACCEPTED, BATCH_REQUEST_BODY, WAIT_DESCRIPTION, WRITE_ERRORS
from app.routes.articles import parse_json
from app.schemas import BatchResult

router = APIRouter(prefix="/articles", tags=["articles"])


def _items(request_type: str, body: bytes) -> list[Any]:
    if request_type in ("application/x-ndjson", "application/jsonl", "application/ndjson"):
        lines = [line for line in body.split(b"\n") if line.strip()]
        items: list[Any] = []
        for number, line in enumerate(lines, start=1):
            try:
                items.append(orjson.loads(line))
            except orjson.JSONDecodeError:
                # Lines are independent: a broken one is that item's failure alone.
                items.append(InvalidInput(
                    f"Line {number} of the NDJSON body is not valid JSON.",
                    errors=[{"loc": ["body", number - 1], "msg": "invalid JSON", "type": "json_invalid"}],
                ))
        return items
    if request_type == "application/json":
        payload = parse_json(body)
        if not isinstance(payload, list):
            raise InvalidInput(
                "The body must be a JSON array of articles.",
                errors=[{"loc": ["body"], "msg": "expected an array", "type": "list_type"}],
            )
        return payload
    raise UnsupportedMediaType("Send a JSON array (application/json) or NDJSON (application/x-ndjson).")


@router.post(
    "/batch",
    response_model=BatchResult,
    dependencies=[WriteAccess],
    summary="Ingest up to 1,000 articles",
    description=(
        "Each item is an article as in `POST /articles` (JSON form), stored in its own "
        "transaction. The answer lists every item's `status` (201 stored, 200 already "
        "stored, 422 invalid …) in input order: one bad item fails alone. With `wait=false` "
        "the answer is `202` and a job, at once: its items take the same statuses as workers store them."
    ),
    openapi_extra={"requestBody": BATCH_REQUEST_BODY},
    responses={**WRITE_ERRORS, **ACCEPTED},
)
async def ingest_batch(
    request: Request, extractor: ExtractorDep, engine: EngineDep, settings: SettingsDep,
    wait: Annotated[bool, Query(description=WAIT_DESCRIPTION)] = True,
) -> Response:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    payloads = _items(media_type, await request.body())
    if not payloads:
        raise InvalidInput("The batch is empty.", errors=[{"loc": ["body"], "msg": "empty batch", "type": "too_short"}])
    if len(payloads) > settings.max_batch_items:
        raise InvalidInput(
            f"A batch holds at most {settings.max_batch_items} articles; this one has {len(payloads)}.",
            errors=[{"loc": ["body"], "msg": "too many items", "type": "too_long"}],
        )
    parsed: list[NewArticle | AppError] = []
    for payload in payloads:
        try:
            if isinstance(payload, AppError):
                raise payload
            parsed.append(await anyio.to_thread.run_sync(intake.from_json, payload, abandon_on_cancel=True))
        except AppError as exc:
            parsed.append(exc)
    if not wait:
        # Refused items go into the job already failed, so that its indexes are the batch's.
        return await accept(request, parsed)
    results: list[dict[str, Any]] = [{"index": i, "status": 0} for i in range(len(payloads))]
    valid: list[tuple[int, NewArticle]] = []
    for i, item in enumerate(parsed):
        if isinstance(item, AppError):
            error = problem_body(item.status, item.detail, slug=item.slug, errors=item.errors)
            results[i].update(status=item.status, error=error)
        else:
            valid.append((i, item))
    stop = threading.Event()
    stored = await run_write(request, services.ingest_many, engine, extractor, [a for _, a in valid], stop, stop=stop)
    for (i, _), result in zip(valid, stored, strict=True):
        if isinstance(result, AppError):
            error = problem_body(result.status, result.detail, slug=result.slug)
            results[i].update(status=result.status, error=error)
        else:
            results[i].update(status=201 if result.created else 200, id=result.id)
    return JSON({"items": results})

"""One error family, spoken as RFC 9457 problem+json everywhere, whatever raised it."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import InternalError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

PROBLEM_JSON = "application/problem+json"
# What nginx logs when the client closed the connection before it was answered: not an
# answer anyone receives, but a status of its own in the access log and the metrics.
CLIENT_CLOSED_REQUEST = 499
log = logging.getLogger("newsdesk")
# Every problem `type` the service answers with, as `urn:newsdesk:problem:NAME` (the
# OpenAPI schema lists them, so that a client can switch on them).
PROBLEM_SLUGS = (
    "invalid-input", "unauthorized", "not-found", "payload-too-large", "unsupported-media-type",
    "extraction-failed", "extraction-timeout", "overloaded", "read-timeout", "timeout",
    "service-unavailable", "internal-error", "queue-full", "conflict", "forbidden",
)
PROBLEM_TYPES = ("about:blank", *(f"urn:newsdesk:problem:{slug}" for slug in PROBLEM_SLUGS))


class AppError(Exception):
    status: int = 500
    slug: str = "internal-error"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers


class NotFound(AppError):
    status, slug = 404, "not-found"


class Unauthorized(AppError):
    status, slug = 401, "unauthorized"


class Forbidden(AppError):
    status, slug = 403, "forbidden"


class PayloadTooLarge(AppError):
    status, slug = 413, "payload-too-large"


class UnsupportedMediaType(AppError):
    status, slug = 415, "unsupported-media-type"


class Conflict(AppError):
    status, slug = 409, "conflict"


class InvalidInput(AppError):
    status, slug = 422, "invalid-input"


class ReadTooSlow(AppError):
    """A read statement ran past its time budget and was cut: a busy moment, or a search
    too broad for the corpus. Trying again later (or narrower) may succeed."""

    status, slug = 503, "read-timeout"


class Overloaded(AppError):
    """More work than the server can start now: trying again shortly may succeed."""

    status, slug = 503, "overloaded"


class ExtractionFailed(AppError):
    """The text is valid but the extractor broke on it: the article is not stored."""

    status, slug = 422, "extraction-failed"


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = problem_body(status, detail, slug=slug, errors=errors)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def problem_body(
    status: int, detail: str, *, slug: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:newsdesk:problem:{slug}" if slug else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def field_errors(exc_errors: Any) -> list[dict[str, Any]]:
    # Never echo the input back: it may be megabytes, or a key sent in the wrong field.
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc_errors
    ]


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem(exc.status, exc.detail, slug=exc.slug, errors=exc.errors, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the first route that matched the path; a path served by
        # several routes (GET and DELETE /articles/{id}) allows all their methods.
        headers["Allow"] = ", ".join(sorted(_allowed_methods(request)))
    return problem(exc.status_code, detail, headers=headers)


def _allowed_methods(request: Request) -> set[str]:
    path = request.url.path
    allowed: set[str] = set()
    for pattern, methods in request.app.state.route_methods:
        if pattern.match(path):
            allowed |= methods
    if "GET" in allowed:
        allowed.add("HEAD")  # answered as a GET without the body (app.head)
    return allowed


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    summary = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
    return problem(422, f"Invalid request: {summary}", slug="invalid-input", errors=errors)


async def _database_down(request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", str(getattr(exc, "orig", exc)).splitlines()[0])
    # Pooled connections may be broken for good (a vanished file, a WAL index that could not
    # grow): start afresh, so that the service recovers as soon as the database does.
    engine = getattr(request.app.state, "engine", None)
    if engine is not None:
        engine.dispose()
    return problem(
        503,
        "The database is unavailable; try again shortly.",
        slug="service-unavailable",
        headers={"Retry-After": "5"},
    )


async def _client_disconnected(request: Request, _exc: Exception) -> Response:
    # The client's doing, not a fault here: one line, no traceback.
    log.info("client disconnected before the request body was complete: %s %s", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED_REQUEST)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem(500, "An unexpected error occurred; it has been logged.", slug="internal-error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _database_down)
    # What PostgreSQL says of a transaction it cannot run now: read-only, or aborted.
    app.add_exception_handler(InternalError, _database_down)
    app.add_exception_handler(ClientDisconnect, _client_disconnected)
    app.add_exception_handler(Exception, _unexpected)

"""What operators see: JSON logs with a request id, Prometheus metrics, and the headers
every response carries."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

HTTP_REQUESTS = Counter(
    "newsdesk_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "newsdesk_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ARTICLES_INGESTED = Counter(
    "newsdesk_articles_ingested_total", "Articles received for ingestion", ["outcome"]
)
EXTRACTION_SECONDS = Histogram(
    "newsdesk_extraction_seconds",
    "Time to extract entities and quotes from one article",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
EXTRACTIONS_KILLED = Counter(
    "newsdesk_extractions_killed_total", "Extraction processes killed past their deadline"
)

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
# The docs page loads Swagger UI's script and style; everything else is data.
API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
API_HEADERS = (*SECURITY_HEADERS, API_CSP)
DOCS_PATHS = ("/docs", "/redoc")


class JsonFormatter(logging.Formatter):
    """One JSON object a line. The access log writes one per request, so the time's
    seconds are formatted once a second and orjson does the encoding."""

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._second_text = ""

    def _time(self, created: float) -> str:
        second = int(created)
        if second != self._second:
            self._second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = second
        return f"{self._second_text}.{int((created - second) * 1000):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self._time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (request_id := request_id_var.get()) is not None:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("newsdesk", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(level.upper())
    # Our own access line (with the request id and the route) replaces uvicorn's.
    logging.getLogger("uvicorn.access").disabled = True


def read_request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's X-Request-ID if it is a valid one, else a new id."""
    for name, value in headers:
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if _VALID_REQUEST_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


class RequestContext:
    """Request id in and out, security headers, metrics and one access log line.

    Per request this is on the path of every answer, so it works on the raw ASGI
    headers, keeps the metrics' label children, and builds the log record itself
    (Logger.info would walk the stack to find its caller): 30-160 us less CPU a request
    than through MutableHeaders, labels() and Logger.info (bench/RESULTS.md)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger("newsdesk.access")
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._latencies: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = read_request_id(scope["headers"])
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        answer = _Answer(send, request_id, not scope["path"].startswith(DOCS_PATHS))
        try:
            await self.app(scope, receive, answer.send)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            self._count(scope["method"], route, answer.status, elapsed)
            if self.log.isEnabledFor(logging.INFO):
                self._access_line(scope, route, answer.status, elapsed)
            request_id_var.reset(token)

    def _count(self, method: str, route: str, status: int, elapsed: float) -> None:
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = self._counters[method, route, status] = HTTP_REQUESTS.labels(method, route, str(status))
        latency = self._latencies.get((method, route))
        if latency is None:
            latency = self._latencies[method, route] = HTTP_LATENCY.labels(method, route)
        counter.inc()
        latency.observe(elapsed)

    def _access_line(self, scope: Scope, route: str, status: int, elapsed: float) -> None:
        method, path = scope["method"], scope["path"]
        record = logging.LogRecord(self.log.name, logging.INFO, __file__, 0, "%s %s %s", (method, path, status), None)
        record.fields = {"method": method, "path": path, "route": route, "status": status,
                         "duration_ms": round(elapsed * 1000, 2)}
        self.log.handle(record)


class _Answer:
    """The response start as it goes out: its status noted, our headers added unless
    the application set them already."""

    __slots__ = ("_headers", "_request_id", "_send", "status")

    def __init__(self, send: Send, request_id: str, api: bool) -> None:
        self._send = send
        self._request_id = (b"x-request-id", request_id.encode("latin-1"))
        self._headers = API_HEADERS if api else SECURITY_HEADERS
        self.status = 500

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            headers = [h for h in message.get("headers", ()) if h[0].lower() != b"x-request-id"]
            present = {name.lower() for name, _ in headers}
            headers += [h for h in self._headers if h[0] not in present]
            headers.append(self._request_id)
            message["headers"] = headers
        await self._send(message)


async def metrics(_request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

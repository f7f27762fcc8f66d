"""The front door: what a worker answers where uvicorn parses the request, before the
request cycle, its task and the app exist for it: a request to be shed, and /health.

Shed in the app (app.limits.InFlightLimit), a 503 cost the event loop uvicorn's scope, a
request cycle, a task that runs on a later turn of the loop, and the ASGI messages of the
answer; under a flood that is most of what a served read costs, and the 503s waited in the
same queue as the reads. Here it costs the parser's callbacks, one decision of the
worker's Overload (the same one the app asks, found in uvicorn's app state) and one write.
/health is answered here by the same function as its route (app.routes.health.answer,
left in the app state by the lifespan), without waiting a turn of the loop for its task;
it is counted in /metrics as the route is, with no access-log line.

A request without a body keeps its connection (the client asks again on it, as wrk and
browsers do); one with a body, or that asked to close, or whose client is not reading its
answers, is answered `Connection: close`, so its body is never read. A pipelined request
behind one still being served goes to the app as before: its answer must wait its turn."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

from app import turns
from app.connections import HeaderTimeoutProtocol
from app.observability import API_HEADERS, HTTP_REQUESTS, read_request_id
from app.overload import ADMITTED_KEY, EXEMPT, STATE_KEY, Overload

# The event loop `newsdesk serve` runs: asyncio's, not uvloop's. libuv (since 1.45; uvloop
# 0.23 bundles 1.52) accepts one connection a turn of the loop, and a turn under a flood
# takes a few hundred ms: 1,024 connections opened at once waited seconds in the kernel's
# accept queue, their first requests with them (wrk p99 2.4-5.8 s, the queue draining at
# ~4 a second). asyncio accepts every waiting connection in a turn (bench/RESULTS.md), and
# its selector can be told which ready connections to read first (app.turns).
EVENT_LOOP = "app.turns:TurnLoop" if turns.AVAILABLE else "asyncio"

# Where the lifespan leaves /health's answer, a function of nothing, in uvicorn's app state.
HEALTH_KEY = "newsdesk.health"

_EXEMPT_RAW = frozenset(path.encode() for path in EXEMPT)
_HEALTH = b"/health"
_SHED_STATUS = b"HTTP/1.1 503 Service Unavailable\r\n"
_health_count: dict[int, Any] = {}  # status -> its counter child, made once
log = logging.getLogger("newsdesk")


class FrontProtocol(HeaderTimeoutProtocol):
    _answered = False

    def on_message_begin(self) -> None:
        self._answered = False
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        if self.transport.is_closing():  # closed after an answer earlier in the same read
            self._answered = True
            return
        if self.pipeline or not (self.cycle is None or self.cycle.response_complete) or self.parser.should_upgrade():
            super().on_headers_complete()
            return
        path = self.url.split(b"?", 1)[0]
        if path == _HEALTH:
            health: Callable[[], Response] | None = self.app_state.get(HEALTH_KEY)
            # A cross-origin request goes to the app, whose CORS layer answers it.
            if (health is not None and self.parser.get_method() == b"GET"
                    and not any(name == b"origin" for name, _ in self.headers) and self._answer_health(health)):
                return
        elif path not in _EXEMPT_RAW:
            overload: Overload | None = self.app_state.get(STATE_KEY)
            if overload is not None:
                if not overload.admits():
                    overload.count_shed(self.parser.get_method().decode("ascii"))
                    self._answer(_SHED_STATUS, overload.shed_headers, overload.shed_body)
                    return
                self.scope[ADMITTED_KEY] = True  # type: ignore[literal-required]
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._answered:
            super().on_message_complete()

    def _answer_health(self, health: Callable[[], Response]) -> bool:
        try:
            response = health()
        except Exception:  # left to the app, whose error handlers answer it
            log.exception("/health failed at the front door")
            return False
        status = response.status_code
        counter = _health_count.get(status)
        if counter is None:
            counter = _health_count[status] = HTTP_REQUESTS.labels("GET", "/health", str(status))
        counter.inc()
        status_line = b"HTTP/1.1 %d %s\r\n" % (status, HTTPStatus(status).phrase.encode())
        self._answer(status_line, [*response.raw_headers, *API_HEADERS], bytes(response.body))
        return True

    def _answer(self, status_line: bytes, headers: Iterable[tuple[bytes, bytes]], body: bytes) -> None:
        self._answered = True
        self._stop_waiting()
        has_body = any(name in (b"content-length", b"transfer-encoding") and value.strip() != b"0"
                       for name, value in self.headers)
        # A client that pipelines requests without reading the answers would fill the
        # write buffer with 503s: once it is past its high-water mark, the answer is the last.
        keep_alive = self.parser.should_keep_alive() and not has_body and not self.flow.write_paused
        head = [status_line]
        for name, value in (*self.server_state.default_headers, *headers,
                            (b"x-request-id", read_request_id(self.headers).encode("latin-1"))):
            head += (name, b": ", value, b"\r\n")
        if not keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        if self.parser.get_method() != b"HEAD":
            head.append(body)
        self.transport.write(b"".join(head))
        if keep_alive:
            self._await_headers()
        else:
            self.transport.close()

"""Limits on what one request, or many, may take: its body (refused before it is read
whole, whatever its Content-Length claims), its time, and how many are served at once."""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLarge, problem
from app.observability import API_HEADERS, HTTP_REQUESTS, read_request_id


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_batch_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_batch_bytes = max_batch_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = self.max_batch_bytes if scope["path"].rstrip("/").endswith("/batch") else self.max_bytes
        too_large = PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                response = problem(413, too_large.detail, slug=too_large.slug)
                await response(scope, receive, send)
                return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large
            return message

        await self.app(scope, limited_receive, send)


class TimeLimit:
    """A request that has not begun its answer within `seconds` gets a 503 problem; one
    that has (an export streaming its pages) has `stream_seconds` from its start to end it.

    Work already handed to a thread (an extraction, a write) runs on to its end: a write
    that finishes after the limit is stored, and sending the article again returns it."""

    def __init__(self, app: ASGIApp, *, seconds: float, stream_seconds: float) -> None:
        self.app = app
        self.seconds = seconds
        self.stream_seconds = stream_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        with anyio.move_on_after(self.seconds) as scope_limit:

            async def tracking_send(message: Message) -> None:
                nonlocal started
                if not started:
                    started = True
                    # A long answer under way is not cut at the request's limit, only at
                    # the stream's: a client reading slowly still cannot hold it forever.
                    scope_limit.deadline = anyio.current_time() + self.stream_seconds
                await send(message)

            await self.app(scope, receive, tracking_send)
        if scope_limit.cancelled_caught and not started:
            response = problem(
                503,
                f"The request took longer than {self.seconds:g} seconds; try again later.",
                slug="timeout",
                headers={"Retry-After": "10"},
            )
            await response(scope, receive, send)


# How often the event loop's lag is read: each reading is one timer, about 100 a second.
LAG_TICK = 0.01
# Never shed everything: a share of requests is always served, so the lag can be read on
# real work and the share grow again.
MIN_SHARE = 1 / 64
# When the lag is under the budget, the share served grows by this factor a tick.
SHARE_GROWTH = 1.25


def next_share(share: float, lag: float, budget: float) -> float:
    """The share of requests to serve after a tick whose timer fired `lag` seconds late.

    A request waits for the event loop about as long as the timer did (they sit in the same
    queue of ready work), so a lag past the budget means the requests arriving now would
    wait past it too: serve fewer, in proportion. Under it, serve more again, a step at a
    time, so that a flood that goes on is not let in whole at once."""
    if lag > budget:
        return max(MIN_SHARE, share * budget / lag)
    return min(1.0, share * SHARE_GROWTH)


class InFlightLimit:
    """Past `max_in_flight` requests being served, or while requests wait for the event
    loop longer than `max_wait` seconds, the next is answered 503 at once.

    Queued requests would only wait behind the ones already holding the read threads and
    the extractor, and a client that gave up still costs its work; a quick 503 with
    Retry-After lets the client (or a load balancer) try again or elsewhere. Requests that
    are served on the event loop itself (a stored document read from SQLite) never count
    as in flight for long: under a flood of them the wait is in the loop's queue, read as
    the lateness of a timer (next_share), and only a share of requests is served until it
    falls back under `max_wait`. /health and /metrics are always served: they say whether
    the service is up, overloaded or not.

    It is the outermost layer of the app (app.main): a request shed here costs the event
    loop its request id, the prebuilt 503 and a counter, not the request context's header
    work, metric labels and access-log line. Shed requests carry the headers every answer has (its
    request id among them) and are counted in /metrics under the route "(shed)", with no
    access-log line each (a flood would write one per request)."""

    EXEMPT = frozenset({"/health", "/metrics"})

    def __init__(self, app: ASGIApp, *, max_in_flight: int, max_wait: float = 0.25) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.max_wait = max_wait
        self.in_flight = 0  # one event loop per worker: no lock needed
        self.share = 1.0
        self._owed = 0.0
        # Built once: under a flood, answering 503 is most of what the event loop does,
        # and every microsecond it saves goes to the requests being served.
        response = problem(
            503,
            "The server is busy; try again shortly.",
            slug="overloaded",
            headers={"Retry-After": "1"},
        )
        self._shed_headers = [*response.raw_headers, *API_HEADERS]
        self._shed_body: Message = {"type": "http.response.body", "body": response.body}
        self._shed_count: dict[str, Any] = {}  # method -> its counter child, made once

    async def _watch_lag(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(LAG_TICK)
            self.share = next_share(self.share, loop.time() - started - LAG_TICK, self.max_wait)

    def _admits(self) -> bool:
        """Serve `share` of the requests, evenly: each request not served owes 1 - share,
        and one is shed when a whole one is owed, so a brief dip (a share of 0.9 for a
        tick) sheds nothing unless ten requests arrive in it."""
        if self.in_flight >= self.max_in_flight:
            return False
        if self.share >= 1.0:
            self._owed = 0.0
            return True
        self._owed += 1.0 - self.share
        if self._owed >= 1.0 - 1e-9:  # ten owing a tenth each owe a whole one
            self._owed -= 1.0
            return False
        return True

    async def _run_lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app's lifespan, with the lag read from the end of its start (which blocks
        the loop while models load: not a queue of requests) to its shutdown."""
        watcher: asyncio.Task[None] | None = None

        async def watching_send(message: Message) -> None:
            nonlocal watcher
            if message["type"] == "lifespan.startup.complete" and watcher is None:
                watcher = asyncio.create_task(self._watch_lag())
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        finally:
            if watcher is not None:
                watcher.cancel()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._run_lifespan(scope, receive, send)
            return
        if scope["type"] != "http" or scope["path"] in self.EXEMPT:
            await self.app(scope, receive, send)
            return
        if not self._admits():
            method = scope["method"]
            counter = self._shed_count.get(method)
            if counter is None:
                counter = self._shed_count[method] = HTTP_REQUESTS.labels(method, "(shed)", "503")
            counter.inc()
            request_id = (b"x-request-id", read_request_id(scope["headers"]).encode("latin-1"))
            await send({"type": "http.response.start", "status": 503, "headers": [*self._shed_headers, request_id]})
            await send(self._shed_body)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

"""Limits on what one request, or many, may take: its body (refused before it is read
whole, whatever its Content-Length claims), its time, and how many are served at once."""

from __future__ import annotations

import asyncio

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLarge, problem
from app.observability import read_request_id
from app.overload import ADMITTED_KEY, EXEMPT, STATE_KEY, Overload


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


class InFlightLimit:
    """Sheds what app.overload.Overload says to shed, as the outermost layer of the app
    (app.main), for the requests the front door (app.front) could not judge (a pipelined
    request, a server started without that protocol); one it admitted is not asked about
    again (app.overload.ADMITTED_KEY).

    Queued requests would only wait behind the ones already holding the read threads and
    the extractor, and a client that gave up still costs its work; a quick 503 with
    Retry-After lets the client (or a load balancer) try again or elsewhere. /health and
    /metrics are always served.

    A request shed here costs the event loop its request id, the prebuilt 503 and a
    counter, not the request context's header work, metric labels and access-log line.
    Shed requests carry the headers every answer has (its request id among them) and are
    counted in /metrics under the route "(shed)". The lifespan leaves the Overload in
    uvicorn's app state, where the front door finds it, and reads the loop's lag from the
    end of its start to its shutdown."""

    def __init__(self, app: ASGIApp, *, max_in_flight: int, max_wait: float = 0.25) -> None:
        self.app = app
        self.overload = Overload(max_in_flight=max_in_flight, max_wait=max_wait)
        self._shed_body: Message = {"type": "http.response.body", "body": self.overload.shed_body}

    async def _run_lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app's lifespan, with the lag read from the end of its start (which blocks
        the loop while models load: not a queue of requests) to its shutdown."""
        watcher: asyncio.Task[None] | None = None
        if "state" in scope:
            scope["state"][STATE_KEY] = self.overload

        async def watching_send(message: Message) -> None:
            nonlocal watcher
            if message["type"] == "lifespan.startup.complete" and watcher is None:
                watcher = asyncio.create_task(self.overload.watch_lag())
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
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        overload = self.overload
        if not scope.get(ADMITTED_KEY) and not overload.admits():
            overload.count_shed(scope["method"])
            request_id = (b"x-request-id", read_request_id(scope["headers"]).encode("latin-1"))
            await send({"type": "http.response.start", "status": 503,
                        "headers": [*overload.shed_headers, request_id]})
            await send(self._shed_body)
            return
        overload.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            overload.in_flight -= 1

"""The front door (app.front): a request to be shed is answered where uvicorn parses it,
with no request cycle, task or app call for it."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse, Response
from uvicorn._types import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.config import Config
from uvicorn.server import ServerState

from app.front import EVENT_LOOP, HEALTH_KEY, FrontProtocol
from app.limits import InFlightLimit
from app.overload import STATE_KEY, Overload


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def app_called(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("a shed request reached the app")


def feed(data: bytes, overload: Overload, *, reading: bool = True, health: Callable[[], Response] | None = None,
         app: ASGI3Application | None = None) -> tuple[Transport, ServerState]:
    """What the front door writes for `data`; with an `app`, after the request cycles it
    started have run it."""
    async def run() -> tuple[Transport, ServerState]:
        config = Config(app=app or app_called, log_config=None)
        config.load()
        state = ServerState()
        app_state: dict[str, Any] = {STATE_KEY: overload}
        if health is not None:
            app_state[HEALTH_KEY] = health
        protocol = FrontProtocol(config=config, server_state=state, app_state=app_state,
                                 _loop=asyncio.get_running_loop())
        transport = Transport()
        protocol.connection_made(transport)
        if not reading:
            protocol.pause_writing()  # the transport's buffer is past its high-water mark
        protocol.data_received(data)
        if app is not None:
            await asyncio.gather(*state.tasks)
        tasks, closed = set(state.tasks), transport.closed
        protocol.connection_lost(None)
        state.tasks, transport.closed = tasks, closed  # as they were before the connection ended
        return transport, state

    return asyncio.run(run())


def full() -> Overload:
    overload = Overload(max_in_flight=1, max_wait=0.25)
    overload.in_flight = 1
    return overload


def test_a_shed_request_is_answered_before_any_task_and_keeps_its_connection() -> None:
    transport, state = feed(b"GET /articles/1 HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc\r\n\r\n"
                            b"GET /articles/2 HTTP/1.1\r\nHost: t\r\n\r\n", full())
    assert not state.tasks  # no request cycle ran: both answered by the protocol itself
    assert transport.written.count(b"HTTP/1.1 503 Service Unavailable\r\n") == 2
    head, _, rest = transport.written.partition(b"\r\n\r\n")
    head += b"\r\n"
    assert b"\r\nretry-after: 1\r\n" in head and b"\r\nx-request-id: abc\r\n" in head
    assert b"\r\ncontent-type: application/problem+json\r\n" in head
    assert b"\r\nx-content-type-options: nosniff\r\n" in head and b"connection: close" not in head
    assert rest.startswith(b'{"type":') and b'"status":503' in rest
    assert not transport.closed


def test_a_shed_request_with_a_body_is_answered_and_closed_unread() -> None:
    transport, state = feed(b"POST /articles HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nstart", full())
    assert not state.tasks
    assert transport.written.startswith(b"HTTP/1.1 503")
    assert b"\r\nconnection: close\r\n" in transport.written
    assert transport.closed


def test_a_client_that_does_not_read_its_answers_gets_one_more_and_is_closed() -> None:
    transport, state = feed(b"GET /articles/1 HTTP/1.1\r\nHost: t\r\n\r\n" * 3, full(), reading=False)
    assert not state.tasks
    assert transport.written.count(b"HTTP/1.1 503") == 1 and b"\r\nconnection: close\r\n" in transport.written
    assert transport.closed


@pytest.mark.parametrize("path", [b"/health", b"/metrics?x=1"])
def test_health_and_metrics_are_never_shed_at_the_front(path: bytes) -> None:
    transport, state = feed(b"GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path, full())
    assert state.tasks and not transport.written  # handed to the app


@pytest.mark.parametrize("status", [200, 503])
def test_health_is_answered_at_the_front_by_its_own_function(status: int) -> None:
    def health() -> Response:
        return JSONResponse({"status": "ok"} if status == 200 else {"detail": "no"}, status_code=status)

    transport, state = feed(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc\r\n\r\n" * 2, full(), health=health)
    assert not state.tasks  # no request cycle: answered where it was parsed, twice on one connection
    assert transport.written.count(b"HTTP/1.1 %d " % status) == 2 and not transport.closed
    head, _, body = transport.written.partition(b"\r\n\r\n")
    assert b"\r\nx-request-id: abc\r\n" in head + b"\r\n" and b"\r\nx-content-type-options: nosniff\r\n" in head
    assert body.startswith(b'{"status":"ok"}' if status == 200 else b'{"detail":"no"}')


@pytest.mark.parametrize("request_head", [
    b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n",  # the answer fails: the app's error handlers answer
    b"GET /health HTTP/1.1\r\nHost: t\r\nOrigin: https://x.example\r\n\r\n",  # the app's CORS layer answers
])
def test_health_is_left_to_the_app_when_the_front_cannot_answer_it_whole(request_head: bytes) -> None:
    def health() -> Response:
        if b"Origin" in request_head:
            return JSONResponse({"status": "ok"})
        raise RuntimeError("boom")

    transport, state = feed(request_head, full(), health=health)
    assert state.tasks and not transport.written


def test_requests_the_worker_admits_go_to_the_app() -> None:
    transport, state = feed(b"GET /articles/1 HTTP/1.1\r\nHost: t\r\n\r\n",
                            Overload(max_in_flight=1, max_wait=0.25))
    assert state.tasks and not transport.written


def test_a_request_the_front_admits_is_not_asked_about_again_by_the_app() -> None:
    """One judgment a request: asked again in the app's layer, a request served at the least
    share (1 in 64) would be served at 1 in 4,096, and a flood shed whole."""
    overload = Overload(max_in_flight=100, max_wait=0.25)
    overload._due = time.monotonic() - 1  # a turn long past the budget: the least share is served
    reached: list[str] = []

    async def endpoint(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        reached.append(scope["path"])  # type: ignore[typeddict-item]
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    limit = InFlightLimit(endpoint, max_in_flight=100)  # type: ignore[arg-type]
    limit.overload = overload
    transport, _ = feed(b"GET /articles/1 HTTP/1.1\r\nHost: t\r\n\r\n", overload, app=limit)  # type: ignore[arg-type]
    assert reached == ["/articles/1"] and transport.written.startswith(b"HTTP/1.1 204")
    assert not overload.admits()  # the next is shed: the one above was the least share's


def test_a_served_worker_answers_health_at_the_front(start_server: Callable[..., str], tmp_path: Path) -> None:
    """`newsdesk serve`: /health is answered by the front door (no access-log line: the
    request never reached the app), with the headers every answer has, and counted."""
    server = start_server(NEWSDESK_LOG_LEVEL="info")
    with httpx.Client(base_url=server, timeout=30) as client:
        health = client.get("/health", headers={"X-Request-ID": "front-1"})
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        assert health.headers["x-request-id"] == "front-1" and health.headers["x-content-type-options"] == "nosniff"
        assert client.get("/articles", headers={"X-Request-ID": "app-1"}).status_code == 200
        counted = 'newsdesk_http_requests_total{method="GET",route="/health",status="200"} '
        assert any(line.startswith(counted) for line in client.get("/metrics").text.splitlines())
    logged = "".join(path.read_text() for path in tmp_path.glob("server-*.log"))
    assert '"request_id":"app-1"' in logged  # the app's requests are logged
    assert '"front-1"' not in logged


def test_the_served_event_loop_accepts_every_waiting_connection_in_a_turn() -> None:
    """Under a flood a turn of the loop is long: a loop that accepts one connection a turn
    (libuv's, in uvloop) leaves the rest, and the requests they have sent, in the kernel's
    accept queue for a turn each. Here every turn takes 20 ms and 50 clients connect at once."""
    loop = Config(app=app_called, loop=EVENT_LOOP).get_loop_factory()()  # type: ignore[misc]
    accepted: list[asyncio.BaseTransport] = []

    class Accepting(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted.append(transport)

    def long_turn() -> None:
        time.sleep(0.02)
        loop.call_soon(long_turn)

    async def run() -> float:
        server = await loop.create_server(Accepting, "127.0.0.1", 0, backlog=2048)
        port = server.sockets[0].getsockname()[1]
        # The kernel completes each handshake and queues it until the loop accepts it.
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
        loop.call_soon(long_turn)
        started = time.monotonic()
        while len(accepted) < len(clients) and time.monotonic() - started < 2:
            await asyncio.sleep(0)
        waited = time.monotonic() - started
        for client in clients:
            client.close()
        for transport in accepted:
            transport.close()
        server.close()
        await server.wait_closed()
        return waited

    try:
        waited = loop.run_until_complete(run())
    finally:
        loop.close()
    assert len(accepted) == 50
    assert waited < 0.25  # a few turns, not one a connection (50 x 20 ms)

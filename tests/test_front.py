"""The front door (app.front): a request to be shed is answered where uvicorn parses it,
with no request cycle, task or app call for it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from app.front import FrontProtocol
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


def feed(data: bytes, overload: Overload, *, reading: bool = True) -> tuple[Transport, ServerState]:
    async def run() -> tuple[Transport, ServerState]:
        config = Config(app=app_called, log_config=None)
        config.load()
        state = ServerState()
        protocol = FrontProtocol(config=config, server_state=state, app_state={STATE_KEY: overload},
                                 _loop=asyncio.get_running_loop())
        transport = Transport()
        protocol.connection_made(transport)
        if not reading:
            protocol.pause_writing()  # the transport's buffer is past its high-water mark
        protocol.data_received(data)
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


def test_requests_the_worker_admits_go_to_the_app() -> None:
    transport, state = feed(b"GET /articles/1 HTTP/1.1\r\nHost: t\r\n\r\n",
                            Overload(max_in_flight=1, max_wait=0.25))
    assert state.tasks and not transport.written

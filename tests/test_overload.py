"""Overload sheds: past NEWSDESK_MAX_IN_FLIGHT requests being served, the next is a 503
at once, not a place in a queue; /health is always answered."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from tests.test_errors import assert_problem

HEAD = b"Council votes\nThe council voted on Monday, its leader said.\n"
REST = b"The vote passed.\n"


def slow_client(server: str) -> socket.socket:
    """A client that has sent its headers and part of its body, and takes its time over
    the rest: its request is in flight until it does."""
    url = urlsplit(server)
    sock = socket.create_connection((url.hostname, url.port), timeout=60)
    sock.sendall(b"POST /articles HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (len(HEAD) + len(REST), HEAD))
    return sock


def finish(sock: socket.socket) -> int:
    sock.sendall(REST)
    status = int(sock.recv(65536).split(b" ", 2)[1])
    sock.close()
    return status


def test_requests_past_the_bound_are_shed_at_once(start_server: Callable[..., str]) -> None:
    server = start_server(NEWSDESK_MAX_IN_FLIGHT="2")
    clients = [slow_client(server) for _ in range(2)]
    try:
        with httpx.Client(base_url=server, timeout=30) as c:
            deadline = time.monotonic() + 10
            while (r := c.get("/articles")).status_code == 200 and time.monotonic() < deadline:
                time.sleep(0.05)  # until the server has taken both slow requests in
            started = time.monotonic()
            r = c.get("/articles/1")
            assert time.monotonic() - started < 1  # answered, not queued
            assert_problem(r, 503)
            assert r.headers["Retry-After"].isdigit()
            assert "try again" in r.json()["detail"]
            assert c.get("/health").status_code == 200  # always served
    finally:
        statuses = sorted(finish(sock) for sock in clients)
    assert statuses == [200, 201]  # the same article twice: stored once
    assert httpx.get(f"{server}/articles/1", timeout=30).status_code == 200  # the slots are free again

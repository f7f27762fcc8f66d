"""Overload sheds: past NEWSDESK_MAX_IN_FLIGHT requests being served, the next is a 503
at once, not a place in a queue; /health is always answered."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from app.config import Settings
from app.nlp.pipeline import Extractor
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


def read_answer(sock: socket.socket) -> tuple[bytes, bytes]:
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536)
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(next(x for x in head.split(b"\r\n") if x.lower().startswith(b"content-length:")).split(b":")[1])
    while len(body) < length:
        body += sock.recv(65536)
    return head, body


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
            assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-request-id"]
            assert c.get("/health").status_code == 200  # always served
            # Shed before the request context (no access-log line): counted by the limit itself.
            shed = 'newsdesk_http_requests_total{method="GET",route="(shed)",status="503"} '
            counted = [line for line in c.get("/metrics").text.splitlines() if line.startswith(shed)]
            assert counted and float(counted[0].removeprefix(shed)) >= 1  # the polling may have met one too
        # Shed where uvicorn reads it (app.front): a body is never waited for, its
        # connection is closed; a request without one keeps its connection.
        url = urlsplit(server)
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(b"POST /articles HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n")
            head, body = read_answer(sock)
            assert head.startswith(b"HTTP/1.1 503") and b"\r\nconnection: close" in head.lower()
            assert b'"status":503' in body and sock.recv(65536) == b""
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(b"GET /articles/1 HTTP/1.1\r\nHost: test\r\n\r\n")
            head, _ = read_answer(sock)
            assert head.startswith(b"HTTP/1.1 503") and b"retry-after: 1" in head.lower()
            assert b"connection: close" not in head.lower()
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
            assert read_answer(sock)[0].startswith(b"HTTP/1.1 200")
    finally:
        statuses = sorted(finish(sock) for sock in clients)
    assert statuses == [200, 201]  # the same article twice: stored once
    assert httpx.get(f"{server}/articles/1", timeout=30).status_code == 200  # the slots are free again


def test_a_connection_slow_to_send_its_headers_is_closed(start_server: Callable[..., str]) -> None:
    """A client that trickles its headers is closed at the header deadline, on a new
    connection and on a kept-alive one alike; a prompt client on the same server is served."""
    server = start_server(NEWSDESK_HEADER_TIMEOUT_SECONDS="1")
    url = urlsplit(server)
    trickling = socket.create_connection((url.hostname, url.port), timeout=10)
    trickling.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n")  # never the blank line
    kept = socket.create_connection((url.hostname, url.port), timeout=10)
    kept.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += kept.recv(65536)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    length = int(next(x for x in head.split(b"\r\n") if x.lower().startswith(b"content-length:")).split(b":")[1])
    while len(body) < length:
        body += kept.recv(65536)
    kept.sendall(b"GET /health HTTP/1.1\r\n")  # the next request, never finished
    started = time.monotonic()
    assert trickling.recv(65536) == b""  # closed by the server
    assert kept.recv(65536) == b""
    assert time.monotonic() - started < 5
    trickling.close()
    kept.close()
    assert httpx.get(f"{server}/health", timeout=10).status_code == 200


def test_shares_are_what_the_loop_lag_allows() -> None:
    from app.overload import MIN_SHARE, next_share

    assert next_share(1.0, lag=1.0, budget=0.25) == 0.25  # four times late: a quarter served
    assert next_share(0.25, lag=0.5, budget=0.25) == 0.125
    assert next_share(MIN_SHARE, lag=100.0, budget=0.25) == MIN_SHARE  # never none
    share = MIN_SHARE
    for _ in range(30):  # on time again: back to all, a step at a time
        share = next_share(share, lag=0.0, budget=0.25)
    assert share == 1.0 and next_share(0.5, lag=0.1, budget=0.25) > 0.5


def test_a_flood_of_cheap_reads_is_shed_when_it_waits_past_the_budget(start_server: Callable[..., str]) -> None:
    """Reads served on the event loop are never in flight for long, so the in-flight bound
    never sees a flood of them; the wait is in the loop's queue. With a 1 ms budget, 256
    connections asking at once wait past it: part is served, the rest is a prompt 503."""
    import asyncio

    server = start_server(NEWSDESK_MAX_WAIT_MS="1", NEWSDESK_MAX_IN_FLIGHT="100000")  # the lag alone sheds
    for _ in range(50):  # a budget this small sheds on the timer's own jitter too: retry, as told
        posted = httpx.post(f"{server}/articles", content=HEAD + REST, timeout=60,
                            headers={"Content-Type": "text/plain; charset=utf-8"})
        if posted.status_code != 503:
            break
        time.sleep(0.1)
    article = posted.json()["id"]

    async def flood() -> list[httpx.Response]:
        # Idle connections are dropped by the client before uvicorn's 5 s keep-alive closes
        # them: a request sent on one it is closing is a disconnect, not an answer.
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=256, keepalive_expiry=1.0)
        async with httpx.AsyncClient(base_url=server, timeout=30, limits=limits) as c:
            answers: list[httpx.Response] = []
            for _ in range(4):
                answers += await asyncio.gather(*(c.get(f"/articles/{article}") for _ in range(256)))
            return answers

    answers = asyncio.run(flood())
    statuses = {r.status_code for r in answers}
    assert statuses == {200, 503}, statuses
    shed = next(r for r in answers if r.status_code == 503)
    assert_problem(shed, 503)
    assert shed.headers["Retry-After"] == "1"
    assert httpx.get(f"{server}/health", timeout=10).status_code == 200


def test_a_share_is_served_evenly_and_a_brief_dip_sheds_little() -> None:
    from app.overload import Overload

    overload = Overload(max_in_flight=100, max_wait=0.25)
    overload.share = 0.9
    assert [overload.admits() for _ in range(10)] == [True] * 9 + [False]
    overload.share = 1.0
    assert overload.admits() and overload._owed == 0.0
    overload.share = 0.25
    assert sum(overload.admits() for _ in range(100)) == 25


def test_what_a_worker_built_at_start_is_out_of_the_collectors_sight(settings: Settings, extractor: Extractor) -> None:
    """A full collection walks the heap with the event loop stopped; what the app built
    at start (its routes, models, engine) is frozen, so it walks only what came after."""
    import gc

    from starlette.testclient import TestClient

    from app.extraction import InProcess
    from app.main import create_app

    with TestClient(create_app(settings, extractor=InProcess(extractor))):
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # given back at shutdown: apps come and go in one process


def test_a_turn_of_the_loop_past_the_budget_serves_only_the_least_share_of_what_it_reads_next() -> None:
    """The lag timer fires only between turns of the loop: within one that has run past half
    the budget, what is read next has waited that long already. The least share of it is
    served, never none, so that the wait can be read on real work."""
    from app.overload import MIN_SHARE, Overload

    overload = Overload(max_in_flight=100, max_wait=0.25)
    overload._due = time.monotonic() + 0.01
    assert all(overload.admits() for _ in range(64))
    overload._due = time.monotonic() - 1  # the timer is a second overdue: the loop has been busy that long
    assert sum(overload.admits() for _ in range(640)) == 640 * MIN_SHARE and overload.share == 1.0
    # Half the budget: what is read this late may have waited the whole turn before too.
    overload._due = time.monotonic() - 0.15
    assert sum(overload.admits() for _ in range(64)) == 1
    overload._due = time.monotonic() - 0.1
    assert all(overload.admits() for _ in range(64))

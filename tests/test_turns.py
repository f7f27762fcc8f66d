"""The event loop `newsdesk serve` runs keeps its turns short under a flood, reads the
connections that waited longest first, and a health check before them all (app.turns)."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import Callable

import pytest

from app import turns
from app.overload import Overload

pytestmark = pytest.mark.skipif(not turns.AVAILABLE, reason="epoll is Linux's")

COST = 0.005  # seconds of the loop each request takes here


class Slow(asyncio.Protocol):
    """Answers nothing; records which request it read, in what order, taking COST each."""

    def __init__(self, order: list[bytes], transports: list[asyncio.Transport],
                 judge: Callable[[], bool] | None = None) -> None:
        self.order, self.transports, self.judge = order, transports, judge
        self.verdicts: list[bool] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transports.append(transport)

    def data_received(self, data: bytes) -> None:
        self.order.append(data.split(b"\r\n", 1)[0])
        if self.judge is not None:
            self.verdicts.append(self.judge())
        time.sleep(COST)


def flood(loop: asyncio.AbstractEventLoop, requests: list[bytes],
          during: Callable[[list[bytes], list[asyncio.Transport]], None] = lambda order, transports: None,
          judge: Callable[[], bool] | None = None, verdicts: list[bool] | None = None) -> list[bytes]:
    """Opens a connection a request, sends them all in that order while the loop is still,
    and runs the loop until no request is left to read."""
    order: list[bytes] = []
    transports: list[asyncio.Transport] = []

    async def run() -> None:
        def protocol() -> Slow:
            made = Slow(order, transports, judge)
            if verdicts is not None:
                made.verdicts = verdicts  # one list for every connection, in reading order
            return made

        server = await loop.create_server(protocol, "127.0.0.1", 0, backlog=2048)
        port = server.sockets[0].getsockname()[1]
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in requests]
        while len(transports) < len(clients):
            await asyncio.sleep(0.001)
        for client, request in zip(clients, requests, strict=True):
            client.sendall(request)
        time.sleep(0.05)  # every request is in its socket before the loop looks again
        started = time.monotonic()
        while time.monotonic() - started < 5:
            during(order, transports)
            await asyncio.sleep(0.05)
            if len(order) + sum(t.is_closing() for t in transports) >= len(requests):
                break
        for client in clients:
            client.close()
        for transport in transports:
            transport.close()
        server.close()
        await server.wait_closed()
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()
    return order


def turn_loop() -> turns.TurnLoop:
    loop = turns.TurnLoop()
    loop.turns.per_read = COST  # as if it had learnt it: 20 ms turns hold a handful
    return loop


READS = [b"GET /articles/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(40)]
HEALTH = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"


def test_a_health_check_sent_last_is_read_first() -> None:
    order = flood(turn_loop(), [*READS, HEALTH])
    assert len(order) == 41
    assert order.index(b"GET /health HTTP/1.1") == 0
    # asyncio's own selector reads them in the order they became ready: the check last.
    assert flood(asyncio.SelectorEventLoop(), [*READS, HEALTH]).index(b"GET /health HTTP/1.1") == 40


def test_a_path_that_only_starts_like_health_waits_its_turn() -> None:
    order = flood(turn_loop(), [*READS, b"GET /healthz HTTP/1.1\r\n\r\n"])
    assert order[-1] == b"GET /healthz HTTP/1.1"


def test_connections_are_read_oldest_first_a_few_a_turn() -> None:
    loop = turn_loop()
    order = flood(loop, READS)
    assert order == [request.split(b"\r\n", 1)[0] for request in READS]
    # Eight a turn (turns.MIN_TURN), 5 ms each: the last waited four turns of 40 ms or more.
    assert loop.turns.take_longest_wait() >= 4 * turns.MIN_TURN * COST
    assert loop.turns.take_longest_wait() == 0.0  # taken


def test_a_connection_closed_while_it_waits_is_never_read() -> None:
    def close_the_last_ten(order: list[bytes], transports: list[asyncio.Transport]) -> None:
        if order:
            for transport in transports[-10:]:
                transport.close()

    order = flood(turn_loop(), READS, close_the_last_ten)
    assert len(order) == 30
    assert order == [request.split(b"\r\n", 1)[0] for request in READS[:30]]


def test_the_overload_judge_counts_the_wait_of_connections_not_yet_read() -> None:
    """Turns of about 40 ms keep the loop's own lag under a 400 ms budget; the connections
    that waited for twenty of them did not, and the judge sheds for it."""
    loop = turn_loop()
    overload = Overload(max_in_flight=64, max_wait=0.4)
    ticks: list[float] = []
    watching: list[asyncio.Future[None]] = []

    def tick() -> None:
        ticks.append(time.monotonic())
        loop.call_later(0.001, tick)

    def watch(order: list[bytes], transports: list[asyncio.Transport]) -> None:
        if not ticks:
            watching.append(asyncio.ensure_future(overload.watch_lag()))
            tick()

    flood(loop, READS * 4, watch)
    assert max(b - a for a, b in itertools.pairwise(ticks)) < overload.max_wait  # the loop's lag
    assert overload.share < 1.0


def test_what_waited_too_long_for_its_turn_to_be_answered_within_the_budget_is_shed() -> None:
    """Eight connections a turn of 40 ms and a 100 ms budget: the first turn's requests
    waited nothing and are served; the last ones waited four turns and more, past the
    budget less what they would still wait (turns.STILL_TO_WAIT), and are shed."""
    overload = Overload(max_in_flight=64, max_wait=0.1)
    verdicts: list[bool] = []
    flood(turn_loop(), READS, judge=overload.admits, verdicts=verdicts)
    assert len(verdicts) == 40
    assert verdicts[:turns.MIN_TURN] == [True] * turns.MIN_TURN
    assert verdicts[-turns.MIN_TURN:] == [False] * turns.MIN_TURN


def test_a_turn_reads_and_starts_no_more_than_the_next_has_room_to_run() -> None:
    """While connections wait, a turn reads about as many as would start what the next
    turn can run the handlers of (start_room), at the share of reads that started lately,
    and starts no more than that whatever it read: the rest are refused, to be shed. When
    every read starts, the others wait to be read instead. With nothing waiting, all start."""
    def flooded(requests: list[bytes], starts_per_read: float) -> list[list[tuple[int, bool]]]:
        loop = turns.TurnLoop()
        loop.turns.per_read = 0.0002
        loop.turns.per_start = 0.006  # 0.75 x 12 ms holds one: start_room is MIN_TURN to begin with
        loop.turns.starts_per_read = starts_per_read
        seen: list[tuple[float, int, bool]] = []  # (the turn, its start room, the verdict) a request

        def judge() -> bool:
            verdict = turns.start()
            seen.append((loop.turns._handed_at, loop.turns.start_room, verdict))
            return verdict

        flood(loop, requests, judge=judge)
        assert len(seen) == len(requests)
        return [[(room, verdict) for _, room, verdict in group]
                for _, group in itertools.groupby(seen, key=lambda each: each[0])]

    def within_room(by_turn: list[list[tuple[int, bool]]]) -> bool:
        return all(sum(verdict for _, verdict in verdicts) <= verdicts[0][0] for verdicts in by_turn)

    all_starting = flooded(READS * 3, 1.0)
    assert within_room(all_starting)
    assert all(verdict for verdicts in all_starting for _, verdict in verdicts)
    assert len(all_starting[0]) == turns.MIN_TURN  # read no more than could start
    few_starting = flooded(READS * 3, 1 / 8)  # as when most of what is read is shed
    assert within_room(few_starting)
    assert len(few_starting[0]) > 2 * turns.MIN_TURN
    assert [verdict for _, verdict in few_starting[0]] == [True] * turns.MIN_TURN + [False] * (len(few_starting[0]) - turns.MIN_TURN)
    nothing_waiting = flooded(READS[:12], 1 / 8)  # all read in one turn: none is refused
    assert [verdict for _, verdict in nothing_waiting[0]] == [True] * 12


def test_the_costs_of_reading_and_of_starting_are_told_apart_from_turn_lengths() -> None:
    """Turns that alternate many cheap reads with the handlers they started: the length of a
    turn alone would say every connection costs the same."""
    selector = turns.TurnSelector()
    for reads, starts in [(150, 10), (40, 60), (120, 25), (60, 50)] * 20:
        selector._learn(reads, starts, 0.00004 * reads + 0.0003 * starts)
    assert selector.per_read == pytest.approx(0.00004, rel=0.05)
    assert selector.per_start == pytest.approx(0.0003, rel=0.05)
    selector.close()

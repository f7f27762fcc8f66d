"""Short turns of the event loop under a flood, oldest connection first, /health before all.

asyncio hands its loop every connection that is ready, and the loop answers them all in
one turn: under 1,024 connections a turn took ~200 ms here, and a request arriving as
one began waited for it to end and for its own place in the next, /health included
(bench/RESULTS.md). TurnSelector hands the loop only as many ready connections as it
reads in about TURN_BUDGET, oldest first, and keeps the others waiting for the next turn
(epoll reports them again: what is not read stays ready). When some must wait, the first
bytes of each newly waiting connection are peeked, and a request for /health is handed on
first, so a health check waits one short turn at most whatever the queue. A turn costs
what it reads and the handlers of the requests the turn before started: while connections
wait, a turn reads no more than would start what the next has room to run, and one that
read far more (the share judged to start had just changed) starts no more (start).

The queue of every other request stays as long as the clients make it: 1,024 clients that
each ask again as soon as they are answered wait about 1,024 / answers-per-second, whatever
the order (Little's law). Refusing early those that would wait long was tried: they asked
again at once, and their 503s made the turns longer (bench/RESULTS.md). What is kept is how
long the connections handed on waited, for app.overload, which sheds past its budget: what
is read in a turn whose connections waited past half of it, as it did for a turn that
itself ran past half of it when a turn read every ready connection."""

from __future__ import annotations

import asyncio
import itertools
import math
import select
import selectors
import socket
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

# How long a turn of the loop should take at most when connections queue. A health check
# waits for the rest of the turn it arrives in and for the handlers at the head of the next:
# a quarter of its 50 ms target (issue 14), so that the turns' overrun stays within it.
TURN_BUDGET = 0.012
# The part of a turn the requests started in the turn before may take (their handlers run
# in it, ahead of what it reads); the rest is for reading.
START_SHARE = 0.75
# What a request read in a turn still waits for, at most: the rest of that turn, then its
# handler in the next.
STILL_TO_WAIT = 2 * TURN_BUDGET
# However slow the answers were, a turn takes at least this many connections, and starts.
MIN_TURN = 8
# What a health check starts with; the byte after it must end the path.
_HEALTH = b"GET /health"
_PEEK = len(_HEALTH) + 1
# How much of the costs' estimate each turn keeps of the turns before it.
_DECAY = 0.95
# How fast the share of reads that start follows the last turn.
_SMOOTHING = 0.25


def _connection(key: selectors.SelectorKey) -> socket.socket | None:
    """The socket of an asyncio transport reading this key, or None for anything else the
    loop watches (its listening sockets, its own wake-up pipe)."""
    reader = key.data[0] if isinstance(key.data, tuple) else None
    transport = getattr(getattr(reader, "_callback", None), "__self__", None)
    sock = getattr(transport, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _asks_health(sock: socket.socket) -> bool:
    try:
        head = sock.recv(_PEEK, socket.MSG_PEEK)
    except OSError:
        return False
    return head.startswith(_HEALTH) and head[len(_HEALTH):] in (b" ", b"?")


# epoll is Linux's; elsewhere `newsdesk serve` runs asyncio's own loop (app.front.EVENT_LOOP).
AVAILABLE = hasattr(selectors, "EpollSelector")
_Epoll = selectors.EpollSelector if AVAILABLE else selectors.DefaultSelector


class TurnSelector(_Epoll):  # type: ignore[misc,valid-type]
    """Runs where asyncio's selector runs, once a turn: its select() is on the path of
    every request, so it walks what epoll reports once and looks nothing up twice."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting: dict[int, float] = {}  # descriptor -> since when, in that order
        # Seconds of the loop a connection read costs in its turn, and a request started
        # costs in the turn after (its handler), as the last turns ran (_learn).
        self.per_read = 0.0002
        self.per_start = 0.001
        self._sums: list[float] = []  # decayed sums of the fit (_learn)
        self._handed = 0  # connections handed for the turn now running
        self._handed_at = 0.0
        self.started = 0  # requests started in the turn now running (start)
        self._started_before = 0  # in the turn before: their handlers run in this one
        self.start_room = MIN_TURN
        self.starts_per_read = 1.0  # asked to start, of the connections read in the last turns
        self.asked = 0  # requests the judge let start in the turn now running, room or not
        self._read = 0
        self.longest_wait = 0.0  # of the connections handed since app.overload last read it
        self.turn_wait = 0.0  # of the oldest connection handed for the turn now running

    def unregister(self, fileobj: FileDescriptorLike) -> selectors.SelectorKey:
        # Closed, or no longer read (paused, or modified): it waits no more.
        key = super().unregister(fileobj)
        self._waiting.pop(key.fd, None)
        return key

    def modify(self, fileobj: FileDescriptorLike, events: int, data: object = None) -> selectors.SelectorKey:
        key = super().modify(fileobj, events, data)
        if not events & selectors.EVENT_READ:
            self._waiting.pop(key.fd, None)
        return key

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        started = time.monotonic()
        if self._handed or self._started_before:  # the turn that ran them has just ended
            self._learn(self._handed, self._started_before, started - self._handed_at)
        if self._read:
            # Of what was read, what the judge let start or would have, had there been room:
            # counting only what started, refusals would make a turn read more, and refuse more.
            self.starts_per_read += _SMOOTHING * (min(1.0, self.asked / self._read) - self.starts_per_read)
        self.asked = 0
        self._started_before, self.started = self.started, 0
        waiting = self._waiting
        if waiting:
            timeout = 0
        elif timeout is None:
            timeout = -1
        else:
            timeout = max(0, math.ceil(timeout * 1e3) * 1e-3)  # as selectors.EpollSelector
        try:
            polled = self._selector.poll(timeout, max(len(self._fd_to_key), 1))
        except InterruptedError:
            polled = []
        now = time.monotonic()
        self.start_room = max(MIN_TURN, int(TURN_BUDGET * START_SHARE / self.per_start))
        # Read no more than would start what the next turn can run, at the share of reads
        # the judge let start lately: connections left waiting are read next turn, oldest
        # first, instead of read now and refused for want of room (start).
        room = max(MIN_TURN, min(int((TURN_BUDGET - self.per_start * self._started_before) / self.per_read),
                                 int(self.start_room / max(self.starts_per_read, 1 / 64))))
        keys = self._fd_to_key
        handed: list[tuple[selectors.SelectorKey, int]] = []
        urgent: list[selectors.SelectorKey] = []
        for fd, event in polled:
            if fd in waiting and not event & select.EPOLLOUT:
                continue
            key = keys.get(fd)
            if key is None:
                continue
            events = ((selectors.EVENT_WRITE if event & ~select.EPOLLIN else 0)
                      | (selectors.EVENT_READ if event & ~select.EPOLLOUT else 0)) & key.events
            if not events & selectors.EVENT_READ or fd in waiting:
                if events & selectors.EVENT_WRITE:
                    handed.append((key, selectors.EVENT_WRITE))
                continue
            sock = _connection(key)
            if sock is None:
                handed.append((key, events))
                continue
            if events & selectors.EVENT_WRITE:
                handed.append((key, selectors.EVENT_WRITE))
            if len(waiting) >= room and _asks_health(sock):
                urgent.append(key)
            else:
                waiting[fd] = now
        handed += ((key, selectors.EVENT_READ) for key in urgent)
        self.turn_wait = 0.0
        reading = list(itertools.islice(waiting, max(0, room - len(urgent))))
        self._read = len(urgent) + len(reading)  # connections read in the turn about to run
        for fd in reading:
            self.turn_wait = max(self.turn_wait, now - waiting.pop(fd))  # the first, in fact
            handed.append((keys[fd], selectors.EVENT_READ))
        self.longest_wait = max(self.longest_wait, self.turn_wait)
        self._handed = len(handed)
        self._handed_at = now
        return handed

    def start(self) -> bool:
        """Whether a request read in this turn may start: while connections wait, no more
        than the next turn has room to run the handlers of (start_room). A turn that read
        many cheap connections would otherwise start as many requests, and the next would
        run all their handlers before it reads anything, a health check included: 70-100 ms
        turns under 1,024 connections (bench/RESULTS.md)."""
        self.asked += 1
        # While most of what is read starts, a turn reads about start_room already (select);
        # the cap is for a turn that read many more, as when the share comes back whole after
        # a flood: capped always, a few requests read beside health checks were refused at
        # 32 connections.
        if self._waiting and self.starts_per_read < 0.5 and self.started >= self.start_room:
            return False
        self.started += 1
        return True

    def _learn(self, reads: int, starts: int, seconds: float) -> None:
        """Fits a turn's length as per_read x what it was handed (connections to read,
        mostly) + per_start x the requests started in the turn before it, least squares over the last turns (each
        weighing _DECAY of the one after it). A turn's length alone cannot tell the two
        apart: a turn of cheap reads starts requests whose handlers make the next one long."""
        sums = self._sums
        if not sums:  # what was assumed counts as one turn of MIN_TURN of each, to begin with
            weight = MIN_TURN * MIN_TURN
            sums += [weight, 0.0, weight, weight * self.per_read, weight * self.per_start]
        for i, term in enumerate((reads * reads, reads * starts, starts * starts, reads * seconds, starts * seconds)):
            sums[i] = _DECAY * sums[i] + term
        rr, rs, ss, rt, st = sums
        det = rr * ss - rs * rs
        if det > 1e-3 * rr * ss:  # not always in the same ratio: the two can be told apart
            per_read, per_start = (rt * ss - st * rs) / det, (rr * st - rs * rt) / det
            if per_read > 0 and per_start > 0:
                self.per_read, self.per_start = per_read, per_start

    def take_longest_wait(self) -> float:
        longest, self.longest_wait = self.longest_wait, 0.0
        return longest


class TurnLoop(asyncio.SelectorEventLoop):
    """The event loop `newsdesk serve` runs (uvicorn's `loop` setting names it)."""

    def __init__(self) -> None:
        self.turns = TurnSelector()
        super().__init__(self.turns)


def turn_wait() -> float:
    """How long the connections read in this turn of the running loop waited for it, at
    most; 0 on a loop that does not keep them waiting."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # asked outside a loop
        return 0.0
    return loop.turns.turn_wait if isinstance(loop, TurnLoop) else 0.0


def start() -> bool:
    """Whether a request the running loop read in this turn may start (TurnSelector.start);
    always on a loop that does not keep connections waiting."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # asked outside a loop
        return True
    return loop.turns.start() if isinstance(loop, TurnLoop) else True


def longest_wait(loop: asyncio.AbstractEventLoop) -> float:
    """How long the connections this loop handed on since the last call waited for their
    turn; 0 on a loop that does not keep them waiting (uvicorn's own, in tests)."""
    return loop.turns.take_longest_wait() if isinstance(loop, TurnLoop) else 0.0

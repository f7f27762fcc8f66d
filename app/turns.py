"""Short turns of the event loop under a flood, oldest connection first, /health before all.

asyncio hands its loop every connection that is ready, and the loop answers them all in
one turn: under 1,024 connections a turn took ~200 ms here, and a request arriving as
one began waited for it to end and for its own place in the next, /health included
(bench/RESULTS.md). TurnSelector hands the loop only as many ready connections as it
answers in about TURN_BUDGET, oldest first, and keeps the others waiting for the next turn
(epoll reports them again: what is not read stays ready). When some must wait, the first
bytes of each newly waiting connection are peeked, and a request for /health is handed on
first, so a health check waits one short turn at most whatever the queue.

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

# How long a turn of the loop should take at most when connections queue: a health check
# waits about one turn.
TURN_BUDGET = 0.02
# However slow the answers were, a turn takes at least this many connections.
MIN_TURN = 8
# What a health check starts with; the byte after it must end the path.
_HEALTH = b"GET /health"
_PEEK = len(_HEALTH) + 1
# How fast the estimate of an answer's cost follows the last turn.
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
        # Seconds of the loop a connection handed to it costs, as the last turns ran.
        self.per_answer = 0.0002
        self._handed = 0
        self._handed_at = 0.0
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
        if self._handed:  # the turn that ran them has just ended
            cost = (started - self._handed_at) / self._handed
            self.per_answer += _SMOOTHING * (cost - self.per_answer)
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
        room = max(MIN_TURN, int(TURN_BUDGET / self.per_answer))
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
        for fd in list(itertools.islice(waiting, max(0, room - len(urgent)))):
            self.turn_wait = max(self.turn_wait, now - waiting.pop(fd))  # the first, in fact
            handed.append((keys[fd], selectors.EVENT_READ))
        self.longest_wait = max(self.longest_wait, self.turn_wait)
        self._handed = len(handed)  # what the turn about to run answers
        self._handed_at = now
        return handed

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


def longest_wait(loop: asyncio.AbstractEventLoop) -> float:
    """How long the connections this loop handed on since the last call waited for their
    turn; 0 on a loop that does not keep them waiting (uvicorn's own, in tests)."""
    return loop.turns.take_longest_wait() if isinstance(loop, TurnLoop) else 0.0

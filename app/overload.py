"""Whether a worker is overloaded: the one judge, asked at the front door (app.front, before
uvicorn builds the request) and by the outermost middleware (app.limits.InFlightLimit)."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

from app import turns
from app.errors import problem
from app.observability import API_HEADERS, HTTP_REQUESTS

# How often the event loop's lag is read: each reading is one timer, about 100 a second.
LAG_TICK = 0.01
# Never shed everything: a share of requests is always served, so the lag can be read on
# real work and the share grow again.
MIN_SHARE = 1 / 64
# When the lag is under the budget, the share served grows by this factor a tick.
SHARE_GROWTH = 1.25
# Always served: they say whether the service is up, overloaded or not.
EXEMPT = frozenset({"/health", "/metrics"})
# Where the lifespan leaves the worker's Overload for the protocol (uvicorn's app state).
STATE_KEY = "newsdesk.overload"
# Set in a request's scope by the front door that admitted it: the app's layer does not ask
# again. Asked twice, a request is served at the share of the share: at the least share,
# 1 in 4,096 instead of 1 in 64, and a flood is shed whole.
ADMITTED_KEY = "newsdesk.admitted"


def next_share(share: float, lag: float, budget: float) -> float:
    """The share of requests to serve after a tick whose timer fired `lag` seconds late.

    A request waits for the event loop about as long as the timer did (they sit in the same
    queue of ready work), so a lag past the budget means the requests arriving now would
    wait past it too: serve fewer, in proportion. Under it, serve more again, a step at a
    time, so that a flood that goes on is not let in whole at once."""
    if lag > budget:
        return max(MIN_SHARE, share * budget / lag)
    return min(1.0, share * SHARE_GROWTH)


class Overload:
    """Past `max_in_flight` requests being served, or while requests wait for the event
    loop longer than `max_wait` seconds, the next is to be shed.

    Requests that are served on the event loop itself (a stored document read from SQLite)
    never count as in flight for long: under a flood of them the wait is in the loop's
    queue, read as the lateness of a timer (next_share), and only a share of requests is
    served until it falls back under `max_wait`. One per worker, on its one event loop:
    no lock."""

    def __init__(self, *, max_in_flight: int, max_wait: float) -> None:
        self.max_in_flight = max_in_flight
        self.max_wait = max_wait
        self.in_flight = 0
        self.share = 1.0
        self._owed = 0.0
        self._due = math.inf  # when the lag timer is due to fire (time.monotonic)
        # Built once: under a flood, answering 503 is most of what the event loop does.
        response = problem(503, "The server is busy; try again shortly.", slug="overloaded",
                           headers={"Retry-After": "1"})
        self.shed_headers: list[tuple[bytes, bytes]] = [*response.raw_headers, *API_HEADERS]
        self.shed_body = bytes(response.body)
        self._shed_count: dict[str, Any] = {}  # method -> its counter child, made once

    def admits(self) -> bool:
        """Serve `share` of the requests, evenly: each request not served owes 1 - share,
        and one is shed when a whole one is owed, so a brief dip (a share of 0.9 for a
        tick) sheds nothing unless ten requests arrive in it."""
        if self.in_flight >= self.max_in_flight:
            return False
        share = self.share
        if (time.monotonic() - self._due > self.max_wait / 2
                or turns.turn_wait() + turns.STILL_TO_WAIT > self.max_wait):
            # This turn of the loop has run past half the budget (the timer could not fire
            # to say so): a request read now can have arrived as the turn before began, so it
            # has waited up to two turns. Or what it reads waited so long for it (app.turns)
            # that it could not be answered within the budget. Serve no more than the least
            # share, so that the wait can still be read on real work and the service is
            # never wholly refused.
            share = MIN_SHARE
        if share >= 1.0:
            self._owed = 0.0
            return turns.start()
        self._owed += 1.0 - share
        if self._owed >= 1.0 - 1e-9:  # ten owing a tenth each owe a whole one
            self._owed -= 1.0
            return False
        return turns.start()  # and the loop has room for it (app.turns)

    def count_shed(self, method: str) -> None:
        """In /metrics under the route "(shed)", with no access-log line (a flood would
        write one per request)."""
        counter = self._shed_count.get(method)
        if counter is None:
            counter = self._shed_count[method] = HTTP_REQUESTS.labels(method, "(shed)", "503")
        counter.inc()

    async def watch_lag(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                started = loop.time()
                self._due = time.monotonic() + LAG_TICK
                await asyncio.sleep(LAG_TICK)
                # Under a flood the loop's turns stay short (app.turns) and the wait is in the
                # queue of connections not yet read: whichever is longer is the wait.
                lag = max(loop.time() - started - LAG_TICK, turns.longest_wait(loop))
                self.share = next_share(self.share, lag, self.max_wait)
        finally:
            self._due = math.inf

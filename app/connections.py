"""uvicorn's HTTP protocol with a deadline on a request's headers.

uvicorn times out an idle keep-alive connection, but not one that sends its headers a
byte at a time: a thousand such clients hold a thousand sockets (and file descriptors)
for as long as they like, before any middleware sees a request. This protocol gives each
connection `header_timeout_seconds` to finish a request's headers, from when it opens and
again after each answer, and closes it otherwise, as nginx's client_header_timeout does.
The body and the answer are the request time limit's business (app.limits.TimeLimit)."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import get_settings


class HeaderTimeoutProtocol(HttpToolsProtocol):
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def on_headers_complete(self) -> None:
        self._stop_waiting()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        # A pipelined request already sent its headers; otherwise the next one starts now.
        waiting = not self.pipeline
        super().on_response_complete()
        if waiting and not self.transport.is_closing():
            self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._stop_waiting()
        self._header_timer = self.loop.call_later(get_settings().header_timeout_seconds, self._headers_too_slow)

    def _stop_waiting(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

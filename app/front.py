"""The front door: a request to be shed is answered 503 where uvicorn reads it, before the
request cycle, its task and the app exist for it.

Shed in the app (app.limits.InFlightLimit), a 503 cost the event loop uvicorn's scope, a
request cycle, a task that runs on a later turn of the loop, and the ASGI messages of the
answer; under a flood that is most of what a served read costs, and the 503s waited in the
same queue as the reads. Here it costs the parser's callbacks, one decision of the
worker's Overload (the same one the app asks, found in uvicorn's app state) and one write.

A request without a body keeps its connection (the client asks again on it, as wrk and
browsers do); one with a body, or that asked to close, or whose client is not reading its
answers, is answered `Connection: close`, so its body is never read. A pipelined request
behind one still being served goes to the app as before: its answer must wait its turn."""

from __future__ import annotations

from app.connections import HeaderTimeoutProtocol
from app.observability import read_request_id
from app.overload import EXEMPT, STATE_KEY, Overload

_EXEMPT_RAW = frozenset(path.encode() for path in EXEMPT)
_STATUS_LINE = b"HTTP/1.1 503 Service Unavailable\r\n"


class FrontProtocol(HeaderTimeoutProtocol):
    _shed = False

    def on_message_begin(self) -> None:
        self._shed = False
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        if self.transport.is_closing():  # closed after a 503 earlier in the same read
            self._shed = True
            return
        overload: Overload | None = self.app_state.get(STATE_KEY)
        if (overload is not None and not self.pipeline and (self.cycle is None or self.cycle.response_complete)
                and self.url.split(b"?", 1)[0] not in _EXEMPT_RAW and not self.parser.should_upgrade()
                and not overload.admits()):
            self._answer_shed(overload)
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._shed:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._shed:
            super().on_message_complete()

    def _answer_shed(self, overload: Overload) -> None:
        self._shed = True
        self._stop_waiting()
        method = self.parser.get_method()
        overload.count_shed(method.decode("ascii"))
        has_body = any(name in (b"content-length", b"transfer-encoding") and value.strip() != b"0"
                       for name, value in self.headers)
        # A client that pipelines requests without reading the answers would fill the
        # write buffer with 503s: once it is past its high-water mark, the answer is the last.
        keep_alive = self.parser.should_keep_alive() and not has_body and not self.flow.write_paused
        head = [_STATUS_LINE]
        for name, value in (*self.server_state.default_headers, *overload.shed_headers,
                            (b"x-request-id", read_request_id(self.headers).encode("latin-1"))):
            head += (name, b": ", value, b"\r\n")
        if not keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        if method != b"HEAD":
            head.append(overload.shed_body)
        self.transport.write(b"".join(head))
        if keep_alive:
            self._await_headers()
        else:
            self.transport.close()

"""Request body limits, enforced as the bytes arrive: a large body is refused before it is
read whole, whatever its Content-Length claims."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PayloadTooLarge, problem


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_batch_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_batch_bytes = max_batch_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = self.max_batch_bytes if scope["path"].rstrip("/").endswith("/batch") else self.max_bytes
        too_large = PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                response = problem(413, too_large.detail, slug=too_large.slug)
                await response(scope, receive, send)
                return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large
            return message

        await self.app(scope, limited_receive, send)

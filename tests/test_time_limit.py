"""The request time limit: a request without an answer by then gets a 503; an answer
already streaming has the (longer) stream limit, and is cut past it."""

from __future__ import annotations

import anyio
import httpx
import pytest
from starlette.types import Receive, Scope, Send

from app.limits import TimeLimit


def slow_stream(before: float, between: float):  # type: ignore[no-untyped-def]
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await anyio.sleep(before)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        for row in (b"a,b\n", b"1,2\n", b"3,4\n"):
            await anyio.sleep(between)
            await send({"type": "http.response.body", "body": row, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    return app


async def fetch(app: TimeLimit) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get("/quotes?format=csv")


@pytest.mark.anyio
async def test_an_answer_under_way_outlives_the_request_limit() -> None:
    r = await fetch(TimeLimit(slow_stream(0, 0.2), seconds=0.1, stream_seconds=5))
    assert r.status_code == 200
    assert r.content == b"a,b\n1,2\n3,4\n"  # whole, though it took 0.6 s against a 0.1 s limit


@pytest.mark.anyio
async def test_no_answer_by_the_limit_is_a_503() -> None:
    r = await fetch(TimeLimit(slow_stream(0.5, 0), seconds=0.1, stream_seconds=5))
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.anyio
async def test_a_stream_past_its_own_limit_is_cut() -> None:
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/quotes", "headers": []}
    await TimeLimit(slow_stream(0, 0.3), seconds=5, stream_seconds=0.4)(scope, receive, send)  # type: ignore[arg-type]
    assert [m.get("body") for m in sent[1:]] == [b"a,b\n"]  # the rest never came
    assert sent[-1]["more_body"] is True  # and the answer never ended: the server closes it

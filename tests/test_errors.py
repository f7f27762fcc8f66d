"""Bad input gets a clear problem+json with the right status, never a 500."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.samples import FARM, RAIL

PROBLEM = "application/problem+json"


def assert_problem(r: object, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith(PROBLEM)  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    if status == 422:
        assert body["errors"], body
    return body


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (json.dumps({"text": ""}).encode(), "application/json"),
        (json.dumps({"text": " \n\t "}).encode(), "application/json"),
        (json.dumps({"title": "no text"}).encode(), "application/json"),
        (json.dumps({"text": 42}).encode(), "application/json"),
        (json.dumps({"text": RAIL, "published_at": "yesterday"}).encode(), "application/json"),
        (json.dumps({"text": RAIL, "published_at": "2026-13-45T00:00:00Z"}).encode(), "application/json"),
        (json.dumps({"text": RAIL, "authors": "not a list"}).encode(), "application/json"),
        (json.dumps({"text": RAIL, "language": "xx"}).encode(), "application/json"),
        (json.dumps({"text": "nul \u0000 byte"}).encode(), "application/json"),
        (b'{"text": "lone \\ud800 surrogate"}', "application/json"),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
        (b"\xff\xfe not utf-8 \xc3\x28", "text/plain; charset=utf-8"),
        (b"   \n  ", "text/plain"),
        (b"<html><head><title>Nothing here</title></head><body></body></html>", "text/html"),
        (b"<html><body>" + b"<div>" * 100_000 + b"</body></html>", "text/html"),
    ],
)
def test_invalid_articles_are_422_and_store_nothing(client: TestClient, body: bytes, content_type: str) -> None:
    r = client.post("/articles", content=body, headers={"content-type": content_type})
    assert_problem(r, 422)
    assert client.get("/articles").json()["items"] == []


@pytest.mark.parametrize("content_type", ["application/xml", "image/png", "", "text/plain; charset=klingon"])
def test_unsupported_content_type_is_415(client: TestClient, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    r = client.post("/articles", content=b"hello world", headers=headers)
    assert_problem(r, 415)


def test_body_over_limit_is_413_with_or_without_length(make_client: object) -> None:
    small = make_client(max_body_bytes=1000)  # type: ignore[operator]
    big = json.dumps({"text": "word " * 1000}).encode()
    assert_problem(small.post("/articles", content=big, headers={"content-type": "application/json"}), 413)

    def chunks() -> object:
        for _ in range(100):
            yield b"x" * 100

    r = small.post("/articles", content=chunks(), headers={"content-type": "text/plain"})
    assert_problem(r, 413)
    assert small.get("/articles").json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/articles/999999",
        "/articles/999999/entities",
        "/articles/999999/quotes",
        "/entities/999999",
        "/entities/999999/articles",
        "/entities/999999/quotes",
        "/nowhere",
        "/articles/abc",  # ids are integers: no such resource
        "/articles/-5",
    ],
)
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 404)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/articles", {"limit": 0}),
        ("/articles", {"limit": 101}),
        ("/articles", {"limit": "ten"}),
        ("/articles", {"cursor": "not-a-cursor"}),
        ("/articles", {"cursor": "WyJxdW90ZXMiLDVd"}),  # a quotes cursor, on articles
        ("/articles", {"published_after": "last week"}),
        ("/articles", {"published_before": "0.5"}),
        ("/articles", {"published_before": "1700000000"}),
        ("/articles", {"entity_id": -1}),
        ("/articles", {"entity_id": 2**31}),
        (f"/entities/{2**31}", {}),
        ("/articles/0", {}),
        (f"/articles/{2**70}", {}),
        ("/entities", {"cursor": "W10"}),
        ("/entities", {"limit": -1}),
        ("/quotes", {"kind": "shouted"}),
        ("/quotes", {"cursor": "WyJxdW90ZXMiLCJ4Il0"}),
        ("/quotes", {"cursor": "%%%"}),
    ],
)
def test_bad_parameters_are_422(client: TestClient, path: str, params: dict[str, object]) -> None:
    assert_problem(client.get(path, params=params), 422)


def test_wrong_method_is_405_and_allow_names_every_method(client: TestClient) -> None:
    r = client.put("/articles", json={})
    assert_problem(r, 405)
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    r = client.options("/articles/1")
    assert_problem(r, 405)
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "DELETE"}
    assert_problem(client.delete("/entities/1"), 405)
    assert_problem(client.post("/quotes", json={}), 405)


def test_batch_reports_each_item_and_one_bad_item_fails_alone(client: TestClient) -> None:
    items = [{"text": RAIL}, {"text": ""}, {"text": RAIL}, {"title": "no text"}, {"text": "Short note on the harbour from Port Elwin."}]
    r = client.post("/articles/batch", json=items)
    assert r.status_code == 200, r.text
    results = r.json()["items"]
    assert [x["index"] for x in results] == [0, 1, 2, 3, 4]
    assert [x["status"] for x in results] == [201, 422, 200, 422, 201]
    assert results[2]["id"] == results[0]["id"]
    assert results[1]["error"]["status"] == 422
    ndjson = "\n".join(json.dumps(x) for x in [{"text": RAIL}, {"text": "Another note from the town of Port Elwin."}])
    r = client.post("/articles/batch", content=ndjson.encode(), headers={"content-type": "application/x-ndjson"})
    assert [x["status"] for x in r.json()["items"]] == [200, 201]
    # A line that is not JSON (or not UTF-8) is that item's failure, not the batch's.
    lines = [json.dumps({"text": RAIL}).encode(), b"{bad json", b"\xff\xfe", json.dumps({"text": FARM}).encode()]
    r = client.post("/articles/batch", content=b"\n".join(lines), headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200, r.text
    results = r.json()["items"]
    assert [x["status"] for x in results] == [200, 422, 422, 201]
    assert "Line 2" in results[1]["error"]["detail"]


def test_batch_errors(make_client: object) -> None:
    small = make_client(max_batch_items=2)  # type: ignore[operator]
    assert_problem(small.post("/articles/batch", json=[{"text": "a b"}] * 3), 422)
    assert_problem(small.post("/articles/batch", json={"text": "a"}), 422)
    assert_problem(small.post("/articles/batch", json=[]), 422)
    assert_problem(small.post("/articles/batch", content=b"\n \n", headers={"content-type": "application/x-ndjson"}), 422)
    assert_problem(small.post("/articles/batch", content=b"x", headers={"content-type": "text/plain"}), 415)


def test_no_redirect_to_the_host_the_client_named(client: TestClient) -> None:
    # Starlette redirected a path with a trailing slash to an absolute URL built from the
    # Host header: whoever controls that header chose where the client went next.
    for method, path in [("POST", "/articles/"), ("GET", "/articles/"), ("GET", "/entities/"),
                         ("GET", "/quotes/?q=x"), ("POST", "/articles/batch/")]:
        r = client.request(method, path, json={"text": "Hello."}, headers={"host": "evil.example"},
                           follow_redirects=False)
        assert "location" not in r.headers, (method, path)
        assert_problem(r, 404)


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    article_id = client.post("/articles", json={"text": RAIL}).json()["id"]
    for path in ("/articles", f"/articles/{article_id}", f"/articles/{article_id}/quotes", "/entities",
                 "/quotes?q=strike", "/health", "/metrics", "/openapi.json"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, (path, head.status_code)
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        if path != "/metrics":  # the metrics count the GET just made
            assert head.headers["content-length"] == got.headers["content-length"]
    missing = client.head("/articles/999999")
    assert (missing.status_code, missing.content) == (404, b"")
    assert missing.headers["content-type"].startswith(PROBLEM)
    refused = client.head("/articles/batch")
    assert (refused.status_code, refused.headers["allow"]) == (405, "POST")
    assert 'method="HEAD",route="/articles"' in client.get("/metrics").text

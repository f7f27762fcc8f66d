"""The contract in API.md: every list endpoint pages to its end, shapes are stable,
offsets are code points into `text`, the OpenAPI page describes every endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app import schemas
from app.openapi_docs import example_detail
from app.openapi_example import render_example_detail
from tests.samples import numbered
from tests.test_articles import assert_offsets

N = 7


@pytest.fixture
def corpus(client: TestClient) -> list[dict[str, Any]]:
    r = client.post("/articles/batch", json=[{"text": numbered(i)} for i in range(N)])
    assert [x["status"] for x in r.json()["items"]] == [201] * N
    return [client.get(f"/articles/{x['id']}").json() for x in r.json()["items"]]


def walk(client: TestClient, path: str, model: type[BaseModel], **params: Any) -> list[dict[str, Any]]:
    """Follow next_cursor to the last page, checking every item's shape."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        r = client.get(path, params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        page = r.json()
        assert set(page) == {"items", "next_cursor"}
        assert len(page["items"]) <= 2
        for item in page["items"]:
            model.model_validate(item, strict=False)
            assert set(item) == set(model.model_fields)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination never ended")


def test_every_list_walks_to_its_last_page_without_repeats(client: TestClient, corpus: list[dict[str, Any]]) -> None:
    articles = walk(client, "/articles", schemas.ArticleSummary)
    assert sorted(a["id"] for a in articles) == sorted(a["id"] for a in corpus)
    quotes = walk(client, "/quotes", schemas.Quote)
    assert len({q["id"] for q in quotes}) == len(quotes) == sum(len(a["quotes"]) for a in corpus)
    entities = walk(client, "/entities", schemas.Entity)
    assert len({e["id"] for e in entities}) == len(entities)
    counts = [e["article_count"] for e in entities]
    assert counts == sorted(counts, reverse=True)
    okafor = next(e for e in entities if e["name"] == "Maria Okafor")
    assert okafor["article_count"] == N
    assert len(walk(client, f"/entities/{okafor['id']}/articles", schemas.ArticleSummary)) == N
    spoken = walk(client, f"/entities/{okafor['id']}/quotes", schemas.Quote)
    assert len(spoken) == okafor["quote_count"] >= N


def test_summary_and_detail_agree(client: TestClient, corpus: list[dict[str, Any]]) -> None:
    summaries = {a["id"]: a for a in client.get("/articles", params={"limit": 100}).json()["items"]}
    for detail in corpus:
        schemas.ArticleDetail.model_validate(detail)
        assert set(detail) == set(schemas.ArticleDetail.model_fields)
        assert {k: detail[k] for k in summaries[detail["id"]]} == summaries[detail["id"]]
        assert_offsets(detail)


def test_offsets_are_code_points(client: TestClient) -> None:
    # Astral characters (one code point, two UTF-16 units, four UTF-8 bytes) before a quote.
    text = "🗞️🗞️ Café owner 𝔐aria Okafor spoke.\n“We will stay open,” Okafor said in Port Elwin.\n"
    article = client.post("/articles", json={"text": text}).json()
    assert article["text"] == text
    assert article["quotes"]
    assert_offsets(article)


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    expected = {
        "/articles": {"get", "post"},
        "/articles/batch": {"post"},
        "/articles/{article_id}": {"get", "delete"},
        "/articles/{article_id}/entities": {"get"},
        "/articles/{article_id}/quotes": {"get"},
        "/entities": {"get"},
        "/entities/{entity_id}": {"get"},
        "/entities/{entity_id}/articles": {"get"},
        "/entities/{entity_id}/quotes": {"get"},
        "/quotes": {"get"},
        "/health": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            op = paths[path][method]
            assert op.get("summary"), (path, method)
            if path != "/health":
                assert "422" in op["responses"], (path, method)
    post = paths["/articles"]["post"]
    assert {"application/json", "text/plain", "text/html"} <= set(post["requestBody"]["content"])
    assert post["responses"]["201"]["content"]["application/json"]["example"]["quotes"]
    assert "Problem" in spec["components"]["schemas"]
    operation_ids = {op["operationId"] for ops in paths.values() for op in ops.values()}
    links = post["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} <= operation_ids
    assert "get_article" in links
    assert client.get("/docs").status_code == 200


def test_docs_example_response_is_a_real_extraction() -> None:
    """The committed example must be what the extractor says today (regenerate with
    `python -m app.openapi_example`)."""
    assert example_detail() == render_example_detail()


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}

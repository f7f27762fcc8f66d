"""Full-text search on articles and quotes: ranked, phrases, prefixes, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.samples import FARM, HARBOUR, RAIL
from tests.test_errors import assert_problem


@pytest.fixture
def stored(client: TestClient) -> dict[str, dict[str, Any]]:
    out = {}
    for name, text in (("rail", RAIL), ("farm", FARM), ("harbour", HARBOUR)):
        r = client.post("/articles", json={"text": text, "title": name.title()})
        assert r.status_code == 201
        out[name] = r.json()
    return out


def article_ids(client: TestClient, q: str, **params: Any) -> list[int]:
    r = client.get("/articles", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()["items"]]


def test_words_phrases_and_prefixes(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    rail, farm = stored["rail"]["id"], stored["farm"]["id"]
    assert article_ids(client, "strike") == [rail]
    assert article_ids(client, "STRIKE suspended") == [rail]  # every word, any case
    assert article_ids(client, "strike wheat") == []
    assert article_ids(client, '"members can vote"') == [rail]
    assert article_ids(client, '"vote can members"') == []
    assert article_ids(client, "whea*") == [farm]
    assert article_ids(client, "prices") == [farm]  # stemming: "price" and "prices"
    assert article_ids(client, "price") == [farm]


def test_ranking_puts_the_better_match_first(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    heavy = client.post("/articles", json={"text": "Council news. The council met. Council members and the council leader spoke."}).json()
    ids = article_ids(client, "council")
    assert ids[0] == heavy["id"]
    assert set(ids) == {heavy["id"], stored["harbour"]["id"]}


def test_search_pages_to_the_end(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    for i in range(5):
        client.post("/articles", json={"text": f"Harbour report {i}: the harbour wall in Port Elwin was inspected."})
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"q": "harbour", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/articles", params=params).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 6


def test_quote_search_and_filters_combine(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    r = client.get("/quotes", params={"q": "harbour waited"})
    assert r.status_code == 200
    quotes = r.json()["items"]
    assert quotes and all(q["article_id"] == stored["harbour"]["id"] for q in quotes)
    assert client.get("/quotes", params={"q": "harbour", "article_id": stored["rail"]["id"]}).json()["items"] == []


def test_deleted_articles_leave_the_index(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    assert client.delete(f"/articles/{stored['farm']['id']}").status_code == 204
    assert article_ids(client, "wheat") == []
    assert client.get("/quotes", params={"q": "crop"}).json()["items"] == []


@pytest.mark.parametrize(
    "q",
    ["'; DROP TABLE article; --", "strike AND", "NEAR(strike vote)", "title:strike", "^strike", "strike OR",
     "(((", "*", "-strike", "a\\b", "%", "_", "\u2019s", "strike*vote", "x" * 200],
)
def test_query_syntax_is_never_a_500(client: TestClient, stored: dict[str, dict[str, Any]], q: str) -> None:
    for path in ("/articles", "/quotes"):
        r = client.get(path, params={"q": q})
        assert r.status_code in (200, 422), (q, r.text)
        if r.status_code == 422:
            assert_problem(r, 422)
    assert article_ids(client, "strike") == [stored["rail"]["id"]]  # and nothing was dropped


@pytest.mark.parametrize("q", ['"unbalanced', "!!!", '""'])
def test_malformed_queries_are_422(client: TestClient, q: str) -> None:
    assert_problem(client.get("/articles", params={"q": q}), 422)
    assert_problem(client.get("/quotes", params={"q": q}), 422)


def test_blank_query_means_no_search(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    assert len(client.get("/articles", params={"q": "  "}).json()["items"]) == 3


def test_search_cursor_is_not_a_listing_cursor(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    page = client.get("/articles", params={"q": "said", "limit": 1}).json()
    assert page["next_cursor"]
    assert_problem(client.get("/articles", params={"cursor": page["next_cursor"]}), 422)

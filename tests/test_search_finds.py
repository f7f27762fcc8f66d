"""Search finds what a reader means (#12): prefixes of the words as written, OR, -word,
source and author in any case, /quotes by date and source, unknown types refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.search import Query, Term, parse_query, plan
from tests.samples import FARM, HARBOUR, RAIL
from tests.test_errors import assert_problem

PEACE = """Ceasefire negotiations resume in Geneva
The negotiations between the two governments resumed on Monday, the foreign ministry said.
“We came here to make peace,” said Lena Vogel, the chief negotiator. “Nothing is agreed yet.”
"""
NOBEL = """Nobel committee names laureate
The Nobel committee in Oslo read its declaration on Friday.
“This prize honours years of patient work,” said committee chair Jonas Berg.
"""


@pytest.fixture
def corpus(client: TestClient) -> dict[str, int]:
    bodies = {
        "rail": {"text": RAIL}, "farm": {"text": FARM}, "harbour": {"text": HARBOUR},
        "peace": {"text": PEACE, "source": "Breitbart News", "authors": ["Meg James"],
                  "published_at": "2026-03-01T09:00:00Z"},
        "nobel": {"text": NOBEL, "source": "nobelprize.org", "authors": ["Ann Lee"],
                  "published_at": "2026-10-01T09:00:00Z"},
    }
    ids = {}
    for name, body in bodies.items():
        r = client.post("/articles", json=body)
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    return ids


def found(client: TestClient, path: str = "/articles", **params: Any) -> list[dict[str, Any]]:
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def names(corpus: dict[str, int], items: list[dict[str, Any]], key: str = "id") -> set[str]:
    by_id = {v: k for k, v in corpus.items()}
    return {by_id[i[key]] for i in items}


@pytest.mark.parametrize(("q", "expected"), [
    # Prefixes match the words as written, not their stems ("negotiations" is "negoti").
    ("negotiat*", {"peace"}),
    ("Negotiat*", {"peace"}),
    ("declarat*", {"nobel"}),
    ("negot*", {"peace"}),
    # Whole words still match any inflection.
    ("negotiation", {"peace"}),
    ("peace OR Nobel", {"peace", "nobel"}),
    # OR joins its neighbours; the groups must all match.
    ("peace OR Nobel committee", {"nobel"}),
    ('"make peace" OR "patient work"', {"peace", "nobel"}),
    ("committee -Oslo", set()),
    ("committee -Geneva", {"nobel"}),
    ('said -"foreign ministry"', {"rail", "farm", "harbour", "nobel"}),
    ("said -negotiat*", {"rail", "farm", "harbour", "nobel"}),
    # A prefix and a whole word in one OR group: each side on its own index.
    ("negotiat* OR laureate", {"peace", "nobel"}),
    ("negotiat* Geneva", {"peace"}),
    ("negotiat* Oslo", set()),
    ("Geneva OR Oslo -negotiat*", {"nobel"}),
])
def test_article_search_cases(client: TestClient, corpus: dict[str, int], q: str, expected: set[str]) -> None:
    assert names(corpus, found(client, q=q)) == expected


def test_quote_search_with_or_and_prefix(client: TestClient, corpus: dict[str, int]) -> None:
    quotes = found(client, "/quotes", q="peace OR prize")
    assert names(corpus, quotes, "article_id") == {"peace", "nobel"}
    assert names(corpus, found(client, "/quotes", q="honour*"), "article_id") == {"nobel"}


def test_either_or_search_pages_to_the_end(client: TestClient, corpus: dict[str, int]) -> None:
    seen: list[int] = []
    params: dict[str, Any] = {"q": "negotiat* OR laureate", "limit": 1}
    for _ in range(5):
        page = client.get("/articles", params=params).json()
        seen += [a["id"] for a in page["items"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert sorted(seen) == sorted([corpus["peace"], corpus["nobel"]])


@pytest.mark.parametrize("q", ["OR peace", "peace OR", "peace OR OR Nobel", "-peace", '-"make peace"',
                               "peace OR -war", "-war OR peace", "ne* OR peace"])
def test_malformed_boolean_queries_are_422(client: TestClient, q: str) -> None:
    body = assert_problem(client.get("/articles", params={"q": q}), 422)
    assert body["errors"][0]["loc"] == ["query", "q"]  # type: ignore[index]


@pytest.mark.parametrize(("params", "expected"), [
    ({"source": "Breitbart"}, {"peace"}),
    ({"source": "BREITBART NEWS"}, {"peace"}),
    ({"source": "  breitbart   news "}, {"peace"}),
    ({"source": "news"}, {"peace"}),
    ({"source": "nobelprize.org"}, {"nobel"}),
    ({"source": "%"}, set()),
    ({"source": "_"}, set()),
    ({"author": "meg james"}, {"peace"}),
    ({"author": "MEG  JAMES"}, {"peace"}),
    ({"author": "james"}, {"peace"}),
    ({"author": "meg james", "q": "negotiat*"}, {"peace"}),
    ({"author": "ann lee", "q": "negotiat*"}, set()),
])
def test_source_and_author_any_case(client: TestClient, corpus: dict[str, int], params: dict[str, str],
                                    expected: set[str]) -> None:
    assert names(corpus, found(client, **params)) == expected


@pytest.mark.parametrize(("params", "expected"), [
    ({"source": "breitbart"}, {"peace"}),
    ({"published_after": "2026-06-01T00:00:00Z"}, {"nobel"}),
    ({"published_before": "2026-06-01T00:00:00Z"}, {"peace"}),
    ({"published_after": "2026-01-01T00:00:00Z", "published_before": "2026-12-01T00:00:00Z"}, {"peace", "nobel"}),
    ({"published_after": "2026-10-01T09:00:00Z"}, {"nobel"}),  # inclusive
    ({"source": "breitbart", "published_after": "2026-06-01T00:00:00Z"}, set()),
    ({"source": "nobelprize", "q": "prize OR peace"}, {"nobel"}),
])
def test_quotes_by_date_and_source(client: TestClient, corpus: dict[str, int], params: dict[str, str],
                                   expected: set[str]) -> None:
    quotes = found(client, "/quotes", **params)
    assert names(corpus, quotes, "article_id") == expected
    if expected:
        assert quotes


def test_unknown_entity_type_or_quote_kind_is_422(client: TestClient, corpus: dict[str, int]) -> None:
    body = assert_problem(client.get("/entities", params={"type": "FOO"}), 422)
    assert body["errors"][0]["loc"] == ["query", "type"]  # type: ignore[index]
    assert_problem(client.get("/quotes", params={"kind": "FOO"}), 422)
    people = found(client, "/entities", type="person")
    assert people and {e["type"] for e in people} == {"PERSON"}


def test_plan_splits_a_query_by_index() -> None:
    query = parse_query('peace OR negotiat* "Nobel prize" -war -arm*')
    assert query == Query(
        groups=((Term(("peace",)), Term(("negotiat",), prefix=True)), (Term(("Nobel", "prize")),)),
        excluded=(Term(("war",)), Term(("arm",), prefix=True)),
    )
    assert plan(query, sqlite=True).parts == {
        "stems": '"Nobel prize"', "either_0_stems": '"peace"', "either_0_words": '"negotiat"*',
        "not_stems": '"war"', "not_words": '"arm"*'}
    assert plan(query, sqlite=False).parts == {
        "stems": "Nobel <-> prize", "either_0_stems": "peace", "either_0_words": "negotiat:*",
        "not_stems": "war", "not_words": "arm:*"}


def test_entities_sorted_by_quotes_walk_every_page_in_order(client: TestClient) -> None:
    for text in (RAIL, FARM, HARBOUR):
        assert client.post("/articles", json={"text": text}).status_code == 201
    everyone = client.get("/entities", params={"limit": 100}).json()["items"]
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = client.get("/entities", params={"sort": "quotes", "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        seen += r.json()["items"]
        if (cursor := r.json()["next_cursor"]) is None:
            break
    assert sorted(e["id"] for e in seen) == sorted(e["id"] for e in everyone)
    keys = [(-e["quote_count"], e["id"]) for e in seen]
    assert keys == sorted(keys) and seen[0]["quote_count"] > 0
    # A cursor of one order is refused by the other, not read as the wrong place.
    by_articles = client.get("/entities", params={"limit": 1}).json()["next_cursor"]
    r = client.get("/entities", params={"sort": "quotes", "cursor": by_articles})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/entities", params={"sort": "mentions"}).status_code == 422

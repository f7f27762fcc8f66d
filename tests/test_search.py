"""Full-text search on articles and quotes: ranked, phrases, prefixes, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.samples import FARM, HARBOUR, RAIL, numbered
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
     "(((", "*", "-strike", "a\\b", "%", "_", "\u2019s", "strike*vote", "x" * 200,
     '"', '"Okafor', 'Oka"for', '""""', "Okafor*", "NEAR(Okafor)", "name:Okafor", "{name aliases}:Oka"],
)
def test_query_syntax_is_never_a_500(client: TestClient, stored: dict[str, dict[str, Any]], q: str) -> None:
    for path in ("/articles", "/quotes", "/entities"):
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


# Entity names: GET /entities?q= is a substring of the name or an alias -------------------

US_FIRST = "Trade talks resume\nOfficials from the United States met ministers in Ottawa on Monday.\n"
US_AGAIN = "Tariffs paused\nThe U.S. delayed new tariffs on Canadian steel, officials in Ottawa said.\n"


def entity_names(client: TestClient, q: str, **params: Any) -> list[str]:
    r = client.get("/entities", params={"q": q, **params})
    assert r.status_code == 200, (q, r.text)
    return [e["name"] for e in r.json()["items"]]


def walk_entities(client: TestClient, q: str) -> list[dict[str, Any]]:
    """Every page of /entities?q=, two at a time."""
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"q": q, "limit": 2}
    while True:
        r = client.get("/entities", params=params)
        assert r.status_code == 200, (q, r.text)
        seen += r.json()["items"]
        if not r.json()["next_cursor"]:
            return seen
        params["cursor"] = r.json()["next_cursor"]


def fts_integrity(engine: Engine) -> None:
    """SQLite: entity_fts holds exactly what the entity table says (raises if not)."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO entity_fts(entity_fts, rank) VALUES ('integrity-check', 1)")


def test_new_entity_is_found_by_any_part_of_its_name(client: TestClient, engine: Engine) -> None:
    assert entity_names(client, "kafo") == []
    client.post("/articles", json={"text": HARBOUR})
    for q in ("kafo", "Maria Okafor", "IA OKA", "a Oka", "OKAFOR"):
        assert entity_names(client, q) == ["Maria Okafor"], q
    assert entity_names(client, "Okafr") == []
    fts_integrity(engine)


def test_an_alias_from_a_later_article_is_found(client: TestClient, engine: Engine) -> None:
    client.post("/articles", json={"text": US_FIRST})
    assert "United States" in entity_names(client, "ted Sta")
    assert entity_names(client, "U.S.") == []
    client.post("/articles", json={"text": US_AGAIN})  # the same entity, named "U.S." there
    (found,) = client.get("/entities", params={"q": "u.s."}).json()["items"]
    assert found["name"] == "United States"
    assert "U.S." in found["aliases"]
    assert found["article_count"] == 2
    fts_integrity(engine)


def test_deleted_articles_take_their_entities_out_of_name_search(client: TestClient, engine: Engine) -> None:
    rail = client.post("/articles", json={"text": RAIL}).json()
    client.post("/articles", json={"text": numbered(1)})
    second = client.post("/articles", json={"text": numbered(2)}).json()
    assert entity_names(client, "Natarajan") == ["Priya Natarajan"]
    assert client.delete(f"/articles/{rail['id']}").status_code == 204
    assert entity_names(client, "Natarajan") == []
    assert entity_names(client, "atara") == []
    assert client.delete(f"/articles/{second['id']}").status_code == 204
    okafor = client.get("/entities", params={"q": "Okafor"}).json()["items"]
    assert [(e["name"], e["article_count"]) for e in okafor] == [("Maria Okafor", 1)]
    # Stored again, it may get the deleted entity's id back (SQLite reuses the highest).
    client.post("/articles", json={"text": RAIL})
    assert entity_names(client, "Natarajan") == ["Priya Natarajan"]
    fts_integrity(engine)


def test_name_search_agrees_with_a_plain_substring_test(client: TestClient) -> None:
    """Every substring of 1 to 5 characters of every name, at every position: the index
    (3 characters and more) and the scan (fewer) give what `in` gives, in listing order."""
    for text in (HARBOUR, RAIL, FARM, US_FIRST, US_AGAIN):
        client.post("/articles", json={"text": text})
    listing = client.get("/entities", params={"limit": 100}).json()["items"]
    assert len(listing) >= 10
    queries = {e["name"][i:i + n] for e in listing for n in range(1, 6) for i in range(0, len(e["name"]), 3)}
    for q in sorted(q for q in queries if q.strip()):
        folded = q.casefold()
        expected = [e["id"] for e in listing
                    if folded in e["name"].casefold() or any(folded in a.casefold() for a in e["aliases"])]
        assert [e["id"] for e in walk_entities(client, q)] == expected, q
        assert [e["id"] for e in walk_entities(client, q.upper())] == expected, q.upper()


@pytest.mark.parametrize("q", ["%", "_", "%%%", "Oka%", "Ok_for", "O%r", "/", "//_", "M_r", "\\"])
def test_like_wildcards_in_entity_names_are_literal(client: TestClient, q: str) -> None:
    client.post("/articles", json={"text": HARBOUR})
    assert entity_names(client, q) == []


def test_ranking_covers_the_newest_matches_and_filters_reach_older_ones(
    client: TestClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.queries import ranked

    monkeypatch.setattr(ranked, "RANK_WINDOW", 3)
    ids = []
    for i in range(5):
        text = f"Report {i}: the lighthouse keeper in Port Elwin repaired the lamp." + (" Lighthouse." * i)
        r = client.post("/articles", json={"text": text, "source": f"Gazette {i}"})
        assert r.status_code == 201
        ids.append(r.json()["id"])
    # The three newest matches, the one naming the lighthouse most often first.
    assert article_ids(client, "lighthouse") == [ids[4], ids[3], ids[2]]
    # An older match is found when a filter leaves it among the newest.
    assert article_ids(client, "lighthouse", source="Gazette 0") == [ids[0]]
    monkeypatch.setattr(ranked, "RANK_WINDOW", 100)
    assert sorted(article_ids(client, "lighthouse")) == sorted(ids)

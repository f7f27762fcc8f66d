"""Quotes and entities as files (CSV, NDJSON) for pandas and R: every page, same filters."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from app import exports
from tests.samples import FARM, HARBOUR, RAIL
from tests.test_errors import assert_problem


@pytest.fixture
def stored(client: TestClient) -> list[int]:
    ids = []
    for text in (RAIL, FARM, HARBOUR):
        r = client.post("/articles", json={"text": text})
        assert r.status_code == 201
        ids.append(r.json()["id"])
    return ids


def all_json(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    r = client.get(path, params={"limit": 100, **params})
    assert r.status_code == 200
    assert r.json()["next_cursor"] is None
    return r.json()["items"]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("how", [{"params": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}])
def test_quotes_as_csv(client: TestClient, stored: list[int], how: dict[str, Any],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "EXPORT_PAGE", 2)  # several pages, read along the cursor
    quotes = all_json(client, "/quotes")
    assert len(quotes) > 2
    r = client.get("/quotes", **how)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="quotes.csv"' in r.headers["content-disposition"]
    assert r.text.splitlines()[0] == ",".join(exports.QUOTE_COLUMNS)
    rows = csv_rows(r.text)
    assert [int(row["id"]) for row in rows] == [q["id"] for q in quotes]
    for row, quote in zip(rows, quotes, strict=True):
        assert row["text"] == quote["text"]  # quotes, commas and newlines survive
        assert row["speaker_name"] == ((quote["speaker"] or {}).get("name") or "")
        assert int(row["start"]) == quote["start"]


def test_quote_export_keeps_the_filters(client: TestClient, stored: list[int]) -> None:
    rail = stored[0]
    rows = csv_rows(client.get("/quotes", params={"format": "csv", "article_id": rail}).text)
    assert rows and {int(r["article_id"]) for r in rows} == {rail}
    lines = client.get("/quotes", params={"format": "ndjson", "q": "deal OR trouble"}).text.splitlines()
    assert lines and all("deal" in orjson.loads(x)["text"] or "trouble" in orjson.loads(x)["text"] for x in lines)


def test_quotes_as_ndjson(client: TestClient, stored: list[int]) -> None:
    r = client.get("/quotes", headers={"Accept": "application/x-ndjson"})
    assert r.headers["content-type"].startswith("application/x-ndjson")
    assert [orjson.loads(line) for line in r.text.splitlines()] == all_json(client, "/quotes")


def test_entities_and_an_entitys_quotes_as_files(client: TestClient, stored: list[int]) -> None:
    people = csv_rows(client.get("/entities", params={"format": "csv", "type": "PERSON"}).text)
    assert people and {p["type"] for p in people} == {"PERSON"}
    assert [int(p["id"]) for p in people] == [e["id"] for e in all_json(client, "/entities", type="PERSON")]
    speaker = next(e for e in all_json(client, "/entities", type="PERSON") if e["quote_count"])
    lines = client.get(f"/entities/{speaker['id']}/quotes", params={"format": "ndjson"}).text.splitlines()
    assert len(lines) == speaker["quote_count"]
    assert {orjson.loads(x)["speaker"]["entity_id"] for x in lines} == {speaker["id"]}
    assert_problem(client.get("/entities/424242/quotes", params={"format": "csv"}), 404)


def test_an_empty_export_is_a_header_only(client: TestClient) -> None:
    r = client.get("/quotes", params={"format": "csv"})
    assert r.status_code == 200
    assert r.text.strip() == ",".join(exports.QUOTE_COLUMNS)
    assert client.get("/quotes", params={"format": "ndjson"}).text == ""


def test_file_formats_are_in_the_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/quotes", "/entities", "/entities/{entity_id}/quotes"):
        operation = spec["paths"][path]["get"]
        assert {"application/json", "text/csv", "application/x-ndjson"} <= set(operation["responses"]["200"]["content"])
        assert "CSV columns" in operation["responses"]["200"]["description"]
        assert any(p["name"] == "format" for p in operation["parameters"])
    assert_problem(client.get("/quotes", params={"format": "xlsx"}), 422)


def test_a_bad_cursor_is_a_422_before_the_file_starts(client: TestClient, stored: list[int]) -> None:
    """Found by schemathesis: the first page is read before the 200, so a cursor of another
    listing is a problem, not a transfer broken midway."""
    articles_cursor = client.get("/articles", params={"limit": 1}).json()["next_cursor"]
    for headers in ({"Accept": "text/csv"}, {"Accept": "application/x-ndjson"}):
        assert_problem(client.get("/quotes", params={"cursor": articles_cursor}, headers=headers), 422)
        assert_problem(client.get("/quotes", params={"cursor": "0" * 300}, headers=headers), 422)

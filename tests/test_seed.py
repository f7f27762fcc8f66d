"""The article Newsdesk started from, ingested as published: right end to end."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import SEED_DIR
from tests.test_articles import assert_offsets


def iou(a: dict[str, Any], b: dict[str, Any]) -> float:
    inter = max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))
    return inter / (max(a["end"], b["end"]) - min(a["start"], b["start"]))


def ingest_seed(client: TestClient, seed_text: str) -> dict[str, Any]:
    r = client.post("/articles", content=seed_text.encode(), headers={"content-type": "text/plain; charset=utf-8"})
    assert r.status_code == 201, r.text
    return r.json()


def test_seed_quotes_are_attributed_to_the_ambassador(client: TestClient, seed_text: str) -> None:
    article = ingest_seed(client, seed_text)
    assert article["text"] == seed_text
    assert article["authors"] == ["Aghakazim Guliyev"]
    assert_offsets(article)
    gold = json.loads((SEED_DIR / "azerbaijan-us-ties.gold.json").read_text(encoding="utf-8"))
    assert len(gold["quotes"]) == 8
    for g in gold["quotes"]:
        # The same span, give or take a word ("that") or a mark: intersection over union >= 0.8.
        match = next((q for q in article["quotes"] if iou(q, g) >= 0.8), None)
        assert match is not None, g["text"]
        # One statement is one quote: an interrupted one comes back with its pieces as parts.
        assert len(match["parts"]) == len(g["spans"]), (g["text"], match["parts"])
        for part, (start, end) in zip(match["parts"], g["spans"], strict=True):
            assert iou(part, {"start": start, "end": end}) >= 0.8, (part, g["text"])
            assert part["text"] == article["text"][part["start"]:part["end"]]
        assert match["speaker"] is not None, g["text"]
        assert match["speaker"]["name"] == "Khazar Ibrahim", (g["text"], match["speaker"])
        assert match["speaker"]["entity_id"] is not None
    for q in article["quotes"]:
        if q["speaker"]:
            assert q["speaker"]["name"] not in ("Donald Trump", "Trump", "Aghakazim Guliyev")


def test_seed_entities_are_canonical(client: TestClient, seed_text: str) -> None:
    article = ingest_seed(client, seed_text)
    by_name = {e["name"]: e for e in article["entities"]}
    us = by_name["United States"]
    assert us["type"] == "GPE"
    assert {"US", "U.S."} <= {m["text"] for m in us["mentions"]}
    assert any(m["text"].endswith("United States") for m in us["mentions"])
    ibrahim = by_name["Khazar Ibrahim"]
    assert ibrahim["type"] == "PERSON"
    assert {"Ibrahim", "Khazar Ibrahim"} <= {m["text"] for m in ibrahim["mentions"]}
    for country in ("Azerbaijan", "Armenia"):
        assert by_name[country]["type"] == "GPE"
        assert not any(e["name"] == country and e["type"] in ("PERSON", "ORG") for e in article["entities"])
    for e in article["entities"]:
        assert not e["name"].lower().startswith("the "), e["name"]
        assert not e["name"].endswith(("’s", "'s")), e["name"]
        assert "\n" not in e["name"]
    speakers = {e["id"] for e in article["entities"] if e["name"] == "Khazar Ibrahim"}
    entity = client.get(f"/entities/{speakers.pop()}").json()
    assert entity["quote_count"] >= 6

"""The reading room's pages over plain HTTP: what they show, that they escape everything
(article text is hostile input) and load nothing from elsewhere."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.web.marking import mark
from tests.samples import FARM, HARBOUR, RAIL

HOSTILE_TEXT = """Council row over <b>budget</b> & <script>alert("text")</script> cuts
The council of Port Elwin <img src=x onerror=alert(1)> voted on Tuesday, council leader Maria Okafor told reporters.
“This is the day we stop <script>alert('quote')</script> talking,” Okafor said. “Our harbour has waited long enough.”
"""
URLS = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""")


@pytest.fixture
def stored(client: TestClient) -> dict[str, dict[str, Any]]:
    out = {}
    body: dict[str, Any]
    for name, body in (("rail", {"text": RAIL, "source": "Wire", "published_at": "2026-02-01T08:00:00Z"}),
                       ("farm", {"text": FARM, "source": "Farm Weekly", "published_at": "2026-05-01T08:00:00Z"}),
                       ("harbour", {"text": HARBOUR})):
        r = client.post("/articles", json={**body, "title": body["text"].splitlines()[0]})
        assert r.status_code == 201
        out[name] = r.json()
    return out


def page(client: TestClient, path: str, status: int = 200, **params: Any) -> str:
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'; style-src 'self'" in r.headers["content-security-policy"]
    assert "<script" not in r.text.lower()  # no script of ours, none of theirs
    assert not URLS.search(r.text), URLS.findall(r.text)
    return r.text


def test_home_lists_articles_and_people_and_searches(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    body = page(client, "/")
    for article in stored.values():
        assert f'href="/read/articles/{article["id"]}"' in body
    assert "Maria Okafor" in body and "Priya Natarajan" in body  # people in the news
    found = page(client, "/", q="deal OR crop")
    assert "Rail strike called off" in found and "Drought pushes grain prices" in found
    assert "Harbour city" not in found
    assert "We have a deal our members can vote on" in found  # the quotes that match too
    refused = page(client, "/", q="peace OR")
    assert 'role="alert"' in refused and "OR needs a word" in refused


def test_article_page_marks_each_quote_and_links_its_speaker(client: TestClient,
                                                             stored: dict[str, dict[str, Any]]) -> None:
    article = stored["harbour"]
    body = page(client, f"/read/articles/{article['id']}")
    assert article["quotes"]
    for quote in article["quotes"]:
        assert f'id="q{quote["id"]}"' in body  # the anchor the margin and person pages link to
        assert f'href="#q{quote["id"]}"' in body
        first = quote["parts"][0]
        assert html.escape(first["text"], quote=False) in body
        if quote["speaker"] and quote["speaker"]["entity_id"]:
            assert f'href="/read/entities/{quote["speaker"]["entity_id"]}"' in body
    okafor = next(q for q in article["quotes"] if q["speaker"] and q["speaker"]["name"] == "Maria Okafor")
    mark_tag = re.search(rf'<mark [^>]*id="q{okafor["id"]}"[^>]*>', body)
    assert mark_tag and 'title="Maria Okafor' in mark_tag.group()
    for entity in article["entities"]:
        assert f'href="/read/entities/{entity["id"]}"' in body
    page(client, "/read/articles/424242", status=404)


def test_hostile_article_is_escaped_everywhere(client: TestClient) -> None:
    r = client.post("/articles", json={
        "text": HOSTILE_TEXT, "title": '<script>alert("title")</script>', "url": "javascript:alert(1)",
        "source": '"><img src=x onerror=alert(2)>', "authors": ["</p><script>alert(3)</script>"]})
    assert r.status_code == 201
    article = r.json()
    for path in (f"/read/articles/{article['id']}", "/", "/read/quotes"):
        body = page(client, path)
        assert "<img" not in body and "<b>" not in body, path
        assert "onerror=alert" not in body.replace("onerror=alert(1)&gt;", "").replace("onerror=alert(2)&gt;", ""), path
    body = page(client, f"/read/articles/{article['id']}")
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in body
    assert "&lt;b&gt;budget&lt;/b&gt; &amp; &lt;script&gt;" in body
    assert 'href="javascript:' not in body


def test_person_page_lists_what_they_said_with_a_chart(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    second = client.post("/articles", json={"text": HARBOUR.replace("Tuesday", "Friday").replace(
        "waited long enough", "waited far too long"), "published_at": "2026-09-01T08:00:00Z"}).json()
    okafor = next(q["speaker"]["entity_id"] for q in second["quotes"]
                  if q["speaker"] and q["speaker"]["name"] == "Maria Okafor")
    body = page(client, f"/read/entities/{okafor}")
    said = client.get(f"/entities/{okafor}/quotes").json()["items"]
    assert said
    positions = [body.index(html.escape(q["text"], quote=False)) for q in said]
    assert positions == sorted(positions)  # newest first, as the API lists them
    for q in said:
        assert f'href="/read/articles/{q["article_id"]}#q{q["id"]}"' in body
    assert "<svg" in body and body.count('<rect class="quotes"') >= 1
    assert "2026-09" in body  # the month of the dated article
    page(client, "/read/entities/424242", status=404)


def test_quotes_page_filters_like_the_api(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    body = page(client, "/read/quotes", source="farm weekly")
    assert "The crop is in real trouble" in body and "We have a deal" not in body
    body = page(client, "/read/quotes", published_before="2026-03-01")
    assert "We have a deal" in body and "The crop is in real trouble" not in body
    body = page(client, "/read/quotes", q="deal OR crop")
    assert "We have a deal" in body and "The crop is in real trouble" in body
    assert "Nobody wanted" not in body


def test_json_api_is_unchanged_beside_the_pages(client: TestClient, stored: dict[str, dict[str, Any]]) -> None:
    r = client.get(f"/articles/{stored['rail']['id']}")
    assert r.headers["content-type"] == "application/json"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    spec = client.get("/openapi.json").json()
    assert not any(path == "/" or path.startswith("/read") for path in spec["paths"])
    assert client.get("/read/style.css").headers["content-type"].startswith("text/css")


def test_mark_keeps_quotes_over_mentions_and_drops_overlaps() -> None:
    text = "Anna Berg said: we will win. Later Berg left."
    quotes = [
        {"id": 1, "speaker": {"name": "Anna Berg", "entity_id": 7}, "parts": [{"start": 16, "end": 28}]},
        {"id": 2, "speaker": None, "parts": [{"start": 20, "end": 34}]},  # overlaps the first: left plain
    ]
    entities = [{"id": 7, "mentions": [{"start": 0, "end": 9}, {"start": 35, "end": 39}, {"start": 26, "end": 30}]}]
    runs = mark(text, quotes, entities)
    assert "".join(p.text for r in runs for p in r.pieces) == text
    assert [(r.quote["id"] if r.quote else None) for r in runs] == [None, 1, None]
    linked = [p.text for r in runs for p in r.pieces if p.entity_id]
    assert linked == ["Anna Berg", "Berg"]  # the mention across the quote's edge is not linked


def test_home_lists_the_most_quoted_people_most_quoted_first(client: TestClient,
                                                            stored: dict[str, dict[str, Any]]) -> None:
    body = page(client, "/")
    quoted = body[body.index('id="quoted-heading"'):body.index('id="people-heading"')]
    ranked = client.get("/entities", params={"type": "PERSON", "sort": "quotes", "limit": 10}).json()["items"]
    names = [p["name"] for p in ranked if p["quote_count"]]
    assert names, ranked
    positions = [quoted.index(html.escape(name)) for name in names]
    assert positions == sorted(positions)
    assert [p["quote_count"] for p in ranked] == sorted((p["quote_count"] for p in ranked), reverse=True)


def test_person_chart_counts_their_whole_history(client: TestClient) -> None:
    # More articles than the page ever read at once for its chart (it used to count only the
    # newest 500): the oldest month must still show all of its articles and quotes.
    def article(i: int, month: str) -> dict[str, Any]:
        return {"text": f"Mayor Jo Bell said the harbour plan number {i} would go ahead.",
                "published_at": f"{month}-03T08:00:00Z"}

    batch = [article(i, "2025-01") for i in range(7)]
    batch += [article(i, f"2026-{1 + i % 9:02d}") for i in range(7, 520)]
    answer = client.post("/articles/batch", json=batch)
    assert answer.status_code == 200, answer.text
    assert {item["status"] for item in answer.json()["items"]} == {201}
    bell = client.get("/entities", params={"q": "Jo Bell", "type": "PERSON"}).json()["items"][0]
    assert bell["article_count"] == 520
    body = page(client, f"/read/entities/{bell['id']}")
    assert "<title>2025-01: 7 articles</title>" in body
    assert "<title>2025-01: 7 quotes</title>" in body
    assert "<title>2026-01: 57 articles</title>" in body  # 513 articles over nine months

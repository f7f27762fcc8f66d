"""HTML pages: the article's text and metadata out of a real-world-shaped page, and
hostile pages refused cleanly."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from app.nlp.html import parse_html_article
from tests.test_errors import assert_problem

BODY = [
    "The city council of Port Elwin voted on Tuesday to build a tidal power station on the estuary, "
    "ending a decade of delays over funding.",
    "“This is the day we stop talking and start building,” council leader Maria Okafor told reporters "
    "after the vote, which passed by 31 votes to 9.",
    "Environmental groups said the council had not yet published its assessment of the impact on "
    "migrating birds, and promised to study the plans closely.",
]

JSON_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Port Elwin approves tidal power station",
    "datePublished": "2026-11-24T09:30:00+00:00",
    "author": [{"@type": "Person", "name": "Hannah Lowe"}],
}

PAGE = f"""<!doctype html>
<html lang="en"><head>
<meta charset="utf-8"><title>Port Elwin approves tidal power station | The Example Post</title>
<script type="application/ld+json">{json.dumps(JSON_LD)}</script>
</head><body>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Port Elwin approves tidal power station</h1>
<p class="byline">By Hannah Lowe</p>
{''.join(f'<p>{p}</p>' for p in BODY)}
</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/a">Ten things to do in Port Elwin this weekend</a></li>
<li><a href="/b">Celebrity chef opens harbour restaurant</a></li></ul></aside>
<section id="comments"><h2>Comments</h2><div class="comment">First! Terrible idea, says reader99.</div></section>
</main>
<footer>© The Example Post. All rights reserved. Privacy policy.</footer>
</body></html>"""


def test_main_text_and_metadata_from_a_real_world_page() -> None:
    page = parse_html_article(PAGE)
    for paragraph in BODY:
        assert paragraph in page.text
    for boilerplate in ("cookies", "Sport", "Celebrity chef", "reader99", "All rights reserved"):
        assert boilerplate not in page.text, boilerplate
    assert page.title == "Port Elwin approves tidal power station"
    assert page.authors == ["Hannah Lowe"]
    assert page.published_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # the time of day kept


def test_client_fields_win_over_the_page(client: TestClient) -> None:
    r = client.post("/articles", json={"html": PAGE, "title": "Client title", "authors": ["Desk Editor"],
                                       "published_at": "2026-01-01T00:00:00Z", "url": "https://e.org/x"})
    assert r.status_code == 201, r.text
    article = r.json()
    assert (article["title"], article["authors"]) == ("Client title", ["Desk Editor"])
    assert article["published_at"] == "2026-01-01T00:00:00+00:00"
    page_only = client.post("/articles", content=PAGE.replace("Tuesday", "Monday").encode(),
                            headers={"content-type": "text/html; charset=utf-8"}).json()
    assert page_only["title"] == "Port Elwin approves tidal power station"
    assert page_only["authors"] == ["Hannah Lowe"]
    assert page_only["published_at"].startswith("2026-11-24T09:30:00")
    assert all(page_only["text"][q["start"]:q["end"]] == q["text"] for q in page_only["quotes"])


HEAD_LINKS = ('<link rel="canonical" href="https://www.example-post.com/world/tidal-vote">'
              '<meta property="og:url" content="https://www.example-post.com/world/tidal-vote">'
              '<meta property="og:site_name" content="The Example Post">')


def test_url_and_source_from_the_page_head(client: TestClient) -> None:
    page = PAGE.replace("</head>", HEAD_LINKS + "</head>")
    parsed = parse_html_article(page)
    assert parsed.url == "https://www.example-post.com/world/tidal-vote"
    assert parsed.source == "The Example Post"
    stored = client.post("/articles", content=page.encode(), headers={"content-type": "text/html; charset=utf-8"})
    assert stored.status_code == 201, stored.text
    assert (stored.json()["url"], stored.json()["source"]) == (parsed.url, "The Example Post")
    # The same page again is the same article: found by its url.
    again = client.post("/articles", json={"html": page.replace("Tuesday", "Monday")})
    assert (again.status_code, again.json()["id"]) == (200, stored.json()["id"])


def test_canonical_link_alone_gives_url_and_site() -> None:
    page = PAGE.replace("</head>", '<link rel="canonical" href="https://news.example.org/a/1"></head>')
    parsed = parse_html_article(page)
    assert parsed.url == "https://news.example.org/a/1"
    assert parsed.source == "news.example.org" or parsed.source == "example.org"


def test_client_url_and_source_win_over_the_page_head(client: TestClient) -> None:
    page = PAGE.replace("</head>", HEAD_LINKS + "</head>")
    article = client.post("/articles", json={"html": page, "url": "https://mirror.example/x",
                                             "source": "Wire copy"}).json()
    assert (article["url"], article["source"]) == ("https://mirror.example/x", "Wire copy")


def test_a_page_url_that_is_not_a_web_address_is_dropped() -> None:
    page = PAGE.replace("</head>", '<meta property="og:url" content="javascript:alert(1)"></head>')
    assert parse_html_article(page).url is None


@pytest.mark.parametrize(
    "page",
    [
        "<html><body>" + "<div>" * 50_000 + "deep" + "</div>" * 50_000 + "</body></html>",
        "<html><body><p title='" + "x" * 1_500_000 + "'>Short.</p></body></html>",
        "<html><head><title>t</title></head></html>",
        "",
        "<<<>>>",
        "<html><body>" + "<p>word</p>" * 200_000 + "</body></html>",
    ],
    ids=["deep-nesting", "huge-attribute", "no-body", "empty", "garbage", "many-nodes"],
)
def test_hostile_pages_are_refused_cleanly_and_quickly(client: TestClient, page: str) -> None:
    started = time.monotonic()
    r = client.post("/articles", json={"html": page})
    assert r.status_code in (201, 413, 422), r.text
    if r.status_code != 201:
        assert_problem(r, r.status_code)
    assert time.monotonic() - started < 60
    assert client.get("/health").status_code == 200


def test_a_tag_with_sixty_thousand_attributes_costs_little(client: TestClient) -> None:
    # libxml2 is quadratic in a tag's attributes (this page took 79 s): past 256 they are dropped.
    attributes = " ".join(f'data-a{i}="1"' for i in range(60_000))
    page = f"<html><body><div {attributes}>menu</div><article>{''.join(f'<p>{p}</p>' for p in BODY)}</article></body></html>"
    started = time.monotonic()
    r = client.post("/articles", content=page.encode(), headers={"content-type": "text/html; charset=utf-8"})
    assert time.monotonic() - started < 15
    assert r.status_code == 201, r.text
    assert "tidal power station" in r.json()["text"]

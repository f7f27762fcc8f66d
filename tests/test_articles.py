"""Ingesting and reading articles through real HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.samples import FARM, HARBOUR, RAIL

PROBLEM = "application/problem+json"


def assert_offsets(article: dict[str, Any]) -> None:
    text = article["text"]
    for entity in article["entities"]:
        for m in entity["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
    for q in article["quotes"]:
        assert text[q["start"] : q["end"]] == q["text"]
        assert q["parts"][0]["start"] == q["start"] and q["parts"][-1]["end"] == q["end"]
        for part in q["parts"]:
            assert text[part["start"] : part["end"]] == part["text"]
        if q["speaker"]:
            m = q["speaker"]["mention"]
            assert text[m["start"] : m["end"]] == m["text"]
        if q["cue"]:
            assert text[q["cue"]["start"] : q["cue"]["end"]] == q["cue"]["text"]


def test_json_article_is_stored_with_location_and_extraction(client: TestClient) -> None:
    body = {
        "text": RAIL,
        "title": "Rail strike called off",
        "url": "https://example.org/rail",
        "source": "Example",
        "authors": ["A Writer"],
        "published_at": "2026-11-20T08:00:00+01:00",
    }
    r = client.post("/articles", json=body)
    assert r.status_code == 201, r.text
    article = r.json()
    assert r.headers["location"] == f"/articles/{article['id']}"
    assert article["text"] == RAIL
    assert article["published_at"] == "2026-11-20T07:00:00+00:00"
    assert article["authors"] == ["A Writer"]
    assert article["quote_count"] == len(article["quotes"]) >= 2
    assert article["entity_count"] == len(article["entities"]) >= 2
    assert article["word_count"] == len(RAIL.split())
    assert_offsets(article)
    speakers = {q["speaker"]["name"] for q in article["quotes"] if q["speaker"]}
    assert "Priya Natarajan" in speakers

    again = client.get(r.headers["location"])
    assert again.status_code == 200
    assert again.json() == article


def test_plain_text_article_takes_title_and_byline(client: TestClient) -> None:
    r = client.post("/articles", content=HARBOUR.encode(), headers={"content-type": "text/plain; charset=utf-8"})
    assert r.status_code == 201, r.text
    article = r.json()
    assert article["title"] == "Harbour city backs tidal plan"
    assert article["authors"] == ["Hannah Lowe"]
    assert article["text"] == HARBOUR
    assert_offsets(article)


def test_crlf_becomes_lf(client: TestClient) -> None:
    r = client.post("/articles", content=FARM.replace("\n", "\r\n").encode(), headers={"content-type": "text/plain"})
    assert r.status_code == 201
    assert r.json()["text"] == FARM


def test_same_article_again_is_not_stored_twice(client: TestClient) -> None:
    first = client.post("/articles", json={"text": FARM})
    assert first.status_code == 201
    respaced = client.post("/articles", json={"text": "  " + FARM.replace(" ", "   ") + "\n\n"})
    assert respaced.status_code == 200
    assert respaced.json()["id"] == first.json()["id"]
    by_url = client.post("/articles", json={"text": RAIL, "url": "https://example.org/a"})
    same_url = client.post("/articles", json={"text": HARBOUR, "url": "https://example.org/a"})
    assert (by_url.status_code, same_url.status_code) == (201, 200)
    assert same_url.json()["id"] == by_url.json()["id"]
    assert len(client.get("/articles").json()["items"]) == 2


def test_html_article(client: TestClient) -> None:
    page = (
        "<html><head><title>Rail strike off | Example</title>"
        '<meta name="author" content="Sam Field"></head><body><nav>Home News Sport</nav>'
        "<article><h1>Rail strike called off</h1>"
        + "".join(f"<p>{line}</p>" for line in RAIL.splitlines()[1:])
        + "</article><footer>Cookies help us</footer></body></html>"
    )
    r = client.post("/articles", content=page.encode(), headers={"content-type": "text/html"})
    assert r.status_code == 201, r.text
    article = r.json()
    assert "Priya Natarajan" in article["text"]
    assert "Cookies" not in article["text"]
    assert article["authors"] == ["Sam Field"]
    mine = client.post("/articles", json={"html": page.replace("Sam Field", "Kim Lee"), "authors": ["Client Says"]})
    assert mine.status_code in (200, 201)


def test_delete_removes_article_mentions_quotes_and_orphan_entities(client: TestClient) -> None:
    a = client.post("/articles", json={"text": RAIL}).json()
    b = client.post("/articles", json={"text": HARBOUR}).json()
    before = {e["name"]: e for e in client.get("/entities", params={"limit": 100}).json()["items"]}
    assert "Priya Natarajan" in before
    assert client.delete(f"/articles/{a['id']}").status_code == 204
    assert client.get(f"/articles/{a['id']}").status_code == 404
    assert client.delete(f"/articles/{a['id']}").status_code == 404
    after = {e["name"]: e for e in client.get("/entities", params={"limit": 100}).json()["items"]}
    assert "Priya Natarajan" not in after
    assert client.get("/quotes", params={"article_id": a["id"]}).json()["items"] == []
    assert client.get(f"/articles/{b['id']}").json() == b


def test_corpus_entities_group_across_articles(client: TestClient) -> None:
    client.post("/articles", json={"text": HARBOUR})
    client.post("/articles", json={"text": "Maria Okafor opened the new harbour wall.\n“It will last a century,” Okafor said.\n"})
    okafor = [e for e in client.get("/entities", params={"q": "Okafor"}).json()["items"] if e["type"] == "PERSON"]
    assert len(okafor) == 1
    assert okafor[0]["name"] == "Maria Okafor"
    assert okafor[0]["article_count"] == 2
    assert okafor[0]["quote_count"] >= 2
    quotes = client.get(f"/entities/{okafor[0]['id']}/quotes").json()["items"]
    assert len(quotes) == okafor[0]["quote_count"]
    assert all(q["speaker"]["entity_id"] == okafor[0]["id"] for q in quotes)
    articles = client.get(f"/entities/{okafor[0]['id']}/articles").json()["items"]
    assert len(articles) == 2


def test_people_who_share_a_surname_stay_apart_across_articles(client: TestClient) -> None:
    client.post("/articles", json={"text": "Maria Okafor opened the harbour wall.\n“It will last,” Okafor said.\n"})
    client.post("/articles", json={"text": "Daniel Okafor coached the under-12 team.\n“We trained hard,” Okafor said.\n"})
    client.post("/articles", json={"text": "Both Bill Clinton and Hillary Clinton spoke in Denver on Monday.\n"})
    people = [e for e in client.get("/entities", params={"type": "PERSON", "limit": 100}).json()["items"]]
    names = sorted(e["name"] for e in people)
    assert names == ["Bill Clinton", "Daniel Okafor", "Hillary Clinton", "Maria Okafor"], names
    assert all(e["article_count"] == 1 for e in people)
    for e in people:
        if e["name"].endswith("Okafor"):
            quotes = client.get(f"/entities/{e['id']}/quotes").json()["items"]
            assert len(quotes) == 1 and quotes[0]["speaker"]["name"] == e["name"]


def test_filters(client: TestClient) -> None:
    rail = client.post("/articles", json={"text": RAIL, "source": "Wire", "authors": ["Jo Bloggs"],
                                          "published_at": "2026-01-10T00:00:00Z"}).json()
    farm = client.post("/articles", json={"text": FARM, "source": "Post", "published_at": "2026-03-01T00:00:00Z"}).json()

    def ids(**params: Any) -> list[int]:
        r = client.get("/articles", params=params)
        assert r.status_code == 200, r.text
        return [a["id"] for a in r.json()["items"]]

    assert ids() == [farm["id"], rail["id"]]  # newest first
    assert ids(source="Wire") == [rail["id"]]
    assert ids(author="Jo Bloggs") == [rail["id"]]
    assert ids(q="wheat") == [farm["id"]]
    assert ids(q="100%_") == []
    assert ids(published_after="2026-02-01T00:00:00Z") == [farm["id"]]
    assert ids(published_before="2026-02-01T00:00:00Z") == [rail["id"]]
    natarajan = next(e for e in rail["entities"] if e["name"] == "Priya Natarajan")
    assert ids(entity_id=natarajan["id"]) == [rail["id"]]
    assert ids(speaker_id=natarajan["id"]) == [rail["id"]]
    kinds = {q["kind"] for q in client.get("/quotes", params={"kind": "direct"}).json()["items"]}
    assert kinds == {"direct"}
    found = client.get("/quotes", params={"q": "members can vote"}).json()["items"]
    assert [q["article_id"] for q in found] == [rail["id"]]
    assert client.get("/entities", params={"type": "GPE"}).json()["items"]
    assert {e["type"] for e in client.get("/entities", params={"type": "GPE"}).json()["items"]} == {"GPE"}
    assert client.get("/entities", params={"type": "gpe"}).json() == client.get("/entities", params={"type": "GPE"}).json()


def test_article_entities_and_quotes_endpoints_match_detail(client: TestClient) -> None:
    article = client.post("/articles", json={"text": HARBOUR}).json()
    entities = client.get(f"/articles/{article['id']}/entities").json()["items"]
    quotes = client.get(f"/articles/{article['id']}/quotes").json()["items"]
    assert entities == article["entities"]
    assert quotes == article["quotes"]
    assert [q["start"] for q in quotes] == sorted(q["start"] for q in quotes)
    for e in entities:
        assert 0 <= e["salience"] <= 1
        assert e["mention_count"] == len(e["mentions"])


PORTUGUESE = ("O presidente da câmara disse na terça-feira que o governo vai tomar medidas para conter a "
              "inflação no próximo ano. “Não vamos desistir”, afirmou o ministro das Finanças, João Silva.")


def test_an_article_in_another_language_is_stored_with_its_language_and_no_extraction(client: TestClient) -> None:
    r = client.post("/articles", json={"text": PORTUGUESE})
    assert r.status_code == 201, r.text
    article = r.json()
    assert article["language"] == "pt"
    assert article["entities"] == [] and article["quotes"] == []
    assert article["text"] == PORTUGUESE


def test_the_language_given_is_a_hint_the_text_overrules(client: TestClient) -> None:
    english = client.post("/articles", json={"text": RAIL, "language": "fr"}).json()
    assert english["language"] == "en" and english["quotes"]
    # Too short to tell: the hint stands.
    short = client.post("/articles", json={"text": "Oui, merci.", "language": "FR"}).json()
    assert short["language"] == "fr"


def test_a_bare_surname_joins_the_one_person_of_that_surname_across_articles(client: TestClient) -> None:
    client.post("/articles", json={"text": "Maria Okafor opened the harbour wall in Lagos.\n"})
    client.post("/articles", json={"text": "The wall will last a century, Mr. Okafor told reporters in Lagos.\n"})
    okafor = [e for e in client.get("/entities", params={"type": "PERSON", "limit": 100}).json()["items"]]
    assert [(e["name"], e["article_count"]) for e in okafor] == [("Maria Okafor", 2)]


def test_a_place_written_short_joins_its_standard_name_across_articles(client: TestClient) -> None:
    client.post("/articles", json={"text": "Officials from the United States met ministers in Ottawa on Monday.\n"})
    client.post("/articles", json={"text": "The U.S. team arrived in Ottawa on Tuesday.\n"})
    places = {e["name"]: e for e in client.get("/entities", params={"type": "GPE", "limit": 100}).json()["items"]}
    assert places["United States"]["article_count"] == 2
    assert "U.S." not in places

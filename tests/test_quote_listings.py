"""GET /quotes and an entity's quotes answer who *said* what: beliefs and plans are
attributions too, marked by `cue_type`, and listed only when asked for."""

from __future__ import annotations

from fastapi.testclient import TestClient

PLANS = """Port Elwin plans a new ferry
Mayor Maria Okafor plans to open a ferry line to Lundy next spring.
Okafor believes the line will pay for itself within five years.
“We have waited long enough for this,” Okafor said on Tuesday.
She warned that the harbour needs dredging first.
"""


def test_quote_listings_give_speech_unless_asked(client: TestClient) -> None:
    article = client.post("/articles", json={"text": PLANS}).json()
    by_type = {q["cue_type"]: q for q in article["quotes"]}
    assert {"speech", "belief", "intention"} <= by_type.keys(), [(q["cue_type"], q["text"]) for q in article["quotes"]]
    assert "ferry line" in by_type["intention"]["text"]
    okafor = by_type["speech"]["speaker"]["entity_id"]

    said = client.get("/quotes").json()["items"]
    assert said and all(q["cue_type"] == "speech" for q in said)
    assert not any("ferry line" in q["text"] for q in said)
    planned = client.get("/quotes", params={"cue_type": "intention"}).json()["items"]
    assert planned and {q["cue_type"] for q in planned} == {"intention"}
    assert any("ferry line" in q["text"] for q in planned)
    everything = client.get("/quotes", params={"cue_type": "all"}).json()["items"]
    assert len(everything) == len(article["quotes"])

    spoken = client.get(f"/entities/{okafor}/quotes").json()["items"]
    assert spoken and all(q["cue_type"] == "speech" for q in spoken)
    believed = client.get(f"/entities/{okafor}/quotes", params={"cue_type": "belief"}).json()["items"]
    assert [q["cue_type"] for q in believed] == ["belief"]
    assert client.get("/quotes", params={"cue_type": "wish"}).status_code == 422


def test_an_attribution_only_the_model_proposed_is_listed_when_asked(client: TestClient) -> None:
    # "unveiled" is in no word list: PolNeAR would count the attribution, but nobody said anything.
    text = "Mayor Anna Kowalski unveiled the first draft of the harbour plan on Monday.\n"
    article = client.post("/articles", json={"text": text}).json()
    assert [(q["cue"]["text"], q["cue_type"]) for q in article["quotes"]] == [("unveiled", "other")]
    assert client.get("/quotes").json()["items"] == []
    other = client.get("/quotes", params={"cue_type": "other"}).json()["items"]
    assert [q["speaker"]["name"] for q in other] == ["Anna Kowalski"]

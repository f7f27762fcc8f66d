"""Re-extraction: articles made by another extractor version are extracted again, each in
one transaction, with corpus-wide counts right and entity ids kept; a rerun takes only
what is still out of date. Articles are served from documents rendered when written."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import cast

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app import services
from app.config import Settings
from app.extraction import InProcess
from app.intake import from_json
from app.nlp.pipeline import STAGES, Extractor
from app.prepared import reading
from app.queries.articles import article_detail
from app.queries.documents import DOCUMENT_VERSION
from tests.conftest import ROOT
from tests.samples import FARM, HARBOUR, RAIL


def counts_hold(engine: Engine) -> None:
    """Every stored count equals what the rows say."""
    with engine.connect() as conn:
        bad_articles = conn.execute(text(
            "SELECT a.id FROM article a WHERE a.quote_count != (SELECT count(*) FROM quote q WHERE q.article_id = a.id)"
            " OR a.entity_count != (SELECT count(*) FROM article_entity x WHERE x.article_id = a.id)")).all()
        bad_entities = conn.execute(text(
            "SELECT e.id FROM entity e WHERE"
            " e.article_count != (SELECT count(*) FROM article_entity x WHERE x.entity_id = e.id)"
            " OR e.quote_count != (SELECT count(*) FROM quote q WHERE q.speaker_entity_id = e.id)"
            " OR e.mention_count != (SELECT count(*) FROM mention m WHERE m.entity_id = e.id)")).all()
        orphans = conn.execute(text("SELECT count(*) FROM entity WHERE article_count = 0")).scalar()
    assert bad_articles == [] and bad_entities == [] and orphans == 0


def reextract(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_DATABASE_URL": settings.database_url, "NEWSDESK_LOG_LEVEL": "warning"}
    return subprocess.run([sys.executable, "-m", "app.cli", "reextract", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_articles_of_another_version_are_extracted_again(
    engine: Engine, settings: Settings, extractor: Extractor
) -> None:
    older = Extractor(extractor.nlp, skip=frozenset(STAGES))  # attributes nothing
    assert older.version != extractor.version
    for body in (HARBOUR, RAIL, FARM):
        services.ingest(engine, InProcess(older), from_json({"text": body}))
    with engine.connect() as conn:
        conn.execute(text("UPDATE article SET extractor_version = :v WHERE id = 3"), {"v": extractor.version})
        conn.commit()
        assert conn.execute(text("SELECT count(*) FROM quote")).scalar() == 0
        okafor = conn.execute(text("SELECT id FROM entity WHERE name = 'Maria Okafor'")).scalar()
    counts_hold(engine)

    done = reextract(settings)
    assert done.returncode == 0, done.stderr
    assert "re-extracted 2 of 2" in done.stdout  # the third is up to date already
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT DISTINCT extractor_version FROM article")).scalars().all()
        direct = conn.execute(text(
            "SELECT q.article_id, e.id FROM quote q JOIN entity e ON e.id = q.speaker_entity_id"
            " WHERE q.kind = 'direct' AND e.name = 'Maria Okafor'")).all()
    assert versions == [extractor.version]
    assert direct and all(entity == okafor for _, entity in direct)  # the same entity, its id kept
    counts_hold(engine)

    again = reextract(settings)
    assert again.returncode == 0, again.stderr
    assert "re-extracted 0 of 0" in again.stdout


def test_reextracting_an_article_replaces_its_extraction_in_one_go(engine: Engine, extractor: Extractor) -> None:
    stored = services.ingest(engine, InProcess(extractor), from_json({"text": HARBOUR}))
    services.ingest(engine, InProcess(extractor), from_json({"text": RAIL}))
    (rail_only,) = extractor.extract_many([RAIL])
    assert services.reextract_article(engine, stored.id, rail_only)
    with engine.connect() as conn:
        names = set(conn.execute(text(
            "SELECT e.name FROM article_entity x JOIN entity e ON e.id = x.entity_id WHERE x.article_id = :a"),
            {"a": stored.id}).scalars())
        gone = conn.execute(text("SELECT count(*) FROM entity WHERE name = 'Coastal Trust'")).scalar()
    assert "Priya Natarajan" in names and "Maria Okafor" not in names
    assert gone == 0  # no article names it any more
    counts_hold(engine)
    assert not services.reextract_article(engine, 999, rail_only)


def test_an_article_is_served_from_its_stored_document(client: TestClient, engine: Engine, settings: Settings) -> None:
    created = client.post("/articles", json={"text": HARBOUR})
    article_id = created.json()["id"]
    served = client.get(f"/articles/{article_id}")
    with engine.connect() as conn:
        stored, version = conn.execute(text("SELECT document, document_version FROM article WHERE id = :i"),
                                       {"i": article_id}).one()
    with reading(engine) as db:
        live = orjson.dumps(article_detail(db, article_id))
    assert bytes(stored) == served.content == live == created.content
    assert version == DOCUMENT_VERSION
    assert served.headers["content-type"] == "application/json"

    # Rendered by a release whose answer had another shape: not served, rendered live,
    # and rendered again by `newsdesk reextract`.
    with engine.begin() as conn:
        conn.execute(text("UPDATE article SET document = :d, document_version = 'older' WHERE id = :i"),
                     {"d": b'{"stale": true}', "i": article_id})
    assert client.get(f"/articles/{article_id}").content == live
    done = reextract(settings)
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        stored, version = conn.execute(text("SELECT document, document_version FROM article WHERE id = :i"),
                                       {"i": article_id}).one()
    assert bytes(stored) == live and version == DOCUMENT_VERSION


def test_a_stored_document_is_served_while_every_read_thread_is_busy(client: TestClient, engine: Engine) -> None:
    # One indexed row on an SQLite file is read on the event loop: slow searches holding
    # every read thread do not hold up GET /articles/{id}.
    if engine.dialect.name != "sqlite":
        pytest.skip("on a database across a network every read goes through a read thread")
    article_id = client.post("/articles", json={"text": HARBOUR}).json()["id"]
    app = cast(FastAPI, client.app)
    limiter = app.state.read_limiter
    borrowers = [object() for _ in range(int(limiter.total_tokens))]
    assert client.portal is not None
    for borrower in borrowers:
        client.portal.call(limiter.acquire_on_behalf_of, borrower)
    try:
        assert limiter.available_tokens == 0
        served = client.get(f"/articles/{article_id}")
        assert served.status_code == 200 and served.json()["id"] == article_id
    finally:
        for borrower in borrowers:
            client.portal.call(limiter.release_on_behalf_of, borrower)

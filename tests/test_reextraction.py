"""Re-extraction: articles made by another extractor version are extracted again, each in
one transaction, with corpus-wide counts right and entity ids kept; a rerun takes only
what is still out of date. As a job (`POST /reextractions`, `newsdesk reextract`) on the
queue ingestion uses: a key needed, one at a time, cancellable, a dead worker's chunk taken
again with what it finished skipped. Articles are served from documents rendered when written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app import reextraction, services
from app.config import Settings
from app.extraction import InProcess
from app.intake import from_json
from app.jobs import store
from app.nlp.pipeline import STAGES, Extractor
from app.prepared import reading
from app.queries.articles import article_detail
from app.queries.documents import DOCUMENT_VERSION
from tests.conftest import ROOT
from tests.samples import FARM, HARBOUR, RAIL, numbered
from tests.test_jobs import BreaksOn, job_settings, redis_queue, start_worker, wait_for  # noqa: F401 (fixtures)


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


KEY = {"X-API-Key": "k"}


def made_by_an_older_extractor(engine: Engine, extractor: Extractor, texts: list[str]) -> list[int]:
    """Articles stored by an extractor that attributes nothing: re-extracting them changes
    their quotes and every count that goes with them."""
    older = InProcess(Extractor(extractor.nlp, skip=frozenset(STAGES)))
    ids = [services.ingest(engine, older, from_json({"text": t})).id for t in texts]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM quote")).scalar() == 0
    return ids


def versions(engine: Engine) -> dict[int, str | None]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, extractor_version FROM article ORDER BY id")).all())


def test_reextraction_over_http_needs_a_key_always(make_client: Any) -> None:
    open_writes = make_client(embedded_worker=False)  # no NEWSDESK_API_KEYS: writes open
    refused = open_writes.post("/reextractions")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:newsdesk:problem:forbidden"
    assert "NEWSDESK_API_KEYS" in refused.json()["detail"]
    keyed = make_client(embedded_worker=False, api_keys="k")
    assert keyed.post("/reextractions").status_code == 401
    assert keyed.post("/reextractions", headers={"X-API-Key": "wrong"}).status_code == 401
    assert keyed.post("/reextractions", headers=KEY).status_code == 202
    assert open_writes.get("/jobs").json()["items"][0]["kind"] == "reextract"


def test_reextraction_job_runs_on_the_queue_one_at_a_time(
    make_client: Any, engine: Engine, extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reextraction, "CHUNK", 2)  # 3 out of date: two chunks
    made_by_an_older_extractor(engine, extractor, [HARBOUR, RAIL, FARM, numbered(1)])
    with engine.begin() as conn:
        conn.execute(text("UPDATE article SET extractor_version = :v WHERE id = 4"), {"v": extractor.version})
    idle = make_client(embedded_worker=False, api_keys="k")  # queues, runs nothing
    first = idle.post("/reextractions", headers=KEY)
    assert first.status_code == 202, first.text
    job = first.json()
    assert first.headers["location"] == f"/jobs/{job['id']}"
    assert (job["kind"], job["status"], job["counts"]["total"], job["counts"]["queued"]) == ("reextract", "queued", 3, 3)
    again = idle.post("/reextractions", headers=KEY)
    assert again.status_code == 200 and again.json()["id"] == job["id"]  # the unfinished one
    cancelled = idle.delete(f"/jobs/{job['id']}", headers=KEY).json()
    assert cancelled["status"] == "cancelled" and cancelled["counts"]["cancelled"] == 3
    assert set(versions(engine).values()) != {extractor.version}  # nothing was re-extracted

    second = idle.post("/reextractions", headers=KEY)
    assert second.status_code == 202 and second.json()["id"] != job["id"]
    worker = make_client(api_keys="k")  # the same embedded queue, with its consumer: `make run`
    done = wait_for(worker, second.json()["id"], timeout=120)
    assert done["status"] == "done"
    assert done["counts"] == {"total": 3, "queued": 0, "running": 0, "stored": 3, "duplicate": 0, "failed": 0,
                              "cancelled": 0}
    assert done["items"] == []
    assert set(versions(engine).values()) == {extractor.version}
    counts_hold(engine)
    quotes = worker.get("/articles/1/quotes").json()["items"]
    assert any(q["speaker"] and q["speaker"]["name"] == "Maria Okafor" for q in quotes)
    # Nothing out of date: a job done at once.
    nothing = worker.post("/reextractions", headers=KEY)
    assert nothing.status_code == 202 and nothing.json()["status"] == "done"
    assert nothing.json()["counts"]["total"] == 0


def test_an_article_the_extractor_breaks_on_fails_alone_and_keeps_its_extraction(
    make_client: Any, engine: Engine, extractor: Extractor
) -> None:
    made_by_an_older_extractor(engine, extractor, [HARBOUR, RAIL + "\nBREAKS THE EXTRACTOR\n", FARM])
    client = make_client(BreaksOn(extractor, "BREAKS THE EXTRACTOR"), api_keys="k")
    done = wait_for(client, client.post("/reextractions", headers=KEY).json()["id"], timeout=120)
    assert done["status"] == "done"
    assert (done["counts"]["stored"], done["counts"]["failed"]) == (2, 1)
    (failed,) = done["items"]
    assert (failed["index"], failed["id"], failed["state"], failed["status"]) == (1, 2, "failed", 422)
    assert failed["error"]["type"] == "urn:newsdesk:problem:extraction-timeout"
    assert versions(engine)[2] != extractor.version and versions(engine)[1] == extractor.version
    counts_hold(engine)


@pytest.mark.parametrize("page", [1, 4, 5])
def test_a_reextraction_is_made_a_page_of_ids_at_a_time_in_whole_chunks(
    engine: Engine, extractor: Extractor, page: int
) -> None:
    """Pages of 2 (1 rounds up to a chunk), 4 and 4 (5 rounds down) ids: the chunks are those
    of all the articles out of date at once, in id order, each position its first
    article's place in the job."""
    ids = made_by_an_older_extractor(engine, extractor, [numbered(i) for i in range(7)])
    with engine.connect() as conn:  # the fourth is up to date: skipped
        conn.execute(text("UPDATE article SET extractor_version = :v WHERE id = :a"),
                     {"v": extractor.version, "a": ids[3]})
        conn.commit()
    job_id, created = store.create_reextraction(engine, extractor.version, 2, page=page)
    assert created
    with engine.connect() as conn:
        items = conn.execute(text("SELECT position, article_ids, size, status FROM job_item WHERE job_id = :j "
                                  "ORDER BY position"), {"j": job_id}).all()
        total, status = conn.execute(text("SELECT total, status FROM job WHERE id = :j"), {"j": job_id}).one()
    stale = [i for i in ids if i != ids[3]]
    chunks = [(n, json.loads(a) if isinstance(a, str) else a, size, state) for n, a, size, state in items]
    assert chunks == [(n, stale[n:n + 2], len(stale[n:n + 2]), "queued") for n in range(0, len(stale), 2)]
    assert (total, status) == (len(stale), "queued")


def test_a_chunk_a_dead_worker_held_is_taken_again_and_what_it_did_is_skipped(
    make_client: Any, engine: Engine, extractor: Extractor
) -> None:
    ids = made_by_an_older_extractor(engine, extractor, [HARBOUR, RAIL, FARM])
    job_id, created = store.create_reextraction(engine, extractor.version, reextraction.CHUNK)
    assert created
    # A worker claims the chunk, re-extracts its first article, and dies (SIGKILL: nothing
    # given back). Its claim holds until the lease runs out.
    position, chunk = store.claim_job_item(engine, job_id, "dead:1", 1.0) or (None, None)
    assert position == 0 and chunk == ids
    (extraction,) = extractor.extract_many([HARBOUR])
    assert services.reextract_article(engine, ids[0], extraction)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT id FROM mention WHERE article_id = :a ORDER BY id"), {"a": ids[0]}).all()
    client = make_client(api_keys="k", job_lease_seconds=1)  # its sweep sends the silent job again
    done = wait_for(client, job_id, timeout=120)
    assert done["status"] == "done" and done["counts"]["stored"] == 3
    with engine.connect() as conn:
        after = conn.execute(text("SELECT id FROM mention WHERE article_id = :a ORDER BY id"), {"a": ids[0]}).all()
        worker = conn.execute(text("SELECT worker FROM job_item WHERE job_id = :j"), {"j": job_id}).scalar()
    assert after == before  # done before the crash: not extracted again
    assert worker != "dead:1"
    assert set(versions(engine).values()) == {extractor.version}
    counts_hold(engine)


def test_an_ingestion_job_sent_during_a_reextraction_does_not_wait_for_all_of_it(
    make_client: Any, engine: Engine, extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reextraction, "CHUNK", 1)
    made_by_an_older_extractor(engine, extractor, [numbered(i) for i in range(40)])
    client = make_client(api_keys="k")  # one embedded consumer thread: the two jobs share it
    long = client.post("/reextractions", headers=KEY).json()
    short = client.post("/articles?wait=false", json={"text": HARBOUR}, headers=KEY).json()
    assert wait_for(client, short["id"], timeout=120)["status"] == "done"
    during = client.get(f"/jobs/{long['id']}").json()
    assert during["status"] == "running" and during["counts"]["stored"] < 40, during["counts"]
    assert wait_for(client, long["id"], timeout=120)["counts"]["stored"] == 40


def test_newsdesk_worker_runs_a_reextraction_on_postgres_through_redis(
    make_client: Any, engine: Engine, extractor: Extractor, redis_queue: Settings, tmp_path: Path,  # noqa: F811
) -> None:
    """The distributed mode: the job goes through Redis to a `newsdesk worker`, as ingestion's."""
    made_by_an_older_extractor(engine, extractor, [HARBOUR, RAIL, FARM, *(numbered(i) for i in range(9))])
    client = make_client(queue_url=redis_queue.queue_url, api_keys="k")
    job = client.post("/reextractions", headers=KEY)
    assert job.status_code == 202 and job.json()["counts"]["total"] == 12
    log = tmp_path / "worker.log"
    worker = start_worker(redis_queue.database_url, log, NEWSDESK_QUEUE_URL=redis_queue.queue_url)
    try:
        done = wait_for(client, job.json()["id"], timeout=180)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    assert done["status"] == "done" and done["counts"]["stored"] == 12, log.read_text()
    assert set(versions(engine).values()) == {extractor.version}
    counts_hold(engine)


@pytest.mark.parametrize("column", ["extractor_version", "document_version"])
def test_out_of_date_articles_are_found_without_reading_their_rows(engine: Engine, column: str) -> None:
    """The versions are stored after the text: paging by them must read the index alone,
    or asking an up-to-date corpus "anything to re-extract?" reads every article."""
    from app.models import article_table

    query = services.out_of_date("v2", 10, 256, article_table.c[column])
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("PostgreSQL chooses an index-only scan by its statistics, not by the query")
        plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert "COVERING INDEX ix_article_versions" in plan, plan

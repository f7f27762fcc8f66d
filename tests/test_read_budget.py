"""No read can stall the service: costly query shapes are refused, every read statement has
a time budget, and reads run off the event loop so /health answers while one runs."""

from __future__ import annotations

import hashlib
import random
import statistics
import string
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from app.models import article_table
from tests.test_errors import assert_problem

SIXTEEN_PREFIXES = "t* s* a* c* p* w* d* m* r* b* f* h* i* e* g* l*"
# A prefix that matches every word of the corpus below: each is a word of its own in the
# index, so a search for it reads the whole index (and, on PostgreSQL, ranks every text).
PREFIX = "zqx"


def store_costly_corpus(engine: Engine, articles: int = 200, words: int = 300) -> None:
    """Articles written straight into the tables (extraction is not under test here),
    each of distinct words that all begin with PREFIX."""
    rng = random.Random(14)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(articles):
        text = " ".join(PREFIX + "".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(words))
        at = now - timedelta(minutes=i)
        rows.append({"text_hash": hashlib.sha256(text.encode()).hexdigest(), "title": f"Costly {i}",
                     "authors": [], "language": "en", "ingested_at": at, "sort_at": at, "text": text,
                     "word_count": words})
    with engine.begin() as conn:
        conn.execute(insert(article_table), rows)


def test_sixteen_prefixes_are_refused_with_the_reason(client: TestClient) -> None:
    r = client.get("/articles", params={"q": SIXTEEN_PREFIXES})
    assert_problem(r, 422)
    assert "prefix" in r.json()["detail"] and "3 characters" in r.json()["detail"]
    r = client.get("/quotes", params={"q": "strik* vot* unio* pay* wage*"})
    assert_problem(r, 422)
    assert "more than 4 prefixes" in r.json()["detail"]
    assert client.get("/articles", params={"q": "strik* vot* unio* pay*"}).status_code == 200


def test_a_slow_read_is_cut_at_its_budget(make_client: Callable[..., TestClient], engine: Engine) -> None:
    store_costly_corpus(engine)
    patient = make_client(read_timeout_seconds=60)
    assert patient.get("/articles", params={"q": PREFIX + "*"}).status_code == 200
    hurried = make_client(read_timeout_seconds=0.005)
    started = time.monotonic()
    r = hurried.get("/articles", params={"q": PREFIX + "*"})
    assert time.monotonic() - started < 1.5
    assert_problem(r, 503)
    assert r.headers["Retry-After"].isdigit()
    assert "budget" in r.json()["detail"]
    # The connection that was cut serves the next read, with no budget left over on it.
    assert hurried.get("/articles", params={"limit": 1}).status_code == 200
    assert patient.get("/articles", params={"q": PREFIX + "*"}).status_code == 200


def test_health_answers_while_slow_reads_run(start_server: Callable[..., str], engine: Engine) -> None:
    store_costly_corpus(engine)
    server = start_server(NEWSDESK_READ_TIMEOUT_SECONDS="1")
    stop = threading.Event()
    reads: list[float] = []

    def slow_reads() -> None:
        with httpx.Client(base_url=server, timeout=30) as c:
            while not stop.is_set():
                started = time.monotonic()
                assert c.get("/articles", params={"q": PREFIX + "*"}).status_code in (200, 503)
                reads.append(time.monotonic() - started)

    readers = [threading.Thread(target=slow_reads) for _ in range(4)]
    for t in readers:
        t.start()
    health: list[float] = []
    try:
        time.sleep(0.3)
        with httpx.Client(base_url=server, timeout=30) as c:
            for _ in range(15):
                started = time.monotonic()
                assert c.get("/health").status_code == 200
                health.append(time.monotonic() - started)
                time.sleep(0.05)
    finally:
        stop.set()
        for t in readers:
            t.join()
    # While four searches were always running, /health did not wait for them.
    slow = statistics.median(reads)
    assert slow > 0.05, reads
    assert statistics.median(health) < slow / 4, (health, reads)

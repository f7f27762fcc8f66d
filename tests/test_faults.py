"""Faults: the database going away, the extractor breaking, the process killed mid-write."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.config import Settings
from app.extraction import InProcess
from app.main import create_app
from app.nlp.pipeline import Extractor
from tests.samples import FARM, HARBOUR, RAIL, numbered
from tests.test_errors import assert_problem

ROOT = Path(__file__).resolve().parents[1]


class BrokenOn:
    """The real extractor, except that it raises on texts containing a marker."""

    def __init__(self, real: Extractor, marker: str) -> None:
        self.real, self.marker = real, marker
        self.version = real.version  # what the service records with each article

    def extract(self, text: str, language_hint: str | None = None):  # type: ignore[no-untyped-def]
        if self.marker in text:
            raise RecursionError("pathological article")
        return self.real.extract(text, language_hint)

    def extract_many(self, texts, batch_size: int = 16, hints=None):  # type: ignore[no-untyped-def]
        # No strict zip: without hints, None is repeated for every text.
        for text, hint in zip(texts, hints if hints is not None else itertools.repeat(None)):  # noqa: B905
            yield self.extract(text, hint)


def test_extractor_failure_fails_that_article_alone(engine: object, settings: Settings, extractor: Extractor) -> None:
    app = create_app(settings, extractor=InProcess(BrokenOn(extractor, "POISON")))  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        bad = client.post("/articles", json={"text": "POISON article text."})
        body = assert_problem(bad, 422)
        assert "could not be extracted" in str(body["detail"])
        r = client.post("/articles/batch", json=[{"text": RAIL}, {"text": "More POISON here."}, {"text": FARM}])
        assert [x["status"] for x in r.json()["items"]] == [201, 422, 201]
        assert client.post("/articles", json={"text": HARBOUR}).status_code == 201
        assert len(client.get("/articles").json()["items"]) == 3


def test_database_unavailable_is_503_and_recovers(tmp_path: Path, extractor: Extractor) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    settings = Settings(database_url=f"sqlite:///{folder}/newsdesk.db")
    from app import migrate
    from app.db import make_engine

    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    engine.dispose()
    with TestClient(create_app(settings, extractor=InProcess(extractor)), raise_server_exceptions=False) as client:
        assert client.get("/health").status_code == 200
        folder.rename(tmp_path / "gone")
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        health = client.get("/health")
        assert_problem(health, 503)
        assert health.headers["retry-after"]
        listing = client.get("/articles")
        assert_problem(listing, 503)
        assert listing.headers["retry-after"]
        assert_problem(client.post("/articles", json={"text": FARM}), 503)
        (tmp_path / "gone").rename(folder)
        assert client.get("/health").status_code == 200
        assert client.post("/articles", json={"text": FARM}).status_code == 201


def test_sigkill_mid_ingestion_leaves_whole_articles(tmp_path: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    for i in range(60):
        (articles / f"{i:03}.txt").write_text(numbered(i) + HARBOUR, encoding="utf-8")
    db = tmp_path / "newsdesk.db"
    env = {**os.environ, "NEWSDESK_DATABASE_URL": f"sqlite:///{db}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", str(articles)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    stored = 0
    deadline = time.monotonic() + 120
    while stored < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        stored = _count(db)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert stored >= 5, "the ingestion never got going"

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute(
            "SELECT a.id, a.entity_count, a.quote_count,"
            " (SELECT count(*) FROM article_entity e WHERE e.article_id = a.id),"
            " (SELECT count(*) FROM quote q WHERE q.article_id = a.id) FROM article a"
        ).fetchall()
        assert 5 <= len(rows) < 60
        for article_id, entity_count, quote_count, entities, quotes in rows:
            assert (entity_count, quote_count) == (entities, quotes), article_id
            assert entities > 0 and quotes > 0
        fts = conn.execute("SELECT count(*) FROM article_fts WHERE article_fts MATCH 'harbour'").fetchone()
        assert fts == (len(rows),)
    finally:
        conn.close()


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not made yet, or the migrations are running


def test_postgres_down_is_503(extractor: Extractor, postgres_skip_reason: str | None) -> None:
    if postgres_skip_reason:
        pytest.skip(postgres_skip_reason)
    # Nothing listens on port 1: connection refused, as when the server is down.
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/test")
    with TestClient(create_app(settings, extractor=InProcess(extractor)), raise_server_exceptions=False) as client:
        assert_problem(client.get("/health"), 503)
        assert_problem(client.get("/entities"), 503)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB filesystem to fill up (root only: tmpfs is mounted for the test)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("filling a disk needs a tmpfs mount, which needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_disk_full_or_read_only_is_503_then_recovers(tiny_disk: Path, extractor: Extractor) -> None:
    from app import migrate
    from app.db import make_engine

    # The embedded job queue elsewhere: Huey keeps its file open for writing, and the
    # remount read-only below needs none open on the disk.
    settings = Settings(database_url=f"sqlite:///{tiny_disk}/newsdesk.db",
                        queue_path=str(tiny_disk.parent / "queue.db"))
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    engine.dispose()
    ballast = tiny_disk / "ballast"
    with TestClient(create_app(settings, extractor=InProcess(extractor)), raise_server_exceptions=False) as client:
        # Fill the disk, leaving the database no room to grow.
        fd = os.open(ballast, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        statuses = []
        for i in range(40):
            r = client.post("/articles", json={"text": numbered(i) + HARBOUR * 5})
            statuses.append(r.status_code)
            if r.status_code == 503:
                assert_problem(r, 503)
                assert r.headers["retry-after"]
                break
        assert statuses[-1] == 503, statuses
        assert all(s in (201, 503) for s in statuses)
        health = client.get("/health")
        assert_problem(health, 503)
        assert health.json()["detail"].startswith("The database")
        # SQLite may be unable to read too once its WAL index cannot grow: 503, never 500.
        listing = client.get("/articles")
        assert listing.status_code in (200, 503)
        ballast.unlink()  # space again
        assert client.post("/articles", json={"text": FARM}).status_code == 201
        health = client.get("/health")
        assert health.status_code == 200, health.text

        # The filesystem turned read-only under the database, then writable again (the
        # remount needs no file open for writing, so the pool lets go first).
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
        try:
            refused = client.post("/articles", json={"text": RAIL})
            assert_problem(refused, 503)
            assert_problem(client.get("/health"), 503)
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=True)
        assert client.post("/articles", json={"text": RAIL}).status_code == 201
        assert client.get("/health").status_code == 200
    conn = sqlite3.connect(tiny_disk / "newsdesk.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_a_database_that_refuses_writes_is_503_and_health_says_so(client: TestClient) -> None:
    """A read-only database (PostgreSQL's default_transaction_read_only, as for a read-only
    role, database or a standby; SQLite's query_only, as for a read-only file): writes are a
    503 with Retry-After, /health says 503 before any write has failed and stays so while it
    lasts, reads go on, and all comes back once the database takes writes again."""
    assert client.post("/articles", json={"text": RAIL}).status_code == 201
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def read_only(dbapi_conn: object, _record: object) -> None:
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        if engine.dialect.name == "sqlite":
            cur.execute("PRAGMA query_only = ON")
        else:
            cur.execute("SET default_transaction_read_only = on")
            dbapi_conn.commit()  # type: ignore[attr-defined]
        cur.close()

    event.listen(engine, "connect", read_only)
    engine.dispose()
    try:
        for _ in range(3):  # polled: the same answer every time
            health = client.get("/health")
            assert_problem(health, 503)
            assert health.headers["retry-after"]
        for r in (client.post("/articles", json={"text": FARM}),
                  client.post("/articles/batch", json=[{"text": HARBOUR}]),
                  client.delete("/articles/1")):
            assert_problem(r, 503)
            assert r.headers["retry-after"]
        assert_problem(client.get("/health"), 503)
        assert len(client.get("/articles").json()["items"]) == 1
    finally:
        event.remove(engine, "connect", read_only)
        engine.dispose()
    assert client.post("/articles", json={"text": FARM}).status_code == 201
    assert client.get("/health").status_code == 200

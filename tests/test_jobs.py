"""Ingestion as jobs: `wait=false` answers 202 with a job that queue workers carry out.

Embedded mode (the default: SqliteHuey beside the database, a consumer in the app) end to
end; per-item errors; cancelling; a full queue; a worker SIGKILLed mid-job whose job is
delivered again and finishes with every article stored once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.config import Settings
from app.extraction import ExtractionTimedOut, InProcess, Result, Text
from app.nlp.pipeline import Extractor
from tests.conftest import ROOT
from tests.samples import FARM, HARBOUR, RAIL, numbered

FINISHED = ("done", "failed", "cancelled")


class BreaksOn(InProcess):
    """The real extractor, except on texts holding `marker`: those fail as a text past
    the extraction deadline does (app.extraction.WorkerPool)."""

    def __init__(self, extractor: Extractor, marker: str) -> None:
        super().__init__(extractor)
        self.marker = marker

    def extract_each(self, texts: Sequence[Text], stop: threading.Event | None = None) -> Iterator[Result]:
        for t in texts:
            if self.marker in t[0]:
                yield ExtractionTimedOut("Entities and quotes could not be extracted within 30 seconds.")
            else:
                yield from super().extract_each([t], stop)


@pytest.fixture
def job_settings(settings: Settings) -> Settings:
    assert settings.queue_path  # each test its own embedded queue
    return settings


@pytest.fixture
def app_client(make_client: Any, job_settings: Settings) -> Any:
    """conftest's make_client, on the settings whose embedded queue is the test's own; it
    takes `extracts=` for an extractor of the test's."""
    return make_client


def wait_for(client: TestClient | httpx.Client, job_id: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in FINISHED:
            return job
        assert time.monotonic() < deadline, f"job {job_id} did not finish: {job['counts']}"
        time.sleep(0.2)


def stored_texts(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT text FROM article ORDER BY id")).scalars())


def test_one_article_answers_202_and_is_stored_by_the_embedded_worker(app_client: Any, engine: Engine) -> None:
    client = app_client()
    response = client.post("/articles?wait=false", content=HARBOUR.encode(),
                           headers={"content-type": "text/plain; charset=utf-8"})
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/jobs/{job['id']}"
    assert job["status"] in ("queued", "running") and job["counts"]["total"] == 1
    done = wait_for(client, job["id"])
    assert done["status"] == "done" and done["finished_at"] is not None
    (item,) = done["items"]
    assert item["state"] == "done" and item["status"] == 201
    article = client.get(f"/articles/{item['id']}").json()
    assert article["title"] == "Harbour city backs tidal plan"
    assert any(q["speaker"] and q["speaker"]["name"] == "Maria Okafor" for q in article["quotes"])
    # The same article again, as a job: found, not stored twice.
    again = wait_for(client, client.post("/articles?wait=false", json={"text": HARBOUR}).json()["id"])
    assert again["items"][0] == {"index": 0, "state": "done", "status": 200, "id": item["id"]}
    assert again["counts"]["duplicate"] == 1
    assert len(stored_texts(engine)) == 1


def test_batch_job_items_fail_alone(app_client: Any, engine: Engine, extractor: Extractor) -> None:
    client = app_client(BreaksOn(extractor, "BREAKS THE EXTRACTOR"))
    batch = [{"text": HARBOUR}, {"title": "no text"}, {"text": RAIL + "\nBREAKS THE EXTRACTOR\n"},
             {"text": FARM, "url": "https://example.org/farm"}]
    response = client.post("/articles/batch?wait=false", json=batch)
    assert response.status_code == 202, response.text
    assert response.json()["items"][1]["state"] == "failed"  # refused before any worker
    job = wait_for(client, response.json()["id"])
    assert job["status"] == "done"
    states = [(i["index"], i["state"], i["status"]) for i in job["items"]]
    assert states == [(0, "done", 201), (1, "failed", 422), (2, "failed", 422), (3, "done", 201)]
    assert job["items"][1]["error"]["type"] == "urn:newsdesk:problem:invalid-input"
    assert job["items"][2]["error"]["type"] == "urn:newsdesk:problem:extraction-timeout"
    assert job["counts"] == {"total": 4, "queued": 0, "running": 0, "stored": 2, "duplicate": 0,
                             "failed": 2, "cancelled": 0}
    assert len(stored_texts(engine)) == 2
    # The batch answer without wait=false is unchanged.
    sync = client.post("/articles/batch", json=[{"text": HARBOUR}])
    assert sync.status_code == 200 and sync.json()["items"][0]["status"] == 200


def test_cancel_a_waiting_job_and_not_a_finished_one(app_client: Any) -> None:
    client = app_client(embedded_worker=False, api_keys="k")
    auth = {"X-API-Key": "k"}
    job = client.post("/articles/batch?wait=false", json=[{"text": numbered(i)} for i in range(3)],
                      headers=auth).json()
    assert client.delete(f"/jobs/{job['id']}").status_code == 401
    cancelled = client.delete(f"/jobs/{job['id']}", headers=auth)
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert body["status"] == "cancelled" and body["counts"]["cancelled"] == 3
    assert {i["state"] for i in body["items"]} == {"cancelled"}
    assert client.delete(f"/jobs/{job['id']}", headers=auth).status_code == 200  # again: still cancelled
    assert client.delete("/jobs/999999", headers=auth).status_code == 404
    # A job of refused items only is finished (failed) at once: nothing to cancel.
    failed = client.post("/articles/batch?wait=false", json=[{"title": "no text"}], headers=auth).json()
    assert failed["status"] == "failed"
    conflict = client.delete(f"/jobs/{failed['id']}", headers=auth)
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"


def test_full_queue_is_a_503_with_retry_after(app_client: Any) -> None:
    client = app_client(embedded_worker=False, max_queued_items=3)
    assert client.post("/articles/batch?wait=false", json=[{"text": numbered(i)} for i in range(3)]).status_code == 202
    full = client.post("/articles?wait=false", json={"text": HARBOUR})
    assert full.status_code == 503
    assert full.headers["content-type"] == "application/problem+json"
    assert int(full.headers["retry-after"]) >= 1
    assert full.json()["type"] == "urn:newsdesk:problem:queue-full"
    # Without wait=false the article is stored as before.
    assert client.post("/articles", json={"text": HARBOUR}).status_code == 201


def test_jobs_are_listed_newest_first_in_pages(app_client: Any) -> None:
    client = app_client(embedded_worker=False)
    ids = [client.post("/articles?wait=false", json={"text": numbered(i)}).json()["id"] for i in range(3)]
    seen: list[int] = []
    url = "/jobs?limit=2"
    while url:
        page = client.get(url).json()
        seen += [j["id"] for j in page["items"]]
        assert all(j["counts"]["total"] == 1 and "items" not in j for j in page["items"])
        url = f"/jobs?limit=2&cursor={page['next_cursor']}" if page["next_cursor"] else ""
    assert seen == ids[::-1]
    assert client.get("/jobs/999999").status_code == 404


def test_newsdesk_serve_runs_jobs_itself(start_server: Any, database_url: str) -> None:
    """`make run` is `newsdesk serve`: with the embedded queue it runs jobs with no other
    command, through its own extraction processes."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the embedded default is SQLite's")
    with httpx.Client(base_url=start_server(), timeout=30) as http:
        response = http.post("/articles/batch?wait=false", json=[{"text": HARBOUR}, {"text": RAIL}])
        assert response.status_code == 202, response.text
        assert response.headers["location"] == f"/jobs/{response.json()['id']}"
        job = wait_for(http, response.json()["id"], timeout=120)
        assert job["status"] == "done" and job["counts"]["stored"] == 2
        assert http.get(f"/articles/{job['items'][1]['id']}").json()["text"].startswith("Rail strike")
        assert [j["id"] for j in http.get("/jobs").json()["items"]] == [job["id"]]


def start_worker(database_url: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    environ = {**os.environ, "NEWSDESK_DATABASE_URL": database_url, "NEWSDESK_LOG_LEVEL": "info",
               "NEWSDESK_EXTRACT_PROCESSES": "1", **env}
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], cwd=ROOT, env=environ,
                                stdout=out, stderr=subprocess.STDOUT)


class SaysWhenItStarts(InProcess):
    """The real extractor, which says when it starts on each text."""

    def __init__(self, extractor: Extractor) -> None:
        super().__init__(extractor)
        self.started: list[threading.Event] = [threading.Event() for _ in range(3)]
        self.calls = 0

    def extract_each(self, texts: Sequence[Text], stop: threading.Event | None = None) -> Iterator[Result]:
        self.started[self.calls].set()
        self.calls += 1
        yield from super().extract_each(texts, stop)


def test_a_worker_extracts_the_next_article_while_it_stores_one(
    engine: Engine, job_settings: Settings, extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store of an article overlaps the next one's extraction: the first store waits
    until the second extraction has begun, which it never would were they in turn."""
    from app.intake import from_json
    from app.jobs import store
    from app.jobs.queue import Queue
    from app.jobs.worker import JobRunner

    counting = SaysWhenItStarts(extractor)
    store_item = store.store_job_item
    overlapped: list[bool] = []

    def slow_store(engine: Engine, job_id: int, position: int, *args: Any) -> None:
        if position == 0:
            overlapped.append(counting.started[1].wait(timeout=30))
        store_item(engine, job_id, position, *args)

    monkeypatch.setattr(store, "store_job_item", slow_store)
    articles = [from_json({"text": numbered(i) + HARBOUR}) for i in range(3)]
    job_id = store.create_job(engine, articles, 100, 60)
    JobRunner(engine, counting, Queue(job_settings), 60, threading.Event())(job_id)
    assert overlapped == [True]
    with engine.connect() as conn:
        states = conn.execute(text("SELECT status FROM job_item WHERE job_id = :j ORDER BY position"),
                              {"j": job_id}).scalars().all()
        job = conn.execute(text("SELECT status FROM job WHERE id = :j"), {"j": job_id}).scalar()
    assert states == ["done"] * 3 and job == "done"
    assert len(stored_texts(engine)) == 3


def extraction_processes(pid: int) -> list[int]:
    """The extraction processes `pid` started (multiprocessing's spawned children; not its
    resource tracker), from Linux's /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def test_a_workers_extraction_processes_run_at_the_configured_niceness(tmp_path: Path) -> None:
    """NEWSDESK_WORKER_NICE: the extraction processes of `newsdesk worker` run below the API
    that accepts the work (seen from outside, with getpriority); the worker itself, which
    holds the write lock as it stores, at its own."""
    wanted = 7  # neither the default (10) nor the extraction processes' of `newsdesk serve` (10)
    own = os.getpriority(os.PRIO_PROCESS, 0)
    if own >= wanted:
        pytest.skip("the tests run at that niceness or lower priority already")
    log = tmp_path / "worker.log"
    worker = start_worker(f"sqlite:///{tmp_path / 'newsdesk.db'}", log,
                          NEWSDESK_QUEUE_PATH=str(tmp_path / "queue.db"), NEWSDESK_WORKER_NICE=str(wanted))
    try:
        deadline = time.monotonic() + 120
        while "worker:" not in log.read_text(errors="replace"):  # its extraction process is loaded
            assert time.monotonic() < deadline and worker.poll() is None, log.read_text()
            time.sleep(0.2)
        extractors = extraction_processes(worker.pid)
        assert len(extractors) == 1  # NEWSDESK_EXTRACT_PROCESSES=1
        assert os.getpriority(os.PRIO_PROCESS, extractors[0]) == wanted
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == own
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)


def test_reextraction_processes_run_at_the_configured_niceness() -> None:
    """The processes of `newsdesk reextract --workers N` are made by bulk.init_worker with
    the worker niceness (app.reextraction.run); they lower their own priority to it."""
    import multiprocessing

    from app.bulk import init_worker

    wanted = 6
    if _priority() >= wanted:
        pytest.skip("the tests run at that niceness or lower priority already")
    with multiprocessing.get_context("spawn").Pool(1, initializer=init_worker, initargs=(wanted,)) as pool:
        assert pool.apply(_priority) == wanted
    assert _priority() < wanted  # this process untouched


def test_a_worker_killed_mid_job_is_replaced_and_every_article_stored_once(
    app_client: Any, engine: Engine, job_settings: Settings, tmp_path: Path
) -> None:
    """SIGKILL, not a shutdown: the killed worker's article stays claimed until its lease
    runs out, then the job is sent to the queue again and another worker finishes it."""
    client = app_client(embedded_worker=False, job_lease_seconds=4)
    texts = [numbered(i) + HARBOUR for i in range(30)]
    job = client.post("/articles/batch?wait=false", json=[{"text": t} for t in texts]).json()
    env = {"NEWSDESK_QUEUE_PATH": job_settings.queue_path, "NEWSDESK_JOB_LEASE_SECONDS": "4"}
    log = tmp_path / "workers.log"
    first = start_worker(job_settings.database_url, log, **env)
    try:
        deadline = time.monotonic() + 120
        while client.get(f"/jobs/{job['id']}").json()["counts"]["stored"] < 3:
            assert time.monotonic() < deadline and first.poll() is None, log.read_text()
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    killed_at = client.get(f"/jobs/{job['id']}").json()
    assert killed_at["status"] == "running" and killed_at["counts"]["stored"] < len(texts)
    second = start_worker(job_settings.database_url, log, **env)
    try:
        done = wait_for(client, job["id"], timeout=180)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    assert done["status"] == "done", log.read_text()
    assert [i["state"] for i in done["items"]] == ["done"] * len(texts)
    assert done["counts"]["stored"] + done["counts"]["duplicate"] == len(texts)
    stored = stored_texts(engine)
    assert len(stored) == len(texts) == len(set(stored))
    # The article the killed worker held stayed claimed (running) until its lease ran out:
    # that every item is done shows it was claimed again, by the second worker. Each item
    # names its own article, and no other was stored. (Not ids 1..30: a store the kill cut
    # short is rolled back, but on PostgreSQL the id its sequence gave it stays spent.)
    with engine.connect() as conn:
        article_ids = set(conn.execute(text("SELECT id FROM article")).scalars())
    assert sorted(i["id"] for i in done["items"]) == sorted(article_ids)


REDIS_URL = os.environ.get("NEWSDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_queue(database_url: str, job_settings: Settings) -> Iterator[Settings]:
    """PostgreSQL (the database_url fixture's postgres case) and Redis, both real servers."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the distributed mode writes to PostgreSQL")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc.__class__.__name__}")
    from app.jobs.queue import make_huey

    settings = job_settings.model_copy(update={"queue_url": REDIS_URL})
    make_huey(settings).flush()  # messages another run left in this test database
    yield settings
    make_huey(settings).flush()


def worker_ids(engine: Engine, job_id: int) -> set[str]:
    with engine.connect() as conn:
        workers = conn.execute(text("SELECT DISTINCT worker FROM job_item WHERE job_id = :j"), {"j": job_id})
        return {w.rsplit(":", 1)[0] for w in workers.scalars() if w}  # host:pid, any thread


def test_a_batch_of_1000_across_two_workers_on_postgres_through_redis(
    app_client: Any, engine: Engine, redis_queue: Settings, tmp_path: Path
) -> None:
    client = app_client(queue_url=redis_queue.queue_url)
    client.post("/articles", json={"text": numbered(0)})  # stored before: a duplicate in the job
    texts = [numbered(i) for i in range(1000)]
    texts[999] = texts[998]  # the same text twice in one job: stored once
    response = client.post("/articles/batch?wait=false", json=[{"text": t} for t in texts])
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    log = tmp_path / "workers.log"
    env = {"NEWSDESK_QUEUE_URL": redis_queue.queue_url}
    workers = [start_worker(redis_queue.database_url, log, **env) for _ in range(2)]
    try:
        started = time.monotonic()
        done = wait_for(client, job_id, timeout=400)
        took = time.monotonic() - started
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    assert [w.returncode for w in workers] == [0, 0], "SIGTERM stops a worker cleanly"
    assert done["status"] == "done", log.read_text()
    assert done["counts"]["stored"] == 998 and done["counts"]["duplicate"] == 2, done["counts"]
    stored = stored_texts(engine)
    assert len(stored) == len(set(stored)) == 999
    assert len(worker_ids(engine, job_id)) == 2, "both workers took articles"
    print(f"1,000 articles through two workers in {took:.1f} s (their start included)")


def test_a_job_whose_message_the_broker_lost_is_sent_again(
    app_client: Any, engine: Engine, redis_queue: Settings, tmp_path: Path
) -> None:
    """Redis restarted without its data (this one keeps nothing on disk) loses the queued
    messages; the job acknowledged with 202 is in PostgreSQL and is carried out all the same."""
    from app.jobs.queue import make_huey

    client = app_client(queue_url=redis_queue.queue_url, job_lease_seconds=2)
    job_id = client.post("/articles/batch?wait=false", json=[{"text": numbered(i)} for i in range(5)]).json()["id"]
    huey = make_huey(redis_queue)
    assert huey.pending_count() == 5
    huey.flush()  # what a restart of a Redis that keeps nothing does to the queue
    log = tmp_path / "worker.log"
    worker = start_worker(redis_queue.database_url, log, NEWSDESK_QUEUE_URL=redis_queue.queue_url,
                          NEWSDESK_JOB_LEASE_SECONDS="2")
    try:
        done = wait_for(client, job_id, timeout=120)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    assert done["status"] == "done" and done["counts"]["stored"] == 5, log.read_text()
    assert len(stored_texts(engine)) == 5
    assert "sent to the queue again" in log.read_text()


def _start_redis(port: int, folder: Path) -> subprocess.Popen[bytes]:
    """A Redis of the test's own, keeping nothing on disk, as the one this machine runs."""
    import redis

    binary = shutil.which("redis-server")
    assert binary is not None
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis(port=port, socket_connect_timeout=0.5).ping()
            return proc
        except redis.RedisError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)


def test_no_acknowledged_job_is_lost_when_the_broker_is_killed_and_restarted(
    app_client: Any, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """A real broker killed (SIGKILL, its queue gone with it) and started again: a job
    acknowledged before (its message lost) and one acknowledged while it was down (its
    message never sent) are both carried out once it is back, every article stored once."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the distributed mode writes to PostgreSQL")
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server on this machine to start and kill")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    broker = _start_redis(port, tmp_path)
    try:
        client = app_client(queue_url=url, job_lease_seconds=2)
        before = client.post("/articles/batch?wait=false", json=[{"text": numbered(i)} for i in range(4)])
        assert before.status_code == 202, before.text
        broker.kill()
        broker.wait(timeout=10)
        during = client.post("/articles/batch?wait=false", json=[{"text": numbered(i)} for i in range(3, 7)])
        assert during.status_code == 202, during.text  # in PostgreSQL: sent again once the broker is back
        broker = _start_redis(port, tmp_path)
        log = tmp_path / "worker.log"
        worker = start_worker(database_url, log, NEWSDESK_QUEUE_URL=url, NEWSDESK_JOB_LEASE_SECONDS="2")
        try:
            jobs = [wait_for(client, r.json()["id"], timeout=120) for r in (before, during)]
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    finally:
        broker.kill()
        broker.wait(timeout=10)
    assert [j["status"] for j in jobs] == ["done", "done"], log.read_text()
    assert jobs[0]["counts"]["stored"] == 4
    assert jobs[1]["counts"]["stored"] + jobs[1]["counts"]["duplicate"] == 4  # numbered(3) came twice
    stored = stored_texts(engine)
    assert len(stored) == len(set(stored)) == 7

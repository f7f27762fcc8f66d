"""Load on a real server: two uvicorn workers, eight clients ingesting at once, readers
answering meanwhile. Nothing a client was told is stored may be missing afterwards."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx
from sqlalchemy import create_engine, text

from tests.samples import HARBOUR, numbered

CLIENTS = 8
# CI runs the full minute (.ci/run sets it); a developer's `make test` a shorter burst.
SECONDS = float(os.environ.get("NEWSDESK_LOAD_SECONDS", "15"))


def test_eight_clients_ingesting_against_two_workers(start_server: Callable[..., str], database_url: str) -> None:
    server = start_server(workers=2)
    created: list[int] = []
    statuses: Counter[int] = Counter()
    read_latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS
    shared = {"text": "Shared story from Port Elwin.\n" + HARBOUR}

    def writer(worker: int) -> None:
        with httpx.Client(base_url=server, timeout=60) as client:
            i = 0
            # Every client sends the same article first, all at once: it must be stored once.
            barrier.wait()
            responses = [client.post("/articles", json=shared)]
            while time.monotonic() < stop_at:
                responses.append(client.post("/articles", json={"text": numbered(worker * 10_000 + i)}))
                i += 1
            with lock:
                for r in responses:
                    statuses[r.status_code] += 1
                    if r.status_code == 201:
                        created.append(r.json()["id"])

    def reader() -> None:
        with httpx.Client(base_url=server, timeout=60) as client:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                assert client.get("/articles", params={"limit": 50}).status_code == 200
                read_latencies.append(time.perf_counter() - started)
                time.sleep(0.05)

    barrier = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(CLIENTS)]
    threads.append(threading.Thread(target=reader))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= {200, 201}, statuses
    assert statuses[201] >= CLIENTS  # the run got real work done
    engine = create_engine(database_url)
    with engine.connect() as conn:
        stored = set(conn.execute(text("SELECT id FROM article")).scalars())
        shared_copies = conn.execute(
            text("SELECT count(*) FROM article WHERE text = :t"), {"t": shared["text"]}
        ).scalar()
    engine.dispose()
    assert set(created) <= stored
    assert len(created) == len(set(created)) == len(stored)
    assert shared_copies == 1
    # Readers were never shut out by the writers (WAL on SQLite; MVCC on PostgreSQL).
    assert read_latencies and max(read_latencies) < 5.0

"""Running jobs: each article of a job claimed with a lease, extracted, stored with its
outcome (or a re-extraction's chunk, app/reextraction.py); stalled jobs sent to the queue again.

Delivery is at least once, storage exactly once. A worker claims one article at a time
(store.claim_job_item) and records it done in the transaction that stores it
(store.store_job_item), so an article is never half-written and never stored twice:
a worker killed mid-article leaves its claim, which expires after the lease; the job,
silent for that long, is swept up (store.stalled_jobs) and sent to the queue again,
and the next worker claims the article again. Two workers that both get an article
store it once (the dedupe by url and text of every ingest)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Protocol

from huey.consumer import Consumer
from sqlalchemy.engine import Engine

from app import reextraction, services
from app.errors import AppError
from app.extraction import Extracts
from app.intake import NewArticle
from app.jobs import store
from app.jobs.queue import Queue

log = logging.getLogger("newsdesk")


class StopFlag(Protocol):
    """Huey's consumer stop flag (or a threading.Event)."""

    def is_set(self) -> bool: ...


class JobRunner:
    """Runs one job (the queue's task) until none of its articles is left to claim."""

    def __init__(self, engine: Engine, extractor: Extracts, queue: Queue, lease: float, stop: StopFlag) -> None:
        self.engine = engine
        self.extractor = extractor
        self.queue = queue
        self.lease = lease
        self.stop = stop

    def __call__(self, job_id: int) -> None:
        worker = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        # Each article is stored in a thread of its own while the next one is claimed and
        # extracted: the extraction process works while this one writes, where it waited
        # for each store before (~13 ms an article of ~210, bench/RESULTS.md). At most one
        # store is behind; its error is raised here, before the next is handed over.
        with ThreadPoolExecutor(1, thread_name_prefix="newsdesk-store") as writes:
            behind: Future[None] | None = None
            while True:
                if self.stop.is_set():
                    _wait(behind)
                    # Shutting down between two articles: the rest goes back to the queue.
                    self.queue.enqueue(job_id, 1)
                    return
                claimed = store.claim_job_item(self.engine, job_id, worker, self.lease)
                if claimed is None:
                    break
                position, work = claimed
                if isinstance(work, NewArticle):
                    write = self._one(job_id, position, work)
                    _wait(behind)
                    behind = writes.submit(write)
                    continue
                _wait(behind)
                reextraction.run_chunk(self.engine, self.extractor, job_id, position, work, worker, self.lease,
                                       self.stop)
                # One chunk a message, then the job goes to the back of the queue: an ingestion
                # job sent meanwhile waits for the chunks ahead of it, not for the whole corpus.
                self.queue.enqueue(job_id, 1)
                return
            _wait(behind)
        store.complete_job(self.engine, job_id)

    def _one(self, job_id: int, position: int, article: NewArticle) -> Callable[[], None]:
        """Extract a claimed article; the write that records its outcome."""
        with self.engine.connect() as conn:
            if services.find_existing(conn, article) is not None:
                # Stored already (sent before, or by the worker whose lease ran out): no
                # extraction spent on it.
                return partial(store.store_job_item, self.engine, job_id, position, article, None)
        try:
            (result,) = self.extractor.extract_each([(article.text, article.language)])
        except AppError as exc:  # no extraction process came free in time
            result = exc
        if isinstance(result, AppError):
            # Breaks the extractor (or past its deadline): this article fails alone.
            return partial(store.fail_job_item, self.engine, job_id, position, result)
        return partial(store.store_job_item, self.engine, job_id, position, article, result)


def _wait(write: Future[None] | None) -> None:
    if write is not None:
        write.result()


def sweep(engine: Engine, queue: Queue, lease: float, stop: threading.Event) -> None:
    """Every quarter lease, send the jobs no worker has touched for a lease to the queue again."""
    interval = max(0.5, lease / 4)
    while not stop.wait(interval):
        try:
            for job_id in store.stalled_jobs(engine, lease):
                log.warning("job %d was silent for %g s: sent to the queue again", job_id, lease)
                queue.enqueue(job_id)
        except Exception:  # the database is away for a moment: try at the next sweep
            log.exception("the sweep for stalled jobs failed")


class _QuietConsumer(Consumer):
    """Huey's consumer without its signal handlers: inside `newsdesk serve`, uvicorn owns them."""

    def _set_signal_handlers(self) -> None:
        pass


class Embedded:
    """A consumer in the service's own process (NEWSDESK_QUEUE_URL empty), sharing its
    engine and extraction processes, so that `make run` runs jobs with no other command."""

    def __init__(self, engine: Engine, extractor: Extracts, queue: Queue, threads: int, lease: float) -> None:
        self.queue = queue
        # SqliteHuey is polled: at most a second between a 202 and the job's start.
        self.consumer = _QuietConsumer(queue.huey, workers=threads, periodic=False, max_delay=1.0,
                                       check_worker_health=False)
        queue.runner = JobRunner(engine, extractor, queue, lease, self.consumer.stop_flag)
        self._stop = threading.Event()
        self._sweeper = threading.Thread(target=sweep, args=(engine, queue, lease, self._stop),
                                         name="newsdesk-job-sweep", daemon=True)

    def start(self) -> None:
        self.consumer.start()
        self._sweeper.start()

    def stop(self) -> None:
        """Finish the articles in hand (their jobs go back to the queue), then stop."""
        self._stop.set()
        self.consumer.stop(graceful=True)
        self._sweeper.join(timeout=5)


def run(engine: Engine, extractor: Extracts, queue: Queue, threads: int, lease: float) -> None:
    """`newsdesk worker`: consume until SIGINT or SIGTERM (each graceful: the articles in
    hand are finished, their jobs sent back to the queue)."""
    consumer = Consumer(queue.huey, workers=threads, periodic=False, graceful_signal="TERM",
                        max_delay=1.0, check_worker_health=False)
    queue.runner = JobRunner(engine, extractor, queue, lease, consumer.stop_flag)
    stop = threading.Event()
    sweeper = threading.Thread(target=sweep, args=(engine, queue, lease, stop), name="newsdesk-job-sweep",
                               daemon=True)
    sweeper.start()
    try:
        consumer.run()
    finally:
        stop.set()

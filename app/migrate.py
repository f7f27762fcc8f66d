"""Applying the Alembic migrations: the only way Newsdesk's schema is made."""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app.db import SQLITE_BUSY, SQLITE_BUSY_TIMEOUT_MS, writer

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
# Any constant works; it only has to be the same for every Newsdesk instance.
PG_MIGRATION_LOCK = 7_316_452_001
# How long an instance waits for another's migrations on SQLite: as long as they take (a
# backfill over a large corpus takes minutes), not the 5 s a request waits for a writer.
SQLITE_MIGRATION_WAIT_MS = 600_000
# Tries of a whole SQLite upgrade that found the file locked without waiting (below).
SQLITE_BUSY_TRIES = 5


def alembic_config(engine: Engine) -> Config:
    if not ALEMBIC_INI.exists():
        raise RuntimeError(f"alembic.ini not found at {ALEMBIC_INI}: run from a source checkout")
    config = Config(str(ALEMBIC_INI))
    config.attributes["configure_logging"] = False
    config.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision. Safe when several instances start at once:
    on PostgreSQL an advisory lock serialises them; SQLite's write lock does the same.

    SQLite answers "database is locked" without calling its busy handler in a few cases
    (a connection opening a new file while another switches it to WAL, recovering a WAL):
    seen once in five full test runs with four instances starting together. The upgrade is
    one transaction, rolled back whole on that error, so it is tried again; not when the
    lock was waited for in full (another instance holding it that long is an answer)."""
    for attempt in range(1, SQLITE_BUSY_TRIES + 1):
        started = time.monotonic()
        try:
            _upgrade(engine)
            return
        except OperationalError as exc:
            code = getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF
            waited_in_full = time.monotonic() - started >= SQLITE_MIGRATION_WAIT_MS / 1000
            if code != SQLITE_BUSY or waited_in_full or attempt == SQLITE_BUSY_TRIES:
                raise
            time.sleep(0.2 * attempt)


def _upgrade(engine: Engine) -> None:
    config = alembic_config(engine)
    # On SQLite the whole upgrade is one transaction that takes the write lock when it
    # begins, so that two instances never both read the old version and then race to write.
    # Alembic would otherwise commit after each revision (it counts SQLite as a database
    # without transactional DDL), letting a waiting instance in between two of them.
    raw = None
    with writer(engine).connect() as conn:
        if conn.dialect.name == "sqlite":
            # Before the first statement, which begins the transaction and waits for the lock.
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute(f"PRAGMA busy_timeout = {SQLITE_MIGRATION_WAIT_MS}")
            conn.begin()  # BEGIN IMMEDIATE; Alembic then leaves the transaction to us
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
            conn.commit()
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK})
                conn.commit()
            elif raw is not None:
                raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")  # back to the pool

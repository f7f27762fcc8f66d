"""Engine and session plumbing. Engines are built by create_app's lifespan, never at import."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_BUSY, SQLITE_READONLY, SQLITE_FULL = 5, 8, 13
BEGIN_IMMEDIATE = "newsdesk_begin_immediate"
EAGER = "newsdesk_eager_writer"
# How often an eager writer (writer(engine, eager=True)) tries for SQLite's write lock.
EAGER_POLL_SECONDS = 0.001


def _json(value: Any) -> str:
    # Keeps non-ASCII as is (json.dumps would write \u2019), so that LIKE finds aliases.
    return orjson.dumps(value).decode()


def shared(url: str) -> bool:
    """Whether other processes opening `url` reach the same database (not SQLite in memory)."""
    parsed = make_url(url)
    return parsed.get_backend_name() != "sqlite" or parsed.database not in (None, "", ":memory:")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=10, json_serializer=_json
        )

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        json_serializer=_json,
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        # WAL lets readers go on while one writer commits; NORMAL is durable in WAL mode
        # except for the last transactions on power loss, never corruption.
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    # pysqlite's own transaction handling defers BEGIN until the first write, which lets
    # two writers both read then deadlock on upgrade; BEGIN IMMEDIATE takes the write lock
    # up front so the busy timeout applies instead.
    @event.listens_for(engine, "connect")
    def _no_autobegin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(EAGER):
            _begin_eagerly(conn)
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(BEGIN_IMMEDIATE) else "BEGIN")

    return engine


def _begin_eagerly(conn: Any) -> None:
    """BEGIN IMMEDIATE, trying again every millisecond while another writer holds the lock,
    for up to the busy timeout.

    SQLite's own busy handler is not woken when the lock is freed: it sleeps 1, 2, 5, 10,
    15, 20, 25 ... ms between tries, so a writer that finds the lock taken by workers
    storing articles one after another (each holding it ~10 ms) waited 30-55 ms for a
    lock free most of that time (bench/RESULTS.md, issue 13). A try costs microseconds."""
    dbapi_conn: sqlite3.Connection = conn.connection.driver_connection
    dbapi_conn.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    try:
        while time.monotonic() < deadline:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF != SQLITE_BUSY:
                    break  # the last try below raises it as SQLAlchemy's error, as any other begin
            time.sleep(EAGER_POLL_SECONDS)
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def writer(engine: Engine, eager: bool = False) -> Engine:
    """The same engine, but its transactions take SQLite's write lock when they begin;
    `eager`, waiting for it in short steps (_begin_eagerly): for the writes a client waits
    on while workers write in turn (a job's creation), not for the workers themselves."""
    return engine.execution_options(**{BEGIN_IMMEDIATE: True, EAGER: eager})

PG_DISK_FULL, PG_READ_ONLY = "53100", "25006"


def refuses_writes(exc: DBAPIError) -> bool:
    """The database answers but will not store: a full disk, or a read-only file or server."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_READONLY, SQLITE_FULL)
    return getattr(exc.orig, "sqlstate", None) in (PG_DISK_FULL, PG_READ_ONLY)


def write_refusal(engine: Engine) -> str | None:
    """Why the database would refuse a write now, or None; raises when it does not answer.

    /health is polled, so this stores nothing and never waits. PostgreSQL: one SHOW of
    whether a new transaction is read only (a read-only role or database, a standby).
    SQLite: the header's user_version written to its own value and rolled back before any
    commit; in WAL mode nothing reaches the disk (about 30 us), yet SQLite checks that the
    file can be written (a read-only file, mount or connection). It does not wait for the
    write lock: a database that another writer holds takes writes. A full disk shows only
    when a write fails; run_write remembers that."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            read_only = conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            return "the database is read-only" if read_only else None
        conn.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")
        except OperationalError as exc:
            if getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF == SQLITE_BUSY:
                return None
            if refuses_writes(exc):
                return str(exc.orig).splitlines()[0]
            raise
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    return None


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

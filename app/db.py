"""Engine and session plumbing. Engines are built by create_app's lifespan, never at import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 5000
BEGIN_IMMEDIATE = "newsdesk_begin_immediate"


def _json(value: Any) -> str:
    # Keeps non-ASCII as is (json.dumps would write \u2019), so that LIKE finds aliases.
    return orjson.dumps(value).decode()


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
        immediate = conn.get_execution_options().get(BEGIN_IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take SQLite's write lock when they begin."""
    return engine.execution_options(**{BEGIN_IMMEDIATE: True})


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

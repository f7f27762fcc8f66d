"""Read statements built with SQLAlchemy Core, compiled once, run on the driver's cursor.

On the hot read paths, building a Core statement and executing it through a Connection
(coercion, cache key, result set-up, row proxies) cost ten times the query itself: about
1.3 ms of a 1.4 ms article detail (bench/RESULTS.md). Here a statement is built and
compiled once per dialect and shape, then run on the pooled DB-API connection with its
parameters, and rows come back as plain tuples."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql import ClauseElement

from app.errors import ReadTooSlow

# How SQLAlchemy stores a DateTime in SQLite: text, UTC, always with microseconds.
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
# SQLite calls the budget's check every this many virtual-machine steps (tens of
# microseconds of work): a cut comes on time, and one clock read is small beside that
# (no difference measurable on a 1M-row recursive query, within this machine's noise).
PROGRESS_STEPS = 2_000
SQLITE_INTERRUPT = 9
PG_QUERY_CANCELED = "57014"


@dataclass(frozen=True, slots=True)
class Compiled:
    sql: str
    order: tuple[str, ...] | None  # parameter names in order, for positional paramstyles
    defaults: Mapping[str, Any]  # values SQLAlchemy bound itself (an OFFSET 0, …)

    def bind(self, params: Mapping[str, Any]) -> Any:
        values = {**self.defaults, **params} if self.defaults else params
        if self.order is None:
            return values
        return tuple(values[name] for name in self.order)


_compiled: dict[tuple[str, Hashable], Compiled] = {}


def compile_once(dialect: Dialect, key: Hashable, build: Callable[[], ClauseElement]) -> Compiled:
    """The statement `build()` makes, compiled for `dialect`; `key` names its shape."""
    found = _compiled.get((dialect.name, key))
    if found is None:
        compiled = build().compile(dialect=dialect)
        found = Compiled(
            sql=compiled.string,
            # positional/positiontup are the SQLCompiler's, which compile() returns here.
            order=tuple(compiled.positiontup or ()) if compiled.positional else None,  # type: ignore[attr-defined]
            defaults={k: v for k, v in compiled.params.items() if v is not None},
        )
        _compiled[(dialect.name, key)] = found
    return found


class Reader:
    """One read: a pooled connection, in one snapshot, for the few statements of an answer.

    Values come back as the driver gives them; `time` and `json` turn SQLite's text into
    what the API serves (PostgreSQL's driver already returns datetimes and lists)."""

    def __init__(self, connection: Any, dialect: Dialect, budget: float | None = None) -> None:
        self.connection = connection  # SQLAlchemy's pooled DB-API connection
        self.cursor = connection.cursor()
        self.dialect = dialect
        self.sqlite = dialect.name == "sqlite"
        self.budget = budget
        self.deadline = float("inf")  # of the statement running, on SQLite

    def rows(self, key: Hashable, build: Callable[[], ClauseElement], **params: Any) -> list[tuple[Any, ...]]:
        statement = compile_once(self.dialect, key, build)
        return self.execute(statement.sql, statement.bind(params))

    def execute(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        if self.sqlite and self.budget is not None:
            self.deadline = time.monotonic() + self.budget
        try:
            self.cursor.execute(sql, params)
            return self.cursor.fetchall() if self.cursor.description else []
        except self.dialect.loaded_dbapi.Error as exc:
            if _cut_by_budget(exc):
                raise ReadTooSlow(
                    f"The read took longer than its budget of {self.budget:g} seconds and was stopped; "
                    "try again later, or narrow the query (fewer or longer words, more filters).",
                    headers={"Retry-After": "5"},
                ) from None
            if self.dialect.is_disconnect(exc, self.connection.dbapi_connection, self.cursor):
                self.connection.invalidate(exc)  # the pool makes a new one next time
            raise _as_sqlalchemy_error(self.dialect, exc, sql, params) from exc

    def row(self, key: Hashable, build: Callable[[], ClauseElement], **params: Any) -> tuple[Any, ...] | None:
        found = self.rows(key, build, **params)
        return found[0] if found else None

    def time(self, value: Any) -> Any:
        """A stored time as the API writes it: RFC 3339 in UTC, as orjson writes a datetime."""
        if value is None or not self.sqlite:
            return utc(value)
        micro = value[20:26]
        return f"{value[:10]}T{value[11:19]}{'.' + micro if micro.strip('0') else ''}+00:00"

    def time_param(self, value: datetime) -> Any:
        value = value.astimezone(UTC)
        return value.strftime(SQLITE_TIME) if self.sqlite else value

    def json(self, value: Any) -> Any:
        return orjson.loads(value) if isinstance(value, str | bytes) else value


def utc(value: datetime | None) -> datetime | None:
    # Naive datetimes from the database are UTC: everything stored is.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _as_sqlalchemy_error(
    dialect: Dialect, exc: Exception, sql: str | None = None, params: Any = None
) -> StatementError:
    # As SQLAlchemy would raise it: an OperationalError (database down, disk I/O error)
    # is a 503 problem (app/errors.py), not a 500.
    return DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error)


def _cut_by_budget(exc: Exception) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == SQLITE_INTERRUPT)
    return getattr(exc, "sqlstate", None) == PG_QUERY_CANCELED


@contextmanager
def reading(engine: Engine, budget: float | None = None) -> Iterator[Reader]:
    """A Reader on a pooled connection; it goes back to the pool rolled back. With a
    budget (seconds), each statement past it is stopped and raises ReadTooSlow (a 503)."""
    try:
        connection = engine.raw_connection()
    except engine.dialect.loaded_dbapi.Error as exc:
        raise _as_sqlalchemy_error(engine.dialect, exc) from exc
    sqlite_connection = None
    try:
        reader = Reader(connection, engine.dialect, budget)
        if reader.sqlite:
            if budget is not None:
                # A true return makes SQLite stop the statement with SQLITE_INTERRUPT.
                sqlite_connection = connection.dbapi_connection
                assert sqlite_connection is not None  # a pooled connection that is checked out has one
                sqlite_connection.set_progress_handler(lambda: time.monotonic() > reader.deadline, PROGRESS_STEPS)
            # pysqlite is in autocommit mode here (app/db.py): without BEGIN, each SELECT
            # would see its own snapshot, and a detail could mix two states of an article.
            reader.execute("BEGIN")
        elif budget is not None:
            # LOCAL: it ends with this read's transaction, so writes on the same pooled
            # connection later keep no limit.
            reader.execute(f"SET LOCAL statement_timeout = {max(1, round(budget * 1000))}")
        yield reader
    finally:
        if sqlite_connection is not None:
            sqlite_connection.set_progress_handler(None, 0)  # the connection goes on to writes
        connection.close()


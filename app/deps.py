"""Typed dependencies: what a route needs from the running app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal, TypeVar

import anyio
import orjson
from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import AfterValidator, BeforeValidator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InternalError, OperationalError
from starlette.datastructures import State

from app.config import Settings
from app.db import refuses_writes
from app.extraction import Extracts
from app.prepared import reading
from app.queries.ranked import RANK_WINDOW
from app.search import MAX_PREFIX_TERMS, MIN_PREFIX_CHARS

T = TypeVar("T")


# async although they await nothing: FastAPI runs a sync dependency in its threadpool,
# and that hop cost about 300 us of CPU per request, more than a read's queries
# (bench/RESULTS.md).
async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_extractor(request: Request) -> Extracts:
    return request.app.state.extractor


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
ExtractorDep = Annotated[Extracts, Depends(get_extractor)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

MAX_PAGE = 100
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (1-100)")]
CueTypeFilter = Annotated[
    Literal["speech", "belief", "intention", "other", "all"],
    Query(description="What the quotes' cues report: `speech` (the default: who said what), `belief`, "
                      "`intention` (plans, wishes, expectations), `other` (acts no word list knows as "
                      "speech, taken for attributions by the learned model), or `all`"),
]
EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
                     "LANGUAGE"]


def _upper(value: object) -> object:
    if isinstance(value, str):
        _no_nul(value)
        return value.upper()
    return value


# The labels the extractor keeps (app/nlp/mentions.KEPT_LABELS), any case: another is a
# 422, not an empty list that looks like an answer.
EntityTypeFilter = Annotated[
    EntityType | None,
    BeforeValidator(_upper),
    Query(description="OntoNotes label, any case: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT, "
                      "WORK_OF_ART, LAW, LANGUAGE"),
]
Cursor = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` of the previous page, unchanged"),
]
# Ids are 32-bit integers in both databases (PostgreSQL's integer): a larger one is
# invalid input, not a crash.
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The resource's id")]
RefId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class JSON(Response):
    """Serialise once, with orjson: the data is already in the shape of the response model."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _no_nul(value: str | None) -> str | None:
    # PostgreSQL can neither store nor compare a NUL character: refused here as invalid
    # input, not a driver error there.
    if value is not None and "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


QueryText = Annotated[str | None, AfterValidator(_no_nul)]
SourceFilter = Annotated[
    QueryText,
    Query(max_length=2000, description="Part of the article's source, any case: `breitbart` finds "
                                       "\"Breitbart News\" and \"breitbart.com\""),
]
SEARCH_HELP = (
    "Every word, any case and inflection; \"a phrase\" in double quotes; pref* for a prefix of "
    f"a word as written (at least {MIN_PREFIX_CHARS} characters, at most {MAX_PREFIX_TERMS} prefixes); "
    "`OR` in capitals between two terms for either (`peace OR Nobel prize`: prize, and peace or Nobel); "
    "-word or -\"a phrase\" to exclude. "
    f"Best match first, among the newest {RANK_WINDOW:,} matches: narrow with more words or the "
    "other filters to reach older ones."
)


async def run_read(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """fn(reader, *args) in a read thread, each statement within the read budget.

    The event loop never waits on SQL: a slow search holds one of the read threads (a
    bounded number, fewer than the pool's connections), never /health or the other
    requests. One thread hop per request, not FastAPI's several for a sync route."""
    state = request.app.state
    return await anyio.to_thread.run_sync(
        partial(_read, state.engine, state.settings.read_timeout_seconds, fn, *args),
        # Not abandoned when the request is cancelled: the budget ends it soon, and an
        # abandoned thread could hold a connection past the engine's disposal.
        limiter=state.read_limiter,
    )


async def read_row(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """fn(reader, *args) for a read that is one indexed row and no more: on an SQLite file,
    run here on the event loop, where it costs less than the hop to a read thread and back
    (GET /articles/{id}: 1,200 µs of CPU a request with the hop, 700 without, in process,
    bench/layers.py's corpus); in a read thread on a database across a network."""
    state = request.app.state
    if state.engine.dialect.name != "sqlite":
        return await run_read(request, fn, *args)
    return _read(state.engine, state.settings.read_timeout_seconds, fn, *args)


def _read(engine: Engine, budget: float, fn: Callable[..., T], *args: Any) -> T:
    with reading(engine, budget) as db:
        return fn(db, *args)


# How long /health reports failing writes after the last one failed: long enough for a
# load balancer to notice, short enough that traffic (and so recovery) comes back by itself.
WRITE_FAILURE_WINDOW_SECONDS = 30.0


async def run_write(request: Request, fn: Callable[..., T], *args: Any, stop: threading.Event | None = None) -> T:
    """Run a database write off the event loop, remembering whether writes fail (disk full,
    read-only file) so that /health can say so.

    A cancelled request (past its time limit, or its client gone) is answered at once and
    its thread left to finish the article in hand: `stop` is set, so that a batch takes
    no further one. Extraction's own cap (the worker processes) counts that work until
    it ends."""
    state = request.app.state
    try:
        result = await anyio.to_thread.run_sync(partial(fn, *args), abandon_on_cancel=True)
    except anyio.get_cancelled_exc_class():
        if stop is not None:
            stop.set()
        raise
    except (OperationalError, InternalError) as exc:  # InternalError: PostgreSQL's read-only transaction
        if refuses_writes(exc):
            state.write_failure = (time.monotonic(), str(exc.orig).splitlines()[0])
        raise
    state.write_failure = None
    return result


def write_failure(state: State) -> str | None:
    failure = getattr(state, "write_failure", None)
    if failure is None or time.monotonic() - failure[0] > WRITE_FAILURE_WINDOW_SECONDS:
        return None
    return failure[1]

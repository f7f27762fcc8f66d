"""The application factory. Nothing is built at import time: create_app() does it all."""

from __future__ import annotations

import gc
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi

from app import __version__, openapi_docs
from app.config import Settings, get_settings
from app.db import make_engine, shared
from app.errors import install_error_handlers
from app.extraction import Extracts, WorkerPool
from app.front import HEALTH_KEY
from app.head import HeadAsGet
from app.jobs.queue import Queue
from app.jobs.worker import Embedded
from app.limits import BodyLimit, InFlightLimit, TimeLimit
from app.observability import RequestContext, configure_logging
from app.routes import articles, batch, docs, entities, health, jobs, quotes, reextractions
from app.schemas import ArticleCreate, Problem
from app.web import pages

log = logging.getLogger("newsdesk")
READ_THREADS = 8

DESCRIPTION = """
Newsdesk turns news articles into structured, queryable facts: who is in the news, and
who said what. Ingest an article (JSON, plain text or HTML); read back its canonical
entities and its quotations (direct, mixed, indirect), each attributed to its speaker.

Every `start`/`end` is a half-open range of Unicode code points into the article's `text`.
Lists are pages: `{"items": [...], "next_cursor": ...}`; pass `cursor` to go on.
Every error is `application/problem+json` (RFC 9457). Writes need an API key when the
server has keys configured (`Authorization: Bearer KEY` or `X-API-Key: KEY`).
"""


def create_app(settings: Settings | None = None, *, extractor: Extracts | None = None) -> FastAPI:
    """The service. `extractor` lets tests share one loaded spaCy pipeline across apps
    (app.extraction.InProcess); without it, extraction runs in killable worker processes."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        app.state.settings = settings
        app.state.engine = make_engine(settings.database_url)
        pool = None
        if extractor is None:
            pool = WorkerPool(
                settings.spacy_model,
                processes=settings.extract_processes,
                deadline=settings.extract_deadline_seconds,
                wait=settings.extract_wait_seconds,
                # The processes store what they extract: this process then does no SQL
                # per article, and its event loop shares the GIL with no write thread.
                database_url=settings.database_url if shared(settings.database_url) else None,
            )
            await anyio.to_thread.run_sync(pool.start)
        app.state.extractor = extractor or pool
        embedded = None
        try:
            app.state.queue = Queue(settings)
        except (OSError, sqlite3.Error) as exc:
            # The embedded queue's file cannot be made (a read-only folder, a full disk):
            # the service runs, and wait=false answers 503 until a restart finds room.
            log.error("the job queue is unavailable: %s", exc)
            app.state.queue = None
        if app.state.queue is not None and app.state.queue.embedded and settings.embedded_worker:
            # One job at a time beside the requests: they share the extraction processes.
            embedded = Embedded(app.state.engine, app.state.extractor, app.state.queue,
                                threads=max(1, settings.extract_processes - 1), lease=settings.job_lease_seconds)
            embedded.start()
        # Reads run in threads (app.deps.run_read): enough that a few slow searches leave
        # room for the rest, fewer than the pool's connections (15 on SQLite, 20 on
        # PostgreSQL) so that a read thread never waits for one.
        app.state.read_limiter = anyio.CapacityLimiter(READ_THREADS)
        # What the worker has built so far lives as long as it does: frozen out of the
        # collector's sight, a full collection walks only what came after. Otherwise each
        # one walked the whole heap with the event loop stopped (up to 240 ms a time beside
        # 32 readers, bench/RESULTS.md), and /health and every reader waited for it. No
        # gc.collect() first: it would cost each app in the tests 0.1 s, to free a few cycles.
        gc.freeze()
        try:
            # In uvicorn's app state, for the front door (app.front) to answer /health.
            yield {HEALTH_KEY: partial(health.answer, app.state.engine, app.state)}
        finally:
            gc.unfreeze()
            if embedded is not None:
                await anyio.to_thread.run_sync(embedded.stop)
            if pool is not None:
                pool.close()
            app.state.engine.dispose()

    app = FastAPI(
        title="Newsdesk",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # operationId = the handler's name: stable, and what the OpenAPI links refer to.
        generate_unique_id_function=lambda route: route.name,
        # Starlette answers /articles/ with a redirect to an absolute URL built from the
        # Host header, which the client controls: a path with a trailing slash is a 404.
        redirect_slashes=False,
        # Served by app.routes.docs, from local files rather than a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.state.route_methods = []
    # FastAPI tries the included routers in this order, each route with its own scope
    # bookkeeping: the reads go first (POST /articles/batch still finds its route, since a
    # method mismatch only makes /articles/{id} a partial match).
    for module in (articles, entities, quotes, health, batch, jobs, reextractions, docs, pages):
        app.include_router(module.router)
        app.state.route_methods += [(r.path_regex, r.methods) for r in module.router.routes]
    docs.mount_assets(app)
    # The last added runs first: the request context wraps everything, errors included,
    # but the overload limit, which sheds before it.
    app.add_middleware(HeadAsGet)
    app.add_middleware(TimeLimit, seconds=settings.request_timeout_seconds,
                       stream_seconds=settings.stream_timeout_seconds)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        max_batch_bytes=settings.max_body_bytes * 16,
    )
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
            expose_headers=["Location", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContext)
    # Outermost: a request shed under overload costs as little as it can (app.limits).
    app.add_middleware(InFlightLimit, max_in_flight=settings.max_in_flight, max_wait=settings.max_wait_ms / 1000)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Problem, ArticleCreate):
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(model_schema.pop("$defs", {}))
            components[model.__name__] = model_schema
        app.openapi_schema = openapi_docs.finish(schema)
    return app.openapi_schema

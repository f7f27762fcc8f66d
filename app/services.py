"""The one module that writes to the database: ingesting and deleting articles.

An article is written in one transaction with its authors, entities, mentions and quotes,
so a failure at any point leaves nothing behind."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Integer, and_, bindparam, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement, Executable

from app.db import writer
from app.errors import AppError, Overloaded, problem_body
from app.extraction import Extracts
from app.intake import NewArticle, from_payload, to_payload
from app.models import article_entity_table as article_entity_t
from app.models import article_table as article_t
from app.models import author_table as author_t
from app.models import entity_table as entity_t
from app.models import job_item_table as job_item_t
from app.models import job_table as job_t
from app.models import mention_table as mention_t
from app.models import quote_table as quote_t
from app.nlp.places import country_name, state_name
from app.nlp.types import ExtractedEntity, Extraction
from app.observability import ARTICLES_INGESTED
from app.queries import documents

MAX_ALIASES = 50
log = logging.getLogger("newsdesk")


@dataclass(frozen=True, slots=True)
class IngestResult:
    id: int
    created: bool


def find_existing(conn: Connection, article: NewArticle) -> int | None:
    """The id of an article already stored under the same url or the same text."""
    if article.url is not None:
        found = conn.execute(select(article_t.c.id).where(article_t.c.url == article.url)).scalar()
        if found is not None:
            return found
    return conn.execute(
        select(article_t.c.id).where(article_t.c.text_hash == article.text_hash)
    ).scalar()


def ingest(engine: Engine, extractor: Extracts, article: NewArticle) -> IngestResult:
    """Extract and store one article; one already stored is returned without extracting."""
    (result,) = ingest_many(engine, extractor, [article])
    if isinstance(result, AppError):
        raise result
    return result


def ingest_many(
    engine: Engine, extractor: Extracts, articles: Iterable[NewArticle], stop: threading.Event | None = None
) -> list[IngestResult | AppError]:
    """Extract and store articles, one transaction each. An article the extractor fails
    on fails alone. Once `stop` is set (the request is gone) no further article is
    extracted: those stored so far stay stored, and sending the batch again finds them."""
    articles = list(articles)
    results: dict[int, IngestResult | AppError] = {}
    pending: list[int] = []
    with engine.connect() as conn:
        for i, article in enumerate(articles):
            existing = find_existing(conn, article)
            if existing is None:
                pending.append(i)
            else:
                results[i] = IngestResult(existing, created=False)
    ARTICLES_INGESTED.labels("duplicate").inc(len(articles) - len(pending))
    extractions = extractor.extract_each([(articles[i].text, articles[i].language) for i in pending], stop)
    for i, extraction in zip(pending, extractions, strict=False):
        if isinstance(extraction, AppError):
            results[i] = extraction
            ARTICLES_INGESTED.labels("failed").inc()
            continue
        stored = ingest_article(engine, articles[i], extraction)
        results[i] = stored
        ARTICLES_INGESTED.labels("created" if stored.created else "duplicate").inc()
    for i in pending:
        results.setdefault(i, Overloaded("Not stored: the request was cancelled before this article."))
    return [results[i] for i in range(len(articles))]


def ingest_article(engine: Engine, article: NewArticle, extraction: Extraction) -> IngestResult:
    try:
        with writer(engine).begin() as conn:
            existing = find_existing(conn, article)
            if existing is not None:
                return IngestResult(existing, created=False)
            return IngestResult(_insert(conn, article, extraction), created=True)
    except IntegrityError:
        # Another writer stored the same url or text between our check and our insert
        # (possible on PostgreSQL, where the check does not lock): theirs stands.
        with engine.connect() as conn:
            existing = find_existing(conn, article)
        if existing is None:
            raise
        return IngestResult(existing, created=False)


def _insert(conn: Connection, article: NewArticle, extraction: Extraction) -> int:
    now = datetime.now(UTC)
    article_id = conn.execute(
        insert(article_t).returning(article_t.c.id),
        {
            "url": article.url,
            "text_hash": article.text_hash,
            "title": article.title,
            "source": article.source,
            "authors": article.authors,
            "language": extraction.language,
            "published_at": article.published_at,
            "ingested_at": now,
            "sort_at": article.published_at or now,
            "text": article.text,
            "word_count": len(article.text.split()),
            "entity_count": len(extraction.entities),
            "quote_count": len(extraction.quotes),
            "extractor_version": extraction.version or None,
        },
    ).scalar_one()
    if article.authors:
        conn.execute(insert(author_t), [{"article_id": article_id, "name": a} for a in article.authors])
    _attach(conn, article_id, extraction)
    documents.render(conn, article_id)
    return article_id


def _attach(conn: Connection, article_id: int, extraction: Extraction) -> None:
    """An article's entities (corpus-wide rows made or counted up), mentions and quotes."""
    quotes_by_entity = Counter(
        q.speaker.entity for q in extraction.quotes if q.speaker and q.speaker.entity is not None
    )
    # Entity rows are locked in one order, (type, key), by every writer: two articles that
    # share entities would otherwise deadlock on PostgreSQL, each holding a row the other wants.
    entity_ids = [0] * len(extraction.entities)
    corpus = _corpus_identities(conn, extraction.entities)
    for i in sorted(range(len(extraction.entities)), key=lambda i: (extraction.entities[i].type, corpus[i][1])):
        entity_ids[i] = _upsert_entity(conn, extraction.entities[i], quotes_by_entity.get(i, 0), *corpus[i])
    if extraction.entities:
        conn.execute(
            insert(article_entity_t),
            [
                {
                    "article_id": article_id,
                    "entity_id": entity_ids[i],
                    "position": i,
                    "name": e.name,
                    "mention_count": len(e.mentions),
                    "salience": e.salience,
                }
                for i, e in enumerate(extraction.entities)
            ],
        )
        mentions = [
            {"article_id": article_id, "entity_id": entity_ids[i], "start": m.start, "end": m.end, "text": m.text}
            for i, e in enumerate(extraction.entities)
            for m in e.mentions
        ]
        if mentions:
            conn.execute(insert(mention_t), mentions)
    if extraction.quotes:
        conn.execute(
            insert(quote_t),
            [
                {
                    "article_id": article_id,
                    "start": q.start,
                    "end": q.end,
                    "text": q.text,
                    "kind": q.kind,
                    "speaker_name": q.speaker.name if q.speaker else None,
                    "speaker_entity_id": (
                        entity_ids[q.speaker.entity]
                        if q.speaker and q.speaker.entity is not None
                        else None
                    ),
                    "speaker_text": q.speaker.mention.text if q.speaker else None,
                    "speaker_start": q.speaker.mention.start if q.speaker else None,
                    "speaker_end": q.speaker.mention.end if q.speaker else None,
                    "cue_text": q.cue.text if q.cue else None,
                    "cue_start": q.cue.start if q.cue else None,
                    "cue_end": q.cue.end if q.cue else None,
                    "parts": [[p.start, p.end] for p in q.parts] if len(q.parts) > 1 else None,
                    "cue_type": q.cue_type,
                }
                for q in extraction.quotes
            ],
        )


def entity_key(name: str) -> str:
    return " ".join(name.casefold().split())


def surname_of(key: str) -> str | None:
    return key.rsplit(" ", 1)[1] if " " in key else None


def _corpus_identities(conn: Connection, entities: Iterable[ExtractedEntity]) -> list[tuple[str, str]]:
    """Each entity's corpus (name, key); two entities of one article never share a row."""
    out: list[tuple[str, str]] = []
    taken: set[tuple[str, str]] = set()
    for entity in entities:
        name, key = corpus_identity(conn, entity)
        if (entity.type, key) in taken:
            name, key = entity.name, entity_key(entity.name)
        taken.add((entity.type, key))
        out.append((name, key))
    return out


def corpus_identity(conn: Connection, entity: ExtractedEntity) -> tuple[str, str]:
    """The corpus-wide (name, key) an article's entity is filed under.

    A place the article writes short ("U.S.", "N.Y.") is the one its standard name holds.
    A person the article names by surname alone ("Obama") is the one person of that
    surname the corpus knows ("Barack Obama"); with two or more ("Bill Clinton", "Hillary
    Clinton") or none, the surname stays an entity of its own."""
    name = entity.name
    if entity.type == "GPE" and (standard := country_name(name) or state_name(name)):
        return standard, entity_key(standard)
    key = entity_key(name)
    if entity.type == "PERSON" and " " not in key:
        rows = conn.execute(
            select(entity_t.c.name, entity_t.c.key)
            .where(entity_t.c.type == "PERSON", entity_t.c.surname == key)
            .limit(2)
        ).all()
        if len(rows) == 1:
            return rows[0].name, rows[0].key
    return name, key


@cache
def _entity_statements(dialect: str) -> tuple[Executable, Executable]:
    """The entity upsert and alias update, built once: building a statement per entity cost
    more than running it (about 1 ms of Python each, ~25 entities an article)."""
    dialect_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    mentions, quotes = bindparam("mention_count", type_=Integer), bindparam("quote_count", type_=Integer)
    # One statement makes or updates the row and locks it until commit, so the aliases it
    # returns cannot change under us before we add ours (PostgreSQL has concurrent writers).
    upsert = (
        dialect_insert(entity_t)
        .values(name=bindparam("name"), type=bindparam("type"), key=bindparam("key"),
                surname=bindparam("surname"), aliases=bindparam("aliases"), article_count=1,
                mention_count=mentions, quote_count=quotes)
        .on_conflict_do_update(
            index_elements=["type", "key"],
            set_={
                "article_count": entity_t.c.article_count + 1,
                "mention_count": entity_t.c.mention_count + mentions,
                "quote_count": entity_t.c.quote_count + quotes,
            },
        )
        .returning(entity_t.c.id, entity_t.c.aliases)
    )
    new_aliases = update(entity_t).where(entity_t.c.id == bindparam("entity_id")).values(aliases=bindparam("aliases"))
    return upsert, new_aliases


def _upsert_entity(conn: Connection, entity: ExtractedEntity, quote_count: int, name: str, key: str) -> int:
    """The corpus-wide entity `name` (`key`) for this article's entity, made if new, its
    counts updated."""
    upsert, new_aliases = _entity_statements(conn.dialect.name)
    forms = _merge_aliases([], [entity.name, *(m.text for m in entity.mentions)])
    row = conn.execute(upsert, {
        "name": name, "type": entity.type, "key": key, "aliases": forms,
        "surname": surname_of(key) if entity.type == "PERSON" else None,
        "mention_count": len(entity.mentions), "quote_count": quote_count,
    }).one()
    aliases = _merge_aliases(list(row.aliases), forms)
    if aliases != row.aliases:
        conn.execute(new_aliases, {"entity_id": row.id, "aliases": aliases})
    return row.id


def _merge_aliases(aliases: list[str], forms: Iterable[str]) -> list[str]:
    for form in forms:
        if form not in aliases and len(aliases) < MAX_ALIASES:
            aliases.append(form)
    return aliases


def delete_article(engine: Engine, article_id: int) -> bool:
    with writer(engine).begin() as conn:
        if conn.execute(select(article_t.c.id).where(article_t.c.id == article_id)).first() is None:
            return False
        touched = _detach(conn, article_id)
        conn.execute(delete(article_t).where(article_t.c.id == article_id))
        _drop_orphans(conn, touched)
        return True


def reextract_article(engine: Engine, article_id: int, extraction: Extraction) -> bool:
    """Replace an article's entities, mentions and quotes with `extraction`'s, in one
    transaction: readers see the old extraction or the new, and corpus-wide counts move
    with it. An entity the article still names keeps its id. False if it is gone."""
    with writer(engine).begin() as conn:
        if conn.execute(select(article_t.c.id).where(article_t.c.id == article_id)).first() is None:
            return False
        touched = _detach(conn, article_id)
        _attach(conn, article_id, extraction)
        conn.execute(
            update(article_t).where(article_t.c.id == article_id).values(
                language=extraction.language,
                entity_count=len(extraction.entities),
                quote_count=len(extraction.quotes),
                extractor_version=extraction.version or None,
            )
        )
        documents.render(conn, article_id)
        _drop_orphans(conn, touched)  # after _attach, which may have counted them up again
        return True


def render_documents(engine: Engine, article_ids: Iterable[int]) -> None:
    """Render these articles' stored documents again (another release's shape)."""
    with writer(engine).begin() as conn:
        for article_id in article_ids:
            documents.render(conn, article_id)


def _detach(conn: Connection, article_id: int) -> list[int]:
    """Remove an article's quotes, mentions and entity links, its entities' counts taken
    down; the entities it named."""
    spoken = Counter(
        conn.execute(
            select(quote_t.c.speaker_entity_id).where(
                quote_t.c.article_id == article_id, quote_t.c.speaker_entity_id.is_not(None)
            )
        ).scalars()
    )
    # In the order writers lock entities (see _insert).
    links = conn.execute(
        select(article_entity_t.c.entity_id, article_entity_t.c.mention_count)
        .join(entity_t, entity_t.c.id == article_entity_t.c.entity_id)
        .where(article_entity_t.c.article_id == article_id)
        .order_by(entity_t.c.type, entity_t.c.key)
    ).all()
    for table in (quote_t, mention_t, article_entity_t):
        conn.execute(delete(table).where(table.c.article_id == article_id))
    for entity_id, mention_count in links:
        conn.execute(
            update(entity_t)
            .where(entity_t.c.id == entity_id)
            .values(
                article_count=entity_t.c.article_count - 1,
                mention_count=entity_t.c.mention_count - mention_count,
                quote_count=entity_t.c.quote_count - spoken.get(entity_id, 0),
            )
        )
    return [e for e, _ in links]


def _drop_orphans(conn: Connection, entity_ids: list[int]) -> None:
    """An entity no article mentions any more is gone from the corpus too."""
    if entity_ids:
        conn.execute(delete(entity_t).where(entity_t.c.id.in_(entity_ids), entity_t.c.article_count <= 0))


# Jobs (app/jobs): articles sent with wait=false wait in job_item rows until a worker
# claims one (a lease: claimed_at and worker), stores it and records the outcome.
QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
UNFINISHED = (QUEUED, RUNNING)


class QueueFull(Overloaded):
    slug = "queue-full"


def _error_json(error: AppError) -> dict[str, object]:
    return problem_body(error.status, error.detail, slug=error.slug, errors=error.errors)


def create_job(engine: Engine, items: Sequence[NewArticle | AppError], max_queued: int,
               retry_after: int) -> int:
    """A job of these articles (an AppError: an item refused already), stored in one
    transaction: once this returns, the work is in the database whatever the broker does."""
    now = datetime.now(UTC)
    waiting = sum(isinstance(item, NewArticle) for item in items)
    # Eager: a client waits on this while workers take the write lock one article after another.
    with writer(engine, eager=True).begin() as conn:
        queued = conn.execute(
            select(func.count()).select_from(job_item_t).where(job_item_t.c.status == QUEUED)
        ).scalar_one()
        if queued + waiting > max_queued:
            raise QueueFull(
                f"{queued} articles are waiting in jobs, and this server takes at most {max_queued}; "
                "try again later.",
                headers={"Retry-After": str(retry_after)},
            )
        job_id: int = conn.execute(
            insert(job_t).returning(job_t.c.id),
            {"status": QUEUED if waiting else FAILED, "total": len(items), "created_at": now,
             "heartbeat_at": now, "finished_at": None if waiting else now},
        ).scalar_one()
        conn.execute(insert(job_item_t), [
            {"job_id": job_id, "position": i, "status": QUEUED, "article": to_payload(item), "http_status": None,
             "error": None}
            if isinstance(item, NewArticle) else
            {"job_id": job_id, "position": i, "status": FAILED, "article": None, "http_status": item.status,
             "error": _error_json(item)}
            for i, item in enumerate(items)
        ])
    return job_id


def claim_job_item(engine: Engine, job_id: int, worker: str,
                   lease: float) -> tuple[int, NewArticle | list[int]] | None:
    """The next item of a job for `worker`: one waiting, or one whose claim is older than
    `lease` seconds (its worker died). An item is an article to store, or a re-extraction's
    chunk (its articles' ids). None when there is none, or the job is over."""
    now = datetime.now(UTC)
    claimable = and_(
        job_item_t.c.job_id == job_id,
        or_(job_item_t.c.status == QUEUED,
            and_(job_item_t.c.status == RUNNING, job_item_t.c.claimed_at < now - timedelta(seconds=lease))),
    )
    with writer(engine).begin() as conn:
        status = conn.execute(select(job_t.c.status).where(job_t.c.id == job_id)).scalar()
        if status not in UNFINISHED:
            return None
        found = select(job_item_t.c.position, job_item_t.c.article, job_item_t.c.article_ids).where(claimable)
        if conn.dialect.name == "postgresql":
            # Workers on one job take different items instead of queueing on the same row.
            # (SQLite has one writer at a time: BEGIN IMMEDIATE already serialises claims.)
            found = found.with_for_update(skip_locked=True)
        row = conn.execute(found.order_by(job_item_t.c.position).limit(1)).first()
        if row is None:
            return None
        conn.execute(
            update(job_item_t)
            .where(job_item_t.c.job_id == job_id, job_item_t.c.position == row.position)
            .values(status=RUNNING, claimed_at=now, worker=worker)
        )
        # Items before the job: cancel_job takes its locks in the same order.
        conn.execute(
            update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
            .values(status=RUNNING, heartbeat_at=now)
        )
        return row.position, from_payload(row.article) if row.article_ids is None else list(row.article_ids)


def _finish_item(conn: Connection, job_id: int, position: int, **values: object) -> None:
    # Only a claimed item: when a lease ran out and two workers both got to the end, the
    # first outcome stands (the second found the first one's article: a duplicate).
    conn.execute(
        update(job_item_t)
        .where(job_item_t.c.job_id == job_id, job_item_t.c.position == position, job_item_t.c.status == RUNNING)
        .values(article=None, **values)
    )


def store_job_item(engine: Engine, job_id: int, position: int, article: NewArticle,
                   extraction: Extraction | None) -> None:
    """Store a job's article and record it done, in one transaction: an item is done if
    and only if its article is stored. Without an extraction, only an article already
    stored (found before extracting) is recorded."""
    for attempt in range(2):
        try:
            with writer(engine).begin() as conn:
                existing = find_existing(conn, article)
                if existing is None and extraction is None:
                    raise ValueError("the article is not stored and there is no extraction to store")
                article_id = existing if existing is not None else _insert(conn, article, extraction)  # type: ignore[arg-type]
                _finish_item(conn, job_id, position, status=DONE, http_status=200 if existing else 201,
                             article_id=article_id)
            ARTICLES_INGESTED.labels("duplicate" if existing else "created").inc()
            return
        except IntegrityError:
            # Another writer stored the same url or text between our check and our insert
            # (PostgreSQL): the next attempt finds theirs.
            if attempt:
                raise


def fail_job_item(engine: Engine, job_id: int, position: int, error: AppError) -> None:
    with writer(engine).begin() as conn:
        _finish_item(conn, job_id, position, status=FAILED, http_status=error.status, error=_error_json(error))
    ARTICLES_INGESTED.labels("failed").inc()


def complete_job(engine: Engine, job_id: int) -> None:
    """Mark a job finished once none of its items waits or runs: done, or failed when
    every item failed."""
    with writer(engine).begin() as conn:
        counts: dict[str, int] = {status: n for status, n in conn.execute(
            select(job_item_t.c.status, func.count()).where(job_item_t.c.job_id == job_id)
            .group_by(job_item_t.c.status)
        )}
        if counts.get(QUEUED) or counts.get(RUNNING):
            return
        conn.execute(
            update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
            .values(status=DONE if counts.get(DONE) else FAILED, finished_at=datetime.now(UTC))
        )


def cancel_job(engine: Engine, job_id: int) -> str | None:
    """Cancel a job's waiting items (those a worker holds finish); the job's status
    after, or None when there is no such job."""
    with writer(engine).begin() as conn:
        status = conn.execute(select(job_t.c.status).where(job_t.c.id == job_id)).scalar()
        if status not in UNFINISHED:
            return status
        conn.execute(
            update(job_item_t).where(job_item_t.c.job_id == job_id, job_item_t.c.status == QUEUED)
            .values(status=CANCELLED, article=None)
        )
        conn.execute(
            update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
            .values(status=CANCELLED, finished_at=datetime.now(UTC))
        )
        return CANCELLED


def stalled_jobs(engine: Engine, lease: float) -> list[int]:
    """Unfinished jobs no worker has shown itself on for `lease` seconds (its worker died,
    or the broker lost the message): their heartbeats are set to now, so that one sweep
    sends each to the queue again, and their ids returned for that."""
    now = datetime.now(UTC)
    found = select(job_t.c.id).where(
        job_t.c.status.in_(UNFINISHED), job_t.c.heartbeat_at < now - timedelta(seconds=lease)
    )
    with engine.connect() as conn:
        # A look first, without SQLite's write lock: nearly every sweep finds nothing.
        if conn.execute(found.limit(1)).first() is None:
            return []
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            found = found.with_for_update(skip_locked=True)
        ids = list(conn.execute(found.order_by(job_t.c.id).limit(1000)).scalars())
        if ids:
            conn.execute(update(job_t).where(job_t.c.id.in_(ids)).values(heartbeat_at=now))
    return ids


# Re-extraction (app/reextraction.py) as a job: its items are chunks of the articles
# another extractor version made, claimed like an ingestion job's articles.
REEXTRACT = "reextract"


def out_of_date(version: str, column: Any = article_t.c.extractor_version) -> ColumnElement[bool]:
    """Articles another extractor version made (or stored before versions were recorded);
    by `column`, those whose document another release rendered."""
    return or_(column.is_(None), column != version)


def create_reextraction(engine: Engine, version: str, chunk: int) -> tuple[int, bool]:
    """The unfinished re-extraction job, or a new one of the articles out of date for
    `version`, `chunk` at a time in id order: (its id, whether it is new). With none out
    of date, the new job is done at once."""
    unfinished = select(job_t.c.id).where(job_t.c.kind == REEXTRACT, job_t.c.status.in_(UNFINISHED))
    with engine.connect() as conn:
        # Read before the write lock: on SQLite it would hold up every writer meanwhile.
        if (running := conn.execute(unfinished).scalar()) is not None:
            return running, False
        ids = list(conn.execute(select(article_t.c.id).where(out_of_date(version)).order_by(article_t.c.id)).scalars())
    now = datetime.now(UTC)
    try:
        with writer(engine).begin() as conn:
            if (running := conn.execute(unfinished).scalar()) is not None:
                return running, False
            job_id: int = conn.execute(insert(job_t).returning(job_t.c.id), {
                "kind": REEXTRACT, "status": QUEUED if ids else DONE, "total": len(ids), "created_at": now,
                "heartbeat_at": now, "finished_at": None if ids else now,
            }).scalar_one()
            if ids:
                # An item's position is its first article's place in the job: an article's
                # index in GET /jobs/{id} is its chunk's position plus its place in the chunk.
                conn.execute(insert(job_item_t), [
                    {"job_id": job_id, "position": start, "status": QUEUED, "article_ids": ids[start:start + chunk],
                     "size": len(ids[start:start + chunk])}
                    for start in range(0, len(ids), chunk)
                ])
    except IntegrityError:
        # Another API instance made one between our look and our insert (PostgreSQL; the
        # partial unique index of migration 0011): theirs runs.
        with engine.connect() as conn:
            running = conn.execute(unfinished).scalar()
        if running is None:
            raise
        return running, False
    return job_id, True


def renew_claim(engine: Engine, job_id: int, position: int, worker: str) -> bool:
    """Keep `worker`'s claim on a chunk for another lease (and the job off the sweep's
    list); False when the claim is not its own any more (the lease ran out meanwhile)."""
    now = datetime.now(UTC)
    with writer(engine).begin() as conn:
        held = conn.execute(
            update(job_item_t).where(job_item_t.c.job_id == job_id, job_item_t.c.position == position,
                                     job_item_t.c.status == RUNNING, job_item_t.c.worker == worker)
            .values(claimed_at=now)
        ).rowcount
        conn.execute(update(job_t).where(job_t.c.id == job_id, job_t.c.status.in_(UNFINISHED))
                     .values(heartbeat_at=now))
    return bool(held)


def release_job_item(engine: Engine, job_id: int, position: int, worker: str) -> None:
    """Give a chunk back unfinished (the worker is stopping): the next worker claims it at
    once, and skips what was done (those articles are at its version already)."""
    with writer(engine).begin() as conn:
        conn.execute(
            update(job_item_t).where(job_item_t.c.job_id == job_id, job_item_t.c.position == position,
                                     job_item_t.c.status == RUNNING, job_item_t.c.worker == worker)
            .values(status=QUEUED, claimed_at=None, worker=None)
        )


def finish_chunk(engine: Engine, job_id: int, position: int,
                 failures: Sequence[tuple[int, int, AppError]]) -> None:
    """Record a re-extraction chunk done, with its failures (index, article id, error):
    failed if every article of it failed. Articles re-extracted were stored each in its
    own transaction already; a failed one keeps its old extraction."""
    with writer(engine).begin() as conn:
        _finish_item(
            conn, job_id, position,
            status=case((job_item_t.c.size == len(failures), FAILED), else_=DONE) if failures else DONE,
            failed=len(failures),
            error=[{"index": i, "id": a, "error": _error_json(e)} for i, a, e in failures] or None,
        )

"""The one module that writes articles to the database: ingesting, re-extracting and
deleting them (the job queue's own rows are written by app/jobs/store.py).

An article is written in one transaction with its authors, entities, mentions and quotes,
so a failure at any point leaves nothing behind."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Integer, Select, bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable

from app.db import writer
from app.errors import AppError, Overloaded
from app.extraction import Extracts, WorkerPool
from app.intake import NewArticle
from app.models import article_entity_table as article_entity_t
from app.models import article_table as article_t
from app.models import author_table as author_t
from app.models import entity_table as entity_t
from app.models import mention_table as mention_t
from app.models import quote_table as quote_t
from app.nlp.places import country_name, state_name
from app.nlp.types import ExtractedEntity, Extraction
from app.observability import ARTICLES_INGESTED
from app.prepared import Reader
from app.queries import documents

MAX_ALIASES = 50
log = logging.getLogger("newsdesk")


@dataclass(frozen=True, slots=True)
class IngestResult:
    id: int
    created: bool
    # Its document as stored (app.queries.documents), when the process that stored it read it.
    document: bytes | None = None


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
    if isinstance(extractor, WorkerPool) and extractor.database_url is not None:
        return _ingest_in_workers(extractor, articles, stop)
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
        results.setdefault(i, _cancelled())
    return [results[i] for i in range(len(articles))]


def _ingest_in_workers(pool: WorkerPool, articles: list[NewArticle], stop: threading.Event | None
                       ) -> list[IngestResult | AppError]:
    """ingest_many where the extraction processes store what they extract (ingest_checked)."""
    results: list[IngestResult | AppError] = []
    for article in articles:
        if stop is not None and stop.is_set():
            results.append(_cancelled())
            continue
        answer = pool.ingest(article)
        if isinstance(answer, AppError):
            results.append(answer)
            ARTICLES_INGESTED.labels("failed").inc()
            continue
        results.append(answer)
        ARTICLES_INGESTED.labels("created" if answer.created else "duplicate").inc()
    return results


def _cancelled() -> Overloaded:
    return Overloaded("Not stored: the request was cancelled before this article.")


def ingest_checked(engine: Engine, article: NewArticle, extract: Callable[[NewArticle], Extraction],
                   extracted: Callable[[], None]) -> IngestResult:
    """One article stored unless it is stored already, extracted only if it is not, with
    its document; told `extracted` when only the write is left (app.extraction's processes,
    which store what they extract and answer with the document)."""
    with engine.connect() as conn:
        existing = find_existing(conn, article)
    if existing is None:
        extraction = extract(article)
        extracted()
        stored = ingest_article(engine, article, extraction)
    else:
        stored = IngestResult(existing, created=False)
    with engine.connect() as conn:
        document = documents.current_document(Reader(conn.connection, conn.dialect), stored.id)
    return IngestResult(stored.id, stored.created, document)


def ingest_article(engine: Engine, article: NewArticle, extraction: Extraction) -> IngestResult:
    try:
        with writer(engine).begin() as conn:
            existing = find_existing(conn, article)
            if existing is not None:
                return IngestResult(existing, created=False)
            return IngestResult(insert_article(conn, article, extraction), created=True)
    except IntegrityError:
        # Another writer stored the same url or text between our check and our insert
        # (possible on PostgreSQL, where the check does not lock): theirs stands.
        with engine.connect() as conn:
            existing = find_existing(conn, article)
        if existing is None:
            raise
        return IngestResult(existing, created=False)


def insert_article(conn: Connection, article: NewArticle, extraction: Extraction) -> int:
    """Store a new article with its extraction and rendered document, in the caller's
    transaction (ingest_article, or a job's item with its outcome: app/jobs/store.py)."""
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
    # In the order writers lock entities (see _attach).
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


def out_of_date(version: str, after: int = 0, limit: int = 256,
                column: Any = article_t.c.extractor_version) -> Select[int]:
    """The ids of articles another extractor version made (or stored before versions were
    recorded), after `after`, at most `limit`, in id order; by `column`, those whose
    document another release rendered. Read from ix_article_versions alone."""
    return (select(article_t.c.id).where(article_t.c.id > after, or_(column.is_(None), column != version))
            .order_by(article_t.c.id).limit(limit))

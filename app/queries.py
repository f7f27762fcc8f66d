"""Read queries: one lean Core query per shape, rows turned straight into API dicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Double,
    Select,
    String,
    and_,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.sql.elements import ColumnElement

from app.models import Article, ArticleAuthor, ArticleEntity, Entity, Mention, Quote
from app.pagination import decode_cursor, encode_cursor
from app.search import fts5_match, parse_query, pg_tsquery

article_t = Article.__table__
author_t = ArticleAuthor.__table__
entity_t = Entity.__table__
article_entity_t = ArticleEntity.__table__
mention_t = Mention.__table__
quote_t = Quote.__table__

SUMMARY_COLUMNS = (
    article_t.c.id,
    article_t.c.url,
    article_t.c.title,
    article_t.c.authors,
    article_t.c.source,
    article_t.c.published_at,
    article_t.c.ingested_at,
    article_t.c.word_count,
    article_t.c.entity_count,
    article_t.c.quote_count,
)
QUOTE_COLUMNS = tuple(quote_t.c)
ENTITY_COLUMNS = (
    entity_t.c.id,
    entity_t.c.name,
    entity_t.c.type,
    entity_t.c.aliases,
    entity_t.c.article_count,
    entity_t.c.mention_count,
    entity_t.c.quote_count,
)


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    q: str | None = None
    source: str | None = None
    author: str | None = None
    entity_id: int | None = None
    speaker_id: int | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None


def utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def page(items: list[dict[str, Any]], limit: int, cursor_of: Any) -> dict[str, Any]:
    """Turn limit+1 rows into a page: the extra row only says that there is a next page."""
    if len(items) > limit:
        items = items[:limit]
        return {"items": items, "next_cursor": cursor_of(items[-1])}
    return {"items": items, "next_cursor": None}


# Articles -------------------------------------------------------------------------------


def summary(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "title": row.title,
        "authors": list(row.authors),
        "source": row.source,
        "published_at": utc(row.published_at),
        "ingested_at": utc(row.ingested_at),
        "word_count": row.word_count,
        "entity_count": row.entity_count,
        "quote_count": row.quote_count,
    }


def _newest_first(stmt: Select[Any], cursor: str | None, kind: str) -> Select[Any]:
    if cursor is not None:
        sort_at, last_id = decode_cursor(cursor, kind, (datetime, int))
        sort_at = sort_at.astimezone(UTC)
        stmt = stmt.where(tuple_(article_t.c.sort_at, article_t.c.id) < tuple_(sort_at, last_id))
    return stmt.order_by(article_t.c.sort_at.desc(), article_t.c.id.desc())


def _article_page(conn: Connection, stmt: Select[Any], cursor: str | None, limit: int, kind: str) -> dict[str, Any]:
    stmt = _newest_first(stmt.add_columns(article_t.c.sort_at), cursor, kind).limit(limit + 1)
    rows = conn.execute(stmt).all()
    sort_keys = {row.id: utc(row.sort_at) for row in rows}
    return page(
        [summary(r) for r in rows],
        limit,
        lambda item: encode_cursor(kind, (sort_keys[item["id"]], item["id"])),
    )


# PostgreSQL only uses the GIN index when the query repeats the index's expression exactly
# (see the full_text_search migration).
PG_VECTORS = {
    "article": "to_tsvector('english', coalesce(article.title, '') || ' ' || article.text)",
    "quote": "to_tsvector('english', quote.text)",
}
# bm25 weights per FTS5 column: a word in the title counts more than one in the body.
FTS5_WEIGHTS = {"article": (4.0, 1.0), "quote": (1.0,)}


def _matching(conn: Connection, stmt: Select[Any], searched: Any, q: str) -> tuple[Select[Any], ColumnElement[float]]:
    """Restrict to rows matching q; return the statement and its relevance score (lower is better)."""
    terms = parse_query(q)
    name = searched.name
    if conn.dialect.name == "postgresql":
        vector = literal_column(PG_VECTORS[name])
        query = pg_tsquery(terms)
        return stmt.where(vector.op("@@")(query)), -cast(func.ts_rank(vector, query), Double)
    fts = table(f"{name}_fts", column("rowid"))
    fts_ref = literal_column(f"{name}_fts")
    stmt = stmt.join(fts, fts.c.rowid == searched.c.id).where(fts_ref.op("MATCH")(fts5_match(terms)))
    return stmt, func.bm25(fts_ref, *FTS5_WEIGHTS[name])


def _ranked_page(
    conn: Connection,
    stmt: Select[Any],
    score: ColumnElement[float],
    id_column: Any,
    cursor: str | None,
    limit: int,
    kind: str,
    shape: Any,
) -> dict[str, Any]:
    """Best match first, keyset on (score, id)."""
    scored = score.label("score")
    if cursor is not None:
        last_score, last_id = decode_cursor(cursor, kind, (float, int))
        stmt = stmt.where(tuple_(score, id_column) > tuple_(last_score, last_id))
    rows = conn.execute(stmt.add_columns(scored).order_by(scored, id_column).limit(limit + 1)).all()
    scores = {row.id: float(row.score) for row in rows}
    return page([shape(r) for r in rows], limit, lambda item: encode_cursor(kind, (scores[item["id"]], item["id"])))


def list_articles(conn: Connection, filters: ArticleFilters, cursor: str | None, limit: int) -> dict[str, Any]:
    stmt = select(*SUMMARY_COLUMNS)
    f = filters
    if f.source is not None:
        stmt = stmt.where(article_t.c.source == f.source)
    if f.author is not None:
        stmt = stmt.where(article_t.c.id.in_(select(author_t.c.article_id).where(author_t.c.name == f.author)))
    if f.entity_id is not None:
        stmt = stmt.where(article_t.c.id.in_(
            select(article_entity_t.c.article_id).where(article_entity_t.c.entity_id == f.entity_id)))
    if f.speaker_id is not None:
        stmt = stmt.where(article_t.c.id.in_(
            select(quote_t.c.article_id).where(quote_t.c.speaker_entity_id == f.speaker_id)))
    if f.published_after is not None:
        stmt = stmt.where(article_t.c.published_at >= f.published_after)
    if f.published_before is not None:
        stmt = stmt.where(article_t.c.published_at < f.published_before)
    if f.q and f.q.strip():
        stmt, score = _matching(conn, stmt, article_t, f.q)
        return _ranked_page(conn, stmt, score, article_t.c.id, cursor, limit, "articles-search", summary)
    return _article_page(conn, stmt, cursor, limit, "articles")


def article_exists(conn: Connection, article_id: int) -> bool:
    return conn.execute(select(article_t.c.id).where(article_t.c.id == article_id)).first() is not None


def article_detail(conn: Connection, article_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        select(*SUMMARY_COLUMNS, article_t.c.text, article_t.c.language).where(article_t.c.id == article_id)
    ).first()
    if row is None:
        return None
    return {
        **summary(row),
        "text": row.text,
        "language": row.language,
        "entities": article_entities(conn, article_id),
        "quotes": article_quotes(conn, article_id),
    }


def article_entities(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    links = conn.execute(
        select(
            article_entity_t.c.entity_id,
            article_entity_t.c.name,
            entity_t.c.type,
            article_entity_t.c.mention_count,
            article_entity_t.c.salience,
        )
        .join(entity_t, entity_t.c.id == article_entity_t.c.entity_id)
        .where(article_entity_t.c.article_id == article_id)
        .order_by(article_entity_t.c.position)
    ).all()
    mentions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in conn.execute(
        select(mention_t.c.entity_id, mention_t.c.text, mention_t.c.start, mention_t.c.end)
        .where(mention_t.c.article_id == article_id)
        .order_by(mention_t.c.start)
    ):
        mentions[m.entity_id].append({"text": m.text, "start": m.start, "end": m.end})
    return [
        {
            "id": link.entity_id,
            "name": link.name,
            "type": link.type,
            "mention_count": link.mention_count,
            "salience": link.salience,
            "mentions": mentions[link.entity_id],
        }
        for link in links
    ]


# Quotes ---------------------------------------------------------------------------------


def quote(row: Any) -> dict[str, Any]:
    speaker = None
    if row.speaker_text is not None:
        speaker = {
            "name": row.speaker_name,
            "entity_id": row.speaker_entity_id,
            "mention": {"text": row.speaker_text, "start": row.speaker_start, "end": row.speaker_end},
        }
    cue = None
    if row.cue_text is not None:
        cue = {"text": row.cue_text, "start": row.cue_start, "end": row.cue_end}
    return {
        "id": row.id,
        "article_id": row.article_id,
        "text": row.text,
        "start": row.start,
        "end": row.end,
        "kind": row.kind,
        "speaker": speaker,
        "cue": cue,
    }


def article_quotes(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(*QUOTE_COLUMNS).where(quote_t.c.article_id == article_id).order_by(quote_t.c.start, quote_t.c.id)
    )
    return [quote(r) for r in rows]


def list_quotes(
    conn: Connection,
    *,
    q: str | None,
    speaker_id: int | None,
    article_id: int | None,
    kind: str | None,
    cursor: str | None,
    limit: int,
    listing: str = "quotes",
) -> dict[str, Any]:
    """Newest first (by id), or best match first with q."""
    stmt = select(*QUOTE_COLUMNS)
    if speaker_id is not None:
        stmt = stmt.where(quote_t.c.speaker_entity_id == speaker_id)
    if article_id is not None:
        stmt = stmt.where(quote_t.c.article_id == article_id)
    if kind is not None:
        stmt = stmt.where(quote_t.c.kind == kind)
    if q and q.strip():
        stmt, score = _matching(conn, stmt, quote_t, q)
        return _ranked_page(conn, stmt, score, quote_t.c.id, cursor, limit, f"{listing}-search", quote)
    if cursor is not None:
        (last_id,) = decode_cursor(cursor, listing, (int,))
        stmt = stmt.where(quote_t.c.id < last_id)
    rows = conn.execute(stmt.order_by(quote_t.c.id.desc()).limit(limit + 1))
    return page([quote(r) for r in rows], limit, lambda item: encode_cursor(listing, (item["id"],)))


# Entities -------------------------------------------------------------------------------


def entity(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "type": row.type,
        "aliases": list(row.aliases),
        "article_count": row.article_count,
        "mention_count": row.mention_count,
        "quote_count": row.quote_count,
    }


def get_entity(conn: Connection, entity_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(*ENTITY_COLUMNS).where(entity_t.c.id == entity_id)).first()
    return entity(row) if row is not None else None


def list_entities(
    conn: Connection, *, type_: str | None, q: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Most written-about first: article_count descending, then id."""
    stmt = select(*ENTITY_COLUMNS)
    if type_ is not None:
        stmt = stmt.where(entity_t.c.type == type_)
    if q:
        stmt = stmt.where(or_(entity_t.c.name.icontains(q, autoescape=True),
                              cast(entity_t.c.aliases, String).icontains(q, autoescape=True)))
    if cursor is not None:
        count, last_id = decode_cursor(cursor, "entities", (int, int))
        stmt = stmt.where(or_(entity_t.c.article_count < count,
                              and_(entity_t.c.article_count == count, entity_t.c.id > last_id)))
    rows = conn.execute(stmt.order_by(entity_t.c.article_count.desc(), entity_t.c.id).limit(limit + 1))
    return page([entity(r) for r in rows], limit,
                lambda item: encode_cursor("entities", (item["article_count"], item["id"])))


def entity_articles(conn: Connection, entity_id: int, cursor: str | None, limit: int) -> dict[str, Any]:
    stmt = select(*SUMMARY_COLUMNS).join(
        article_entity_t,
        and_(article_entity_t.c.article_id == article_t.c.id, article_entity_t.c.entity_id == entity_id),
    )
    return _article_page(conn, stmt, cursor, limit, "entity-articles")


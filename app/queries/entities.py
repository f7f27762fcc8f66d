"""Entities: one, and the listing by popularity."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.models import article_entity_table as article_entity_t
from app.models import article_table as article_t
from app.models import entity_table as entity_t
from app.models import quote_table as quote_t
from app.pagination import decode_cursor, encode_cursor
from app.prepared import Reader
from app.queries.paging import Row, page
from app.search import entity_name_match, entity_name_params

ENTITY_COLUMNS = (
    entity_t.c.id,
    entity_t.c.name,
    entity_t.c.type,
    entity_t.c.aliases,
    entity_t.c.article_count,
    entity_t.c.mention_count,
    entity_t.c.quote_count,
)


def entity(db: Reader, r: Row) -> dict[str, Any]:
    return {
        "id": r[0],
        "name": r[1],
        "type": r[2],
        "aliases": db.json(r[3]),
        "article_count": r[4],
        "mention_count": r[5],
        "quote_count": r[6],
    }


def get_entity(db: Reader, entity_id: int) -> dict[str, Any] | None:
    row = db.row("entity", lambda: select(*ENTITY_COLUMNS).where(entity_t.c.id == bindparam("id")), id=entity_id)
    return entity(db, row) if row is not None else None


def entity_exists(db: Reader, entity_id: int) -> bool:
    return db.row("entity_exists", lambda: select(entity_t.c.id).where(entity_t.c.id == bindparam("id")),
                  id=entity_id) is not None


# What a listing is sorted by (descending, then id), and its cursors' namespace: a cursor
# of one order means nothing in the other.
ORDERS = {
    "articles": (entity_t.c.article_count, "entities"),
    "quotes": (entity_t.c.quote_count, "entities-by-quotes"),
}


def _popular_entities(names: Collection[str], sort: str) -> Select[Any]:
    count = ORDERS[sort][0]
    stmt = select(*ENTITY_COLUMNS)
    if "type" in names:
        stmt = stmt.where(entity_t.c.type == bindparam("type"))
    if "q" in names:
        stmt = stmt.where(entity_name_match(names))
    if "last_count" in names:
        stmt = stmt.where(or_(count < bindparam("last_count"),
                              and_(count == bindparam("last_count"), entity_t.c.id > bindparam("last_id"))))
    return stmt.order_by(count.desc(), entity_t.c.id).limit(bindparam("limit"))


def list_entities(
    db: Reader, *, type_: str | None, q: str | None, cursor: str | None, limit: int, sort: str = "articles"
) -> dict[str, Any]:
    """Most written-about first (article_count descending, then id), or most quoted first."""
    namespace = ORDERS[sort][1]
    count_at = 4 if sort == "articles" else 6  # the count's place in ENTITY_COLUMNS
    params: dict[str, Any] = {"limit": limit + 1}
    if type_ is not None:
        params["type"] = type_
    if q:
        params.update(entity_name_params(q, db.sqlite))
    if cursor is not None:
        params["last_count"], params["last_id"] = decode_cursor(cursor, namespace, (int, int))
    names = frozenset(params)
    rows = db.rows(("entities", sort, names), lambda: _popular_entities(names, sort), **params)
    return page([entity(db, r) for r in rows], limit,
                lambda i: encode_cursor(namespace, (rows[i][count_at], rows[i][0])))


def _month(sqlite: bool) -> ColumnElement[str]:
    """`YYYY-MM` of an article's sort_at (its publication, else its ingestion), in UTC."""
    if sqlite:  # stored as text, 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        return func.substr(article_t.c.sort_at, 1, 7)
    return func.to_char(func.timezone("UTC", article_t.c.sort_at), "YYYY-MM")


def entity_months(db: Reader, entity_id: int, cue_type: str | None) -> tuple[dict[str, int], dict[str, int]]:
    """How many articles mention the entity and how many of its quotes (of `cue_type`, None
    for any) there are, by month of the article, over its whole history: its page's chart."""
    month = _month(db.sqlite)
    articles = db.rows(
        "entity-article-months",
        lambda: select(month, func.count()).select_from(article_entity_t)
        .join(article_t, article_t.c.id == article_entity_t.c.article_id)
        .where(article_entity_t.c.entity_id == bindparam("id")).group_by(month),
        id=entity_id,
    )
    params: dict[str, Any] = {"id": entity_id}
    if cue_type is not None:
        params["cue_type"] = cue_type

    def quotes() -> Select[str, int]:
        stmt = (select(month, func.count()).select_from(quote_t)
                .join(article_t, article_t.c.id == quote_t.c.article_id)
                .where(quote_t.c.speaker_entity_id == bindparam("id")))
        if cue_type is not None:
            stmt = stmt.where(quote_t.c.cue_type == bindparam("cue_type"))
        return stmt.group_by(month)

    said = db.rows(("entity-quote-months", cue_type is not None), quotes, **params)
    return dict(articles), dict(said)

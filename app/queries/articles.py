"""Articles: one in detail, the listing with its filters, and an entity's articles."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from app.models import article_entity_table as article_entity_t
from app.models import article_table as article_t
from app.models import author_table as author_t
from app.models import entity_table as entity_t
from app.models import mention_table as mention_t
from app.models import quote_table as quote_t
from app.pagination import decode_cursor, encode_cursor
from app.prepared import Reader
from app.queries.paging import Row, page
from app.queries.quotes import article_quotes
from app.queries.ranked import best_first, ranked_page, search_params
from app.search import contains_any_case, like_escaped

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


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    q: str | None = None
    source: str | None = None
    author: str | None = None
    entity_id: int | None = None
    speaker_id: int | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None



def summary(db: Reader, r: Row) -> dict[str, Any]:
    return {
        "id": r[0],
        "url": r[1],
        "title": r[2],
        "authors": db.json(r[3]),
        "source": r[4],
        "published_at": db.time(r[5]),
        "ingested_at": db.time(r[6]),
        "word_count": r[7],
        "entity_count": r[8],
        "quote_count": r[9],
    }


def _articles_linked(link: Any, column: Any, param: str) -> ColumnElement[bool]:
    """Articles with a row in `link` (article_entity, quote) where column = param: the
    link rows are read through their index, then sorted. Best when they are few."""
    return article_t.c.id.in_(select(link.c.article_id).where(column == bindparam(param)))


def _articles_probed(link: Any, column: Any, param: str) -> ColumnElement[bool]:
    """The same set, found by walking the articles newest first and probing `link` for
    each: best when they are many, as the walk stops when the page is full."""
    return exists().where(link.c.article_id == article_t.c.id, column == bindparam(param))


# One clause per filter parameter of GET /articles; `*_frequent` for a popular entity.
ARTICLE_FILTERS: dict[str, Callable[[], ColumnElement[bool]]] = {
    # Part of the source or of an author's name, any case: "breitbart" finds "Breitbart
    # News" and "breitbart.com", "meg james" finds "Meg James" (app/routes/articles.py).
    "source": lambda: contains_any_case(article_t.c.source, "source"),
    "author": lambda: article_t.c.id.in_(
        select(author_t.c.article_id).where(contains_any_case(author_t.c.name, "author"))),
    "entity_id": lambda: _articles_linked(article_entity_t, article_entity_t.c.entity_id, "entity_id"),
    "entity_id_frequent": lambda: _articles_probed(
        article_entity_t, article_entity_t.c.entity_id, "entity_id_frequent"),
    "speaker_id": lambda: _articles_linked(quote_t, quote_t.c.speaker_entity_id, "speaker_id"),
    "speaker_id_frequent": lambda: _articles_probed(quote_t, quote_t.c.speaker_entity_id, "speaker_id_frequent"),
    "published_after": lambda: article_t.c.published_at >= bindparam("published_after"),
    "published_before": lambda: article_t.c.published_at < bindparam("published_before"),
}
# Reading an entity's n articles and sorting them costs about 4x a probe per article
# walked; the walk probes about (limit+1) * articles / n (measured on SQLite, bench/).
PROBE_COST_RATIO = 4


def _entity_param(db: Reader, name: str, entity_id: int, count: Any, limit: int) -> str:
    """`name`, or `name_frequent` when the entity is in so many articles that walking the
    newest first finds a page sooner (an entity in half the corpus: 25 ms against 0.1 ms)."""
    row = db.row(
        ("entity_frequency", count.name),
        lambda: select(count, select(func.max(article_t.c.id)).scalar_subquery())
        .where(entity_t.c.id == bindparam("id")),
        id=entity_id,
    )
    if row is None or not row[0]:
        return name
    n, articles = row
    return f"{name}_frequent" if PROBE_COST_RATIO * n * n > (limit + 1) * (articles or 0) else name


def _article_filters(names: Collection[str]) -> list[ColumnElement[bool]]:
    return [ARTICLE_FILTERS[name]() for name in sorted(ARTICLE_FILTERS.keys() & names)]


def _filtered_articles(names: Collection[str]) -> Select[Any]:
    return select(*SUMMARY_COLUMNS).where(*_article_filters(names))


def _newest_first(stmt: Select[Any], names: Collection[str]) -> Select[Any]:
    """Keyset on (sort_at, id), newest first; sort_at is the last column."""
    if "sort_at" in names:
        after = tuple_(bindparam("sort_at"), bindparam("last_id"))
        stmt = stmt.where(tuple_(article_t.c.sort_at, article_t.c.id) < after)
    return (stmt.add_columns(article_t.c.sort_at)
            .order_by(article_t.c.sort_at.desc(), article_t.c.id.desc())
            .limit(bindparam("limit")))


def _article_page(db: Reader, key: str, build: Callable[[frozenset[str]], Select[Any]], params: dict[str, Any],
                  cursor: str | None, limit: int) -> dict[str, Any]:
    if cursor is not None:
        sort_at, params["last_id"] = decode_cursor(cursor, key, (datetime, int))
        params["sort_at"] = db.time_param(sort_at)
    names = frozenset(params)
    rows = db.rows((key, names), lambda: _newest_first(build(names), names), **params)
    return page([summary(db, r) for r in rows], limit,
                lambda i: encode_cursor(key, (db.time(rows[i][-1]), rows[i][0])))


def list_articles(db: Reader, filters: ArticleFilters, cursor: str | None, limit: int) -> dict[str, Any]:
    f = filters
    params: dict[str, Any] = {"limit": limit + 1}
    for name in ("source", "author"):
        if value := " ".join((getattr(f, name) or "").split()):
            params[name] = like_escaped(value)
    if f.entity_id is not None:
        params[_entity_param(db, "entity_id", f.entity_id, entity_t.c.article_count, limit)] = f.entity_id
    if f.speaker_id is not None:
        # An entity's quotes are in at most quote_count articles.
        params[_entity_param(db, "speaker_id", f.speaker_id, entity_t.c.quote_count, limit)] = f.speaker_id
    for name in ("published_after", "published_before"):
        if getattr(f, name) is not None:
            params[name] = db.time_param(getattr(f, name))
    if f.q and f.q.strip():
        params.update(search_params(db, f.q))

        def build(names: frozenset[str]) -> Select[Any]:
            return best_first(db, article_t, SUMMARY_COLUMNS, _article_filters(names), names)

        return ranked_page(db, "articles-search", build, params, cursor, limit, summary)
    return _article_page(db, "articles", _filtered_articles, params, cursor, limit)


def article_exists(db: Reader, article_id: int) -> bool:
    return db.row("article_exists", lambda: select(article_t.c.id).where(article_t.c.id == bindparam("id")),
                  id=article_id) is not None


def article_summary(db: Reader, article_id: int) -> dict[str, Any] | None:
    row = db.row("article_summary", lambda: select(*SUMMARY_COLUMNS).where(article_t.c.id == bindparam("id")),
                 id=article_id)
    return summary(db, row) if row is not None else None


def article_detail(db: Reader, article_id: int) -> dict[str, Any] | None:
    row = db.row(
        "article_detail",
        lambda: select(*SUMMARY_COLUMNS, article_t.c.text, article_t.c.language)
        .where(article_t.c.id == bindparam("id")),
        id=article_id,
    )
    if row is None:
        return None
    return {
        **summary(db, row),
        "text": row[10],
        "language": row[11],
        "entities": article_entities(db, article_id),
        "quotes": article_quotes(db, article_id),
    }


def _entities_with_mentions() -> Select[Any]:
    """An article's entities, most salient first, each with its mentions in text order:
    one row per mention (and one for an entity without any)."""
    link, mention = article_entity_t, mention_t
    return (
        select(link.c.entity_id, link.c.name, entity_t.c.type, link.c.mention_count, link.c.salience,
               mention.c.text, mention.c.start, mention.c.end)
        .join(entity_t, entity_t.c.id == link.c.entity_id)
        .outerjoin(mention, and_(mention.c.article_id == link.c.article_id, mention.c.entity_id == link.c.entity_id))
        .where(link.c.article_id == bindparam("id"))
        .order_by(link.c.position, mention.c.start, mention.c.id)
    )


def article_entities(db: Reader, article_id: int) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = []
    for entity_id, name, type_, mention_count, salience, text, start, end in db.rows(
        "article_entities", _entities_with_mentions, id=article_id
    ):
        if not entities or entities[-1]["id"] != entity_id:
            entities.append({"id": entity_id, "name": name, "type": type_, "mention_count": mention_count,
                             "salience": salience, "mentions": []})
        if text is not None:
            entities[-1]["mentions"].append({"text": text, "start": start, "end": end})
    return entities


def entity_articles(db: Reader, entity_id: int, cursor: str | None, limit: int) -> dict[str, Any]:
    """The articles that mention the entity, newest first: GET /articles?entity_id=."""
    param = _entity_param(db, "entity_id", entity_id, entity_t.c.article_count, limit)
    return _article_page(db, "entity-articles", _filtered_articles, {"limit": limit + 1, param: entity_id},
                         cursor, limit)

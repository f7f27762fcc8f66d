"""Read queries: one Core statement per shape, compiled once, rows turned straight into API dicts.

A statement's shape is the set of parameters it takes (which filters, a cursor or not, the
form of a search), so each `build` below only reads the parameter names; their values go
to the driver (app/prepared.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Double,
    Select,
    String,
    and_,
    bindparam,
    cast,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.sql.elements import ColumnElement

from app.models import (
    article_entity_table as article_entity_t,
)
from app.models import (
    article_table as article_t,
)
from app.models import (
    author_table as author_t,
)
from app.models import (
    entity_table as entity_t,
)
from app.models import (
    mention_table as mention_t,
)
from app.models import (
    quote_table as quote_t,
)
from app.pagination import decode_cursor, encode_cursor
from app.prepared import Reader
from app.search import PG_CONFIG, Term, entity_name_match, entity_name_params, fts5_match, parse_query

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
QUOTE_COLUMNS = (
    quote_t.c.id,
    quote_t.c.article_id,
    quote_t.c.text,
    quote_t.c.start,
    quote_t.c.end,
    quote_t.c.kind,
    quote_t.c.speaker_name,
    quote_t.c.speaker_entity_id,
    quote_t.c.speaker_text,
    quote_t.c.speaker_start,
    quote_t.c.speaker_end,
    quote_t.c.cue_text,
    quote_t.c.cue_start,
    quote_t.c.cue_end,
)
ENTITY_COLUMNS = (
    entity_t.c.id,
    entity_t.c.name,
    entity_t.c.type,
    entity_t.c.aliases,
    entity_t.c.article_count,
    entity_t.c.mention_count,
    entity_t.c.quote_count,
)
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    q: str | None = None
    source: str | None = None
    author: str | None = None
    entity_id: int | None = None
    speaker_id: int | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None


def page(items: list[dict[str, Any]], limit: int, cursor_of: Callable[[int], str]) -> dict[str, Any]:
    """Turn limit+1 rows into a page: the extra row only says that there is a next page.
    `cursor_of(i)` is the cursor after the i-th item."""
    if len(items) > limit:
        return {"items": items[:limit], "next_cursor": cursor_of(limit - 1)}
    return {"items": items, "next_cursor": None}


# Full-text search ------------------------------------------------------------------------

# PostgreSQL only uses the GIN index when the query repeats the index's expression exactly
# (see the full_text_search migration).
PG_VECTORS = {
    "article": "to_tsvector('english', coalesce(article.title, '') || ' ' || article.text)",
    "quote": "to_tsvector('english', quote.text)",
}
# bm25 weights per FTS5 column: a word in the title counts more than one in the body.
FTS5_WEIGHTS = {"article": (4.0, 1.0), "quote": (1.0,)}


def search_params(db: Reader, q: str) -> dict[str, Any]:
    """The parameters of a search for q: one FTS5 expression, or one tsquery per term.
    A term's name says whether it is a prefix (`p`) or words (`w`): part of the shape."""
    terms = parse_query(q)
    if not db.sqlite:
        return {f"term_{i}_{'p' if t.prefix else 'w'}": _pg_term(t) for i, t in enumerate(terms)}
    return {"match": fts5_match(terms)}


def _pg_term(term: Term) -> str:
    # The words are \w+ only (app/search.py), so they cannot carry tsquery operators.
    return " <-> ".join(term.words) + ":*" if term.prefix else " ".join(term.words)


def _match(db: Reader, searched: Any, names: Collection[str]) -> tuple[Any, Any, Any, Any]:
    """What a search reads from: (FROM, row id, match condition, relevance score, lower is better)."""
    name = searched.name
    if not db.sqlite:
        vector = literal_column(PG_VECTORS[name])
        query: Any = None
        for param in sorted(p for p in names if p.startswith("term_")):
            parse = func.to_tsquery if param.endswith("_p") else func.phraseto_tsquery
            part = parse(PG_CONFIG, bindparam(param, type_=String))
            query = part if query is None else query.op("&&")(part)
        return searched, searched.c.id, vector.op("@@")(query), -cast(func.ts_rank(vector, query), Double)
    fts = table(f"{name}_fts", column("rowid"))
    fts_ref = literal_column(f"{name}_fts")
    weights = (literal_column(repr(w)) for w in FTS5_WEIGHTS[name])
    return fts, fts.c.rowid, fts_ref.op("MATCH")(bindparam("match")), func.bm25(fts_ref, *weights)


def _best_first(db: Reader, searched: Any, columns: tuple[Any, ...], filters: list[ColumnElement[bool]],
                names: Collection[str]) -> Select[Any]:
    """Best match first, keyset on (score, id); the score is the last column.

    The page's ids are ranked first, from the full-text index (joined to the table only
    when a filter needs it), then only the page's rows are read: sorting every match with
    all its columns took twice as long (bench/RESULTS.md)."""
    source, row_id, matches, score = _match(db, searched, names)
    if filters and source is not searched:
        source = source.join(searched, searched.c.id == row_id)
    ranked = select(row_id.label("id"), score.label("score")).select_from(source).where(matches, *filters)
    if "last_score" in names:
        ranked = ranked.where(tuple_(score, row_id) > tuple_(bindparam("last_score"), bindparam("last_id")))
    page_ids = ranked.order_by(literal_column("score"), row_id).limit(bindparam("limit")).subquery("ranked")
    return (select(*columns, page_ids.c.score)
            .join(page_ids, page_ids.c.id == searched.c.id)
            .order_by(page_ids.c.score, page_ids.c.id))


def _ranked_page(db: Reader, key: str, build: Callable[[frozenset[str]], Select[Any]], params: dict[str, Any],
                 cursor: str | None, limit: int, shape: Callable[[Reader, Row], dict[str, Any]]) -> dict[str, Any]:
    if cursor is not None:
        params["last_score"], params["last_id"] = decode_cursor(cursor, key, (float, int))
    names = frozenset(params)
    rows = db.rows((key, names), lambda: build(names), **params)
    return page([shape(db, r) for r in rows], limit,
                lambda i: encode_cursor(key, (float(rows[i][-1]), rows[i][0])))


# Articles -------------------------------------------------------------------------------


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
    "source": lambda: article_t.c.source == bindparam("source"),
    "author": lambda: article_t.c.id.in_(
        select(author_t.c.article_id).where(author_t.c.name == bindparam("author"))),
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
        if getattr(f, name) is not None:
            params[name] = getattr(f, name)
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
            return _best_first(db, article_t, SUMMARY_COLUMNS, _article_filters(names), names)

        return _ranked_page(db, "articles-search", build, params, cursor, limit, summary)
    return _article_page(db, "articles", _filtered_articles, params, cursor, limit)


def article_exists(db: Reader, article_id: int) -> bool:
    return db.row("article_exists", lambda: select(article_t.c.id).where(article_t.c.id == bindparam("id")),
                  id=article_id) is not None


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


# Quotes ---------------------------------------------------------------------------------


def quote(_db: Reader, r: Row) -> dict[str, Any]:
    (id_, article_id, text, start, end, kind,
     speaker_name, speaker_entity_id, speaker_text, speaker_start, speaker_end, cue_text, cue_start, cue_end) = r[:14]
    speaker = None
    if speaker_text is not None:
        speaker = {
            "name": speaker_name,
            "entity_id": speaker_entity_id,
            "mention": {"text": speaker_text, "start": speaker_start, "end": speaker_end},
        }
    cue = None if cue_text is None else {"text": cue_text, "start": cue_start, "end": cue_end}
    return {"id": id_, "article_id": article_id, "text": text, "start": start, "end": end, "kind": kind,
            "speaker": speaker, "cue": cue}


def article_quotes(db: Reader, article_id: int) -> list[dict[str, Any]]:
    rows = db.rows(
        "article_quotes",
        lambda: select(*QUOTE_COLUMNS).where(quote_t.c.article_id == bindparam("id"))
        .order_by(quote_t.c.start, quote_t.c.id),
        id=article_id,
    )
    return [quote(db, r) for r in rows]


QUOTE_FILTERS: dict[str, Callable[[], ColumnElement[bool]]] = {
    "speaker_id": lambda: quote_t.c.speaker_entity_id == bindparam("speaker_id"),
    "article_id": lambda: quote_t.c.article_id == bindparam("article_id"),
    "kind": lambda: quote_t.c.kind == bindparam("kind"),
}


def _quote_filters(names: Collection[str]) -> list[ColumnElement[bool]]:
    return [QUOTE_FILTERS[name]() for name in sorted(QUOTE_FILTERS.keys() & names)]


def _newest_quotes(names: Collection[str]) -> Select[Any]:
    stmt = select(*QUOTE_COLUMNS).where(*_quote_filters(names))
    if "last_id" in names:
        stmt = stmt.where(quote_t.c.id < bindparam("last_id"))
    return stmt.order_by(quote_t.c.id.desc()).limit(bindparam("limit"))


def list_quotes(
    db: Reader,
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
    params: dict[str, Any] = {"limit": limit + 1}
    for name, value in (("speaker_id", speaker_id), ("article_id", article_id), ("kind", kind)):
        if value is not None:
            params[name] = value
    if q and q.strip():
        params.update(search_params(db, q))

        def build(names: frozenset[str]) -> Select[Any]:
            return _best_first(db, quote_t, QUOTE_COLUMNS, _quote_filters(names), names)

        return _ranked_page(db, f"{listing}-search", build, params, cursor, limit, quote)
    if cursor is not None:
        (params["last_id"],) = decode_cursor(cursor, listing, (int,))
    names = frozenset(params)
    rows = db.rows((listing, names), lambda: _newest_quotes(names), **params)
    return page([quote(db, r) for r in rows], limit, lambda i: encode_cursor(listing, (rows[i][0],)))


# Entities -------------------------------------------------------------------------------


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


def _popular_entities(names: Collection[str]) -> Select[Any]:
    stmt = select(*ENTITY_COLUMNS)
    if "type" in names:
        stmt = stmt.where(entity_t.c.type == bindparam("type"))
    if "q" in names:
        stmt = stmt.where(entity_name_match(names))
    if "last_count" in names:
        stmt = stmt.where(or_(entity_t.c.article_count < bindparam("last_count"),
                              and_(entity_t.c.article_count == bindparam("last_count"),
                                   entity_t.c.id > bindparam("last_id"))))
    return stmt.order_by(entity_t.c.article_count.desc(), entity_t.c.id).limit(bindparam("limit"))


def list_entities(
    db: Reader, *, type_: str | None, q: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Most written-about first: article_count descending, then id."""
    params: dict[str, Any] = {"limit": limit + 1}
    if type_ is not None:
        params["type"] = type_
    if q:
        params.update(entity_name_params(q, db.sqlite))
    if cursor is not None:
        params["last_count"], params["last_id"] = decode_cursor(cursor, "entities", (int, int))
    names = frozenset(params)
    rows = db.rows(("entities", names), lambda: _popular_entities(names), **params)
    return page([entity(db, r) for r in rows], limit,
                lambda i: encode_cursor("entities", (rows[i][4], rows[i][0])))


def entity_articles(db: Reader, entity_id: int, cursor: str | None, limit: int) -> dict[str, Any]:
    """The articles that mention the entity, newest first: GET /articles?entity_id=."""
    param = _entity_param(db, "entity_id", entity_id, entity_t.c.article_count, limit)
    return _article_page(db, "entity-articles", _filtered_articles, {"limit": limit + 1, param: entity_id},
                         cursor, limit)

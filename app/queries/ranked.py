"""Full-text search listings, best match first: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import (
    Double,
    Select,
    String,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.sql.elements import ColumnClause, ColumnElement

from app.pagination import decode_cursor, encode_cursor
from app.prepared import Reader
from app.queries.paging import Row, page
from app.search import PG_CONFIG, PG_WORDS_CONFIG, parse_query, plan

# PostgreSQL only uses the GIN indexes when the query repeats the index's expression
# exactly (see the full_text_search and word_search migrations): the stems, and the words
# as written that prefixes are matched against.
PG_VECTORS = {
    ("article", "stems"): "to_tsvector('english', coalesce(article.title, '') || ' ' || article.text)",
    ("quote", "stems"): "to_tsvector('english', quote.text)",
    ("article", "words"): "to_tsvector('simple', coalesce(article.title, '') || ' ' || article.text)",
    ("quote", "words"): "to_tsvector('simple', quote.text)",
}
PG_CONFIGS = {"stems": PG_CONFIG, "words": PG_WORDS_CONFIG}
# The FTS5 tables of each index.
FTS5_TABLES = {"stems": "{}_fts", "words": "{}_words"}
# bm25 weights per FTS5 column: a word in the title counts more than one in the body.
FTS5_WEIGHTS = {"article": (4.0, 1.0), "quote": (1.0,)}
# Matches ranked per search: the newest this many. Scoring is per match, so ranking every
# match of a common word made a search 13.5x slower on 100,000 articles than on 1,000
# (bench/RESULTS.md); with a window the work stays that of a small archive. Older
# matches are reached with narrower words, a phrase, or the filters.
RANK_WINDOW = 1_000


def search_params(db: Reader, q: str) -> dict[str, Any]:
    """The parameters of a search for q: one expression per part of its plan (app/search.py),
    each named `fts_` + the part's role, so that the names are the statement's shape."""
    parts = plan(parse_query(q), db.sqlite).parts
    return {f"fts_{role}": expression for role, expression in parts.items()} | {"oldest_ranked": RANK_WINDOW - 1}


def _index(role: str) -> str:
    return "words" if role.endswith("words") else "stems"


def _match(db: Reader, searched: Any, names: Collection[str]) -> tuple[Any, Any, Any, Any]:
    """What a search reads from: (FROM, row id, match condition, relevance score, lower is better).

    On PostgreSQL every part is a condition on its index's tsvector, and the score the sum
    of their ranks. On SQLite a part is a MATCH on its index's FTS5 table: the search reads
    from the first table whose part must match (its bm25 is the score), and finds the rows
    of the other parts by their rowids. A query of either-or groups alone has no such
    table: its matches are read from the table itself, newest first, with no score."""
    name = searched.name
    roles = sorted(p.removeprefix("fts_") for p in names if p.startswith("fts_"))
    if not db.sqlite:
        def matches(role: str) -> ColumnElement[bool]:
            return _pg_vector(name, role).op("@@")(_pg_query(role))

        conditions = _conditions(roles, matches)
        ranks = [func.ts_rank(_pg_vector(name, r), _pg_query(r)) for r in roles if not r.startswith("not_")]
        return searched, searched.c.id, and_(*conditions), -cast(sum(ranks[1:], ranks[0]), Double)
    main = next((r for r in ("stems", "words") if r in roles), None)
    if main is None:
        row_id = searched.c.id
        return searched, row_id, and_(*_conditions(roles, lambda r: row_id.in_(_fts5_rowids(name, r)))), \
            literal_column("0.0")
    fts_name = FTS5_TABLES[main].format(name)
    fts = table(fts_name, column("rowid"))
    fts_ref: ColumnClause[Any] = literal_column(fts_name)
    weights: list[ColumnClause[Any]] = [literal_column(repr(w)) for w in FTS5_WEIGHTS[name]]
    rest = [r for r in roles if r != main]
    conditions = [fts_ref.op("MATCH")(bindparam(f"fts_{main}")),
                  *_conditions(rest, lambda r: fts.c.rowid.in_(_fts5_rowids(name, r)))]
    return fts, fts.c.rowid, and_(*conditions), func.bm25(fts_ref, *weights)


def _conditions(roles: list[str], matches: Any) -> list[ColumnElement[bool]]:
    """The plan's parts as conditions, given `matches(role)`: an either-or group is one
    condition of its two sides, an excluded part a negated one."""
    conditions = []
    for role in roles:
        if role.startswith("not_"):
            conditions.append(not_(matches(role)))
        elif role.startswith("either_") and role.endswith("_stems"):
            conditions.append(or_(matches(role), matches(role.removesuffix("stems") + "words")))
        elif not role.startswith("either_"):
            conditions.append(matches(role))
    return conditions


def _pg_vector(name: str, role: str) -> ColumnClause[Any]:
    return literal_column(PG_VECTORS[name, _index(role)])


def _pg_query(role: str) -> ColumnElement[Any]:
    return func.to_tsquery(PG_CONFIGS[_index(role)], bindparam(f"fts_{role}", type_=String))


def _fts5_rowids(name: str, role: str) -> Select[Any]:
    fts_name = FTS5_TABLES[_index(role)].format(name)
    fts = table(fts_name, column("rowid"))
    return select(fts.c.rowid).where(literal_column(fts_name).op("MATCH")(bindparam(f"fts_{role}")))


def best_first(db: Reader, searched: Any, columns: tuple[Any, ...], filters: list[ColumnElement[bool]],
                names: Collection[str]) -> Select[Any]:
    """Best match first among the newest RANK_WINDOW matches, keyset on (score, id); the
    score is the last column.

    The page's ids are ranked first, from the full-text index (joined to the table only
    when a filter needs it), then only the page's rows are read: sorting every match with
    all its columns took twice as long (bench/RESULTS.md)."""
    source, row_id, matches, score = _match(db, searched, names)
    if filters and source is not searched:
        source = source.join(searched, searched.c.id == row_id)
    oldest_ranked = (select(row_id).select_from(source).where(matches, *filters)
                     .order_by(row_id.desc()).limit(1).offset(bindparam("oldest_ranked"))
                     .correlate(None).scalar_subquery())
    ranked = (select(row_id.label("id"), score.label("score")).select_from(source)
              .where(matches, *filters, row_id >= func.coalesce(oldest_ranked, 0)))
    if "last_score" in names:
        ranked = ranked.where(tuple_(score, row_id) > tuple_(bindparam("last_score"), bindparam("last_id")))
    page_ids = ranked.order_by(literal_column("score"), row_id).limit(bindparam("limit")).subquery("ranked")
    return (select(*columns, page_ids.c.score)
            .join(page_ids, page_ids.c.id == searched.c.id)
            .order_by(page_ids.c.score, page_ids.c.id))


def ranked_page(db: Reader, key: str, build: Callable[[frozenset[str]], Select[Any]], params: dict[str, Any],
                 cursor: str | None, limit: int, shape: Callable[[Reader, Row], dict[str, Any]]) -> dict[str, Any]:
    if cursor is not None:
        params["last_score"], params["last_id"] = decode_cursor(cursor, key, (float, int))
    names = frozenset(params)
    rows = db.rows((key, names), lambda: build(names), **params)
    return page([shape(db, r) for r in rows], limit,
                lambda i: encode_cursor(key, (float(rows[i][-1]), rows[i][0])))

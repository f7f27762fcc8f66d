"""Full-text search listings, best match first: FTS5 on SQLite, tsvector on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import Double, Select, String, bindparam, cast, column, func, literal_column, select, table, tuple_
from sqlalchemy.sql.elements import ColumnClause, ColumnElement

from app.pagination import decode_cursor, encode_cursor
from app.prepared import Reader
from app.queries.paging import Row, page
from app.search import PG_CONFIG, Term, fts5_match, parse_query

# PostgreSQL only uses the GIN index when the query repeats the index's expression exactly
# (see the full_text_search migration).
PG_VECTORS = {
    "article": "to_tsvector('english', coalesce(article.title, '') || ' ' || article.text)",
    "quote": "to_tsvector('english', quote.text)",
}
# bm25 weights per FTS5 column: a word in the title counts more than one in the body.
FTS5_WEIGHTS = {"article": (4.0, 1.0), "quote": (1.0,)}
# Matches ranked per search: the newest this many. Scoring is per match, so ranking every
# match of a common word made a search 13.5x slower on 100,000 articles than on 1,000
# (bench/RESULTS.md); with a window the work stays that of a small archive. Older
# matches are reached with narrower words, a phrase, or the filters.
RANK_WINDOW = 1_000


def search_params(db: Reader, q: str) -> dict[str, Any]:
    """The parameters of a search for q: one FTS5 expression, or one tsquery per term.
    A term's name says whether it is a prefix (`p`) or words (`w`): part of the shape."""
    terms = parse_query(q)
    window = {"oldest_ranked": RANK_WINDOW - 1}
    if not db.sqlite:
        return {f"term_{i}_{'p' if t.prefix else 'w'}": _pg_term(t) for i, t in enumerate(terms)} | window
    return {"match": fts5_match(terms)} | window


def _pg_term(term: Term) -> str:
    # The words are \w+ only (app/search.py), so they cannot carry tsquery operators.
    return " <-> ".join(term.words) + ":*" if term.prefix else " ".join(term.words)


def _match(db: Reader, searched: Any, names: Collection[str]) -> tuple[Any, Any, Any, Any]:
    """What a search reads from: (FROM, row id, match condition, relevance score, lower is better)."""
    name = searched.name
    if not db.sqlite:
        vector: ColumnClause[Any] = literal_column(PG_VECTORS[name])
        query: Any = None
        for param in sorted(p for p in names if p.startswith("term_")):
            parse = func.to_tsquery if param.endswith("_p") else func.phraseto_tsquery
            part = parse(PG_CONFIG, bindparam(param, type_=String))
            query = part if query is None else query.op("&&")(part)
        return searched, searched.c.id, vector.op("@@")(query), -cast(func.ts_rank(vector, query), Double)
    fts = table(f"{name}_fts", column("rowid"))
    fts_ref: ColumnClause[Any] = literal_column(f"{name}_fts")
    weights: list[ColumnClause[Any]] = [literal_column(repr(w)) for w in FTS5_WEIGHTS[name]]
    return fts, fts.c.rowid, fts_ref.op("MATCH")(bindparam("match")), func.bm25(fts_ref, *weights)


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

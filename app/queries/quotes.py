"""Quotes: an article's, and the listings (newest first, or best match first)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.sql.elements import ColumnElement

from app.models import article_table as article_t
from app.models import quote_table as quote_t
from app.pagination import decode_cursor, encode_cursor
from app.prepared import Reader
from app.queries.paging import Row, page
from app.queries.ranked import best_first, ranked_page, search_params
from app.search import contains_any_case, like_escaped

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
    quote_t.c.parts,
    quote_t.c.cue_type,
)


def quote(db: Reader, r: Row) -> dict[str, Any]:
    (id_, article_id, text, start, end, kind,
     speaker_name, speaker_entity_id, speaker_text, speaker_start, speaker_end, cue_text, cue_start, cue_end,
     parts, cue_type) = r[:16]
    speaker = None
    if speaker_text is not None:
        speaker = {
            "name": speaker_name,
            "entity_id": speaker_entity_id,
            "mention": {"text": speaker_text, "start": speaker_start, "end": speaker_end},
        }
    cue = None if cue_text is None else {"text": cue_text, "start": cue_start, "end": cue_end}
    pieces = db.json(parts) or [[start, end]]
    return {"id": id_, "article_id": article_id, "text": text, "start": start, "end": end,
            "parts": [{"text": text[s - start:e - start], "start": s, "end": e} for s, e in pieces],
            "kind": kind, "speaker": speaker, "cue": cue, "cue_type": cue_type}


def article_quotes(db: Reader, article_id: int) -> list[dict[str, Any]]:
    rows = db.rows(
        "article_quotes",
        lambda: select(*QUOTE_COLUMNS).where(quote_t.c.article_id == bindparam("id"))
        .order_by(quote_t.c.start, quote_t.c.id),
        id=article_id,
    )
    return [quote(db, r) for r in rows]


def _in_articles(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return quote_t.c.article_id.in_(select(article_t.c.id).where(condition))


QUOTE_FILTERS: dict[str, Callable[[], ColumnElement[bool]]] = {
    "speaker_id": lambda: quote_t.c.speaker_entity_id == bindparam("speaker_id"),
    "article_id": lambda: quote_t.c.article_id == bindparam("article_id"),
    "kind": lambda: quote_t.c.kind == bindparam("kind"),
    "cue_type": lambda: quote_t.c.cue_type == bindparam("cue_type"),
    # The article's, as GET /articles filters them.
    "source": lambda: _in_articles(contains_any_case(article_t.c.source, "source")),
    "published_after": lambda: _in_articles(article_t.c.published_at >= bindparam("published_after")),
    "published_before": lambda: _in_articles(article_t.c.published_at < bindparam("published_before")),
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
    cue_type: str | None,
    cursor: str | None,
    limit: int,
    listing: str = "quotes",
    source: str | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
) -> dict[str, Any]:
    """Newest first (by id), or best match first with q. A cue_type of None is any."""
    params: dict[str, Any] = {"limit": limit + 1}
    for name, value in (("speaker_id", speaker_id), ("article_id", article_id), ("kind", kind),
                        ("cue_type", cue_type)):
        if value is not None:
            params[name] = value
    if source_words := " ".join((source or "").split()):
        params["source"] = like_escaped(source_words)
    for name, moment in (("published_after", published_after), ("published_before", published_before)):
        if moment is not None:
            params[name] = db.time_param(moment)
    if q and q.strip():
        params.update(search_params(db, q))

        def build(names: frozenset[str]) -> Select[Any]:
            return best_first(db, quote_t, QUOTE_COLUMNS, _quote_filters(names), names)

        return ranked_page(db, f"{listing}-search", build, params, cursor, limit, quote)
    if cursor is not None:
        (params["last_id"],) = decode_cursor(cursor, listing, (int,))
    names = frozenset(params)
    rows = db.rows((listing, names), lambda: _newest_quotes(names), **params)
    return page([quote(db, r) for r in rows], limit, lambda i: encode_cursor(listing, (rows[i][0],)))

"""The floor: bare Starlette + sqlite3 + orjson, serving the same JSON as Newsdesk.

Four read endpoints, byte-for-byte Newsdesk's answers on the same database file, with
none of the service's layers (validation, middleware, SQLAlchemy): what one Python
worker can do at best. Only for benchmarks; reads only, no error shapes.

    BASELINE_DB=bench/out/corpus-10000.db uvicorn --factory bench.baseline_app:create_app
"""

from __future__ import annotations

import base64
import os
import re
import sqlite3
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# Newsdesk's ranking window; imported once at start-up, nothing of Newsdesk runs per request.
from app.queries.ranked import RANK_WINDOW

SUMMARY = "id, url, title, authors, source, published_at, ingested_at, word_count, entity_count, quote_count"
QUOTE = ('id, article_id, text, start, "end", kind, speaker_name, speaker_entity_id, speaker_text, '
         "speaker_start, speaker_end, cue_text, cue_start, cue_end, parts, cue_type")
WORDS = re.compile(r"\w+")


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def rfc3339(stored: str | None) -> str | None:
    """SQLAlchemy's SQLite text ('2026-01-02 03:04:05.000000') as orjson writes a UTC datetime."""
    if stored is None:
        return None
    micro = stored[20:26]
    return f"{stored[:10]}T{stored[11:19]}{'.' + micro if micro != '000000' else ''}+00:00"


def cursor(kind: str, *key: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([kind, *key])).decode().rstrip("=")


def summary(r: tuple) -> dict[str, Any]:
    return {"id": r[0], "url": r[1], "title": r[2], "authors": orjson.loads(r[3]), "source": r[4],
            "published_at": rfc3339(r[5]), "ingested_at": rfc3339(r[6]), "word_count": r[7],
            "entity_count": r[8], "quote_count": r[9]}


def quote(r: tuple) -> dict[str, Any]:
    speaker = None if r[8] is None else {
        "name": r[6], "entity_id": r[7], "mention": {"text": r[8], "start": r[9], "end": r[10]}}
    cue = None if r[11] is None else {"text": r[11], "start": r[12], "end": r[13]}
    pieces = orjson.loads(r[14]) if r[14] else [[r[3], r[4]]]
    parts = [{"text": r[2][s - r[3]:e - r[3]], "start": s, "end": e} for s, e in pieces]
    return {"id": r[0], "article_id": r[1], "text": r[2], "start": r[3], "end": r[4], "parts": parts, "kind": r[5],
            "speaker": speaker, "cue": cue, "cue_type": r[15]}


def page(items: list[dict[str, Any]], limit: int, next_cursor: Any) -> dict[str, Any]:
    if len(items) > limit:
        return {"items": items[:limit], "next_cursor": next_cursor(limit - 1)}
    return {"items": items, "next_cursor": None}


def create_app(path: str | None = None) -> Starlette:
    db = sqlite3.connect(path or os.environ["BASELINE_DB"], check_same_thread=False)
    db.execute("PRAGMA query_only=ON")

    async def article(request: Request) -> Response:
        article_id = int(request.path_params["id"])
        row = db.execute(f"SELECT {SUMMARY}, text, language FROM article WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return JSON({"detail": "not found"}, status_code=404)
        mentions: dict[int, list[dict[str, Any]]] = {}
        for e, text, start, end in db.execute(
            'SELECT entity_id, text, start, "end" FROM mention WHERE article_id = ? ORDER BY start', (article_id,)
        ):
            mentions.setdefault(e, []).append({"text": text, "start": start, "end": end})
        entities = [
            {"id": e, "name": name, "type": type_, "mention_count": n, "salience": salience,
             "mentions": mentions.get(e, [])}
            for e, name, type_, n, salience in db.execute(
                "SELECT ae.entity_id, ae.name, entity.type, ae.mention_count, ae.salience FROM article_entity ae "
                "JOIN entity ON entity.id = ae.entity_id WHERE ae.article_id = ? ORDER BY ae.position",
                (article_id,),
            )
        ]
        quotes = [quote(r) for r in db.execute(
            f"SELECT {QUOTE} FROM quote WHERE article_id = ? ORDER BY start, id", (article_id,))]
        return JSON({**summary(row), "text": row[10], "language": row[11], "entities": entities, "quotes": quotes})

    async def articles(request: Request) -> Response:
        limit = int(request.query_params.get("limit", 20))
        rows = db.execute(
            f"SELECT {SUMMARY}, sort_at FROM article ORDER BY sort_at DESC, id DESC LIMIT ?", (limit + 1,)
        ).fetchall()
        return JSON(page([summary(r) for r in rows], limit,
                         lambda i: cursor("articles", rfc3339(rows[i][10]), rows[i][0])))

    async def entity_quotes(request: Request) -> Response:
        entity_id = int(request.path_params["id"])
        limit = int(request.query_params.get("limit", 20))
        if db.execute("SELECT 1 FROM entity WHERE id = ?", (entity_id,)).fetchone() is None:
            return JSON({"detail": "not found"}, status_code=404)
        rows = db.execute(
            f"SELECT {QUOTE} FROM quote WHERE speaker_entity_id = ? AND cue_type = 'speech' ORDER BY id DESC LIMIT ?",
            (entity_id, limit + 1),
        ).fetchall()
        return JSON(page([quote(r) for r in rows], limit, lambda i: cursor("entity-quotes", rows[i][0])))

    async def quotes(request: Request) -> Response:
        limit = int(request.query_params.get("limit", 20))
        match = " ".join(f'"{w}"' for w in WORDS.findall(request.query_params["q"]))
        # The same ranking as Newsdesk's: the best of the newest RANK_WINDOW matches.
        oldest = db.execute(
            "SELECT rowid FROM quote_fts WHERE quote_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (match, RANK_WINDOW - 1),
        ).fetchone()
        rows = db.execute(
            f"SELECT {', '.join('quote.' + c.strip() for c in QUOTE.split(','))}, bm25(quote_fts, 1.0) AS score "
            "FROM quote JOIN quote_fts ON quote_fts.rowid = quote.id "
            "WHERE quote_fts MATCH ? AND quote_fts.rowid >= ? AND quote.cue_type = 'speech' "
            "ORDER BY score, quote.id LIMIT ?",
            (match, oldest[0] if oldest else 0, limit + 1),
        ).fetchall()
        return JSON(page([quote(r) for r in rows], limit, lambda i: cursor("quotes-search", rows[i][16], rows[i][0])))

    return Starlette(routes=[
        Route("/articles/{id:int}", article),
        Route("/articles", articles),
        Route("/entities/{id:int}/quotes", entity_quotes),
        Route("/quotes", quotes),
    ])

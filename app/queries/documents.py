"""An article's JSON, rendered once when the article is written and served as stored.

Everything GET /articles/{id} answers belongs to the article (its names, spans, quotes
and counts); nothing corpus-wide is in it, and an entity's type and id never change. So
the document changes only when the article is written, re-extracted or deleted, and is
rendered then, in the write's own transaction. A document rendered by a release whose
answer had another shape (DOCUMENT_VERSION: a digest of the code that renders it) is not
served: the article is rendered live instead, until it is written again."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, select, update

from app.models import article_table as article_t
from app.prepared import Reader
from app.queries.articles import article_detail


def _shape_version() -> str:
    app = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in (*sorted((app / "queries").glob("*.py")), app / "prepared.py", app / "schemas.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


DOCUMENT_VERSION = _shape_version()


def render(conn: Connection, article_id: int) -> None:
    """Write the article's document beside it, inside the caller's transaction."""
    detail = article_detail(Reader(conn.connection, conn.dialect), article_id)
    conn.execute(
        update(article_t).where(article_t.c.id == article_id)
        .values(document=orjson.dumps(detail), document_version=DOCUMENT_VERSION)
    )


def _stored(db: Reader, article_id: int) -> tuple[Any, ...] | None:
    return db.row(
        "article_document",
        lambda: select(article_t.c.document, article_t.c.document_version).where(article_t.c.id == bindparam("id")),
        id=article_id,
    )


def current_document(db: Reader, article_id: int) -> bytes | None:
    """The stored document when it is of this release's shape: one indexed row, no
    rendering. None when there is none to serve as it is (article_document says why)."""
    row = _stored(db, article_id)
    if row is None or row[0] is None or row[1] != DOCUMENT_VERSION:
        return None
    return bytes(row[0])


def article_document(db: Reader, article_id: int) -> bytes | dict[str, Any] | None:
    """The stored document when it is of this release's shape; else the article rendered
    now; None when there is no such article."""
    row = _stored(db, article_id)
    if row is None:
        return None
    if row[0] is not None and row[1] == DOCUMENT_VERSION:
        return bytes(row[0])
    return article_detail(db, article_id)

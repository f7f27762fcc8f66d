"""full-text search: FTS5 on SQLite, tsvector GIN indexes on PostgreSQL

Kept in step with writes and deletes by the database itself (triggers on SQLite, an
expression index on PostgreSQL), in the same transaction as the write; built here for
the rows that already exist.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its searchable columns. The names are checked in migrations/env.py too, so
# that `alembic check` does not see these objects as drift.
SEARCHED = {"article": ("title", "text"), "quote": ("text",)}
TOKENIZER = "porter unicode61 remove_diacritics 2"


def _sqlite_upgrade(table: str, columns: tuple[str, ...]) -> None:
    fts = f"{table}_fts"
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZER}')"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, columns in SEARCHED.items():
            _sqlite_upgrade(table, columns)
    elif op.get_bind().dialect.name == "postgresql":
        # The same expressions as app/search.py's, or the planner will not use the index.
        op.execute(
            "CREATE INDEX ix_article_search ON article USING gin "
            "(to_tsvector('english', coalesce(title, '') || ' ' || text))"
        )
        op.execute("CREATE INDEX ix_quote_search ON quote USING gin (to_tsvector('english', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in SEARCHED:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_search")
        op.execute("DROP INDEX IF EXISTS ix_quote_search")

"""word search: a second full-text index of the words as written, for prefixes

The first index (0002) holds stems: "negotiations" is stored as "negoti", so `negotiat*`
found nothing while `negot*` did. Prefixes are now matched against this index of the
unstemmed words (same columns, same triggers), and whole words still against the stems.
On PostgreSQL it is an expression index over the 'simple' configuration (lower case, no
stemming, no stop words).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> its searchable columns, as in 0002. The names are checked in migrations/env.py.
SEARCHED = {"article": ("title", "text"), "quote": ("text",)}
TOKENIZER = "unicode61 remove_diacritics 2"


def _sqlite_upgrade(table: str, columns: tuple[str, ...]) -> None:
    fts = f"{table}_words"
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
        # The same expressions as app/queries/ranked.py's, or the planner will not use the index.
        op.execute(
            "CREATE INDEX ix_article_words ON article USING gin "
            "(to_tsvector('simple', coalesce(title, '') || ' ' || text))"
        )
        op.execute("CREATE INDEX ix_quote_words ON quote USING gin (to_tsvector('simple', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in SEARCHED:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_words_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_words")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_words")
        op.execute("DROP INDEX IF EXISTS ix_quote_words")

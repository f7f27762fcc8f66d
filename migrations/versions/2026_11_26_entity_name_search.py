"""entity name search: trigram indexes for GET /entities?q= (a substring of a name or alias)

A substring LIKE over every entity took 161 ms at 163k entities (bench/RESULTS.md). On
SQLite an FTS5 table with the trigram tokenizer finds the candidates, kept in step with
the entity table by triggers in the writer's transaction; on PostgreSQL, pg_trgm GIN
indexes serve the ILIKE itself. Built here for the rows that already exist.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Checked in migrations/env.py too, so that `alembic check` does not see them as drift.
FTS = "entity_fts"
PG_INDEXES = {
    # The same expressions as app/search.py's ILIKE, or the planner will not use them.
    "ix_entity_name_trgm": "name",
    "ix_entity_aliases_trgm": "(CAST(aliases AS VARCHAR))",
}
TRIGRAM_SINCE = (3, 34, 0)


def _sqlite_upgrade() -> None:
    version = str(op.get_bind().exec_driver_sql("SELECT sqlite_version()").scalar())
    if tuple(int(p) for p in version.split(".")) < TRIGRAM_SINCE:
        raise RuntimeError(f"SQLite {version} has no FTS5 trigram tokenizer: 3.34 or newer is needed")
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS} USING fts5(name, aliases, content='entity', "
        f"content_rowid='id', tokenize='trigram')"
    )
    op.execute(
        f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON entity BEGIN "
        f"INSERT INTO {FTS}(rowid, name, aliases) VALUES (new.id, new.name, new.aliases); END"
    )
    op.execute(
        f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON entity BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, name, aliases) VALUES ('delete', old.id, old.name, old.aliases); END"
    )
    # Every ingest updates the counts of ~10 entities; re-index only when the text changed.
    op.execute(
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON entity "
        f"WHEN old.name IS NOT new.name OR old.aliases IS NOT new.aliases BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, name, aliases) VALUES ('delete', old.id, old.name, old.aliases); "
        f"INSERT INTO {FTS}(rowid, name, aliases) VALUES (new.id, new.name, new.aliases); END"
    )
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def _postgresql_upgrade() -> None:
    # An extension lives in one schema, and dropping that schema with CASCADE drops it with
    # every other schema's trigram indexes: so public when we may, else our own schema.
    home = op.get_bind().execute(
        text("SELECT coalesce((SELECT quote_ident(nspname) FROM pg_namespace WHERE nspname = 'public' "
             "AND has_schema_privilege(oid, 'CREATE')), quote_ident(current_schema()))")
    ).scalar_one()
    op.execute(f"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA {home}")
    # The operator class lives in whichever schema the extension went to (maybe not one
    # on this connection's search_path, if another schema installed it first).
    schema = op.get_bind().execute(
        text("SELECT quote_ident(n.nspname) FROM pg_extension e "
             "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")
    ).scalar_one()
    for name, expression in PG_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON entity USING gin ({expression} {schema}.gin_trgm_ops)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif dialect == "postgresql":
        # pg_trgm stays: other objects in the database may use it.
        for name in PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")

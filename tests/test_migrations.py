"""The schema is made by the migrations alone, and they never drift from the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from app.migrate import alembic_config


def test_models_and_migrations_agree(engine: Engine) -> None:
    # Raises if autogenerate would produce any operation.
    with engine.connect() as conn:
        config = alembic_config(engine)
        config.attributes["connection"] = conn
        command.check(config)


def test_migrations_make_every_table_and_downgrade_to_nothing(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"article", "article_author", "entity", "article_entity", "mention", "quote"} <= tables
    with engine.connect() as conn:
        config = alembic_config(engine)
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
        conn.commit()
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_sqlite_pragmas_are_set(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PRAGMAs are SQLite's")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_instances_starting_at_once_migrate_safely(database_url: str) -> None:
    """Several instances run the migrations on start, together: each must succeed and the
    schema be made once (an advisory lock on PostgreSQL, the write lock on SQLite)."""
    env = {**os.environ, "NEWSDESK_DATABASE_URL": database_url}
    root = Path(__file__).resolve().parents[1]
    procs = [
        subprocess.Popen([sys.executable, "-m", "app.cli", "migrate"], cwd=root, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err[-2000:] for _, err in results]
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    assert "article" in inspect(engine).get_table_names()
    engine.dispose()



def test_pg_trgm_is_not_kept_in_a_schema_that_may_be_dropped(engine: Engine) -> None:
    # Dropping a schema with CASCADE drops the extensions in it, and with them every other
    # schema's trigram indexes: the extension goes to public whenever public can hold it.
    if engine.dialect.name != "postgresql":
        pytest.skip("schemas and extensions are PostgreSQL's")
    with engine.connect() as conn:
        home, ours, public_writable = conn.execute(text(
            "SELECT n.nspname, current_schema(), "
            "coalesce((SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = 'public'), false) "
            "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
        )).one()
    if not public_writable:
        pytest.skip("public cannot hold extensions for this role: the extension stays in our schema")
    assert home == "public" != ours
    assert {"ix_entity_name_trgm", "ix_entity_aliases_trgm"} <= {i["name"] for i in inspect(engine).get_indexes("entity")}

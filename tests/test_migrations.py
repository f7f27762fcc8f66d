"""The schema is made by the migrations alone, and they never drift from the models."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect
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

"""The schema is made by the migrations alone, and they never drift from the models."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

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


def test_an_upgrade_from_nothing_is_one_transaction_on_sqlite(tmp_path: Path) -> None:
    """Every revision is applied under one write lock, taken once: were it released between
    two revisions, an instance waiting for it would read the half-made schema's version and
    apply the next revision a second time ("index ... already exists")."""
    from sqlalchemy import event

    from app.db import make_engine
    from app.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    begins: list[str] = []
    commits: list[int] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, stmt, *_a: begins.append(stmt) if stmt.startswith("BEGIN") else None)
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    upgrade(engine)
    engine.dispose()
    assert begins == ["BEGIN IMMEDIATE"]
    assert len(commits) == 1
    with closing(sqlite3.connect(tmp_path / "fresh.db")) as raw:
        assert raw.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


def test_an_instance_waits_for_migrations_longer_than_a_request_waits(tmp_path: Path) -> None:
    """An instance starting while another holds the write lock (its migrations on a large
    corpus) waits for it, past the 5 s a request waits for a writer, and then succeeds."""
    import time

    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN IMMEDIATE")
    env = {**os.environ, "NEWSDESK_DATABASE_URL": f"sqlite:///{path}"}
    migrating = subprocess.Popen([sys.executable, "-m", "app.cli", "migrate"], cwd=Path(__file__).resolve().parents[1],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(12)  # the process starts (~3 s), then waits past 5 s
    assert migrating.poll() is None, migrating.communicate()  # still waiting, not failed
    holder.execute("COMMIT")
    holder.close()
    _, err = migrating.communicate(timeout=120)
    assert migrating.returncode == 0, err[-2000:]
    engine = create_engine(f"sqlite:///{path}")
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


def test_stored_split_quotes_become_one_quote_with_parts(engine: Engine, make_client: Any) -> None:
    """Rows stored before quotes had parts: pieces of one source and cue in one paragraph
    are joined, a quote stored across its own cue is cut around it, counts follow; cues
    of plans and beliefs are marked as such."""
    body = ("“We will,” Ann Lee said. “We must.”\n"
            "“Not now,” Ann Lee said, “not ever.”\n"
            "“Later,” Ann Lee said.\n“Again.”")
    with engine.connect() as conn:
        config = alembic_config(engine)
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
        now = "2026-11-30 00:00:00"
        conn.execute(text(
            "INSERT INTO article (id, text_hash, authors, language, ingested_at, sort_at, text, word_count, "
            "entity_count, quote_count) VALUES (1, 'h', '[]', 'en', :now, :now, :t, 20, 1, 5)"), {"now": now, "t": body})
        conn.execute(text(
            "INSERT INTO entity (id, name, type, key, aliases, article_count, mention_count, quote_count) "
            "VALUES (1, 'Ann Lee', 'PERSON', 'ann lee', '[]', 1, 3, 5)"))
        said = [m.start() for m in re.finditer("said", body)]
        lee = [m.start() for m in re.finditer("Ann Lee", body)]
        rows = [  # (start, end, cue, speaker): two pieces, one across its cue, a turn in the next paragraph
            (0, 10, said[0], lee[0]), (25, 35, said[0], lee[0]), (36, 72, said[1], lee[1]),
            (73, 81, said[2], lee[2]), (96, 104, said[2], lee[2]),
        ]
        for start, end, cue, who in rows:
            conn.execute(text(
                "INSERT INTO quote (article_id, start, \"end\", text, kind, speaker_name, speaker_entity_id, "
                "speaker_text, speaker_start, speaker_end, cue_text, cue_start, cue_end) VALUES "
                "(1, :s, :e, :t, 'direct', 'Ann Lee', 1, 'Ann Lee', :w, :w2, 'said', :c, :c2)"),
                {"s": start, "e": end, "t": body[start:end], "w": who, "w2": who + 7, "c": cue, "c2": cue + 4})
        conn.execute(text(  # a plan, not speech: marked by its cue
            "INSERT INTO quote (article_id, start, \"end\", text, kind, cue_text, cue_start, cue_end) "
            "VALUES (1, 11, 18, 'Ann Lee', 'indirect', 'planned', 19, 23)"))
        conn.commit()
        command.upgrade(config, "head")
        conn.commit()
        # A person stored before 0009 has its surname filled, so "Lee" alone finds them.
        assert conn.execute(text("SELECT surname FROM entity WHERE id = 1")).scalar() == "lee"
    quotes = make_client().get("/articles/1/quotes").json()["items"]
    assert [q["cue_type"] for q in quotes if q["kind"] == "indirect"] == ["intention"]
    quotes = [q for q in quotes if q["kind"] == "direct"]
    assert all(q["cue_type"] == "speech" for q in quotes)
    assert [[p["text"] for p in q["parts"]] for q in quotes] == [
        ["“We will,”", "“We must.”"], ["“Not now,”", "“not ever.”"], ["“Later,”"], ["“Again.”"]]
    assert all(q["text"] == body[q["start"]:q["end"]] for q in quotes)
    entity = make_client().get("/entities/1").json()
    assert entity["quote_count"] == 4


def _sqlite_error(code: int) -> OperationalError:
    orig = sqlite3.OperationalError("database is locked" if code == 5 else "disk I/O error")
    orig.sqlite_errorcode = code  # type: ignore[attr-defined]
    return OperationalError("BEGIN IMMEDIATE", {}, orig)


def test_an_sqlite_upgrade_found_locked_at_once_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import migrate

    calls: list[int] = []

    def locked_twice(_engine: object) -> None:
        calls.append(1)
        if len(calls) < 3:
            raise _sqlite_error(5)

    monkeypatch.setattr(migrate, "_upgrade", locked_twice)
    monkeypatch.setattr(migrate.time, "sleep", lambda _s: None)
    migrate.upgrade(None)  # type: ignore[arg-type]
    assert len(calls) == 3

    calls.clear()
    def broken(_engine: object) -> None:
        calls.append(1)
        raise _sqlite_error(10)

    monkeypatch.setattr(migrate, "_upgrade", broken)
    with pytest.raises(OperationalError):
        migrate.upgrade(None)  # type: ignore[arg-type]
    assert len(calls) == 1  # another error than "locked" is not tried again

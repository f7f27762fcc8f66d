"""`newsdesk ingest` and `newsdesk extract` from the command line, as a user runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import cli
from app.cli import main
from app.config import get_settings
from tests.samples import FARM, HARBOUR, RAIL, numbered

ROOT = Path(__file__).resolve().parents[1]


def newsdesk(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSDESK_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    (folder / "nested").mkdir(parents=True)
    (folder / "rail.txt").write_text(RAIL, encoding="utf-8")
    (folder / "nested" / "farm.json").write_text(json.dumps({"text": FARM, "url": "https://e.org/farm"}))
    (folder / "many.ndjson").write_text(
        "\n".join(json.dumps({"text": numbered(i)}) for i in range(20)) + "\n{broken\n"
    )
    (folder / "page.html").write_text(
        "<html><head><title>Harbour</title></head><body><nav>Home</nav><article>"
        + "".join(f"<p>{p}</p>" for p in HARBOUR.splitlines()) + "</article></body></html>"
    )
    (folder / "empty.txt").write_text("   \n")
    (folder / "notes.bin").write_bytes(b"\x00\x01")  # not an article format: skipped in folders
    return folder


def count(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM article")).scalar_one())
    engine.dispose()
    return n


def test_ingest_a_folder_then_resume_without_duplicates(archive: Path, database_url: str) -> None:
    first = newsdesk("ingest", str(archive), database_url=database_url)
    assert first.returncode == 1  # two inputs were bad
    assert "ingested 23, duplicates 0, failed 2" in first.stdout
    assert "many.ndjson:21: invalid JSON" in first.stderr
    assert "empty.txt: Invalid article: text: the article text is empty" in first.stderr
    assert count(database_url) == 23

    again = newsdesk("ingest", str(archive), "--workers", "2", database_url=database_url)
    assert "ingested 0, duplicates 23, failed 2" in again.stdout
    assert count(database_url) == 23


def test_ingest_with_two_workers(archive: Path, database_url: str) -> None:
    result = newsdesk("ingest", str(archive / "many.ndjson"), "--workers", "2", database_url=database_url)
    assert "ingested 20, duplicates 0, failed 1" in result.stdout
    assert count(database_url) == 20


def test_extract_prints_the_extraction_and_stores_nothing(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'unused.db'}"
    path = tmp_path / "rail.txt"
    path.write_text(RAIL, encoding="utf-8")
    result = newsdesk("extract", str(path), database_url=database_url)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["title"] == "Rail strike called off after late-night talks"
    assert any(e["name"] == "Priya Natarajan" for e in out["entities"])
    assert out["quotes"] and all(RAIL[q["start"]:q["end"]] == q["text"] for q in out["quotes"])
    missing = newsdesk("extract", str(tmp_path / "nope.txt"), database_url=database_url)
    assert missing.returncode == 1 and "nope.txt" in missing.stderr
    assert not (tmp_path / "unused.db").exists()


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple[int, str]]]:
    """`newsdesk …` through app.cli.main, in process, on a given database; uvicorn never starts."""
    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(a))

    def run(*args: str, database_url: str) -> tuple[int, str]:
        monkeypatch.setenv("NEWSDESK_DATABASE_URL", database_url)
        get_settings.cache_clear()
        code = main(list(args))
        assert not started, "the server started"
        return code, capsys.readouterr().err

    yield run
    get_settings.cache_clear()


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None]]]:
    """A folder, and a function that makes it and its files read-only: by permissions, or
    for root (whom permissions do not stop) by remounting a tmpfs read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        def freeze() -> None:
            for path in folder.iterdir():
                path.chmod(0o444)
            folder.chmod(0o555)

        yield folder, freeze
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder, lambda: subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_serve_on_a_database_that_cannot_be_written_exits_with_one_line(
    run_cli: Callable[..., tuple[int, str]], read_only_folder: tuple[Path, Callable[[], None]], database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        folder, freeze = read_only_folder
        migrated = f"sqlite:///{folder / 'newsdesk.db'}"
        assert run_cli("migrate", database_url=migrated)[0] == 0
        freeze()
        urls = [migrated, f"sqlite:///{folder / 'missing.db'}", f"sqlite:///{folder / 'sub' / 'missing.db'}"]
    else:
        # A read-only role, database or standby: every transaction is read-only.
        url = make_url(database_url)
        options = url.query["options"] + " -cdefault_transaction_read_only=on"
        urls = [url.update_query_dict({"options": options}).render_as_string(hide_password=False)]
    for url in urls:
        code, err = run_cli("serve", database_url=url)
        assert code == cli.EXIT_DATABASE_READ_ONLY, err
        assert _one_line(err).startswith("newsdesk: the database at ")
        assert "cannot be written" in err
    code, err = run_cli("migrate", database_url=urls[0])
    assert code == cli.EXIT_DATABASE_READ_ONLY


def test_serve_on_a_database_the_migrations_do_not_fit_exits_with_one_line(
    run_cli: Callable[..., tuple[int, str]], tmp_path: Path
) -> None:
    unknown = tmp_path / "future.db"
    assert run_cli("migrate", database_url=f"sqlite:///{unknown}")[0] == 0
    conn = sqlite3.connect(unknown)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = 'from_a_newer_release'")
    conn.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database, " * 512)
    for path in (unknown, garbage):
        code, err = run_cli("serve", database_url=f"sqlite:///{path}")
        assert code == cli.EXIT_MIGRATIONS_FAILED, err
        assert _one_line(err).startswith("newsdesk: cannot apply the migrations to ")

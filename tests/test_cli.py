"""`newsdesk ingest` and `newsdesk extract` from the command line, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

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

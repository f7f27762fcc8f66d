"""/docs and /redoc work without internet: every script, style and icon they load is
served by the service itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import migrate
from app.config import Settings
from app.db import make_engine
from app.extraction import InProcess
from app.main import create_app
from app.nlp.pipeline import Extractor

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
ANY_URL = re.compile(r"https?://")


@pytest.fixture
def docs_client(tmp_path: Path, extractor: Extractor) -> Iterator[TestClient]:
    # The docs do not depend on the backend: SQLite alone.
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'docs.db'}", api_keys="")
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    engine.dispose()
    with TestClient(create_app(settings, extractor=InProcess(extractor))) as client:
        yield client


@pytest.mark.parametrize(("page", "needs"), [
    ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css"}),
    ("/redoc", {"redoc.standalone.js"}),
])
def test_docs_pages_load_only_local_assets(docs_client: TestClient, page: str, needs: set[str]) -> None:
    r = docs_client.get(page)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    # No CDN script, no Google font, no favicon from another host.
    assert not ANY_URL.search(r.text), ANY_URL.findall(r.text)
    assets = ASSET.findall(r.text)
    assert {a.rsplit("/", 1)[-1] for a in assets} >= needs
    for asset in assets:
        got = docs_client.get(asset)
        assert got.status_code == 200, asset
        assert len(got.content) > 1000, asset
    # Each page reads the schema the service serves.
    assert "/openapi.json" in r.text
    assert docs_client.get("/openapi.json").status_code == 200


def test_docs_scripts_fetch_nothing_from_outside(docs_client: TestClient) -> None:
    """The bundles themselves load no font or stylesheet from another host."""
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        body = docs_client.get(f"/docs/assets/{name}").text
        assert "fonts.googleapis" not in body and "fonts.gstatic" not in body, name

"""`python -m app.openapi_example`: the OpenAPI page's example response, rendered again.

The example article is ingested into a scratch database by the app itself and read back,
as a client would; the answer is written where app.openapi_docs reads it. Kept apart from
openapi_docs, which the app imports to build its page, so that the page's text does not
import the app."""

from __future__ import annotations

import json
from typing import Any

from app.openapi_docs import EXAMPLE_DETAIL_FILE, example_json_request


def render_example_detail() -> dict[str, Any]:
    """Ingest the example article into a scratch database and read it back, as a client would."""
    import tempfile

    from fastapi.testclient import TestClient

    from app import migrate
    from app.config import Settings
    from app.db import make_engine
    from app.main import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/example.db", api_keys="")
        engine = make_engine(settings.database_url)
        migrate.upgrade(engine)
        engine.dispose()
        with TestClient(create_app(settings)) as client:
            response = client.post("/articles", json=example_json_request())
            response.raise_for_status()
            detail: dict[str, Any] = response.json()
    detail["ingested_at"] = "2026-11-24T09:31:02+00:00"
    return detail


if __name__ == "__main__":
    EXAMPLE_DETAIL_FILE.write_text(json.dumps(render_example_detail(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {EXAMPLE_DETAIL_FILE}")

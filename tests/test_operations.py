"""What operators rely on: request ids, security headers, CORS, metrics, JSON logs."""

from __future__ import annotations

import io
import json
import logging

import pytest
from fastapi.testclient import TestClient

from app.observability import JsonFormatter
from tests.samples import FARM


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/health").headers["x-request-id"]
    assert len(made) == 32
    # An id that could forge log lines is replaced, not echoed.
    assert client.get("/health", headers={"X-Request-ID": "a b\x7f"}).headers["x-request-id"] != "a b\x7f"


@pytest.mark.parametrize("path", ["/health", "/articles", "/articles/424242", "/docs"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    if path != "/docs":
        assert "default-src 'none'" in r.headers["content-security-policy"]


def test_cors_is_off_by_default_and_configurable(client: TestClient, make_client: object) -> None:
    origin = {"Origin": "https://newsroom.example"}
    assert "access-control-allow-origin" not in client.get("/articles", headers=origin).headers
    open_client = make_client(cors_origins="https://newsroom.example")  # type: ignore[operator]
    r = open_client.get("/articles", headers=origin)
    assert r.headers["access-control-allow-origin"] == "https://newsroom.example"
    other = open_client.get("/articles", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_metrics_count_requests_and_ingestion(client: TestClient) -> None:
    client.post("/articles", json={"text": FARM})
    client.get("/articles")
    body = client.get("/metrics").text
    assert 'newsdesk_http_requests_total{method="GET",route="/articles",status="200"}' in body
    assert "newsdesk_articles_ingested_total" in body
    assert "newsdesk_extraction_seconds_count" in body


def test_logs_are_json_with_the_request_id(client: TestClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("newsdesk.access")
    logger.addHandler(handler)
    try:
        client.get("/articles", headers={"X-Request-ID": "req-42"})
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "req-42"
    assert line["route"] == "/articles"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0


def test_a_missing_spacy_model_is_a_clear_startup_error(tmp_path: object) -> None:
    from app.config import Settings
    from app.main import create_app
    from app.nlp.pipeline import ModelNotFoundError

    app = create_app(Settings(database_url="sqlite:///:memory:", spacy_model="xx_no_such_pipeline"))
    with pytest.raises(ModelNotFoundError, match="xx_no_such_pipeline"), TestClient(app):
        pass

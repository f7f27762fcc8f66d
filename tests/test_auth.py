"""Writes need a key when keys are configured; reads never do."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.samples import FARM

KEY = "s3cret-key-0123456789"


@pytest.fixture
def locked(make_client: object) -> TestClient:
    return make_client(api_keys=f"other-key, {KEY}")  # type: ignore[operator]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}, {"Authorization": f"Basic {KEY}"},
     {"X-API-Key": KEY[:-1]}, {"X-API-Key": KEY, "Authorization": "Bearer wrong"},
     {"X-API-Key": "wrong", "Authorization": f"Bearer {KEY}"}, {"X-API-Key": KEY, "Authorization": "Basic abc"}],
)
def test_writes_without_a_valid_key_are_401(locked: TestClient, headers: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    r = locked.post("/articles", json={"text": FARM}, headers=headers)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["www-authenticate"] == "Bearer"
    assert KEY not in r.text and "other-key" not in r.text
    assert KEY not in caplog.text
    assert locked.delete("/articles/1", headers=headers).status_code == 401
    assert locked.post("/articles/batch", json=[{"text": FARM}], headers=headers).status_code == 401


@pytest.mark.parametrize("headers", [{"Authorization": f"Bearer {KEY}"}, {"X-API-Key": KEY}, {"X-API-Key": "other-key"}])
def test_writes_with_a_valid_key_pass(locked: TestClient, headers: dict[str, str]) -> None:
    r = locked.post("/articles", json={"text": FARM}, headers=headers)
    assert r.status_code in (200, 201)


def test_whitespace_around_a_key_counts_the_same_in_both_headers(locked: TestClient) -> None:
    # One rule for both headers: surrounding spaces and tabs are not part of the key.
    for headers in ({"X-API-Key": f"{KEY}  "}, {"Authorization": f"Bearer {KEY}  "}, {"X-API-Key": f" {KEY}\t"},
                    {"X-API-Key": f"{KEY} ", "Authorization": f"Bearer  {KEY}"}):
        r = locked.post("/articles", json={"text": FARM}, headers=headers)
        assert r.status_code in (200, 201), (headers, r.text)
    for headers in ({"X-API-Key": "   "}, {"X-API-Key": f"{KEY[:5]} {KEY[5:]}"}, {"Authorization": "Bearer   "}):
        assert locked.post("/articles", json={"text": FARM}, headers=headers).status_code == 401, headers


def test_reads_are_open(locked: TestClient) -> None:
    assert locked.get("/articles").status_code == 200
    assert locked.get("/entities").status_code == 200
    assert locked.get("/quotes").status_code == 200


def test_no_keys_means_open_writes(client: TestClient) -> None:
    assert client.post("/articles", json={"text": FARM}).status_code == 201

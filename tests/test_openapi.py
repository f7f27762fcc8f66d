"""The served OpenAPI document is one clients can be generated from: valid, its examples
true to their own schemas, every problem type and header it can send declared."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource

from app import errors, extraction
from app.errors import PROBLEM_SLUGS, AppError

APP = Path(__file__).parent.parent / "app"
METHODS = {"get", "post", "delete"}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from app import migrate
    from app.config import Settings
    from app.db import make_engine
    from app.main import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('openapi') / 'spec.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url, api_keys=""))) as client:
        served: dict[str, Any] = client.get("/openapi.json").json()
    return served


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                yield path, method, op


def test_the_served_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)  # raises on the first error
    assert spec["openapi"].startswith("3.1")


def test_every_example_is_valid_against_its_own_schema(spec: dict[str, Any]) -> None:
    registry: Registry[Any] = Registry().with_resource("urn:spec", Resource.from_contents(
        spec, default_specification=_draft()))
    checked = 0
    for path, method, op in operations(spec):
        media = [*op.get("requestBody", {}).get("content", {}).values()]
        media += [m for r in op["responses"].values() for m in r.get("content", {}).values()]
        for m in media:
            if "example" not in m:
                continue
            schema = _resolvable(m["schema"])
            errors_ = list(Draft202012Validator(schema, registry=registry).iter_errors(m["example"]))
            assert not errors_, (path, method, [e.message for e in errors_[:3]])
            checked += 1
    assert checked >= 3  # the article in, the article out, the batch in


def test_the_article_example_keeps_its_nulls(spec: dict[str, Any]) -> None:
    # An unnamed source's `entity_id: null` used to vanish from the example, which broke it.
    example = spec["paths"]["/articles"]["post"]["responses"]["201"]["content"]["application/json"]["example"]
    assert all("entity_id" in q["speaker"] for q in example["quotes"] if q["speaker"])
    assert "next_cursor" not in example and "url" in example


def test_pages_and_lists_have_names_a_client_can_use(spec: dict[str, Any]) -> None:
    schemas = set(spec["components"]["schemas"])
    assert {"ArticlePage", "EntityPage", "QuotePage", "ArticleEntityList", "QuoteList"} <= schemas
    assert not [name for name in schemas if re.search(r"[\[\]_]", name)]
    kind_param = next(p for p in spec["paths"]["/quotes"]["get"]["parameters"] if p["name"] == "kind")
    assert "QuoteKind" in str(kind_param["schema"])
    assert spec["components"]["schemas"]["Quote"]["properties"]["kind"] == {"$ref": "#/components/schemas/QuoteKind"}


def test_the_article_body_is_text_or_html(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    registry: Registry[Any] = Registry().with_resource("urn:spec", Resource.from_contents(
        spec, default_specification=_draft()))
    validator = Draft202012Validator(_resolvable({"$ref": "#/components/schemas/ArticleCreate"}), registry=registry)
    assert validator.is_valid({"text": "A sentence."})
    assert validator.is_valid({"html": "<p>A sentence.</p>", "url": "https://example.org/a"})
    assert not validator.is_valid({"txet": 1})
    assert not validator.is_valid({"title": "Only a title"})
    assert schemas["ArticleText"]["required"] == ["text"]
    assert not validator.is_valid({"text": None})
    assert "html" not in schemas["ArticleText"]["properties"]
    assert "text" not in schemas["ArticleHtml"]["properties"]


def test_fields_that_may_be_left_out_have_no_null_default(spec: dict[str, Any]) -> None:
    # openapi-typescript reads `default` as "always there" and makes the field required:
    # every optional article field would have to be sent, `errors` expected on every problem.
    schemas = spec["components"]["schemas"]
    nulls = [(name, field) for name, model in schemas.items()
             for field, prop in model.get("properties", {}).items() if prop.get("default", ...) is None]
    assert not nulls
    assert "title" not in schemas["ArticleText"]["required"]
    assert "errors" not in schemas["Problem"]["required"]


def test_an_item_that_failed_says_why_as_a_problem(spec: dict[str, Any]) -> None:
    problem = {"$ref": "#/components/schemas/Problem"}
    for name in ("BatchItem", "JobItem"):
        assert problem in spec["components"]["schemas"][name]["properties"]["error"]["anyOf"], name


def test_reads_need_no_key_and_writes_say_which(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        if method == "get":
            assert op["security"] == [], (path, method)
            assert "401" not in op["responses"], (path, method)
        elif path != "/metrics":
            assert op["security"], (path, method)
            assert "401" in op["responses"], (path, method)


def test_only_errors_an_operation_can_give_are_listed(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    for path in ("/articles", "/entities", "/quotes"):
        assert "404" not in paths[path]["get"]["responses"], path
    assert "404" in paths["/articles/{article_id}"]["get"]["responses"]
    assert "413" not in paths["/articles/{article_id}"]["delete"]["responses"]
    assert {"401", "413", "415", "422", "503"} <= set(paths["/articles"]["post"]["responses"])


def test_headers_are_declared(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            assert "X-Request-ID" in response["headers"], (path, method, status)
            assert ("Retry-After" in response["headers"]) == (status == "503"), (path, method, status)


def test_every_problem_type_the_service_sends_is_listed(spec: dict[str, Any]) -> None:
    listed = set(spec["components"]["schemas"]["Problem"]["properties"]["type"]["enum"])
    assert "about:blank" in listed
    assert extraction.ExtractionTimedOut.slug in PROBLEM_SLUGS  # an AppError outside errors.py
    subclasses: list[type[AppError]] = [AppError]
    while subclasses:
        cls = subclasses.pop()
        assert f"urn:newsdesk:problem:{cls.slug}" in listed, cls
        subclasses += cls.__subclasses__()
    # Problems built without an AppError name their type where they are built.
    for source in APP.rglob("*.py"):
        for slug in re.findall(r'slug="([a-z-]+)"', source.read_text(encoding="utf-8")):
            assert f"urn:newsdesk:problem:{slug}" in listed, (source, slug)
    assert errors.problem_body(422, "x", slug="invalid-input")["type"] in listed


def _draft() -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def _resolvable(node: Any) -> Any:
    # `#/components/...` points into the OpenAPI document, registered as urn:spec.
    if isinstance(node, dict):
        return {k: ("urn:spec" + v if k == "$ref" and v.startswith("#/") else _resolvable(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolvable(v) for v in node]
    return node

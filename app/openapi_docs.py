"""What the OpenAPI page shows beyond the signatures: request forms, examples, errors.

The example response is a real extraction of the example article, regenerated with
`python -m app.openapi_example` (a test fails when it drifts from what the extractor says)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from app.nlp.plaintext import parse_plain_article

EXAMPLES = Path(__file__).parent / "examples"
EXAMPLE_TEXT_FILE = EXAMPLES / "article.txt"
EXAMPLE_DETAIL_FILE = EXAMPLES / "article_detail.json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


# Only what an operation can really answer: a listing has no id to miss, a DELETE no body.
LIST_ERRORS: dict[int | str, dict[str, Any]] = {
    422: _problem("Invalid parameters: `errors` lists each"),
    503: _problem("Busy, or the database is unavailable; `Retry-After` says when to try again"),
}
ERRORS: dict[int | str, dict[str, Any]] = {404: _problem("No resource with that id"), **LIST_ERRORS}
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: _problem("A valid API key is required (when NEWSDESK_API_KEYS is set)"),
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **UNAUTHORIZED,
    413: _problem("The body is larger than NEWSDESK_MAX_BODY_BYTES"),
    415: _problem("Unsupported content type"),
    **LIST_ERRORS,
}
DELETE_ERRORS: dict[int | str, dict[str, Any]] = {**UNAUTHORIZED, **ERRORS}


CONFLICT = _problem("The job has finished already")
JOB_EXAMPLE: dict[str, Any] = {
    "id": 42,
    "kind": "ingest",
    "status": "running",
    "created_at": "2026-12-06T09:30:00+00:00",
    "finished_at": None,
    "counts": {"total": 3, "queued": 1, "running": 0, "stored": 1, "duplicate": 0, "failed": 1, "cancelled": 0},
    "items": [
        {"index": 0, "state": "done", "status": 201, "id": 7},
        {"index": 1, "state": "failed", "status": 422, "error": {
            "type": "urn:newsdesk:problem:extraction-timeout", "title": "Unprocessable Content", "status": 422,
            "detail": "Entities and quotes could not be extracted from this article within 30 seconds; "
                      "it is not stored."}},
        {"index": 2, "state": "queued", "status": None},
    ],
}
WAIT_DESCRIPTION = (
    "false: answer at once with `202 Accepted` and a job (`Location: /jobs/{id}`) that queue workers "
    "carry out; poll `GET /jobs/{id}`. true (the default): store before answering."
)
ACCEPTED_EXAMPLE: dict[str, Any] = {
    **JOB_EXAMPLE, "status": "queued",
    "counts": {"total": 1, "queued": 1, "running": 0, "stored": 0, "duplicate": 0, "failed": 0, "cancelled": 0},
    "items": [{"index": 0, "state": "queued", "status": None}],
}
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "With `wait=false`: the articles are stored as a job, to be extracted by queue workers",
        "headers": {"Location": {"schema": {"type": "string"}, "description": "`/jobs/{id}`"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobDetail"},
                                         "example": ACCEPTED_EXAMPLE}},
    },
    503: _problem("The database is unavailable, or (`wait=false`) the job queue is full: "
                  "`Retry-After` says when to try again"),
}

REEXTRACTION_EXAMPLE: dict[str, Any] = {
    "id": 43, "kind": "reextract", "status": "queued", "created_at": "2026-12-07T03:00:00+00:00",
    "finished_at": None,
    "counts": {"total": 10000, "queued": 10000, "running": 0, "stored": 0, "duplicate": 0, "failed": 0,
               "cancelled": 0},
    "items": [],
}
REEXTRACTION_RUNNING_EXAMPLE: dict[str, Any] = {
    **REEXTRACTION_EXAMPLE, "status": "running",
    "counts": {**REEXTRACTION_EXAMPLE["counts"], "queued": 6984, "running": 16, "stored": 3000},
}
_JOB_REF = {"$ref": "#/components/schemas/JobDetail"}
_LOCATION = {"Location": {"schema": {"type": "string"}, "description": "`/jobs/{id}`"}}
REEXTRACTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Queued: the job of the articles to extract again (done at once when there are none)",
          "headers": _LOCATION,
          "content": {"application/json": {"schema": _JOB_REF, "example": REEXTRACTION_EXAMPLE}}},
    200: {"description": "A re-extraction is unfinished already: that job, which goes on",
          "headers": _LOCATION,
          "content": {"application/json": {"schema": _JOB_REF, "example": REEXTRACTION_RUNNING_EXAMPLE}}},
    **UNAUTHORIZED,
    403: _problem("The server has no API keys configured (NEWSDESK_API_KEYS): re-extraction is not offered"),
    503: _problem("The job queue or the database is unavailable: `Retry-After` says when to try again"),
}


def _links(param: str, source: str, operations: tuple[str, ...]) -> dict[str, Any]:
    return {op: {"operationId": op, "parameters": {param: source}} for op in operations}


# OpenAPI links: what a client (and Schemathesis's stateful tests) can do next with an answer.
ARTICLE_LINKS = _links(
    "article_id", "$response.body#/id",
    ("get_article", "get_article_entities", "get_article_quotes", "delete_article"),
)
ENTITY_LINKS = _links(
    "entity_id", "$response.body#/entities/0/id",
    ("get_entity", "get_entity_articles", "get_entity_quotes"),
)


@cache
def example_text() -> str:
    return EXAMPLE_TEXT_FILE.read_text(encoding="utf-8")


@cache
def example_detail() -> dict[str, Any] | None:
    if not EXAMPLE_DETAIL_FILE.exists():
        return None
    return json.loads(EXAMPLE_DETAIL_FILE.read_text(encoding="utf-8"))


def example_json_request() -> dict[str, Any]:
    parsed = parse_plain_article(example_text())
    return {
        "text": parsed.text,
        "title": parsed.title,
        "authors": parsed.authors,
        "url": "https://news.example.org/2026/11/port-elwin-tidal-power",
        "source": "Example News",
        "published_at": "2026-11-24T09:30:00Z",
    }


ARTICLE_SCHEMA_REF = {"$ref": "#/components/schemas/ArticleCreate"}
ARTICLE_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": "JSON; plain text as published (title line, body, final `By NAME[, NAME and NAME]` "
                   "line); or an HTML page",
    "content": {
        "application/json": {"schema": ARTICLE_SCHEMA_REF, "example": example_json_request()},
        "text/plain": {"schema": {"type": "string"}, "example": example_text()},
        "text/html": {"schema": {"type": "string"}, "example": "<html>…</html>"},
    },
}
BATCH_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": "A JSON array of articles, or NDJSON: one article object (as in the JSON form) per line",
    "content": {
        "application/json": {
            "schema": {"type": "array", "items": ARTICLE_SCHEMA_REF, "minItems": 1, "maxItems": 1000},
            "example": [example_json_request()],
        },
        "application/x-ndjson": {"schema": {"type": "string"}},
    },
}


HEADERS = {
    "X-Request-ID": {"description": "The request's id: the client's own if it sent one, else a new one; "
                                    "it is in the service's log line for the request",
                     "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}},
}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def finish(schema: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI's generator leaves out: reads open to all, the headers every answer
    carries, an article body that generators can type, and examples with their nulls."""
    schema["servers"] = [{"url": "/"}]
    schema["info"]["license"] = {"name": "MIT", "identifier": "MIT"}
    components = schema["components"]
    components["headers"] = HEADERS
    for operations in schema["paths"].values():
        for method in METHODS:
            if (operation := operations.get(method)) is None:
                continue
            operation.setdefault("security", [])  # reads need no key
            for status, response in operation["responses"].items():
                headers = response.setdefault("headers", {})
                headers["X-Request-ID"] = {"$ref": "#/components/headers/X-Request-ID"}
                if status == "503":
                    headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    _split_article_body(components["schemas"])
    for model in components["schemas"].values():
        _drop_null_defaults(model)
    # The generator drops null values from examples (`speaker.entity_id: null` of an unnamed
    # source), which leaves an example its own schema refuses: put the real one back.
    if (detail := example_detail()) is not None:
        created = schema["paths"]["/articles"]["post"]["responses"]["201"]
        created["content"]["application/json"]["example"] = detail
    for path, method, status, example in (("/articles", "post", "202", ACCEPTED_EXAMPLE),
                                          ("/articles/batch", "post", "202", ACCEPTED_EXAMPLE),
                                          ("/jobs/{job_id}", "get", "200", JOB_EXAMPLE),
                                          ("/reextractions", "post", "202", REEXTRACTION_EXAMPLE),
                                          ("/reextractions", "post", "200", REEXTRACTION_RUNNING_EXAMPLE)):
        schema["paths"][path][method]["responses"][status]["content"]["application/json"]["example"] = example
    return schema


def _split_article_body(schemas: dict[str, Any]) -> None:
    # `text` or `html` is required: as two named object schemas rather than a bare `anyOf`
    # of `required` lists, which client generators cannot turn into a type. Each names only
    # its own body field, as a string: `null` there, or both fields, is a 422.
    article = schemas["ArticleCreate"]
    article.pop("anyOf", None)
    for name, field, other, what in (
        ("ArticleText", "text", "html", "The article's text"),
        ("ArticleHtml", "html", "text", "A whole HTML page, the text extracted from it"),
    ):
        properties = {k: v for k, v in article["properties"].items() if k != other}
        string = next(s for s in properties[field]["anyOf"] if s.get("type") == "string")
        properties[field] = {"title": properties[field]["title"], **string}
        schemas[name] = {**article, "title": name, "description": what, "properties": properties,
                         "required": [field]}
    schemas["ArticleCreate"] = {
        "title": "ArticleCreate", "description": article.get("description", ""),
        "anyOf": [{"$ref": "#/components/schemas/ArticleText"}, {"$ref": "#/components/schemas/ArticleHtml"}],
    }


def _drop_null_defaults(model: dict[str, Any]) -> None:
    # pydantic writes `default: null` for a field that may be left out. openapi-typescript
    # reads a default as "the server fills it in" and makes the field required, so a client
    # would have to send every optional field of an article, and would expect `errors` on
    # every problem, where it is absent unless there are field errors.
    for field in model.get("properties", {}).values():
        if "default" in field and field["default"] is None:
            del field["default"]

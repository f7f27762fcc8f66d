"""Articles: ingest, read, delete. Thin: parse the request, call the service, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
import orjson
from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from app import intake, services
from app.auth import WriteAccess
from app.deps import (
    JSON,
    MAX_ID,
    SEARCH_HELP,
    Cursor,
    EngineDep,
    ExtractorDep,
    Id,
    Limit,
    QueryText,
    SourceFilter,
    read_row,
    run_read,
    run_write,
)
from app.errors import InvalidInput, NotFound, UnsupportedMediaType
from app.jobs.accept import accept
from app.openapi_docs import (
    ACCEPTED,
    ARTICLE_LINKS,
    ARTICLE_REQUEST_BODY,
    DELETE_ERRORS,
    ENTITY_LINKS,
    ERRORS,
    LIST_ERRORS,
    WAIT_DESCRIPTION,
    WRITE_ERRORS,
    example_detail,
)
from app.prepared import Reader
from app.queries import articles, documents, quotes
from app.schemas import ArticleDetail, ArticleEntityList, ArticlePage, QuoteList, Timestamp

router = APIRouter(prefix="/articles", tags=["articles"])


async def read_article(request: Request) -> intake.NewArticle:
    """The article in the request body, whichever of the accepted forms it came in."""
    content_type = request.headers.get("content-type", "")
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip()
    body = await request.body()
    if media_type == "application/json" or media_type.endswith("+json"):
        return intake.from_json(parse_json(body))
    if media_type == "text/plain":
        return intake.from_plain_text(body, charset)
    if media_type == "text/html":
        return await anyio.to_thread.run_sync(intake.from_html, body, charset, abandon_on_cancel=True)
    raise UnsupportedMediaType(
        f"Unsupported content type {media_type or '(none)'!r}: send application/json, "
        "text/plain; charset=utf-8 or text/html."
    )


def parse_json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(
            f"The body is not valid JSON: {exc.msg}.",
            errors=[{"loc": ["body"], "msg": "invalid JSON", "type": "json_invalid"}],
        ) from None


@router.post(
    "",
    response_model=ArticleDetail,
    status_code=status.HTTP_201_CREATED,
    dependencies=[WriteAccess],
    summary="Ingest an article",
    description=(
        "Stores an article with its entities and quotes, extracted on ingest. Send JSON, "
        "plain text as published (title line, body, `By NAME` line) or an HTML page. "
        "The same article sent again (same `url`, or the same text once whitespace is "
        "normalised) is not stored twice: the answer is `200` with the stored article. "
        "With `wait=false` the answer is `202` and a job, at once."
    ),
    openapi_extra={"requestBody": ARTICLE_REQUEST_BODY},
    responses={
        201: {"description": "Stored", "headers": {"Location": {"schema": {"type": "string"}}},
              "content": {"application/json": {"example": example_detail()}}, "links": ARTICLE_LINKS},
        200: {"model": ArticleDetail, "description": "Already stored: the existing article",
              "links": ARTICLE_LINKS},
        **WRITE_ERRORS,
        **ACCEPTED,
    },
)
async def create_article(
    request: Request, extractor: ExtractorDep, engine: EngineDep,
    wait: Annotated[bool, Query(description=WAIT_DESCRIPTION)] = True,
) -> Response:
    article = await read_article(request)
    if not wait:
        return await accept(request, [article])
    # Past the request time limit the client is answered at once; the thread finishes its
    # one transaction on its own.
    stored = await run_write(request, services.ingest, engine, extractor, article)
    # The extraction process that stored it read its document too: no read here then.
    detail: bytes | dict[str, Any] | None = stored.document
    if detail is None:
        detail = await run_read(request, documents.article_document, stored.id)
    return _document(detail, status_code=201 if stored.created else 200, headers={"Location": f"/articles/{stored.id}"})


# Reads run their SQL in a read thread (run_read), one hop per request: a search that
# takes seconds must not hold the event loop, and so every other request, with it.


@router.get("", response_model=ArticlePage, summary="List articles, newest first",
            responses=LIST_ERRORS)
async def list_articles(
    request: Request,
    limit: Limit = 20,
    cursor: Cursor = None,
    q: Annotated[QueryText, Query(max_length=200, description="Words in the title or text. " + SEARCH_HELP)] = None,
    source: SourceFilter = None,
    author: Annotated[QueryText, Query(max_length=2000, description="Part of an author's name, any case: "
                                       "`meg james` finds \"Meg James\"")] = None,
    entity_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Mentions this entity")] = None,
    speaker_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Quotes this entity")] = None,
    published_after: Annotated[Timestamp | None, Query(description="Inclusive, RFC 3339")] = None,
    published_before: Annotated[Timestamp | None, Query(description="Exclusive, RFC 3339")] = None,
) -> Response:
    filters = articles.ArticleFilters(
        q=q,
        source=source,
        author=author,
        entity_id=entity_id,
        speaker_id=speaker_id,
        published_after=published_after,
        published_before=published_before,
    )
    return JSON(await run_read(request, articles.list_articles, filters, cursor, limit))


@router.get("/{article_id:int}", response_model=ArticleDetail, summary="One article with its entities and quotes",
            responses={200: {"links": ENTITY_LINKS}, **ERRORS})
async def get_article(request: Request, article_id: Id) -> Response:
    stored = await read_row(request, documents.current_document, article_id)
    if stored is not None:
        return _document(stored)
    # No document of this release's shape (or no article): rendered live, in a read thread.
    detail = await run_read(request, documents.article_document, article_id)
    if detail is None:
        raise NotFound(f"No article with id {article_id}.")
    return _document(detail)


def _document(detail: bytes | dict[str, Any] | None, status_code: int = 200,
              headers: dict[str, str] | None = None) -> Response:
    """The stored document as it is (it is the answer's JSON), or one rendered now."""
    if isinstance(detail, bytes):
        return Response(detail, status_code=status_code, headers=headers, media_type=JSON.media_type)
    return JSON(detail, status_code=status_code, headers=headers)


@router.get("/{article_id:int}/entities", response_model=ArticleEntityList,
            summary="The article's entities, most salient first", responses=ERRORS)
async def get_article_entities(request: Request, article_id: Id) -> Response:
    return JSON(await run_read(request, _of_article, articles.article_entities, article_id))


@router.get("/{article_id:int}/quotes", response_model=QuoteList,
            summary="The article's quotes, in text order", responses=ERRORS)
async def get_article_quotes(request: Request, article_id: Id) -> Response:
    return JSON(await run_read(request, _of_article, quotes.article_quotes, article_id))


def _of_article(db: Reader, items: Any, article_id: int) -> dict[str, Any]:
    if not articles.article_exists(db, article_id):
        raise NotFound(f"No article with id {article_id}.")
    return {"items": items(db, article_id)}


@router.delete("/{article_id:int}", status_code=204, dependencies=[WriteAccess],
               summary="Delete an article with its mentions and quotes", responses=DELETE_ERRORS)
async def delete_article(request: Request, article_id: Id, engine: EngineDep) -> Response:
    if not await run_write(request, services.delete_article, engine, article_id):
        raise NotFound(f"No article with id {article_id}.")
    return Response(status_code=204)

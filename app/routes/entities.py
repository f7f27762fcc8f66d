"""Corpus-wide entities: who and what the news is about, and what they said."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import exports
from app.deps import JSON, CueTypeFilter, Cursor, EntityTypeFilter, Id, Limit, QueryText, run_read
from app.errors import NotFound
from app.openapi_docs import ERRORS, LIST_ERRORS
from app.prepared import Reader
from app.queries import articles, entities, quotes
from app.schemas import ArticlePage, Entity, EntityPage, QuotePage

router = APIRouter(prefix="/entities", tags=["entities"])


@router.get("", response_model=EntityPage, summary="List entities, most written-about (or most quoted) first",
            responses={**exports.file_responses(exports.ENTITY_COLUMNS_HELP), **LIST_ERRORS})
async def list_entities(
    request: Request,
    limit: Limit = 20,
    cursor: Cursor = None,
    type: EntityTypeFilter = None,
    q: Annotated[QueryText, Query(max_length=200, description="Part of the name or an alias")] = None,
    sort: Annotated[Literal["articles", "quotes"], Query(
        description="`articles`: most written-about first (`article_count`); `quotes`: most quoted first "
                    "(`quote_count`)")] = "articles",
    format: exports.FormatParam = None,
) -> Response:
    listing = partial(entities.list_entities, type_=type, q=q, sort=sort)
    if (fmt := exports.chosen_format(request, format)) != "json":
        return await exports.stream(fmt, "entities", exports.ENTITY_COLUMNS, lambda c: run_read(
            request, partial(listing, cursor=c or cursor, limit=exports.EXPORT_PAGE)))
    return JSON(await run_read(request, partial(listing, cursor=cursor, limit=limit)))


@router.get("/{entity_id:int}", response_model=Entity, summary="One entity", responses=ERRORS)
async def get_entity(request: Request, entity_id: Id) -> Response:
    found = await run_read(request, entities.get_entity, entity_id)
    if found is None:
        raise NotFound(f"No entity with id {entity_id}.")
    return JSON(found)


@router.get("/{entity_id:int}/articles", response_model=ArticlePage,
            summary="Articles that mention the entity, newest first", responses=ERRORS)
async def get_entity_articles(request: Request, entity_id: Id, limit: Limit = 20, cursor: Cursor = None) -> Response:
    return JSON(await run_read(request, _of_entity, entity_id, partial(articles.entity_articles, entity_id=entity_id,
                                                                      cursor=cursor, limit=limit)))


@router.get("/{entity_id:int}/quotes", response_model=QuotePage,
            summary="Quotes the entity spoke, newest first",
            responses={**exports.file_responses(exports.QUOTE_COLUMNS_HELP), **ERRORS})
async def get_entity_quotes(request: Request, entity_id: Id, limit: Limit = 20, cursor: Cursor = None,
                            cue_type: CueTypeFilter = "speech", format: exports.FormatParam = None) -> Response:
    listing = partial(quotes.list_quotes, q=None, speaker_id=entity_id, article_id=None, kind=None,
                      cue_type=None if cue_type == "all" else cue_type, listing="entity-quotes")
    if (fmt := exports.chosen_format(request, format)) != "json":
        # Checked before the answer starts: an unknown entity is a 404, not an empty file.
        await run_read(request, _of_entity, entity_id, lambda _db: None)
        return await exports.stream(fmt, f"entity-{entity_id}-quotes", exports.QUOTE_COLUMNS, lambda c: run_read(
            request, partial(listing, cursor=c or cursor, limit=exports.EXPORT_PAGE)))
    return JSON(await run_read(request, _of_entity, entity_id, partial(listing, cursor=cursor, limit=limit)))


def _of_entity(db: Reader, entity_id: int, listing: Any) -> dict[str, Any]:
    if not entities.entity_exists(db, entity_id):
        raise NotFound(f"No entity with id {entity_id}.")
    return listing(db)

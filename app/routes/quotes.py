"""Quotes across the corpus: who said what."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import exports
from app.deps import JSON, MAX_ID, SEARCH_HELP, CueTypeFilter, Cursor, Limit, QueryText, SourceFilter, run_read
from app.openapi_docs import LIST_ERRORS
from app.queries import quotes
from app.schemas import QuoteKind, QuotePage, Timestamp

router = APIRouter(prefix="/quotes", tags=["quotes"])


@router.get("", response_model=QuotePage, summary="List quotes, newest first",
            responses={**exports.file_responses(exports.QUOTE_COLUMNS_HELP), **LIST_ERRORS})
async def list_quotes(
    request: Request,
    limit: Limit = 20,
    cursor: Cursor = None,
    q: Annotated[QueryText, Query(max_length=200, description="Words in the quote. " + SEARCH_HELP)] = None,
    speaker_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="The speaking entity")] = None,
    article_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    kind: QuoteKind | None = None,
    cue_type: CueTypeFilter = "speech",
    source: SourceFilter = None,
    published_after: Annotated[Timestamp | None, Query(description="The article's, inclusive, RFC 3339")] = None,
    published_before: Annotated[Timestamp | None, Query(description="The article's, exclusive, RFC 3339")] = None,
    format: exports.FormatParam = None,
) -> Response:
    listing = partial(
        quotes.list_quotes, q=q, speaker_id=speaker_id, article_id=article_id, kind=kind and kind.value,
        cue_type=None if cue_type == "all" else cue_type, source=source,
        published_after=published_after, published_before=published_before)
    if (fmt := exports.chosen_format(request, format)) != "json":
        return await exports.stream(fmt, "quotes", exports.QUOTE_COLUMNS, lambda c: run_read(
            request, partial(listing, cursor=c or cursor, limit=exports.EXPORT_PAGE)))
    return JSON(await run_read(request, partial(listing, cursor=cursor, limit=limit)))

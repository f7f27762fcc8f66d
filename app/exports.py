"""Listings as files for pandas and R: CSV and NDJSON, streamed a page at a time.

A whole corpus is exported in constant memory: the listing's own query is read in pages
of EXPORT_PAGE rows along its keyset cursor, each page written out before the next is
read. The columns are documented in the OpenAPI (`*_COLUMNS` below, in order)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any, Literal

import orjson
from fastapi import Query, Request
from fastapi.responses import StreamingResponse

Format = Literal["json", "csv", "ndjson"]
MEDIA_TYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
EXPORT_PAGE = 500

FormatParam = Annotated[
    Format | None,
    Query(description="`csv` or `ndjson` for the whole listing as one streamed file (same filters, every "
                      "page); the same as `Accept: text/csv` or `Accept: application/x-ndjson`. Default: `json`, "
                      "one page."),
]

QUOTE_COLUMNS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "id": lambda q: q["id"],
    "article_id": lambda q: q["article_id"],
    "kind": lambda q: q["kind"],
    "cue_type": lambda q: q["cue_type"],
    "speaker_name": lambda q: (q["speaker"] or {}).get("name"),
    "speaker_entity_id": lambda q: (q["speaker"] or {}).get("entity_id"),
    "speaker_text": lambda q: (q["speaker"] or {}).get("mention", {}).get("text"),
    "cue_text": lambda q: (q["cue"] or {}).get("text"),
    "start": lambda q: q["start"],
    "end": lambda q: q["end"],
    "text": lambda q: q["text"],
}
ENTITY_COLUMNS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "id": lambda e: e["id"],
    "name": lambda e: e["name"],
    "type": lambda e: e["type"],
    "aliases": lambda e: "; ".join(e["aliases"] or []),
    "article_count": lambda e: e["article_count"],
    "mention_count": lambda e: e["mention_count"],
    "quote_count": lambda e: e["quote_count"],
}
QUOTE_COLUMNS_HELP = (
    "CSV columns: id, article_id, kind, cue_type, speaker_name, speaker_entity_id, speaker_text, cue_text, "
    "start, end, text (empty for none). NDJSON: one Quote object a line."
)
ENTITY_COLUMNS_HELP = (
    "CSV columns: id, name, type, aliases (joined by `; `), article_count, mention_count, quote_count. "
    "NDJSON: one Entity object a line."
)


def chosen_format(request: Request, format: Format | None) -> Format:
    """`format=` wins; else the first of CSV or NDJSON that Accept names; else JSON."""
    if format is not None:
        return format
    for part in request.headers.get("accept", "").split(","):
        media_type = part.split(";", 1)[0].strip().lower()
        if media_type == "text/csv":
            return "csv"
        if media_type in ("application/x-ndjson", "application/jsonl", "application/jsonlines"):
            return "ndjson"
    return "json"


def file_responses(columns_help: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI of a listing's 200 in the file formats."""
    return {200: {"description": f"A page of JSON, or the whole listing as a file. {columns_help}",
                  "content": {"text/csv": {"schema": {"type": "string"}},
                              "application/x-ndjson": {"schema": {"type": "string"}}}}}


async def stream(fmt: Format, name: str, columns: dict[str, Callable[[dict[str, Any]], Any]],
                 read_page: Callable[[str | None], Awaitable[dict[str, Any]]]) -> StreamingResponse:
    """The listing as a file: `read_page(cursor)` reads one page (EXPORT_PAGE items).

    The first page is read before the answer starts, so that what the parameters get
    wrong (a cursor of another listing, a malformed search) is a 422 problem, not a
    transfer broken after a 200."""
    first = await read_page(None)

    async def lines() -> AsyncIterator[bytes]:
        page = first
        if fmt == "csv":
            yield _csv_row(list(columns))
        while True:
            chunk = [_csv_row([get(item) for get in columns.values()]) if fmt == "csv"
                     else orjson.dumps(item) + b"\n" for item in page["items"]]
            yield b"".join(chunk)
            if page["next_cursor"] is None:
                return
            page = await read_page(page["next_cursor"])

    extension = "csv" if fmt == "csv" else "ndjson"
    return StreamingResponse(lines(), media_type=MEDIA_TYPES[fmt],
                             headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})


def _csv_row(values: list[Any]) -> bytes:
    out = io.StringIO()
    # \r\n as RFC 4180 says; pandas and R read either.
    csv.writer(out).writerow(["" if v is None else v for v in values])
    return out.getvalue().encode("utf-8")

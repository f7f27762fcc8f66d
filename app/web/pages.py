"""The reading room's pages: thin like the JSON routes, over the same queries
(app/queries), rendered by Jinja2 with every value escaped: article text is hostile input.

No script anywhere: a speaker's name shows on hover through `title`, links do the rest."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from app.deps import MAX_ID, CueTypeFilter, Cursor, Id, QueryText, SourceFilter, run_read
from app.errors import InvalidInput
from app.prepared import Reader
from app.queries import articles, entities, quotes
from app.schemas import Timestamp
from app.web.charts import monthly_bars
from app.web.marking import mark, speaker_colours, speaker_key

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def _iso(moment: datetime | str | None) -> str:
    # The reader gives times as text on SQLite and as datetimes on PostgreSQL (orjson writes
    # both the same way in the JSON answers).
    if moment is None:
        return ""
    return moment if isinstance(moment, str) else moment.isoformat()


templates.env.filters["iso"] = _iso
templates.env.filters["day"] = lambda moment: _iso(moment)[:10]
# The pages load their stylesheet and nothing else; the request context keeps a header the
# application set (app/observability.py), so this replaces the API's `default-src 'none'`.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
}
PAGE = 20

router = APIRouter(include_in_schema=False, tags=["reading room"])


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=PAGE_HEADERS)


def _not_found(request: Request, what: str) -> HTMLResponse:
    return _page(request, "not_found.html", status_code=404, what=what)


@router.get("/read/style.css")
async def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "style.css", media_type="text/css")


@router.get("/")
async def home(
    request: Request,
    q: Annotated[QueryText, Query(max_length=200)] = None,
    cursor: Cursor = None,
) -> HTMLResponse:
    error = None
    found: dict[str, Any] = {"items": [], "next_cursor": None}
    said: dict[str, Any] = {"items": [], "next_cursor": None}
    try:
        found = await run_read(request, articles.list_articles, articles.ArticleFilters(q=q), cursor, PAGE)
        if q and q.strip():
            said = await run_read(request, partial(
                quotes.list_quotes, q=q, speaker_id=None, article_id=None, kind=None, cue_type="speech",
                cursor=None, limit=10))
    except InvalidInput as exc:
        error = exc.detail
    people = await run_read(request, partial(entities.list_entities, type_="PERSON", q=None, cursor=None, limit=15))
    quoted = await run_read(request, partial(entities.list_entities, type_="PERSON", q=None, cursor=None, limit=10,
                                             sort="quotes"))
    return _page(request, "home.html", q=q or "", articles=found, quotes=said["items"], people=people["items"],
                 quoted=[p for p in quoted["items"] if p["quote_count"]], error=error,
                 titles=await _titles(request, said["items"]))


@router.get("/read/articles/{article_id:int}")
async def article_page(request: Request, article_id: Id) -> HTMLResponse:
    detail = await run_read(request, articles.article_detail, article_id)
    if detail is None:
        return _not_found(request, f"No article with id {article_id}.")
    colours = speaker_colours(detail["quotes"])
    return _page(request, "article.html", article=detail, runs=mark(detail["text"], detail["quotes"],
                                                                    detail["entities"]),
                 colour_of=lambda q: colours[speaker_key(q)])


@router.get("/read/entities/{entity_id:int}")
async def entity_page(request: Request, entity_id: Id, cursor: Cursor = None,
                      cue_type: CueTypeFilter = "speech") -> HTMLResponse:
    found = await run_read(request, _entity_with_history, entity_id, cursor, None if cue_type == "all" else cue_type)
    if found is None:
        return _not_found(request, f"No person or thing with id {entity_id}.")
    return _page(request, "entity.html", **found, cue_type=cue_type)


def _entity_with_history(db: Reader, entity_id: int, cursor: str | None, cue_type: str | None) -> dict[str, Any] | None:
    """The entity, a page of its quotes and of its articles, and its articles and quotes by
    month over its whole history, in one read."""
    entity = entities.get_entity(db, entity_id)
    if entity is None:
        return None
    said = quotes.list_quotes(db, q=None, speaker_id=entity_id, article_id=None, kind=None, cue_type=cue_type,
                              cursor=cursor, limit=PAGE, listing="entity-quotes")
    appears = articles.entity_articles(db, entity_id, None, PAGE)["items"]
    by_month, said_by_month = entities.entity_months(db, entity_id, cue_type)
    chart = monthly_bars(Counter(by_month), Counter(said_by_month))
    titles = _article_titles(db, sorted({q["article_id"] for q in said["items"]}))
    return {"entity": entity, "quotes": said, "articles": appears, "titles": titles, "chart": chart}


@router.get("/read/quotes")
async def quotes_page(
    request: Request,
    q: Annotated[QueryText, Query(max_length=200)] = None,
    speaker_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    source: SourceFilter = None,
    published_after: Timestamp | None = None,
    published_before: Timestamp | None = None,
    cue_type: CueTypeFilter = "speech",
    cursor: Cursor = None,
) -> HTMLResponse:
    error = None
    said: dict[str, Any] = {"items": [], "next_cursor": None}
    try:
        said = await run_read(request, partial(
            quotes.list_quotes, q=q, speaker_id=speaker_id, article_id=None, kind=None,
            cue_type=None if cue_type == "all" else cue_type, cursor=cursor, limit=PAGE, source=source,
            published_after=published_after, published_before=published_before))
    except InvalidInput as exc:
        error = exc.detail
    form = {"q": q or "", "source": source or "", "cue_type": cue_type,
            "published_after": published_after.date().isoformat() if published_after else "",
            "published_before": published_before.date().isoformat() if published_before else ""}
    return _page(request, "quotes.html", quotes=said, form=form, error=error,
                 titles=await _titles(request, said["items"]), next_params=_next_params(request, said))


def _next_params(request: Request, page: dict[str, Any]) -> dict[str, str] | None:
    if not page["next_cursor"]:
        return None
    return {**{k: v for k, v in request.query_params.items() if k != "cursor" and v}, "cursor": page["next_cursor"]}


async def _titles(request: Request, said: list[dict[str, Any]]) -> dict[int, str | None]:
    """The titles of the quotes' articles, for their links."""
    return await run_read(request, _article_titles, sorted({q["article_id"] for q in said}))


def _article_titles(db: Reader, ids: list[int]) -> dict[int, str | None]:
    titles = {}
    for article_id in ids:
        if (detail := articles.article_summary(db, article_id)) is not None:
            titles[article_id] = detail["title"]
    return titles


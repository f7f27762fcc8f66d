"""Request and response models: the JSON shapes of ../API.md, one family per resource."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from app.errors import PROBLEM_TYPES
from app.nlp.language import ISO_639_1

T = TypeVar("T")

MAX_TEXT_CHARS = 1_000_000
MAX_FIELD_CHARS = 2_000


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?")


def _iso_only(value: object) -> object:
    # pydantic would read a bare number as a Unix time; the contract's times are RFC 3339.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("expected an RFC 3339 date-time, e.g. 2026-11-26T09:30:00Z")
    return value


def _in_utc(value: datetime) -> datetime:
    # Times are stored and compared in UTC (one with no zone is read as UTC). One that
    # leaves the calendar on the way there (9999-12-31T23:00:00-05:00) is invalid input.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range once converted to UTC") from None


Timestamp = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(_in_utc)]


class ArticleCreate(BaseModel):
    """An article to ingest: `text`, or a whole `html` page to extract the text from."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"anyOf": [{"required": ["text"]}, {"required": ["html"]}]},
    )

    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    html: str | None = Field(default=None, max_length=10 * MAX_TEXT_CHARS)
    title: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    url: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    source: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    authors: list[str] = Field(default_factory=list, max_length=100)
    published_at: Timestamp | None = None
    language: str | None = Field(
        default=None, max_length=3,
        description="A hint (ISO 639-1): the language is detected from the text, and the hint stands only "
                    "where the text does not tell. Only English articles get entities and quotes; others are "
                    "stored with their language and none.",
    )

    @field_validator("authors")
    @classmethod
    def _clean_authors(cls, authors: list[str]) -> list[str]:
        cleaned = [a.strip() for a in authors if a.strip()]
        if any(len(a) > MAX_FIELD_CHARS for a in cleaned):
            raise ValueError(f"an author is longer than {MAX_FIELD_CHARS} characters")
        return list(dict.fromkeys(cleaned))

    @field_validator("language")
    @classmethod
    def _known_language(cls, language: str | None) -> str | None:
        if language is not None and language.lower() not in ISO_639_1:
            raise ValueError("not an ISO 639-1 language code")
        return None if language is None else language.lower()

    @field_validator("title", "url", "source")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None


class Span(BaseModel):
    text: str
    start: int
    end: int


class Speaker(BaseModel):
    name: str
    entity_id: int | None
    mention: Span


class QuoteKind(StrEnum):
    """How much of a statement is in quotation marks: all, some, or none of it."""

    direct = "direct"
    mixed = "mixed"
    indirect = "indirect"


class Quote(BaseModel):
    """One statement: one source, one cue. `text`/`start`/`end` cover all its `parts`."""

    id: int
    article_id: int
    text: str
    start: int
    end: int
    parts: list[Span] = Field(
        description="The statement's pieces in text order, without the narration that interrupts them "
                    "(“We will,” she said. “We must.” is one quote of two parts); one part otherwise"
    )
    kind: QuoteKind
    speaker: Speaker | None
    cue: Span | None
    cue_type: Literal["speech", "belief", "intention", "other"] = Field(
        description="What the cue reports: something said (said, told, according to), a belief "
                    "(believes, fears, is expected to), an intention (plans to, wants, aims to), or "
                    "other: an act no word list knows as speech, taken for an attribution by the "
                    "learned model (offered no proof, unveiled a plan). "
                    "Quote listings give speech unless asked for the others."
    )


class ArticleEntity(BaseModel):
    id: int = Field(description="The corpus-wide entity's id")
    name: str
    type: str
    mention_count: int
    salience: float = Field(ge=0, le=1)
    mentions: list[Span]


class Entity(BaseModel):
    id: int
    name: str
    type: str
    aliases: list[str]
    article_count: int
    mention_count: int
    quote_count: int = Field(description="Attributions to this entity, beliefs and intentions included "
                                         "(its quotes listing gives speech unless asked for them)")


class ArticleSummary(BaseModel):
    id: int
    url: str | None
    title: str | None
    authors: list[str]
    source: str | None
    published_at: AwareDatetime | None
    ingested_at: AwareDatetime
    word_count: int
    entity_count: int
    quote_count: int = Field(description="Attributions found in the article, beliefs and intentions included")


class ArticleDetail(ArticleSummary):
    text: str
    language: str
    entities: list[ArticleEntity]
    quotes: list[Quote]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class Items(BaseModel, Generic[T]):
    items: list[T]


# Named, so that OpenAPI (and the clients generated from it) say ArticlePage, not
# Page_ArticleSummary_.
class ArticlePage(Page[ArticleSummary]):
    pass


class EntityPage(Page[Entity]):
    pass


class QuotePage(Page[Quote]):
    pass


class ArticleEntityList(Items[ArticleEntity]):
    pass


class QuoteList(Items[Quote]):
    pass


class FieldError(BaseModel):
    """What is wrong with one field of a request."""

    loc: list[str | int] = Field(description="Where: `body`, `query` or `path`, then the field's path")
    msg: str
    type: str = Field(description="pydantic's error type, e.g. `missing`, `string_too_long`, `json_invalid`")


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error."""

    type: str = Field(
        description="What went wrong, for programs: `about:blank` (the status says it all) or "
                    "`urn:newsdesk:problem:` and one of the listed names",
        json_schema_extra={"enum": list(PROBLEM_TYPES)},
    )
    title: str = Field(description="The status's phrase")
    status: int
    detail: str = Field(description="What went wrong, for people")
    errors: list[FieldError] | None = Field(default=None, description="Field errors, on 422")


class BatchItem(BaseModel):
    index: int
    status: int
    id: int | None = None
    error: Problem | None = Field(default=None, description="Why this item was not stored")


class BatchResult(BaseModel):
    items: list[BatchItem]


JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]


class JobCounts(BaseModel):
    """Articles, by state. In a re-extraction: `total` the articles another extractor version
    made when it was queued, `stored` those extracted again (or deleted since), `failed` those
    that keep their old extraction."""

    total: int
    queued: int = Field(description="Waiting for a worker")
    running: int = Field(description="Claimed by a worker now")
    stored: int = Field(description="Stored (201); in a re-extraction, extracted again and stored")
    duplicate: int = Field(description="Already stored: the existing article (200)")
    failed: int = Field(description="Refused or failed alone; the item's `error` says why")
    cancelled: int = Field(description="Never started: the job was cancelled")


class JobItem(BaseModel):
    """An article of the job, as `POST /articles/batch` answers it, with its `state`."""

    index: int
    state: JobStatus = Field(description="queued, running, done or failed (as the job's), or cancelled")
    status: int | None = Field(description="Once finished, as in a batch answer: 201 stored, 200 already "
                                           "stored, 422 invalid or not extractable …; null before")
    id: int | None = None
    error: Problem | None = Field(default=None, description="Why this item was not stored")


class JobSummary(BaseModel):
    id: int
    kind: Literal["ingest", "reextract"] = Field(
        description="ingest: articles sent with `wait=false`; reextract: stored articles extracted again "
                    "(`POST /reextractions`), whose `items` are only the articles that failed (the first 1,000)")
    status: JobStatus = Field(description="done: every item finished; failed: every item failed")
    created_at: datetime
    finished_at: datetime | None
    counts: JobCounts


class JobDetail(JobSummary):
    items: list[JobItem]


class JobPage(Page[JobSummary]):
    pass


class Health(BaseModel):
    status: Literal["ok", "unavailable"]

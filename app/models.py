"""Tables. Alembic migrations in migrations/ are made from (and checked against) these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    text,
)
from sqlmodel import Field, SQLModel

# Named constraints: SQLite batch migrations can only alter what they can name.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata
UNFINISHED_REEXTRACTION = text("kind = 'reextract' AND status IN ('queued', 'running')")


def _utc_column(nullable: bool) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable)


def _fk(target: str, ondelete: str | None, nullable: bool = False, primary_key: bool = False) -> Any:
    return Column(
        Integer,
        ForeignKey(target, ondelete=ondelete),
        nullable=nullable,
        primary_key=primary_key,
    )


class Article(SQLModel, table=True):
    __tablename__ = "article"
    __table_args__ = (
        # Newest first, keyset on (sort_at, id): the default listing and its filters.
        Index("ix_article_sort", "sort_at", "id"),
        Index("ix_article_source_sort", "source", "sort_at", "id"),
        # The articles another extractor or release made, in id order (re-extraction's
        # paging) without reading the rows: the versions are stored after the text.
        Index("ix_article_versions", "id", "extractor_version", "document_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    url: str | None = Field(default=None, sa_column=Column(Text, unique=True, nullable=True))
    # sha256 of the whitespace-normalised text: the same article sent twice is stored once.
    text_hash: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    title: str | None = Field(default=None, sa_column=Column(Text))
    source: str | None = Field(default=None, sa_column=Column(Text))
    authors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="en", sa_column=Column(Text, nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    ingested_at: datetime = Field(sa_column=_utc_column(False))
    # published_at, or ingested_at when the publication date is unknown: never NULL, so
    # "newest first" is one index scan.
    sort_at: datetime = Field(sa_column=_utc_column(False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    word_count: int = 0
    entity_count: int = 0
    quote_count: int = 0
    # The extractor version that produced its entities and quotes (NULL: stored before migration 0005).
    extractor_version: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # GET /articles/{id}'s JSON, rendered when the article is written (app.queries.documents),
    # and the shape's version it was rendered in.
    document: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    document_version: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ArticleAuthor(SQLModel, table=True):
    __tablename__ = "article_author"
    __table_args__ = (Index("ix_article_author_name", "name", "article_id"),)

    article_id: int = Field(sa_column=_fk("article.id", "CASCADE", primary_key=True))
    name: str = Field(sa_column=Column(Text, primary_key=True))


class Entity(SQLModel, table=True):
    """A corpus-wide entity: the same person or place across every article."""

    __tablename__ = "entity"
    __table_args__ = (
        Index("uq_entity_type_key", "type", "key", unique=True),
        Index("ix_entity_popular", "article_count", "id"),
        Index("ix_entity_type_popular", "type", "article_count", "id"),
        Index("ix_entity_quoted", "quote_count", "id"),
        Index("ix_entity_type_quoted", "type", "quote_count", "id"),
        Index("ix_entity_type_surname", "type", "surname"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    type: str = Field(sa_column=Column(Text, nullable=False))
    # casefolded canonical name: how the same entity is found again in a new article.
    key: str = Field(sa_column=Column(Text, nullable=False))
    # The key's last word when it has several ("barack obama" -> "obama"): where a bare
    # surname in a new article finds the one person it names, through an index.
    surname: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    article_count: int = 0
    mention_count: int = 0
    quote_count: int = 0


class ArticleEntity(SQLModel, table=True):
    """An entity as it stands in one article: its name there, counts and salience."""

    __tablename__ = "article_entity"
    __table_args__ = (Index("ix_article_entity_entity", "entity_id", "article_id"),)

    article_id: int = Field(sa_column=_fk("article.id", "CASCADE", primary_key=True))
    entity_id: int = Field(sa_column=_fk("entity.id", None, primary_key=True))
    position: int  # order of the entity in the extraction, most salient first
    name: str = Field(sa_column=Column(Text, nullable=False))
    mention_count: int
    salience: float


class Mention(SQLModel, table=True):
    __tablename__ = "mention"
    __table_args__ = (Index("ix_mention_article_entity", "article_id", "entity_id", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(sa_column=_fk("article.id", "CASCADE"))
    entity_id: int = Field(sa_column=_fk("entity.id", None))
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))


class Quote(SQLModel, table=True):
    __tablename__ = "quote"
    __table_args__ = (
        Index("ix_quote_article", "article_id", "start"),
        Index("ix_quote_speaker", "speaker_entity_id", "id"),
        Index("ix_quote_kind", "kind", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(sa_column=_fk("article.id", "CASCADE"))
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    speaker_name: str | None = Field(default=None, sa_column=Column(Text))
    speaker_entity_id: int | None = Field(
        default=None, sa_column=_fk("entity.id", "SET NULL", nullable=True)
    )
    speaker_text: str | None = Field(default=None, sa_column=Column(Text))
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue_text: str | None = Field(default=None, sa_column=Column(Text))
    cue_start: int | None = None
    cue_end: int | None = None
    # [[start, end], ...] of a statement its attribution interrupts; NULL when the quote
    # is one piece, start to end (most are, and rows stored before parts existed).
    parts: list[list[int]] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    # speech, belief or intention: what the cue reports (app/nlp/cues.py).
    cue_type: str = Field(default="speech", sa_column=Column(Text, nullable=False, server_default="speech"))


class Job(SQLModel, table=True):
    """Articles sent with `wait=false`, ingested by queue workers (app/jobs); or stored
    articles to extract again (`reextract`, app/reextraction.py)."""

    __tablename__ = "job"
    # One re-extraction at a time, whichever API instance is asked (migration 0011).
    __table_args__ = (Index("ix_job_one_reextraction", "kind", unique=True,
                            sqlite_where=UNFINISHED_REEXTRACTION, postgresql_where=UNFINISHED_REEXTRACTION),)

    id: int | None = Field(default=None, primary_key=True)
    # ingest (items are articles to store) or reextract (items are chunks of stored articles)
    kind: str = Field(default="ingest", sa_column=Column(Text, nullable=False, server_default="ingest"))
    # queued, running, done (every item finished), failed (every item failed), cancelled
    status: str = Field(sa_column=Column(Text, nullable=False))
    total: int = 0
    created_at: datetime = Field(sa_column=_utc_column(False))
    # The last sign of a worker on it (or its enqueueing): a job unfinished and silent for
    # longer than the lease is sent to the queue again (app/jobs/worker.py).
    heartbeat_at: datetime = Field(sa_column=_utc_column(False))
    finished_at: datetime | None = Field(default=None, sa_column=_utc_column(True))


class JobItem(SQLModel, table=True):
    """One article of a job: what to store until it is stored, then its outcome."""

    __tablename__ = "job_item"
    # The queued items across jobs are counted on every wait=false request (queue full).
    __table_args__ = (Index("ix_job_item_status", "status", "job_id"),)

    job_id: int = Field(sa_column=_fk("job.id", "CASCADE", primary_key=True))
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    # queued, running (claimed by `worker` at `claimed_at`), done, failed, cancelled
    status: str = Field(sa_column=Column(Text, nullable=False))
    # As the batch answer has it: 201 stored, 200 already stored, 422 …; NULL until finished.
    http_status: int | None = None
    article_id: int | None = Field(default=None, sa_column=_fk("article.id", "SET NULL", nullable=True))
    error: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    # The article to ingest (app.jobs.payload), dropped once it is stored or failed.
    article: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    claimed_at: datetime | None = Field(default=None, sa_column=_utc_column(True))
    worker: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # A re-extraction's chunk: its articles' ids, how many, and how many of them failed
    # (once finished; `error` lists them). NULL for an article to ingest.
    article_ids: list[int] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    size: int | None = None
    failed: int | None = None


# The tables as SQLAlchemy Core sees them, for the lean queries and bulk writes.
article_table: Table = Article.__table__  # type: ignore[attr-defined]
author_table: Table = ArticleAuthor.__table__  # type: ignore[attr-defined]
entity_table: Table = Entity.__table__  # type: ignore[attr-defined]
article_entity_table: Table = ArticleEntity.__table__  # type: ignore[attr-defined]
mention_table: Table = Mention.__table__  # type: ignore[attr-defined]
quote_table: Table = Quote.__table__  # type: ignore[attr-defined]
job_table: Table = Job.__table__  # type: ignore[attr-defined]
job_item_table: Table = JobItem.__table__  # type: ignore[attr-defined]

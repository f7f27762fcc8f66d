"""reextraction jobs: a job's kind, and items that are chunks of stored articles

`POST /reextractions` and `newsdesk reextract` queue a job of kind `reextract` whose items
are chunks of the articles another extractor version made: `article_ids` (its articles),
`size` (how many) and, once a worker has been through it, `failed` (how many of them failed;
`error` lists them). At most one such job is unfinished at a time: a partial unique index
says so to every API instance at once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNFINISHED_REEXTRACTION = sa.text("kind = 'reextract' AND status IN ('queued', 'running')")


def upgrade() -> None:
    op.add_column("job", sa.Column("kind", sa.Text(), nullable=False, server_default="ingest"))
    op.add_column("job_item", sa.Column("article_ids", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("job_item", sa.Column("size", sa.Integer(), nullable=True))
    op.add_column("job_item", sa.Column("failed", sa.Integer(), nullable=True))
    op.create_index("ix_job_one_reextraction", "job", ["kind"], unique=True,
                    sqlite_where=UNFINISHED_REEXTRACTION, postgresql_where=UNFINISHED_REEXTRACTION)


def downgrade() -> None:
    op.drop_index("ix_job_one_reextraction", table_name="job")
    # In place, as 0009's: SQLite 3.35 and later drop a column without copying the table.
    for column in ("failed", "size", "article_ids"):
        op.execute(f"ALTER TABLE job_item DROP COLUMN {column}")
    op.execute("ALTER TABLE job DROP COLUMN kind")

"""extractor version: which extractor produced an article's entities and quotes

`newsdesk reextract` re-extracts every article whose version differs from the running
extractor's (app.nlp.pipeline.version), one transaction an article. Articles stored
before this revision have none (NULL), so the first run takes them all.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("article", sa.Column("extractor_version", sa.Text(), nullable=True))


def downgrade() -> None:
    # In place, as 0004's: a batch copy of the table would lose its full-text triggers.
    op.execute("ALTER TABLE article DROP COLUMN extractor_version")

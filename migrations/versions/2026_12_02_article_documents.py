"""article documents: GET /articles/{id}'s JSON, stored when the article is written

`document` holds the answer's bytes and `document_version` the version of the code that
rendered it (app.queries.documents). Rows stored before have none and are rendered live
when read, until they are written or re-extracted again (`newsdesk reextract`). Nothing
is rendered here: a migration that ran today's rendering code would break once a later
migration changes what that code reads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("article", sa.Column("document", sa.LargeBinary(), nullable=True))
    op.add_column("article", sa.Column("document_version", sa.Text(), nullable=True))


def downgrade() -> None:
    # In place, as 0004's: a batch copy of the table would lose its full-text triggers.
    op.execute("ALTER TABLE article DROP COLUMN document_version")
    op.execute("ALTER TABLE article DROP COLUMN document")

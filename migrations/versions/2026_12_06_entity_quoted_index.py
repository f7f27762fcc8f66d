"""entity quoted index: the most quoted people, as fast as the most written-about

`GET /entities?sort=quotes` (and the reading room's "Most quoted" list) read entities by
quote_count descending, with or without a type, as the popularity listing does by
article_count.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_entity_quoted", "entity", ["quote_count", "id"])
    op.create_index("ix_entity_type_quoted", "entity", ["type", "quote_count", "id"])


def downgrade() -> None:
    op.drop_index("ix_entity_type_quoted", table_name="entity")
    op.drop_index("ix_entity_quoted", table_name="entity")

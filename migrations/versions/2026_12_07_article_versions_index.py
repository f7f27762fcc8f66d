"""article versions index: finding out-of-date articles without reading their text

Re-extraction pages through the articles whose extractor (or document) version is not the
running one, in id order. The versions are the table's last columns, stored after the
text: without an index, every step of that scan walks each article's text (overflow pages
on SQLite), so asking "is anything out of date?" of an up-to-date corpus reads all of it.
With (id, extractor_version, document_version) the same query reads the index alone
(SQLite: "SEARCH article USING COVERING INDEX ix_article_versions (id>?)").

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_article_versions", "article", ["id", "extractor_version", "document_version"])


def downgrade() -> None:
    op.drop_index("ix_article_versions", table_name="article")

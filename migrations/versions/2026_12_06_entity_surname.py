"""entity surname: a bare surname finds its person through an index

A person an article names by surname alone ("Obama") is filed under the one person of
that surname the corpus knows. That was a `key LIKE '% obama'` over every person (19 ms
an entity on the 10,000-article bench corpus, and growing with it); `surname` holds a
person's key's last word, indexed with the type. Filled here for the persons stored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000


def upgrade() -> None:
    op.add_column("entity", sa.Column("surname", sa.Text(), nullable=True))
    op.create_index("ix_entity_type_surname", "entity", ["type", "surname"])
    conn = op.get_bind()
    entity = sa.table("entity", sa.column("id", sa.Integer), sa.column("type", sa.Text),
                      sa.column("key", sa.Text), sa.column("surname", sa.Text))
    persons = conn.execute(
        sa.select(entity.c.id, entity.c.key)
        .where(entity.c.type == "PERSON", entity.c.key.like("% %"))
        .order_by(entity.c.id)
    ).all()
    fill = sa.update(entity).where(entity.c.id == sa.bindparam("entity_id")).values(surname=sa.bindparam("last"))
    for start in range(0, len(persons), BATCH):
        conn.execute(fill, [{"entity_id": id_, "last": key.rsplit(" ", 1)[1]}
                            for id_, key in persons[start:start + BATCH]])


def downgrade() -> None:
    op.drop_index("ix_entity_type_surname", table_name="entity")
    # In place, as 0004's: a batch copy of the table would lose its triggers.
    op.execute("ALTER TABLE entity DROP COLUMN surname")

"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 18:51:24.832920
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('text_hash', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('language', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sort_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('entity_count', sa.Integer(), nullable=False),
    sa.Column('quote_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('text_hash', name=op.f('uq_article_text_hash')),
    sa.UniqueConstraint('url', name=op.f('uq_article_url'))
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index('ix_article_sort', ['sort_at', 'id'], unique=False)
        batch_op.create_index('ix_article_source_sort', ['source', 'sort_at', 'id'], unique=False)

    op.create_table('entity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('type', sa.Text(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('article_count', sa.Integer(), nullable=False),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('quote_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity'))
    )
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.create_index('ix_entity_popular', ['article_count', 'id'], unique=False)
        batch_op.create_index('ix_entity_type_popular', ['type', 'article_count', 'id'], unique=False)
        batch_op.create_index('uq_entity_type_key', ['type', 'key'], unique=True)

    op.create_table('article_author',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_author_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'name', name=op.f('pk_article_author'))
    )
    with op.batch_alter_table('article_author', schema=None) as batch_op:
        batch_op.create_index('ix_article_author_name', ['name', 'article_id'], unique=False)

    op.create_table('article_entity',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('salience', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_entity_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_article_entity_entity_id_entity')),
    sa.PrimaryKeyConstraint('article_id', 'entity_id', name=op.f('pk_article_entity'))
    )
    with op.batch_alter_table('article_entity', schema=None) as batch_op:
        batch_op.create_index('ix_article_entity_entity', ['entity_id', 'article_id'], unique=False)

    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_mention_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_mention_entity_id_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mention'))
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index('ix_mention_article_entity', ['article_id', 'entity_id', 'start'], unique=False)

    op.create_table('quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('speaker_name', sa.Text(), nullable=True),
    sa.Column('speaker_entity_id', sa.Integer(), nullable=True),
    sa.Column('speaker_text', sa.Text(), nullable=True),
    sa.Column('speaker_start', sa.Integer(), nullable=True),
    sa.Column('speaker_end', sa.Integer(), nullable=True),
    sa.Column('cue_text', sa.Text(), nullable=True),
    sa.Column('cue_start', sa.Integer(), nullable=True),
    sa.Column('cue_end', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_quote_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_entity_id'], ['entity.id'], name=op.f('fk_quote_speaker_entity_id_entity'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote'))
    )
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index('ix_quote_article', ['article_id', 'start'], unique=False)
        batch_op.create_index('ix_quote_kind', ['kind', 'id'], unique=False)
        batch_op.create_index('ix_quote_speaker', ['speaker_entity_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index('ix_quote_speaker')
        batch_op.drop_index('ix_quote_kind')
        batch_op.drop_index('ix_quote_article')

    op.drop_table('quote')
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index('ix_mention_article_entity')

    op.drop_table('mention')
    with op.batch_alter_table('article_entity', schema=None) as batch_op:
        batch_op.drop_index('ix_article_entity_entity')

    op.drop_table('article_entity')
    with op.batch_alter_table('article_author', schema=None) as batch_op:
        batch_op.drop_index('ix_article_author_name')

    op.drop_table('article_author')
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.drop_index('uq_entity_type_key')
        batch_op.drop_index('ix_entity_type_popular')
        batch_op.drop_index('ix_entity_popular')

    op.drop_table('entity')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_source_sort')
        batch_op.drop_index('ix_article_sort')

    op.drop_table('article')

"""Rendered PDFs: which stored file is a letter's or a brief's PDF at a data version, so each renders once

Revision ID: a4d8e2f61b93
Revises: c3f1a7d2e9b4
Create Date: 2026-12-04 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'a4d8e2f61b93'
down_revision = 'c3f1a7d2e9b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rendered_pdfs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rendered_pdfs')),
        sa.UniqueConstraint('kind', 'version', 'key', name=op.f('uq_rendered_pdfs_kind_version_key')),
    )


def downgrade():
    op.drop_table('rendered_pdfs')

"""Burmese typed in Zawgyi: the originals of text saved converted to Unicode

Revision ID: 9b4e2d7a1c58
Revises: c4d2e8f6a913
Create Date: 2026-12-05 10:00:00.000000

Incidents, letters (their addressee) and letter revisions keep, by field, the text as typed when it was Zawgyi
and was saved converted to Unicode (app/core/burmese.py); NULL when nothing was converted.

Plain ALTER TABLE, not batch mode: on SQLite a batch migration of `incidents` recreates the table and drops the
search triggers (see c3f1a7d2e9b4). SQLite drops a column in place since 3.35.
"""
from alembic import op
import sqlalchemy as sa


revision = '9b4e2d7a1c58'
down_revision = 'c4d2e8f6a913'
branch_labels = None
depends_on = None

TABLES = ('incidents', 'letters', 'letter_revisions')


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('zawgyi_originals', sa.JSON(), nullable=True))


def downgrade():
    for table in TABLES:
        op.drop_column(table, 'zawgyi_originals')

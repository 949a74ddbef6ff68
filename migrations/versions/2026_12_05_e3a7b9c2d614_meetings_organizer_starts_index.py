"""Meetings: an index by organizer and start, for the menu's count of minutes to write

Revision ID: e3a7b9c2d614
Revises: d81f4b6c2a90
Create Date: 2026-12-05 14:00:00.000000

Every signed-in page counts the organizer's meetings that have started without final minutes
(app/main/workspace.py): with this index a seek among their own meetings, not a walk over every past meeting.
"""
from alembic import op


revision = 'e3a7b9c2d614'
down_revision = 'd81f4b6c2a90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_meetings_organizer_id_starts_at', 'meetings', ['organizer_id', 'starts_at'], unique=False)


def downgrade():
    op.drop_index('ix_meetings_organizer_id_starts_at', table_name='meetings')

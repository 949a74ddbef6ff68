"""Incidents: an index by organization and status, for the menu's counts of waiting incidents

Revision ID: c4d2e8f6a913
Revises: a7c3e9d1f462
Create Date: 2026-12-05 09:00:00.000000

Every signed-in page counts the reader's organization's incidents returned for more information
(app/incidents/awaiting.py): with this index a seek, not a walk over all of the organization's incidents.
"""
from alembic import op


revision = 'c4d2e8f6a913'
down_revision = 'a7c3e9d1f462'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_incidents_organization_id_status', 'incidents', ['organization_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_incidents_organization_id_status', table_name='incidents')

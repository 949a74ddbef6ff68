"""Incidents: an index holding every facet, so a filtered list's counts are read from it alone

Revision ID: a7c3e9d1f462
Revises: f5887a343777
Create Date: 2026-12-05 07:50:00.000000

Counting the facets of a filtered list (text search, reported, outcomes) reads the matching incidents' visibility,
status, organization and facet values: from this index alone (PostgreSQL's index-only scan, SQLite's covering index)
rather than the incidents' wide rows.
"""
from alembic import op


revision = 'a7c3e9d1f462'
down_revision = 'f5887a343777'
branch_labels = None
depends_on = None

COLUMNS = ['visibility', 'status', 'organization_id', 'platform_id', 'severity', 'language', 'country', 'id']


def upgrade():
    op.create_index('ix_incidents_facets', 'incidents', COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_incidents_facets', table_name='incidents')

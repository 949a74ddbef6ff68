"""Incident facet counts: kept per visibility group and facet value, so list pages never count every match

Revision ID: f5887a343777
Revises: b029be81f242
Create Date: 2026-12-05 07:10:00.000000

Filled from the incidents as they stand; from then on the application keeps them (app/incidents/facet_counts.py).
Incidents every member sees (verified or published, shared with the coalition or the public) are counted without
their organization (0), as the application does.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f5887a343777'
down_revision = 'b029be81f242'
branch_labels = None
depends_on = None

FACETS = ('platform_id', 'status', 'severity', 'visibility', 'language', 'country')
FACET_NAMES = {'platform_id': 'platform'}


def _facet_rows():
    """One SELECT of every (status, visibility, organization, facet, value) of every incident."""
    group = (
        "CAST(i.status AS VARCHAR(32)) AS s, CAST(i.visibility AS VARCHAR(32)) AS v, "
        "CASE WHEN i.status IN ('verified', 'published') AND i.visibility IN ('coalition', 'public') "
        "THEN 0 ELSE i.organization_id END AS o"
    )
    selects = [
        f"SELECT {group}, '{FACET_NAMES.get(column, column)}' AS f, CAST(i.{column} AS VARCHAR(40)) AS x FROM incidents i"
        for column in FACETS
    ]
    selects.append(
        f"SELECT {group}, 'category' AS f, c.category AS x FROM incidents i JOIN incident_categories c ON c.incident_id = i.id"
    )
    return ' UNION ALL '.join(selects)


def upgrade():
    op.create_table(
        'incident_facet_counts',
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('visibility', sa.String(length=32), nullable=False),
        sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('facet', sa.String(length=20), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('incidents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            'status', 'visibility', 'organization_id', 'facet', 'value', name=op.f('pk_incident_facet_counts')
        ),
    )
    op.create_index(
        op.f('ix_incident_facet_counts_organization_id'), 'incident_facet_counts', ['organization_id'], unique=False
    )
    op.execute(
        'INSERT INTO incident_facet_counts (status, visibility, organization_id, facet, value, incidents) '
        f'SELECT s, v, o, f, x, COUNT(*) FROM ({_facet_rows()}) AS facet_rows '
        'GROUP BY s, v, o, f, x'
    )


def downgrade():
    op.drop_index(op.f('ix_incident_facet_counts_organization_id'), table_name='incident_facet_counts')
    op.drop_table('incident_facet_counts')

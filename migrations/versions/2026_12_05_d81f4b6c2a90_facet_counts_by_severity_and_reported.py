"""Incident facet counts also by severity and by whether the incident was reported, the filters triage uses

Revision ID: d81f4b6c2a90
Revises: 9b4e2d7a1c58
Create Date: 2026-12-05 11:00:00.000000

The table is made again with the two columns in its key and filled from the incidents as they stand, as the
application counts them (app/incidents/facet_counts.py): a list filtered by severity or by reports then sums kept
counts instead of counting every match.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd81f4b6c2a90'
down_revision = '9b4e2d7a1c58'
branch_labels = None
depends_on = None

FACETS = ('platform_id', 'status', 'severity', 'visibility', 'language', 'country')
FACET_NAMES = {'platform_id': 'platform'}


def _facet_rows(by_severity_and_reported: bool):
    """One SELECT of every row key of every incident."""
    group = (
        "CAST(i.status AS VARCHAR(32)) AS s, CAST(i.visibility AS VARCHAR(32)) AS v, "
        "CASE WHEN i.status IN ('verified', 'published') AND i.visibility IN ('coalition', 'public') "
        "THEN 0 ELSE i.organization_id END AS o"
    )
    if by_severity_and_reported:
        group += (
            ", CAST(i.severity AS VARCHAR(8)) AS sv, "
            "EXISTS (SELECT 1 FROM platform_reports r WHERE r.incident_id = i.id) AS r"
        )
    selects = [
        f"SELECT {group}, '{FACET_NAMES.get(column, column)}' AS f, CAST(i.{column} AS VARCHAR(40)) AS x FROM incidents i"
        for column in FACETS
    ]
    selects.append(
        f"SELECT {group}, 'category' AS f, c.category AS x FROM incidents i JOIN incident_categories c ON c.incident_id = i.id"
    )
    return ' UNION ALL '.join(selects)


def _create(by_severity_and_reported: bool):
    extra = ['severity', 'reported'] if by_severity_and_reported else []
    columns = [
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('visibility', sa.String(length=32), nullable=False),
        sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    ]
    if by_severity_and_reported:
        columns += [
            sa.Column('severity', sa.String(length=8), nullable=False),
            sa.Column('reported', sa.Boolean(), nullable=False),
        ]
    key = ['status', 'visibility', 'organization_id', *extra, 'facet', 'value']
    op.create_table(
        'incident_facet_counts',
        *columns,
        sa.Column('facet', sa.String(length=20), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('incidents', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, name=op.f('pk_incident_facet_counts')),
    )
    op.create_index(
        op.f('ix_incident_facet_counts_organization_id'), 'incident_facet_counts', ['organization_id'], unique=False
    )
    names = ', '.join(key)
    selected = ', '.join(['s', 'v', 'o', *(['sv', 'r'] if by_severity_and_reported else []), 'f', 'x'])
    op.execute(
        f'INSERT INTO incident_facet_counts ({names}, incidents) '
        f'SELECT {selected}, COUNT(*) FROM ({_facet_rows(by_severity_and_reported)}) AS facet_rows '
        f'GROUP BY {selected}'
    )


def _drop():
    op.drop_index(op.f('ix_incident_facet_counts_organization_id'), table_name='incident_facet_counts')
    op.drop_table('incident_facet_counts')


def upgrade():
    _drop()
    _create(by_severity_and_reported=True)


def downgrade():
    _drop()
    _create(by_severity_and_reported=False)

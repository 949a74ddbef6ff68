"""Incident imports: a CSV import is a record a job works through, with its progress and result

Revision ID: f1c8e2a7b5d3
Revises: f2c6b8d4a1e7
Create Date: 2026-12-04 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'f1c8e2a7b5d3'
down_revision = 'f2c6b8d4a1e7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'incident_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('upload_sha256', sa.String(length=64), nullable=True),
        sa.Column('status', sa.Enum('queued', 'checking', 'writing', 'done', 'refused', 'failed', name='import_status', native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_checked', sa.Integer(), nullable=False),
        sa.Column('rows_written', sa.Integer(), nullable=False),
        sa.Column('problem', sa.String(length=32), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_incident_imports_author_id_users')),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_incident_imports_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_imports')),
    )
    with op.batch_alter_table('incident_imports', schema=None) as batch_op:
        batch_op.create_index('ix_incident_imports_organization_id_id', ['organization_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('incident_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_imports_organization_id_id')
    op.drop_table('incident_imports')

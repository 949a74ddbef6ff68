"""Job queue: procrastinate's tables on PostgreSQL, and the failures admins see

Revision ID: d5e8f1a2b3c4
Revises: a4d8e2f61b93
Create Date: 2026-12-04 18:45:00.000000

procrastinate's schema is the one of the pinned release (pyproject.toml); moving the pin adds a revision that
applies procrastinate's own migrations (procrastinate/sql/migrations) between the two releases.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd5e8f1a2b3c4'
down_revision = 'a4d8e2f61b93'
branch_labels = None
depends_on = None

DROP_PROCRASTINATE = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$
DECLARE routine regprocedure;
BEGIN
    FOR routine IN SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'procrastinate\\_%' LOOP
        EXECUTE 'DROP ROUTINE ' || routine || ' CASCADE';
    END LOOP;
END $$;
DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_status, procrastinate_job_event_type CASCADE;
"""


def upgrade():
    op.create_table(
        'job_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_name', sa.String(length=100), nullable=False),
        sa.Column('arguments', sa.JSON(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_failures')),
    )
    op.create_index(op.f('ix_job_failures_failed_at'), 'job_failures', ['failed_at'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        op.execute(SchemaManager.get_schema())


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DROP_PROCRASTINATE)
    op.drop_index(op.f('ix_job_failures_failed_at'), table_name='job_failures')
    op.drop_table('job_failures')

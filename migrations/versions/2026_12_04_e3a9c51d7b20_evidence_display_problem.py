"""Evidence: why a file has no display copy without metadata

Revision ID: e3a9c51d7b20
Revises: b7d1e4a9c3f2
Create Date: 2026-12-04 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'e3a9c51d7b20'
down_revision = 'b7d1e4a9c3f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_problem', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('display_problem')

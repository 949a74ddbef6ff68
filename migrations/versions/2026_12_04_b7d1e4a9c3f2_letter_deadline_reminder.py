"""Letters: when the one automatic reminder before the deadline was sent

Revision ID: b7d1e4a9c3f2
Revises: 5423db60a2cc
Create Date: 2026-12-04 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d1e4a9c3f2'
down_revision = '5423db60a2cc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_reminder_sent_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('deadline_reminder_sent_at')

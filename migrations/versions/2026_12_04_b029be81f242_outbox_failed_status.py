"""Outbox: a failed status, for emails refused for good or failing too long, which admins retry

Revision ID: b029be81f242
Revises: f1c8e2a7b5d3
Create Date: 2026-12-04 21:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'b029be81f242'
down_revision = 'f1c8e2a7b5d3'
branch_labels = None
depends_on = None


def status_type(*values):
    # The CHECK constraint of enum_column (app/core/db.py); alter_column drops the old one and adds the new one.
    return sa.Enum(*values, name='outbox_status', native_enum=False, create_constraint=True, length=32)


BEFORE = status_type('pending', 'sent')
AFTER = status_type('pending', 'sent', 'failed')


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=BEFORE, type_=AFTER, existing_nullable=False)


def downgrade():
    # Without the status, a failed email is one still to send: the old code retries it for ever.
    op.execute("UPDATE outbox_messages SET status = 'pending' WHERE status = 'failed'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=AFTER, type_=BEFORE, existing_nullable=False)

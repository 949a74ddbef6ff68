"""One-time form tokens: a form sent twice creates one record

Revision ID: fc11a8e8f4c5
Revises: 02695b800fd2
Create Date: 2026-11-29 08:29:45.327313

"""
from alembic import op
import sqlalchemy as sa


revision = 'fc11a8e8f4c5'
down_revision = '02695b800fd2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_submissions',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('result', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submissions')),
    )


def downgrade():
    op.drop_table('form_submissions')

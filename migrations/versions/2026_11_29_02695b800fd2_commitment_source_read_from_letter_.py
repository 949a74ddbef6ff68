"""Commitments: the letter demand they came from is read from letter_demands.commitment_id, one link instead of two

Revision ID: 02695b800fd2
Revises: 07c56babd5aa
Create Date: 2026-11-29 08:25:52.528852

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '02695b800fd2'
down_revision = '07c56babd5aa'
branch_labels = None
depends_on = None


def upgrade():
    # Both links were written together; keep any demand whose only link was on the commitment's side.
    op.execute("UPDATE letter_demands SET commitment_id = (SELECT c.id FROM commitments c "
               "WHERE c.letter_demand_id = letter_demands.id) WHERE commitment_id IS NULL")
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_column('letter_demand_id')


def downgrade():
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_demand_id', sa.INTEGER(), nullable=True))
    op.execute("UPDATE commitments SET letter_demand_id = (SELECT d.id FROM letter_demands d "
               "WHERE d.commitment_id = commitments.id)")

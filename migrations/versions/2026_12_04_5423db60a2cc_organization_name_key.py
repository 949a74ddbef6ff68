"""Organizations: a name key (case, accents and spacing aside) that no two organizations share

Revision ID: 5423db60a2cc
Revises: fc11a8e8f4c5
Create Date: 2026-12-04 08:00:00.000000

Organizations whose names already share a key keep their names: the oldest holds the key, each later one gets
"<key> #DUPLICATE <id>" (no name can produce it: keys are case-folded, so they never hold "DUPLICATE"), and the
migration logs them for an admin to rename. Nobody can take any of those names again.
"""
import logging
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '5423db60a2cc'
down_revision = 'fc11a8e8f4c5'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
NAME_KEY_LENGTH = 400


def name_key(name: str) -> str:
    """app.organizations.models.name_key as this migration was written (a migration must not change later)."""
    bare = "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())[:NAME_KEY_LENGTH]


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=NAME_KEY_LENGTH), nullable=True))
    organizations = sa.table('organizations', sa.column('id', sa.Integer), sa.column('name', sa.String),
                             sa.column('name_key', sa.String))
    bind = op.get_bind()
    taken = set()
    for organization_id, name in bind.execute(sa.select(organizations.c.id, organizations.c.name)
                                              .order_by(organizations.c.id)).all():
        key = name_key(name)
        if key in taken:
            log.warning("Organization %s has the name of an older one, %r: rename it.", organization_id, name)
            key = f"{key[:NAME_KEY_LENGTH - 30]} #DUPLICATE {organization_id}"
        taken.add(key)
        bind.execute(organizations.update().where(organizations.c.id == organization_id).values(name_key=key))
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=NAME_KEY_LENGTH), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_organizations_name_key'), ['name_key'])


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organizations_name_key'), type_='unique')
        batch_op.drop_column('name_key')

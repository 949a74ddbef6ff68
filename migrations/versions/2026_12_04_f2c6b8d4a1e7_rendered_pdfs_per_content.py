"""Rendered PDFs per content: a letter's PDF keyed by what it shows, not by the version of all letters

Revision ID: f2c6b8d4a1e7
Revises: d5e8f1a2b3c4
Create Date: 2026-12-04 18:40:00.000000

Rows of the old form are kept and converted: a letter's (version of all letters) is never served again and its
job removes it, with its file, the next time it renders that letter; a brief's still serves while the incidents
version is the same. Downgrading deletes the rows keyed by a letter's content (their files stay in the store).
"""
from alembic import op
import sqlalchemy as sa


revision = 'f2c6b8d4a1e7'
down_revision = 'd5e8f1a2b3c4'
branch_labels = None
depends_on = None

pdfs = sa.table(
    'rendered_pdfs',
    sa.column('id', sa.Integer),
    sa.column('kind', sa.String),
    sa.column('key', sa.String),
    sa.column('version', sa.String),
    sa.column('subject', sa.String),
    sa.column('variant', sa.String),
)


def _new_form(kind, key):
    """(subject, variant) of an old key: ``letter:locale:zone:all|embargoed`` or ``platform:locale:filters``."""
    parts = key.split(':')
    if kind == 'letter' and len(parts) == 4:
        return parts[0], f"{parts[1]}|{parts[2]}|{'all' if parts[3] == 'all' else 'public'}"
    if kind == 'brief' and len(parts) == 3:
        return parts[0], f'{parts[1]}|{parts[2]}'
    return key[:100], ''


def upgrade():
    with op.batch_alter_table('rendered_pdfs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_rendered_pdfs_kind_version_key', type_='unique')
        batch_op.add_column(sa.Column('subject', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('variant', sa.String(length=200), nullable=True))
        batch_op.alter_column(
            'version', existing_type=sa.Integer(), type_=sa.String(length=64), postgresql_using='version::varchar'
        )
    connection = op.get_bind()
    for row in connection.execute(sa.select(pdfs.c.id, pdfs.c.kind, pdfs.c.key)).all():
        subject, variant = _new_form(row.kind, row.key)
        connection.execute(pdfs.update().where(pdfs.c.id == row.id).values(subject=subject, variant=variant))
    with op.batch_alter_table('rendered_pdfs', schema=None) as batch_op:
        batch_op.alter_column('subject', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('variant', existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column('key')
        batch_op.create_unique_constraint(
            batch_op.f('uq_rendered_pdfs_kind_subject_variant_version'), ['kind', 'subject', 'variant', 'version']
        )


def downgrade():
    connection = op.get_bind()
    for row in connection.execute(sa.select(pdfs.c.id, pdfs.c.version)).all():
        if not row.version.isdigit():
            connection.execute(pdfs.delete().where(pdfs.c.id == row.id))
    with op.batch_alter_table('rendered_pdfs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_rendered_pdfs_kind_subject_variant_version', type_='unique')
        batch_op.add_column(sa.Column('key', sa.String(length=200), nullable=True))
    for row in connection.execute(sa.select(pdfs.c.id, pdfs.c.subject, pdfs.c.variant)).all():
        key = ':'.join([row.subject, *row.variant.split('|')])[:200]
        connection.execute(pdfs.update().where(pdfs.c.id == row.id).values(key=key))
    with op.batch_alter_table('rendered_pdfs', schema=None) as batch_op:
        batch_op.alter_column('key', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column(
            'version', existing_type=sa.String(length=64), type_=sa.Integer(), postgresql_using='version::integer'
        )
        batch_op.drop_column('variant')
        batch_op.drop_column('subject')
        batch_op.create_unique_constraint(
            batch_op.f('uq_rendered_pdfs_kind_version_key'), ['kind', 'version', 'key']
        )

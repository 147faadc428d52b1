"""decisions.admits: the claim an exclusion admits (C15: force majeure after an absence, 004 4.4)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('decisions', sa.Column('admits', sa.String(length=40), nullable=True))
    # C15: earlier exclusions for not booking or not attending a test admit the claim too
    op.execute("UPDATE decisions SET admits = 'force-majeure' "
               "WHERE ground = 'no_booking_or_absence' AND outcome = 'excluded'")


def downgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.drop_column('admits')

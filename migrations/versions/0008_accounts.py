"""accounts for every role (issue 11): login throttling, registrations, session versions

- ``login_attempts``: failed logins, registrations and reset requests, by the e-mail address named
  and the client address, counted in the database so that the limits hold across web processes and
  machines (casework.auth.throttle);
- ``pending_registrations``: a candidate's registration waiting for its e-mail confirmation, or
  held for EPSO because it looks like a person who holds an account already (C1);
- ``users.session_version`` (1 for the accounts there): part of the login cookie, bumped by a
  password change or reset, which logs the account out everywhere;
- ``users.birth_date`` (empty for the accounts there): a registering candidate's date of birth, with
  the names what tells whether a new registration is a person with an account (C1).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('login', 'register', 'reset', name='attemptkind', native_enum=False,
                              create_constraint=True, length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_kind_email', ['kind', 'email', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_kind_address', ['kind', 'address', 'at'], unique=False)
        batch_op.create_index('ix_login_attempts_kind_at', ['kind', 'at'], unique=False)

    op.create_table('pending_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('awaiting-confirmation', 'held', name='registrationstate', native_enum=False,
                               create_constraint=True, length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('surname', sa.String(length=200), nullable=False),
    sa.Column('given_names', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('identity_key', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_because', sa.String(length=40), nullable=True),
    sa.Column('matched_candidate_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['matched_candidate_id'], ['candidates.id'],
                            name=op.f('fk_pending_registrations_matched_candidate_id_candidates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_registrations'))
    )
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_registrations_email'), ['email'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('birth_date')
        batch_op.drop_column('session_version')
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_registrations_email'))
    op.drop_table('pending_registrations')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_kind_at')
        batch_op.drop_index('ix_login_attempts_kind_address')
        batch_op.drop_index('ix_login_attempts_kind_email')
    op.drop_table('login_attempts')

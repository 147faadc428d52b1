"""Migration 0008 (issue 11): the accounts there keep working — session version 1, no date of birth,
their password hashes untouched — and the throttle's and registrations' tables exist, on both
backends, from revision 0007; `casework db check` finds the models and the migrations in step."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from casework.auth import passwords
from casework.auth.models import AttemptKind, LoginAttempt, PendingRegistration, RegistrationState, Role, User
from casework.migrate import differences, upgrade

from ..conftest import BACKENDS, fresh_database

OLD_USERS = sa.table("users", *(sa.column(c) for c in ("email", "name", "role", "language", "password_hash",
                                                       "active")))
CHEAP = passwords.hasher(**passwords.TESTING)


@pytest.mark.parametrize("backend", BACKENDS)
def test_0008_from_0007_keeps_the_accounts_and_adds_the_tables(backend, tmp_path):
    from werkzeug.security import generate_password_hash
    legacy = generate_password_hash("an old password")          # what User.set_password wrote before
    with fresh_database(backend, tmp_path, revision="0007") as db:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(OLD_USERS), [
                {"email": "officer@epso.example", "name": "Officer", "role": "legal-officer", "language": "FR",
                 "password_hash": legacy, "active": True},
                {"email": "nobody@epso.example", "name": "No password", "role": "admin", "language": "EN",
                 "password_hash": None, "active": False}])
        upgrade(db.engine)
        assert differences(db.engine) == []
        with db.session_scope() as s:
            officer = s.scalar(sa.select(User).where(User.email == "officer@epso.example"))
            assert (officer.role, officer.session_version, officer.birth_date) == (Role.LEGAL_OFFICER, 1, None)
            assert officer.password_hash == legacy
            # the old hash still opens the account, and is replaced by Argon2 at that login
            assert passwords.verify_and_update(officer, "an old password", CHEAP)
            assert officer.password_hash.startswith("$argon2id$")
            assert passwords.verify(officer.password_hash, "an old password", CHEAP)
            s.add(LoginAttempt(kind=AttemptKind.LOGIN, email="x@example.org", address="127.0.0.1",
                               at=datetime(2022, 3, 1, tzinfo=UTC)))
            s.add(PendingRegistration(state=RegistrationState.AWAITING, email="new@example.org", surname="New",
                                      given_names="Person", birth_date=date(1990, 1, 2), identity_key="AB123456",
                                      language="EN", password_hash="x", created_at=datetime(2022, 3, 1, tzinfo=UTC)))
        with db.session_scope() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 1
            assert s.scalar(sa.select(PendingRegistration.state)) is RegistrationState.AWAITING
        with db.engine.connect() as connection, pytest.raises(sa.exc.IntegrityError):   # kinds checked
            connection.execute(sa.text("INSERT INTO login_attempts (kind, email, address, at) "
                                       "VALUES ('guess', 'a', 'b', :at)"), {"at": datetime(2022, 3, 1, tzinfo=UTC)})

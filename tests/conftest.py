"""Shared fixtures: a migrated database per backend (SQLite and PostgreSQL), a per-test session
inside a rolled-back outer transaction, and a frozen clock.

PostgreSQL comes from CASEWORK_TEST_POSTGRES_URL (scripts/test starts a throwaway server). When
CASEWORK_REQUIRE_POSTGRES is set (scripts/test, CI) a missing server is an error, never a skip.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from casework import clock
from casework.db import Database
from casework.migrate import upgrade

BACKENDS = ("sqlite", "postgresql")


def _postgres_admin_url() -> str | None:
    url = os.environ.get("CASEWORK_TEST_POSTGRES_URL")
    if not url and os.environ.get("CASEWORK_REQUIRE_POSTGRES"):
        pytest.fail("CASEWORK_REQUIRE_POSTGRES is set but CASEWORK_TEST_POSTGRES_URL is not")
    return url


@contextmanager
def fresh_database(backend: str, directory: Path, revision: str = "head") -> Iterator[Database]:
    """A new database on ``backend`` brought to ``revision`` by the migrations (which proves they run)."""
    if backend == "sqlite":
        db = Database("sqlite:///" + str(directory / f"{uuid.uuid4().hex[:10]}.sqlite"))
        upgrade(db.engine, revision)
        yield db
        db.engine.dispose()
        return
    admin_url = _postgres_admin_url()
    if not admin_url:
        pytest.skip("PostgreSQL not configured (run scripts/test, or set CASEWORK_TEST_POSTGRES_URL)")
    name = f"casework_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(admin_url.rsplit("/", 1)[0] + "/" + name)
    try:
        upgrade(db.engine, revision)
        yield db
    finally:
        db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory) -> Database:
    """The shared test database of a backend; tests work in rolled-back sessions (``session``)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as db:
        yield db


@pytest.fixture(params=BACKENDS)
def scratch_database(request, tmp_path) -> Database:
    """A database of its own for a test that commits (concurrency, separate processes)."""
    with fresh_database(request.param, tmp_path) as db:
        yield db


@pytest.fixture
def session(database: Database) -> Session:
    """A session whose work is rolled back after the test (commits become savepoints)."""
    connection = database.engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def frozen():
    """A frozen clock, by default at noon UTC on 1 March 2022; tests move it with .set/.advance."""
    with clock.use_clock(clock.FrozenClock(datetime(2022, 3, 1, 12, tzinfo=UTC))) as c:
        yield c


NOTICES = Path(__file__).resolve().parent.parent / "casework" / "demo" / "notices"

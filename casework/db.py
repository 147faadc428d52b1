"""Engine, sessions and the declarative base.

The web app opens one session per request (committed once at the end, rolled back on error);
the CLI and the scheduler open their own with :meth:`Database.session_scope`. Operations never
commit: whoever opened the session does.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .config import ConfigurationError, normalise_database_url

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Instant(TypeDecorator):
    """An aware UTC datetime on every backend (SQLite keeps no zone: it would hand back naive
    values, which the deadline engine rightly refuses, D4)."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware instants (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str, *, sqlite_begin: str | None = None, **kw) -> Engine:
    """``sqlite_begin="IMMEDIATE"``: SQLite transactions take the write lock when they begin, so a
    second process waits rather than reading rows the first is about to change (the scheduler)."""
    url = normalise_database_url(url)
    try:
        engine = create_engine(url, **kw)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        shown = url.split("://", 1)[0] + "://…" if "://" in url else "(not a URL)"
        raise ConfigurationError(f"DATABASE_URL {shown} cannot be used: {type(exc).__name__} "
                                 "(sqlite:///path or postgresql://user@host/db)") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if sqlite_begin:
            _explicit_sqlite_transactions(engine, f"BEGIN {sqlite_begin}")
    if engine.dialect.name == "postgresql":
        # Batch bulk INSERTs into multi-row statements even without RETURNING (psycopg 3 would
        # otherwise send one statement per row): phase closures insert tens of thousands of rows.
        engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def _explicit_sqlite_transactions(engine: Engine, begin: str) -> None:
    """SQLAlchemy's recipe: the driver stops managing transactions and we emit our own BEGIN."""
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":   # ReadSession
            connection.exec_driver_sql(begin)


class ReadOnlyError(RuntimeError):
    """Work that was to only read changed data (a programming error: nothing was saved)."""


def _refuse_writes(session: Session, *_args) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyError("a read-only session changed data: use Database.Session for work that writes "
                            "(in the web: remove @read_only from the view)")


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str, **engine_kw):
        self.url = normalise_database_url(url)
        self.engine = make_engine(self.url, **engine_kw)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        # sessions without a transaction, each statement on its own: for work that only reads (the web's
        # read-only views: no BEGIN and COMMIT round trips); a change made in one is refused
        self.ReadSession = sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                                        expire_on_commit=False)
        event.listen(self.ReadSession, "before_flush", _refuse_writes)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A session that commits if the block ends normally and rolls back otherwise."""
        session = self.Session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def get_db(app=None) -> Database:
    """The application's database (``create_app`` puts it in ``app.extensions``)."""
    from flask import current_app
    return (app or current_app).extensions["casework.db"]

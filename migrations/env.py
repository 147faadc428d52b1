"""Alembic environment: the URL comes from the caller (``casework db upgrade``) or DATABASE_URL."""
from __future__ import annotations

import os

from alembic import context

from casework.config import normalise_database_url
from casework.models import Base  # imports every model

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("no database URL: set DATABASE_URL or use `casework db upgrade`")
    return normalise_database_url(url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _render_item(type_, obj, autogen_context):
    """Render casework's column types as plain SQLAlchemy ones: a migration must not import the app."""
    from casework.db import Instant
    if type_ == "type" and isinstance(obj, Instant):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from casework.db import make_engine
        engine = make_engine(_url())
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True, render_item=_render_item)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

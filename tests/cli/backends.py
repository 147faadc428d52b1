"""The command line against a database of its own on each backend (SQLite file, PostgreSQL), for
the tests of accounts, bad input and the scheduler status: ``command(*args)`` runs one command;
``command.dump()`` reads every row of every table, so that a refused command can be shown to have
changed nothing at all."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import casework.models  # noqa: F401  (every table in the metadata)
from casework.db import Base

from ..commands import invoker


@pytest.fixture
def command(scratch_database, monkeypatch, frozen):
    monkeypatch.setenv("DATABASE_URL", scratch_database.url)
    monkeypatch.delenv("SMTP_HOST", raising=False)
    run = invoker()

    def dump():
        with scratch_database.engine.connect() as conn:
            return {table.name: conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                    for table in Base.metadata.sorted_tables}

    run.db, run.dump, run.frozen = scratch_database, dump, frozen
    run.backend = scratch_database.engine.dialect.name
    return run


def refused(result, *texts) -> str:
    """A refused command: non-zero exit, nothing on stdout, one line on stderr ending "(nothing was
    changed)", no traceback; returns the line."""
    assert result.exit_code not in (0, None), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == "", result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for text in texts:
        assert text in lines[0], lines[0]
    assert lines[0].endswith("(nothing was changed)"), lines[0]
    return lines[0]

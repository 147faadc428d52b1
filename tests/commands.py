"""The `casework` command line as the tests run it: one command at a time through click's runner."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from casework.cli import main


def invoker():
    """``run(*args, ok=True)``: run one command (arguments made strings); unless ``ok=False``, assert
    that it succeeded. Exceptions are not caught: a traceback fails the test."""
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


def on_a_sqlite_file(tmp_path, monkeypatch):
    """``run`` (see :func:`invoker`) against a new SQLite file brought to the newest schema by
    `casework db upgrade`, with ``run.count(table)`` and ``run.engine`` (dispose it at the end)."""
    url = "sqlite:///" + str(tmp_path / "cli.sqlite")
    monkeypatch.setenv("DATABASE_URL", url)
    run = invoker()
    run("db", "upgrade")
    run.url, run.engine = url, create_engine(url)

    def count(table):
        with run.engine.connect() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()

    run.count = count
    return run

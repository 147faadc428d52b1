"""``casework db …``: the schema (Alembic, driven from code)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db import get_db


@click.group(cls=AppGroup)
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema (creates it if needed)."""
    from ..migrate import upgrade
    upgrade(get_db().engine)
    click.echo(f"database at head ({get_db().engine.url.render_as_string(hide_password=True)})")


@db.command("check")
def db_check() -> None:
    """Fail if the models and the migrations disagree."""
    from ..migrate import differences
    diff = differences(get_db().engine)
    if diff:
        raise click.ClickException(f"models and database differ: {diff}")
    click.echo("models and migrations agree")

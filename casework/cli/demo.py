"""``casework demo …``: the demo competitions."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .support import transaction


@click.group(cls=AppGroup)
def demo() -> None:
    """Demo data."""


@demo.command("load")
@click.option("--scale", type=click.IntRange(1, 50), default=1, show_default=True,
              help="Multiply the number of synthetic candidates.")
@click.option("--seed", type=int, default=2022, show_default=True)
def demo_load(scale: int, seed: int) -> None:
    """Load the three seed notices with synthetic candidates at every stage."""
    from ..demo import load_demo
    with transaction() as session:
        summary = load_demo(session, scale=scale, seed=seed)
        for line in summary:
            click.echo(line)


@demo.command("status")
def demo_status() -> None:
    """Print 'empty' when the database holds no notice yet, else the number of notices."""
    from sqlalchemy import func, select

    from ..competitions.models import Notice
    with transaction() as session:
        count = session.scalar(select(func.count(Notice.id)))
        click.echo(count or "empty")


@demo.command("accounts")
def accounts_command() -> None:
    """Create (or reset) one ready account per role, candidates at stages worth seeing, and print
    them: role, e-mail, a new password, what to look at (the old passwords stop working)."""
    from flask import current_app

    from ..auth.passwords import hasher_from
    from ..demo.accounts import demo_accounts, table
    with transaction() as session:
        rows = demo_accounts(session, using=hasher_from(current_app.config, testing=current_app.testing))
        text = table(rows)
    click.echo("Demo accounts (log in at /login):")
    click.echo(text)

"""`casework user …`: accounts, board memberships and declared conflicts of interest.

Thin over :mod:`casework.auth.accounts`, which the administration pages call too.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..auth import accounts
from ..auth.models import Role
from .support import ACTOR, transaction


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Accounts of candidates, the legal team, EPSO officers, board members and the Director."""


@user_group.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--board", "boards", multiple=True,
              help="Notice reference whose selection board the user sits on (a board member: one at least).")
@click.option("--candidate", "candidate_email", help="A candidate's account: the e-mail of their candidate record.")
@click.option("--language", default="EN", show_default=True)
def add_user(email: str, name: str, role: str, boards: tuple[str, ...], candidate_email: str | None,
             language: str) -> None:
    """Create a user account (passwords are set from the web, never on the command line)."""
    with transaction() as session:
        user = accounts.create_user(session, email=email, name=name, role=role, boards=boards,
                                    candidate_email=candidate_email, language=language, actor=ACTOR)
        address = user.email
    click.echo(f"user {address} ({role}) created")


@user_group.command("conflict")
@click.argument("email")
@click.argument("candidate_email")
@click.option("--reason", required=True, help="The family or hierarchical link declared.")
def declare_conflict(email: str, candidate_email: str, reason: str) -> None:
    """Record a declared conflict of interest: the user will never handle that candidate's cases."""
    with transaction() as session:
        user = accounts.find_user(session, email)
        candidate = accounts.find_candidate(session, candidate_email)
        accounts.declare_conflict(session, user, candidate, reason, actor=ACTOR)
        pair = f"{user.email} / {candidate.email}"
    click.echo(f"conflict of interest recorded: {pair}")


@user_group.command("join-board")
@click.argument("email")
@click.argument("reference")
def join_board(email: str, reference: str) -> None:
    """A board member sits on the selection board of notice REFERENCE from now on (audited)."""
    with transaction() as session:
        user = accounts.find_user(session, email)
        accounts.add_board_membership(session, user, reference, actor=ACTOR)
        line = f"{user.email} sits on the board of {reference}"
    click.echo(line)


@user_group.command("leave-board")
@click.argument("email")
@click.argument("reference")
@click.option("--reason", required=True, help="Why (the audit trail).")
def leave_board(email: str, reference: str, reason: str) -> None:
    """A board member leaves the selection board of notice REFERENCE (keeping at least one board)."""
    with transaction() as session:
        user = accounts.find_user(session, email)
        accounts.remove_board_membership(session, user, reference, actor=ACTOR, reason=reason)
        line = f"{user.email} no longer sits on the board of {reference}"
    click.echo(line)

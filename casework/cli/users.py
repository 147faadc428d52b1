"""`casework user …`: accounts, board memberships and declared conflicts of interest."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import clock
from ..auth.models import BoardMembership, ConflictOfInterest, Role, User
from ..competitions.models import Candidate, Notice
from ..workflows.errors import WorkflowError
from .cases import find_user
from .support import transaction


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Accounts of candidates, the legal team, EPSO officers, board members and the Director."""


@user_group.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--board", "boards", multiple=True, help="Notice reference whose board the user sits on.")
@click.option("--candidate", "candidate_email", help="For a candidate: the e-mail of their candidate record.")
@click.option("--language", default="EN", show_default=True)
def add_user(email: str, name: str, role: str, boards: tuple[str, ...], candidate_email: str | None,
             language: str) -> None:
    """Create a user account (passwords are set from the web, never on the command line)."""
    with transaction() as session:
        candidate_id = None
        if candidate_email:
            candidate_id = session.scalar(select(Candidate.id).where(Candidate.email == candidate_email))
            if candidate_id is None:
                raise WorkflowError(f"no candidate {candidate_email!r}")
        user = User(email=email, name=name, role=Role(role), candidate_id=candidate_id, language=language,
                    active=True)
        session.add(user)
        session.flush()
        for reference in boards:
            notice = session.scalar(select(Notice).where(Notice.reference == reference))
            if notice is None:
                raise WorkflowError(f"no notice {reference!r}")
            session.add(BoardMembership(user_id=user.id, notice_id=notice.id))
    click.echo(f"user {email} ({role}) created")


@user_group.command("conflict")
@click.argument("email")
@click.argument("candidate_email")
@click.option("--reason", required=True, help="The family or hierarchical link declared.")
def declare_conflict(email: str, candidate_email: str, reason: str) -> None:
    """Record a declared conflict of interest: the user will never handle that candidate's cases."""
    with transaction() as session:
        user = find_user(session, email)
        candidate_id = session.scalar(select(Candidate.id).where(Candidate.email == candidate_email))
        if candidate_id is None:
            raise WorkflowError(f"no candidate {candidate_email!r}")
        session.add(ConflictOfInterest(user_id=user.id, candidate_id=candidate_id, reason=reason,
                                       declared_at=clock.now()))
    click.echo(f"conflict of interest recorded: {email} / {candidate_email}")

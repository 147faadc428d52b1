"""`casework user …`: accounts, board memberships and declared conflicts of interest.

Thin over :mod:`casework.auth.accounts`, which the administration pages call too.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .. import notifications
from ..auth import accounts, registration
from ..auth.models import Role
from .support import ACTOR, local_minute, one_line, transaction


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


# --- registrations held for EPSO (C1) ------------------------------------------------------------------

@user_group.command("held")
def list_held() -> None:
    """Registrations held because they look like a person who holds an account (C1), oldest first:
    check each, then `user release` or `user refuse` it."""
    with transaction() as session:
        lines = [f"{registration.reference(r)}  confirmed {local_minute(r.confirmed_at.isoformat())}  "
                 f"{one_line(r.email)}  {one_line(r.given_names)} {one_line(r.surname)}, born "
                 f"{r.birth_date.isoformat()}  — same {r.held_because}"
                 + (f", candidate record {r.matched_candidate_id}" if r.matched_candidate_id else "")
                 for r in registration.held_registrations(session)]
    click.echo("\n".join(lines) if lines else "no registration is held")


@user_group.command("release")
@click.argument("reference")
@click.option("--reason", required=True, help="What EPSO found (the person is told, the audit trail keeps it).")
@click.option("--link", is_flag=True,
              help="It is the person of the candidate record it matched, which has no account (e.g. a new "
                   "address): link the account to that record. Without it: another person, a new record.")
def release(reference: str, reason: str, link: bool) -> None:
    """Create the account of held registration REFERENCE (REG-000012) and mail the person."""
    with transaction() as session:
        held = registration.find_held(session, reference)
        shown, language, linked = registration.reference(held), held.language, link
        user = registration.release(session, held, actor=ACTOR, reason=reason, link=link)
        _mail(session, "account-released", user.email, language,
              {"reference": shown, "reason": reason.strip(), "linked": linked})
        address = user.email
    click.echo(f"{shown}: account {address} created{' and linked to its candidate record' if link else ''}; "
               "the person is mailed")


@user_group.command("refuse")
@click.argument("reference")
@click.option("--reason", required=True, help="Why no account is created (the person is told, the audit trail "
                                                "keeps it).")
def refuse(reference: str, reason: str) -> None:
    """Create no account for held registration REFERENCE (REG-000012): it is deleted, the person is mailed."""
    with transaction() as session:
        held = registration.find_held(session, reference)
        shown, address, language = registration.reference(held), held.email, held.language
        registration.refuse(session, held, actor=ACTOR, reason=reason)
        _mail(session, "account-refused", address, language, {"reference": shown, "reason": reason.strip()})
    click.echo(f"{shown}: refused, no account created; the person is mailed")


def _mail(session, template: str, to: str, language: str, context: dict) -> None:
    """A message to the person, in their language, through the outbox (sent by the scheduler)."""
    base = current_app.config.get("PUBLIC_URL")
    notifications.enqueue(session, key=f"{template}/{context['reference']}", to=to, language=language,
                          template=template, context={**context, "link": base and base.rstrip("/") + "/login"})

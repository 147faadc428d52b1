"""`casework case …`: cases from the command line.

Every change goes through :func:`casework.workflows.apply` as a named user, exactly as the web
views will: the same permission checks, the same audit rows.
"""
from __future__ import annotations

import json
import re

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import AuditEvent
from ..auth.actors import actor_for
from ..auth.models import User
from ..cases.models import Case, CaseState, CaseType
from ..workflows import apply, available
from ..workflows.errors import WorkflowError
from .support import transaction

REFERENCE = re.compile(r"^(?P<code>[A-Z]{3})-(?P<year>\d{4})-(?P<id>\d{6})$")


def find_case(session: Session, reference: str) -> Case:
    match = REFERENCE.match(reference.strip().upper())
    case = session.get(Case, int(match["id"])) if match else None
    if case is None or case.reference != reference.strip().upper():
        raise WorkflowError(f"no case {reference!r} (references look like REV-2022-000042)")
    return case


def find_user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.active:
        raise WorkflowError(f"no active user {email!r}")
    return user


@click.group("case", cls=AppGroup)
def case_group() -> None:
    """Cases: list, show (with deadlines and their computation), act."""


@case_group.command("list")
@click.option("--type", "case_type", type=click.Choice([t.value for t in CaseType]))
@click.option("--state", type=click.Choice([s.value for s in CaseState]))
def list_cases(case_type: str | None, state: str | None) -> None:
    """Cases, newest first, with their state and deciding body."""
    with transaction() as session:
        query = select(Case).order_by(Case.id.desc())
        if case_type:
            query = query.where(Case.type == CaseType(case_type))
        if state:
            query = query.where(Case.state == CaseState(state))
        for case in session.scalars(query.limit(500)):
            flags = f"  [{', '.join(case.flags)}]" if case.flags else ""
            click.echo(f"{case.reference}  {case.state.value:<18} {case.deciding_body.value:<21}{flags}")


@case_group.command("show")
@click.argument("reference")
@click.option("--as", "email", help="Also list the steps this user may take now.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable, with full deadline computations.")
def show_case(reference: str, email: str | None, as_json: bool) -> None:
    """A case: state, deciding body, deadlines with how they were computed (D6), trail."""
    with transaction() as session:
        case = find_case(session, reference)
        trail = session.scalars(select(AuditEvent).where(AuditEvent.entity == "case", AuditEvent.entity_id == case.id)
                                .order_by(AuditEvent.id))
        data = {
            "reference": case.reference, "type": case.type.value, "rule": case.type.rule,
            "state": case.state.value, "deciding_body": case.deciding_body.value, "version": case.version,
            "filed_at": case.filed_at.isoformat(), "late": case.late, "lateness_seconds": case.lateness_seconds,
            "excuse": case.excuse, "flags": case.flags, "outcome": case.outcome, "details": case.details,
            "deadlines": [{"name": d.name, "rule": d.rule, "status": d.status.value,
                           "last_day": d.last_day and d.last_day.isoformat(),
                           "due_at": d.due_at and d.due_at.isoformat(), "computation": d.computation}
                          for d in case.deadlines],
            "trail": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "from": e.from_state,
                       "to": e.to_state, "reason": e.reason} for e in trail],
        }
        if email:
            actor = actor_for(session, find_user(session, email))
            data["may"] = [st.trigger for st in available(session, case, actor)]
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['reference']} ({data['rule']} {data['type']}): {data['state']}, "
               f"decided by {data['deciding_body']}")
    if data["late"]:
        click.echo(f"  filed late by {data['lateness_seconds'] // 3600} h; excuse: {data['excuse'] or 'none yet'}")
    for d in data["deadlines"]:
        click.echo(f"  {d['name']:<20} {d['status']:<9} last day {d['last_day']} ({d['rule']}): "
                   f"{d['computation']['steps'][-1]}")
    for e in data["trail"]:
        click.echo(f"  {e['at']}  {e['actor']}: {e['action']} {e['from'] or ''} -> {e['to']}"
                   + (f" ({e['reason']})" if e["reason"] else ""))
    if "may" in data:
        click.echo(f"  {email} may: {', '.join(data['may']) or 'nothing now'}")


@case_group.command("apply")
@click.argument("reference")
@click.argument("trigger")
@click.option("--as", "email", required=True, help="The user acting (their rights are checked).")
@click.option("--data", "-d", "pairs", multiple=True, metavar="KEY=VALUE",
              help="reason=…, outcome=…, body=…, ground=…, excuse=…, recommendation=…, "
                   "preparatory_steps=…, deadline=…, kind=…, period=…, on=…")
@click.option("--version", "expected_version", type=int, help="Refuse if the case moved past this version.")
def apply_step(reference: str, trigger: str, email: str, pairs: tuple[str, ...], expected_version: int | None) -> None:
    """Take one step on a case, e.g. `case apply REV-2022-000042 acknowledge --as officer@…`."""
    data = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--data")
        data[key.strip()] = value
    with transaction() as session:
        case = find_case(session, reference)
        actor = actor_for(session, find_user(session, email))
        before = case.state.value
        apply(session, case, trigger, actor, expected_version=expected_version, **data)
        click.echo(f"{case.reference}: {trigger}: {before} -> {case.state.value}")

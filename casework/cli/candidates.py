"""`casework candidate …`: a candidate's record — applications with their stage history (C16),
every decision with its id, author, ground, publication date and stage (R2), and their cases — and
the candidates of a notice. Read-only, through :mod:`casework.cases.queries` and
:mod:`casework.competitions.history`; user-supplied text reaches the terminal only through
:func:`~casework.cli.support.printable`.
"""
from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from ..auth import accounts, permissions
from ..auth.actors import actor_for
from ..cases import queries
from ..competitions import history
from ..competitions.errors import CompetitionError
from ..competitions.models import Status
from .cases import json_text
from .support import find_field, find_notice, local_minute, one_line, transaction

STATUSES = tuple(s.value for s in Status)


@click.group("candidate", cls=AppGroup)
def candidate_group() -> None:
    """Candidates: their record (applications, stages, decisions, cases) and the lists of a notice."""


def _print_decision(d: dict[str, Any]) -> None:
    ground = f", ground {one_line(d['ground'])}" if d["ground"] else ""
    notes = "".join([f" [annulled: {one_line(d['annulled_by'])}]" if d["annulled"] else "",
                     f" [reinstatement after {one_line(d['source'])}]" if d["kind"] == "reinstatement" and d["source"]
                     else "",
                     f" [contested by {', '.join(d.get('contested_by', []))}]" if d.get("contested_by") else ""])
    click.echo(f"      #{d['id']:<6} {local_minute(d['published_at'])}  {one_line(d['kind'])} by {d['author']} at "
               f"{one_line(d['stage'])} -> {d['outcome']}{ground}{notes}")
    if d["reason"]:
        click.echo(f"              {one_line(d['reason'])}")


def _print_candidate(view: dict[str, Any]) -> None:
    c = view["candidate"]
    click.echo(f"{one_line(c['name'])} <{one_line(c['email'])}>, correspondence in {one_line(c['language'])}")
    for a in view["applications"]:
        reinstated = " (reinstated, R3)" if a["reinstated"] else ""
        click.echo(f"  {one_line(a['number'])}  {one_line(a['notice'])} field {one_line(a['field'])}: "
                   f"{one_line(a['phase'])}, {a['status']}{reinstated}")
        click.echo("    stages")
        for e in a["history"]:
            decision = f"  decision #{e['decision']}" if e["decision"] else ""
            click.echo(f"      {local_minute(e['at'])}  {one_line(e['phase']):<20} {e['status']:<13}{decision}")
        click.echo("    decisions")
        for d in a["decisions"]:
            _print_decision(d)
    if view["cases"]:
        click.echo("  cases")
    for row in view["cases"]:
        about = f"  (decision #{row['decision']})" if row["decision"] else ""
        outcome = f", {one_line(row['outcome'])}" if row["outcome"] else ""
        click.echo(f"    {row['reference']}  {row['type']}: {row['state']}{outcome}{about}")


@candidate_group.command("show")
@click.argument("key", metavar="APPLICATION|EMAIL")
@click.option("--as", "email", help="Only what this user may see (a board member: their competition, "
                                    "never a candidate they declared a conflict with).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable.")
def show_candidate(key: str, email: str | None, as_json: bool) -> None:
    """A candidate (by application number or e-mail): each application with its stage history,
    every decision with its id (what `case file --decision` takes), author, ground, publication date
    and stage (R2), and their cases."""
    with transaction() as session:
        candidate = history.find_candidate(session, key)
        unknown = CompetitionError(f"no candidate with the e-mail or application number {key!r}")
        if candidate is None:
            raise unknown
        if email is None:
            view = queries.candidate_view(session, candidate)
        else:
            actor = actor_for(session, accounts.find_user(session, email))
            view = queries.candidate_view(session, candidate,
                                          visible=lambda obj: permissions.can_view(actor, obj, session=session),
                                          visible_cases=permissions.case_filter(actor))
            view["cases"] = permissions.case_rows_for(actor, view["cases"])     # as they see them
            if not view["applications"] and not view["cases"]:
                raise unknown          # what the user may not see does not exist for them
    if as_json:
        click.echo(json_text(view))
        return
    _print_candidate(view)


@candidate_group.command("list")
@click.option("--notice", "notice_ref", required=True, metavar="REF")
@click.option("--status", metavar="STATUS", help=f"Only this status ({', '.join(STATUSES)}).")
@click.option("--stage", metavar="PHASE", help="Only candidates at this stage (a phase of the notice).")
@click.option("--field", "field_code", metavar="F", help="Only this field.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable.")
def list_candidates(notice_ref: str, status: str | None, stage: str | None, field_code: str | None,
                    as_json: bool) -> None:
    """The applications to a notice, by number: candidate, field, stage, status."""
    with transaction() as session:
        if status is not None and status not in STATUSES:
            raise CompetitionError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
        notice = find_notice(session, notice_ref)
        field = find_field(notice, field_code) if field_code is not None else None
        rows = history.candidate_list(session, notice, status=status and Status(status), stage=stage, field=field)
    if as_json:
        click.echo(json_text(rows))
        return
    for r in rows:
        reinstated = " (reinstated)" if r["reinstated"] else ""
        click.echo(f"{one_line(r['application'])}  {one_line(r['surname'])} {one_line(r['given_names'])} <{one_line(r['email'])}>  "
                   f"field {one_line(r['field'])}  {one_line(r['stage'])}  {r['status']}{reinstated}")

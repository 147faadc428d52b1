"""The ``casework`` command line.

Every command that touches the database runs in one transaction: an error rolls everything
back and prints one line (no traceback) with a non-zero exit.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, ScriptInfo
from sqlalchemy.orm import Session

from . import (
    calendars_cli,  # noqa: F401  (adds `calendar record`)
    create_app,
    get_db,
)
from .cases_cli import case_group, user_group
from .cli_support import transaction
from .competitions.errors import CompetitionError
from .deadlines_cli import calendar_group, deadline_group
from .notifications_cli import outbox_group
from .scheduler_cli import scheduler_group
from .workflows_cli import workflows_group

ACTOR = "cli"


def _notice(session: Session, reference: str):
    from .competitions.notices import find_notice
    return find_notice(session, reference)


def _field(notice, code: str):
    for field in notice.fields:
        if field.code == code:
            return field
    raise CompetitionError(f"{notice.reference} has no field {code!r}")


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def main() -> None:
    """casework: complaints and legal review for EU open competitions."""
    click.get_current_context().meta["casework.resolve_rule_set"] = _notice_rule_set


def _notice_rule_set(reference: str):
    """D9: the time limits of a notice's rule set (version in force), for `deadline rule --rules REF`."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from .competitions.models import Notice
    from .competitions.notices import time_limits
    with click.get_current_context().find_object(ScriptInfo).load_app().app_context():
        try:
            with get_db().session_scope() as session:
                notice = session.scalar(select(Notice).where(Notice.reference == reference))
                return None if notice is None else time_limits(notice.current)
        except SQLAlchemyError as exc:
            raise click.ClickException(f"cannot read the notices ({type(exc).__name__}): "
                                       "is the database created (`casework db upgrade`)?") from None


main.add_command(deadline_group)
main.add_command(calendar_group)
main.add_command(workflows_group)
main.add_command(case_group)
main.add_command(user_group)
main.add_command(scheduler_group)
main.add_command(outbox_group)


# --- database ------------------------------------------------------------------------------

@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema (creates it if needed)."""
    from .migrate import upgrade
    upgrade(get_db().engine)
    click.echo(f"database at head ({get_db().engine.url.render_as_string(hide_password=True)})")


@db.command("check")
def db_check() -> None:
    """Fail if the models and the migrations disagree."""
    from .migrate import differences
    diff = differences(get_db().engine)
    if diff:
        raise click.ClickException(f"models and database differ: {diff}")
    click.echo("models and migrations agree")


# --- notices -------------------------------------------------------------------------------

@main.group()
def notice() -> None:
    """Notices of competition (C14: every amendment is a new version)."""


@notice.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def notice_import(path: Path) -> None:
    """Publish a notice from a JSON file (format: docs/competitions.md)."""
    from .competitions.files import import_notice
    with transaction() as session:
        n = import_notice(session, path, actor=ACTOR)
        click.echo(f"{n.reference}: version 1, {len(n.fields)} field(s)")


@notice.command("amend")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--reason", required=True, help="Why the notice changes (shown in the version history).")
@click.option("--published-on", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Publication date of the amendment.")
@click.option("--reopen", is_flag=True, help="Applications reopen: everyone must revalidate (C14).")
@click.option("--cancel-test", multiple=True, help="A test whose results are cancelled (repeatable).")
def notice_amend(path: Path, reason: str, published_on, reopen: bool, cancel_test: tuple[str, ...]) -> None:
    """Publish an amendment as a new version of the notice."""
    from .competitions.files import read_json
    from .competitions.notices import amend_notice
    with transaction() as session:
        version = amend_notice(session, read_json(path), actor=ACTOR, reason=reason,
                               published_on=published_on.date(), reopens_applications=reopen,
                               cancelled_tests=cancel_test)
        click.echo(f"version {version.number} published")


@notice.command("show")
@click.argument("reference")
def notice_show(reference: str) -> None:
    """Versions, fields and phases of a notice."""
    from .competitions.notices import definition
    from .competitions.selection import closed_phases
    with transaction() as session:
        n = _notice(session, reference)
        spec = definition(n.current)
        click.echo(f"{n.reference} — {n.title}")
        for v in n.versions:
            click.echo(f"  version {v.number} of {v.published_on}{': ' + v.reason if v.reason else ''}")
        click.echo(f"  application deadline {spec.application_deadline.isoformat()} (Brussels)")
        for f in n.fields:
            closed = closed_phases(session, f)
            phases = " → ".join(p.code + ("✓" if p.code in closed else "") for p in spec.phases)
            click.echo(f"  field {f.code} ({spec.field(f.code).places} places): {phases}")


# --- applications and results --------------------------------------------------------------

def _import_csv(reference: str, path: Path, label: str, noun: str, importer) -> None:
    """Run an all-or-nothing CSV import with a progress bar on stderr (one step per line)."""
    with transaction() as session:
        notice_ = _notice(session, reference)
        total = max(sum(1 for _ in path.open(encoding="utf-8-sig")) - 1, 0) if path.is_file() else 0
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            count = importer(session, notice_, path, progress=bar.update)
        click.echo(f"{count} {noun} imported")


@main.group()
def applications() -> None:
    """Applications."""


@applications.command("import")
@click.argument("reference")
@click.argument("path", type=click.Path(path_type=Path))
def applications_import(reference: str, path: Path) -> None:
    """Import applications from CSV (all or nothing)."""
    from .competitions.files import import_applications
    _import_csv(reference, path, "applications", "application(s)",
                lambda session, n, p, progress: import_applications(session, n, p, actor=ACTOR,
                                                                    progress=progress))


@main.group()
def results() -> None:
    """Answer keys and test results."""


@results.command("keys")
@click.argument("reference")
@click.argument("path", type=click.Path(path_type=Path))
def results_keys(reference: str, path: Path) -> None:
    """Import the answer key of MCQ tests (CSV: test, question, correct, points)."""
    from .competitions.files import import_questions
    with transaction() as session:
        click.echo(f"{import_questions(session, _notice(session, reference), path)} question(s) imported")


@results.command("import")
@click.argument("reference")
@click.argument("path", type=click.Path(path_type=Path))
def results_import(reference: str, path: Path) -> None:
    """Import results (CSV: application, test, value[, questions, answers, taken_on])."""
    from .competitions.files import import_results
    _import_csv(reference, path, "results", "result(s)", import_results)


# --- phases --------------------------------------------------------------------------------

@main.group()
def phase() -> None:
    """Running the phases of a competition."""


@phase.command("close")
@click.argument("reference")
@click.argument("phase_code")
@click.option("--field", "fields", multiple=True, help="Only this field (repeatable).")
def phase_close(reference: str, phase_code: str, fields: tuple[str, ...]) -> None:
    """Decide who goes through PHASE_CODE (C5–C12) and invite them to the next phase (C7)."""
    from .competitions.selection import close_phase
    with transaction() as session:
        reports = close_phase(session, _notice(session, reference), phase_code, actor=ACTOR,
                              field_codes=list(fields) or None)
        for r in reports:
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items()))
            cutoff = f", cut-off {r.cutoff}" if r.cutoff else ""
            click.echo(f"field {r.field}: {r.considered} considered, {r.through} through ({outcomes}{cutoff})")


@main.command("extend-reserve-list")
@click.argument("reference")
@click.option("--field", "field_code", required=True, help="Field code.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), required=True, help="New end of validity.")
@click.option("--reason", required=True, help="Why (recorded in the audit trail).")
def extend_reserve_list_command(reference: str, field_code: str, until, reason: str) -> None:
    """Extend the validity of a field's reserve list (C12)."""
    from .competitions.selection import extend_reserve_list
    with transaction() as session:
        reserve = extend_reserve_list(session, _field(_notice(session, reference), field_code),
                                      until=until.date(), actor=ACTOR, reason=reason)
        click.echo(f"field {field_code}: reserve list valid until {reserve.valid_until}")


@main.command("force-majeure")
@click.argument("reference")
@click.argument("number")
@click.option("--accept/--refuse", required=True, help="The competent body's decision on the claim.")
@click.option("--reason", required=True, help="The reasons, published to the candidate (R2).")
def force_majeure_command(reference: str, number: str, accept: bool, reason: str) -> None:
    """Decide a candidate's claim of force majeure after an exclusion for absence (C15).

    Accepted: the candidate is reinstated at that stage (R3); refused: the exclusion stands. Either
    way the decision is recorded with its author, the body that took the exclusion.
    """
    from sqlalchemy import select

    from . import clock
    from .competitions.claims import decide_force_majeure
    from .competitions.errors import CompetitionError
    from .competitions.models import Application
    with transaction() as session:
        notice = _notice(session, reference)
        application = session.scalar(select(Application).where(Application.notice_id == notice.id,
                                                                Application.number == number))
        if application is None:
            raise CompetitionError(f"{reference} has no application {number!r}")
        decision = decide_force_majeure(session, application, accepted=accept, actor=ACTOR,
                                        published_at=clock.now(), reason=reason)
        click.echo(f"{number}: {decision.kind} ({'accepted: reinstated at ' + application.phase if accept else 'refused'})")


# --- exports -------------------------------------------------------------------------------

@main.command("export")
@click.argument("what", type=click.Choice(["ranking", "invitations", "reserve-list"]))
@click.argument("reference")
@click.option("--field", "field_code", required=True, help="Field code.")
@click.option("--phase", "phase_code", help="For invitations: the phase invited to.")
@click.option("--tests", help="For a ranking: comma-separated tests (default: the final score).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
def export(what: str, reference: str, field_code: str, phase_code: str | None, tests: str | None,
           fmt: str, output) -> None:
    """Export a ranking, an invitation list or a reserve list."""
    from .competitions import queries
    from .competitions.files import write_rows
    from .competitions.notices import definition
    with transaction() as session:
        n = _notice(session, reference)
        field = _field(n, field_code)
        if what == "ranking":
            codes = tuple(tests.split(",")) if tests else definition(n.current).final_score
            rows = [{"rank": r[0], "application": r[1], "score": str(r[2]), "phase": r[3], "status": r[4]}
                    for r in queries.ranking(session, field, codes)]
        elif what == "invitations":
            if not phase_code:
                raise CompetitionError("--phase is required for invitations")
            rows = queries.invitations(session, field, phase_code)
        else:
            reserve, entries = queries.reserve_list_rows(session, field)
            if reserve is None:
                raise CompetitionError(f"field {field_code} has no reserve list yet")
            rows = [{"application": r[1], "surname": r[2] if r[4] else "", "given_names": r[3] if r[4] else "",
                     "name_published": r[4], "final_score": str(r[5]), "reinstated": r[6],
                     "valid_until": reserve.valid_until.isoformat()} for r in entries]
        write_rows(rows, fmt, output)


# --- demo ----------------------------------------------------------------------------------

@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
@click.option("--scale", type=click.IntRange(1, 50), default=1, show_default=True,
              help="Multiply the number of synthetic candidates.")
@click.option("--seed", type=int, default=2022, show_default=True)
def demo_load(scale: int, seed: int) -> None:
    """Load the three seed notices with synthetic candidates at every stage."""
    from .demo import load_demo
    with transaction() as session:
        summary = load_demo(session, scale=scale, seed=seed)
        for line in summary:
            click.echo(line)


@demo.command("status")
def demo_status() -> None:
    """Print 'empty' when the database holds no notice yet, else the number of notices."""
    from sqlalchemy import func, select

    from .competitions.models import Notice
    with transaction() as session:
        count = session.scalar(select(func.count(Notice.id)))
        click.echo(count or "empty")


if __name__ == "__main__":  # pragma: no cover
    main()

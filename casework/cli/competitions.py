"""Running a competition from the command line: notices, applications, results, phases, claims,
reserve lists and exports (all through casework.competitions; each command one transaction)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from ..competitions.errors import CompetitionError
from ..competitions.files import ImportFileError, count_lines, import_notice
from ..competitions.notices import amend_notice
from .support import ACTOR, UNCHANGED, find_field, find_notice, transaction


@click.group(cls=AppGroup)
def notice() -> None:
    """Notices of competition (C14: every amendment is a new version)."""


@notice.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def notice_import(path: Path) -> None:
    """Publish a notice from a JSON file (format: docs/competitions.md)."""
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
    from ..competitions.files import read_json
    with transaction() as session:
        version = amend_notice(session, read_json(path), actor=ACTOR, reason=reason,
                               published_on=published_on.date(), reopens_applications=reopen,
                               cancelled_tests=cancel_test)
        click.echo(f"version {version.number} published")


@notice.command("show")
@click.argument("reference")
def notice_show(reference: str) -> None:
    """Versions, fields and phases of a notice."""
    from ..competitions.notices import definition
    from ..competitions.selection import closed_phases
    with transaction() as session:
        n = find_notice(session, reference)
        spec = definition(n.current)
        click.echo(f"{n.reference} — {n.title}")
        for v in n.versions:
            click.echo(f"  version {v.number} of {v.published_on}{': ' + v.reason if v.reason else ''}")
        click.echo(f"  application deadline {spec.application_deadline.isoformat()} (Brussels)")
        for f in n.fields:
            closed = closed_phases(session, f)
            phases = " → ".join(p.code + ("✓" if p.code in closed else "") for p in spec.phases)
            click.echo(f"  field {f.code} ({spec.field(f.code).places} places): {phases}")


def _import_csv(reference: str, path: Path, label: str, noun: str, importer) -> None:
    """Run an all-or-nothing CSV import with a progress bar on stderr (one step per line)."""
    with transaction() as session:
        notice_ = find_notice(session, reference)
        with click.progressbar(length=max(count_lines(path) - 1, 0), label=label, file=sys.stderr) as bar:
            try:
                count = importer(session, notice_, path, progress=bar.update)
            except ImportFileError as exc:      # rolled back by transaction(); the message names the file
                raise click.ClickException(f"{path.name}: {exc} {UNCHANGED}") from None
        click.echo(f"{count} {noun} imported")


@click.group(cls=AppGroup)
def applications() -> None:
    """Applications."""


@applications.command("import")
@click.argument("reference")
@click.argument("path", type=click.Path(path_type=Path))
def applications_import(reference: str, path: Path) -> None:
    """Import applications from CSV (all or nothing)."""
    from ..competitions.files import import_applications
    _import_csv(reference, path, "applications", "application(s)",
                lambda session, n, p, progress: import_applications(session, n, p, actor=ACTOR,
                                                                    progress=progress))


@click.group(cls=AppGroup)
def results() -> None:
    """Answer keys and test results."""


@results.command("keys")
@click.argument("reference")
@click.argument("path", type=click.Path(path_type=Path))
def results_keys(reference: str, path: Path) -> None:
    """Import the answer key of MCQ tests (CSV: test, question, correct, points)."""
    from ..competitions.files import import_questions
    with transaction() as session:
        notice_ = find_notice(session, reference)
        try:
            count = import_questions(session, notice_, path)
        except ImportFileError as exc:      # rolled back by transaction(); the message names the file
            raise click.ClickException(f"{path.name}: {exc} {UNCHANGED}") from None
        click.echo(f"{count} question(s) imported")


@results.command("import")
@click.argument("reference")
@click.argument("path", type=click.Path(path_type=Path))
def results_import(reference: str, path: Path) -> None:
    """Import results (CSV: application, test, value[, questions, answers, taken_on])."""
    from ..competitions.files import import_results
    _import_csv(reference, path, "results", "result(s)", import_results)


@click.group(cls=AppGroup)
def phase() -> None:
    """Running the phases of a competition."""


@phase.command("close")
@click.argument("reference")
@click.argument("phase_code")
@click.option("--field", "fields", multiple=True, help="Only this field (repeatable).")
def phase_close(reference: str, phase_code: str, fields: tuple[str, ...]) -> None:
    """Decide who goes through PHASE_CODE (C5–C12) and invite them to the next phase (C7)."""
    from ..competitions.selection import close_phase
    with transaction() as session:
        reports = close_phase(session, find_notice(session, reference), phase_code, actor=ACTOR,
                              field_codes=list(fields) or None)
        for r in reports:
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items()))
            cutoff = f", cut-off {r.cutoff}" if r.cutoff else ""
            click.echo(f"field {r.field}: {r.considered} considered, {r.through} through ({outcomes}{cutoff})")


@click.command("extend-reserve-list")
@with_appcontext
@click.argument("reference")
@click.option("--field", "field_code", required=True, help="Field code.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), required=True, help="New end of validity.")
@click.option("--reason", required=True, help="Why (recorded in the audit trail).")
def extend_reserve_list_command(reference: str, field_code: str, until, reason: str) -> None:
    """Extend the validity of a field's reserve list (C12)."""
    from ..competitions.selection import extend_reserve_list
    with transaction() as session:
        reserve = extend_reserve_list(session, find_field(find_notice(session, reference), field_code),
                                      until=until.date(), actor=ACTOR, reason=reason)
        click.echo(f"field {field_code}: reserve list valid until {reserve.valid_until}")


@click.command("force-majeure")
@with_appcontext
@click.argument("reference")
@click.argument("number")
@click.option("--accept/--refuse", required=True, help="The competent body's decision on the claim.")
@click.option("--reason", required=True, help="The reasons, published to the candidate (R2).")
def force_majeure_command(reference: str, number: str, accept: bool, reason: str) -> None:
    """Decide a candidate's claim of force majeure after an exclusion for absence (C15).

    Accepted: the candidate is reinstated at that stage (R3); refused: the exclusion stands. Either
    way the decision is recorded with its author, the body that took the exclusion.
    """
    from .. import clock
    from ..competitions.claims import decide_force_majeure
    with transaction() as session:
        application = _application(session, reference, number)
        decision = decide_force_majeure(session, application, accepted=accept, actor=ACTOR,
                                        published_at=clock.now(), reason=reason)
        click.echo(f"{number}: {decision.kind} ({'accepted: reinstated at ' + application.phase if accept else 'refused'})")


@click.command("withhold-name")
@with_appcontext
@click.argument("reference")
@click.argument("number")
@click.option("--received-at", "received", required=True,
              help="When the request reached EPSO: an ISO instant with offset (2024-05-02T10:00:00+02:00).")
@click.option("--accept-late", is_flag=True, help="EPSO accepts a late request anyway (needs --reason).")
@click.option("--reason", help="Why a late request is accepted (the audit trail).")
def withhold_name_command(reference: str, number: str, received: str, accept_late: bool, reason: str | None) -> None:
    """Record a candidate's request not to have their name published on the reserve list (C12).

    In time (the notice's `name-withholding` limit, D9) the name is withheld; a late request is
    recorded with its lateness (D6) and applied only when EPSO accepts it anyway.
    """
    from datetime import datetime

    from ..competitions.claims import withhold_name
    from ..deadlines import parse_when
    with transaction() as session:
        when = parse_when(received)
        if not isinstance(when, datetime):
            raise click.ClickException("--received-at: give the instant, with its time and offset "
                                       f"(2022-04-06T10:00:00+02:00) {UNCHANGED}")
        request = withhold_name(session, _application(session, reference, number), received_at=when, actor=ACTOR,
                                accept_late=accept_late, reason=reason)
        limit = f"limit {request.deadline.isoformat()}" if request.deadline else "no limit running yet"
        click.echo(f"{number}: {'name withheld' if request.applied else 'recorded, not applied'} "
                   f"({'late' if request.late else 'in time'}; {limit})")


def _application(session, reference: str, number: str):
    from sqlalchemy import select

    from ..competitions.models import Application
    notice = find_notice(session, reference)
    application = session.scalar(select(Application).where(Application.notice_id == notice.id,
                                                            Application.number == number))
    if application is None:
        raise CompetitionError(f"{reference} has no application {number!r}")
    return application


@click.command("export")
@with_appcontext
@click.argument("what", type=click.Choice(["ranking", "invitations", "reserve-list"]))
@click.argument("reference")
@click.option("--field", "field_code", required=True, help="Field code.")
@click.option("--phase", "phase_code", help="For invitations: the phase invited to.")
@click.option("--tests", help="For a ranking: comma-separated tests (default: the final score).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Where to write (default: the terminal); an existing file is replaced only on success.")
def export(what: str, reference: str, field_code: str, phase_code: str | None, tests: str | None,
           fmt: str, output) -> None:
    """Export a ranking, an invitation list or a reserve list."""
    from ..competitions import queries
    from ..competitions.files import write_rows
    from ..competitions.notices import definition
    with transaction() as session:
        n = find_notice(session, reference)
        field = find_field(n, field_code)
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

"""The ``casework`` command line: one module per command group, registered here explicitly.

Every command that touches the database runs in one transaction: an error rolls everything back
and prints one line (no traceback) with a non-zero exit (``support.transaction``). Commands are
thin: what they compute lives in the domain packages, which the web calls too.
"""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup, ScriptInfo

from .. import create_app
from ..config import ConfigurationError, InsecureConfiguration
from . import candidates, cases, competitions, database, deadlines, decisions, demo, outbox, scheduler, users, workflows


def _cli_app():
    """The app as the command line needs it. Commands sign no cookies, so the secret key is not
    checked, except for `casework run`, which serves the web application. A setting that cannot be
    read is one line, not a traceback."""
    context = click.get_current_context(silent=True)
    serving = context is not None and context.command.name == "run"
    try:
        return create_app({} if serving else {"CHECK_SECRET_KEY": False})
    except (InsecureConfiguration, ConfigurationError) as exc:
        raise click.ClickException(str(exc)) from None


class CaseworkGroup(FlaskGroup):
    """Click's usage errors (a wrong option, a missing argument, a value out of range) are one line
    too, like every other error: "Error: …" with where to find help, and exit status 2."""

    def main(self, *args, **kwargs):
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
            click.echo(f"Error: {exc.format_message()}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=CaseworkGroup, create_app=_cli_app, add_default_commands=True)
def main() -> None:
    """casework: complaints and legal review for EU open competitions."""
    click.get_current_context().meta["casework.resolve_rule_set"] = _notice_rule_set


def _notice_rule_set(reference: str):
    """D9: the time limits of a notice's rule set (version in force), for `deadline rule --rules REF`."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from ..competitions.models import Notice
    from ..competitions.notices import time_limits
    from ..db import get_db
    with click.get_current_context().find_object(ScriptInfo).load_app().app_context():
        try:
            with get_db().session_scope() as session:
                notice = session.scalar(select(Notice).where(Notice.reference == reference))
                return None if notice is None else time_limits(notice.current)
        except SQLAlchemyError as exc:
            raise click.ClickException(f"cannot read the notices ({type(exc).__name__}): "
                                       "is the database created (`casework db upgrade`)?") from None


for command in (
    database.db,
    competitions.notice, competitions.applications, competitions.results, competitions.phase,
    competitions.export, competitions.extend_reserve_list_command, competitions.force_majeure_command,
    competitions.withhold_name_command,
    deadlines.deadline_group, deadlines.calendar_group,
    workflows.workflows_group,
    cases.case_group, users.user_group,
    candidates.candidate_group, decisions.decision_group,
    scheduler.scheduler_group, outbox.outbox_group,
    demo.demo,
):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()

"""`casework calendar record FILE.json`: an administrator's holiday list for a place and year (D2)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .agenda.calendars import record_year
from .cli_support import transaction
from .deadlines import CalendarYear, DeadlineError
from .deadlines_cli import calendar_group


@calendar_group.command("record")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reason", required=True, help="Why, e.g. the official decision the list comes from (D6).")
@click.option("--by", "actor", default="admin:cli", show_default=True, help="Who records it (the audit trail).")
@with_appcontext
def record(file: Path, reason: str, actor: str) -> None:
    """Record a year's holidays ({"place", "year", "holidays": [{"date", "name"}], "source", "status"});
    open deadlines that counted that year are recomputed by the scheduler, and those affected told."""
    try:
        year = CalendarYear.from_dict(json.loads(file.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, DeadlineError) as exc:
        raise click.ClickException(f"{file}: {exc} (nothing was changed)") from None
    with transaction() as session:
        saved = record_year(session, year, actor=actor, reason=reason)
        click.echo(f"{year.place} {year.year}: {len(year.holidays)} holidays, {year.status}, version {saved.version}; "
                   "open deadlines will be recomputed by the scheduler")

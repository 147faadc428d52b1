"""``casework deadline …`` and ``casework calendar …``: the deadline engine, and the calendars
administrators record (``calendar record``, which needs the database).

``deadline_group`` and ``calendar_group`` are registered in the main CLI. Bad
input (unknown unit or rule, malformed date, year outside the calendars) ends
with a one-line message on stderr and a non-zero exit, never a traceback.
A notice's rule set (``--rules EPSO/AD/398/22``) is found through
``ctx.meta["casework.resolve_rule_set"]`` (reference -> RuleSet) when the caller provides it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..agenda.calendars import record_year
from ..deadlines import (
    CalendarYear,
    DeadlineError,
    DeadlineResult,
    RuleSet,
    UnknownRuleSetError,
    add_period,
    compute_rule,
    default_calendars,
    get_rule_set,
    parse_when,
)
from ..deadlines.calendars import PATTERNS, WEEKDAY_NAMES
from ..deadlines.rules import DEFAULT_RULE_SET
from .support import UNCHANGED, transaction

PLACES = click.Choice(sorted(PATTERNS))


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn engine errors into a one-line ``Error: ...`` on stderr (exit code 1)."""
    try:
        yield
    except DeadlineError as exc:
        raise click.ClickException(str(exc)) from None


def _print(result: DeadlineResult, as_json: bool, day: date | None) -> None:
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(day.isoformat() if day else "suspended")


def _rule_set(ctx: click.Context, name: str) -> RuleSet:
    try:
        return get_rule_set(name)
    except UnknownRuleSetError:
        resolve: Callable[[str], RuleSet | None] | None = ctx.meta.get("casework.resolve_rule_set")
        found = resolve(name) if resolve else None
        if found is None:
            raise
        return found


@click.group("deadline")
def deadline_group() -> None:
    """Compute legal deadlines (Reg 1182/71; RULES D1-D10)."""


@deadline_group.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("period")
@click.option("--from", "when", required=True, help="Event date (2025-05-02) or ISO instant with offset.")
@click.option("--calendar", "place", type=PLACES, default="brussels", show_default=True,
              help="Whose working days count (D2).")
@click.option("--no-roll", is_flag=True, help="Do not move a last day off a weekend or holiday (Art 3(4)).")
@click.option("--no-art-3-5", is_flag=True, help="Do not extend to two working days (Art 3(5)).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result with its trace.")
def deadline_add(period: str, when: str, place: str, no_roll: bool, no_art_3_5: bool, as_json: bool) -> None:
    """Add PERIOD (10cd, 15wd, 3m, 1y; negative counts backwards, e.g. -5wd) to --from."""
    with _user_errors():
        result = add_period(period, parse_when(when), place=place, roll_forward=not no_roll,
                            art_3_5=not no_art_3_5)
    _print(result, as_json, result.last_day)


@deadline_group.command("rule")
@click.argument("name")
@click.option("--from", "when", required=True, help="Event date (2025-05-02) or ISO instant with offset.")
@click.option("--rules", "rules", default=DEFAULT_RULE_SET, show_default=True,
              help="Rule set: 2022, 2015 or a notice reference.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result with its trace.")
@click.pass_context
def deadline_rule(ctx: click.Context, name: str, when: str, rules: str, as_json: bool) -> None:
    """The date to act by under the named rule NAME (e.g. review, art90-complaint) for the event --from.

    For a candidate's limit that is never later than the real last day (D2, D5); --json also gives
    the outer limit the deciding body weighs on a late filing, and why the dates differ.
    """
    with _user_errors():
        result = compute_rule(name, parse_when(when), _rule_set(ctx, rules))
    _print(result, as_json, result.act_by)


@click.group("calendar")
def calendar_group() -> None:
    """Holiday calendars per place and year (D2)."""


@calendar_group.command("show")
@click.argument("year", type=int)
@click.option("--place", type=PLACES, default="brussels", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the year as JSON (the loadable format).")
def calendar_show(year: int, place: str, as_json: bool) -> None:
    """List the holidays of YEAR with weekday, name and the year's status."""
    with _user_errors():
        cal_year = default_calendars()[place].year(year)
    if as_json:
        click.echo(json.dumps(cal_year.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{place} {year}: {cal_year.status} ({cal_year.source})")
    for h in cal_year.holidays:
        click.echo(f"{h.date.isoformat()}  {WEEKDAY_NAMES[h.date.weekday()]:<9}  {h.name}")


@calendar_group.command("record")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reason", required=True, help="Why, e.g. the official decision the list comes from (D6).")
@click.option("--by", "actor", default="admin:cli", show_default=True, help="Who records it (the audit trail).")
@with_appcontext
def record(file: Path, reason: str, actor: str) -> None:
    """Record a year's holidays ({"place", "year", "holidays": [{"date", "name"}], "source", "status"});
    open deadlines that counted that year are recomputed by the scheduler, and those affected told.

    The file is read as an import is (UTF-8, bounded in size and depth, no key twice) and its keys
    and types checked; names, source and reason hold no control characters (agenda.calendars.check_year).
    """
    from ..competitions.files import ImportFileError, read_json
    try:
        year = CalendarYear.from_dict(read_json(file))
    except (ImportFileError, DeadlineError) as exc:
        raise click.ClickException(f"{file.name}: {exc} {UNCHANGED}") from None
    with transaction() as session:
        saved = record_year(session, year, actor=actor, reason=reason)
        click.echo(f"{year.place} {year.year}: {len(year.holidays)} holidays, {year.status}, version {saved.version}; "
                   "open deadlines will be recomputed by the scheduler")

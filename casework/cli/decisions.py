"""``casework decision …``: what a decision rests on, where only a person can say it (R2, R3)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..competitions import history, selection
from ..competitions.errors import CompetitionError
from .support import ACTOR, RECORD_ID, transaction


@click.group("decision", cls=AppGroup)
def decision_group() -> None:
    """Decisions on candidates (`casework candidate show` lists them with their ids)."""


@decision_group.command("restate-basis")
@click.argument("decision_id", type=RECORD_ID)
@click.option("--failed", "failed", multiple=True, metavar="TEST[,TEST…]",
              help="A pass mark the decision failed, named by its tests (repeatable).")
@click.option("--missed", "missed", multiple=True, metavar="TEST", help="A test the decision found missed (repeatable).")
@click.option("--reason", required=True, help="Where the statement comes from, e.g. the board's minutes (audit trail).")
def restate_basis(decision_id: int, failed: tuple[str, ...], missed: tuple[str, ...], reason: str) -> None:
    """Record what an old decision rests on when migration 0007 could not read it from its text.

    Until then a request upheld against it cannot reinstate the candidate: nothing is waived by
    guesswork (R3). Only such decisions can be restated, once, with an audit row.
    """
    with transaction() as session:
        decision = history.find_decision(session, decision_id)
        if decision is None:
            raise CompetitionError(f"no decision {decision_id} (`casework candidate show` lists them with their ids)")
        if not failed and not missed:
            raise CompetitionError("say what the decision rests on: --failed TESTS and/or --missed TEST")
        named = [[t.strip() for t in item.split(",") if t.strip()] for item in failed]
        basis = selection.named_basis(decision, named, [t.strip() for t in missed])
        selection.restate_basis(session, decision, basis, actor=ACTOR, reason=reason)
        click.echo(f"decision #{decision.id}: basis recorded ({len(named)} pass mark(s) failed, "
                   f"{len(missed)} test(s) missed)")

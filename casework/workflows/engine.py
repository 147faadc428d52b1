"""The one entry point for every change of a case: :func:`apply`.

It checks that the actor may act (R1, conflicts of interest), that the step exists in the case's
state and has what it needs, runs the shared machine inside a savepoint, writes the audit row
(who, when, from, to, reason, changed fields) in the same transaction and sends
``case_changed``. A step that fails leaves no trace but the error; two people acting on the same
case at once: the second gets a :class:`ConflictError` (the case's version column).
"""
from __future__ import annotations

import difflib
import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from transitions import MachineError

from .. import audit
from ..auth.actors import Actor
from ..auth.permissions import may_act
from ..cases.models import Case
from .errors import ConflictError, InvalidTransition, MissingData, NotAllowed
from .machines import STEPS, machine, step
from .signals import case_changed
from .steps import Run, Step, check_data

_WROTE = "casework.wrote"
KEEP_TRANSACTION = "casework.keep_transaction"   # set by a caller whose transaction must never be rolled back
# Batch mode (the scheduler): the caller's transaction is the unit. apply() neither opens a savepoint
# nor flushes; the caller flushes once for many steps and rolls everything back on any error.
BATCH = "casework.batch"


@event.listens_for(Session, "after_flush")
def _remember_writes(session: Session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        session.info.pop(KEEP_TRANSACTION, None)
        session.info.pop(BATCH, None)


_AUDITED = ("state", "deciding_body", "assigned_officer_id", "excuse", "flags", "outcome", "closed_at", "details")


def _refusal(session: Session, case: Case, st: Step | None, trigger: str, actor: Actor) -> str | None:
    if st is None:
        return f"a {case.type.value} case has no step {trigger!r}"
    if not may_act(actor, case, st.who):        # first: a stranger learns nothing of the case
        return f"{actor.name} may not {trigger.replace('_', ' ')} case {case.reference}"
    if case.state not in st.sources:
        return f"{trigger} is not possible while the case is {case.state.value}"
    if st.guard is not None:
        return st.guard(Run(session, case, actor, {}))
    return None


def available(session: Session, case: Case, actor: Actor) -> list[Step]:
    """The steps ``actor`` may take on ``case`` now (the buttons to show)."""
    return [st for st in STEPS[case.type] if _refusal(session, case, st, st.trigger, actor) is None]


def check_step(session: Session, case: Case, trigger: str, actor: Actor, data: Mapping[str, Any]) -> Step:
    """The step ``trigger`` of ``case`` if it exists and takes ``data``'s keys, before anything is
    asked of the database about the step itself: a misspelt step is refused with the steps of the
    case type and those ``actor`` may take now; a key the step does not take, with the keys it does
    (:func:`~casework.workflows.steps.check_data`). Callers that build ``data`` from a form or a
    command line call it before :func:`apply` (which calls it too), so that a key naming one of
    ``apply``'s own parameters (``expected_version``) is refused rather than passed twice."""
    st = step(case.type, trigger)
    if st is None:
        steps = list(dict.fromkeys(s.trigger for s in STEPS[case.type]))
        close = difflib.get_close_matches(trigger, steps, n=1)
        now = [s.trigger for s in available(session, case, actor)]
        raise InvalidTransition(
            f"a {case.type.value} case has no step {trigger!r}"
            + (f" (did you mean {close[0]!r}?)" if close else "")
            + f"; its steps: {', '.join(steps)}; {actor.name} may take now: {', '.join(now) or 'none'}")
    check_data(case.type, st, dict(data))
    return st


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _snapshot(case: Case) -> dict[str, Any]:
    return {name: _plain(getattr(case, name)) for name in _AUDITED}


def _take(session: Session, case: Case, trigger: str, actor: Actor, run: Run) -> None:
    """The step itself: the machine and its effects, the audit row, the signal (nothing flushed)."""
    before = _snapshot(case)
    case.updated_at = run.now
    flag_modified(case, "updated_at")      # always an UPDATE, so the version moves on every step
    try:
        machine(case.type).events[trigger].trigger(run)
    except MachineError as exc:
        raise InvalidTransition(str(exc)) from None
    after = _snapshot(case)
    changes = {k: {"from": before[k], "to": after[k]} for k in _AUDITED if before[k] != after[k]}
    changes.update(run.changes)
    audit.record(session, actor=actor.name, entity="case", entity_id=case.id, action=trigger,
                 from_state=before["state"], to_state=after["state"], reason=run.data.get("reason"),
                 changes=changes or None)
    # subscribers write in the same transaction: if one fails, the step fails with it
    case_changed.send(case, trigger=trigger, actor=actor, from_state=before["state"],
                      to_state=after["state"], session=session)


def apply(session: Session, case: Case, trigger: str, actor: Actor, /, *, expected_version: int | None = None,
          **data: Any) -> Case:
    """Take step ``trigger`` on ``case`` as ``actor`` with ``data`` (reason, outcome, body...): only the
    keys the step takes (:func:`check_step`). The first four are positional only, so that data named
    like them is refused as data instead of clashing with them."""
    st = check_step(session, case, trigger, actor, data)
    why = _refusal(session, case, st, trigger, actor)
    if why is not None:
        raise NotAllowed(why) if st is not None and not may_act(actor, case, st.who) else InvalidTransition(why)
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(f"case {case.reference} was changed by someone else (version {case.version}, "
                            f"you saw {expected_version}): reload it and try again")
    for key in st.requires:
        Run(session, case, actor, data).need(key)
    if st.outcomes and data.get("outcome") not in st.outcomes:
        raise MissingData(f"the outcome must be one of {', '.join(st.outcomes)}")
    run = Run(session, case, actor, data)
    if session.info.get(BATCH):
        _take(session, case, trigger, actor, run)      # the caller writes and, on any error, rolls back
        return case
    # A savepoint keeps earlier writes of the caller's transaction when the step fails; with none
    # yet, rolling the transaction back is the same and saves two round trips per step.
    own_transaction = not (session.in_nested_transaction() or session.info.get(_WROTE)
                           or session.info.get(KEEP_TRANSACTION) or session.new or session.dirty or session.deleted)
    savepoint = (session.get_transaction() or session.begin()) if own_transaction else session.begin_nested()
    try:
        _take(session, case, trigger, actor, run)
        session.flush()                    # one flush: the version check, the change and its audit row
        if savepoint.nested:
            savepoint.commit()
    except StaleDataError:
        savepoint.rollback()
        session.expire(case)
        raise ConflictError(f"case {case.reference} was changed by someone else meanwhile: "
                            "reload it and try again") from None
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        session.expire(case)
        raise
    return case

"""The vocabulary of the machines: a :class:`Step` (one transition as data) and the :class:`Run`
that a shared machine acts on for one call of :func:`casework.workflows.apply`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .. import clock
from ..auth.actors import Actor
from ..cases.models import Case, CaseMessage, CaseState
from .errors import MissingData

CANDIDATE = "candidate"            # the case's own candidate
LEGAL = "legal"                    # EPSO's legal team (officer or head of unit)
DECIDING_BODY = "deciding-body"    # a member of the case's deciding body (R1), free of conflicts
SYSTEM = "system"                  # the scheduler, at a date the deadline engine computed


@dataclass
class Run:
    """The model one machine call acts on: the case, who acts, with what data.

    ``state`` reads and writes the case's state column (the machine's ``model_attribute``);
    ``changes`` collects what effects want in the audit row besides changed columns.
    """
    session: Session
    case: Case
    actor: Actor
    data: dict[str, Any]
    changes: dict[str, Any] = field(default_factory=dict)
    now: datetime = field(default_factory=clock.now)   # one instant for the whole step

    @property
    def state(self) -> CaseState:
        return self.case.state

    @state.setter
    def state(self, value: CaseState) -> None:
        self.case.state = value

    def listed(self, key: str) -> list[Any]:
        """A list-valued item of the data; a comma-separated string (a CLI or form field) is split."""
        value = self.data.get(key) or []
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return list(value)

    def need(self, key: str, what: str | None = None) -> Any:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise MissingData(f"{what or key.replace('_', ' ')} is required")
        return value

    def send(self, kind: str, body: str) -> CaseMessage:
        """Correspondence to the candidate, via their account, in the case's language."""
        message = CaseMessage(case=self.case, direction="out", kind=kind, language=self.case.language,
                              body=body, author=self.actor.name, at=self.now)
        self.session.add(message)
        return message


@dataclass(frozen=True)
class Step:
    """One transition of a machine, as data: the diagram and the permission checks read it too."""
    trigger: str
    sources: tuple[CaseState, ...]
    dest: CaseState | None            # None: an internal step (the state does not change)
    who: tuple[str, ...]
    label: str
    requires: tuple[str, ...] = ()    # data that must be given, e.g. ("reason",)
    outcomes: tuple[str, ...] = ()    # allowed values of data["outcome"]
    guard: Callable[[Run], str | None] | None = None   # returns why the step cannot be taken now
    effect: Callable[[Run], None] | None = None

"""What can go wrong when acting on a case; each is one clear sentence for the person acting."""
from __future__ import annotations


class WorkflowError(Exception):
    """An action that cannot be taken; nothing was changed."""


class NotAllowed(WorkflowError):
    """The actor may not take this action on this case."""


class InvalidTransition(WorkflowError):
    """The action does not exist for this case type or not in the case's current state."""


class MissingData(WorkflowError):
    """Something the action needs was not given (a reason, an outcome, the contested decision...)."""


class ConflictError(WorkflowError):
    """Someone else changed the case since it was read: reload and try again."""


class WarningRequired(WorkflowError):
    """The candidate must see and confirm a warning before filing (e.g. P4 against a board)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

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


class UploadRefused(MissingData):
    """A file that cannot be kept (``filing.checked``): ``reason`` says why (``type``, ``empty``,
    ``size``, ``content``, ``text``) for a page to say it in the reader's language; the message is
    the English sentence the command line prints."""

    def __init__(self, message: str, *, reason: str, filename: str, media_type: str, limit_mb: int):
        super().__init__(message)
        self.reason, self.filename, self.media_type, self.limit_mb = reason, filename, media_type, limit_mb


class SittingNotOnRecord(MissingData):
    """P1, P2: no sitting of the test is on record for the application and no day was given. Like
    ``requests.DayRefused`` it has a ``reason`` (``not-on-record``) for a form to ask for the day at
    its field in the reader's language; the message is the English sentence the command line prints."""

    reason, day = "not-on-record", None


class ConflictError(WorkflowError):
    """Someone else changed the case since it was read: reload and try again."""


class WarningRequired(WorkflowError):
    """The candidate must see and confirm a warning before filing (e.g. P4 against a board)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code

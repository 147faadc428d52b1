"""Errors of the competition core: refusals a user can read and act on."""


class CompetitionError(ValueError):
    """An operation the rules do not allow, with a message that says why."""

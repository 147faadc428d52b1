"""What every database command shares: one transaction, and errors as one-line messages.

A command's error is one line on stderr with a non-zero exit and nothing changed. Database errors
are reported by their kind only: their text carries SQL parameters (e-mail addresses, names).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from ..competitions.definition import DefinitionError
from ..competitions.errors import CompetitionError
from ..competitions.files import ImportFileError
from ..competitions.models import Field, Notice
from ..competitions.notices import find_notice  # noqa: F401  (re-exported for the commands)
from ..db import get_db
from ..deadlines import DeadlineError
from ..workflows.errors import WorkflowError

ACTOR = "cli"
UNCHANGED = "(nothing was changed)"


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction for the command; domain errors become one-line messages."""
    try:
        with get_db().session_scope() as session:
            yield session
    except (CompetitionError, DefinitionError, ImportFileError, WorkflowError, DeadlineError) as exc:
        raise click.ClickException(f"{exc} {UNCHANGED}") from None
    except IntegrityError as exc:
        raise click.ClickException(f"this would duplicate or orphan a record ({_constraint(exc)}) "
                                   f"{UNCHANGED}") from None
    except DataError:
        raise click.ClickException(f"the database refused a value (too long, or a character such as NUL it "
                                   f"cannot store) {UNCHANGED}") from None
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise click.ClickException(f"database error: {first} — is the schema created "
                                   f"(`casework db upgrade`)? {UNCHANGED}") from None


def _constraint(exc: IntegrityError) -> str:
    """The driver's first line names the constraint; the values come only in later lines (DETAIL)."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else "integrity constraint"


def find_field(notice: Notice, code: str) -> Field:
    for field in notice.fields:
        if field.code == code:
            return field
    raise CompetitionError(f"{notice.reference} has no field {code!r}")


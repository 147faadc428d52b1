"""What every database command shares: one transaction, and domain errors as one-line messages."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from . import get_db
from .competitions.definition import DefinitionError
from .competitions.errors import CompetitionError
from .competitions.files import ImportFileError
from .workflows.errors import WorkflowError


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction for the command; domain errors become one-line messages."""
    try:
        with get_db().session_scope() as session:
            yield session
    except (CompetitionError, DefinitionError, ImportFileError, WorkflowError) as exc:
        raise click.ClickException(f"{exc} (nothing was changed)") from None
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise click.ClickException(f"database error: {first} — is the schema created "
                                   "(`casework db upgrade`)? (nothing was changed)") from None

"""What every database command shares: one transaction, and errors as one-line messages.

A command's error is one line on stderr with a non-zero exit and nothing changed. Database errors
are reported by their kind only: their text carries SQL parameters (e-mail addresses, names).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import click
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from ..auth.accounts import AccountError
from ..clock import BRUSSELS
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
RECORD_ID = click.IntRange(1, 2**63 - 1)      # what a database id can be, checked before any query


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction for the command; domain errors become one-line messages."""
    try:
        with get_db().session_scope() as session:
            yield session
    except (AccountError, CompetitionError, DefinitionError, ImportFileError, WorkflowError, DeadlineError) as exc:
        raise click.ClickException(f"{exc} {UNCHANGED}") from None
    except IntegrityError as exc:
        raise click.ClickException(f"this would duplicate or orphan a record ({_constraint(exc)}) "
                                   f"{UNCHANGED}") from None
    except OverflowError:
        raise click.ClickException(f"a number or a date is beyond what can be stored {UNCHANGED}") from None
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


_HIDDEN = frozenset((*range(0x20), 0x7F, *range(0x80, 0xA0),                      # C0, DEL, C1
                     0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))) - {0x09, 0x0A}


def printable(text: object, *, newlines: bool = True) -> str:
    """``text`` safe for a terminal (issue 10 §6): C0/C1 control characters (but tab and, unless
    ``newlines`` is false, newline) and the bidirectional marks, embeddings, overrides and isolates
    (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) become visible escapes such as ``\\u202e``."""
    return "".join((f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
                   if ord(c) in _HIDDEN or (c == "\n" and not newlines) else c for c in str(text))


def one_line(value: object) -> str:
    """A user-supplied value on one line of terminal output (None: empty)."""
    return printable("" if value is None else value, newlines=False)


def local_minute(instant: str | None) -> str:
    """A stored UTC instant (ISO text) as Brussels time, to the minute; ``-`` for none."""
    if not instant:
        return "-"
    return datetime.fromisoformat(instant).astimezone(BRUSSELS).isoformat(timespec="minutes")

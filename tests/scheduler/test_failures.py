"""What a failing due row records: the exception's type and, for a database error, the first line of the
driver's message (the constraint) — never the SQL parameters or a message built from personal data."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from casework.agenda.models import DueEvent, EventStatus
from casework.audit import AuditEvent
from casework.competitions.errors import CompetitionError
from casework.competitions.models import Candidate
from casework.scheduler import sweeps
from casework.scheduler.sweeps import sweep

NOW = datetime(2022, 4, 5, 9, tzinfo=UTC)
EMAIL, SURNAME, GIVEN = "maren.ozturk@example.org", "Öztürk", "Maren"


def _person(**changes):
    return Candidate(**{"email": EMAIL, "identity_key": "ID-MO", "surname": SURNAME, "given_names": GIVEN,
                        "correspondence_language": "DE", **changes})


def _a_row_that_fails(db, frozen, monkeypatch, handler):
    frozen.set(NOW)
    with db.session_scope() as s:
        s.add(_person())
        s.add(DueEvent(key="leaky", kind="leaky", due_at=NOW - timedelta(minutes=1), status=EventStatus.PENDING,
                       attempts=0, payload={}))
    monkeypatch.setitem(sweeps.HANDLERS, "leaky", handler)


def _private(text):
    return [p for p in (EMAIL, "maren.ozturk", SURNAME, GIVEN, "ID-MO2", "INSERT", "parameters") if p in text]


def _duplicate_address(session, event):
    session.add(_person(identity_key="ID-MO2", surname=SURNAME + "-Berg"))   # the same e-mail address: refused
    session.flush()
    return "done"


def test_a_database_error_is_recorded_by_its_type_and_constraint_without_the_values(scratch_database, frozen,
                                                                                    monkeypatch, caplog):
    db = scratch_database
    _a_row_that_fails(db, frozen, monkeypatch, _duplicate_address)
    with caplog.at_level(logging.WARNING, logger="casework.scheduler"):
        assert sweep(db, worker="w").counts == {"retried": 1}
    with db.session_scope() as s:
        row = s.scalar(select(DueEvent).where(DueEvent.key == "leaky"))
        assert row.outcome.startswith("IntegrityError: "), row.outcome
        assert ("UNIQUE constraint failed: candidates.email" in row.outcome                     # SQLite
                or 'violates unique constraint "' in row.outcome), row.outcome                 # PostgreSQL
        assert not _private(row.outcome) and "\n" not in row.outcome
        attempts, due_at = row.attempts, row.due_at
    logged = " ".join(f"{r.getMessage()} {r.__dict__.get('error', '')}" for r in caplog.records)
    assert "IntegrityError" in logged and not _private(logged)
    for _ in range(sweeps.MAX_ATTEMPTS - attempts):          # failed for good: the row and its audit row
        frozen.set(due_at + timedelta(seconds=1))
        sweep(db, worker="w")
        with db.session_scope() as s:
            due_at = s.scalar(select(DueEvent.due_at).where(DueEvent.key == "leaky"))
    with db.session_scope() as s:
        row = s.scalar(select(DueEvent).where(DueEvent.key == "leaky"))
        assert row.status is EventStatus.FAILED and row.outcome.startswith("IntegrityError: ")
        audit = s.scalar(select(AuditEvent).where(AuditEvent.entity == "due_event", AuditEvent.entity_id == row.id))
        assert audit.reason == row.outcome and not _private(audit.reason)


def test_another_error_is_recorded_by_its_type_only(scratch_database, frozen, monkeypatch):
    def refuse(session, event):
        raise CompetitionError(f"an account with the e-mail address {EMAIL} exists already")

    db = scratch_database
    _a_row_that_fails(db, frozen, monkeypatch, refuse)
    sweep(db, worker="w")
    with db.session_scope() as s:
        assert s.scalar(select(DueEvent.outcome).where(DueEvent.key == "leaky")) == "CompetitionError"


def test_failure_text():
    from sqlalchemy.exc import DataError, IntegrityError

    class Orig(Exception):
        pass

    integrity = IntegrityError("INSERT INTO candidates ...", {"email": EMAIL},
                               Orig(f'duplicate key value violates unique constraint "candidates_email_key"\n'
                                    f"DETAIL:  Key (email)=({EMAIL}) already exists."))
    assert sweeps.failure(integrity) == 'IntegrityError: duplicate key value violates unique constraint "candidates_email_key"'
    data = DataError("INSERT ...", {"n": "abc"}, Orig('invalid input syntax for type integer: "Maren"'))
    assert sweeps.failure(data) == "DataError"
    assert sweeps.failure(ValueError(EMAIL)) == "ValueError"
    assert sweeps.failure(IntegrityError("x", {}, Orig("\x1b[31m" + "x" * 1000))).startswith("IntegrityError:  [31mx")
    assert len(sweeps.failure(IntegrityError("x", {}, Orig("x" * 1000)))) == sweeps.MAX_FAILURE

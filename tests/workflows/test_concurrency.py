"""Two officers acting on the same case at once: one wins, the other gets a clear conflict, and
nothing of the loser's step remains (the version column of a case; proven on PostgreSQL with two
connections that really block each other)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEvent
from casework.auth.models import Role
from casework.cases.models import Case, CaseMessage, CaseState, CaseType
from casework.competitions import applications as apps
from casework.workflows import ConflictError, apply, file_case

from . import people


def _case_and_officers(db):
    with db.session_scope() as s:
        candidate = apps.register_candidate(s, email="c@example.eu", identity_key="ID-C", surname="Conflict",
                                            given_names="Case", correspondence_language="FR")
        me = people.actor(s, Role.CANDIDATE, candidate_id=candidate.id)
        case = file_case(s, me, CaseType.ACCESS_DOCUMENTS, details={"documents": "the board's minutes"})
        return case.id, people.actor(s, Role.LEGAL_OFFICER), people.actor(s, Role.LEGAL_OFFICER)


def _counts(db, case_id):
    with db.session_scope() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.entity == "case", AuditEvent.entity_id == case_id))
        replies = s.scalar(select(func.count()).select_from(CaseMessage)
                           .where(CaseMessage.case_id == case_id, CaseMessage.kind == "reply"))
        case = s.get(Case, case_id)
        return case.state, case.outcome, audits, replies


def test_second_of_two_officers_working_from_the_same_version_gets_a_conflict(scratch_database):
    db = scratch_database
    case_id, first, second = _case_and_officers(db)
    with db.Session() as a, db.Session() as b:
        case_a, case_b = a.get(Case, case_id), b.get(Case, case_id)
        apply(a, case_a, "reply", first, outcome="granted", body="Here are the documents.")
        a.commit()
        with pytest.raises(ConflictError, match="changed by someone else"):
            apply(b, case_b, "reply", second, outcome="refused", body="Refused.")
        b.rollback()
    # the first reply stands, once; the second left nothing (no message, no audit row)
    assert _counts(db, case_id) == (CaseState.REPLIED, "granted", 2, 1)


def test_a_form_showing_an_old_version_is_refused(scratch_database):
    db = scratch_database
    case_id, first, _ = _case_and_officers(db)
    with db.session_scope() as s:
        case = s.get(Case, case_id)
        seen = case.version
        apply(s, case, "extend", first, reason="a large number of documents (Art 7(3))")
    with db.Session() as s, pytest.raises(ConflictError):
        apply(s, s.get(Case, case_id), "reply", first, expected_version=seen, outcome="granted", body="x")


@pytest.mark.parametrize("scratch_database", ["postgresql"], indirect=True)   # row locks that make a writer wait
def test_postgresql_two_officers_at_the_same_instant_one_blocks_then_conflicts(scratch_database):
    db = scratch_database
    case_id, first, second = _case_and_officers(db)
    a, b = db.Session(), db.Session()
    case_a, case_b = a.get(Case, case_id), b.get(Case, case_id)     # both read version 1
    apply(a, case_a, "reply", first, outcome="granted", body="Granted.")   # holds the row lock
    outcome: dict[str, object] = {}

    def second_officer():
        try:
            apply(b, case_b, "reply", second, outcome="refused", body="Refused.")
            b.commit()
            outcome["result"] = "applied"
        except ConflictError as exc:
            b.rollback()
            outcome["result"] = exc

    thread = threading.Thread(target=second_officer)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the second officer's UPDATE must wait for the first transaction"
    a.commit()
    thread.join(timeout=10)
    a.close()
    b.close()
    assert isinstance(outcome["result"], ConflictError)
    assert _counts(db, case_id) == (CaseState.REPLIED, "granted", 2, 1)

"""Data a browser scenario starts from, put in the live server's database before the browser comes.

Built with the same factories as the domain's tests (tests/competitions/factories.py) and the real
account functions (casework.auth.accounts, passwords), committed, so that the server's requests see
them. Each scene is built afresh for the test that asks for it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from casework.auth import accounts, passwords
from casework.auth.actors import actor_for
from casework.auth.models import Role, User
from casework.cases.models import CaseDocument
from casework.competitions.models import Application, Candidate
from casework.db import Database
from casework.workflows import apply
from casework.workflows.filing import Upload, attach
from casework.workflows.requests import FilingRequest, file_request
from tests.competitions import factories as f

PASSWORD = "a long test passphrase"      # at least passwords.MIN_LENGTH characters


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    user_id: int
    candidate_id: int | None = None


def candidate_account(session, application: Application, password: str = PASSWORD, *,
                      language: str = "EN") -> Account:
    """An account with a password for the candidate behind ``application`` (C1: one per person)."""
    candidate = session.get(Candidate, application.candidate_id)
    user = accounts.create_user(session, email=candidate.email, name=f"{candidate.given_names} {candidate.surname}",
                                role=Role.CANDIDATE, candidate_email=candidate.email, language=language,
                                actor="browser-tests")
    user.set_password(password, passwords.hasher(**passwords.TESTING))
    session.flush()
    return Account(email=user.email, password=password, user_id=user.id, candidate_id=candidate.id)


def staff_account(session, role: Role, email: str, password: str = PASSWORD, **kwargs) -> Account:
    user = accounts.create_user(session, email=email, name=email.split("@")[0], role=role, actor="browser-tests",
                                **kwargs)
    user.set_password(password, passwords.hasher(**passwords.TESTING))
    session.flush()
    return Account(email=user.email, password=password, user_id=user.id)


@dataclass(frozen=True)
class Exclusions:
    """AD/398/22 field 1 after eligibility: ``me`` and ``other`` excluded by the board (C5), each with
    an account; ``other`` has asked for a review (P3) of theirs, case ``other_case``, with a document
    (``other_document``, their-evidence.pdf)."""
    notice: str
    me: Account
    my_decision: int
    other: Account
    other_decision: int
    other_case: str
    other_document: int


GROUNDS = "The board did not count my traineeship."
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def two_excluded_candidates(db: Database, frozen) -> Exclusions:
    with db.session_scope() as session:
        notice = f.publish(session, only_fields=("1",), places={"1": 2})
        for _ in range(2):
            f.apply(session, notice)
        short = f.profile("degree-4y", "2018-06-30", f.job("2010-01-01"))   # too little experience
        mine, theirs = f.apply(session, notice, profile=short), f.apply(session, notice, profile=short)
        f.after_deadline(frozen, notice)
        f.close(session, notice, "application", "eligibility")
        f.refresh(session, mine, theirs)
        me, other = candidate_account(session, mine), candidate_account(session, theirs)
        my_decision, other_decision = f.last_decision(session, mine), f.last_decision(session, theirs)
        case = file_request(session, actor_for(session, session.get(User, other.user_id)),
                            FilingRequest("review", decision=str(other_decision.id), details={"grounds": GROUNDS},
                                          documents=(Upload("their-evidence.pdf", PDF, "application/pdf"),)))
        document = session.scalar(select(CaseDocument.id).where(CaseDocument.case_id == case.id))
        return Exclusions(notice=notice.reference, me=me, my_decision=my_decision.id, other=other,
                          other_decision=other_decision.id, other_case=case.reference, other_document=document)



@dataclass(frozen=True)
class Answered:
    """A candidate of AD/398/22 excluded by the board, whose request for review went through the legal
    team and the board and was answered: rejected, with the reply's letter and a document."""
    me: Account
    case: str
    reply: str


REPLY = ("The selection board examined your request. It confirms its decision: the traineeship ended "
         "before the degree was awarded and does not count as professional experience.")


def answered_review(db: Database, frozen) -> Answered:
    with db.session_scope() as session:
        notice = f.publish(session, only_fields=("1",), places={"1": 2})
        for _ in range(2):
            f.apply(session, notice)
        mine = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
        f.after_deadline(frozen, notice)
        f.close(session, notice, "application", "eligibility")
        f.refresh(session, mine)
        me = candidate_account(session, mine)
        legal = staff_account(session, Role.LEGAL_OFFICER, "legal-officer@epso.example")
        board = staff_account(session, Role.BOARD_MEMBER, "board-member@epso.example", boards=[notice.reference])
        as_me, as_legal, as_board = (actor_for(session, session.get(User, a.user_id)) for a in (me, legal, board))
        case = file_request(session, as_me, FilingRequest("review", decision=str(f.last_decision(session, mine).id),
                                                          details={"grounds": GROUNDS}))
        apply(session, case, "acknowledge", as_legal)
        apply(session, case, "analyse", as_legal, recommendation="inadmissible", ground="value-judgment",
              reason="a value judgment of the board")
        apply(session, case, "refer", as_legal)
        apply(session, case, "decide", as_board, outcome="rejected", reason="the traineeship is not experience")
        apply(session, case, "reply", as_legal, body=REPLY)
        attach(session, case, Upload("reasons.txt", b"The board's reasons, in full.", "text/plain"), kind="reply",
               actor=as_legal)
        return Answered(me=me, case=case.reference, reply=REPLY)


def candidate_with_results(db: Database, frozen) -> Account:
    """A candidate of AD/398/22 field 1 through the talent screener and the assessment centre, with her
    results published: the screener's weights and marks, the verbal MCQ (20 questions, 5 wrong: her
    answers against the correct ones, by reference) and the competency passport."""
    from datetime import UTC, date, datetime

    from casework.competitions import results
    from tests.competitions.test_neutralisation import VERBAL, _key, _sheet
    with db.session_scope() as session:
        notice = f.publish(session, only_fields=("1",), places={"1": 10})
        (tested,) = f.scored_through_screener(session, notice, frozen, [40])
        _key(session, notice, "verbal", VERBAL)
        _sheet(session, tested, "verbal", VERBAL[:20], wrong=VERBAL[:5])
        results.record_sitting(session, tested, "verbal", date(2022, 6, 13))
        f.marks(session, tested, numerical=7, abstract=7, competencies=60, interview=70)
        frozen.set(datetime(2022, 6, 14, 10, tzinfo=UTC))
        f.close(session, notice, "assessment")
        return candidate_account(session, tested)


@dataclass(frozen=True)
class Imported:
    """A candidate imported with their application (an application file), no account yet: excluded from
    AD/398/22 field 1 at eligibility. Registering with the same identity document and address links the
    new account to this record (casework.auth.registration.same_person)."""
    notice: str
    email: str
    identity_document: str
    surname: str
    given_names: str
    decision: int


def imported_excluded_candidate(db: Database, frozen) -> Imported:
    with db.session_scope() as session:
        notice = f.publish(session, only_fields=("1",), places={"1": 2})
        for _ in range(2):
            f.apply(session, notice)
        short = f.profile("degree-4y", "2018-06-30", f.job("2010-01-01"))
        mine = f.apply(session, notice, profile=short)
        f.after_deadline(frozen, notice)
        f.close(session, notice, "application", "eligibility")
        f.refresh(session, mine)
        candidate = session.get(Candidate, mine.candidate_id)
        return Imported(notice=notice.reference, email=candidate.email, identity_document=candidate.identity_key,
                        surname=candidate.surname, given_names=candidate.given_names,
                        decision=f.last_decision(session, mine).id)

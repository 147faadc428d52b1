"""The portal's test world: an app on its own database (SQLite, and PostgreSQL when configured) with
two candidates of AD/398/22 and EPSO's legal team, and a way to log in without the login form.

- ``alice`` was excluded by the board at eligibility on Tuesday 22 March 2022 (C5); she has asked for
  a review of it with one document, walked through the legal team's internal analysis, the board's
  decision and the reply with a document;
- ``bob`` was admitted; he has filed a complaint about his admission with a document of his own;
- a legal officer.

Logging in: a route registered only in the test app calls ``flask_login.login_user`` with the account
as the accounts work holds it (``casework.web.auth.Account``).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_login import login_user
from sqlalchemy.orm import Session

from casework import create_app
from casework.auth.actors import actor_for
from casework.auth.models import BoardMembership, Role, User
from casework.cases.models import CaseType
from casework.workflows import Upload, apply, file_case, filing
from casework.workflows.filing import attach
from tests.competitions import factories as f

INTERNAL = "internal note: the grounds look like a value judgment, recommend inadmissible"
BOARD_REASON = "the board finds the diploma was correctly dated 2018"
REPLY = "Your request for review is rejected: the diploma awarded in 2018 is after the experience counted."
GROUNDS = "my diploma was awarded in 2008, not 2018"
PDF = b"%PDF-1.4\n%casework test\n"


@dataclass
class World:
    app: Flask | None          # set by the fixture, with the database
    alice: int                 # user ids
    bob: int
    legal: int
    exclusion: int             # alice's decision (board, eligibility)
    admission: int             # bob's decision
    alice_case: str            # references
    bob_case: str
    alice_document: int        # her evidence
    alice_reply_document: int  # what the reply gave her
    bob_document: int


def _user(session: Session, role: Role, candidate_id: int | None = None, language: str = "EN") -> User:
    n = session.query(User).count() + 1
    user = User(email=f"{role.value}{n}@example.eu", name=f"{role.value} {n}", role=role, candidate_id=candidate_id,
                language=language, active=True)
    session.add(user)
    session.flush()
    return user


def build(db, frozen) -> World:
    with db.session_scope() as session:
        notice = f.publish(session, only_fields=("1",), places={"1": 2})
        bob_app = f.apply(session, notice)
        f.apply(session, notice)
        alice_app = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
        f.after_deadline(frozen, notice)
        f.close(session, notice, "application", "eligibility")
        f.refresh(session, alice_app, bob_app)
        frozen.advance(days=2)
        alice, bob = (_user(session, Role.CANDIDATE, a.candidate_id) for a in (alice_app, bob_app))
        legal = _user(session, Role.LEGAL_OFFICER)
        board = _user(session, Role.BOARD_MEMBER)
        session.add(BoardMembership(user_id=board.id, notice_id=notice.id))
        session.flush()
        exclusion, admission = f.last_decision(session, alice_app), f.last_decision(session, bob_app)
        as_alice, as_legal, as_board = (actor_for(session, u) for u in (alice, legal, board))
        review = file_case(session, as_alice, CaseType.REVIEW, application=alice_app, decision=exclusion,
                           details={"grounds": GROUNDS}, documents=[Upload("diploma.pdf", PDF, "application/pdf")])
        apply(session, review, "acknowledge", as_legal)
        apply(session, review, "analyse", as_legal, recommendation="inadmissible", ground="value-judgment",
              reason=INTERNAL)
        apply(session, review, "refer", as_legal)
        apply(session, review, "decide", as_board, outcome="rejected", reason=BOARD_REASON)
        apply(session, review, "reply", as_legal, body=REPLY)
        reply_document = attach(session, review, Upload("reply.txt", b"the reasons, in full", "text/plain"),
                                kind="reply", actor=as_legal)
        complaint = file_case(session, actor_for(session, bob), CaseType.COMPLAINT, application=bob_app,
                              decision=admission, details={"grounds": "the admission came late"},
                              documents=[Upload("bob.txt", b"bob's own evidence", "text/plain")],
                              confirmed_warnings=[filing.BOARD_WARNING_CODE])
        session.flush()
        world = World(app=None, alice=alice.id, bob=bob.id, legal=legal.id, exclusion=exclusion.id,
                      admission=admission.id, alice_case=review.reference, bob_case=complaint.reference,
                      alice_document=review.documents[0].id, alice_reply_document=reply_document.id,
                      bob_document=complaint.documents[0].id)
    return world


def app_for(db, **config) -> Flask:
    app = create_app({"TESTING": True, "DATABASE": db, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, **config})
    install_login(app)
    return app


def install_login(app: Flask) -> None:
    """``GET /_test/login/<user id>``: log that account in, as the login page would (test app only)."""
    from casework.web import get_session
    from casework.web.auth import Account

    @app.get("/_test/login/<int:user_id>")
    def _test_login(user_id: int):
        login_user(Account(get_session().get(User, user_id)), fresh=True)
        return "logged in"


def login(client, user_id: int | None) -> None:
    if user_id is not None:
        assert client.get(f"/_test/login/{user_id}").status_code == 200


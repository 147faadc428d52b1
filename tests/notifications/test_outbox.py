"""enqueue(): a rendered message in the caller's transaction, never committed by itself, and
idempotent on its key — in one transaction, across transactions, and between two writers racing."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from jinja2 import UndefinedError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casework.auth.models import Role
from casework.cases.models import CaseType
from casework.competitions import applications as apps
from casework.notifications import OutboxMessage, OutboxStatus, backlog, enqueue, retry_failed
from casework.workflows import file_case

from ..workflows import people

STEP = {"reference": "REV-2022-000042", "step": "analyse", "state": "analysis"}


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_enqueue_renders_the_message_in_the_recipients_language_now(session, frozen):
    message = enqueue(session, key="case/42/step/analyse", to=" anna.kowalska@example.eu ", language="fr",
                      template="case-step", context=STEP)
    assert message.id is not None and message in session
    assert (message.recipient, message.language, message.text_language) == ("anna.kowalska@example.eu", "FR", "FR")
    assert message.subject == "Votre dossier REV-2022-000042 : en cours d'analyse"
    assert "votre demande est en cours d'analyse" in message.body
    assert (message.status, message.attempts, message.sent_at) == (OutboxStatus.PENDING, 0, None)
    assert message.created_at == message.next_attempt_at == frozen.now()


def test_a_language_without_templates_is_kept_and_the_text_is_english(session):
    message = enqueue(session, key="k.pl", to="a@example.eu", language="PL", template="case-step", context=STEP)
    assert (message.language, message.text_language) == ("PL", "EN")
    unknown = enqueue(session, key="k.xx", to="b@example.eu", language="xx", template="case-step", context=STEP)
    assert (unknown.language, unknown.text_language) == (None, "EN")


def test_the_same_key_twice_adds_one_message(session):
    first = enqueue(session, key="same", to="a@example.eu", language="EN", template="case-step", context=STEP)
    again = enqueue(session, key="same", to="other@example.eu", language="DE", template="case-step",
                    context={**STEP, "state": "decided"})
    assert first is not None and again is None
    assert _count(session) == 1
    assert session.scalar(select(OutboxMessage.recipient)) == "a@example.eu"


def test_enqueue_never_commits_and_goes_with_the_callers_transaction(scratch_database):
    db = scratch_database
    with db.Session() as writer, db.Session() as reader:
        enqueue(writer, key="rolled-back", to="a@example.eu", language="EN", template="case-step", context=STEP)
        writer.flush()
        assert _count(reader) == 0          # not committed: nobody else sees it
        writer.rollback()
    with db.Session() as s:
        assert _count(s) == 0               # and the rollback took it away


def test_a_key_committed_by_an_earlier_transaction_adds_nothing(scratch_database):
    db = scratch_database
    with db.session_scope() as s:
        assert enqueue(s, key="done/1", to="a@example.eu", language="EN", template="case-step", context=STEP)
    with db.session_scope() as s:
        assert enqueue(s, key="done/1", to="a@example.eu", language="EN", template="case-step", context=STEP) is None
        assert enqueue(s, key="done/2", to="a@example.eu", language="EN", template="case-step", context=STEP)
    with db.Session() as s:
        assert _count(s) == 2


@pytest.mark.parametrize("scratch_database", ["postgresql"], indirect=True)   # two writers really at once
def test_two_writers_racing_on_one_key_never_fail(scratch_database):
    """The second INSERT waits for the first transaction, then does nothing: no unique violation."""
    db = scratch_database
    first, second = db.Session(), db.Session()
    assert enqueue(first, key="race", to="a@example.eu", language="EN", template="case-step", context=STEP)
    outcome: dict[str, object] = {}

    def other_scheduler():
        try:
            outcome["result"] = enqueue(second, key="race", to="a@example.eu", language="EN",
                                        template="case-step", context=STEP)
            second.commit()
        except Exception as exc:   # noqa: BLE001 — the test reports it
            outcome["result"] = exc

    thread = threading.Thread(target=other_scheduler)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the second INSERT must wait for the first transaction"
    first.commit()
    thread.join(timeout=10)
    first.close()
    second.close()
    assert outcome["result"] is None
    with db.Session() as s:
        assert _count(s) == 1


@pytest.mark.parametrize("key", ["case:42", "has space", ".leading", "two..dots", "a@b", "x" * 201, ""])
def test_a_key_that_cannot_be_a_message_id_is_refused(session, key):
    with pytest.raises(ValueError, match="outbox key"):
        enqueue(session, key=key, to="a@example.eu", language="EN", template="case-step", context=STEP)
    assert _count(session) == 0


@pytest.mark.parametrize("to", ["nobody", "a@", "Anna <a@example.eu>", "a@example.eu\nBcc: b@example.eu"])
def test_a_recipient_that_is_not_one_address_is_refused(session, to):
    with pytest.raises(ValueError, match="not an e-mail address"):
        enqueue(session, key="k", to=to, language="EN", template="case-step", context=STEP)


def test_a_template_missing_a_variable_adds_nothing(session):
    with pytest.raises(UndefinedError):
        enqueue(session, key="k", to="a@example.eu", language="EN", template="case-step",
                context={"reference": "REV-2022-000042", "step": "analyse"})
    assert _count(session) == 0


def test_backlog_and_retry_failed(session, frozen):
    for n in range(3):
        enqueue(session, key=f"m{n}", to="a@example.eu", language="EN", template="case-step", context=STEP)
        frozen.advance(minutes=1)
    m0, m1, m2 = session.scalars(select(OutboxMessage).order_by(OutboxMessage.key)).all()
    m1.status, m1.attempts, m1.last_error = OutboxStatus.FAILED, 8, "ConnectionRefusedError"
    m2.status, m2.attempts, m2.last_error = OutboxStatus.FAILED, 1, "550 no such user"
    m0.next_attempt_at = frozen.now() + timedelta(minutes=5)
    session.flush()
    assert backlog(session) == {"pending": 1, "due": 0, "oldest_pending": m0.created_at, "failed": 2}

    assert retry_failed(session, [m2.id]) == 1
    assert (m2.status, m2.attempts, m2.next_attempt_at) == (OutboxStatus.PENDING, 0, frozen.now())
    assert m2.last_error == "550 no such user"          # kept: what went wrong before
    assert m1.status is OutboxStatus.FAILED
    assert retry_failed(session) == 1
    assert retry_failed(session) == 0
    assert backlog(session) == {"pending": 3, "due": 2, "oldest_pending": m0.created_at, "failed": 0}


def test_a_message_belongs_to_its_case_and_the_case_must_exist(session):
    candidate = apps.register_candidate(session, email="c@example.eu", identity_key="ID-OUT", surname="Dupont",
                                        given_names="Claire", correspondence_language="FR")
    me = people.actor(session, Role.CANDIDATE, candidate_id=candidate.id)
    case = file_case(session, me, CaseType.ACCESS_DOCUMENTS, details={"documents": "the board's minutes"})
    message = enqueue(session, key=f"case/{case.id}/filed", to=candidate.email, language=case.language,
                      template="case-step", case_id=case.id,
                      context={"reference": case.reference, "step": "file", "state": case.state.value})
    assert (message.case_id, message.text_language) == (case.id, "FR")
    assert message.subject == f"Votre dossier {case.reference} : enregistrée"
    with pytest.raises(IntegrityError), session.begin_nested():
        enqueue(session, key="case/999999", to="c@example.eu", language="FR", template="case-step",
                case_id=999_999, context=STEP)

"""deliver(): a real SMTP server receives the messages in the recipient's language, each once,
with its key as Message-ID; with the server down they wait (backoff) and go out when it is back;
after max_attempts they are failed, visible, and can be retried; two senders on PostgreSQL never
send a message twice."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from casework.notifications import (
    OutboxMessage,
    OutboxStatus,
    backlog,
    backoff,
    deliver,
    enqueue,
    message_id,
    retry_failed,
)
from casework.notifications.sender import _claim

STEP = {"reference": "REV-2022-000042", "step": "decide", "state": "decided"}


def _enqueue(db, *messages: tuple[str, str, str | None]) -> None:
    """(key, recipient, language) of case-step messages, committed."""
    with db.session_scope() as s:
        for key, to, language in messages:
            enqueue(s, key=key, to=to, language=language, template="case-step", context=STEP)


def _rows(db) -> dict[str, OutboxMessage]:
    with db.Session() as s:
        return {m.key: m for m in s.scalars(select(OutboxMessage))}


def test_backoff_doubles_from_30_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_messages_arrive_in_the_recipients_language_with_the_key_as_message_id(scratch_database, smtp, frozen):
    db = scratch_database
    _enqueue(db, ("step/1/en", "en@example.eu", "EN"), ("step/1/fr", "fr@example.eu", "FR"),
             ("step/1/de", "de@example.eu", "de"), ("step/1/pl", "pl@example.eu", "PL"),
             ("step/1/none", "none@example.eu", None))
    report = deliver(db, **smtp.address)
    assert (report.sent, report.retried, report.failed) == (5, 0, 0)

    inbox = smtp.inbox
    assert sorted(inbox.ids()) == sorted(message_id(k) for k in _rows(db))
    assert {r.connection for r in inbox.received} == {1}                   # one connection for the batch
    expected = {"en": ("Your case REV-2022-000042: decided", "a decision has been taken on your request"),
                "fr": ("Votre dossier REV-2022-000042 : décision prise", "une décision a été prise sur votre demande"),
                "de": ("Ihr Verfahren REV-2022-000042: entschieden", "wurde über Ihren Antrag entschieden"),
                "pl": ("Your case REV-2022-000042: decided", "a decision has been taken on your request"),
                "none": ("Your case REV-2022-000042: decided", "a decision has been taken on your request")}
    for who, (subject, words) in expected.items():
        mail = inbox.by_id(f"<step/1/{who}@casework>")
        assert mail["Subject"] == subject
        assert words in mail.get_content()
        assert (mail["From"], mail["To"]) == ("noreply@epso.example.eu", f"{who}@example.eu")
        assert parsedate_to_datetime(mail["Date"]) == frozen.now()
    assert {r.mail_from for r in inbox.received} == {"noreply@epso.example.eu"}

    for row in _rows(db).values():
        assert (row.status, row.attempts, row.sent_at, row.last_error) == (OutboxStatus.SENT, 1, frozen.now(), None)
    assert deliver(db, **smtp.address).sent == 0                             # nothing twice
    assert len(inbox.received) == 5


def test_with_the_server_down_messages_wait_and_go_out_once_when_it_is_back(scratch_database, smtp_down, frozen):
    db = scratch_database
    _enqueue(db, *((f"down/{n}", f"c{n}@example.eu", "FR") for n in range(3)))
    report = deliver(db, **smtp_down.address)
    assert (report.sent, report.retried, report.failed) == (0, 3, 0)
    for row in _rows(db).values():
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert row.next_attempt_at == frozen.now() + timedelta(seconds=30)
        assert "ConnectionRefusedError" in row.last_error

    smtp_down.start()
    frozen.advance(seconds=29)
    assert deliver(db, **smtp_down.address).sent == 0          # not before its backoff has run out
    assert smtp_down.inbox.received == []
    frozen.advance(seconds=1)
    assert deliver(db, **smtp_down.address).sent == 3
    assert deliver(db, **smtp_down.address).sent == 0
    assert Counter(smtp_down.inbox.ids()) == {f"<down/{n}@casework>": 1 for n in range(3)}
    for row in _rows(db).values():
        assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.SENT, 2, frozen.now())


def test_after_max_attempts_a_message_is_failed_visible_and_can_be_retried(scratch_database, smtp_down, frozen):
    db = scratch_database
    _enqueue(db, ("m/1", "a@example.eu", "EN"), ("m/2", "b@example.eu", "DE"))
    for attempt in (1, 2):
        assert deliver(db, **smtp_down.address, max_attempts=3).retried == 2
        frozen.advance(seconds=backoff(attempt).total_seconds())
    report = deliver(db, **smtp_down.address, max_attempts=3)
    assert (report.retried, report.failed) == (0, 2)
    assert {(r.status, r.attempts) for r in _rows(db).values()} == {(OutboxStatus.FAILED, 3)}
    frozen.advance(hours=2)
    assert deliver(db, **smtp_down.address, max_attempts=3).failed == 0      # failed ones are left alone
    with db.Session() as s:
        assert backlog(s) == {"pending": 0, "due": 0, "oldest_pending": None, "failed": 2}

    smtp_down.start()
    with db.session_scope() as s:
        assert retry_failed(s) == 2
    assert deliver(db, **smtp_down.address, max_attempts=3).sent == 2
    assert sorted(smtp_down.inbox.ids()) == ["<m/1@casework>", "<m/2@casework>"]
    assert {(r.status, r.attempts) for r in _rows(db).values()} == {(OutboxStatus.SENT, 1)}


def test_a_permanent_refusal_fails_at_once_a_temporary_one_is_retried(scratch_database, smtp, frozen):
    db = scratch_database
    smtp.inbox.refuse = {"gone@example.eu": "550 5.1.1 no such user", "full@example.eu": "452 4.2.2 mailbox full"}
    _enqueue(db, ("r/1", "before@example.eu", "EN"), ("r/2", "gone@example.eu", "EN"),
             ("r/3", "full@example.eu", "EN"), ("r/4", "after@example.eu", "EN"))
    report = deliver(db, **smtp.address)
    assert (report.sent, report.retried, report.failed) == (2, 1, 1)
    rows = _rows(db)
    assert (rows["r/2"].status, rows["r/2"].attempts) == (OutboxStatus.FAILED, 1)
    assert "550" in rows["r/2"].last_error and "no such user" in rows["r/2"].last_error
    assert (rows["r/3"].status, rows["r/3"].next_attempt_at) == (OutboxStatus.PENDING, frozen.now() + timedelta(seconds=30))
    assert "452" in rows["r/3"].last_error
    assert sorted(smtp.inbox.ids()) == ["<r/1@casework>", "<r/4@casework>"]


def test_batches_one_connection_each_oldest_first(scratch_database, smtp, frozen):
    db = scratch_database
    for n in range(5):
        _enqueue(db, (f"b/{n}", f"c{n}@example.eu", "EN"))
        frozen.advance(seconds=1)
    assert deliver(db, **smtp.address, batch=2).sent == 5
    assert smtp.inbox.ids() == [f"<b/{n}@casework>" for n in range(5)]
    assert [r.connection for r in smtp.inbox.received] == [1, 1, 2, 2, 3]


def test_a_sender_that_died_after_claiming_its_messages_are_sent_after_the_lease(scratch_database, smtp, frozen):
    """At least once: what a dead sender claimed waits for its lease to run out, then goes out."""
    db = scratch_database
    _enqueue(db, ("lease/1", "a@example.eu", "EN"))
    assert [m.key for m in _claim(db, "dead-sender:1", 10, timedelta(minutes=15))] == ["lease/1"]
    assert deliver(db, **smtp.address).sent == 0           # claimed by the other one: left alone
    frozen.advance(minutes=15)
    assert deliver(db, **smtp.address, worker="second").sent == 1
    row = _rows(db)["lease/1"]
    assert (row.status, row.claimed_by.startswith("second:")) == (OutboxStatus.SENT, True)


@pytest.mark.parametrize("scratch_database", ["postgresql"], indirect=True)   # SKIP LOCKED between senders
def test_two_senders_side_by_side_never_send_a_message_twice(scratch_database, smtp, frozen):
    db = scratch_database
    _enqueue(db, *((f"pair/{n}", f"c{n}@example.eu", "EN") for n in range(120)))
    smtp.inbox.delay = 0.002                                # so that the two really overlap
    reports, errors = {}, []

    def sender(name):
        try:
            reports[name] = deliver(db, **smtp.address, batch=5, worker=name)
        except Exception as exc:   # noqa: BLE001 — the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=sender, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert reports["A"].sent + reports["B"].sent == 120
    assert reports["A"].sent > 0 and reports["B"].sent > 0
    assert Counter(smtp.inbox.ids()) == {f"<pair/{n}@casework>": 1 for n in range(120)}
    rows = _rows(db).values()
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert Counter(r.claimed_by.split(":")[0] for r in rows) == {"A": reports["A"].sent, "B": reports["B"].sent}


def test_a_slow_server_makes_the_sender_hand_back_what_its_lease_no_longer_covers(scratch_database, smtp, frozen):
    """Half the lease gone: the rest of the batch is released (no attempt counted) and claimed anew."""
    db = scratch_database
    _enqueue(db, *((f"slow/{n}", f"c{n}@example.eu", "EN") for n in range(3)))
    smtp.inbox.delay = 0.3
    assert deliver(db, **smtp.address, lease=timedelta(seconds=0.2)).sent == 3
    assert [r.connection for r in smtp.inbox.received] == [1, 2, 3]            # one claim each
    assert {(r.status, r.attempts) for r in _rows(db).values()} == {(OutboxStatus.SENT, 1)}

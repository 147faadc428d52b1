"""`casework user held|release|refuse`: EPSO checks a registration held because it looks like a person
who holds an account (C1: one account per person) and either creates the account (a new candidate
record, or the record it matched when that is the person's own and has no account) or refuses it; the
person is mailed in their language, the audit trail keeps why, and wrong input changes nothing. On
both backends."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEvent
from casework.auth import passwords, registration
from casework.auth.models import PendingRegistration, User
from casework.competitions import applications as apps
from casework.competitions.models import Candidate
from casework.notifications.models import OutboxMessage

from .backends import command, refused  # noqa: F401  (fixture)

SECRET = "a-test-secret-for-the-confirmation-links"
BORN = date(1990, 5, 17)


def _registered(db, email: str, *, identity: str, surname: str = "Lambert", given_names: str = "Claire",
                language: str = "FR") -> registration.Confirmed:
    """A registration given and confirmed (the link followed), as the web does it."""
    with db.session_scope() as s:
        done = registration.register(s, email=email, surname=surname, given_names=given_names, birth_date=BORN,
                                     identity_document=identity, language=language, password="a long passphrase 1",
                                     using=passwords.hasher(**passwords.TESTING))
        token = registration.confirm_token(SECRET, done.registration)
    with db.session_scope() as s:
        confirmed = registration.confirm(s, SECRET, token)
        return registration.Confirmed(confirmed.outcome)


def _held(db, email: str) -> tuple[str, str]:
    with db.session_scope() as s:
        row = s.scalar(select(PendingRegistration).where(PendingRegistration.email == email))
        return registration.reference(row), row.password_hash


def _mail(db, to: str) -> list[tuple[str, str, str]]:
    with db.session_scope() as s:
        return [(m.template, m.text_language, m.body) for m in s.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == to).order_by(OutboxMessage.id))]


def _trail(db, action: str) -> list[tuple[str | None, dict]]:
    with db.session_scope() as s:
        return [(e.reason, e.changes) for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action))]


@pytest.fixture
def holder(command):  # noqa: F811
    """A candidate with an account (registered and confirmed)."""
    assert _registered(command.db, "claire@example.eu", identity="FR-123456").outcome == "created"
    return command


def test_a_namesake_is_another_person_and_gets_an_account_of_their_own(holder):
    assert _registered(holder.db, "claire.lambert@example.org", identity="BE-998877").outcome == "held"
    reference, password_hash = _held(holder.db, "claire.lambert@example.org")
    listed = holder("user", "held").output
    assert reference in listed and "claire.lambert@example.org" in listed and "same name-and-birth-date" in listed
    out = holder("user", "release", reference.lower(), "--reason", "Another person: a Belgian identity card, "
                 "born in Liège; the account holder was born in Lyon.").output
    assert out == f"{reference}: account claire.lambert@example.org created; the person is mailed\n"
    with holder.db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == "claire.lambert@example.org"))
        record = s.get(Candidate, user.candidate_id)
        assert (record.email, record.identity_key, user.password_hash) == (
            "claire.lambert@example.org", registration.identity_key("BE-998877"), password_hash)  # her own password
        assert s.scalar(select(func.count()).select_from(PendingRegistration)) == 0
    [(template, language, body)] = _mail(holder.db, "claire.lambert@example.org")[-1:]
    assert (template, language) == ("account-released", "FR")
    assert "Votre compte est maintenant créé" in body and "born in Lyon" in body and reference in body
    [(_, changes)] = [t for t in _trail(holder.db, "create") if t[1].get("released")]
    assert changes["released"] == reference and "Belgian identity card" in changes["release_reason"]
    assert holder("user", "held").output == "no registration is held\n"


def test_a_new_address_of_an_imported_record_is_linked_to_it_only_when_asked(holder):
    with holder.db.session_scope() as s:          # an application file's record, no account, an old address
        apps.register_candidate(s, email="c.martin@old-employer.eu", identity_key=registration.identity_key("IT-4455"),
                                surname="Martin", given_names="Chiara", correspondence_language="IT")
    assert _registered(holder.db, "chiara@example.it", identity="it-4455", surname="Martin",
                       given_names="Chiara", language="IT").outcome == "held"
    reference, _ = _held(holder.db, "chiara@example.it")
    before = holder.dump()
    refused(holder("user", "release", reference, "--reason", "checked", ok=False), "identity document", "--link")
    assert holder.dump() == before
    holder("user", "release", reference, "--link", "--reason", "Her record of 2019; she changed address.")
    with holder.db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == "chiara@example.it"))
        record = s.get(Candidate, user.candidate_id)
        assert (record.surname, record.email) == ("Martin", "c.martin@old-employer.eu")   # the record it matched
    [(template, language, body)] = _mail(holder.db, "chiara@example.it")[-1:]
    assert (template, language) == ("account-released", "EN") and "linked to your existing candidate record" in body


def test_an_account_holder_registering_again_is_refused_and_told_why(holder):
    assert _registered(holder.db, "claire.l@example.net", identity="fr-123456").outcome == "held"
    reference, _ = _held(holder.db, "claire.l@example.net")
    before = holder.dump()
    refused(holder("user", "release", reference, "--link", "--reason", "x", ok=False), "holds an account", "C1")
    assert holder.dump() == before
    out = holder("user", "refuse", reference, "--reason", "You hold account claire@example.eu since 2026.").output
    assert out == f"{reference}: refused, no account created; the person is mailed\n"
    with holder.db.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.email == "claire.l@example.net")) == 0
        assert s.scalar(select(func.count()).select_from(PendingRegistration)) == 0
    [(template, language, body)] = _mail(holder.db, "claire.l@example.net")[-1:]
    assert (template, language) == ("account-refused", "FR") and "aucun nouveau compte" in body.lower()
    [(reason, changes)] = _trail(holder.db, "refuse")
    assert reason.startswith("You hold account") and changes["held_because"] == "identity-key"
    refused(holder("user", "refuse", reference, "--reason", "again", ok=False), "no held registration")


@pytest.mark.parametrize("args, says", [
    (("release", "REG-999999", "--reason", "x"), "no held registration"),
    (("refuse", "not-a-reference", "--reason", "x"), "no held registration"),
    (("refuse", "REG-" + "9" * 40, "--reason", "x"), "no held registration"),
    (("refuse", "{held}", "--reason", "   "), "say why"),
    (("release", "{held}", "--reason", "bell\x07"), "control character"),
    (("refuse", "{held}", "--reason", "x" * 2001), "longer than 2000"),
])
def test_wrong_input_is_refused_in_one_line_and_changes_nothing(holder, args, says):
    _registered(holder.db, "claire.l@example.net", identity="FR-123456")
    reference, _ = _held(holder.db, "claire.l@example.net")
    before = holder.dump()
    refused(holder("user", *(reference if a == "{held}" else a for a in args), ok=False), says)
    assert holder.dump() == before

"""The accounts' domain below the pages (issue 11): Argon2 with the configured costs, links signed per
purpose and aged by casework's clock, the throttle's window, what makes two registrations one person
(C1)."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from casework.auth import passwords, registration, throttle
from casework.auth.models import AttemptKind, LoginAttempt, PendingRegistration
from casework.auth.registration import RegistrationError, TokenError

CHEAP = passwords.hasher(**passwords.TESTING)


def test_the_hasher_takes_its_costs_from_the_configuration():
    assert passwords.hasher_from({}, testing=True) is CHEAP
    production = passwords.hasher_from({})
    assert (production.time_cost, production.memory_cost, production.parallelism) == (3, 65536, 4)
    chosen = passwords.hasher_from({"ARGON2_TIME_COST": "2", "ARGON2_MEMORY_COST": 16384}, testing=True)
    assert (chosen.time_cost, chosen.memory_cost, chosen.parallelism) == (2, 16384, 1)


def test_a_hash_with_other_costs_is_verified_and_replaced():
    user = SimpleNamespace(password_hash=passwords.hash_password("long enough secret", passwords.hasher(
        time_cost=2, memory_cost=8192, parallelism=1)), session_version=1, email="a@example.org")
    assert not passwords.verify_and_update(user, "wrong password", CHEAP)
    assert "t=2" in user.password_hash
    assert passwords.verify_and_update(user, "long enough secret", CHEAP)
    assert "t=1" in user.password_hash and "m=8192" in user.password_hash


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$argon2id$v=19$broken"])
def test_no_hash_or_a_broken_one_opens_nothing(stored):
    assert not passwords.verify(stored, "anything at all", CHEAP)


def test_a_new_password_has_ten_characters_and_is_not_the_address_and_ends_the_sessions():
    with pytest.raises(passwords.PasswordError, match="at least 10"):
        passwords.check_new_password("short")
    with pytest.raises(passwords.PasswordError, match="not the e-mail address"):
        passwords.check_new_password("Ana@Example.org", email="ana@example.org")
    user = SimpleNamespace(password_hash=None, session_version=3, email="ana@example.org")
    passwords.change_password(user, "a long new password", CHEAP)
    assert user.session_version == 4 and passwords.verify(user.password_hash, "a long new password", CHEAP)


def test_links_are_signed_per_purpose_and_expire_by_casework_clock(frozen):
    pending = PendingRegistration(id=7, email="ana@example.org")
    token = registration.confirm_token("secret", pending)
    assert registration.read_confirm_token("secret", token) == (7, "ana@example.org")
    with pytest.raises(TokenError) as other_key:
        registration.read_confirm_token("another secret", token)
    assert not other_key.value.expired
    user = SimpleNamespace(id=7, session_version=1)
    reset = registration.reset_token("secret", user)
    with pytest.raises(TokenError):                       # a reset link is no confirmation link
        registration.read_confirm_token("secret", reset)
    frozen.advance(hours=47, minutes=59)
    assert registration.read_confirm_token("secret", token)[0] == 7
    frozen.advance(minutes=2)
    with pytest.raises(TokenError) as late:
        registration.read_confirm_token("secret", token)
    assert late.value.expired


def test_the_throttle_counts_within_its_window_and_prunes_what_is_older(session, frozen):
    limits = throttle.Limits(per_account=2, per_address=3, window=timedelta(minutes=15))
    for address in ("192.0.2.1", "192.0.2.2"):
        assert not throttle.blocked(session, AttemptKind.LOGIN, "Ana@Example.org", address, limits)
        throttle.count(session, AttemptKind.LOGIN, "ana@example.org ", address, limits)
    assert throttle.blocked(session, AttemptKind.LOGIN, "ANA@example.org", "192.0.2.9", limits)
    assert not throttle.blocked(session, AttemptKind.RESET, "ana@example.org", "192.0.2.9", limits)
    frozen.advance(minutes=15)
    assert not throttle.blocked(session, AttemptKind.LOGIN, "ana@example.org", "192.0.2.9", limits)
    throttle.count(session, AttemptKind.LOGIN, "bob@example.org", "192.0.2.1", limits)
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 1          # the old two pruned
    assert throttle.Limits.from_config({"LOGIN_MAX_PER_ACCOUNT": 3, "LOGIN_WINDOW_SECONDS": 60}) == \
        throttle.Limits(per_account=3, per_address=20, window=timedelta(seconds=60))


@pytest.mark.parametrize(("one", "other"), [
    ("Müller-Lüdenscheidt", "MULLER LUDENSCHEIDT"),
    ("O'Brien", "o brien"),
    ("  Ana   María ", "ana maria"),
    ("Øberg", "øberg"),
])
def test_c1_names_are_compared_without_case_accents_hyphens_or_spacing(one, other):
    assert registration.same_name(one) == registration.same_name(other)


def test_c1_the_identity_key_is_the_document_number_without_spaces_in_capitals(frozen):
    assert registration.identity_key(" xk 123-456 a ") == "XK123-456A"
    for bad in ("ab", "<script>", "AB\x00CD", "-ABCD"):
        with pytest.raises(RegistrationError) as refused:
            registration.identity_key(bad)
        assert refused.value.field == "identity_document"
    with pytest.raises(RegistrationError, match="date of birth"):
        registration.check_birth_date(date(2022, 3, 2))        # tomorrow of the frozen clock

"""Accounts for every role through the Flask test client (issue 11), on SQLite and PostgreSQL: one
login page, logout, failed logins throttled per account and per address across two application
instances sharing the database, registration with e-mail confirmation through the outbox, C1
(a registration that looks like a person with an account is held and flagged, not created),
password reset and change logging the account out elsewhere, CSRF and the session cookie's flags.

Each backend's database is migrated once for the module; every test makes its own accounts (unique
addresses) and comes from its own client address, so the tests share it without meeting."""
from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from casework import clock, create_app
from casework.audit import AuditEvent
from casework.auth import accounts, passwords
from casework.auth.models import PendingRegistration, RegistrationState, Role, User
from casework.competitions.applications import register_candidate
from casework.competitions.models import Candidate
from casework.config import InsecureConfiguration
from casework.notifications.models import OutboxMessage

from ..competitions import factories as f
from ..conftest import BACKENDS, fresh_database

CHEAP = passwords.hasher(**passwords.TESTING)
PASSWORD = "correct horse battery"
_addresses = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def database(request, tmp_path_factory):
    """One migrated database per backend for the module, with a notice (for a board member)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("auth")) as db:
        with clock.use_clock(clock.FrozenClock(datetime(2022, 2, 1, 12, tzinfo=UTC))), db.session_scope() as s:
            f.publish(s, only_fields=("1",))
        yield db


def _app(db, **config):
    return create_app({"TESTING": True, "DATABASE": db, **config})


@pytest.fixture
def app(database, frozen):
    return _app(database)


class Browser:
    """A test client that comes from its own client address and fills in the CSRF token of forms."""

    def __init__(self, app, address: str | None = None):
        self.app = app
        self.address = address or f"10.0.{next(_addresses) // 250}.{next(_addresses) % 250 + 1}"
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = self.address

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def token(self, url: str) -> str:
        page = self.get(url).get_data(as_text=True)
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, page
        return found.group(1)

    def post(self, url, data=None, *, form_url=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(form_url or url))
        return self.client.post(url, data=data, **kw)

    def login(self, email, password=PASSWORD, **kw):
        return self.post("/login", {"email": email, "password": password}, **kw)

    def logged_in(self) -> bool:
        response = self.get("/account/password")
        assert response.status_code in (200, 302)
        return response.status_code == 200

    def logout(self):
        return self.post("/logout", form_url="/account/password")


def _unique(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def make_user(db, role: Role = Role.CANDIDATE, *, password: str | None = PASSWORD, active: bool = True,
              birth_date: date | None = None, surname: str = "Candidate", given_names: str = "Alex",
              using=CHEAP) -> str:
    """An account of ``role`` (a candidate with their candidate record), committed; its address."""
    email = _unique(role.value)
    with db.session_scope() as s:
        candidate_email = None
        if role is Role.CANDIDATE:
            candidate_email = email
            register_candidate(s, email=email, identity_key=f"ID-{uuid.uuid4().hex[:12]}", surname=surname,
                               given_names=given_names, correspondence_language="EN")
        user = accounts.create_user(s, email=email, name=f"{given_names} {surname}", role=role,
                                    boards=["EPSO/AD/398/22"] if role is Role.BOARD_MEMBER else (),
                                    candidate_email=candidate_email, actor="test")
        user.birth_date = birth_date
        user.active = active
        if password:
            user.password_hash = passwords.hash_password(password, using)
    return email


def _user(db, email) -> User | None:
    with db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == email))
        if user is not None:
            s.expunge(user)
        return user


def _outbox(db, to: str, template: str) -> list[OutboxMessage]:
    with db.session_scope() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == to,
                                                          OutboxMessage.template == template)
                              .order_by(OutboxMessage.id)))
        s.expunge_all()
        return rows


def _link(message: OutboxMessage, path: str) -> str:
    found = re.search(rf"http://localhost(/{path}/[A-Za-z0-9_.\-]+)", message.body)
    assert found, message.body
    return found.group(1)


# --- logging in and out ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", list(Role))
def test_every_role_logs_in_on_the_one_login_page_and_out(app, database, role):
    email = make_user(database, role)
    browser = Browser(app)
    response = browser.login(email.upper())                   # the address in any case
    assert response.status_code == 302
    expected = "/portal/" if role is Role.CANDIDATE else "/"
    assert response.headers["Location"] == expected
    assert browser.logged_in()
    assert browser.get("/login").status_code == 302           # logged in: the login page sends you on
    response = browser.logout()
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert not browser.logged_in()
    assert "You are logged out." in browser.get("/login").get_data(as_text=True)


def test_a_wrong_password_or_an_unknown_address_says_the_same_and_logs_nobody_in(app, database):
    email = make_user(database)
    browser = Browser(app)
    wrong = browser.login(email, "not the password")
    unknown = browser.login(_unique(), "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "The e-mail address or the password is not right." in response.get_data(as_text=True)
    assert not browser.logged_in()


def test_an_inactive_account_or_one_without_a_password_cannot_log_in(app, database):
    for email in (make_user(database, Role.LEGAL_OFFICER, active=False), make_user(database, password=None)):
        browser = Browser(app)
        assert "is not right" in browser.login(email).get_data(as_text=True)
        assert not browser.logged_in()


def test_the_login_goes_back_to_the_page_that_asked_for_it_never_to_another_site(app, database):
    email = make_user(database, Role.EPSO_OFFICER)
    browser = Browser(app)
    response = browser.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert browser.login(email, query_string={"next": "/account/password"}).headers["Location"] == \
        "/account/password"
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        other = Browser(app)
        assert other.login(email, query_string={"next": target}).headers["Location"] == "/"


def test_a_login_starts_a_new_session_keeping_only_the_language(app, database):
    email = make_user(database)
    browser = Browser(app)
    with browser.client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["lang"] = "fr"
    before = browser.token("/login")
    browser.login(email)
    with browser.client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "fr"
        assert session["_fresh"] is True
        assert session.get("csrf_token") != before
    # the form token of the session before the login is no longer accepted
    response = browser.client.post("/logout", data={"csrf_token": before})
    assert response.status_code == 400


def test_an_old_hash_is_replaced_at_login_by_one_with_the_configured_parameters(app, database):
    email = make_user(database, using=passwords.hasher(time_cost=2, memory_cost=8192, parallelism=1))
    assert "t=2" in _user(database, email).password_hash
    assert Browser(app).login(email).status_code == 302
    assert "t=1" in _user(database, email).password_hash


# --- throttling ------------------------------------------------------------------------------------

def test_failures_per_account_are_limited_across_two_application_instances(database, frozen):
    """5 failures within 15 minutes, from different addresses and processes, block the account's
    address for everybody, the right password included, with the same message for an address that
    has no account; the limit lifts after the window."""
    one, two = _app(database), _app(database)
    email, nobody = make_user(database), _unique()
    for attempt in range(5):
        for address in (email, nobody):
            response = Browser(one if attempt % 2 else two).login(address, "wrong password")
            assert response.status_code == 200
    refused = [Browser(app).login(address) for app, address in ((one, email), (two, nobody))]
    for response in refused:
        assert response.status_code == 429
        assert "Too many attempts" in response.get_data(as_text=True)
    pages = [re.sub(r'csrf_token" type="hidden" value="[^"]+"', "", r.get_data(as_text=True)).replace(a, "")
             for r, a in zip(refused, (email, nobody), strict=True)]
    assert pages[0] == pages[1]
    frozen.advance(minutes=15, seconds=1)
    assert Browser(two).login(email).status_code == 302


def test_failures_per_client_address_are_limited_across_two_application_instances(database, frozen):
    one, two = _app(database), _app(database)
    address = "192.0.2.77"
    for n in range(20):
        assert Browser(one if n % 2 else two, address).login(_unique(), "wrong password").status_code == 200
    email = make_user(database)
    assert Browser(one, address).login(email).status_code == 429
    assert Browser(two, "192.0.2.78").login(email).status_code == 302      # another address is not held back


def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(database, frozen):
    """Behind a reverse proxy every connection comes from the proxy: with TRUSTED_PROXIES the limit
    counts the address the proxy forwarded, so one client's failures lock out that client only."""
    proxied = _app(database, TRUSTED_PROXIES=1)

    def via_proxy(client_address: str) -> Browser:
        browser = Browser(proxied, "192.0.2.1")
        browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
        return browser

    for _ in range(20):
        assert via_proxy("198.51.100.7").login(_unique(), "wrong password").status_code == 200
    email = make_user(database)
    assert via_proxy("198.51.100.7").login(email).status_code == 429
    assert via_proxy("198.51.100.8").login(email).status_code == 302


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(database, frozen):
    """By default (TRUSTED_PROXIES=0) X-Forwarded-For is ignored: a client cannot escape its limit by
    naming another address in it."""
    app = _app(database)
    for n in range(20):
        browser = Browser(app, "192.0.2.99")
        browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{n + 1}"
        assert browser.login(_unique(), "wrong password").status_code == 200
    escaping = Browser(app, "192.0.2.99")
    escaping.client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.200"
    assert escaping.login(make_user(database)).status_code == 429


def test_a_successful_login_forgets_the_accounts_failures(app, database):
    email = make_user(database)
    for _ in range(4):
        Browser(app).login(email, "wrong password")
    assert Browser(app).login(email).status_code == 302
    for _ in range(4):
        assert Browser(app).login(email, "wrong password").status_code == 200
    assert Browser(app).login(email).status_code == 302


# --- registering ------------------------------------------------------------------------------------

def _form(email: str, **changes) -> dict:
    # a surname of its own: the same names and date of birth in two tests would be one person (C1)
    return {"email": email, "surname": f"Øberg {uuid.uuid4().hex[:6]}", "given_names": "Ana María", "birth_date": "1990-04-23",
            "identity_document": f"P {uuid.uuid4().hex[:8].upper()}", "language": "FR", "password": PASSWORD,
            "password_again": PASSWORD, **changes}


def _register(app, email, **changes):
    browser = Browser(app)
    response = browser.post("/register", _form(email, **changes))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Check your e-mail" in response.get_data(as_text=True)
    return browser


def _confirm(app, database, email):
    [message] = _outbox(database, email, "account-confirm")
    browser = Browser(app)
    link = _link(message, "confirm")
    page = browser.get(link)
    assert page.status_code == 200 and "Confirm my address" in page.get_data(as_text=True)
    return browser, browser.post(link)


def test_registration_mails_a_link_and_following_it_creates_the_account(app, database):
    email = _unique("new")
    _register(app, email)
    [message] = _outbox(database, email, "account-confirm")
    assert message.language == "FR" and message.text_language == "FR"
    assert "48" in message.body
    assert Browser(app).login(email).status_code == 200          # not before the address is confirmed
    browser, response = _confirm(app, database, email)
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert "your account is ready" in browser.get("/login").get_data(as_text=True)
    user = _user(database, email)
    assert (user.role, user.language, user.birth_date, user.session_version) == (Role.CANDIDATE, "FR",
                                                                                 date(1990, 4, 23), 1)
    assert user.password_hash.startswith("$argon2id$")
    with database.session_scope() as s:
        candidate = s.get(Candidate, user.candidate_id)
        assert (candidate.email, candidate.surname[:6], candidate.given_names, candidate.correspondence_language) == \
            (email, "Øberg ", "Ana María", "FR")
        assert s.scalar(select(func.count()).select_from(PendingRegistration)
                        .where(PendingRegistration.email == email)) == 0
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.entity == "user",
                                                        AuditEvent.entity_id == user.id)) == "create"
    response = Browser(app).login(email)
    assert (response.status_code, response.headers["Location"]) == (302, "/portal/")
    again = Browser(app)                          # the link a second time: confirmed already, nothing new
    assert again.post(_link(_outbox(database, email, "account-confirm")[0], "confirm")).status_code == 302
    assert "confirmed already" in again.get("/login").get_data(as_text=True)


def test_an_expired_or_forged_link_is_refused(app, database, frozen):
    email = _unique("late")
    _register(app, email)
    link = _link(_outbox(database, email, "account-confirm")[0], "confirm")
    browser = Browser(app)
    for forged in (link[:-2] + ("AA" if not link.endswith("AA") else "BB"), "/confirm/not-a-token",
                   link.replace("/confirm/", "/confirm/x")):
        response = browser.get(forged)
        assert response.status_code == 400 and "The link is not valid" in response.get_data(as_text=True)
    # signed with another key, or a reset link used to confirm: not valid either
    other = _app(database, SECRET_KEY="another key altogether")
    assert Browser(other).get(link).status_code == 400
    frozen.advance(hours=48, seconds=1)
    response = browser.get(link)
    assert response.status_code == 400 and "The link has expired" in response.get_data(as_text=True)
    assert browser.client.post(link, data={"csrf_token": browser.token("/login")}).status_code == 400
    assert _user(database, email) is None


def test_c1_a_registration_with_the_identity_document_of_an_account_holder_is_held_and_flagged(app, database):
    first = _unique("first")
    _register(app, first, identity_document="XK 123 456 A")
    _confirm(app, database, first)
    second = _unique("second")
    _register(app, second, identity_document="xk123456a", surname="Someone", given_names="Else")
    _, response = _confirm(app, database, second)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your registration is being checked" in page and "What happens next" in page
    assert second in page and "REG-" in page
    assert _user(database, second) is None
    with database.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Candidate).where(Candidate.email == second)) == 0
        held = s.scalar(select(PendingRegistration).where(PendingRegistration.email == second))
        assert (held.state, held.held_because) == (RegistrationState.HELD, "identity-key")
        assert held.matched_candidate_id == s.scalar(select(User.candidate_id).where(User.email == first))
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.entity == "registration",
                                                        AuditEvent.entity_id == held.id)) == "hold"
        reference = f"REG-{held.id:06d}"
    [flag] = _outbox(database, "legal-team@localhost", "account-held")
    assert reference in flag.subject and second in flag.body and "identity-key" in flag.body
    assert Browser(app).login(second).status_code == 200        # no account
    # following the link again tells the same, and flags once
    _, response = _confirm(app, database, second)
    assert "being checked" in response.get_data(as_text=True)
    assert len(_outbox(database, "legal-team@localhost", "account-held")) == 1


def test_c1_the_same_names_and_date_of_birth_under_another_address_are_held(app, database):
    first = _unique("ana")
    _register(app, first, surname="Müller-Lüdenscheidt", given_names="Ana  María", birth_date="1985-12-01")
    _confirm(app, database, first)
    second = _unique("ana-again")
    _register(app, second, surname="MULLER LUDENSCHEIDT", given_names="ana maria", birth_date="1985-12-01")
    _, response = _confirm(app, database, second)
    assert "being checked" in response.get_data(as_text=True)
    with database.session_scope() as s:
        held = s.scalar(select(PendingRegistration).where(PendingRegistration.email == second))
        assert held.held_because == "name-and-birth-date"
    third = _unique("ana-other")              # another day of birth: another person
    _register(app, third, surname="Müller-Lüdenscheidt", given_names="Ana María", birth_date="1985-12-02")
    _confirm(app, database, third)
    assert _user(database, third).role is Role.CANDIDATE


def test_an_imported_candidate_record_is_claimed_by_its_own_address_and_identity(app, database):
    email = _unique("imported")
    with database.session_scope() as s:
        imported = register_candidate(s, email=email, identity_key="IMPORTED-42", surname="Imported",
                                      given_names="Iris", correspondence_language="DE")
        imported_id = imported.id
    _register(app, email, identity_document="imported-42")
    _confirm(app, database, email)
    assert _user(database, email).candidate_id == imported_id
    with database.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Candidate).where(Candidate.email == email)) == 1


def test_registering_an_address_that_has_an_account_says_the_same_and_mails_a_reset_link(app, database):
    email = make_user(database)
    _register(app, email)
    assert _outbox(database, email, "account-confirm") == []
    [message] = _outbox(database, email, "account-reset")
    assert "already has an account" in message.body
    with database.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(PendingRegistration)
                        .where(PendingRegistration.email == email)) == 0


def test_registration_errors_are_shown_beside_their_fields(app, database):
    browser = Browser(app)
    response = browser.post("/register", _form("not an address", password="short", password_again="other",
                                               birth_date="1990-02-31", identity_document="<b>"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="email-help email-error"' in page and 'aria-invalid="true"' in page
    assert 'id="email-error"' in page and "Enter an e-mail address" in page
    assert 'id="password-error"' in page and "at least 10 characters" in page
    assert 'id="password_again-error"' in page and 'id="birth_date-error"' in page
    assert 'id="identity_document-error"' in page and "&lt;b&gt;" in page and "<b>" not in page
    assert 'class="error-summary"' in page and 'href="#email"' in page
    assert "There is a problem" in page


# --- a new password ------------------------------------------------------------------------------------

def test_a_password_reset_logs_the_account_out_everywhere(app, database):
    email = make_user(database, Role.HEAD_OF_UNIT)
    elsewhere = Browser(app)
    elsewhere.login(email)
    assert elsewhere.logged_in()
    browser = Browser(app)
    response = browser.post("/reset", {"email": email})
    assert "If an account has the address" in response.get_data(as_text=True)
    unknown = browser.post("/reset", {"email": _unique()})      # the same page for no account
    assert unknown.get_data(as_text=True).count("If an account has the address") == 1
    [message] = _outbox(database, email, "account-reset")
    link = _link(message, "reset")
    assert browser.get(link).status_code == 200
    response = browser.post(link, {"password": "a brand new password", "password_again": "a brand new password"})
    assert (response.status_code, response.headers["Location"]) == (302, "/login")
    assert "logged out everywhere" in browser.get("/login").get_data(as_text=True)
    assert not elsewhere.logged_in()
    assert _user(database, email).session_version == 2
    assert Browser(app).login(email).status_code == 200                  # the old password no longer
    assert Browser(app).login(email, "a brand new password").status_code == 302
    assert browser.get(link).status_code == 400                            # the link is used up


def test_a_password_change_logs_out_the_other_browsers_and_keeps_this_one(app, database):
    email = make_user(database, Role.APPOINTING_AUTHORITY)
    here, there = Browser(app), Browser(app)
    here.login(email)
    there.login(email)
    response = here.post("/account/password", {"current": "wrong", "password": "another long password",
                                              "password_again": "another long password"})
    assert response.status_code == 422 and "not your current password" in response.get_data(as_text=True)
    response = here.post("/account/password", {"current": PASSWORD, "password": "another long password",
                                              "password_again": "another long password"})
    assert response.status_code == 302
    assert here.logged_in() and not there.logged_in()


def test_guessing_the_current_password_is_limited_like_logging_in(app, database, frozen):
    """A session left open is no way round the limit: wrong current passwords count as failed logins of
    the account, and after five even the right one is refused for the window (then accepted)."""
    email = make_user(database)
    browser = Browser(app)
    browser.login(email)
    change = {"password": "another long password", "password_again": "another long password"}
    for _ in range(5):
        assert browser.post("/account/password", {"current": "a guess", **change}).status_code == 422
    refused = browser.post("/account/password", {"current": PASSWORD, **change})
    assert refused.status_code == 429 and "Too many wrong passwords" in refused.get_data(as_text=True)
    assert Browser(app).login(email).status_code == 429          # the account's logins are held back too
    frozen.advance(minutes=15, seconds=1)
    assert browser.post("/account/password", {"current": PASSWORD, **change}).status_code == 302


def test_a_cookie_of_an_older_session_version_logs_nobody_in(app, database):
    email = make_user(database, Role.ADMIN)
    browser = Browser(app)
    browser.login(email)
    with database.session_scope() as s:
        s.scalar(select(User).where(User.email == email)).session_version += 1
    assert not browser.logged_in()


# --- CSRF and cookies --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/login", "/logout", "/register", "/reset", "/account/password"])
def test_a_post_without_the_csrf_token_is_refused(app, database, url):
    browser = Browser(app)
    browser.get("/login")
    response = browser.client.post(url, data={"email": make_user(database), "password": PASSWORD})
    assert response.status_code == 400
    assert not browser.logged_in()


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_outside_tests(app, database):
    email = make_user(database)
    cookie = _session_cookie(Browser(app).login(email))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    production = _app(database, TESTING=False, SECRET_KEY="x" * 32, PUBLIC_URL="https://casework.example.eu")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    browser = Browser(production)
    browser.client.environ_base["wsgi.url_scheme"] = "https"
    cookie = _session_cookie(browser.login(email))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie



def test_in_production_a_mailed_link_starts_with_the_sites_address_whatever_host_a_request_names(database):
    """A reset asked for with a forged Host header still mails a link to the site (PUBLIC_URL), never
    to the host the request named; without PUBLIC_URL the application does not start."""
    with pytest.raises(InsecureConfiguration, match="PUBLIC_URL is not set"):
        _app(database, TESTING=False, SECRET_KEY="x" * 32)
    production = _app(database, TESTING=False, SECRET_KEY="x" * 32, PUBLIC_URL="https://casework.example.eu/")
    email = make_user(database)
    client = Browser(production).client
    client.environ_base["wsgi.url_scheme"] = "https"
    forged = {"Host": "attacker.example", "Referer": "https://attacker.example/reset"}      # as curl can
    page = client.get("/reset", headers=forged).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/reset", data={"csrf_token": token, "email": email}, headers=forged)
    assert response.status_code == 200, response.get_data(as_text=True)
    [message] = _outbox(database, email, "account-reset")
    assert "attacker.example" not in message.body
    assert re.search(r"https://casework\.example\.eu/reset/[A-Za-z0-9_.\-]+", message.body), message.body


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CANDIDATE], ids=lambda r: r.value)
def test_the_menu_offers_the_candidates_portal_to_candidates_only(app, database, role):
    """The portal answers anyone else with 404s: a staff member's menu does not lead there."""
    browser = Browser(app)
    assert 'href="/portal/cases"' in browser.get("/").get_data(as_text=True)      # a visitor: to log in
    browser.login(make_user(database, role))
    menu = browser.get("/").get_data(as_text=True)
    assert 'href="/portal/' not in menu and 'href="/account/password"' in menu


def test_a_logged_in_user_finds_the_change_of_password_in_the_menu(app, database):
    browser = Browser(app)
    assert 'href="/account/password"' not in browser.get("/").get_data(as_text=True)
    browser.login(make_user(database))
    menu = browser.get("/portal/").get_data(as_text=True)
    assert '<a href="/account/password">Change your password</a>' in menu
    assert 'href="/account/password" aria-current="page"' in browser.get("/account/password").get_data(as_text=True)

"""One login for every role (issue 11), a candidate's registration with e-mail confirmation, password
reset and change (docs/portal.md, "Accounts").

- Flask-Login with ``session_protection="strong"``; the login cookie names the account *and* its
  session version (:meth:`Account.get_id`: ``"<id>:<version>"``), so a password change or reset,
  which bumps the version, logs the account out of every browser. Logging in starts a new session
  (Flask's session is a signed cookie: it is cleared, the page's language kept), fresh.
- Session cookies: ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` outside debug and tests.
- Failed logins are counted in the database (:mod:`casework.auth.throttle`): at most
  ``LOGIN_MAX_PER_ACCOUNT`` (5) per e-mail address and ``LOGIN_MAX_PER_ADDRESS`` (20) per client
  address within ``LOGIN_WINDOW_SECONDS`` (900), across processes and machines; registrations and
  reset requests (each mails a link) the same way (``REGISTER_*``, ``RESET_*``). No page tells
  whether an account exists.
- The client address is the connection's, or behind ``TRUSTED_PROXIES`` reverse proxies the one they
  forwarded (:mod:`casework.web.security`): without that setting every client would be the proxy, and
  its 20 failures would lock everyone out.
- Links in mail point at ``PUBLIC_URL`` (required in production: the site's address, so that a forged
  Host header cannot send a reset link elsewhere), in development at the host the request came to.
- A held registration (C1) is mailed to ``LEGAL_TEAM_EMAIL``.

After logging in a candidate goes to the portal, anyone else to the home page (or, for both, to the
page that asked them to log in).
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from .. import notifications
from ..auth import passwords, registration, throttle
from ..auth.actors import Actor, actor_for
from ..auth.models import AttemptKind, Role, User
from ..auth.registration import RegistrationError, TokenError
from . import get_session
from .auth_forms import ChangePasswordForm, ConfirmForm, LoginForm, NewPasswordForm, RegistrationForm, ResetRequestForm
from .i18n import SESSION_KEY as LANGUAGE_KEY

bp = Blueprint("auth", __name__)

HASHER = "casework.passwords"
KEPT_ON_LOGIN = (LANGUAGE_KEY,)         # what a new session keeps of the old one: the page's language


class Account(UserMixin):
    """The logged-in user as Flask-Login holds it for one request (``current_user``): the account's row
    in the request's session (``.user``) and what pages ask most."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id
        self.email = user.email
        self.name = user.name
        self.role = user.role
        self.language = user.language
        self.candidate_id = user.candidate_id
        self.session_version = user.session_version

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_candidate(self) -> bool:
        return self.role is Role.CANDIDATE


def current_actor() -> Actor:
    """Who is acting in this request (for the workflows and ``can_view``); the user must be logged in."""
    return actor_for(get_session(), current_user.user)


def init_app(app: Flask) -> None:
    """Flask-Login and the session settings."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"]
    if not (app.debug or app.testing):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config.setdefault("LEGAL_TEAM_EMAIL", os.environ.get("LEGAL_TEAM_EMAIL", "legal-team@localhost"))
    app.extensions[HASHER] = passwords.hasher_from(app.config, testing=app.testing)
    manager = LoginManager(app)
    manager.session_protection = "strong"
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to see this page."
    manager.login_message_category = "info"
    manager.localize_callback = gettext
    manager.needs_refresh_message = "Please log in again to see this page."
    manager.user_loader(_load)


def _load(value: str) -> Account | None:
    """The account of a login cookie, if it is active and its session version is still the cookie's."""
    try:
        user_id, version = (int(part) for part in value.split(":"))
    except (AttributeError, ValueError):
        return None
    user = get_session().get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return Account(user)


def _hasher():
    return current_app.extensions[HASHER]


def _limits(prefix: str) -> throttle.Limits:
    return throttle.Limits.from_config(current_app.config, prefix)


def _client() -> str:
    return request.remote_addr or "unknown"


def _new_session(user: User) -> None:
    """A new session for ``user``: nothing of the old one but the page's language (session rotation)."""
    kept = {key: session[key] for key in KEPT_ON_LOGIN if key in session}
    session.clear()
    session.update(kept)
    login_user(Account(user), fresh=True)


def _end_session() -> None:
    kept = {key: session[key] for key in KEPT_ON_LOGIN if key in session}
    logout_user()
    session.clear()
    session.update(kept)


def _home(role: Role) -> str:
    if role is Role.CANDIDATE and "portal.index" in current_app.view_functions:
        return url_for("portal.index")
    return "/"


def _safe_next(target: str | None) -> str | None:
    """``next`` if it is a path of this site (never another host: an open redirect)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return None
    return target


def _link(endpoint: str, **values) -> str:
    """An absolute link for a mail: ``PUBLIC_URL`` (required in production), else (development, tests)
    the host the request came to."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def _hours(delta: timedelta) -> int:
    return int(delta.total_seconds() // 3600)


def _confirm_age() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("CONFIRM_MAX_AGE_SECONDS")
                                 or registration.CONFIRM_MAX_AGE.total_seconds()))


def _reset_age() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("RESET_MAX_AGE_SECONDS")
                                 or registration.RESET_MAX_AGE.total_seconds()))


def _blocked(db, kind: AttemptKind, form, limits: throttle.Limits) -> tuple[str, bool]:
    """The form's e-mail address as stored, and whether too many attempts came with it or from this
    connection within the window of ``limits`` (the form then says so, and for how long)."""
    email = form.email.data.strip().lower()
    if not throttle.blocked(db, kind, email, _client(), limits):
        return email, False
    form.form_errors.append(gettext("Too many attempts with this e-mail address or from this connection. Wait "
                                    "%(minutes)d minutes and try again, or choose a new password with the link "
                                    "below.", minutes=_minutes(limits)))
    return email, True


def _minutes(limits: throttle.Limits) -> int:
    return max(1, int(limits.window.total_seconds() // 60))


# --- logging in and out ---------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")) or _home(current_user.role))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = get_session()
        limits = _limits("LOGIN")
        email, blocked = _blocked(db, AttemptKind.LOGIN, form, limits)
        if blocked:
            status = 429
        else:
            user = db.scalar(select(User).where(func.lower(User.email) == email))
            if user is not None and user.active and user.password_hash:
                ok = passwords.verify_and_update(user, form.password.data, _hasher())
            else:
                passwords.waste_time(form.password.data, _hasher())
                ok = False
            if ok:
                throttle.forget(db, AttemptKind.LOGIN, email)
                _new_session(user)
                return redirect(_safe_next(request.args.get("next")) or _home(user.role))
            throttle.count(db, AttemptKind.LOGIN, email, _client(), limits)
            form.form_errors.append(gettext("The e-mail address or the password is not right. Check both and try "
                                            "again."))
            status = 200
    elif form.errors:
        status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    _end_session()
    flash(gettext("You are logged out."), "success")
    return redirect(url_for("auth.login"))


# --- registering ------------------------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home(current_user.role))
    form = RegistrationForm()
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), 422 if form.errors else 200
    db = get_session()
    limits = _limits("REGISTER")
    email, blocked = _blocked(db, AttemptKind.REGISTER, form, limits)
    if blocked:
        return render_template("auth/register.html", form=form), 429
    try:
        done = registration.register(
            db, email=form.email.data, surname=form.surname.data, given_names=form.given_names.data,
            birth_date=form.birth_date.data, identity_document=form.identity_document.data,
            language=form.language.data, password=form.password.data, using=_hasher())
    except RegistrationError as exc:      # the form checks the same: only what it missed comes here
        getattr(form, exc.field, form.email).errors.append(gettext("This value cannot be accepted."))
        return render_template("auth/register.html", form=form), 422
    throttle.count(db, AttemptKind.REGISTER, email, _client(), limits)
    secret = current_app.config["SECRET_KEY"]
    if done.registration is not None:
        pending = done.registration
        notifications.enqueue(db, key=f"account-confirm/{pending.id}/{secrets.token_hex(8)}", to=pending.email, language=pending.language,
                              template="account-confirm",
                              context={"link": _link("auth.confirm", token=registration.confirm_token(secret, pending)),
                                       "hours": _hours(_confirm_age())})
    elif done.existing is not None:          # the address has an account: a reset link, by mail only
        _mail_reset(done.existing, registering=True)
    return render_template("auth/sent.html", email=email, hours=_hours(_confirm_age()), purpose="register")


def _mail_reset(user: User, *, registering: bool = False) -> None:
    token = registration.reset_token(current_app.config["SECRET_KEY"], user)
    notifications.enqueue(get_session(), key=f"account-reset/{user.id}/{secrets.token_hex(8)}", to=user.email,
                          language=user.language, template="account-reset",
                          context={"link": _link("auth.reset_with_token", token=token),
                                   "hours": _hours(_reset_age()), "registering": registering})


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    secret = current_app.config["SECRET_KEY"]
    try:
        registration.read_confirm_token(secret, token, _confirm_age())
    except TokenError as exc:
        return render_template("auth/link_invalid.html", expired=exc.expired, purpose="confirm"), 400
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/confirm.html", form=form)
    db = get_session()
    try:
        done = registration.confirm(db, secret, token, max_age=_confirm_age())
    except TokenError as exc:
        return render_template("auth/link_invalid.html", expired=exc.expired, purpose="confirm"), 400
    if done.outcome == "held":
        held = done.registration
        if done.flagged_now:       # the link followed again says the same, and flags nothing more
            notifications.enqueue(db, key=f"registration-held/{held.id}/{int(held.created_at.timestamp())}",
                                  to=current_app.config["LEGAL_TEAM_EMAIL"], language="EN", template="account-held",
                                  context={"reference": registration.reference(held), "reason": held.held_because,
                                           "email": held.email, "candidate": held.matched_candidate_id})
        return render_template("auth/held.html", email=held.email, reference=registration.reference(held))
    if done.outcome == "created":
        flash(gettext("Your e-mail address is confirmed and your account is ready. Log in with your e-mail address "
                      "and password."), "success")
    else:
        flash(gettext("This address is confirmed already. Log in with your e-mail address and password."), "info")
    return redirect(url_for("auth.login"))


# --- a forgotten password, a new password -----------------------------------------------------------

@bp.route("/reset", methods=["GET", "POST"])
def reset():
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200
    db = get_session()
    limits = _limits("RESET")
    email, blocked = _blocked(db, AttemptKind.RESET, form, limits)
    if blocked:
        return render_template("auth/reset_request.html", form=form), 429
    throttle.count(db, AttemptKind.RESET, email, _client(), limits)
    user = registration.account_for_reset(db, email)
    if user is not None:
        _mail_reset(user)
    return render_template("auth/sent.html", email=email, hours=_hours(_reset_age()), purpose="reset")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_with_token(token: str):
    db = get_session()
    secret = current_app.config["SECRET_KEY"]
    try:
        user = registration.user_of_reset_token(db, secret, token, max_age=_reset_age())
    except TokenError as exc:
        return render_template("auth/link_invalid.html", expired=exc.expired, purpose="reset"), 400
    form = NewPasswordForm()
    form.account_email = user.email
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form), 422 if form.errors else 200
    try:
        registration.reset_password(db, secret, token, form.password.data, max_age=_reset_age(), using=_hasher())
    except TokenError as exc:
        return render_template("auth/link_invalid.html", expired=exc.expired, purpose="reset"), 400
    except RegistrationError:
        form.password.errors.append(gettext("This password cannot be used. Choose another."))
        return render_template("auth/reset.html", form=form), 422
    throttle.forget(db, AttemptKind.LOGIN, user.email)
    _end_session()
    flash(gettext("Your password is changed and you are logged out everywhere. Log in with the new password."),
          "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user.user
    form = ChangePasswordForm()
    form.account_email = user.email
    if not form.validate_on_submit():
        return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
    db, limits, email = get_session(), _limits("LOGIN"), user.email.lower()
    if throttle.blocked(db, AttemptKind.LOGIN, email, _client(), limits):     # guessing it counts as logging in
        form.form_errors.append(gettext("Too many wrong passwords. Wait %(minutes)d minutes and try again.",
                                        minutes=_minutes(limits)))
        return render_template("auth/change_password.html", form=form), 429
    if not passwords.verify(user.password_hash, form.current.data, _hasher()):
        throttle.count(db, AttemptKind.LOGIN, email, _client(), limits)
        form.current.errors.append(gettext("This is not your current password."))
        return render_template("auth/change_password.html", form=form), 422
    try:
        passwords.change_password(user, form.password.data, _hasher())
    except passwords.PasswordError:
        form.password.errors.append(gettext("This password cannot be used. Choose another."))
        return render_template("auth/change_password.html", form=form), 422
    get_session().flush()
    from .. import audit
    audit.record(get_session(), actor=registration.audit_actor(user.role.value, user.email), entity="user", entity_id=user.id,
                 action="change_password", changes={"session_version": user.session_version})
    _new_session(user)                     # this browser stays logged in, every other one is logged out
    flash(gettext("Your password is changed. You were logged out in every other browser."), "success")
    return redirect(_home(user.role))

"""The forms of the account pages (web.auth): labels, help text and messages in the page's language.

Labels, descriptions and validator messages are lazy strings (they are rendered per request, in the
page's language) and carry no value of the user's (flask-babel #121). Every form is a FlaskForm: the
session's CSRF token is part of it. The checks repeat those of the domain (casework.auth), so that a
mistake is shown beside its field in the page's language; the domain checks again.
"""
from __future__ import annotations

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from ..auth import passwords
from ..auth.accounts import MAX_EMAIL, MAX_NAME, AccountError, normalise_email
from ..auth.registration import RegistrationError, check_birth_date, identity_key
from ..competitions.definition import LANGUAGES
from ..text import bad_character


def _plain(form, field) -> None:
    """No control character (NUL included) nor bidirectional override in a one-line field."""
    if isinstance(field.data, str) and bad_character(field.data) is not None:
        raise ValidationError(_l("Remove the control characters from this field."))


def _email(form, field) -> None:
    try:
        normalise_email(field.data or "")
    except AccountError:
        raise ValidationError(_l("Enter an e-mail address, like name@example.org.")) from None


def _identity(form, field) -> None:
    try:
        identity_key(field.data or "")
    except RegistrationError:
        raise ValidationError(_l("Enter the number as it is printed on the document: 4 to 100 letters and digits.")) \
            from None


def _birth(form, field) -> None:
    if field.data is None:
        return
    try:
        check_birth_date(field.data)
    except RegistrationError:
        raise ValidationError(_l("Enter a date of birth between 1 January 1900 and today.")) from None


def _new_password(form, field) -> None:
    email = getattr(getattr(form, "email", None), "data", None) or getattr(form, "account_email", None)
    if email and (field.data or "").strip().lower() == email.strip().lower():
        raise ValidationError(_l("Choose a password that is not your e-mail address."))


def language_choices() -> list[SelectChoice]:
    """The 24 official languages (C4), each named in itself."""
    return [SelectChoice(code, _own_name(code)) for code in LANGUAGES]


def _own_name(code: str) -> str:
    try:
        name = Locale.parse(code.lower()).get_display_name(code.lower()) or code
    except (ValueError, LookupError):
        return code
    return name[:1].upper() + name[1:]


EMAIL_REQUIRED = _l("Enter your e-mail address.")
PASSWORD_LENGTH = _l("A password has at least %(min)d characters.", min=passwords.MIN_LENGTH)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(EMAIL_REQUIRED), Length(max=MAX_EMAIL), _plain],
                       description=_l("The address your account was registered with."))
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")),
                                                         Length(max=passwords.MAX_LENGTH)],
                             description=_l("Forgotten it? The link below the form mails you a way to choose "
                                            "a new one."))


class RegistrationForm(FlaskForm):
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(EMAIL_REQUIRED), Length(max=MAX_EMAIL), _plain, _email],
                       description=_l("We send a link to this address to confirm it. EPSO writes to you there."))
    surname = StringField(_l("Surname"), validators=[DataRequired(_l("Enter your surname.")),
                                                     Length(max=MAX_NAME), _plain],
                          description=_l("As on your identity document."))
    given_names = StringField(_l("Given names"), validators=[DataRequired(_l("Enter your given names.")),
                                                             Length(max=MAX_NAME), _plain],
                              description=_l("All of them, as on your identity document."))
    birth_date = DateField(_l("Date of birth"), validators=[InputRequired(_l("Enter your date of birth.")), _birth],
                           description=_l("For example 1990-04-23 (year, month, day)."))
    identity_document = StringField(
        _l("Identity document number"),
        validators=[DataRequired(_l("Enter the number of your identity document.")), Length(max=100), _plain,
                    _identity],
        description=_l("The number of the passport or identity card you will show at the tests. One person "
                       "holds one account: it is how we tell a second registration of the same person."))
    language = SelectField(_l("Language for EPSO's letters"), choices=language_choices, default="EN",
                           validators=[DataRequired()],
                           description=_l("One of the 24 official languages that you read well (level B2 or "
                                          "better)."))
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Choose a password.")),
                                                         Length(min=passwords.MIN_LENGTH, max=passwords.MAX_LENGTH,
                                                                message=PASSWORD_LENGTH), _new_password],
                             description=_l("At least %(min)d characters. A sentence you remember is a good "
                                            "password.", min=passwords.MIN_LENGTH))
    password_again = PasswordField(_l("Password again"),
                                   validators=[InputRequired(_l("Type the password again.")),
                                               EqualTo("password", _l("The two passwords are not the same."))],
                                   description=_l("The same password, to be sure it is typed as you meant."))


class ConfirmForm(FlaskForm):
    """One button: following a link only shows it, so that a mail scanner opening links confirms nothing."""


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(EMAIL_REQUIRED), Length(max=MAX_EMAIL), _plain],
                       description=_l("The address of your account. We send a link to it to choose a new "
                                      "password."))


class NewPasswordForm(FlaskForm):
    account_email: str | None = None        # set by the view: the password may not be the address
    password = PasswordField(_l("New password"), validators=[InputRequired(_l("Choose a password.")),
                                                             Length(min=passwords.MIN_LENGTH,
                                                                    max=passwords.MAX_LENGTH,
                                                                    message=PASSWORD_LENGTH), _new_password],
                             description=_l("At least %(min)d characters. You will be logged out everywhere, "
                                            "then log in with it.", min=passwords.MIN_LENGTH))
    password_again = PasswordField(_l("New password again"),
                                   validators=[InputRequired(_l("Type the password again.")),
                                               EqualTo("password", _l("The two passwords are not the same."))],
                                   description=_l("The same password, to be sure it is typed as you meant."))


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(_l("Enter your current password.")),
                                                                Length(max=passwords.MAX_LENGTH)],
                            description=_l("To be sure it is you."))

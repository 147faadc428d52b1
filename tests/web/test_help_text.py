"""Every field of every form a person fills in has help text (issue 11: "help text on every field"):
the login and account forms and the filing form of every type a candidate files."""
from __future__ import annotations

import pytest

from casework import create_app
from casework.web import auth_forms
from casework.web.portal import forms
from casework.workflows.requests import FILEABLE

NO_HELP_NEEDED = ("CSRFTokenField", "SubmitField", "HiddenField")
FORMS = [auth_forms.LoginForm, auth_forms.RegistrationForm, auth_forms.ResetRequestForm,
         auth_forms.NewPasswordForm, auth_forms.ChangePasswordForm]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_every_field_of_every_form_has_help_text_in_the_pages_language(database, language):
    app = create_app({"TESTING": True, "DATABASE": database})
    with app.test_request_context(f"/?lang={language}"):
        made = [form() for form in FORMS] + [forms.form_class(kind)() for kind in FILEABLE]
        missing = [f"{type(form).__name__}.{field.name}" for form in made for field in form
                   if field.type not in NO_HELP_NEEDED and not str(field.description).strip()]
        assert not missing, missing
        english = {str(field.description) for form in made for field in form if field.type not in NO_HELP_NEEDED}
    if language != "en":     # the same help, translated: no English sentence left over
        with app.test_request_context("/?lang=en"):
            originals = {str(field.description) for form in [f() for f in FORMS] for field in form
                         if field.type not in NO_HELP_NEEDED}
        assert not originals & english, originals & english

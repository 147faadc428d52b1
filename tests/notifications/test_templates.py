"""Mail templates: every template in EN, FR and DE, the recipient's language chosen (C4) with an
English fallback, strict about the variables they need, and the words around casework's codes."""
from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from casework.cases.models import CaseState, CaseType
from casework.notifications import TemplateError, render
from casework.notifications.templates import available
from casework.notifications.terms import TERMS
from casework.workflows.machines import STEPS

# what the scheduler passes for each template (dates are ISO strings)
CONTEXTS = {
    "deadline-due-soon": {"reference": "REV-2022-000042", "deadline": "acknowledgement",
                          "last_day": "2022-03-22", "rule": "review-ack"},
    "deadline-overdue": {"reference": "CPL-2022-000007", "deadline": "reply", "last_day": "2022-07-01",
                         "rule": "art90-reply"},
    "implied-rejection": {"reference": "CPL-2022-000007", "reply_last_day": "2022-07-01",
                          "court_until": "2022-10-11"},
    "court-window-closing": {"reference": "REM-2022-000008", "court_until": "2022-10-11"},
    "filing-window-closing": {"notice": "EPSO/AD/398/22", "decision": "not admitted to the assessment centre",
                              "kind": "review", "last_day": "2022-05-12"},
    "deadline-moved": {"reference": "REV-2022-000042", "deadline": "acknowledgement",
                       "old_last_day": "2022-03-22", "new_last_day": "2022-03-23", "reason": "calendar-changed"},
    "case-step": {"reference": "REV-2022-000042", "step": "acknowledge", "state": "acknowledged"},
}
LANGUAGES = ("EN", "FR", "DE")
DEADLINES = ("filing", "acknowledgement", "reply", "confirmatory-filing", "confirmatory-reply", "court-action")


def test_every_template_exists_in_english_french_and_german():
    templates = available()
    for language in LANGUAGES:
        assert templates[language] == sorted(CONTEXTS), language


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_each_template_renders_in_its_language_with_every_variable_used(name, language):
    text = render(name, language, CONTEXTS[name])
    assert text.language == language
    assert text.subject and "\n" not in text.subject
    assert text.body.endswith("\n") and not text.body.startswith("\n")
    assert "{" not in text.subject + text.body and "Subject:" not in text.body
    assert "\n\n\n" not in text.body
    for variable in ("reference", "notice"):
        if variable in CONTEXTS[name]:
            assert CONTEXTS[name][variable] in text.subject
    # every variable the scheduler gives is shown (a missing one would raise: StrictUndefined)
    for variable, value in CONTEXTS[name].items():
        if variable in ("reference", "notice", "decision", "rule"):
            assert value in text.body, variable
    english = render(name, "EN", CONTEXTS[name])
    assert language == "EN" or (text.subject != english.subject and text.body != english.body)


def test_dates_are_written_as_people_of_the_language_write_them():
    context = {"reference": "REM-2022-000008", "court_until": "2022-10-01"}
    assert "1 October 2022" in render("court-window-closing", "EN", context).body
    assert "1er octobre 2022" in render("court-window-closing", "FR", context).body
    assert "1. Oktober 2022" in render("court-window-closing", "DE", context).body
    assert "11 octobre 2022" in render("court-window-closing", "FR", {**context, "court_until": "2022-10-11"}).body


@pytest.mark.parametrize(("language", "expected"), [
    ("EN", ("Article 90(2) of the Staff Regulations", "implied decision rejecting", "Article 91",
            "General Court of the European Union", "11 October 2022", "1 July 2022")),
    ("FR", ("article 90, paragraphe 2, du statut", "décision implicite de rejet", "article 91",
            "Tribunal de l'Union européenne", "11 octobre 2022", "1er juillet 2022")),
    ("DE", ("Artikel 90 Absatz 2 des Statuts", "stillschweigende Entscheidung", "Artikel 91",
            "Gericht der Europäischen Union", "11. Oktober 2022", "1. Juli 2022")),
])
def test_implied_rejection_says_why_and_until_when_the_court_can_be_seized(language, expected):
    """D7: no reply within 4 months is an implied rejection (Art 90(2)); the action before the
    General Court (Art 91) runs until the date the engine computed; an express rejection restarts it."""
    body = render("implied-rejection", language, CONTEXTS["implied-rejection"]).body
    for words in expected:
        assert words in body


@pytest.mark.parametrize("language", ["fr", " de ", "De"])
def test_the_declared_language_picks_the_template_whatever_its_case(language):
    assert render("case-step", language, CONTEXTS["case-step"]).language == language.strip().upper()


@pytest.mark.parametrize("language", ["PL", "GA", None, "", "XX", "klingon"])
def test_a_language_without_templates_or_none_gets_english(language):
    text = render("case-step", language, CONTEXTS["case-step"])
    assert text.language == "EN"
    assert text.subject == "Your case REV-2022-000042: acknowledged"


def test_a_missing_variable_fails_instead_of_leaving_a_hole():
    context = dict(CONTEXTS["implied-rejection"])
    del context["court_until"]
    with pytest.raises(UndefinedError, match="court_until"):
        render("implied-rejection", "FR", context)


def test_an_unknown_template_is_an_error():
    with pytest.raises(TemplateError, match="no mail template 'reminder'"):
        render("reminder", "EN", {})


def test_deadline_moved_to_or_from_a_suspended_time_limit():
    suspended = render("deadline-moved", "EN", {**CONTEXTS["deadline-moved"], "new_last_day": None}).body
    assert "Until now: 22 March 2022\nFrom now on: none (the time limit is suspended)\n" in suspended
    resumed = render("deadline-moved", "DE", {**CONTEXTS["deadline-moved"], "old_last_day": None}).body
    assert "Bisher: keiner (die Frist war ausgesetzt)\nJetzt: 23. März 2022\n" in resumed


def test_a_code_without_words_is_shown_as_it_is():
    text = render("deadline-moved", "FR", {**CONTEXTS["deadline-moved"], "reason": "décision du chef d'unité"})
    assert "Motif : décision du chef d'unité\n" in text.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_step_deadline_and_kind_of_casework_has_words_in_each_language(language):
    steps = {step.trigger for steps in STEPS.values() for step in steps} | {"file"}
    kinds = {t.value for t in CaseType} - {"remedy"}     # P6 is not filed by the candidate here
    for category, codes in (("state", {s.value for s in CaseState}), ("step", steps),
                            ("deadline", set(DEADLINES)), ("kind", kinds)):
        missing = codes - set(TERMS[category][language])
        assert not missing, (category, missing)

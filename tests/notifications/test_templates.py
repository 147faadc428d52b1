"""Mail templates and letters: every template in EN, FR and DE, the recipient's language chosen (C4)
with an English fallback, strict about the variables they need, and the words around casework's
codes from the message catalogues (casework/translations), kept in step with the codes and compiled."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from jinja2 import UndefinedError

from casework.competitions.definition import PHASE_KINDS
from casework.notifications import TemplateError, letter, render
from casework.notifications.catalogue import DIRECTORY, day, term
from casework.notifications.templates import available
from casework.workflows.vocabulary import ENGLISH_MSGIDS, UnreadableKind, codes, decision_kinds, kinds_written

# what the scheduler passes for each template (dates are ISO strings)
CONTEXTS = {
    "deadline-due-soon": {"reference": "REV-2022-000042", "deadline": "acknowledgement",
                          "last_day": "2022-03-22", "rule": "review-ack"},
    "deadline-overdue": {"reference": "CPL-2022-000007", "deadline": "reply", "last_day": "2022-07-01",
                         "rule": "art90-reply"},
    "implied-rejection": {"reference": "CPL-2022-000007", "reply_last_day": "2022-07-01",
                          "court_until": "2022-10-11"},
    "court-window-closing": {"reference": "REM-2022-000008", "court_until": "2022-10-11"},
    "filing-window-closing": {"notice": "EPSO/AD/398/22", "decision": "not-invited", "phase": "screener",
                              "published_on": "2022-05-02", "kind": "review", "last_day": "2022-05-12"},
    "deadline-moved": {"reference": "REV-2022-000042", "deadline": "acknowledgement",
                       "old_last_day": "2022-03-22", "new_last_day": "2022-03-23", "reason": "calendar-changed"},
    "case-step": {"reference": "REV-2022-000042", "step": "acknowledge", "state": "acknowledged"},
    # what the workflows pass when a person takes a step (effects.tell_candidate)
    "case-decided": {"reference": "REV-2022-000042", "body": "board"},
    "case-reply": {"reference": "CPL-2022-000007", "outcome": "inadmissible", "ground": "late",
                   "court_until": "2022-10-11", "confirmatory_until": None},
    # what the account pages pass (web.auth): a registration's link, a reset link, a registration held (C1)
    "account-confirm": {"link": "https://casework.example.eu/confirm/eyJyIjoxfQ.Zx1.abc", "hours": 48},
    "account-reset": {"link": "https://casework.example.eu/reset/eyJ1IjoxfQ.Zx1.abc", "hours": 2,
                      "registering": False},
    "account-held": {"reference": "REG-000012", "reason": "identity-key", "email": "ana@example.org",
                     "candidate": 7},
    # what `casework user release|refuse` passes: EPSO's answer to the person whose registration was held
    "account-released": {"reference": "REG-000012", "reason": "another person (checked)", "linked": True,
                         "link": "https://casework.example.eu/login"},
    "account-refused": {"reference": "REG-000012", "reason": "you hold an account", "link": None},
}
# what the workflows pass for each letter sent via the account (effects._write)
LETTERS = {
    "acknowledgement": {"reference": "REV-2022-000042", "filed_on": "2022-03-25"},
    "extension": {"until": "2022-05-23", "reason": "the minutes of 14 meetings must be consulted"},
    "implied-refusal": {},
    "implied-rejection": {"reply_last_day": "2022-08-16", "court_until": "2022-11-25", "court_ended": False,
                          "against_board": False},
    "board-window": {"until": "2022-07-04", "ended": False},
    "board-warning": {"until": "2022-07-04", "ended": False, "review_count": 10, "review_unit": "cd"},
    "court-window": {"until": "2022-09-12"},
    "court-window-restarted": {"until": "2023-01-16"},
    "access-answer": {"items": [
        {"code": "results", "status": "given", "text": "the candidate's results and the answer table by question "
                                                        "reference (C13)"},
        {"code": "marked-copy", "status": "excluded",
         "text": "board confidentiality: Staff Regulations Annex III Art 6; notice Annex II 3.2 (2022 general rules)"},
        {"code": "uncorrected-written-answers", "status": "unconfirmed",
         "text": "the content will not be reused in later competitions (Annex II 3.2.2)"},
        {"code": "others-marks", "status": "unknown", "text": None}]},
    # what notifications.decisions passes (a competition decision and what it rests on, R2)
    "decision-reasons": {"kind": "failed", "stage_kind": "tests", "author": "board", "ground": None, "admits": None,
                         "published_on": "2022-10-05", "annulled": False, "items": [
                             {"key": "pass-mark", "tests": ["verbal", "numerical", "abstract"], "min": "20",
                              "achieved": "19", "eliminatory": True},
                             {"key": "tests-unprocessed", "tests": ["competency-1"]},
                             {"key": "bookings-cancelled", "tests": ["interview"]}]},
}
LANGUAGES = ("EN", "FR", "DE")


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
        if variable in ("reference", "notice", "rule"):
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


@pytest.mark.parametrize(("language", "expected"), [
    ("EN", ("On 22 March 2022, the following decision was published in your EPSO account: exclusion from the "
           "competition (stage: eligibility check).\n")),
    ("FR", ("Le 22 mars 2022, la décision suivante a été publiée dans votre compte EPSO : exclusion du concours "
           "(étape : vérification des conditions d'admission).\n")),
    ("DE", ("Am 22. März 2022 wurde folgende Entscheidung in Ihrem EPSO-Konto veröffentlicht: Ausschluss vom "
           "Auswahlverfahren (Phase: Prüfung der Zulassungsbedingungen).\n")),
])
def test_the_filing_window_mail_names_the_decision_and_its_stage_in_the_candidates_language(language, expected):
    """C4, R2: the scheduler passes the decision's kind, the kind of its stage and its publication day as
    codes; the words are the catalogue's, never the codes themselves."""
    context = {**CONTEXTS["filing-window-closing"], "decision": "exclusion", "phase": "eligibility",
               "published_on": "2022-03-22"}
    body = render("filing-window-closing", language, context).body
    assert expected in body
    if language != "EN":
        assert "exclusion (eligibility)" not in body and "eligibility check" not in body


@pytest.mark.parametrize("kind", decision_kinds())
def test_every_decision_kind_is_said_in_french_and_german_not_as_its_code(kind):
    english = term("EN", "decision", kind)
    assert english != kind, "no English words for this kind"
    for language in ("FR", "DE"):
        assert term(language, "decision", kind) not in (kind, english), (language, kind)


@pytest.mark.parametrize("phase", PHASE_KINDS)
def test_every_kind_of_stage_has_words_in_each_language(phase):
    words = {language: term(language, "phase", phase) for language in LANGUAGES}
    assert len(set(words.values())) == 3 and phase not in (words["FR"], words["DE"]), words


def test_the_decision_kinds_are_read_from_the_code_that_writes_them():
    """Every kind stages, selection, claims, applications and notices write (Decision.kind) is extracted,
    so a new kind needs its words in each catalogue (test above and the catalogue tests below)."""
    assert {"admitted", "invited", "not-invited", "not-validated", "excluded", "exclusion", "failed",
            "not-retained", "listed", "reinstatement", "reopened", "withdrawal",
            "force-majeure-refused"} <= set(decision_kinds())
    assert decision_kinds() == tuple(codes()["decision"])
    source = """
class Run:
    def out(self, c, status, kind, reason): self.outcomes.append(Outcome(c.id, "x", status, kind, "x", "epso"))
    def close(self, c, capped):
        kind = "shortlisted" if capped else "waitlisted"
        self.out(c, Status.ELIMINATED, "struck-off", "reason")
        self.outcomes.append(Outcome(c.id, "x", Status.ACTIVE, kind, "x", "board"))
def absent(session, application):
    return record_outcome(session, application, kind="absence", phase="tests")
"""
    assert kinds_written(source) == {"struck-off", "shortlisted", "waitlisted", "absence"}
    with pytest.raises(UnreadableKind, match="not a literal"):
        kinds_written("def f(session, a, d):\n    record_outcome(session, a, kind=d.kind)\n")
    with pytest.raises(UnreadableKind, match="no kind"):
        kinds_written("def f(session, a, kw):\n    record_outcome(session, a, **kw)\n")


def test_a_code_without_words_is_shown_as_it_is():
    text = render("deadline-moved", "FR", {**CONTEXTS["deadline-moved"], "reason": "décision du chef d'unité"})
    assert "Motif : décision du chef d'unité\n" in text.body


# --- letters (the texts sent via the candidate's account) -----------------------------------------

def test_every_letter_exists_in_english_french_and_german():
    letters = available("letters")
    for language in LANGUAGES:
        assert letters[language] == sorted(LETTERS), language


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(LETTERS))
def test_each_letter_renders_in_its_language(name, language):
    text = letter(name, language, LETTERS[name])
    assert text.language == language
    assert text.text and text.text == text.text.strip() and "{" not in text.text and "\n\n" not in text.text
    english = letter(name, "EN", LETTERS[name]).text
    assert language == "EN" or text.text != english


def test_letters_keep_their_english_wording_and_dates_in_the_language_of_the_case():
    assert letter("court-window", "EN", LETTERS["court-window"]).text == (
        "You may bring an action before the General Court until 2022-09-12 (Staff Regulations Art 91, TFEU Art 270).")
    assert "jusqu'au 12 septembre 2022" in letter("court-window", "FR", LETTERS["court-window"]).text
    assert "bis zum 12. September 2022" in letter("court-window", "DE", LETTERS["court-window"]).text
    assert letter("extension", "PL", LETTERS["extension"]).language == "EN"     # no Polish letters: English


@pytest.mark.parametrize(("language", "expected"), [
    ("EN", ["- results: given: the candidate's results",
            "- marked-copy: board confidentiality: Staff Regulations Annex III Art 6",
            "- uncorrected-written-answers: not given: it cannot be confirmed that the content",
            "- others-marks: not a category of information"]),
    ("FR", ["- results : communiqué : les résultats du candidat",
            "- marked-copy : secret des travaux du jury : statut, annexe III, article 6",
            "il ne peut être confirmé que le contenu ne sera pas réutilisé",
            "- others-marks : il ne s'agit pas d'une catégorie"]),
])
def test_the_p5_answer_is_item_by_item_in_the_language_of_the_case(language, expected):
    lines = letter("access-answer", language, LETTERS["access-answer"]).text.split("\n")
    assert len(lines) == 4
    for line, words in zip(lines, expected, strict=True):
        assert line.startswith(words) or words in line, line


# --- the message catalogues -------------------------------------------------------------------------

def _catalogue(locale: str):
    with open(DIRECTORY / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def _optional(context: str, msgid: str, locale: str) -> bool:
    """Entries a catalogue may leave empty: the English text of a rule in English, a date pattern."""
    return (context in ENGLISH_MSGIDS and locale == "en") or (context, msgid) == ("date", "long-first-of-month")


@pytest.mark.parametrize("locale", ["en", "fr", "de"])
def test_every_code_candidates_are_told_about_has_words_in_each_catalogue(locale):
    """state, step, deadline, kind, outcome, ground, decision kind, stage kind, deciding body, P5 rule and
    date pattern: every code the domain has today (workflows.vocabulary reads them from the machines, the
    enums and, for the decision kinds, the competition code that writes them)."""
    catalogue = _catalogue(locale)
    assert not catalogue.obsolete, "run pybabel update (docs/notifications.md)"
    for context, msgids in codes().items():
        for msgid in msgids:
            entry = catalogue.get(msgid, context=context)
            assert entry is not None, (context, msgid, "not extracted: see docs/notifications.md")
            assert not entry.fuzzy, (context, msgid)
            assert entry.string or _optional(context, msgid, locale), (context, msgid, "not translated")


def test_the_template_of_the_catalogues_holds_every_code():
    with open(DIRECTORY / "messages.pot", "rb") as pot:
        template = read_po(pot)
    missing = [(c, m) for c, msgids in codes().items() for m in msgids if template.get(m, context=c) is None]
    assert not missing, "extract again (docs/notifications.md)"


def _translated(catalogue) -> dict:
    return {(m.context, m.id): m.string for m in catalogue if m.id and m.string and not m.fuzzy}


@pytest.mark.parametrize("po", sorted(DIRECTORY.glob("*/LC_MESSAGES/messages.po")), ids=lambda p: p.parts[-3])
def test_each_compiled_catalogue_is_in_step_with_its_source(po: Path):
    """The .mo files are committed (gettext and Flask-Babel read them): compiled from the .po as it is."""
    with open(po, "rb") as source:
        expected = read_po(source)
    with open(po.with_suffix(".mo"), "rb") as compiled:
        assert _translated(read_mo(compiled)) == _translated(expected), "run pybabel compile (docs/notifications.md)"
    buffer = io.BytesIO()
    write_mo(buffer, expected)                 # and what compiling it gives is what gettext reads back
    buffer.seek(0)
    assert _translated(read_mo(buffer)) == _translated(expected)


def test_a_code_is_said_in_the_recipients_language_else_english_else_as_it_is():
    assert term("FR", "step", "acknowledge") == "la réception de votre demande a été confirmée"
    assert term("DE", "body", "board") == "der Prüfungsausschuss"
    assert term("PL", "step", "acknowledge") == "receipt of your request has been acknowledged"   # no PL catalogue
    assert term("FR", "step", "no-such-step") == "no-such-step"
    assert term("FR", "outcome", "upheld") == "demande accueillie"
    assert term("FR", "disclosure", "answers to a case study") == "les réponses à une étude de cas"
    assert term("EN", "disclosure", "answers to a case study") == "answers to a case study"   # msgid is English


@pytest.mark.parametrize(("language", "expected"), [
    ("EN", "1 October 2022"), ("FR", "1er octobre 2022"), ("DE", "1. Oktober 2022"),
    # no catalogue: the language's own long date, month names in the form a date needs (CLDR)
    ("PL", "1 października 2022"), ("CS", "1. října 2022"), ("FI", "1. lokakuuta 2022"),
])
def test_dates_are_written_with_the_catalogues_pattern_or_the_languages_long_date(language, expected):
    assert day("2022-10-01", language) == expected

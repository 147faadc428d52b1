"""axe-core on every page of the portal a candidate reaches (issue 11: 0 violations on every portal
page), in English, French and German, and the screenshots of docs/portal.md (``CASEWORK_SCREENSHOTS=1``).

One tour per language: the account pages logged out (login, a refused login, register, reset, a link
that is not valid), then logged in My competitions, My decisions with "What can I do about this?"
open, the filing form of every type a candidate files (P1–P5, P5 both kinds), a request for review
filed, its case page, My cases and the change of password. Every page's violations are gathered and reported together, by page.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import pages
from .scenes import PDF, answered_review, candidate_with_results, two_excluded_candidates
from .support import axe, describe, screenshot

GROUNDS = {"en": "The board did not count my eighteen months at the Court of Auditors.",
           "fr": "Le jury n'a pas compté mes dix-huit mois à la Cour des comptes.",
           "de": "Der Prüfungsausschuss hat meine achtzehn Monate beim Rechnungshof nicht angerechnet."}


class Tour:
    """Checks each page as it is reached; ``done()`` fails with every page's violations at once."""

    def __init__(self, page, language: str):
        self.page, self.language, self.found = page, language, {}

    def check(self, what: str, shot: str | None = None) -> None:
        assert self.page.locator("html").get_attribute("lang") == self.language, f"{what}: not in {self.language}"
        violations = axe(self.page)
        if violations:
            self.found[f"{what} ({self.page.url})"] = violations
        if shot:
            screenshot(self.page, shot if self.language == "en" else f"{shot}-{self.language}")

    def done(self) -> None:
        assert not self.found, "axe-core violations:\n" + "\n".join(
            f"== {where}\n{describe(v)}" for where, v in self.found.items())


def tied_errors(page, name: str) -> str:
    """The messages the field ``name`` is marked invalid with and described by (WCAG 3.3.1)."""
    field = page.locator(f'[name="{name}"]')
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby") or ""
    return " ".join(page.locator(f"#{i}").inner_text() for i in described.split() if i)


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form").locator('[type="submit"]').last.click()


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_every_portal_page_has_no_accessibility_violation(live_server, page, frozen, language):
    scene = two_excluded_candidates(live_server.db, frozen)
    tour = Tour(page, language)

    page.goto(pages.with_language(live_server("/login"), language))        # the choice is kept from here on
    tour.check("login", "login")
    pages.submit_login(page, live_server.url, scene.me.email, "not the password at all")
    expect(page.locator('[role="alert"], .error, .field-error').first).to_be_visible()
    tour.check("login refused")
    page.goto(live_server("/register"))
    tour.check("register")
    page.goto(live_server("/reset"))
    tour.check("reset")
    page.goto(live_server("/reset/not-a-token"))
    tour.check("a link that is not valid")

    pages.login(page, live_server.url, scene.me.email, scene.me.password)
    pages.open_portal(page, live_server.url, "/")
    tour.check("My competitions", "portal-my-competitions")

    pages.my_decisions(page, live_server.url)
    options = page.locator(f"#decision-{scene.my_decision} details.options")
    if options.get_attribute("open") is None:
        options.locator("summary").first.click()
    tour.check("My decisions", "portal-my-decisions")
    review = options.locator("section.option").filter(has=page.locator('a[href*="/portal/file/review"]'))
    review.locator("details summary").first.click()                        # how the date was computed
    expect(review.locator(".computation")).to_be_visible()
    tour.check("My decisions, a date's computation open")

    for path in ("file/neutralisation", "file/technical-issue", f"file/complaint?decision={scene.my_decision}",
                 f"file/access-info?decision={scene.my_decision}", "file/access-documents"):
        response = pages.open_portal(page, live_server.url, path)
        assert response.status == 200, path
        tour.check(f"the form {path}")

    pages.open_portal(page, live_server.url, f"file/review?decision={scene.my_decision}")
    tour.check("the review form, empty")
    page.locator('[name="detail_grounds"]').fill(GROUNDS[language])
    page.locator('[name="evidence"]').set_input_files(files=[{"name": "traineeship-certificate.pdf",
                                                              "mimeType": "application/pdf", "buffer": PDF}])
    tour.check("the review form", "portal-file-review")
    submit(page)
    assert "/portal/cases/" in page.url, f"not filed: {pages.alerts(page)}"
    expect(page.get_by_role("link", name="traineeship-certificate.pdf")).to_be_visible()
    page.locator("section[aria-labelledby=limits] section.deadline > details > summary").last.click()   # the acknowledgement's
    expect(page.locator("section[aria-labelledby=limits] section.deadline > details > .computation").last).to_be_visible()
    tour.check("the case filed", "portal-case-filed")

    pages.my_cases(page, live_server.url)
    tour.check("My cases", "portal-my-cases")
    page.goto(live_server("/account/password"))
    tour.check("change of password")
    tour.done()


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_an_answered_case_is_read_in_the_browser_with_no_accessibility_violation(live_server, page, frozen, language):
    """The reply, its document and the outcome on the case page: the letter is read in the page (in the
    language it was written in, marked as such), the document is a download."""
    scene = answered_review(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)
    response = page.goto(pages.with_language(f"{live_server.url}/portal/cases/{scene.case}", language))
    assert response.status == 200
    reply = page.locator("article.message-out").filter(has_text=scene.reply[:40])
    expect(reply).to_be_visible()
    assert reply.get_attribute("lang") == "en"                   # the letter's language, not the page's
    expect(page.get_by_role("link", name="reasons.txt")).to_be_visible()
    tour = Tour(page, language)
    tour.check("an answered case", "portal-case-answered")
    tour.done()


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_results_have_no_accessibility_violation(live_server, page, frozen, language):
    """My competitions with results: the screener's table, the MCQ answers by question reference, the
    competency passport (C13)."""
    me = candidate_with_results(live_server.db, frozen)
    pages.login(page, live_server.url, me.email, me.password)
    response = page.goto(pages.with_language(f"{live_server.url}/portal/", language))
    assert response.status == 200
    expect(page.get_by_text("VER-001").first).to_be_visible()
    tour = Tour(page, language)
    tour.check("My competitions with results", "portal-my-results")
    tour.done()


def test_a_decision_page_has_no_accessibility_violation(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)
    response = pages.open_portal(page, live_server.url, f"decisions/{scene.my_decision}")
    assert response.status == 200
    expect(page.locator(f"#decision-{scene.my_decision} details.options")).to_have_attribute("open", "")
    tour = Tour(page, "en")
    tour.check("a decision")
    tour.done()


def test_a_filing_form_with_its_errors_has_no_accessibility_violation(live_server, page, frozen):
    """The errors of a form sent incomplete are tied to their fields (the browser's own check is
    switched off, as a script-less or old browser would not do it)."""
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)
    pages.open_portal(page, live_server.url, f"file/review?decision={scene.my_decision}")
    page.locator("main form").evaluate("f => { f.noValidate = true }")
    submit(page)
    assert "/portal/file/review" in page.url
    assert "This is required." in tied_errors(page, "detail_grounds")
    tour = Tour(page, "en")
    tour.check("the review form with its errors")
    tour.done()


def test_a_refused_file_is_said_at_its_field_in_french_with_no_accessibility_violation(live_server, page, frozen):
    """A file whose content is not what its type says: the domain refuses it, the page says so in the
    candidate's language at the Documents field, tied to it and listed in the summary (that nothing is
    filed: tests/web/test_portal.py)."""
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)
    pages.open_portal(page, live_server.url, f"file/review?decision={scene.my_decision}&lang=fr")
    page.locator('[name="detail_grounds"]').fill(GROUNDS["fr"])
    page.locator('[name="detail_technical_issue"][value="no"]').check()
    page.locator('[name="evidence"]').set_input_files(
        {"name": "diplome.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 not a pdf"})
    submit(page)
    assert "/portal/file/review" in page.url
    assert "diplome.pdf n’est pas un vrai fichier application/pdf" in tied_errors(page, "evidence")
    expect(page.locator("#problems")).to_contain_text("Documents : diplome.pdf n’est pas un vrai fichier")
    tour = Tour(page, "fr")
    tour.check("the review form with a refused file", shot="portal-file-refused")
    tour.done()

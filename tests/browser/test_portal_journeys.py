"""A candidate's whole paths through the portal, in a real browser (issue 11, "Tests"): register,
confirm by the link mailed, log in and find their decision; file a request for review with a
document and follow the case; file late and be told; reach for another candidate's document and
meet a 404; register a second time as the same person and be held (C1), told what happens next. Each scenario builds its own data (scenes.py) on its own live server.
"""
from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import expect
from sqlalchemy import select

from casework.clock import BRUSSELS
from casework.notifications.models import OutboxMessage

from . import pages
from .scenes import PASSWORD, PDF, imported_excluded_candidate, two_excluded_candidates
from .support import assert_accessible

MY_GROUNDS = "The board did not count my eighteen months at the Court of Auditors."
CONFIRM_LINK = re.compile(r"https?://\S+/confirm/[A-Za-z0-9_.\-]+")


def confirmation_link(live_server, email: str) -> str:
    """The link in the confirmation mail the application put in the outbox for ``email``."""
    with live_server.db.session_scope() as session:
        bodies = session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == email,
                                                                  OutboxMessage.template == "account-confirm")).all()
    assert len(bodies) == 1, f"{len(bodies)} confirmation mails to {email}"
    found = CONFIRM_LINK.search(bodies[0])
    assert found, f"no confirmation link in the mail:\n{bodies[0]}"
    return found[0]


def test_a_candidate_registers_confirms_logs_in_and_finds_their_decision(live_server, page, frozen):
    imported = imported_excluded_candidate(live_server.db, frozen)

    page.goto(live_server("/register"))
    form = page.locator("form").filter(has=page.locator('[name="password_again"]'))
    form.get_by_label("E-mail address").fill(imported.email)
    form.get_by_label("Surname").fill(imported.surname)
    form.get_by_label("Given names").fill(imported.given_names)
    form.get_by_label("Date of birth").fill("1990-04-23")
    form.get_by_label("Identity document number").fill(imported.identity_document.lower())   # as typed
    form.locator('[name="password"]').fill(PASSWORD)
    form.locator('[name="password_again"]').fill(PASSWORD)
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    expect(page.get_by_text(imported.email).first).to_be_visible()           # "we sent a link to ..."
    assert_accessible(page)

    link = confirmation_link(live_server, imported.email)
    assert link.startswith(live_server.url), link
    page.goto(link)                       # following the link only shows a button (mail scanners)
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form").locator('[type="submit"]').click()
    assert page.url.startswith(live_server("/login")), page.url
    expect(page.get_by_text("Your e-mail address is confirmed and your account is ready.", exact=False)).to_be_visible()

    pages.login(page, live_server.url, imported.email, PASSWORD)
    assert page.url.rstrip("/").endswith(pages.PORTAL), page.url           # a candidate lands on My competitions
    expect(page.get_by_text(imported.notice).first).to_be_visible()         # the imported application is theirs
    pages.my_decisions(page, live_server.url)
    assert pages.heading(page) == "My decisions"
    mine = page.locator(f"#decision-{imported.decision}")
    expect(mine).to_be_visible()
    expect(mine.get_by_role("region", name=re.compile("Request for review"))).to_be_visible()


def file_review(page, base_url: str, decision: int, grounds: str, *, document: tuple[str, bytes] | None = None):
    """From My decisions: "What can I do about this?" → the review's "File this request" → the form."""
    pages.my_decisions(page, base_url)
    options = page.locator(f"#decision-{decision} details.options")
    summary = options.locator("summary").first
    expect(summary).to_contain_text("What can I do about this?")
    if options.get_attribute("open") is None:
        summary.click()
    review = options.get_by_role("region", name=re.compile("Request for review"))
    with page.expect_navigation():
        review.get_by_role("link", name="File this request").click()
    assert f"/portal/file/review?decision={decision}" in page.url, page.url
    page.get_by_label("Your grounds").fill(grounds)
    if document:
        name, content = document
        page.get_by_label("Documents").set_input_files(files=[{"name": name, "mimeType": "application/pdf",
                                                                "buffer": content}])
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="File").click()


def filed_reference(page) -> str:
    found = re.search(r"/portal/cases/(REV-\d{4}-\d+)$", page.url)
    assert found, f"not on a case page after filing: {page.url} {pages.alerts(page)}"
    return found[1]


def test_a_request_for_review_with_a_document_and_the_case_page(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)

    file_review(page, live_server.url, scene.my_decision, MY_GROUNDS, document=("my-evidence.pdf", PDF))
    reference = filed_reference(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_text(MY_GROUNDS, exact=True)).to_be_visible()

    limits = page.locator("section[aria-labelledby=limits]")
    acknowledgement = limits.locator("section.deadline").filter(
        has=page.get_by_role("heading", name=re.compile("acknowledg", re.IGNORECASE)))
    expect(acknowledgement).to_have_count(1)
    expect(acknowledgement.get_by_text(re.compile(r"Date to act by: \d{1,2} \w+ 2022"))).to_be_visible()
    acknowledgement.locator("summary").filter(has_text="How this date was computed").click()
    explanation = acknowledgement.locator(".computation")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("The event:")
    expect(explanation).to_contain_text("The rule:")
    expect(explanation).to_contain_text(re.compile(r"Act by \d{1,2} \w+ 2022"))

    documents = page.locator("section[aria-labelledby=documents]")
    link = documents.get_by_role("link", name="my-evidence.pdf")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "my-evidence.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read() == PDF
    response = page.context.request.get(link.evaluate("a => a.href"))
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment"), response.headers
    assert response.headers["content-type"].startswith("application/pdf"), response.headers
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.body() == PDF
    assert_accessible(page)

    pages.my_cases(page, live_server.url)
    expect(page.get_by_role("link", name=reference)).to_be_visible()


def test_a_request_filed_late_is_recorded_as_late(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)        # the date to act by: 1 April 2022
    frozen.set(datetime(2022, 4, 5, 10, 0, tzinfo=BRUSSELS))       # Tuesday after
    pages.login(page, live_server.url, scene.me.email, scene.me.password)

    pages.my_decisions(page, live_server.url)
    review = page.locator(f"#decision-{scene.my_decision}").get_by_role("region", name=re.compile("Request for review"))
    expect(review.get_by_text("Date to act by: 1 April 2022")).to_be_visible()
    expect(review.get_by_text("This date has passed. You can still file", exact=False)).to_be_visible()

    file_review(page, live_server.url, scene.my_decision, MY_GROUNDS)
    if "/portal/file/" in page.url:                  # a warning to confirm first, then filed all the same
        confirm = page.locator('[name="confirmed"]')
        assert confirm.count(), f"not filed: {pages.alerts(page)}"
        confirm.first.check()
        with page.expect_navigation():
            page.locator("main form").get_by_role("button", name="File").click()
    filed_reference(page)

    late = page.get_by_role("note").filter(has=page.get_by_role("heading", name="Filed after the time limit"))
    expect(late).to_be_visible()
    expect(late).to_contain_text("after the date to act by (1 April 2022)")
    expect(late).to_contain_text("It was filed 4 days late.")
    expect(late).to_contain_text("It is recorded all the same")
    assert_accessible(page)


def test_another_candidates_document_is_not_found(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)

    for path in (f"documents/{scene.other_document}", f"cases/{scene.other_case}", "documents/999999",
                 "documents/not-a-number"):
        response = pages.open_portal(page, live_server.url, path)
        assert response.status == 404, path
        assert pages.heading(page) == "Page not found"
        assert "attachment" not in (response.headers.get("content-disposition") or ""), path
    assert page.context.request.get(live_server(f"{pages.PORTAL}/documents/{scene.other_document}")).status == 404

    pages.logout(page)                              # its owner gets it: the 404 is about who asks
    pages.login(page, live_server.url, scene.other.email, scene.other.password)
    response = page.context.request.get(live_server(f"{pages.PORTAL}/documents/{scene.other_document}"))
    assert response.status == 200 and response.body() == PDF


def test_the_acknowledgement_deadline_names_its_event(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)
    file_review(page, live_server.url, scene.my_decision, MY_GROUNDS)
    filed_reference(page)
    acknowledgement = page.locator("section[aria-labelledby=limits] section.deadline").filter(
        has=page.get_by_role("heading", name=re.compile("acknowledg", re.IGNORECASE)))
    acknowledgement.locator("summary").filter(has_text="How this date was computed").click()
    event = acknowledgement.locator(".computation li").filter(has_text="The event:").first
    expect(event).to_be_visible()
    assert "the event the time limit runs from" not in event.inner_text(), event.inner_text()
    assert "your request was registered" in event.inner_text()
    correspondence = page.locator("section[aria-labelledby=correspondence]").inner_text()
    assert "grounds:" not in correspondence          # what was filed is shown once, field by field, above


def test_a_second_registration_of_the_same_person_is_held_and_the_person_told_what_happens_next(live_server, page,
                                                                                               frozen):
    """C1, in French: the identity document of a candidate on record, under another address, makes no
    second account (nor takes over the record). Once the address is confirmed the page says
    the registration is held for EPSO, gives its reference and what happens next; the legal team is
    mailed; logging in is refused. The pages have no accessibility violation."""
    imported = imported_excluded_candidate(live_server.db, frozen)
    other_address = "another-address@example.org"
    page.goto(pages.with_language(live_server("/register"), "fr"))
    form = page.locator("form").filter(has=page.locator('[name="password_again"]'))
    for name, value in (("email", other_address), ("surname", imported.surname), ("given_names", imported.given_names),
                        ("birth_date", "1990-04-23"), ("identity_document", imported.identity_document),
                        ("password", PASSWORD), ("password_again", PASSWORD)):
        form.locator(f'[name="{name}"]').fill(value)
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    page.goto(confirmation_link(live_server, other_address))
    with page.expect_navigation():
        page.locator("main form").locator('[type="submit"]').click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert pages.heading(page) == "Votre inscription est en cours de vérification"
    text = page.locator("main").inner_text()
    assert re.search(r"REG-\d+", text), text                 # the reference to quote
    assert other_address in text and "EPSO" in text, text
    assert_accessible(page)
    with live_server.db.session_scope() as session:
        flagged = session.scalars(select(OutboxMessage.template).where(OutboxMessage.template == "account-held")).all()
    assert flagged == ["account-held"]
    pages.submit_login(page, live_server.url, other_address, PASSWORD)
    assert page.url.startswith(live_server("/login")), page.url          # no account was made

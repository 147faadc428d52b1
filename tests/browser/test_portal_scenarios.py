"""A candidate in the portal, in a real browser (issue 11, "Tests"): log in and see their decisions
with what they can do about them, meet a 404 at another candidate's case, read the portal in French,
and file a request with the keyboard alone. Each scenario builds its own data and logs in afresh.

The scene (scenes.two_excluded_candidates): on 22 March 2022 the board excluded two candidates to
AD/398/22 at eligibility; the other one has asked for a review of theirs.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from . import pages
from .scenes import GROUNDS, two_excluded_candidates
from .support import assert_accessible


def test_a_candidate_logs_in_and_sees_their_decision_and_what_they_can_do(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)
    pages.my_decisions(page, live_server.url)

    assert pages.heading(page) == "My decisions"
    mine = page.locator(f"#decision-{scene.my_decision}")
    expect(mine).to_be_visible()
    expect(page.locator(f"#decision-{scene.other_decision}")).to_have_count(0)
    expect(mine.get_by_role("heading", name="What can I do about this?")).to_be_visible()
    review = mine.get_by_role("region", name=re.compile("Request for review"))
    expect(review).to_be_visible()
    expect(review.get_by_text("Date to act by: 1 April 2022")).to_be_visible()     # 10 days from 22 March
    assert_accessible(page)


def test_another_candidates_case_and_decision_are_not_found(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)

    for path in (f"cases/{scene.other_case}", f"decisions/{scene.other_decision}"):
        response = pages.open_portal(page, live_server.url, path)
        assert response.status == 404, path
        assert pages.heading(page) == "Page not found"
        expect(page.get_by_text(GROUNDS)).to_have_count(0)
        assert_accessible(page)
    pages.my_cases(page, live_server.url)
    expect(page.get_by_text(scene.other_case)).to_have_count(0)


def test_the_portal_in_french_and_back(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    pages.login(page, live_server.url, scene.me.email, scene.me.password)

    page.goto(pages.with_language(live_server(pages.PORTAL + "/decisions"), "fr"))
    assert pages.heading(page) == "Mes décisions"
    assert page.locator("html").get_attribute("lang") == "fr"
    mine = page.locator(f"#decision-{scene.my_decision}")
    expect(mine.get_by_role("heading", name="Que puis-je faire ?")).to_be_visible()
    assert_accessible(page)

    pages.my_decisions(page, live_server.url)          # the choice is remembered
    assert pages.heading(page) == "Mes décisions"
    pages.switch_language(page, "en")
    assert pages.heading(page) == "My decisions"
    assert page.locator("html").get_attribute("lang") == "en"


MY_GROUNDS = "The board did not count my eighteen months at the Court of Auditors."


def test_a_request_for_review_filed_with_the_keyboard_alone(live_server, page, frozen):
    scene = two_excluded_candidates(live_server.db, frozen)
    keyboard = page.keyboard

    pages.open_login(page, live_server.url)
    pages.tab_to(page, page.locator('[name="email"]'))
    keyboard.type(scene.me.email)
    pages.tab_to(page, page.locator('[name="password"]'))
    keyboard.type(scene.me.password)
    with page.expect_navigation():
        keyboard.press("Enter")
    expect(pages.logout_button(page)).to_be_visible()

    pages.my_decisions(page, live_server.url)
    review = page.locator(f"#decision-{scene.my_decision}").get_by_role("region", name=re.compile("Request for review"))
    pages.tab_to(page, review.get_by_role("link", name="File this request"))
    assert pages.focus_is_visible(page), "the focused link shows no focus indicator"
    with page.expect_navigation():
        keyboard.press("Enter")
    assert f"/portal/file/review?decision={scene.my_decision}" in page.url

    grounds = page.get_by_label("Your grounds")
    pages.tab_to(page, grounds)
    keyboard.type(MY_GROUNDS)
    assert_accessible(page)
    pages.tab_to(page, page.locator("form").filter(has=grounds).locator('[type="submit"]'))
    with page.expect_navigation():
        keyboard.press("Enter")

    reference = re.search(r"/portal/cases/(REV-2022-\d+)$", page.url)
    assert reference, page.url
    told = f"Your request was filed as {reference[1]}."
    expect(page.get_by_text(told, exact=True)).to_have_count(1)                     # said once
    expect(page.get_by_text(told, exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=told)).not_to_have_count(0)    # announced, not only shown
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference[1])
    expect(page.get_by_text(MY_GROUNDS, exact=True)).to_be_visible()
    assert_accessible(page)

"""Smoke tests: the application opens in Debian's chromium, axe-core runs, the keyboard gets in.

If these fail, the browser machinery is broken (or the base layout is): the portal scenarios
(test_portal_scenarios.py) would fail for the same reason.
"""
from __future__ import annotations

import pytest

from . import support
from .support import assert_accessible, axe, screenshot


def test_home_page_opens_with_a_title_and_the_empty_state(live_server, page):
    response = page.goto(live_server("/"))
    assert response is not None and response.status == 200
    assert page.title().strip()
    assert page.get_by_role("heading", level=1).count() == 1
    # a database without the demo: the page says so and how to load it
    assert page.get_by_text("casework demo load").is_visible()


def test_home_page_has_no_accessibility_violations(live_server, page):
    page.goto(live_server("/"))
    assert_accessible(page)


def test_axe_reports_what_it_finds(page):
    """The 0-violation checks are not vacuous: axe runs in the page and reports a missing alt text."""
    page.set_content('<!doctype html><html><head><title>t</title></head>'
                     '<body><main><img src="data:,"></main></body></html>')
    found = {v["id"] for v in axe(page)}
    assert {"image-alt", "html-has-lang"} <= found


def test_tab_reaches_the_skip_link_first(live_server, page):
    page.goto(live_server("/"))
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.evaluate("e => e.tagName") == "A", "the first Tab stop is not a link"
    href = focused.get_attribute("href") or ""
    assert href.startswith("#") and len(href) > 1, f"the first link goes to {href!r}, not into the page"
    assert focused.is_visible(), "the skip link stays hidden when it has the focus"
    target = page.locator(href)
    assert target.count() == 1, f"the skip link's target {href} is not on the page"
    assert target.evaluate("e => e.tagName === 'MAIN' || e.closest('main') !== null || !!e.querySelector('main')")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == href


def test_screenshots_are_written_only_when_asked(page, tmp_path, monkeypatch):
    monkeypatch.setattr(support, "SCREENSHOTS", tmp_path / "screenshots")
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body><h1>Hello</h1></body></html>')
    monkeypatch.delenv("CASEWORK_SCREENSHOTS", raising=False)
    assert screenshot(page, "hello") is None
    assert not (tmp_path / "screenshots").exists()
    monkeypatch.setenv("CASEWORK_SCREENSHOTS", "1")
    written = screenshot(page, "hello")
    assert written == tmp_path / "screenshots" / "hello.png"
    assert written.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        screenshot(page, "../escape")

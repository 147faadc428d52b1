"""What a person does in the browser, one function per step, so that a scenario reads like the
person's path (issue 11) and a changed page is fixed here once.

The functions find things the way a person does, by role and by the words on them where the words
are the test's point, and by form field names otherwise (names do not change with the language):
- /login: fields ``email`` and ``password``, one submit button;
- the header: the "Log out" button (a POST form to /logout), the language links
  (``nav.languages a[hreflang=xx]``);
- the portal's pages under /portal/: ``decisions``, ``cases``, ``cases/<reference>``,
  ``file/<case type>``.
Every function takes the page and, where it opens a page, the server's base URL
(``live_server.url``).
"""
from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

PORTAL = "/portal"


# --- accounts --------------------------------------------------------------------------------


def open_login(page: Page, base_url: str):
    return page.goto(f"{base_url}/login")


def submit_login(page: Page, base_url: str, email: str, password: str):
    """Fill in and send the login form, whatever happens next (a refused login stays on /login)."""
    open_login(page, base_url)
    form = login_form(page)
    form.locator('[name="email"]').fill(email)
    form.locator('[name="password"]').fill(password)
    with page.expect_navigation():
        form.locator('button[type="submit"], input[type="submit"]').first.click()


def login(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in and check that it worked (the login page is left, a log-out button is there)."""
    submit_login(page, base_url, email, password)
    assert "/login" not in page.url, f"still on the login page after logging in as {email}: {alerts(page)}"
    expect(logout_button(page)).to_be_visible()


def logout(page: Page) -> None:
    with page.expect_navigation():
        logout_button(page).click()


def login_form(page: Page) -> Locator:
    return page.locator("form").filter(has=page.locator('[name="password"]')).first


def logout_button(page: Page) -> Locator:
    return page.locator('form[action$="/logout"] button[type="submit"]')


def alerts(page: Page) -> list[str]:
    """The texts of the page's messages and field errors (for assertion messages)."""
    return [t.strip() for t in page.locator('[role="alert"], .flash, .error, .field-error').all_inner_texts()]


# --- the portal ------------------------------------------------------------------------------


def open_portal(page: Page, base_url: str, path: str = "/"):
    """``/portal/<path>``; returns the response (its status: 404 for what the user may not see)."""
    return page.goto(f"{base_url}{PORTAL}/{path.lstrip('/')}")


def my_decisions(page: Page, base_url: str):
    return open_portal(page, base_url, "decisions")


def my_cases(page: Page, base_url: str):
    return open_portal(page, base_url, "cases")


def heading(page: Page) -> str:
    """The text of the page's one ``<h1>``."""
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    return h1.inner_text().strip()


def switch_language(page: Page, locale: str) -> None:
    """Click the header's link to ``locale`` ("fr", "de", ...), as a person would."""
    with page.expect_navigation():
        page.locator(f'nav.languages a[hreflang="{locale}"]').click()


def with_language(url: str, locale: str) -> str:
    """``url`` with ``?lang=`` (the page remembers the choice in the session)."""
    return url + ("&" if "?" in url else "?") + f"lang={locale}"


# --- the keyboard ----------------------------------------------------------------------------


_DESCRIBE = """e => { if (!e || e === document.body) return 'the page itself';
    const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60);
    return '<' + e.tagName.toLowerCase() + (e.name ? ' name=' + e.name : '')
         + (e.getAttribute('href') ? ' href=' + e.getAttribute('href') : '') + '> ' + JSON.stringify(text); }"""


def focused(page: Page) -> str:
    """What has the keyboard focus now, described for a message."""
    return page.evaluate(f"() => ({_DESCRIBE})(document.activeElement)")


def tab_to(page: Page, target: Locator, *, limit: int = 60, backwards: bool = False) -> int:
    """Press Tab (Shift+Tab) until ``target`` has the focus; returns the number of presses. Fails with
    the path taken when it is not reached in ``limit`` presses (a keyboard trap, or not focusable)."""
    element = target.element_handle()         # waits for it to be there
    path = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        reached, where = page.evaluate(f"t => [t === document.activeElement, ({_DESCRIBE})(document.activeElement)]",
                                       element)
        if reached:
            return presses
        path.append(where)
    raise AssertionError(f"{target} not reached with the keyboard in {limit} presses; focus went: "
                         + " → ".join(path[:20]) + (" …" if len(path) > 20 else ""))


def focus_is_visible(page: Page) -> bool:
    """Whether the focused element shows a focus indicator (an outline or a box shadow): WCAG 2.4.7."""
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }""")

"""Browser tests: the real application on a live server, driven by Debian's chromium through
Playwright (pinned in pyproject.toml). How to run them and write one: docs/portal.md, "Browser tests".

Fixtures
- ``browser``: one headless chromium for all the browser tests (package scope: closed when they end).
- ``live_server``: the application (``create_app``: TESTING, a SECRET_KEY, CSRF on) on a fresh SQLite
  file brought to head by the migrations, served on 127.0.0.1 at a free port; ``live_server("/login")``
  is an absolute URL, ``live_server.db.session_scope()`` seeds data. Request ``frozen`` too for a
  frozen clock (the clock is process-wide: the server's thread sees it). Settings per test:
  ``@pytest.mark.app_config(KEY=value)``. An exception raised in a view fails the test.
- ``page``: a page in a new browser context (locale en-GB, Brussels time, 1280x800); per test
  ``@pytest.mark.browser_context(locale="fr-FR", ...)`` (any ``browser.new_context`` argument).
  ``new_context(**kw)`` makes more contexts (two users at once). A failed test leaves a Playwright
  trace and a screenshot per context in tests/browser/artifacts/<test>/ (open the trace with
  ``.venv/bin/playwright show-trace FILE``). An uncaught JavaScript error or a Content-Security-Policy
  violation on a page fails the test.
"""
from __future__ import annotations

import shutil
import traceback

import pytest

from casework import create_app
from casework.db import Database
from casework.migrate import upgrade

from .support import CHROMIUM_ARGS, LiveServer, Serving, artifact_dir, chromium_executable, no_browser, record_errors

SECRET_KEY = "browser-tests-not-a-secret-0123456789"
TIMEOUT_MS = 5_000       # a local page that takes longer than this is a failure, not a wait


def pytest_configure(config):
    config.addinivalue_line("markers", "browser_context(**kwargs): arguments of the test's browser context "
                                       "(tests/browser: locale, viewport, ...)")
    config.addinivalue_line("markers", "app_config(**settings): settings of the live server's application "
                                       "(tests/browser)")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


_REPORTS = pytest.StashKey[dict]()


def _failed(item) -> bool:
    return any(r.failed for r in item.stash.get(_REPORTS, {}).values())


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    executable = chromium_executable()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        no_browser("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))
        except Error as exc:
            pytest.fail(f"chromium ({executable}) did not start: {exc}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, request):
    """``new_context(**kwargs)``: a fresh browser context (its own cookies), traced for failures."""
    marker = request.node.get_closest_marker("browser_context")
    contexts = []

    def make(**kwargs):
        options = {"locale": "en-GB", "timezone_id": "Europe/Brussels",
                   "viewport": {"width": 1280, "height": 800},
                   **(marker.kwargs if marker else {}), **kwargs}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.tracing.start(screenshots=True, snapshots=True, sources=False)
        contexts.append(context)
        return context

    yield make
    failed = _failed(request.node)
    for number, context in enumerate(contexts, 1):
        if failed:
            folder = artifact_dir(request.node.nodeid)
            folder.mkdir(parents=True, exist_ok=True)
            for index, page in enumerate(context.pages, 1):
                shot = folder / f"context{number}-page{index}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                except Exception as exc:  # noqa: BLE001 - a crashed page must not hide the test's own failure
                    shot.with_suffix(".txt").write_text(f"no screenshot: {exc}\n")
            context.tracing.stop(path=str(folder / f"context{number}-trace.zip"))
        else:
            context.tracing.stop()
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a new context; fails the test on an uncaught script error or a CSP violation."""
    page = new_context().new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught script error: {error}"))
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text else None)
    yield page
    if problems:
        pytest.fail(f"on {page.url}:\n" + "\n".join(problems), pytrace=False)


# --- the application -------------------------------------------------------------------------


@pytest.fixture(scope="package")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file at head, migrated once and copied for each test (a copy costs less)."""
    path = tmp_path_factory.mktemp("browser-db") / "head.sqlite"
    db = Database("sqlite:///" + str(path))
    upgrade(db.engine)
    db.engine.dispose()
    return path


@pytest.fixture
def live_server(migrated_sqlite, tmp_path, request):
    marker = request.node.get_closest_marker("app_config")
    database_file = tmp_path / "live.sqlite"
    shutil.copyfile(migrated_sqlite, database_file)
    db = Database("sqlite:///" + str(database_file))
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY, "DATABASE": db,
                      **(marker.kwargs if marker else {})})
    errors: list[BaseException] = []
    record_errors(app, errors)
    try:
        with Serving(app) as url:
            yield LiveServer(url=url, app=app, db=db, errors=errors)
    finally:
        db.engine.dispose()
    if errors:
        shown = "\n".join("".join(traceback.format_exception(e)) for e in errors)
        pytest.fail(f"the application raised {len(errors)} exception(s) while serving the test:\n{shown}",
                    pytrace=False)

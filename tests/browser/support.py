"""What the browser tests share besides fixtures: finding Debian's chromium, the live server, axe-core
and the documentation's screenshots.

Playwright's own browser download does not work on these machines: the tests drive Debian's
``chromium`` (``/usr/bin/chromium``; ``CASEWORK_CHROMIUM`` points elsewhere). scripts/test installs
it and sets ``CASEWORK_REQUIRE_BROWSER=1``: then a missing browser fails every browser test instead
of skipping it, so that CI (.ci/run) cannot pass without running them.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import BaseWSGIServer, make_server

from casework.db import Database

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTIFACTS = HERE / "artifacts"                 # traces and screenshots of failed tests (gitignored)
SCREENSHOTS = ROOT / "docs" / "screenshots"    # shown by docs/portal.md
AXE_JS = HERE / "vendor" / "axe.min.js"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's closed network refuses; --no-sandbox because the tests run as root here.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_executable() -> str:
    """The Chromium binary to launch; skips the test when it is missing, or fails it when
    ``CASEWORK_REQUIRE_BROWSER`` is set (scripts/test, CI)."""
    path = os.environ.get("CASEWORK_CHROMIUM") or DEFAULT_CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    no_browser(f"no Chromium at {path} (install Debian's: apt-get install chromium; "
               "scripts/test does it; or set CASEWORK_CHROMIUM)")
    raise AssertionError("unreachable")


def no_browser(reason: str) -> None:
    """Skip, or fail when the browser tests are required."""
    if os.environ.get("CASEWORK_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required (CASEWORK_REQUIRE_BROWSER is set) but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


# --- the live server -------------------------------------------------------------------------


@dataclass
class LiveServer:
    """The real application served over HTTP on 127.0.0.1 in a background thread."""
    url: str                       # http://127.0.0.1:PORT, no trailing slash
    app: Flask
    db: Database
    errors: list[BaseException] = field(default_factory=list)   # exceptions raised in views

    def __call__(self, path: str = "/") -> str:
        """The absolute URL of ``path``: ``live_server("/login")``."""
        return self.url + (path if path.startswith("/") else "/" + path)


class Serving:
    """``with Serving(app) as url``: ``app`` served on 127.0.0.1 at a free port, in a thread."""

    def __init__(self, app: Flask):
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def record_errors(app: Flask, into: list[BaseException]) -> None:
    """Keep every exception a view raises: the fixture fails the test with it (a browser only sees
    an error page)."""
    def keep(sender: Flask, exception: BaseException, **_: Any) -> None:
        into.append(exception)
    got_request_exception.connect(keep, app, weak=False)


# --- axe-core --------------------------------------------------------------------------------

_AXE_SOURCE: str | None = None


def axe(page, *, context: str | dict | None = None, options: dict | None = None) -> list[dict]:
    """The accessibility violations axe-core finds on the page as it is now (WCAG 2.0/2.1 A and AA
    and axe's best practices by default), each ``{id, impact, help, nodes: [{target, html, ...}]}``.

    axe is evaluated through the DevTools protocol (``page.evaluate``), which the page's
    Content-Security-Policy does not govern, so the page keeps its real CSP and its state (a form
    with its errors after a POST): ``page.add_script_tag`` would be refused by a CSP without
    ``unsafe-inline``, and a ``bypass_csp`` context would have to load the page again.
    """
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE_JS.read_text(encoding="utf-8")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_AXE_SOURCE + "\n;undefined")
    options = options or {"runOnly": {"type": "tag",
                                      "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                          "resultTypes": ["violations"]}
    return page.evaluate(
        "async ([context, options]) => (await axe.run(context || document, options)).violations",
        [context, options])


def describe(violations: list[dict]) -> str:
    """Violations as lines a person can act on (for assertion messages)."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} — {v.get('helpUrl', '')}")
        for node in v.get("nodes", [])[:5]:
            lines.append(f"    {' '.join(map(str, node.get('target', [])))}: {node.get('html', '')[:160]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines) or "no violations"


def assert_accessible(page) -> None:
    """axe finds nothing on the page (issue 11: 0 violations on every portal page)."""
    violations = axe(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"


# --- screenshots for the documentation -------------------------------------------------------

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def screenshot(page, name: str, *, full_page: bool = True) -> Path | None:
    """Save docs/screenshots/<name>.png for docs/portal.md, only when ``CASEWORK_SCREENSHOTS=1``
    (so that a test run does not change the tree); returns the path written, or None."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"screenshot name {name!r}: lower-case words joined by hyphens")
    if os.environ.get("CASEWORK_SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page, animations="disabled", caret="hide")
    return target


def artifact_dir(nodeid: str) -> Path:
    """tests/browser/artifacts/<test> for a failed test's trace and screenshot."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("tests/browser/", 1)[-1]).strip("_")
    return ARTIFACTS / name[:150]

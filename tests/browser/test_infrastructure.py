"""The browser tests cannot be skipped silently where they must run: scripts/test (and so .ci/run)
installs chromium and sets CASEWORK_REQUIRE_BROWSER=1, and then a missing browser is a failure.
A developer running pytest without chromium gets a skip that says how to install it."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .support import ROOT, chromium_executable


def test_missing_chromium_is_a_failure_when_required(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CASEWORK_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="CASEWORK_REQUIRE_BROWSER"):
        chromium_executable()


def test_missing_chromium_is_a_skip_saying_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CASEWORK_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        chromium_executable()


def test_the_test_command_installs_chromium_and_requires_the_browser_tests():
    script = (ROOT / "scripts" / "test").read_text()
    run_pytest = script.index("python -m pytest")
    assert -1 < script.find("ensure_chromium") < run_pytest
    assert -1 < script.find("export CASEWORK_REQUIRE_BROWSER=1") < run_pytest
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_a_browser_test_fails_loudly_without_chromium_under_the_test_command(tmp_path):
    """The whole chain, in a pytest of its own: the smoke test errors, it is not skipped."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(CASEWORK_REQUIRE_BROWSER="1", CASEWORK_CHROMIUM=str(tmp_path / "no-chromium"))
    test = "tests/browser/test_smoke.py::test_home_page_opens_with_a_title_and_the_empty_state"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "1 error" in out and "skipped" not in out, out
    assert "browser tests required (CASEWORK_REQUIRE_BROWSER is set) but no Chromium at" in out, out

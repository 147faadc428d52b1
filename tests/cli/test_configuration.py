"""Settings that cannot be used are one line from every command, and `casework run` — the command
that serves the web application — refuses the development secret key like any web server."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from casework.cli import main


def _one_line(result, text):
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert len(lines) == 1 and text in lines[0], result.output


@pytest.mark.parametrize(("name", "value", "text"), [
    ("DATABASE_URL", "bogus://somewhere/db", "DATABASE_URL bogus://… cannot be used"),
    ("DATABASE_URL", "not a url", "DATABASE_URL (not a URL) cannot be used"),
    ("SMTP_PORT", "abc", "SMTP_PORT='abc' is not a whole number"),
    ("SCHEDULER_INTERVAL", "-1", "SCHEDULER_INTERVAL='-1' must be greater than 0"),
    ("TRUSTED_PROXIES", "-1", "TRUSTED_PROXIES='-1' is not a whole number of 0 or more"),
    ("TRUSTED_PROXIES", "one", "TRUSTED_PROXIES='one' is not a whole number of 0 or more"),
])
def test_a_setting_that_cannot_be_used_is_one_line(monkeypatch, tmp_path, name, value, text):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "c.sqlite"))
    monkeypatch.setenv(name, value)
    _one_line(CliRunner().invoke(main, ["demo", "status"]), text)


def test_casework_run_refuses_the_development_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "c.sqlite"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    _one_line(CliRunner().invoke(main, ["run", "--port", "1"]), "SECRET_KEY is not set")
    monkeypatch.setenv("SECRET_KEY", "dev-only-change-me")
    _one_line(CliRunner().invoke(main, ["run", "--port", "1"]), "is the development value")


@pytest.mark.parametrize(("value", "text"), [
    (None, "PUBLIC_URL is not set"),
    ("casework.example.eu", "PUBLIC_URL is 'casework.example.eu', not an http(s) address"),
    ("javascript:alert(1)", "not an http(s) address"),
    ("https://casework.example.eu/?next=x", "not an http(s) address"),
])
def test_casework_run_refuses_to_serve_without_the_sites_address(monkeypatch, tmp_path, value, text):
    """The links mailed for confirmation and password reset start with PUBLIC_URL: without it they
    would take the host a request names, which anybody can forge."""
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "c.sqlite"))
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-of-32-chars!")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    if value is None:
        monkeypatch.delenv("PUBLIC_URL", raising=False)
    else:
        monkeypatch.setenv("PUBLIC_URL", value)
    _one_line(CliRunner().invoke(main, ["run", "--port", "1"]), text)

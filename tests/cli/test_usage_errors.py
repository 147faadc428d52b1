"""Click's own usage errors are one line like every other error: what is wrong and where the help is."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from casework.cli import main


@pytest.mark.parametrize(("args", "text"), [
    (["user", "add", "a@b.eu", "--name", "A", "--role", "nope"],
     "Invalid value for '--role': 'nope' is not one of 'candidate'"),
    (["outbox", "retry", "99999999999999999999999"], "is not in the range 1<=x<=9223372036854775807"),
    (["decision", "restate-basis", "0", "--failed", "x", "--reason", "y"], "is not in the range"),
    (["case", "show"], "Missing argument 'REFERENCE'"),
    (["nope"], "No such command 'nope'"),
])
def test_a_usage_error_is_one_line_with_where_to_find_help(monkeypatch, tmp_path, args, text):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "c.sqlite"))
    result = CliRunner().invoke(main, args)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and text in lines[0] and lines[0].endswith("--help`)")


def test_help_and_success_still_exit_zero(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "c.sqlite"))
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
    result = CliRunner().invoke(main, ["deadline", "add", "10cd", "--from", "2025-05-02"])
    assert (result.exit_code, result.output) == (0, "2025-05-12\n")

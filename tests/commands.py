"""The `casework` command line as the tests run it: one command at a time through click's runner."""
from __future__ import annotations

from click.testing import CliRunner

from casework.cli import main


def invoker():
    """``run(*args, ok=True)``: run one command (arguments made strings); unless ``ok=False``, assert
    that it succeeded. Exceptions are not caught: a traceback fails the test."""
    runner = CliRunner()

    def run(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run

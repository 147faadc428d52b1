"""CLI contract: ``deadline add``, ``deadline rule``, ``calendar show``; errors are one line on stderr."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from casework.deadlines import RuleSet
from casework.deadlines_cli import calendar_group, deadline_group


def run(group, *args, resolver=None):
    """Invoke ``group``; ``resolver`` is installed as the main CLI installs its notice lookup."""
    if resolver is None:
        return CliRunner().invoke(group, list(args))

    @click.group()
    def top() -> None:
        click.get_current_context().meta["casework.resolve_rule_set"] = resolver

    top.add_command(group)
    return CliRunner().invoke(top, [group.name, *args])


def test_d5_cli_acceptance_review_from_11_april_2025():
    result = run(deadline_group, "rule", "review", "--from", "2025-04-11", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["raw_last_day"] == "2025-04-21"
    assert out["last_day"] == "2025-04-22"
    assert out["roll_forward_applied"] is True
    assert out["skipped"][0]["reason"] == "Easter Monday"
    assert out["rule"]["period"] == "10cd"
    assert any("Art 3(4)" in step for step in out["steps"])


def test_cli_rule_plain_output_is_the_last_day_only():
    result = run(deadline_group, "rule", "review", "--from", "2025-04-11")
    assert (result.exit_code, result.stdout) == (0, "2025-04-22\n")


@pytest.mark.parametrize("args,expected", [
    (["10cd", "--from", "2025-05-02"], "2025-05-12"),  # D1
    (["15wd", "--from", "2025-04-10"], "2025-05-07"),  # D2
    (["3m", "--from", "2024-11-30", "--no-roll"], "2025-02-28"),  # D3
    (["1y", "--from", "2024-02-29", "--no-roll"], "2025-02-28"),
    (["-5wd", "--from", "2022-03-22"], "2022-03-15"),  # D10, negative period as argument
    (["10cd", "--from", "2025-04-11", "--no-roll", "--no-art-3-5"], "2025-04-21"),
    (["3m", "--from", "2026-03-03", "--calendar", "court"], "2026-06-03"),
    (["10cd", "--from", "2025-05-02T22:30:00+00:00"], "2025-05-13"),  # D4: 3 May in Brussels
])
def test_cli_deadline_add(args, expected):
    result = run(deadline_group, "add", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected + "\n"


def test_cli_rule_set_option_and_resolver_hook():
    assert run(deadline_group, "rule", "neutralisation", "--from", "2025-06-02", "--rules", "2015").stdout \
        == "2025-06-12\n"
    notice = RuleSet.from_dict({"name": "EPSO/AD/398/22", "base": "2022", "version": "v1",
                                "overrides": {"neutralisation": {"period": "5cd"}}})
    resolver = {"EPSO/AD/398/22": notice}.get
    result = run(deadline_group, "rule", "neutralisation", "--from", "2025-06-02", "--rules", "EPSO/AD/398/22",
                 "--json", resolver=resolver)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["last_day"] == "2025-06-10"  # 7 Jun is a Saturday, 9 Jun Whit Monday
    assert out["rule_set"] == {"name": "EPSO/AD/398/22", "version": "v1"}
    result = run(deadline_group, "rule", "review", "--from", "2025-06-02", "--rules", "EPSO/X/1/99", resolver=resolver)
    assert result.exit_code != 0 and "unknown rule set" in result.stderr


@pytest.mark.parametrize("group,args,message", [
    (deadline_group, ["add", "10xd", "--from", "2025-05-02"], "unknown period unit"),
    (deadline_group, ["add", "ten", "--from", "2025-05-02"], "malformed period"),
    (deadline_group, ["add", "10cd", "--from", "2025-02-30"], "malformed date"),
    (deadline_group, ["add", "10cd", "--from", "2025-05-02T10:00:00"], "no time zone"),
    (deadline_group, ["add", "10wd", "--from", "2051-05-02"], "no brussels calendar for 2051"),
    (deadline_group, ["add", "10cd", "--from", "2050-12-30"], "no brussels calendar for 2051"),
    (deadline_group, ["rule", "appeal", "--from", "2025-05-02"], "has no rule 'appeal'"),
    (deadline_group, ["rule", "review", "--from", "2025-05-02", "--rules", "EPSO/AD/398/22"], "unknown rule set"),
    (calendar_group, ["show", "1999"], "no brussels calendar for 1999"),
])
def test_cli_invalid_input_exits_non_zero_with_one_line_and_no_traceback(group, args, message):
    result = run(group, *args)
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit)


def test_cli_usage_errors_do_not_trace():
    result = run(deadline_group, "add", "10cd")  # --from missing
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = run(deadline_group, "add", "10cd", "--from", "2025-05-02", "--calendar", "paris")
    assert result.exit_code == 2


def test_d2_cli_calendar_show_lists_holidays_with_weekday_and_status():
    result = run(calendar_group, "show", "2025")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("brussels 2025: confirmed")
    assert "2025-04-21  Monday     Easter Monday" in lines
    assert "2025-07-21  Monday     Belgian National Day" in lines
    court = run(calendar_group, "show", "2026", "--place", "court").stdout
    assert court.startswith("court 2026: provisional")
    assert "2026-06-23  Tuesday    Luxembourg National Day" in court


def test_d2_cli_calendar_show_json_is_loadable():
    out = json.loads(run(calendar_group, "show", "2025", "--json").stdout)
    assert out["status"] == "confirmed" and len(out["holidays"]) == 20

"""CLI contract: ``deadline add``, ``deadline rule``, ``calendar show``; errors are one line on stderr."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from casework.cli.deadlines import calendar_group, deadline_group
from casework.deadlines import RuleSet


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
    # 10 calendar days from Friday 11 April 2025 end on Easter Monday 21 April: the candidate is
    # told 21 April (no roll-forward for a notice's limit); Tuesday 22 April is the outer limit.
    result = run(deadline_group, "rule", "review", "--from", "2025-04-11", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["raw_last_day"] == "2025-04-21"
    assert (out["audience"], out["act_by"], out["outer_limit"]) == ("candidate", "2025-04-21", "2025-04-22")
    assert out["act_by_utc"] == "2025-04-21T22:00:00+00:00"
    assert out["roll_forward_applied"] is False
    assert out["rule"]["period"] == "10cd" and out["rule"]["roll_forward"] is False
    [why] = out["differences"]
    assert "Monday 2025-04-21 (Easter Monday)" in why and "Tuesday 2025-04-22" in why and "(D6)" in why


def test_d5_cli_rule_plain_output_is_the_date_to_act_by_only():
    result = run(deadline_group, "rule", "review", "--from", "2025-04-11")
    assert (result.exit_code, result.stdout) == (0, "2025-04-21\n")


def test_d2_cli_rule_for_a_candidate_leaves_out_unconfirmed_holidays():
    # art90-complaint from Mon 5 Jan 2026: 3 months end on Sunday 5 April 2026; Art 3(4) rolls it
    # past Easter Monday 6 April (a holiday of the provisional Brussels 2026 list) to Tuesday 7 April.
    # The candidate is shown Monday 6 April until the Commission's 2026 list is confirmed.
    result = run(deadline_group, "rule", "art90-complaint", "--from", "2026-01-05", "--json")
    out = json.loads(result.stdout)
    assert (out["last_day"], out["act_by"], out["outer_limit"]) == ("2026-04-07", "2026-04-06", "2026-04-07")
    assert "Monday 2026-04-06 (Easter Monday)" in out["differences"][0] and "brussels 2026" in out["differences"][0]
    assert run(deadline_group, "rule", "art90-complaint", "--from", "2026-01-05").stdout == "2026-04-06\n"


def test_d2_cli_rule_for_the_administration_is_computed_as_the_law_says():
    # review-ack 15 working days from Wed 25 March 2026 skip Maundy Thursday, Good Friday and
    # Easter Monday of the provisional 2026 list: Monday 20 April, for EPSO as before.
    out = json.loads(run(deadline_group, "rule", "review-ack", "--from", "2026-03-25", "--json").stdout)
    assert (out["audience"], out["act_by"], out["last_day"]) == ("administration", "2026-04-20", "2026-04-20")
    assert out["differences"] == []


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
    # 5 days from Monday 2 June 2025 end on Saturday 7 June: the date to act by; Art 3(4) would
    # pass Sunday 8 and Whit Monday 9 June: Tuesday 10 June is the outer limit
    assert (out["act_by"], out["outer_limit"]) == ("2025-06-07", "2025-06-10")
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
    assert court.startswith("court 2026: confirmed (Court of Justice, decision on official holidays")
    assert "2026-06-23  Tuesday    Luxembourg National Day" in court
    assert "2026-04-03" not in court and "2026-07-21" not in court and "2026-11-02" not in court


def test_d2_cli_calendar_show_json_is_loadable():
    out = json.loads(run(calendar_group, "show", "2025", "--json").stdout)
    assert out["status"] == "confirmed" and len(out["holidays"]) == 20

"""`casework candidate show|list`: a candidate's record by application number or e-mail, the
candidates of a notice with their filters, and wrong input in one line."""
from __future__ import annotations

import json

from .conftest import REF, one_line_failure


def test_show_by_application_or_email_gives_stages_decisions_and_cases(cli, world):
    reference = cli("case", "file", "review", "--as", world.out, "--decision", world.exclusion,
                    "-d", "grounds=g").stdout.strip()
    by_number = json.loads(cli("candidate", "show", world.out_number, "--json").stdout)
    assert by_number == json.loads(cli("candidate", "show", world.out_email.upper(), "--json").stdout)
    [application] = by_number["applications"]
    assert [(e["phase"], e["status"]) for e in application["history"]] == [("eligibility", "active"),
                                                                            ("eligibility", "excluded")]
    exclusion = application["decisions"][-1]
    assert (exclusion["id"], exclusion["kind"], exclusion["author"], exclusion["stage"]) == (
        world.exclusion, "excluded", "board", "eligibility")                                   # R2
    assert exclusion["ground"] and exclusion["published_at"] and exclusion["contested_by"] == [reference]
    assert [c["reference"] for c in by_number["cases"]] == [reference]
    text = cli("candidate", "show", world.out_email).stdout
    assert f"#{world.exclusion:<6}" in text and f"[contested by {reference}]" in text


def test_list_filters_by_status_and_stage(cli, world):
    rows = json.loads(cli("candidate", "list", "--notice", REF, "--json").stdout)
    assert [(r["stage"], r["status"]) for r in rows] == [("screener", "active"), ("screener", "active"),
                                                         ("eligibility", "excluded")]
    excluded = cli("candidate", "list", "--notice", REF, "--status", "excluded").stdout.splitlines()
    assert [line.split()[0] for line in excluded] == [world.out_number]
    assert len(cli("candidate", "list", "--notice", REF, "--stage", "screener").stdout.splitlines()) == 2
    assert cli("candidate", "list", "--notice", REF, "--stage", "assessment").stdout == ""


def test_wrong_input_is_one_line(cli, world):
    before = cli.counts()
    for args, message in (
            (("candidate", "show", "APP-999999"), "no candidate with the e-mail or application number 'APP-999999'"),
            (("candidate", "show", "nobody@example.eu"), "no candidate"),
            (("candidate", "list", "--notice", "EPSO/XX/1/22"), "no notice 'EPSO/XX/1/22'"),
            (("candidate", "list", "--notice", REF, "--status", "asleep"), "unknown status 'asleep' (one of active"),
            (("candidate", "list", "--notice", REF, "--stage", "interview"),
             "has no stage 'interview' (stages: application, eligibility, screener"),
            (("candidate", "list", "--notice", REF, "--field", "9"), "has no field '9'"),
            (("case", "show", "REV-2022-999999"), "no case 'REV-2022-999999'"),
            (("case", "list", "--candidate", "nobody@example.eu"), "no candidate")):
        one_line_failure(cli(*args, ok=False), message)
    assert cli.counts() == before


def test_show_as_a_user_gives_only_what_they_may_see(cli, world):
    """can_view from the CLI: a candidate sees their own record only; another candidate's record
    does not exist for them (the same message as an unknown candidate); the legal team sees it."""
    own = json.loads(cli("candidate", "show", world.out_number, "--as", world.out, "--json").stdout)
    assert [a["number"] for a in own["applications"]] == [world.out_number]
    assert [d["id"] for d in own["applications"][0]["decisions"]][-1] == world.exclusion
    one_line_failure(cli("candidate", "show", world.out_number, "--as", world.inside, ok=False),
                     f"no candidate with the e-mail or application number {world.out_number!r}")
    legal = json.loads(cli("candidate", "show", world.out_number, "--as", world.legal, "--json").stdout)
    assert legal["applications"] == own["applications"]
    one_line_failure(cli("candidate", "show", world.out_number, "--as", "nobody@example.eu", ok=False), "no")

"""`casework case show` and `casework candidate show`: what was stored by someone else reaches a
terminal with its control characters and bidirectional overrides made visible (issue 10 §6), and
the JSON carries the same data, escaped."""
from __future__ import annotations

import json

from .conftest import REF, one_line_failure

OVERRIDE = "\u202e"
NAME = f"Evil{OVERRIDE}gpj.exe"          # shows as "Evilexe.jpg" on a terminal that obeys U+202E


def _raw(cli, world):
    """A name and a message body as they might have been stored before input was checked."""
    reference = cli("case", "file", "review", "--as", world.out, "--decision", world.exclusion,
                    "-d", "grounds=g").stdout.strip()
    cli.execute("UPDATE candidates SET surname = :name WHERE email = :email", name=NAME, email=world.out_email)
    cli.execute("UPDATE case_messages SET body = :body", body="line one\n\x1b[2Jcleared\u2067isolated\x85")
    return reference


def test_case_show_escapes_a_name_with_a_right_to_left_override(cli, world):
    reference = _raw(cli, world)
    out = cli("case", "show", reference).stdout
    assert "Alex Evil\\u202egpj.exe <" in out
    assert "\\x1b[2Jcleared\\u2067isolated\\x85" in out and "line one\n" in out    # newlines kept
    assert not any(c in out for c in (OVERRIDE, "\x1b", "\u2067", "\x85"))
    data = json.loads(cli("case", "show", reference, "--json").stdout)
    assert data["candidate"]["name"] == f"Alex {NAME}"                           # the same data...
    assert OVERRIDE not in cli("case", "show", reference, "--json").stdout        # ...escaped


def test_candidate_show_and_list_escape_it_too(cli, world):
    _raw(cli, world)
    for args in (("candidate", "show", world.out_number), ("candidate", "list", "--notice", REF),
                 ("candidate", "show", world.out_number, "--json"), ("case", "list", "--json")):
        out = cli(*args).stdout
        assert OVERRIDE not in out and "\x1b" not in out, args
    assert "Evil\\u202egpj.exe" in cli("candidate", "show", world.out_number).stdout
    view = json.loads(cli("candidate", "show", world.out_number, "--json").stdout)
    assert view["candidate"]["surname"] == NAME


def test_as_a_user_only_the_cases_they_may_see(cli, world):
    """R1: a request for review of a board decision is the board's; an EPSO officer neither sees it
    nor finds it in a list, the legal team does (casework.auth.permissions)."""
    review = cli("case", "file", "review", "--as", world.out, "--decision", world.exclusion,
                 "-d", "grounds=g").stdout.strip()
    documents = cli("case", "file", "access-documents", "--as", world.inside, "-d", "documents=d").stdout.strip()
    before = cli.counts()
    one_line_failure(cli("case", "show", review, "--as", world.epso, ok=False),
                     f"no case '{review}' that {world.epso} may see")
    assert cli.counts() == before
    assert f"{world.legal} may: acknowledge" in cli("case", "show", review, "--as", world.legal).stdout
    listed = {row["reference"] for row in json.loads(cli("case", "list", "--as", world.epso, "--json").stdout)}
    assert listed == {documents}                                    # EPSO decides Reg 1049/2001 requests
    assert len(json.loads(cli("case", "list", "--as", world.legal, "--json").stdout)) == 2


MEMBER = "jan.jansen@board.eu"
INTERNAL = "internal note: value judgment, do not tell the candidate"
BOARD_REASON = "the board holds to its reading of the diploma"
REPLY = "Your request for review is rejected: the diploma was awarded in 2018."


def _walked(cli, world):
    """A review of the board's exclusion walked by the legal team and a named board member: analysis
    with an internal recommendation and reason, referral, the member's decision, the reply."""
    cli("user", "add", MEMBER, "--name", "Jan Jansen", "--role", "board-member", "--board", REF)
    reference = cli("case", "file", "review", "--as", world.out, "--decision", world.exclusion,
                    "-d", "grounds=my diploma dates from 2008").stdout.strip()
    cli("case", "apply", reference, "acknowledge", "--as", world.legal)
    cli("case", "apply", reference, "analyse", "--as", world.legal, "-d", "recommendation=inadmissible",
        "-d", "ground=value-judgment", "-d", f"reason={INTERNAL}")
    cli("case", "apply", reference, "refer", "--as", world.legal)
    cli("case", "apply", reference, "decide", "--as", MEMBER, "-d", "outcome=rejected", "-d", f"reason={BOARD_REASON}")
    cli("case", "apply", reference, "reply", "--as", world.legal, "-d", f"body={REPLY}")
    return reference


def test_as_the_candidate_no_analysis_no_member_but_the_outcome_and_the_reply(cli, world):
    """docs/permissions.md: a candidate-facing view leaves the legal team's analysis out, shows the
    board as the body that decided (never which member: candidates reach members only via EPSO) and
    a trail of what they are told of, by role."""
    reference = _walked(cli, world)
    text = cli("case", "show", reference, "--as", world.out).stdout
    raw = cli("case", "show", reference, "--as", world.out, "--json").stdout
    for shown in (text, raw):
        for secret in (INTERNAL, BOARD_REASON, MEMBER, "Jan Jansen", "board-member", world.legal, "value-judgment"):
            assert secret not in shown, secret
        assert REPLY in shown
    assert "analysis" not in text and "flags" not in text
    assert "outcome      rejected" in text and "by board" in text
    assert "trail        " in text and ": decide referred -> decided" in text and "board: decide" in text
    assert ": analyse" not in text and ": refer " not in text
    data = json.loads(raw)
    assert (data["state"], data["outcome"], data["decision"]["by"]) == ("replied", "rejected", "board")
    assert [e["action"] for e in data["trail"]] == ["file", "acknowledge", "decide", "reply"]


def test_without_as_and_as_the_legal_team_the_whole_file(cli, world):
    reference = _walked(cli, world)
    whole = cli("case", "show", reference).stdout
    for shown in (whole, cli("case", "show", reference, "--as", world.legal).stdout):
        assert INTERNAL in shown and BOARD_REASON in shown and f"board-member:{MEMBER}" in shown and REPLY in shown
        assert "analysis     inadmissible by" in shown
    assert "analysis     inadmissible" in cli("case", "show", reference, "--as", MEMBER).stdout   # P3: with it


def test_a_board_member_in_conflict_gets_no_case(cli, world):
    reference = _walked(cli, world)
    cli("user", "add", "piet@board.eu", "--name", "Piet", "--role", "board-member", "--board", REF)
    cli("user", "conflict", "piet@board.eu", world.out_email, "--reason", "brother-in-law")
    one_line_failure(cli("case", "show", reference, "--as", "piet@board.eu", ok=False),
                     f"no case '{reference}' that piet@board.eu may see")
    assert json.loads(cli("case", "list", "--as", "piet@board.eu", "--json").stdout) == []


def test_lists_as_the_candidate_without_the_legal_teams_flags(cli, world):
    reference = _walked(cli, world)
    cli.frozen.advance(days=30)                                     # a late review: flagged "late"
    late = cli("case", "file", "review", "--as", world.out, "--decision", world.exclusion,
               "-d", "grounds=again").stdout.strip()
    assert "late" in cli("case", "list", "--json").stdout
    rows = json.loads(cli("case", "list", "--as", world.out, "--json").stdout)
    assert {r["reference"] for r in rows} >= {reference, late} and all("flags" not in r for r in rows)
    assert [r["late"] for r in rows if r["reference"] == late] == [True]
    assert "[late]" not in cli("case", "list", "--as", world.out).stdout
    cases = json.loads(cli("candidate", "show", world.out_number, "--as", world.out, "--json").stdout)["cases"]
    assert {c["reference"] for c in cases} >= {reference, late} and all("flags" not in c for c in cases)
    legal = json.loads(cli("candidate", "show", world.out_number, "--as", world.legal, "--json").stdout)["cases"]
    assert [c["flags"] for c in legal if c["reference"] == late] == [["late"]]


def test_case_apply_refuses_a_key_given_twice(cli, world):
    """The same -d parser as `case file`: a repeated key is refused, not silently overwritten."""
    reference = cli("case", "file", "review", "--as", world.out, "--decision", world.exclusion,
                    "-d", "grounds=g").stdout.strip()
    before = cli.counts()
    one_line_failure(cli("case", "apply", reference, "acknowledge", "--as", world.legal, "-d", "reason=a",
                         "-d", "reason=b", ok=False), "-d: reason is given twice")
    one_line_failure(cli("case", "apply", reference, "acknowledge", "--as", world.legal, "-d", "reason", ok=False),
                     "-d: 'reason' is not KEY=VALUE")
    assert cli.counts() == before

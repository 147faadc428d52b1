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

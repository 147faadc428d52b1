"""Issue 10, all through the command line: a competition is loaded (notice, applications, screener
marks), the screener phase puts a candidate out (C7: not invited, a board decision), the candidate
files a request for review against that decision (P3), the legal team and the board walk it to an
upheld decision (R1), and `candidate show` shows the candidate reinstated at the stage (R3)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from ..competitions import factories as f
from ..competitions.test_files import APP_HEADER, RESULT_HEADER, application_row, write_csv
from .conftest import REF

WEIGHTS = {s["question"]: s["weight"] for s in f.document(f.AD398)["fields"][0]["screener"]}


def _screener(total: int) -> str:
    """Marks 0–4 per screener question giving ``total`` = Σ weight × mark (C6)."""
    marks, left = {}, total
    for question, weight in sorted(WEIGHTS.items(), key=lambda kv: -kv[1]):
        marks[question] = min(4, left // weight)
        left -= marks[question] * weight
    assert left == 0
    return " ".join(f"{q}={m}" for q, m in marks.items())


def _load_competition(cli, tmp_path) -> None:
    """AD/398/22, field 1 with 1 place (cap 3 × 1 into the assessment, C7), four eligible candidates
    with screener totals 40, 30, 20, 10, closed through the screener."""
    notice = tmp_path / "notice.json"
    notice.write_text(json.dumps(f.document(f.AD398, only_fields=("1",), places={"1": 1})), encoding="utf-8")
    cli("notice", "import", notice)
    cli("applications", "import", REF, write_csv(tmp_path / "apps.csv", APP_HEADER, [
        application_row(f"A-{n}", diplomas="degree-4y:2008-06-30+ict", experience="2008-09-01/@1+field")
        for n in range(1, 5)]))
    cli.frozen.set(datetime(2022, 3, 22, 12, tzinfo=UTC))          # after the deadline (noon Brussels)
    assert "4 through" in cli("phase", "close", REF, "application").stdout
    assert "4 through" in cli("phase", "close", REF, "eligibility").stdout
    cli("results", "import", REF, write_csv(tmp_path / "screener.csv", RESULT_HEADER, [
        [f"A-{n}", "screener", _screener(total), "", "", ""] for n, total in zip(range(1, 5), (40, 30, 20, 10))]))
    cli.frozen.set(datetime(2022, 4, 4, 9, tzinfo=UTC))            # Monday 4 April 2022
    assert "not-invited 1" in cli("phase", "close", REF, "screener").stdout


def test_review_of_a_screener_decision_upheld_reinstates_the_candidate(cli, tmp_path):
    _load_competition(cli, tmp_path)
    out = "a-4@example.eu"                                           # the candidate record of A-4
    before = json.loads(cli("candidate", "show", "A-4", "--json").stdout)
    [application] = before["applications"]
    assert (application["phase"], application["status"]) == ("screener", "eliminated")
    [contested] = [d for d in application["decisions"] if d["kind"] == "not-invited"]
    assert (contested["author"], contested["stage"], contested["outcome"]) == ("board", "screener", "eliminated")
    assert contested["published_at"] == "2022-04-04T09:00:00+00:00"                      # R2

    cli("user", "add", "anna@example.eu", "--name", "A-4", "--role", "candidate", "--candidate", out)
    cli("user", "add", "officer@epso.eu", "--name", "Legal officer", "--role", "legal-officer")
    cli("user", "add", "member@board.eu", "--name", "Board member", "--role", "board-member", "--board", REF)

    cli.frozen.set(datetime(2022, 4, 8, 9, tzinfo=UTC))              # within the 10 days (P3, D9)
    reference = cli("case", "file", "review", "--as", "anna@example.eu", "--decision", contested["id"],
                    "-d", "grounds=my screener answers were marked against the wrong field").stdout.strip()
    assert reference.startswith("REV-2022-")
    case = json.loads(cli("case", "show", reference, "--json").stdout)
    assert (case["deciding_body"], case["lateness"]["late"]) == ("board", False)            # R1, D6
    assert case["contested_decision"]["id"] == contested["id"]

    for step in ("acknowledge", "analyse", "refer"):
        cli("case", "apply", reference, step, "--as", "officer@epso.eu")
    refused = cli("case", "apply", reference, "decide", "--as", "officer@epso.eu", "-d", "outcome=upheld",
                  "-d", "reason=x", ok=False)                        # R1: the board decides, not the legal team
    assert refused.exit_code != 0 and "(nothing was changed)" in refused.output
    cli("case", "apply", reference, "decide", "--as", "member@board.eu", "-d", "outcome=upheld",
        "-d", "reason=the answers were marked against the grid of another field")
    cli("case", "apply", reference, "reply", "--as", "officer@epso.eu",
        "-d", "body=Your request for review is upheld: you are invited to the assessment centre.")

    after = json.loads(cli("candidate", "show", "A-4", "--json").stdout)
    [application] = after["applications"]
    # R3: back at the stage of the decision, carried through the closed screener beyond the cap of 3
    assert (application["phase"], application["status"], application["reinstated"]) == (
        "assessment", "active", True)
    decisions = {d["id"]: d for d in application["decisions"]}
    assert decisions[contested["id"]]["annulled_by"] == reference
    assert decisions[contested["id"]]["contested_by"] == [reference]
    [reinstatement] = [d for d in application["decisions"] if d["kind"] == "reinstatement"]
    assert (reinstatement["stage"], reinstatement["author"], reinstatement["source"]) == ("screener", "board",
                                                                                         reference)
    assert application["history"][-1]["phase"] == "assessment"
    assert [(c["reference"], c["state"], c["outcome"]) for c in after["cases"]] == [(reference, "replied", "upheld")]

    text = cli("candidate", "show", out).stdout
    assert "A-4  EPSO/AD/398/22 field 1: assessment, active (reinstated, R3)" in text
    assert f"[annulled: {reference}]" in text
    shown = cli("case", "show", reference).stdout
    assert "outcome      upheld" in shown and "the answers were marked against the grid of another field" in shown
    assert "Your request for review is upheld" in shown
    listed = cli("candidate", "list", "--notice", REF, "--stage", "assessment").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["A-1", "A-2", "A-3", "A-4"]             # beyond the cap

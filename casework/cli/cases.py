"""`casework case …`: cases from the command line.

Every change goes through :func:`casework.workflows.requests.file_request` and
:func:`casework.workflows.apply` as a named user, exactly as the web views will: the same checks of
what is filed, the same permission checks, the same audit rows.
What is shown comes from :mod:`casework.cases.queries`; user-supplied text reaches the terminal
only through :func:`~casework.cli.support.printable`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from ..auth import accounts, permissions
from ..auth.actors import actor_for
from ..cases import queries
from ..cases.models import Case, CaseState, CaseType
from ..competitions import history
from ..workflows import Upload, WarningRequired, apply, available
from ..workflows.engine import check_step
from ..workflows.errors import MissingData, WorkflowError
from ..workflows.filing import MAX_UPLOAD_BYTES
from ..workflows.requests import FilingRequest, file_request
from .support import find_notice, local_minute, one_line, printable, transaction


def find_case(session: Session, reference: str) -> Case:
    case = queries.find_case(session, reference)
    if case is None:
        raise WorkflowError(f"no case {reference!r} (references look like {queries.REFERENCE_EXAMPLE})")
    return case


_JSON_HIDDEN = frozenset((*range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                          *range(0x2066, 0x206A)))     # what json.dumps(ensure_ascii=False) leaves raw


def json_text(data: Any) -> str:
    """``data`` as JSON for a terminal: the characters json leaves raw that a terminal would act on
    (DEL, C1 controls, bidirectional marks and overrides) as ``\\u`` escapes too — the same data, valid JSON."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if ord(c) in _JSON_HIDDEN else c for c in text)


@click.group("case", cls=AppGroup)
def case_group() -> None:
    """Cases: file, list, show (with deadlines and their computation), act."""


# --- case file ------------------------------------------------------------------------------

# the option that gives each field of a filing request, for the refusals (workflows.requests.FIELDS)
OPTIONS = {"decision": "--decision ID", "notice": "--notice REF", "candidate": "--candidate", "test": "--test",
           "sat_on": "--sat-on", "received_at": "--received-at",
           "decision_ids": "`casework candidate show` lists them with their ids"}


def _pairs(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise MissingData(f"{option}: {pair!r} is not KEY=VALUE")
        if key in data:
            raise MissingData(f"{option}: {key} is given twice")
        data[key] = value
    return data


def _upload(path: Path) -> Upload:
    """A file to attach, read only if it is a regular file within the size limit (the type and
    content are checked by the filing itself)."""
    try:
        if not path.is_file():
            raise MissingData(f"--attach: {str(path)!r} is not a file")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise MissingData(f"--attach: {path.name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        return Upload(path.name, path.read_bytes())
    except OSError as exc:
        raise MissingData(f"--attach: cannot read {str(path)!r} ({exc.strerror or type(exc).__name__})") from None


@case_group.command("file")
@click.argument("type_name", metavar="TYPE")
@click.option("--as", "email", required=True, help="Who files: the candidate, or the legal team on their behalf.")
@click.option("--decision", "decision_id", metavar="ID", help="The contested decision (R2; `candidate show` lists ids).")
@click.option("--notice", "notice_ref", metavar="REF", help="The notice, for a request about a test or the application form.")
@click.option("--candidate", "candidate_key", metavar="EMAIL|APPLICATION",
              help="The legal team: the candidate on whose behalf the request is registered.")
@click.option("--test", help="P1, P2: the test the request is about.")
@click.option("--sat-on", help="P1, P2: the day the test was sat, if no sitting is on record (YYYY-MM-DD).")
@click.option("--data", "-d", "pairs", multiple=True, metavar="KEY=VALUE",
              help="What is filed: grounds=…, question=…, explanation=…, error_type=…, description=…, "
                   "about=application-form, preparatory_steps_done=yes|no, preparatory_steps_claim=…, "
                   "technical_issue=yes, omission_date=…, items=a,b (P5), documents=… (Reg 1049/2001); "
                   "a key the type does not take is refused, naming those it takes.")
@click.option("--attach", "paths", multiple=True, type=click.Path(path_type=Path),
              help="Evidence: PDF, PNG, JPEG or UTF-8 text, at most 10 MB (repeatable).")
@click.option("--received-at", "received_at", metavar="WHEN",
              help="The legal team: when a request sent by post or e-mail was received (ISO instant with "
                   "offset, or a date: its start, Brussels time); lateness is counted from it (D6).")
@click.option("--confirm", "confirmed", multiple=True, metavar="WARNING",
              help="A warning shown before filing, confirmed (P4 against a board decision: p4-board-decision).")
def file_command(type_name: str, email: str, decision_id: str | None, notice_ref: str | None,
                 candidate_key: str | None, test: str | None, sat_on: str | None, pairs: tuple[str, ...],
                 paths: tuple[Path, ...], received_at: str | None, confirmed: tuple[str, ...]) -> None:
    """File a case of TYPE (neutralisation, technical-issue, review, complaint, access-info,
    access-documents) and print its reference. Never refused for lateness (D6): a late filing is
    recorded with its lateness, and the deciding body decides on it."""
    with transaction() as session:
        request = FilingRequest(type_name, decision=decision_id, notice=notice_ref, candidate=candidate_key,
                                test=test, sat_on=sat_on, details=_pairs(pairs, "-d"), received_at=received_at,
                                documents=[_upload(p) for p in paths], confirmed=confirmed)
        actor = actor_for(session, accounts.find_user(session, email))
        try:
            case = file_request(session, actor, request, OPTIONS)
        except WarningRequired as warning:
            raise WarningRequired(warning.code, f"{warning} To file it all the same, add --confirm "
                                                f"{warning.code}.") from None
        reference, late = case.reference, queries.lateness(case)
    click.echo(reference)
    if late and late["late"]:
        click.echo(f"{reference}: {_lateness_text(late)}; recorded, not refused: the deciding body decides on "
                   "its lateness (D6)", err=True)


# --- case list, show, apply -----------------------------------------------------------------

@case_group.command("list")
@click.option("--type", "case_type", type=click.Choice([t.value for t in CaseType]))
@click.option("--state", type=click.Choice([s.value for s in CaseState]))
@click.option("--candidate", "candidate_key", metavar="EMAIL|APPLICATION", help="Only this candidate's cases.")
@click.option("--notice", "notice_ref", metavar="REF", help="Only cases about applications to this notice.")
@click.option("--as", "email", help="Only the cases this user may see, as they see them (a candidate: no flags).")
@click.option("--json", "as_json", is_flag=True)
def list_cases(case_type: str | None, state: str | None, candidate_key: str | None, notice_ref: str | None,
               email: str | None, as_json: bool) -> None:
    """Cases, newest first (at most 500), with their state and deciding body."""
    with transaction() as session:
        actor = email and actor_for(session, accounts.find_user(session, email))
        candidate = None
        if candidate_key is not None:
            candidate = history.find_candidate(session, candidate_key)
            if candidate is None:
                raise MissingData(f"no candidate with the e-mail or application number {candidate_key!r}")
        rows = queries.case_list(session, case_type=case_type and CaseType(case_type),
                                 state=state and CaseState(state), candidate=candidate,
                                 notice=notice_ref and find_notice(session, notice_ref),
                                 visible=actor and permissions.case_filter(actor))
        if actor:
            rows = permissions.case_rows_for(actor, rows)
    if as_json:
        click.echo(json_text(rows))
        return
    for row in rows:
        flags = f"  [{', '.join(row['flags'])}]" if row.get("flags") else ""
        click.echo(f"{row['reference']}  {row['state']:<18} {row['deciding_body']:<21}{flags}")


def _lateness_text(late: dict[str, Any]) -> str:
    text = f"late by {late['days']} day(s) after the last day {late['last_day']}"
    if late["hours"] is not None:
        text += f", {late['hours']} h {late['minutes']:02d} min after the {late['hour_limit']} limit"
    return text


def _print_case(data: dict[str, Any], email: str | None) -> None:
    """The case as ``data`` gives it: the full view, or what one audience sees of it (a candidate's
    has no flags, analysis, reasons or outer limits: permissions.case_view_for)."""
    out = click.echo
    out(f"{data['reference']} ({data['rule']} {data['type']}): {data['state']}, decided by {data['deciding_body']}")
    out(f"  candidate    {one_line(data['candidate']['name'])} <{one_line(data['candidate']['email'])}>")
    if data["application"]:
        a = data["application"]
        out(f"  application  {one_line(a['number'])} ({one_line(a['notice'])}, field {one_line(a['field'])}): "
            f"now {a['phase']}, {a['status']}")
    if data["contested_decision"]:
        d = data["contested_decision"]
        out(f"  contests     decision #{d['id']}: {d['kind']} by {d['author']} at {d['stage']}, "
            f"published {local_minute(d['published_at'])}")
    how = " (received by post or e-mail, registered by the legal team)" if data["registered_by_legal_team"] else ""
    out(f"  filed        {local_minute(data['filed_at'])} by {one_line(data['filed_by'])}{how}")
    late = data["lateness"]
    if late is not None:
        text = _lateness_text(late) if late["late"] else "in time"
        if late["late"]:
            text += "; within the outer limit" if late.get("within_outer_limit") else ""
            text += f"; excuse: {late['excuse'] or 'none yet'}"
        out(f"  lateness     {text}")
    if data.get("flags"):
        out(f"  flags        {', '.join(one_line(f) for f in data['flags'])}")
    for d in data["deadlines"]:
        dates = f"act by {d['act_by']}, last day {d['last_day']}"
        if d.get("outer_limit", d["last_day"]) != d["last_day"]:
            dates += f", outer limit {d['outer_limit']}"
        out(f"  deadline     {d['name']} ({d['rule']}): {d['status']}, {dates}")
        for step in d["steps"]:
            out(f"                 {one_line(step)}")
    if data["outcome"]:
        decision = data["decision"] or {}
        by = f", decided {decision['on']} by {one_line(decision.get('by'))}" if decision.get("on") else ""
        ground = f" (ground: {one_line(decision['ground'])})" if decision.get("ground") else ""
        reason = f": {one_line(decision['reason'])}" if decision.get("reason") else ""
        out(f"  outcome      {one_line(data['outcome'])}{ground}{by}{reason}")
    if data.get("analysis"):
        a = data["analysis"]
        out(f"  analysis     {one_line(a.get('recommendation'))} by {one_line(a.get('by'))}: "
            f"{one_line(a.get('reason'))}")
    for m in data["messages"]:
        arrow = "from" if m["direction"] == "in" else "to candidate, by"
        out(f"  message      {local_minute(m['at'])} {m['kind']} {arrow} {one_line(m['author'])} ({m['language']})")
        for line in printable(m["body"]).splitlines():
            out(f"                 {line}")
    for d in data["documents"]:
        out(f"  document     #{d['id']} {d['kind']}: {one_line(d['name'])}, {d['size']} bytes, {d['media_type']}, "
            f"sha256 {d['sha256']}")
    for e in data["trail"]:
        reason = f" ({one_line(e['reason'])})" if e.get("reason") else ""
        out(f"  trail        {local_minute(e['at'])} {one_line(e['actor'])}: {e['action']} {e['from'] or ''} -> "
            f"{e['to']}{reason}")
    if "may" in data:
        out(f"  {one_line(email)} may: {', '.join(data['may']) or 'nothing now'}")


@case_group.command("show")
@click.argument("reference")
@click.option("--as", "email", help="As this user: shown only if they may see it, as much of it as they may see "
                                    "(a candidate: no internal analysis or reasons, the board as a body), with "
                                    "the steps they may take now.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable, with full deadline computations.")
def show_case(reference: str, email: str | None, as_json: bool) -> None:
    """A case: state, deciding body, filing and lateness, deadlines with how they were computed (D6),
    outcome and reasons, messages, documents, trail. Without --as: the whole file (the legal team's)."""
    with transaction() as session:
        case = find_case(session, reference)
        if email is None:
            data = queries.case_view(session, case)
        else:
            actor = actor_for(session, accounts.find_user(session, email))
            data = permissions.case_view_for(session, actor, case)
            if data is None:
                raise WorkflowError(f"no case {reference!r} that {email} may see")   # can_view (R1, P5)
            data["may"] = [st.trigger for st in available(session, case, actor)]
    if as_json:
        click.echo(json_text(data))
        return
    _print_case(data, email)


@case_group.command("apply")
@click.argument("reference")
@click.argument("trigger")
@click.option("--as", "email", required=True, help="The user acting (their rights are checked).")
@click.option("--data", "-d", "pairs", multiple=True, metavar="KEY=VALUE",
              help="reason=…, outcome=…, body=…, ground=…, excuse=…, recommendation=…, "
                   "preparatory_steps=…, deadline=…, kind=…, period=…, on=…; a key given twice is refused")
@click.option("--version", "expected_version", type=int, help="Refuse if the case moved past this version.")
def apply_step(reference: str, trigger: str, email: str, pairs: tuple[str, ...], expected_version: int | None) -> None:
    """Take one step on a case, e.g. `case apply REV-2022-000042 acknowledge --as officer@…`."""
    with transaction() as session:
        data = _pairs(pairs, "-d")                        # a key given twice is refused, not overwritten
        case = find_case(session, reference)
        actor = actor_for(session, accounts.find_user(session, email))
        before = case.state.value
        check_step(session, case, trigger, actor, data)     # e.g. -d expected_version=…: refused, not passed twice
        apply(session, case, trigger, actor, expected_version=expected_version, **data)
        click.echo(f"{case.reference}: {trigger}: {before} -> {case.state.value}")

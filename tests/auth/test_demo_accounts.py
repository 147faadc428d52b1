"""`casework demo accounts` (issue 11): one ready account per role, candidates at the stages worth
seeing (not invited after the screener, failed a test, on a reserve list, a request for review under
way), found by queries over the data; a second run gives new passwords to the same accounts and
files nothing twice. A small AD/398/22 field stands in for the demo data (loading it takes a minute)."""
from __future__ import annotations

from sqlalchemy import func, select

from casework.auth import passwords
from casework.auth.models import BoardMembership, Role, User
from casework.cases.models import Case, CaseState, CaseType
from casework.competitions.models import Decision
from casework.demo.accounts import DOMAIN, demo_accounts, table

from ..commands import on_a_sqlite_file
from ..competitions import factories as f

CHEAP = passwords.hasher(**passwords.TESTING)


def _competition(session, frozen):
    """One field, one place: A and B pass everything (A listed), F is invited and fails the assessment,
    C and D are not invited after the screener, E is excluded at eligibility by the board."""
    notice = f.publish(session, only_fields=("1",), places={"1": 1})
    people = {name: f.apply(session, notice, surname=f"Person {name}") for name in "ABCDF"}
    people["E"] = f.apply(session, notice, surname="Person E", profile=f.profile(subjects=["law"]))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    for name, total in zip("ABFCD", (40, 38, 36, 20, 18), strict=True):
        f.screener(session, people[name], total)
    f.close(session, notice, "screener")
    for name, competencies in (("A", 70), ("B", 60), ("F", 10)):
        f.assessment(session, people[name], competencies=competencies)
        people[name].documents_supported = True
    f.close(session, notice, "assessment", "document-check", "reserve-list")
    return notice, people


def test_one_ready_account_per_role_and_candidates_at_stages_worth_seeing(session, frozen):
    notice, people = _competition(session, frozen)
    rows = demo_accounts(session, using=CHEAP)
    roles = [r.role for r in rows]
    assert set(roles) == {r.value for r in Role}
    assert roles.count("candidate") == 4
    by_email = {r.email: r for r in rows}
    for row in rows:
        user = session.scalar(select(User).where(User.email == row.email))
        assert user.active and passwords.verify(user.password_hash, row.password, CHEAP)
        assert len(row.password) >= passwords.MIN_LENGTH
        if row.role != "candidate":
            assert row.email == f"{row.role}@{DOMAIN}"
    candidates = {people[n].candidate.email: n for n in people}
    stages = {candidates[r.email]: r.look_at for r in rows if r.role == "candidate"}
    assert set(stages) == {"C", "F", "A", "E"}
    assert "not invited after the talent screener" in stages["C"]
    assert "failed a test" in stages["F"]
    assert "reserve list" in stages["A"]
    [case] = session.scalars(select(Case).where(Case.candidate_id == people["E"].candidate_id))
    assert (case.type, case.state, case.late) == (CaseType.REVIEW, CaseState.ACKNOWLEDGED, False)
    assert session.get(Decision, case.decision_id).kind == "excluded"
    assert case.reference in stages["E"] and case.reference in by_email[f"legal-officer@{DOMAIN}"].look_at
    board = session.scalar(select(User).where(User.role == Role.BOARD_MEMBER))
    assert session.scalar(select(BoardMembership.notice_id).where(BoardMembership.user_id == board.id)) == notice.id
    legal = session.scalar(select(User).where(User.role == Role.LEGAL_OFFICER))
    assert legal.head_of_unit_id == session.scalar(select(User.id).where(User.role == Role.HEAD_OF_UNIT))
    text = table(rows)
    assert text.splitlines()[0].split() == ["role", "e-mail", "password", "what", "to", "look", "at"]
    assert all(r.email in text and r.password in text for r in rows)

    # again: the same accounts with new passwords (logged out everywhere), nothing filed twice
    versions = {u.email: u.session_version for u in session.scalars(select(User))}
    again = demo_accounts(session, using=CHEAP)
    assert [r.email for r in again] == [r.email for r in rows]
    for old, new in zip(rows, again, strict=True):
        user = session.scalar(select(User).where(User.email == new.email))
        assert passwords.verify(user.password_hash, new.password, CHEAP)
        assert not passwords.verify(user.password_hash, old.password, CHEAP)
        assert user.session_version == versions[new.email] + 1
    assert session.scalar(select(func.count()).select_from(Case)) == 1
    assert session.scalar(select(func.count()).select_from(User)) == len(rows)


def test_the_command_refuses_an_empty_database_in_one_line(tmp_path, monkeypatch):
    run = on_a_sqlite_file(tmp_path, monkeypatch)
    try:
        result = run("demo", "accounts", ok=False)
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert "no demo data: run `casework demo load` first (nothing was changed)" in result.output
    finally:
        run.engine.dispose()

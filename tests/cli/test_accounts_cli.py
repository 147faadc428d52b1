"""`casework user add|conflict` over casework.auth.accounts, on both backends: accounts with their
boards and candidate record, conflicts of interest with their audit row (People and bodies; C1, R1);
and the account functions the administration pages will call."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.audit import AuditEvent
from casework.auth import accounts
from casework.auth.accounts import AccountError
from casework.auth.actors import actor_for
from casework.auth.models import BoardMembership, ConflictOfInterest, Role, User
from casework.competitions import applications as apps

from ..competitions import factories as f
from .backends import command  # noqa: F401  (fixture)


@pytest.fixture
def people(command):  # noqa: F811
    """A notice (its board) and two candidate records."""
    with command.db.session_scope() as s:
        command.notice = f.publish(s).reference
        for n, email in enumerate(("Anna.Kowalska@Example.eu", "jan@example.eu")):
            apps.register_candidate(s, email=email, identity_key=f"ID-{n}", surname="S", given_names="G",
                                    correspondence_language="PL")
    return command


def _trail(db, user_id):
    with db.session_scope() as s:
        return [(e.action, e.reason, e.changes, e.actor) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == user_id)
            .order_by(AuditEvent.id))]


def test_a_board_member_sits_on_the_boards_named_and_the_trail_says_so(people):
    out = people("user", "add", " Member@Board.EU ", "--name", "Board member", "--role", "board-member",
                 "--board", people.notice, "--language", "fr").output
    assert out == "user member@board.eu (board-member) created\n"           # stored lower-case
    with people.db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == "member@board.eu"))
        assert (user.role, user.language, user.active, user.password_hash) == (Role.BOARD_MEMBER, "FR", True, None)
        assert actor_for(s, user).boards == {m.notice_id for m in s.scalars(select(BoardMembership))}
        user_id = user.id
    assert [(a, c) for a, _, c, _ in _trail(people.db, user_id)] == [
        ("create", {"role": "board-member", "language": "FR"}), ("join_board", {"notice": people.notice})]


def test_a_candidate_account_is_linked_to_its_record_found_in_any_case(people):
    people("user", "add", "anna@portal.eu", "--name", "Anna", "--role", "candidate",
           "--candidate", "anna.kowalska@example.eu")
    with people.db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == "anna@portal.eu"))
        assert user.candidate_id is not None and actor_for(s, user).candidate_id == user.candidate_id


def test_a_declared_conflict_is_recorded_once_with_its_audit_row(people):
    people("user", "add", "officer@epso.eu", "--name", "Officer", "--role", "legal-officer")
    out = people("user", "conflict", "OFFICER@epso.eu", "jan@example.eu", "--reason", "brother-in-law").output
    assert out == "conflict of interest recorded: officer@epso.eu / jan@example.eu\n"
    with people.db.session_scope() as s:
        user = s.scalar(select(User).where(User.email == "officer@epso.eu"))
        [conflict] = s.scalars(select(ConflictOfInterest))
        assert (conflict.user_id, conflict.reason) == (user.id, "brother-in-law")
        assert conflict.candidate_id in actor_for(s, user).conflicts
        user_id = user.id
    action, reason, changes, actor = _trail(people.db, user_id)[-1]
    assert (action, reason, actor) == ("declare_conflict", "brother-in-law", "cli")
    assert changes == {"conflict_id": conflict.id, "candidate_id": conflict.candidate_id}


# --- the domain functions, in a rolled-back session ---------------------------------------------

@pytest.fixture
def board(session, frozen):
    notice = f.publish(session)
    other = f.publish(session, f.AD402)
    member = accounts.create_user(session, email="m@board.eu", name="M", role="board-member",
                                  boards=[notice.reference], actor="test")
    return member, notice, other


def test_board_memberships_are_added_and_removed_but_never_the_last(session, board):
    member, notice, other = board
    accounts.add_board_membership(session, member, other.reference, actor="admin")
    with pytest.raises(AccountError, match="already sits on the board"):
        accounts.add_board_membership(session, member, other.reference, actor="admin")
    accounts.remove_board_membership(session, member, notice.reference, actor="admin", reason="left the board")
    assert actor_for(session, member).boards == {other.id}
    with pytest.raises(AccountError, match="only board of m@board.eu: a board member sits on at least one"):
        accounts.remove_board_membership(session, member, other.reference, actor="admin")
    with pytest.raises(AccountError, match="does not sit on the board"):
        accounts.remove_board_membership(session, member, notice.reference, actor="admin")
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "user",
                                                              AuditEvent.entity_id == member.id)
                              .order_by(AuditEvent.id)).all()
    assert actions == ["create", "join_board", "join_board", "leave_board"]


def test_only_a_board_member_joins_a_board_and_a_candidate_declares_no_conflict(session, board):
    _, notice, _ = board
    officer = accounts.create_user(session, email="o@epso.eu", name="O", role=Role.LEGAL_OFFICER, actor="t")
    with pytest.raises(AccountError, match="only a board member sits on a selection board, not a legal-officer"):
        accounts.add_board_membership(session, officer, notice.reference, actor="t")
    candidate = apps.register_candidate(session, email="c@example.eu", identity_key="ID-C", surname="C",
                                        given_names="C", correspondence_language="EN")
    account = accounts.create_user(session, email="c@portal.eu", name="C", role="candidate",
                                   candidate_email="c@example.eu", actor="t")
    with pytest.raises(AccountError, match="declares no conflict"):
        accounts.declare_conflict(session, account, candidate, "x", actor="t")


@pytest.mark.parametrize("text", ["not-an-address", "a@b", "a b@x.eu", "a@@x.eu", "@x.eu", "a@x.", "a@-x.eu",
                                  "a..b@x.eu", "a@x.eu\n", "a\x00b@x.eu", "a@x.e", "x" * 250 + "@x.eu", ""])
def test_what_is_not_an_address_is_refused(text):
    with pytest.raises(AccountError):
        accounts.normalise_email(text)


@pytest.mark.parametrize("text, stored", [("Ann.O'Neil+eu@Example.EU", "ann.o'neil+eu@example.eu"),
                                          (" zoë@bücher.example.de ", "zoë@bücher.example.de"),
                                          ("a@sub-1.x.eu", "a@sub-1.x.eu")])
def test_addresses_are_stored_lower_case(text, stored):
    assert accounts.normalise_email(text) == stored


def test_find_user_ignores_case_and_deactivated_accounts(session, board):
    member, _, _ = board
    assert accounts.find_user(session, "M@Board.eu") is member
    member.active = False
    with pytest.raises(AccountError, match="no active user 'm@board.eu'"):
        accounts.find_user(session, "m@board.eu")
    assert accounts.find_user(session, "m@board.eu", active=False) is member


def test_board_membership_from_the_command_line_join_and_leave_audited(people):
    with people.db.session_scope() as s:
        second = f.publish(s, f.AST151).reference
    people("user", "add", "member@board.eu", "--name", "Board member", "--role", "board-member",
           "--board", people.notice)
    assert people("user", "join-board", "member@board.eu", second).output == (
        f"member@board.eu sits on the board of {second}\n")
    again = people("user", "join-board", "member@board.eu", second, ok=False)
    assert again.exit_code == 1 and "already sits on the board" in again.output
    out = people("user", "leave-board", "member@board.eu", people.notice, "--reason", "appointed elsewhere").output
    assert out == f"member@board.eu no longer sits on the board of {people.notice}\n"
    last = people("user", "leave-board", "member@board.eu", second, "--reason", "x", ok=False)
    assert "is the only board of member@board.eu" in last.output and "(nothing was changed)" in last.output
    with people.db.session_scope() as s:
        user_id = s.scalar(select(User.id).where(User.email == "member@board.eu"))
    assert [(a, r) for a, r, _, _ in _trail(people.db, user_id)][-2:] == [("join_board", None),
                                                                          ("leave_board", "appointed elsewhere")]

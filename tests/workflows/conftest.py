"""Scenes the procedures' tests share: a candidate excluded by the board, one excluded by EPSO."""
from __future__ import annotations

import pytest

from casework import clock
from casework.competitions import stages

from ..competitions import factories as f


@pytest.fixture
def excluded_by_board(session, frozen):
    """AD/398/22 field 1: one candidate excluded at eligibility by the board (C5), two others
    through to the screener."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    others = [f.apply(session, notice) for _ in range(2)]
    out = f.apply(session, notice, profile=f.profile("degree-4y", "2018-06-30", f.job("2010-01-01")))
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application", "eligibility")
    session.refresh(out)
    return notice, out, others


@pytest.fixture
def excluded_by_epso(session, frozen):
    """AD/398/22 field 1: on Tuesday 22 March 2022 (Brussels) EPSO excludes one candidate on general
    eligibility (C5, C15: EPSO's own decision, so only a complaint opens the way to court); the board
    then admits the two others to the screener."""
    notice = f.publish(session, only_fields=("1",), places={"1": 2})
    admitted = [f.apply(session, notice) for _ in range(2)]
    out = f.apply(session, notice)
    f.after_deadline(frozen, notice)
    f.close(session, notice, "application")
    stages.exclude(session, out, ground="general_eligibility", author="epso", actor="epso",
                   published_at=clock.now(), reason="no declaration on civil rights")
    f.close(session, notice, "eligibility")
    f.refresh(session, out, *admitted)
    return notice, out

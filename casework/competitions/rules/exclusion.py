"""C15 exclusion grounds and the body that decides them by default.

The deciding body (EPSO or the selection board) decides routing of a later
request or complaint (R1, R2; P4: the Director cannot overturn a board
decision). Defaults follow 003 Annex II 4.4 ("if EPSO establishes...") and
002 footnote 16 (general eligibility: EPSO; specific eligibility: board); the
board also checks documents (C11) and marks anonymous papers. A notice may
override any default with ``overrides`` (C5: in AD/402/23 the board decides on all the
eligibility conditions, 004 4.3.3 b).

Some exclusions admit a claim by the candidate that undoes them (C15): not booking or not
attending a test stands "medmindre ansøgerne kan bevise, at [det] skyldes omstændigheder, som
ansøgerne ikke har nogen indflydelse på, eller force majeure" (004 4.4 (4)). The exclusion
records that the claim is open (``Exclusion.admits``); the body that took the exclusion decides
on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Body(str, Enum):
    EPSO = "epso"
    BOARD = "board"


class ExclusionGround(str, Enum):
    MULTIPLE_ACCOUNTS = "multiple_accounts"  # C1
    INCOMPATIBLE_FIELDS = "incompatible_fields"  # C2
    GENERAL_ELIGIBILITY = "general_eligibility"  # C5
    SPECIFIC_ELIGIBILITY = "specific_eligibility"  # C5
    FALSE_OR_UNSUPPORTED_DECLARATION = "false_or_unsupported_declaration"  # C11
    NO_SCREENER_ANSWER = "no_screener_answer"  # C6
    REMOTE_TESTING_RULES = "remote_testing_rules"
    NO_BOOKING_OR_ABSENCE = "no_booking_or_absence"
    CHEATING = "cheating"
    LANGUAGES_NOT_DECLARED = "languages_not_declared"  # C4
    CONTACTED_BOARD_MEMBER = "contacted_board_member"
    UNDECLARED_CONFLICT_OF_INTEREST = "undeclared_conflict_of_interest"
    WRONG_APPLICATION_LANGUAGE = "wrong_application_language"  # C4
    MARKED_ANONYMOUS_PAPER = "marked_anonymous_paper"


class Claim(str, Enum):
    """A claim a candidate may make against an exclusion (C15)."""

    FORCE_MAJEURE = "force-majeure"  # circumstances beyond the candidate's control (004 4.4 (4))


DEFAULT_CLAIMS: Mapping[ExclusionGround, Claim] = {
    ExclusionGround.NO_BOOKING_OR_ABSENCE: Claim.FORCE_MAJEURE,
}


def admitted_claim(ground: ExclusionGround) -> Claim | None:
    """C15: the claim an exclusion on ``ground`` admits, if any."""
    return DEFAULT_CLAIMS.get(ExclusionGround(ground))


DEFAULT_DECIDING_BODY: Mapping[ExclusionGround, Body] = {
    ExclusionGround.MULTIPLE_ACCOUNTS: Body.EPSO,
    ExclusionGround.INCOMPATIBLE_FIELDS: Body.EPSO,
    ExclusionGround.GENERAL_ELIGIBILITY: Body.EPSO,
    ExclusionGround.SPECIFIC_ELIGIBILITY: Body.BOARD,
    ExclusionGround.FALSE_OR_UNSUPPORTED_DECLARATION: Body.BOARD,
    ExclusionGround.NO_SCREENER_ANSWER: Body.EPSO,
    ExclusionGround.REMOTE_TESTING_RULES: Body.EPSO,
    ExclusionGround.NO_BOOKING_OR_ABSENCE: Body.EPSO,
    ExclusionGround.CHEATING: Body.EPSO,
    ExclusionGround.LANGUAGES_NOT_DECLARED: Body.EPSO,
    ExclusionGround.CONTACTED_BOARD_MEMBER: Body.EPSO,
    ExclusionGround.UNDECLARED_CONFLICT_OF_INTEREST: Body.EPSO,
    ExclusionGround.WRONG_APPLICATION_LANGUAGE: Body.EPSO,
    ExclusionGround.MARKED_ANONYMOUS_PAPER: Body.BOARD,
}


def deciding_body(
    ground: ExclusionGround, overrides: Mapping[ExclusionGround, Body] | None = None
) -> Body:
    ground = ExclusionGround(ground)
    if overrides and ground in overrides:
        return Body(overrides[ground])
    return DEFAULT_DECIDING_BODY[ground]


@dataclass(frozen=True)
class Exclusion:
    """What every exclusion records (C15): ground, deciding body, stage, reason, and the claim
    it admits (None: none)."""

    ground: ExclusionGround
    body: Body
    stage: str
    reason: str = ""
    admits: Claim | None = None


def exclusion(
    ground: ExclusionGround,
    stage: str,
    reason: str = "",
    overrides: Mapping[ExclusionGround, Body] | None = None,
) -> Exclusion:
    ground = ExclusionGround(ground)
    return Exclusion(ground, deciding_body(ground, overrides), stage, reason, admitted_claim(ground))

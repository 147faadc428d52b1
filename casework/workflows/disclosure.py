"""P5: what a candidate may be given on a request for access to information, and what not.

The categories are the 2022 general rules' own (003 Annex II 3.2): each excluded category is
answered with the rule that excludes it; what may be given is attached to the reply.
"""
from __future__ import annotations

from dataclasses import dataclass

_CONFIDENTIAL = ("board confidentiality: Staff Regulations Annex III Art 6; "
                 "notice Annex II 3.2 (2022 general rules)")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    excluded_by: str | None = None        # the rule that excludes it; None: may be given
    condition: str | None = None          # what the legal team must confirm before giving it


CATEGORIES = {c.code: c for c in (
    Category("uncorrected-written-answers", "an uncorrected copy of the candidate's own written answers",
             condition="the content will not be reused in later competitions (Annex II 3.2.2)"),
    Category("results", "the candidate's results and the answer table by question reference (C13)"),
    Category("competency-passport", "the competency passport with the board's feedback (Annex II 3.2.1)"),
    Category("case-study-answers", "answers to a case study",
             excluded_by="expressly excluded: notice Annex II 3.2.2 (2022 general rules)"),
    Category("e-tray-answers", "answers to an e-tray (inbox) exercise",
             excluded_by="expressly excluded: notice Annex II 3.2.2 (2022 general rules)"),
    Category("marked-copy", "the marked copy of the candidate's answers", excluded_by=_CONFIDENTIAL),
    Category("marking-details", "the details of the marking", excluded_by=_CONFIDENTIAL),
    Category("board-member-views", "the views of individual board members", excluded_by=_CONFIDENTIAL),
    Category("comparisons", "comparative assessments of candidates", excluded_by=_CONFIDENTIAL),
    Category("questions-and-answers", "the MCQ questions and answer options themselves",
             excluded_by="expressly excluded: notice Annex II 3.2.1 (2022 general rules)"),
)}


@dataclass(frozen=True)
class Answer:
    code: str
    given: bool
    why: str


def answer(requested: list[str], confirmed: set[str] | frozenset[str] = frozenset()) -> list[Answer]:
    """The reply item by item: excluded categories with their rule, conditional ones only when
    the legal team confirmed the condition, the rest given."""
    out = []
    for code in requested:
        category = CATEGORIES.get(code)
        if category is None:
            out.append(Answer(code, False, "not a category of information candidates have a right to "
                                           "(notice Annex II 3.2); a request under Reg 1049/2001 is separate"))
        elif category.excluded_by:
            out.append(Answer(code, False, category.excluded_by))
        elif category.condition and code not in confirmed:
            out.append(Answer(code, False, f"not given: it cannot be confirmed that {category.condition}"))
        else:
            out.append(Answer(code, True, f"given: {category.label}"))
    return out

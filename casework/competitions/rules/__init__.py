"""Competition rules (C5-C9, C11-C13, C15, P1, R3) as plain functions over plain data.

No Flask, no SQLAlchemy: callers load data, call these functions and persist
the results. Every number (places, pass marks, caps, weights, durations) is a
parameter, taken by the callers from the notice document
(``casework.competitions.definition``), never a constant here.
"""

from ._numbers import exact
from .eligibility import (
    Alternative,
    AlternativeOutcome,
    CandidateProfile,
    Diploma,
    EducationLevels,
    EligibilityResult,
    EligibilityRules,
    Experience,
    ExperienceKind,
    check_alternative,
    check_eligibility,
    counted_months,
    month_measure,
    qualifying_diploma,
)
from .exclusion import DEFAULT_DECIDING_BODY, Body, Exclusion, ExclusionGround, deciding_body, exclusion
from .mcq import (
    GivenTest,
    McqScore,
    NeutralisationOutcome,
    Question,
    QuestionResult,
    inclusive_pass,
    score_mcq,
    simulate_neutralisation,
)
from .passmarks import PassFailure, PassMark, PassResult, combined, evaluate, threshold
from .ranking import RankedEntry, Rounding, Selection, invitation_cap, rank_scores, select_with_ties
from .reserve import (
    DocumentCheckResult,
    ListedPerson,
    PublicationLine,
    document_check,
    name_sort_key,
    publication_order,
)
from .screener import ScreenerScale, answered_none, rank_screener, reading_order, screener_score, validate_weights

__all__ = [
    "DEFAULT_DECIDING_BODY",
    "Alternative",
    "AlternativeOutcome",
    "Body",
    "CandidateProfile",
    "Diploma",
    "DocumentCheckResult",
    "EducationLevels",
    "EligibilityResult",
    "EligibilityRules",
    "Exclusion",
    "ExclusionGround",
    "Experience",
    "ExperienceKind",
    "GivenTest",
    "ListedPerson",
    "McqScore",
    "NeutralisationOutcome",
    "PassFailure",
    "PassMark",
    "PassResult",
    "PublicationLine",
    "Question",
    "QuestionResult",
    "RankedEntry",
    "Rounding",
    "ScreenerScale",
    "Selection",
    "answered_none",
    "check_alternative",
    "check_eligibility",
    "combined",
    "counted_months",
    "deciding_body",
    "document_check",
    "evaluate",
    "exact",
    "exclusion",
    "inclusive_pass",
    "invitation_cap",
    "month_measure",
    "name_sort_key",
    "publication_order",
    "qualifying_diploma",
    "rank_scores",
    "rank_screener",
    "reading_order",
    "score_mcq",
    "screener_score",
    "select_with_ties",
    "simulate_neutralisation",
    "threshold",
    "validate_weights",
]

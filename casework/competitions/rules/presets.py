"""Notice data taken from the seed texts, for tests and for seeding the database.

Nothing in the rule modules depends on these values; they are passed in as
parameters. Sources: 003 (EPSO/AD/398/22, EPSO/AST/151/22, OJ C 76 A,
17.2.2022), 004 (amendment of EPSO/AD/402/23, C/2024/3223), 002 (2015 general
rules, 1.3).
"""

from __future__ import annotations

from .eligibility import Alternative, EducationLevels, EligibilityRules
from .passmarks import PassMark
from .phases import PhaseSequence
from .screener import ScreenerScale

# C5: levels lowest first (names are ours; the notices describe them in words).
EDUCATION_LEVELS = EducationLevels(
    ("secondary-access-higher", "post-secondary-2y", "degree-3y", "degree-4y", "doctorate")
)
# 002 1.3 b: a doctorate counts as experience for at most 3 years.
RULES_2015 = EligibilityRules(levels=EDUCATION_LEVELS, doctorate_cap_months=36)

# C2: reserve-list places per field.
AD_398_22_PLACES = {1: 71, 2: 49, 3: 70, 4: 73, 5: 87}
AST_151_22_PLACES = {1: 47, 2: 55, 3: 74, 4: 29}

# C7: invitation cap multipliers ("at most N times the places").
AD_398_22_CAP_MULTIPLIER = 3  # 003 4.3.4: assessment centre
AST_151_22_CAP_MULTIPLIER = 3
AD_402_23_CAP_MULTIPLIER = "1.5"  # 004 4.3.3 a: written test marking + eligibility

# C5 alternatives (003 section 3.3).
AD_398_22_FIELDS_1_4 = (
    Alternative("a", "degree-4y", 72, 36),
    Alternative("b", "degree-3y", 84, 48),
)
AD_398_22_FIELD_5 = (
    Alternative("a", "degree-4y", 108, 36),
    Alternative("b", "degree-3y", 120, 48),
)
AST_151_22_FIELDS = (
    Alternative("a", "post-secondary-2y", 72, 36),
    Alternative("b", "secondary-access-higher", 108, 36),
)

# C6: 003 Annex IV: weights 1-3, marks 0-4.
SCREENER_SCALE_2022 = ScreenerScale(min_weight=1, max_weight=3, min_mark=0, max_mark=4)

# C8 reasoning tests.
REASONING_2022 = (PassMark(("verbal", "numerical", "abstract"), 20, 40),)  # AD/398/22, AST/151/22
AD_402_23_REASONING = (
    PassMark(("numerical",), 6, 10),
    PassMark(("verbal", "abstract"), 15, 30),
)
# C9 competency tests.
AD_398_22_COMPETENCIES = (PassMark(("competencies",), 40, 80), PassMark(("field_interview",), 60, 100))
AST_151_22_COMPETENCIES = (PassMark(("competencies",), 35, 70),)
AD_402_23_FIELD_TESTS = (PassMark(("field_mcq",), 15, 30), PassMark(("written_test",), 5, 10))

# C16 phase sequences.
AD_398_22_PHASES = PhaseSequence(
    ("application", "eligibility", "talent_screener", "assessment_centre", "document_check", "reserve_list")
)
AD_402_23_PHASES = PhaseSequence(("application", "tests", "written_test_and_eligibility", "reserve_list"))

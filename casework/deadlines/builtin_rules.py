"""The built-in rule sets as data: the 2022 and 2015 general rules (D7, D8, D9).

The Staff Regulations' and Regulation 1049/2001's periods roll forward and apply Art 3(5) as
they stand; the limits the general rules set for the candidate's requests do not (D5 as
corrected: the candidate is told the last day itself). A rule's ``audience`` says who must act
(D2: a date shown to a candidate never rests on an unconfirmed holiday). The Staff Regulations
and Regulation 1049/2001 rules are the same in both sets;
the competition-specific limits come from each set's general rules. A notice
derives its own set from one of these with overrides (``RuleSet.from_dict``).
"""

from __future__ import annotations

_COUNTING = ("a plain calendar-day limit: the event day is not counted (Reg 1182/71 Art 3(1)) and no text makes "
             "it roll forward, so the date to act by is the last day itself; the day to which Art 3(4)-(5) "
             "would move it is the outer limit that the deciding body weighs on a late filing (RULES D5, D6)")
# D5: the limits a notice or the general rules set for P1, P2, P3 and P5 do not roll forward
_NOTICE_LIMIT = {"roll_forward": False, "art_3_5": False}
_EPSO_ACTS = {"audience": "administration"}      # EPSO or the appointing authority must act
_MONTHS = "Reg 1182/71 Art 3(1), 3(2)(c) (same date or last day of the month), 3(4), 3(5)"

# Time limits of the Staff Regulations (Art 90-91) and of Reg 1049/2001, common to both sets.
STATUTORY_RULES = {
    "art90-complaint": {
        "period": "3m",
        "source": "Staff Regulations Art 90(2): complaint within 3 months from notification of the "
                  "decision to the person (publication for a general measure; expiry of the reply period "
                  "for an implied rejection of an Art 90(1) request); " + _MONTHS,
    },
    "art90-reply": {
        **_EPSO_ACTS,
        "period": "4m",
        "source": "Staff Regulations Art 90(2): the appointing authority replies within 4 months from the "
                  "date the complaint was lodged; no reply by then is an implied rejection (the last day "
                  "is the date of implied rejection); " + _MONTHS,
    },
    "court-action": {
        "period": "3m",
        "plus": "10cd",
        "place": "court",
        "source": "Staff Regulations Art 91(3), TFEU Art 270: action before the General Court within 3 months "
                  "from notification of the reply or from the date of implied rejection; Rules of Procedure "
                  "of the General Court Art 60: single extension of 10 days on account of distance; Art 58(2): "
                  "a period ending on a Saturday, Sunday or official holiday of the Court runs to the end of "
                  "the next working day. An express rejection before this period has expired starts it "
                  "afresh (record a 'restart' decision, D7)",
    },
    "access-initial": {
        **_EPSO_ACTS,
        "period": "15wd",
        "source": "Reg 1049/2001 Art 7(1): reply to an initial application within 15 working days from its "
                  "registration; Reg 1182/71 Art 2(2), 3(1)",
    },
    "access-initial-extended": {
        **_EPSO_ACTS,
        "period": "15wd",
        "plus": "15wd",
        "source": "Reg 1049/2001 Art 7(3): the 15 working days of Art 7(1) extended once by 15 working days, "
                  "with reasons given in advance; Reg 1182/71 Art 2(2), 3(1)",
    },
    "access-confirmatory": {
        "period": "15wd",
        "source": "Reg 1049/2001 Art 7(2), 7(4): confirmatory application within 15 working days of "
                  "receiving the reply or of the expiry of the reply period; Reg 1182/71 Art 2(2), 3(1)",
    },
    "access-confirmatory-reply": {
        **_EPSO_ACTS,
        "period": "15wd",
        "source": "Reg 1049/2001 Art 8(1): reply to a confirmatory application within 15 working days from its "
                  "registration; no reply counts as a negative reply (Art 8(3)); Reg 1182/71 Art 2(2), 3(1)",
    },
    "access-confirmatory-reply-extended": {
        **_EPSO_ACTS,
        "period": "15wd",
        "plus": "15wd",
        "source": "Reg 1049/2001 Art 8(2): the 15 working days of Art 8(1) extended once by 15 working days, "
                  "with reasons given in advance; Reg 1182/71 Art 2(2), 3(1)",
    },
}

_ANNEX_2022 = "Notice Annex II {point} (2022 general rules, OJ C 76 A, 17.2.2022)"
_RULES_2015 = "General rules {point} (2015, OJ C 70 A, 27.2.2015)"

GENERAL_RULES_2022 = {
    "name": "2022",
    "version": "2022-02-17",
    "source": "General rules governing open competitions, Annex II to notices EPSO/AD/398/22 and "
              "EPSO/AST/151/22, OJ C 76 A, 17.2.2022",
    "rules": {
        "neutralisation": {
            **_NOTICE_LIMIT,
            "period": "3cd",
            "source": _ANNEX_2022.format(point="4.2.1") + ": request within 3 calendar days after the date "
                      "of the computer-based tests; " + _COUNTING,
        },
        "technical-issue": {
            **_NOTICE_LIMIT,
            "period": "3cd",
            "source": _ANNEX_2022.format(point="4.1") + ": contact EPSO within 3 calendar days after the "
                      "test; " + _COUNTING,
        },
        "review": {
            **_NOTICE_LIMIT,
            "period": "10cd",
            "source": _ANNEX_2022.format(point="4.2.2") + ": request for review within 10 calendar days "
                      "after the contested decision was published in the candidate's EPSO account; " + _COUNTING,
        },
        "review-ack": {
            **_EPSO_ACTS,
            "period": "15wd",
            "source": _ANNEX_2022.format(point="4.2.2") + ": acknowledgement of receipt within 15 working "
                      "days; Reg 1182/71 Art 2(2), 3(1)",
        },
        "info-request": {
            **_NOTICE_LIMIT,
            "period": "10cd",
            "source": _ANNEX_2022.format(point="3.2.2") + ": request for information within 10 calendar "
                      "days after the results were published in the candidate's EPSO account; " + _COUNTING,
        },
        "questions-cutoff": {
            "period": "-5wd",
            "source": _ANNEX_2022.format(point="4.1") + ": questions sent less than 5 working days before "
                      "the application deadline may not be answered in time (D10); counted backwards, "
                      "so no roll-forward",
        },
        **STATUTORY_RULES,
    },
}

# The 2015 rules set no day count for technical issues ("straks": at once, 3.4.1) nor for
# information requests, so this set has no such rules; a notice may add them by override.
GENERAL_RULES_2015 = {
    "name": "2015",
    "version": "2015-02-27",
    "source": "General rules governing open competitions, OJ C 70 A, 27.2.2015",
    "rules": {
        "neutralisation": {
            **_NOTICE_LIMIT,
            "period": "10cd",
            "source": _RULES_2015.format(point="3.4.2") + ": request within 10 calendar days after the date "
                      "of the computer-based test; " + _COUNTING,
        },
        "review": {
            **_NOTICE_LIMIT,
            "period": "10cd",
            "source": _RULES_2015.format(point="3.4.3") + ": request for review within 10 calendar days "
                      "after the contested decision was uploaded to the candidate's EPSO account; " + _COUNTING,
        },
        "review-ack": {
            **_EPSO_ACTS,
            "period": "15wd",
            "source": _RULES_2015.format(point="3.4.3") + ": acknowledgement of receipt within 15 working "
                      "days; Reg 1182/71 Art 2(2), 3(1)",
        },
        **STATUTORY_RULES,
    },
}

BUILTIN_RULE_SETS = (GENERAL_RULES_2022, GENERAL_RULES_2015)

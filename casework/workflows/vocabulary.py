"""The codes candidates are told about, for the message catalogues: a Babel extractor.

Mail templates and letters show casework's codes (a step, a state, an outcome, a ground, a deciding
body …) through ``{{ code|term("context") }}``; the words are in ``casework/translations`` (see
:mod:`casework.notifications.catalogue`). This module says which codes exist — read from the
machines, the enums and the rules themselves, so that a new step or outcome appears in
``messages.pot`` at the next extraction — and what each context means for translators.
babel.cfg maps this file to :func:`extract` (docs/notifications.md).

Two kinds of entries:

- a code as msgid (``msgctxt "step"`` / ``msgid "acknowledge"``): every catalogue, English included,
  gives the words;
- for the P5 disclosure rules, the rule's own English text as msgid (``msgctxt "disclosure"``): it is
  the English words, and a reworded rule shows up as a changed entry for the translators.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..cases.models import CaseState, CaseType, DecidingBody
from . import disclosure
from .effects import INADMISSIBILITY_GROUNDS
from .machines import STEPS

DEADLINES = ("filing", "acknowledgement", "reply", "confirmatory-filing", "confirmatory-reply", "court-action")
# outcomes the effects set besides those a person chooses (Step.outcomes)
SET_BY_EFFECTS = ("inadmissible", "withdrawn", "implied-rejection", "refused", "granted", "partial", "lapsed")

# context: (what translators are told, where it is shown)
CONTEXTS: dict[str, str] = {
    "state": "A case's status, as a label: after 'Current status:', and in mail subjects "
             "('Your case REV-2022-000042: acknowledged').",
    "step": "What happened in the case, as a clause after 'In your case REV-2022-000042,' "
            "(FR 'Dans votre dossier …,'; DE 'in Ihrem Verfahren …' followed by the verb).",
    "deadline": "A time limit's object, after 'the time limit for' (FR 'le délai prévu pour'; "
                "DE 'die Frist für' + accusative).",
    "kind": "What a candidate may file, after 'file' (FR 'introduire'; DE '… einreichen', accusative).",
    "reason": "Why a time limit moved, after 'Reason:'.",
    "outcome": "The outcome of a case, as a label after 'Outcome:'.",
    "ground": "A ground on which the deciding body declared a request inadmissible, after 'Ground:'.",
    "body": "The body that decides a case, as the subject of a sentence in its middle "
            "('In your case …, the selection board has taken a decision').",
    "disclosure": "P5: a category of information a candidate asked for, or the rule that excludes it; the "
                  "English is the rule's own text (casework/workflows/disclosure.py). Keep the references "
                  "to articles and annexes as they are.",
    "date": "A date pattern in CLDR syntax (d: day, MMMM: month name, y: year; literal text in single "
            "quotes), e.g. 'd MMMM y'. Leave empty to use the language's standard long date.",
}


def codes() -> dict[str, list[str]]:
    """Every msgid of each context, in a stable order."""
    steps = sorted({st.trigger for steps in STEPS.values() for st in steps} | {"file"})
    outcomes = sorted({o for steps in STEPS.values() for st in steps for o in st.outcomes} | set(SET_BY_EFFECTS))
    texts: list[str] = []
    for category in disclosure.CATEGORIES.values():
        for text in (category.label, category.excluded_by, category.condition):
            if text and text not in texts:
                texts.append(text)
    return {
        "state": [s.value for s in CaseState],
        "step": steps,
        "deadline": list(DEADLINES),
        "kind": [t.value for t in CaseType if t is not CaseType.REMEDY],    # P6 is not filed by the candidate
        "reason": ["calendar-changed"],
        "outcome": outcomes,
        "ground": list(INADMISSIBILITY_GROUNDS),
        "body": [b.value for b in DecidingBody],
        "disclosure": texts,
        "date": ["long", "long-first-of-month"],
    }


ENGLISH_MSGIDS = ("disclosure",)      # contexts whose msgid is already the English text


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Babel extraction method (babel.cfg): one ``pgettext(context, code)`` entry per code."""
    for context, msgids in codes().items():
        for msgid in msgids:
            comment = CONTEXTS[context]
            if (context, msgid) == ("date", "long-first-of-month"):
                comment = ("The pattern for the 1st of a month where the language writes it differently "
                           "(FR: d'er' MMMM y). Leave empty otherwise.")
            yield 1, "pgettext", (context, msgid), [comment]

"""The codes candidates are told about, for the message catalogues: a Babel extractor.

Mail templates and letters show casework's codes (a step, a state, an outcome, a ground, a deciding
body …) through ``{{ code|term("context") }}``; the words are in ``casework/translations`` (see
:mod:`casework.notifications.catalogue`). This module says which codes exist — read from the
machines, the enums and the rules themselves, so that a new step or outcome appears in
``messages.pot`` at the next extraction — and what each context means for translators.
babel.cfg maps this file to :func:`extract` (docs/notifications.md).

Decision kinds (``msgctxt "decision"``) are not an enum: they are the strings the competition code
writes into ``Decision.kind``. :func:`decision_kinds` reads them from the source of
``casework/competitions`` (every ``Outcome``, ``record_outcome`` and ``self.out`` call), so a new kind
is extracted like a new step, and a kind written in a way it cannot read stops the extraction.

Two kinds of entries:

- a code as msgid (``msgctxt "step"`` / ``msgid "acknowledge"``): every catalogue, English included,
  gives the words;
- for the P5 disclosure rules, the rule's own English text as msgid (``msgctxt "disclosure"``): it is
  the English words, and a reworded rule shows up as a changed entry for the translators.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from ..cases.models import CaseState, CaseType, DecidingBody
from ..competitions.definition import PHASE_KINDS
from ..deadlines.calendars import PATTERNS
from ..deadlines.official_calendars import OFFICIAL_YEARS
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
    "decision": "A decision taken about the candidate in a competition (R2), as a label: 'On 22 March 2022, "
                "the following decision was published in your EPSO account: exclusion from the competition "
                "(stage: eligibility check).' (FR '… : exclusion du concours (étape : …)'; DE '…: Ausschluss vom "
                "Auswahlverfahren (Phase: …)'). A noun phrase, lower case where the language allows, that does "
                "not depend on the candidate's gender.",
    "phase": "A kind of stage of a competition (C16), as a label after 'stage:' in brackets after a decision "
             "(FR 'étape :'; DE 'Phase:'). Notices name their stages freely; this is the kind of stage.",
    "body": "The body that decides a case, as the subject of a sentence in its middle "
            "('In your case …, the selection board has taken a decision').",
    "disclosure": "P5: a category of information a candidate asked for, or the rule that excludes it; the "
                  "English is the rule's own text (casework/workflows/disclosure.py). Keep the references "
                  "to articles and annexes as they are.",
    "holiday": "A public holiday of the EU institutions, as the reason a day is not counted in a time "
               "limit: 'Monday 18 April 2022 is not counted: it is not a working day (Easter Monday).' The "
               "English is the name in the holiday list; give the name used in the language's own version "
               "of the list.",
    "date": "A date pattern in CLDR syntax (d: day, MMMM: month name, y: year; literal text in single "
            "quotes), e.g. 'd MMMM y'. Leave empty to use the language's standard long date.",
}


COMPETITIONS = Path(__file__).resolve().parent.parent / "competitions"
# the calls that write a decision's kind: callee -> index of the kind among the positional arguments
# (None: keyword only); ``out`` only as ``self.out`` (selection.FieldRun.out)
_WRITERS: dict[str, int | None] = {"Outcome": 3, "record_outcome": None, "out": 2}


class UnreadableKind(ValueError):
    """A decision kind given in a way :func:`decision_kinds` cannot read (not a literal)."""


@cache
def decision_kinds() -> tuple[str, ...]:
    """Every kind of decision the competition code writes (``Decision.kind``), sorted.

    Read from the source: the ``kind`` of each call that writes a decision is a string literal, a
    conditional between literals, a local name assigned such values, or a parameter of the
    function that makes the call (it passes a kind given by its own callers, found at their call)."""
    kinds: set[str] = set()
    for file in sorted(COMPETITIONS.rglob("*.py")):
        kinds |= kinds_written(file.read_text(encoding="utf-8"), str(file.relative_to(COMPETITIONS.parent)))
    return tuple(sorted(kinds))


def kinds_written(source: str, name: str = "<source>") -> set[str]:
    """The decision kinds the Python ``source`` writes (see :func:`decision_kinds`); raises
    :class:`UnreadableKind` for a kind that is not given as a literal."""
    kinds: set[str] = set()
    for function in ast.walk(ast.parse(source, name)):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for call in _own_nodes(function):
                if isinstance(call, ast.Call):
                    given = _kind_argument(call, name)
                    if given is not None:
                        kinds |= _literals(given, function, f"{name}:{call.lineno}")
    return kinds


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``function``'s body, not those of the functions defined inside it."""
    for child in ast.iter_child_nodes(function):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            yield child
            yield from _own_nodes(child)


def _kind_argument(call: ast.Call, name: str) -> ast.expr | None:
    callee = call.func
    writer = callee.id if isinstance(callee, ast.Name) else callee.attr if isinstance(callee, ast.Attribute) else None
    if writer not in _WRITERS or (writer == "out" and not (isinstance(callee, ast.Attribute)
                                                           and isinstance(callee.value, ast.Name)
                                                           and callee.value.id == "self")):
        return None
    for keyword in call.keywords:
        if keyword.arg == "kind":
            return keyword.value
    index = _WRITERS[writer]
    if index is not None and len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[index]
    raise UnreadableKind(f"{name}:{call.lineno}: {writer}(…) gives no kind that can be read: give it as "
                         "kind=\"…\" (casework.workflows.vocabulary.decision_kinds reads them for the catalogues)")


def _literals(node: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef, where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body, function, where) | _literals(node.orelse, function, where)
    if isinstance(node, ast.Name):
        arguments = function.args
        if node.id in {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}:
            return set()                       # passed through: its callers' literals are read at their calls
        values = [n.value for n in _own_nodes(function) if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)]
        if values:
            return set().union(*(_literals(v, function, where) for v in values))
    raise UnreadableKind(f"{where}: the decision kind {ast.unparse(node)!r} is not a literal: write it as one "
                         "(casework.workflows.vocabulary.decision_kinds reads them for the catalogues)")


def holiday_names() -> list[str]:
    """The names of the holidays in the shipped calendars (D2), in their order: the reasons a day is
    skipped that a computation shows. A year an administrator records may name others: shown as written."""
    names = [name for pattern in PATTERNS.values() for *_, name, _ in pattern.fixed]
    names += [name for pattern in PATTERNS.values() for _, name in pattern.easter]
    names += [holiday["name"] for year in OFFICIAL_YEARS for holiday in year["holidays"]]
    return list(dict.fromkeys(names))


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
        "decision": list(decision_kinds()),
        "phase": list(PHASE_KINDS),
        "body": [b.value for b in DecidingBody],
        "disclosure": texts,
        "holiday": holiday_names(),
        "date": ["long", "long-first-of-month"],
    }


ENGLISH_MSGIDS = ("disclosure", "holiday")      # contexts whose msgid is already the English text


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Babel extraction method (babel.cfg): one ``pgettext(context, code)`` entry per code."""
    for context, msgids in codes().items():
        for msgid in msgids:
            comment = CONTEXTS[context]
            if (context, msgid) == ("date", "long-first-of-month"):
                comment = ("The pattern for the 1st of a month where the language writes it differently "
                           "(FR: d'er' MMMM y). Leave empty otherwise.")
            yield 1, "pgettext", (context, msgid), [comment]

"""C11 document check and C12 reserve list, including publication order.

Document check (C11, 002 / 003 Annex II): in descending order of final score
the board checks whether the documents support the application, until the
places of the field are filled. Candidates with equal scores are checked as one
group, so everyone tied at the last place is checked and, if their documents
are fine, listed (C12). Files below that point are not checked. Reinstated
candidates (R3) are checked and listed on top of the places.

Verdicts can be given incrementally: a verdict of ``None`` (or a missing
entry) makes the result incomplete and lists the files the board must check
next (``pending``).

Publication (C12): names in alphabetical order with a locale-independent key
(``name_sort_key``); a candidate who opted out (002 footnote 18) stays on the
list but the name is withheld.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby

from ._numbers import Number
from .ranking import CandidateId, rank_scores

Verdicts = Mapping[CandidateId, bool | None] | Callable[[CandidateId], bool | None]


@dataclass(frozen=True)
class DocumentCheckResult:
    checked: tuple[CandidateId, ...]  # verdict given, in checking order
    excluded: tuple[CandidateId, ...]  # documents do not support the application (C11, C15)
    listed: tuple[CandidateId, ...]  # on the reserve list, best first (incl. reinstated)
    reinstated_beyond: tuple[CandidateId, ...]  # listed only because reinstated (R3)
    not_checked: tuple[CandidateId, ...]  # below the filling point
    pending: tuple[CandidateId, ...]  # still need a verdict before the list is final

    @property
    def complete(self) -> bool:
        return not self.pending


def _verdict(verdicts: Verdicts, cid: CandidateId) -> bool | None:
    v = verdicts(cid) if callable(verdicts) else verdicts.get(cid)
    if v is not None and not isinstance(v, bool):
        raise ValueError(f"document verdict for {cid} must be True, False or None, got {v!r}")
    return v


def document_check(
    scores: Mapping[CandidateId, Number],
    places: int,
    documents_ok: Verdicts,
    reinstated: Iterable[CandidateId] = (),
) -> DocumentCheckResult:
    """C11/C12 for one field. ``scores``: final scores of those who passed every test."""
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be a whole number >= 0, got {places!r}")
    reinstated = set(reinstated)
    ranking = rank_scores(scores)
    checked, excluded, listed, pending, not_checked = [], [], [], [], []
    regular = [e for e in ranking if e.candidate_id not in reinstated]
    stopped = False
    for _, group in groupby(regular, key=lambda e: e.score):
        group = list(group)
        if stopped or len(listed) >= places:
            stopped = True
            not_checked.extend(e.candidate_id for e in group)
            continue
        for e in group:
            v = _verdict(documents_ok, e.candidate_id)
            if v is None:
                pending.append(e.candidate_id)
                continue
            checked.append(e.candidate_id)
            (listed if v else excluded).append(e.candidate_id)
        if pending:
            # Cannot know whether places are filled before these verdicts.
            stopped = True
    beyond = []
    for e in ranking:
        if e.candidate_id not in reinstated:
            continue
        v = _verdict(documents_ok, e.candidate_id)
        if v is None:
            pending.append(e.candidate_id)
        else:
            checked.append(e.candidate_id)
            if v:
                beyond.append(e.candidate_id)
            else:
                excluded.append(e.candidate_id)
    on_list = set(listed) | set(beyond)
    return DocumentCheckResult(
        checked=tuple(checked),
        excluded=tuple(excluded),
        listed=tuple(e.candidate_id for e in ranking if e.candidate_id in on_list),
        reinstated_beyond=tuple(beyond),
        not_checked=tuple(not_checked),
        pending=tuple(pending),
    )


# Letters that Unicode does not decompose into base letter + mark.
_FOLD = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t",
    "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ŀ": "l",
})


def _primary(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    base = unicodedata.normalize("NFKC", base.translate(_FOLD)).casefold()
    return "".join(ch for ch in base if ch.isalnum())


def name_sort_key(text: str) -> tuple[str, str, str]:
    """Locale-independent, accent-aware key for one name.

    1. primary: case, accents and punctuation ignored (NFKD, combining marks
       removed, casefolded, a few undecomposable letters folded: ł->l, ø->o,
       æ->ae, ß->ss...), so "Øberg" sorts with "Oberg" and "Müller" with
       "Muller"; scripts follow code point order (Latin, Greek, Cyrillic);
    2. secondary: the accented, casefolded form (NFC), so "Muller" comes
       before "Müller" every time;
    3. the original text, for a total, stable order.
    National alphabet rules (e.g. Danish å after z) are deliberately not
    applied: one list, one order, whatever the reader's locale.
    """
    return (_primary(text), unicodedata.normalize("NFC", text.casefold()), text)


@dataclass(frozen=True)
class ListedPerson:
    candidate_id: CandidateId
    surname: str
    given_names: str
    publish: bool = True  # False: opted out of publication (002 footnote 18)


def _person_key(p: ListedPerson) -> tuple:
    s, g = name_sort_key(p.surname), name_sort_key(p.given_names)
    # Accents only break ties after both names compared without them.
    return (s[0], g[0], s[1], g[1], s[2], g[2], str(p.candidate_id))


@dataclass(frozen=True)
class PublicationLine:
    candidate_id: CandidateId
    name: str | None  # None: on the list, name withheld


def publication_order(people: Iterable[ListedPerson]) -> tuple[PublicationLine, ...]:
    """C12: alphabetical by surname then given names; withheld names at the end.

    Withheld entries go last (ordered by id) so that their position does not
    reveal the name.
    """
    people = list(people)
    shown = sorted(
        (p for p in people if p.publish),
        key=lambda p: _person_key(p),
    )
    hidden = sorted((p for p in people if not p.publish), key=lambda p: str(p.candidate_id))
    return tuple(PublicationLine(p.candidate_id, f"{p.surname} {p.given_names}".strip()) for p in shown) + tuple(
        PublicationLine(p.candidate_id, None) for p in hidden
    )

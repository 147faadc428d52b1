"""C7/C12 ranking, invitation caps and ties at the cut-off.

Competition ranking ("1, 2, 2, 4"): a candidate's rank is 1 + the number of
candidates with a strictly higher score. Equal scores are listed in a
deterministic order (by ``str(candidate_id)`` unless a key is given) so the
same data always gives the same list; that order never decides who goes
through.

Ties at the cut-off (C7) are data of the notice: where it says so (002 2.x; 003 Annex II,
"Hvis flere ansøgere har opnået det antal point, der kræves til sidstepladsen på et hvilket
som helst trin ... vil de alle gå videre") everyone tied with the last one goes through
(``ties=True``); where a cap has no tie rule of its own (004 4.3.3 a, "højst 1,5 gange") the cap
is strict (``ties=False``): a group tied across the cap is left out as a whole, since the
listing order may not decide between equal scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from itertools import groupby

from ._numbers import Exact, Number, exact

CandidateId = Hashable


@dataclass(frozen=True)
class RankedEntry:
    candidate_id: CandidateId
    score: Exact
    rank: int


def rank_scores(
    scores: Mapping[CandidateId, Number],
    tiebreak: Callable[[CandidateId], object] | None = None,
) -> tuple[RankedEntry, ...]:
    """Rank best first with competition ranking (ties share the best rank)."""
    key = tiebreak or str
    ex = {cid: exact(s, what=f"score of {cid}") for cid, s in scores.items()}
    ordered = sorted(ex.items(), key=lambda kv: (-kv[1], key(kv[0])))
    out = []
    rank = 0
    previous = None
    for position, (cid, score) in enumerate(ordered, start=1):
        if previous is None or score != previous:
            rank = position
            previous = score
        out.append(RankedEntry(cid, score, rank))
    return tuple(out)


class Rounding(str, Enum):
    FLOOR = "floor"
    CEIL = "ceil"
    HALF_UP = "half-up"


def invitation_cap(places: int, multiplier: Number, rounding: Rounding = Rounding.FLOOR) -> int:
    """C7 cap = places x multiplier, rounded to a whole number of candidates.

    Default FLOOR: the notices say *at most* ("højst tre gange", 003 4.3.4;
    "højst 1,5 gange", 004 4.3.3 a), so 1.5 x 71 = 106.5 allows 106, never 107.
    Another rounding can be chosen per notice (data). Ties at the cut-off and
    reinstated candidates still go beyond the cap (``select_with_ties``).
    """
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"places must be a whole number >= 0, got {places!r}")
    m = exact(multiplier, what="cap multiplier")
    if m < 0:
        raise ValueError(f"cap multiplier must be >= 0, got {multiplier!r}")
    raw = places * m
    rounding = Rounding(rounding)
    if rounding is Rounding.FLOOR:
        return math.floor(raw)
    if rounding is Rounding.CEIL:
        return math.ceil(raw)
    return math.floor(raw + exact("1/2"))


@dataclass(frozen=True)
class Selection:
    """Who goes through.

    ``selected``: everyone going through, best first (includes reinstated);
    ``by_score``: those within the cap plus everyone tied with the last one;
    ``reinstated_beyond``: reinstated candidates who go through only because
    they were reinstated (R3), on top of the cap;
    ``cutoff_score``: score of the last candidate within the cap (None if none).
    """

    selected: tuple[CandidateId, ...]
    by_score: tuple[CandidateId, ...]
    reinstated_beyond: tuple[CandidateId, ...]
    cutoff_score: Exact | None
    ranking: tuple[RankedEntry, ...]


def select_with_ties(
    scores: Mapping[CandidateId, Number],
    cap: int,
    reinstated: Iterable[CandidateId] = (),
    tiebreak: Callable[[CandidateId], object] | None = None,
    *,
    ties: bool = True,
) -> Selection:
    """C7: the best ``cap`` candidates, everyone tied with the cap-th (``ties``), plus reinstated.

    ``ties=False`` (a strict cap): a candidate goes through on score only if everyone with at
    least the same score fits within the cap, so never more than ``cap`` go through on score
    and equal scores are never split.

    Reinstated candidates (R3) do not use up the cap: the cap is applied to the
    others, then the reinstated ones are added whatever their score. Reinstated
    ids that are not in ``scores`` are ignored (they belong to another pool).
    """
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
        raise ValueError(f"cap must be a whole number >= 0, got {cap!r}")
    reinstated = set(reinstated)
    ranking = rank_scores(scores, tiebreak)
    regular = [e for e in ranking if e.candidate_id not in reinstated]
    cutoff = regular[cap - 1].score if 0 < cap <= len(regular) else (
        regular[-1].score if regular and cap > len(regular) else None
    )
    if not ties and cutoff is not None:
        cutoff, counted = None, 0     # regular is best first: whole groups of equal scores
        for score, group in groupby(regular, key=lambda e: e.score):
            counted += sum(1 for _ in group)
            if counted > cap:
                break
            cutoff = score
    by_score = [e.candidate_id for e in regular if cutoff is not None and e.score >= cutoff]
    # A reinstated candidate who would have made it on score anyway counts as by_score too.
    passes = set(by_score)
    beyond = []
    for e in ranking:
        if e.candidate_id in reinstated:
            if cutoff is not None and e.score >= cutoff:
                passes.add(e.candidate_id)
            else:
                beyond.append(e.candidate_id)
    selected = tuple(e.candidate_id for e in ranking if e.candidate_id in passes or e.candidate_id in beyond)
    return Selection(
        selected=selected,
        by_score=tuple(e.candidate_id for e in ranking if e.candidate_id in passes),
        reinstated_beyond=tuple(beyond),
        cutoff_score=cutoff,
        ranking=ranking,
    )

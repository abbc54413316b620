"""Recommendations for one seeker and candidates for one posting, with reasons.

Served from the current stored version (``store``: the batch's lists, patched by incremental
updates) when it is fresh for the person or posting asked about; otherwise computed on demand
by scoring the whole candidate set (one row or column of the score matrix), as before any batch
ran. A stored list is used only when it can be trusted to be the top-k:

* the owner has not changed since the list was computed (``updated_at`` <= the list's ``as_of``);
* after dropping postings that closed or filled since, and seekers outside the viewer's scope,
  at least ``k`` remain, or the list was never full (so it held every admissible match).
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import F
from django.utils import timezone

from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker

from . import store
from .distributed import render_reasons
from .engine.explain import explain
from .engine.features import PostingBatch, SeekerBatch
from .engine.scoring import Scorer
from .records import occupation_table, posting_records, region_table, seeker_records


@dataclass
class Match:
    seeker_id: int
    posting_id: int
    score: float
    reasons: list[str]

    def as_dict(self) -> dict:
        return {"seeker": self.seeker_id, "posting": self.posting_id, "score": round(self.score, 4),
                "reasons": self.reasons}


def _ranked(scorer: Scorer, scores: np.ndarray, k: int, *, by_posting: bool) -> list[Match]:
    admissible = np.flatnonzero(np.isfinite(scores))
    best = admissible[np.argsort(-scores[admissible], kind="stable")[:k]]
    regions, occupations = region_table(), occupation_table()
    out = []
    for idx in best:
        i, j = (int(idx), 0) if by_posting else (0, int(idx))
        why = explain(scorer, i, j, regions, occupations)
        out.append(Match(int(scorer.s.ids[i]), int(scorer.p.ids[j]), float(scores[idx]),
                         [r.text for r in why.reasons if r.points > 0]))
    return out


def _usable(stored, owner, today) -> bool:
    if stored is None or (today is not None and today != timezone.localdate()):
        return False
    changed = getattr(owner, "updated_at", None)
    return changed is None or stored.as_of is None or changed <= stored.as_of


def _complete(stored, kept: int, k: int) -> bool:
    return kept >= k or (stored.exhaustive and len(stored.items) < stored.run_k)


def recommend_for_seeker(seeker: Seeker, *, k: int = 10, today=None) -> list[Match]:
    """The best open postings for ``seeker``, best first, each with the reasons that scored."""
    stored = store.read_list("s", seeker.pk)
    if _usable(stored, seeker, today):
        ids = [it[0] for it in stored.items]
        still_open = set(Posting.objects.open_on().filter(pk__in=ids, filled__lt=F("headcount"))
                         .values_list("pk", flat=True)) if ids else set()
        kept = [it for it in stored.items if it[0] in still_open]
        if _complete(stored, len(kept), k):
            return _from_stored(kept[:k], seeker_id=seeker.pk)
    return _recommend_on_demand(seeker, k=k, today=today)


def candidates_for_posting(posting: Posting, seekers_qs, *, k: int = 10, today=None) -> list[Match]:
    """The best of ``seekers_qs`` (the viewer's scoped seekers) for ``posting``, best first."""
    stored = store.read_list("p", posting.pk)
    if _usable(stored, posting, today):
        ids = [it[0] for it in stored.items]
        allowed = set(seekers_qs.active().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        kept = [it for it in stored.items if it[0] in allowed]
        if _complete(stored, len(kept), k):
            return _from_stored(kept[:k], posting_id=posting.pk)
    return _candidates_on_demand(posting, seekers_qs, k=k, today=today)


def _from_stored(items, *, seeker_id=None, posting_id=None) -> list[Match]:
    regions, occupations = region_table(), occupation_table()
    return [
        Match(seeker_id if seeker_id is not None else other, posting_id if posting_id is not None else other,
              score, render_reasons(reasons, regions, occupations))
        for other, score, reasons in items
    ]


def _recommend_on_demand(seeker: Seeker, *, k: int, today) -> list[Match]:
    regions, occupations = region_table(), occupation_table()
    seekers = SeekerBatch.from_records(seeker_records(Seeker.objects.filter(pk=seeker.pk)), regions, occupations)
    postings = PostingBatch.from_records(posting_records(Posting.objects.open_on(today)), regions, occupations)
    if not len(postings):
        return []
    scorer = Scorer(seekers, postings, today=today)
    return _ranked(scorer, scorer.block(np.array([0]), np.arange(len(postings)))[0], k, by_posting=False)


def _candidates_on_demand(posting: Posting, seekers_qs, *, k: int, today) -> list[Match]:
    regions, occupations = region_table(), occupation_table()
    postings = PostingBatch.from_records(posting_records(Posting.objects.filter(pk=posting.pk)), regions, occupations)
    seekers = SeekerBatch.from_records(seeker_records(seekers_qs.active()), regions, occupations)
    if not len(seekers):
        return []
    scorer = Scorer(seekers, postings, today=today)
    return _ranked(scorer, scorer.block(np.arange(len(seekers)), np.array([0]))[:, 0], k, by_posting=True)

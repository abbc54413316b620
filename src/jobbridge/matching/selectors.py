"""Recommendations computed on demand: one seeker against the open postings, or one posting
against the seekers a viewer may see, with the engine's reasons.

This scores the whole candidate set at each call (a single row or column of the score matrix),
which is what a commissioner's phone call needs at county and city scale. The precomputed,
versioned lists of issue 3 (batch top-k, incremental index) will serve province scale.
"""

from dataclasses import dataclass

import numpy as np

from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker

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


def recommend_for_seeker(seeker: Seeker, *, k: int = 10, today=None) -> list[Match]:
    """The best open postings for ``seeker``, best first, each with the reasons that scored."""
    regions, occupations = region_table(), occupation_table()
    seekers = SeekerBatch.from_records(seeker_records(Seeker.objects.filter(pk=seeker.pk)), regions, occupations)
    postings = PostingBatch.from_records(posting_records(Posting.objects.open_on(today)), regions, occupations)
    if not len(postings):
        return []
    scorer = Scorer(seekers, postings, today=today)
    return _ranked(scorer, scorer.block(np.array([0]), np.arange(len(postings)))[0], k, by_posting=False)


def candidates_for_posting(posting: Posting, seekers_qs, *, k: int = 10, today=None) -> list[Match]:
    """The best of ``seekers_qs`` (the viewer's scoped seekers) for ``posting``, best first."""
    regions, occupations = region_table(), occupation_table()
    postings = PostingBatch.from_records(posting_records(Posting.objects.filter(pk=posting.pk)), regions, occupations)
    seekers = SeekerBatch.from_records(seeker_records(seekers_qs.active()), regions, occupations)
    if not len(seekers):
        return []
    scorer = Scorer(seekers, postings, today=today)
    return _ranked(scorer, scorer.block(np.arange(len(seekers)), np.array([0]))[:, 0], k, by_posting=True)

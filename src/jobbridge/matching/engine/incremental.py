"""Incremental matching: one new or changed posting against all seekers, one changed seeker
against all postings, without rerunning the batch.

``IncrementalIndex`` keeps, for the current seekers and postings:

* the seekers grouped by accepted destination range (ranges are prefix ranges, so the ranges
  covering a work county are just its county, prefecture and province codes) plus those who
  accept anywhere: a posting's admissible seekers are a few dictionary look-ups;
* the seekers' weighted text vectors transposed (feature -> seekers), so a posting's text
  similarity to every candidate is one sparse row-times-matrix product;
* the postings sorted by work county, so a seeker's destinations are ``searchsorted`` ranges.

Scores come from ``Scorer.pairs``, which computes exactly what the batch computes.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .features import PostingBatch, SeekerBatch
from .scoring import Scorer
from .topk import merged_ranges


def _top(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(scores)
    scores, ids = scores[ok], ids[ok]
    if len(scores) > k:
        part = np.argpartition(scores, len(scores) - k)[-k:]
        scores, ids = scores[part], ids[part]
    order = np.lexsort((ids, -scores))
    return ids[order], scores[order]


class IncrementalIndex:
    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        s = scorer.s
        by_range: dict[tuple[int, int], list[int]] = defaultdict(list)
        anywhere = []
        for row in range(len(s)):
            if s.anywhere[row]:
                anywhere.append(row)
                continue
            for rg in merged_ranges(scorer, row):
                by_range[rg].append(row)
        self.by_range = {rg: np.asarray(rows, dtype=np.int64) for rg, rows in by_range.items()}
        self.anywhere = np.asarray(anywhere, dtype=np.int64)
        self.s_text_t = scorer.s_text_weighted.T.tocsr()  # feature -> seekers
        self._index_postings()

    def _index_postings(self) -> None:
        p = self.scorer.p
        self.p_order = np.argsort(p.work, kind="stable")
        self.p_work_sorted = p.work[self.p_order]

    def seekers_accepting(self, work: int) -> np.ndarray:
        """Rows of seekers whose destinations cover the work county (or who accept anywhere)."""
        parts = [self.anywhere]
        # Merged ranges are unions of prefix ranges, so scan the (few hundred) distinct ranges.
        for (lo, hi), rows in self.by_range.items():
            if lo <= work <= hi:
                parts.append(rows)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def candidates_for_posting(self, posting: PostingBatch, k: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """Best ``k`` seekers (rows, scores) for a single new or changed posting."""
        if len(posting) != 1:
            raise ValueError("candidates_for_posting takes a batch of exactly one posting")
        scorer = self.scorer.with_postings(posting)
        if scorer.exclusion[0] != 0 or len(scorer.s) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = self.seekers_accepting(int(posting.work[0]))
        if scorer.w.require_same_major_group and posting.occ[0, 3] >= 0:
            majors = scorer.s.occ[rows, :, 3]
            rows = rows[(majors == posting.occ[0, 3]).any(axis=1) | scorer.s_no_occ[rows]]
        text_all = (posting.text[0] @ self.s_text_t).toarray().ravel()
        scores = scorer.pairs(rows, np.zeros(len(rows), dtype=np.int64), text=text_all[rows])
        return _top(scores, rows, k)

    def recommendations_for_seeker(self, seeker: SeekerBatch, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Best ``k`` postings (rows, scores) for a single new or changed seeker."""
        if len(seeker) != 1:
            raise ValueError("recommendations_for_seeker takes a batch of exactly one seeker")
        scorer = self.scorer.with_seekers(seeker)
        if len(scorer.p) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if seeker.anywhere[0]:
            cols = np.arange(len(scorer.p))
        else:
            parts = []
            for lo, hi in merged_ranges(scorer, 0):
                a = np.searchsorted(self.p_work_sorted, lo, side="left")
                b = np.searchsorted(self.p_work_sorted, hi, side="right")
                parts.append(self.p_order[a:b])
            cols = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        cols = cols[scorer.exclusion[cols] == 0]
        text = (scorer.p.text[cols] @ scorer.s_text_weighted[0].T).toarray().ravel()
        scores = scorer.pairs(np.zeros(len(cols), dtype=np.int64), cols, text=text)
        return _top(scores, cols, k)

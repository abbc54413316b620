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
from dataclasses import dataclass

import numpy as np

from .features import PostingBatch, SeekerBatch
from .geo import haversine_km
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


@dataclass
class _Slab:
    """The seekers of one destination group, with the per-seeker inputs of the score laid out contiguously."""

    rows: np.ndarray
    occ_key: np.ndarray  # index into the distinct occupation tuples
    home_key: np.ndarray  # index into the distinct residence counties
    cat: np.ndarray  # education x priority-group category
    wage_a: np.ndarray
    wage_b: np.ndarray
    avail: np.ndarray
    named: np.ndarray
    available: np.ndarray
    majors: np.ndarray  # bit m set for CSCO major group m; bit 0 = no occupation


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
        # Distinct occupation tuples and residence counties: per posting, tiny tables over these.
        flat = s.occ[:, :, :3].reshape(len(s), s.occ.shape[1] * 3)
        self.occ_tuples, occ_key = (
            np.unique(flat, axis=0, return_inverse=True)
            if len(s)
            else (np.zeros((0, flat.shape[1]), np.int32), np.zeros(0, np.int64))
        )
        occ_key = occ_key.ravel()
        self.homes, home_key = np.unique(s.residence, return_inverse=True)
        home_key = home_key.ravel()
        first = np.zeros(len(self.homes), dtype=np.int64)
        first[home_key[::-1]] = np.arange(len(s))[::-1]
        self.home_lat, self.home_lon = s.lat[first], s.lon[first]
        majors = np.where(scorer.s_no_occ, 1, 0).astype(np.int32)
        for k in range(s.occ.shape[1]):
            m = s.occ[:, k, 3]
            majors |= np.where(m >= 0, 1 << np.clip(m, 0, 30), 0)

        def slab(rows: np.ndarray) -> _Slab:
            return _Slab(
                rows, occ_key[rows].astype(np.int32), home_key[rows].astype(np.int32), scorer.s_cat[rows].astype(np.int32),
                scorer.s_wage_a[rows], scorer.s_wage_b[rows], scorer.s_avail[rows], scorer.s_named[rows],
                s.available[rows], majors[rows],
            )  # fmt: skip

        self.slabs = {rg: slab(np.asarray(r, dtype=np.int64)) for rg, r in by_range.items()}
        self.anywhere = slab(np.asarray(anywhere, dtype=np.int64))
        self.s_text_t = scorer.s_text_weighted.T.tocsr()  # feature -> seekers
        self.s_certs_t = s.certs.T.tocsr()  # certificate -> seekers
        self._text_buf = np.zeros(len(s), dtype=np.float32)  # one query at a time (not thread-safe)
        self._index_postings()

    def _index_postings(self) -> None:
        p = self.scorer.p
        self.p_order = np.argsort(p.work, kind="stable")
        self.p_work_sorted = p.work[self.p_order]

    def slabs_accepting(self, work: int) -> list[_Slab]:
        """Seeker groups whose destinations cover the work county, plus those who accept anywhere."""
        # Merged ranges are unions of prefix ranges, so scan the (few hundred) distinct ranges.
        return [self.anywhere] + [sl for (lo, hi), sl in self.slabs.items() if lo <= work <= hi]

    def seekers_accepting(self, work: int) -> np.ndarray:
        return np.concatenate([sl.rows for sl in self.slabs_accepting(work)])

    def candidates_for_posting(self, posting: PostingBatch, k: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """Best ``k`` seekers (rows, scores) for a single new or changed posting."""
        if len(posting) != 1:
            raise ValueError("candidates_for_posting takes a batch of exactly one posting")
        sc = self.scorer.with_postings(posting)
        w = sc.w
        if sc.exclusion[0] != 0 or len(sc.s) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # Per-posting tables over the seekers' distinct occupations / homes / categories.
        t = self.occ_tuples.reshape(len(self.occ_tuples), -1, 3)
        po = posting.occ[0]
        occ_tab = np.zeros(len(t), dtype=np.float32)
        for kk in range(t.shape[1]):
            v = (
                w.occ_medium * (t[:, kk, 2] == po[2])
                + (w.occ_minor - w.occ_medium) * (t[:, kk, 1] == po[1])
                + (w.occ_detailed - w.occ_minor) * (t[:, kk, 0] == po[0])
            )
            np.maximum(occ_tab, v.astype(np.float32), out=occ_tab)
        occ_tab *= np.float32(w.occupation)
        d = haversine_km(self.home_lat, self.home_lon, posting.lat[0], posting.lon[0])
        home_tab = (0.5 * w.place * np.where(np.isnan(d), 0.5, 1.0 / (1.0 + d / w.distance_half_km))).astype(
            np.float32
        )
        cat_tab = sc.seeker_category_table[:, sc.p_cat[0]] + sc.p_board[0]
        offer, offer_known = sc.p_offer[0], bool(sc.p_offer_known[0])
        p_avail, until = sc.p_avail[0], int(posting.valid_until[0])
        gate = (1 | (1 << int(po[3]))) if (w.require_same_major_group and po[3] >= 0) else -1
        # Text similarity to every seeker sharing a feature, scattered into a reused buffer
        # (cleared again below), so untouched seekers cost nothing.
        sim = (posting.text[0] @ self.s_text_t).tocsr()
        text_all = self._text_buf
        text_all[sim.indices] = sim.data
        cert_ok = None
        if posting.req_count[0]:
            need = posting.req_certs[0].indices
            counts = np.diff(self.s_certs_t.indptr)[need]
            holders = np.concatenate(
                [
                    self.s_certs_t.indices[self.s_certs_t.indptr[c] : self.s_certs_t.indptr[c] + n]
                    for c, n in zip(need, counts, strict=True)
                ]
            )
            cert_ok = np.bincount(holders, minlength=len(sc.s)) >= len(need)
        out_rows, out_scores = [], []
        for sl in self.slabs_accepting(int(posting.work[0])):
            keep = (sl.majors & gate) != 0
            keep &= sl.available <= until
            rows = sl.rows
            if cert_ok is not None:
                keep &= cert_ok[rows]
            score = text_all[rows]
            score += occ_tab[sl.occ_key]
            score += home_tab[sl.home_key] + sl.named
            score += cat_tab[sl.cat]
            if offer_known:
                score += np.clip(sl.wage_a * offer + sl.wage_b, 0, w.wage)
            else:
                score += np.float32(0.5 * w.wage)
            score += np.clip(sl.avail + p_avail, 0, w.availability)
            out_rows.append(rows[keep])
            out_scores.append(score[keep])
        text_all[sim.indices] = 0.0
        rows = np.concatenate(out_rows)
        scores = np.concatenate(out_scores).astype(np.float32)
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

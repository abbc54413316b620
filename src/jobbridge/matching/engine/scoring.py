"""The match score of seekers x postings, computed a block at a time, with hard filters as masks.

``Scorer`` precomputes per-posting and per-seeker arrays once, then ``Scorer.block`` returns a
dense float32 (B x C) score block where excluded pairs are ``-inf``.  Components that depend on a
small posting-side category (occupation code, work county, minimum education x target groups)
are evaluated on a (B x categories) table and gathered, which is much cheaper than evaluating
them on every pair.  ``explain.py`` turns one pair's components into sentences.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, overload

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .features import DISABILITY_BIT, NO_DATE_FUTURE, NO_DATE_PAST, PostingBatch, Rows, SeekerBatch, to_day
from .geo import haversine_km
from .weights import DEFAULT_WEIGHTS, Weights

NEG_INF = np.float32(-np.inf)


# Why a posting takes no part in matching at all (0 = it does).
POSTING_OK, POSTING_CLOSED, POSTING_FULL, POSTING_EXPIRED, POSTING_WAGE_ABSURD, POSTING_NO_REGION = range(6)
POSTING_EXCLUSION_TEXT = {
    POSTING_CLOSED: "岗位未在招聘中",
    POSTING_FULL: "岗位已招满（无空缺）",
    POSTING_EXPIRED: "岗位已过有效期",
    POSTING_WAGE_ABSURD: "岗位薪资数据异常",
    POSTING_NO_REGION: "岗位缺少工作地",
}


def unique_rows(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(a, axis=0, return_inverse=True)`` for a 2-D integer array (same order: rows
    sorted lexicographically), much faster: columns are packed into as few int64 words as their
    value spans allow (mixed radix, which keeps the order) and the words lexsorted."""
    if len(a) == 0:
        return a[:0].copy(), np.zeros(0, dtype=np.int64)
    a = np.asarray(a, dtype=np.int64)
    low, span = a.min(axis=0), a.max(axis=0) - a.min(axis=0) + 1
    words: list[np.ndarray] = []
    word, room = None, 1
    for j in range(a.shape[1]):  # most significant column first
        v = a[:, j] - low[j]
        if word is not None and room * int(span[j]) < 2**62:
            word = word * span[j] + v
            room *= int(span[j])
        else:
            if word is not None:
                words.append(word)
            word, room = v.copy(), int(span[j])
    assert word is not None  # a has at least one column
    words.append(word)
    order = np.lexsort(words[::-1]) if len(words) > 1 else np.argsort(words[0], kind="stable")
    new = np.empty(len(a), dtype=bool)
    new[0] = True
    new[1:] = False
    for w in words:
        ws = w[order]
        new[1:] |= ws[1:] != ws[:-1]
    inv = np.empty(len(a), dtype=np.int64)
    inv[order] = np.cumsum(new) - 1
    return a[order[new]], inv


def posting_exclusions(p: PostingBatch, today: int) -> np.ndarray:
    """Per posting, the first reason it is excluded from matching (POSTING_OK if none)."""
    out = np.zeros(len(p), dtype=np.int8)
    absurd = np.isinf(p.wage_min) | np.isinf(p.wage_max)
    # Later assignments win, so list the reasons from least to most fundamental.
    out[p.work == 0] = POSTING_NO_REGION
    out[absurd] = POSTING_WAGE_ABSURD
    out[p.valid_until < today] = POSTING_EXPIRED
    out[p.vacancies <= 0] = POSTING_FULL
    out[~p.is_open] = POSTING_CLOSED
    return out


def as_day(today: dt.date | int | None) -> int:
    return to_day(today if today is not None else dt.date.today(), 0)


@dataclass
class Components:
    """Weighted component blocks (B x C each) and the hard-filter masks, for explanations and tests."""

    values: dict[str, np.ndarray]
    destination_ok: np.ndarray
    certificates_ok: np.ndarray
    timing_ok: np.ndarray
    relevance_ok: np.ndarray
    distance_km: np.ndarray


class Scorer:
    def __init__(
        self,
        seekers: SeekerBatch,
        postings: PostingBatch,
        weights: Weights = DEFAULT_WEIGHTS,
        today: dt.date | int | None = None,
    ) -> None:
        self.s, self.p, self.w = seekers, postings, weights
        self.today = as_day(today)
        self._prepare_seekers()
        self._prepare_postings()

    def with_postings(self, postings: PostingBatch) -> Scorer:
        """The same seekers against other postings, reusing the seeker-side preparation."""
        new = copy.copy(self)
        new.p = postings
        new._prepare_postings()
        return new

    def with_seekers(self, seekers: SeekerBatch) -> Scorer:
        new = copy.copy(self)
        new.s = seekers
        new._prepare_seekers()
        return new

    def _prepare_seekers(self) -> None:
        seekers, w = self.s, self.w
        e = seekers.wage.astype(np.float64)
        known = ~np.isnan(e)
        # wage fit = clip(offer * a + b, 0, 1): 1 at offer = e, 0 at offer = floor * e.
        span = np.where(known, e * (1 - w.wage_floor_ratio), 1.0)
        self.s_wage_a = np.where(known, w.wage / span, 0.0).astype(np.float32)
        self.s_wage_b = np.where(
            known, -w.wage * w.wage_floor_ratio / (1 - w.wage_floor_ratio), 0.5 * w.wage
        ).astype(np.float32)
        late = np.clip(seekers.available.astype(np.float64) - self.today, -1, 10_000)
        self.s_avail = (w.availability * (1 - late / w.availability_grace_days)).astype(np.float32)
        self.s_named = np.where(seekers.anywhere, 0.0, 0.5 * w.place).astype(np.float32)
        self.s_disabled: NDArray[np.bool_] = (seekers.groups & DISABILITY_BIT) != 0
        self.s_no_occ: NDArray[np.bool_] = np.asarray((seekers.occ[:, :, 3] < 0).all(axis=1))
        self.s_text_weighted = (seekers.text * np.float32(w.text)).tocsr()
        self.s_cat = (seekers.education.astype(np.int32) + 1) * 32 + (seekers.groups.astype(np.int32) & 31)
        self.seeker_category_table = self._build_category_table()
        # First row with each residence centroid: distances are computed per distinct residence.
        # (One int64 per seeker from the two float32 bit patterns; + 0 folds -0.0 into 0.0.)
        lat = (np.nan_to_num(seekers.lat, nan=999).astype(np.float32) + np.float32(0)).view(np.uint32)
        lon = (np.nan_to_num(seekers.lon, nan=999).astype(np.float32) + np.float32(0)).view(np.uint32)
        _, first, inv = np.unique(
            (lat.astype(np.int64) << 32) | lon.astype(np.int64), return_index=True, return_inverse=True
        )
        self.s_home = first[inv.ravel()].astype(np.int64)
        self._held: sp.csr_matrix | None = None  # the certificate columns any posting requires
        self._cert_ok: NDArray[np.bool_] | None = None

    def _prepare_postings(self) -> None:
        postings, w = self.p, self.w
        offer = postings.offer
        self.p_offer_known = ~np.isnan(offer) & ~np.isinf(offer)
        self.p_offer = np.where(self.p_offer_known, offer, 0).astype(np.float32)
        start = np.maximum(postings.valid_from.astype(np.int64), self.today)
        self.p_avail = (w.availability * (start - self.today) / w.availability_grace_days).astype(np.float32)
        self.p_board = (
            w.board_lodging * 0.5 * (postings.board.astype(np.float32) + postings.lodging)
        ).astype(np.float32)
        self.p_has_certs = postings.req_count > 0
        # Category keys for table-and-gather components.
        occ_keys = postings.occ[:, :3].astype(np.int64)
        self.occ_u, self.p_occ_inv = unique_rows(occ_keys)
        self.p_occ_inv = self.p_occ_inv.ravel().astype(np.int32)
        self.work_u, self.p_work_inv = np.unique(postings.work, return_inverse=True)
        self.p_work_inv = self.p_work_inv.ravel().astype(np.int32)
        first = np.zeros(len(self.work_u), dtype=np.int64)
        first[self.p_work_inv[::-1]] = np.arange(len(postings))[::-1]
        self.work_lat, self.work_lon = postings.lat[first], postings.lon[first]
        # minimum education (-1..7 -> 0..8) x target mask (32) x disability friendly (2)
        self.p_cat = (
            (postings.min_education.astype(np.int32) + 1) * 64 + postings.targets.astype(np.int32) * 2
        ) + postings.disability_friendly
        self.p_major = postings.occ[:, 3]
        self.exclusion = posting_exclusions(postings, self.today)
        # distinct certificate-requirement sets (row 0 of req_sets is the empty set)
        req = postings.req_certs
        uniq: dict[tuple[int, ...], int] = {(): 0}
        self.p_req_inv = np.zeros(len(postings), dtype=np.int64)
        need = np.flatnonzero(np.diff(req.indptr) > 0)  # most postings need none: loop over the rest
        ind, ptr = req.indices.tolist(), req.indptr.tolist()
        self.p_req_inv[need] = [
            uniq.setdefault(tuple(ind[ptr[j] : ptr[j + 1]]), len(uniq)) for j in need.tolist()
        ]
        sets = sorted(uniq, key=uniq.__getitem__)
        # Requirement sets as a dense 0/1 matrix over the few certificate columns any posting needs.
        self.req_cols = np.unique(req.indices).astype(np.int64)
        self.req_sets = np.zeros((len(sets), len(self.req_cols)), dtype=np.float32)
        for r, key in enumerate(sets):
            self.req_sets[r, np.searchsorted(self.req_cols, key)] = 1.0
        self.req_set_count = np.array([len(k) for k in sets], dtype=np.float32)
        self._held = None
        self._cert_ok = None

    # ---- small tables (rows: seekers of the block) ------------------------------------------
    def occupation_table(self, si: Rows, occ_cols: np.ndarray | None = None) -> np.ndarray:
        """Weighted occupation fit of each block seeker against each distinct posting occupation
        (or only the distinct occupations ``occ_cols``, indices into ``occ_u``)."""
        w = self.w
        s = self.s.occ[si]  # (B, K, 4)
        u = self.occ_u if occ_cols is None else self.occ_u[occ_cols]  # (U, 3): detailed, minor, medium
        out = np.zeros((s.shape[0], len(u)), dtype=np.float32)
        for k in range(s.shape[1]):
            med = s[:, k, 2, None] == u[None, :, 2]
            mnr = s[:, k, 1, None] == u[None, :, 1]
            det = s[:, k, 0, None] == u[None, :, 0]
            v = w.occ_medium * med + (w.occ_minor - w.occ_medium) * mnr + (w.occ_detailed - w.occ_minor) * det
            np.maximum(out, v.astype(np.float32), out=out)
        return out * np.float32(w.occupation)

    def distance_table(self, si: Rows, work_cols: np.ndarray | None = None) -> np.ndarray:
        """km from each block seeker's residence to each distinct work county (or ``work_cols`` of
        them).  Seekers share few residences: the great circles are computed per distinct one."""
        wlat = self.work_lat if work_cols is None else self.work_lat[work_cols]
        wlon = self.work_lon if work_cols is None else self.work_lon[work_cols]
        si = np.arange(len(self.s))[si] if isinstance(si, slice) else np.asarray(si)
        home, inv = np.unique(self.s_home[si], return_inverse=True)
        d = haversine_km(self.s.lat[home, None], self.s.lon[home, None], wlat[None, :], wlon[None, :])
        return d[inv.ravel()]

    def place_table(self, si: Rows, dist: np.ndarray | None = None) -> np.ndarray:
        d = self.distance_table(si) if dist is None else dist
        prox = np.where(np.isnan(d), 0.5, 1.0 / (1.0 + d / self.w.distance_half_km))
        return (0.5 * self.w.place * prox + self.s_named[si, None]).astype(np.float32)

    def category_table(self, si: Rows) -> np.ndarray:
        """Education fit + priority bonus for every (min education, targets, disability-friendly) key."""
        out: NDArray[np.float32] = self.seeker_category_table[self.s_cat[si]]
        return out

    def _build_category_table(self) -> np.ndarray:
        # rows: seeker education (-1..7) x priority groups (32); columns: posting categories (576)
        w = self.w
        cat = np.arange(9 * 64)
        min_edu = cat // 64 - 1
        targets = (cat // 2) % 32
        friendly = (cat % 2).astype(bool)
        rows = np.arange(9 * 32)
        edu = (rows // 32 - 1)[:, None]
        groups = (rows % 32)[:, None]
        gap = np.maximum(min_edu[None, :] - edu, 0)
        edu_fit = np.where(
            min_edu[None, :] < 0,
            1.0,
            np.where(edu < 0, 0.5, np.maximum(0.0, 1 - w.education_step_penalty * gap)),
        )
        prio = ((groups & targets[None, :]) != 0) | (((groups & DISABILITY_BIT) != 0) & friendly[None, :])
        out: NDArray[np.float32] = (w.education * edu_fit + w.priority * prio).astype(np.float32)
        return out

    # ---- masks --------------------------------------------------------------------------------
    def destination_mask(self, si: Rows, pj: Rows) -> np.ndarray:
        s = self.s
        si = np.atleast_1d(np.arange(len(s))[si])
        work = self.p.work[pj]
        ok = np.repeat(s.anywhere[si, None], len(work), axis=1)
        counts = s.dest_ptr[si + 1] - s.dest_ptr[si]
        for r in range(int(counts.max(initial=0))):
            has = counts > r
            pos = np.where(has, s.dest_ptr[si] + r, 0)
            lo = np.where(has, s.dest_lo[pos] if len(s.dest_lo) else 0, 1)
            hi = np.where(has, s.dest_hi[pos] if len(s.dest_hi) else 0, 0)
            ok |= (lo[:, None] <= work[None, :]) & (work[None, :] <= hi[:, None])
        return ok

    def relevance_mask(self, si: Rows, pj: Rows) -> np.ndarray:
        """Same CSCO major group (or either side uncoded), when the weights ask for that gate."""
        major = self.p_major[pj]
        b = len(self.s_no_occ[si])
        if not self.w.require_same_major_group:
            return np.ones((b, len(major)), dtype=bool)
        s_major = self.s.occ[si, :, 3]
        ok = self.s_no_occ[si, None] | (major[None, :] < 0)
        for k in range(s_major.shape[1]):
            ok |= s_major[:, k, None] == major[None, :]
        out: NDArray[np.bool_] = ok
        return out

    CERT_TABLE_MAX = 256_000_000
    """Largest (seekers x requirement sets) table cached whole (bytes)."""

    def certificate_table(self, si: Rows) -> np.ndarray:
        """(B x distinct requirement sets): True where the seeker holds every required certificate.

        Computed once for all seekers when the table is small enough (seekers x distinct sets),
        then sliced; the sums are small integers, so the answer is the same either way."""
        if self._cert_ok is None and len(self.s) * len(self.req_sets) <= self.CERT_TABLE_MAX:
            if self._held is None:
                self._held = self.s.certs[:, self.req_cols].tocsr()
            ok = np.empty((len(self.s), len(self.req_sets)), dtype=bool)
            for a in range(0, len(self.s), 100_000):
                have = np.asarray(self._held[a : a + 100_000] @ self.req_sets.T)
                ok[a : a + 100_000] = have >= self.req_set_count[None, :] - 0.5
            self._cert_ok = ok
        if self._cert_ok is not None:
            return self._cert_ok[si]
        held = self.held_required(si)
        out: NDArray[np.bool_] = held @ self.req_sets.T >= self.req_set_count[None, :] - 0.5
        return out

    def held_required(self, si: Rows) -> np.ndarray:
        """(n x required-certificate columns) 0/1: which of the needed certificates each seeker holds."""
        if self._held is None:  # column selection on the whole matrix once, row slices after
            self._held = self.s.certs[:, self.req_cols].tocsr()
        out: NDArray[np.float64] = self._held[si].toarray()
        return out

    # ---- the block -------------------------------------------------------------------------------
    def columns(self, pj: Rows, rows_hint: int = 0) -> Columns:
        """Per-column preparation of postings ``pj``; ``rows_hint`` (how many seekers will be scored
        against them) lets the text product go dense when that pays (same numbers either way)."""
        return Columns(self, np.asarray(pj, dtype=np.int64), rows_hint)

    @overload
    def block(
        self, si: Rows, pj: Rows | Columns, *, filters_checked: bool = ..., components: Literal[False] = ...
    ) -> NDArray[np.float32]: ...

    @overload
    def block(
        self, si: Rows, pj: Rows | Columns, *, filters_checked: bool = ..., components: Literal[True]
    ) -> tuple[NDArray[np.float32], Components]: ...

    def block(
        self, si: Rows, pj: Rows | Columns, *, filters_checked: bool = False, components: bool = False
    ) -> NDArray[np.float32] | tuple[NDArray[np.float32], Components]:
        """Scores of seekers ``si`` (slice or index array) x postings ``pj`` (index array or ``Columns``).

        ``filters_checked`` says the caller already restricted ``pj`` to open postings inside the
        block seekers' destinations and relevance gate (top-k does so by construction), so those
        masks are skipped.  Pass a ``Columns`` to reuse its per-column preparation across blocks.
        """
        cols = pj if isinstance(pj, Columns) else self.columns(pj)
        pj = cols.pj
        w = self.w
        si_idx = np.arange(len(self.s))[si] if isinstance(si, slice) else np.asarray(si)
        # occupation + place + education/priority + board via one gather of per-profile sums
        if components:
            dist_tab = self.distance_table(si_idx)
            prof = self.occupation_table(si_idx)[:, cols.key_occ]
            prof += self.place_table(si_idx, dist_tab)[:, cols.key_work]
        else:  # only the occupations and work counties of these columns
            prof = self.occupation_table(si_idx, cols.occ_u)[:, cols.key_occ_local]
            prof += self.place_table(si_idx, self.distance_table(si_idx, cols.work_u))[:, cols.key_work_local]
        prof += self.category_table(si_idx)[:, cols.key_cat]
        prof += cols.key_board[None, :]
        fold_avail = cols.start_today and not components
        if fold_avail:  # every posting here starts by today: availability is a per-seeker constant
            prof += np.clip(self.s_avail[si_idx], 0, w.availability)[:, None]
        product = cols.text_product(si_idx)  # weighted: seeker text rows carry w.text
        total: NDArray[np.float32] = product.toarray() if sp.issparse(product) else product
        if total.dtype != np.float32:
            total = total.astype(np.float32)
        if components:
            parts = {"text": total.copy()}
        wage = np.multiply.outer(self.s_wage_a[si_idx], cols.offer)
        wage += self.s_wage_b[si_idx, None]
        np.clip(wage, 0, w.wage, out=wage)
        if cols.any_unknown_offer:
            wage[:, cols.unknown_offer] = 0.5 * w.wage
        total += wage
        total += np.take(prof, cols.key_inv, axis=1)
        if not fold_avail:
            avail = np.add.outer(self.s_avail[si_idx], cols.p_avail)
            np.clip(avail, 0, w.availability, out=avail)
            total += avail

        dest: NDArray[np.bool_] | None = None
        relevance: NDArray[np.bool_] | None = None
        timing: NDArray[np.bool_] | None = None
        need_timing = bool(len(pj)) and self.s.available[si_idx].max(initial=NO_DATE_PAST) > cols.until_min
        keep = None
        if need_timing or components:
            timing = self.s.available[si_idx, None] <= self.p.valid_until[pj][None, :]
            keep = timing
        if cols.cert_cols is not None:
            ok = self.certificate_table(si_idx)[:, cols.cert_req]
            if keep is None:
                keep = np.ones(total.shape, dtype=bool)
            keep[:, cols.cert_cols] &= ok
        if not filters_checked:
            dest = self.destination_mask(si_idx, pj)
            relevance = self.relevance_mask(si_idx, pj)
            base = dest & relevance & (self.exclusion[pj] == 0)[None, :]
            keep = base if keep is None else keep & base
        if keep is not None:
            np.copyto(total, NEG_INF, where=~keep)
        if not components:
            return total
        occ = np.take(self.occupation_table(si_idx), self.p_occ_inv[pj], axis=1)
        place = np.take(self.place_table(si_idx, dist_tab), self.p_work_inv[pj], axis=1)
        cat = np.take(self.category_table(si_idx), self.p_cat[pj], axis=1)
        board = np.broadcast_to(self.p_board[pj], total.shape).copy()
        parts.update(
            occupation=occ,
            place=place,
            wage=wage,
            availability=avail,
            board_lodging=board,
            education_priority=cat,
        )
        certs = np.ones(total.shape, dtype=bool)
        if cols.cert_cols is not None:
            certs[:, cols.cert_cols] = self.certificate_table(si_idx)[:, cols.cert_req]
        dist = np.take(dist_tab, self.p_work_inv[pj], axis=1)
        # With components the filters are always computed (explanations never pass filters_checked).
        assert dest is not None and relevance is not None and timing is not None
        return total, Components(parts, dest, certs, timing, relevance, dist)

    # ---- aligned pairs (incremental scoring) ------------------------------------------------------
    def pairs(self, si: np.ndarray, pj: np.ndarray, text: np.ndarray | None = None) -> np.ndarray:
        """Scores of the aligned pairs (si[n], pj[n]); same numbers as ``block``, -inf if excluded.

        ``text`` may carry the pairs' weighted text similarity when the caller computed it through an
        inverted index (incremental scoring does); otherwise it is computed row by row here.
        """
        si = np.asarray(si, dtype=np.int64)
        pj = np.asarray(pj, dtype=np.int64)
        s, p, w = self.s, self.p, self.w
        if text is None:
            text = np.asarray(self.s_text_weighted[si].multiply(p.text[pj]).sum(axis=1)).ravel()
        total = text.astype(np.float32)
        occ = np.zeros(len(si), dtype=np.float32)
        for k in range(s.occ.shape[1]):
            so = s.occ[si, k]
            med = so[:, 2] == p.occ[pj, 2]
            mnr = so[:, 1] == p.occ[pj, 1]
            det = so[:, 0] == p.occ[pj, 0]
            v = w.occ_medium * med + (w.occ_minor - w.occ_medium) * mnr + (w.occ_detailed - w.occ_minor) * det
            np.maximum(occ, v.astype(np.float32), out=occ)
        total += occ * np.float32(w.occupation)
        d = haversine_km(s.lat[si], s.lon[si], p.lat[pj], p.lon[pj])
        prox = np.where(np.isnan(d), 0.5, 1.0 / (1.0 + d / w.distance_half_km))
        total += (0.5 * w.place * prox + self.s_named[si]).astype(np.float32)
        total += self.seeker_category_table[self.s_cat[si], self.p_cat[pj]]
        total += self.p_board[pj]
        wage = np.clip(self.s_wage_a[si] * self.p_offer[pj] + self.s_wage_b[si], 0, w.wage)
        wage = np.where(self.p_offer_known[pj], wage, 0.5 * w.wage)
        total += wage.astype(np.float32)
        total += np.clip(self.s_avail[si] + self.p_avail[pj], 0, w.availability)
        keep = (s.available[si] <= p.valid_until[pj]) & (self.exclusion[pj] == 0)
        need = self.p_has_certs[pj]
        if need.any():
            idx = np.flatnonzero(need)
            sets = self.p_req_inv[pj[idx]]
            have = (self.held_required(si[idx]) * self.req_sets[sets]).sum(axis=1)
            keep[idx] &= have >= self.req_set_count[sets] - 0.5
        # destination: anywhere, or one of the seeker's ranges covers the work region
        ok = s.anywhere[si].copy()
        counts = s.dest_ptr[si + 1] - s.dest_ptr[si]
        work = p.work[pj]
        for r in range(int(counts.max(initial=0))):
            has = counts > r
            pos = np.where(has, s.dest_ptr[si] + r, 0)
            ok |= has & (s.dest_lo[pos] <= work) & (work <= s.dest_hi[pos])
        keep &= ok
        if w.require_same_major_group:
            major = self.p_major[pj]
            rel = self.s_no_occ[si] | (major < 0)
            for k in range(s.occ.shape[1]):
                rel |= s.occ[si, k, 3] == major
            keep &= rel
        total[~keep] = NEG_INF
        return total


class Columns:
    """Per-column preparation for scoring many seeker blocks against the same postings ``pj``."""

    DENSE_MIN_ROWS = 32
    """Seekers to score against the same columns before the text product goes dense."""
    DENSE_VOCAB_PER_ROW = 12
    """... and at most this many distinct text features per such seeker (densifying costs
    vocabulary x columns; the product then costs only the seekers' own features x columns)."""
    DENSE_MAX_CELLS = 32_000_000
    """Largest dense (vocabulary x columns) text matrix built (128 MB of float32)."""

    def __init__(self, scorer: Scorer, pj: np.ndarray, rows_hint: int = 0) -> None:
        self.scorer, self.pj = scorer, pj
        self.x = scorer.p.text[pj]
        self._text_t: sp.csr_matrix | None = None
        self._lut: NDArray[np.int32] | None = None  # with _dense: the columns' text, densified
        self._dense: NDArray[np.floating[Any]] | None = None
        if rows_hint >= self.DENSE_MIN_ROWS and len(pj):
            # The columns' text as a dense (vocabulary x columns) matrix: a seeker block times it
            # is one sparse-times-dense product written straight into the dense score block.
            lut = np.full(self.x.shape[1], -1, dtype=np.int32)  # text feature -> vocabulary row
            lut[self.x.indices] = 0
            vocab = np.flatnonzero(lut == 0)
            if (
                len(vocab) <= self.DENSE_VOCAB_PER_ROW * rows_hint
                and len(vocab) * len(pj) <= self.DENSE_MAX_CELLS
            ):
                lut[vocab] = np.arange(len(vocab), dtype=np.int32)
                dense = np.zeros(len(vocab) * len(pj), dtype=self.x.dtype)
                col = np.repeat(np.arange(len(pj), dtype=np.int64), np.diff(self.x.indptr))
                dense[lut[self.x.indices].astype(np.int64) * len(pj) + col] = self.x.data
                self._lut, self._dense = lut, dense.reshape(len(vocab), len(pj))
        self.offer = scorer.p_offer[pj]
        self.unknown_offer = ~scorer.p_offer_known[pj]
        self.any_unknown_offer = bool(self.unknown_offer.any())
        self.p_avail = scorer.p_avail[pj]
        self.start_today = bool(len(pj)) and not self.p_avail.any()
        self.until_min = int(scorer.p.valid_until[pj].min(initial=NO_DATE_FUTURE))
        # Postings with the same (occupation, work county, category, board) share all table components.
        occ, work, cat = scorer.p_occ_inv[pj].astype(np.int64), scorer.p_work_inv[pj], scorer.p_cat[pj]
        board_code = scorer.p.board[pj].astype(np.int64) * 2 + scorer.p.lodging[pj]
        key = ((occ * (len(scorer.work_u) + 1) + work) * 576 + cat) * 4 + board_code
        ukey, inv = np.unique(key, return_inverse=True)
        first = np.zeros(len(ukey), dtype=np.int64)
        first[inv[::-1]] = np.arange(len(pj))[::-1]
        self.key_inv = inv.ravel()
        self.key_occ, self.key_work, self.key_cat = occ[first], work[first], cat[first]
        self.key_board = scorer.p_board[pj][first]
        self.occ_u, self.key_occ_local = np.unique(self.key_occ, return_inverse=True)
        self.work_u, self.key_work_local = np.unique(self.key_work, return_inverse=True)
        self.key_occ_local, self.key_work_local = self.key_occ_local.ravel(), self.key_work_local.ravel()
        needs = scorer.p_has_certs[pj]
        self.cert_cols = np.flatnonzero(needs) if needs.any() else None
        self.cert_req = scorer.p_req_inv[pj][self.cert_cols] if needs.any() else None

    def text_product(self, si: np.ndarray) -> Any:  # a dense float32 array or a scipy CSR matrix
        """(B x C) weighted text cosine: a dense array when the columns were densified, else sparse
        CSR (the posting side transposed once if reused).  Both sum the same products in the same
        (ascending feature) order, so the numbers are identical."""
        s_text = self.scorer.s_text_weighted[si]
        if self._dense is not None and self._lut is not None:  # set together
            pos = self._lut[s_text.indices]  # the seekers' features inside the columns' vocabulary
            keep = np.flatnonzero(pos >= 0)
            ptr = np.searchsorted(keep, s_text.indptr).astype(np.int64)
            sub = sp.csr_matrix((s_text.data[keep], pos[keep], ptr), shape=(len(si), self._dense.shape[0]))
            return sub @ self._dense
        if self._text_t is None and len(si) < 64:
            return (self.x @ s_text.T).T.tocsr()
        if self._text_t is None:
            self._text_t = self.x.T.tocsr()
        return s_text @ self._text_t


def brute_force_scores(scorer: Scorer) -> np.ndarray:
    """All pairs, every filter checked; for tests and small batches only."""
    return scorer.block(slice(None), np.arange(len(scorer.p)))


__all__ = ["Scorer", "posting_exclusions", "brute_force_scores", "NO_DATE_FUTURE", "NO_DATE_PAST"]

"""Province-scale top-k per seeker: candidate generation by blocking, then exact rescoring.

At a million seekers x a million postings even the admissible pairs (hundreds of billions) are
too many to score, so each seeker is scored only against *candidate* postings, with the same
``Scorer`` as the exact path (the scores are exact; only the candidate set is approximate, and its
recall is measured, see ``docs/matching_scale.md``).

Blocking.  A seeker's candidates are a union of **cells** (occupation group, accepted range): the
open postings of one CSCO group whose work county lies in one of the seeker's merged destination
ranges.  Per occupation code the cell starts at the finest level (same detailed occupation) and
widens (minor group, medium group, major group plus uncoded postings) while it holds fewer than
``expand_below`` postings: a big detailed cell already holds the top, a thin one needs its
neighbours.  A cell larger than ``cap`` is cut to the ``cap`` postings with the best
seeker-independent part of the score (the *prior*: board and lodging, wage at a typical
expectation, education and start date, target groups), which is where a top-10 lives when tens
of thousands of equally-coded postings compete.

Fallbacks.  Postings and seekers without an occupation code get the codes their text is closest
to (cosine with per-occupation centroids of the coded postings' texts) for the fine levels;
uncoded seekers also get a region cell (all postings in their ranges, capped by prior), since the
relevance gate admits everything for them.  With the gate off, the widest level is "all".

Completeness.  With ``expand_below`` and ``cap`` at least the posting count, every seeker's cells
cover all its admissible postings and the result equals exact top-k (tested).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, overload

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .allocation import Arcs
from .features import PostingBatch, SeekerBatch
from .scoring import Scorer, unique_rows
from .topk import (
    NO_KEY,
    TopK,
    best_per_row,
    id_rank,
    key_ranks,
    key_values,
    merge_candidates,
    order_keys,
    update_columns,
)
from .weights import DEFAULT_WEIGHTS, Weights

DETAILED, MINOR, MEDIUM, MAJOR, ALL = range(5)
LEVEL_NAMES = ("detailed", "minor", "medium", "major", "all")
SHIFT = np.int64(1_000_000)  # cell key = group id * SHIFT + work county code (6 digits)
ANY = (0, 999_999)
PRIORITY_PART = -1_000_000  # plan part ids of the priority parts of a split cell (minus the group bit)

# A planned cell (cell, part, seeker rows, posting rows, run size) and a run above the cap
# waiting to be split (cell, run, seekers, seed).
_Cell: TypeAlias = tuple[int, int, NDArray[Any], NDArray[Any], int]
_BigRun: TypeAlias = tuple[int, NDArray[Any], NDArray[Any], list[int]]


@dataclass(frozen=True)
class RetrievalParams:
    expand_below: int = 400
    """Widen a cell to the next coarser occupation level while it holds fewer postings than this."""
    cap: int = 3000
    """A cell with more postings than this is split: a prior part plus text clusters."""
    prior_keep: int = 1000
    """Postings of a split cell with the best prior, scored for every seeker of the cell."""
    home_keep: int = 400
    """Postings of a split cell in a seeker's home prefecture scored for the seekers living there."""
    priority_keep: int = 300
    """Postings of a split cell that target a priority group (or suit people with disabilities),
    scored for the seekers in that group: the priority bonus is the one large seeker-specific
    component the prior can only average."""
    cluster_size: int = 800
    """Target postings per text cluster of a split cell."""
    max_clusters: int = 48
    """At most this many text clusters per split cell (bounds the clustering cost)."""
    nprobe: int = 4
    """Text clusters each seeker of a split cell scores (those nearest its own text)."""
    cluster_cap: int = 1500
    """Most postings scored per text cluster (the best by prior)."""
    block_pairs: int = 2_000_000
    """Seekers of a cell are scored in blocks of about this many pairs (dense float32)."""
    predicted_codes: int = 2
    """Occupations guessed from text for uncoded seekers and postings (blocking only, never scoring)."""
    region_fallback: bool = True
    """Give seekers without an occupation a region cell (every posting in their ranges, capped)."""
    predict_min_similarity: float = 0.15
    """Cosine with an occupation's text centroid below which no occupation is guessed."""


@dataclass
class Plan:
    """The candidate cells: which seekers are scored against which postings.

    ``cell_postings(c)`` gives cell c's posting rows (already capped); ``cell_seekers(c)`` its
    seeker rows.  Cells are independent, so they can be split across workers or Dask tasks.
    """

    level: np.ndarray  # (n_cells,) int8
    group: np.ndarray  # int64 group id at that level (0 for "all")
    lo: np.ndarray  # int64 destination range
    hi: np.ndarray
    part: np.ndarray  # -1 a whole cell or the prior part of a split one, else its text cluster
    seeker_ptr: np.ndarray  # CSR over cells -> seeker rows
    seeker_rows: np.ndarray
    posting_ptr: np.ndarray  # CSR over cells -> posting rows (capped)
    posting_rows: np.ndarray
    run_sizes: np.ndarray  # postings in the whole cell (before splitting)

    def __len__(self) -> int:
        return len(self.level)

    def cell_seekers(self, c: int) -> np.ndarray:
        return self.seeker_rows[self.seeker_ptr[c] : self.seeker_ptr[c + 1]]

    def cell_postings(self, c: int) -> np.ndarray:
        return self.posting_rows[self.posting_ptr[c] : self.posting_ptr[c + 1]]

    @property
    def pairs(self) -> int:
        return int((np.diff(self.seeker_ptr) * np.diff(self.posting_ptr)).sum())

    def candidates_of(self, row: int) -> np.ndarray:
        """All candidate postings of one seeker (for tests and explanations)."""
        positions = np.flatnonzero(self.seeker_rows == row)
        owners = np.searchsorted(self.seeker_ptr, positions, side="right") - 1
        parts = [self.cell_postings(int(c)) for c in np.unique(owners)]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


# ---- helpers ---------------------------------------------------------------------------------

# Ties: one rule everywhere, score (here also the prior) descending, then the lower posting id,
# as int64 order keys (see "Ties" in topk.py).  It makes every cut and every list independent of
# the order records arrive in and of how cells are shared out between workers.


def best_by(rows: np.ndarray, values: np.ndarray, rank: np.ndarray, keep: int) -> np.ndarray:
    """The ``keep`` of ``rows`` with the largest ``values[rows]`` (ties: lower rank), in rank order."""
    if len(rows) > keep:
        key = order_keys(values[rows], rank[rows])
        rows = rows[np.argpartition(key, len(rows) - keep)[len(rows) - keep :]] if keep else rows[:0]
    return rows[np.argsort(rank[rows], kind="stable")]


def merged_ranges(s: SeekerBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every seeker's accepted destinations merged into disjoint ranges: (seeker, lo, hi) arrays."""
    n = len(s)
    counts = np.diff(s.dest_ptr)
    owner = np.repeat(np.arange(n, dtype=np.int64), counts)
    lo = s.dest_lo.astype(np.int64)
    hi = s.dest_hi.astype(np.int64)
    keep = ~s.anywhere[owner] if len(owner) else np.zeros(0, dtype=bool)
    owner, lo, hi = owner[keep], lo[keep], hi[keep]
    any_rows = np.flatnonzero(s.anywhere)
    owner = np.concatenate([owner, any_rows])
    lo = np.concatenate([lo, np.full(len(any_rows), ANY[0], dtype=np.int64)])
    hi = np.concatenate([hi, np.full(len(any_rows), ANY[1], dtype=np.int64)])
    order = np.lexsort((lo, owner))
    owner, lo, hi = owner[order], lo[order], hi[order]
    if len(owner) == 0:
        return owner, lo, hi
    # Offsets keep ranges of different seekers apart, so one running maximum merges them all.
    span = np.int64(ANY[1] + 2)
    glo, ghi = owner * span + lo, owner * span + hi
    run_hi = np.maximum.accumulate(ghi)
    new = np.r_[True, glo[1:] > run_hi[:-1] + 1]
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(glo)] - 1
    return owner[starts], lo[starts], run_hi[ends] - owner[starts] * span


def posting_prior(scorer: Scorer) -> np.ndarray:
    """The seeker-independent part of each posting's score, for a typical seeker (the cap's ranking)."""
    s, p, w = scorer.s, scorer.p, scorer.w
    wages = s.wage[~np.isnan(s.wage)]
    # A demanding seeker (90th percentile): offers that satisfy everyone rank above offers that
    # satisfy only the median one; the small slope breaks the remaining ties by offer.
    typical = float(np.percentile(wages, 90)) if len(wages) else 6000.0
    lo = w.wage_floor_ratio * typical
    offer = scorer.p_offer.astype(np.float64)
    wage = np.where(
        scorer.p_offer_known,
        w.wage * np.clip((offer - lo) / (typical - lo), 0, 1) + 1e-3 * np.clip(offer / typical, 0, 4),
        0.5 * w.wage,
    )
    edu_rank = s.education[s.education >= 0]
    typical_edu = int(np.median(edu_rank)) if len(edu_rank) else 2
    gap = np.maximum(p.min_education.astype(np.int64) - typical_edu, 0)
    edu = w.education * np.maximum(0.0, 1 - w.education_step_penalty * gap)
    prio = 0.25 * w.priority * ((p.targets != 0) | p.disability_friendly)
    avail = np.clip(w.availability * 0.5 + scorer.p_avail, 0, w.availability)
    out: NDArray[np.float32] = (scorer.p_board + wage + edu + prio + avail).astype(np.float32)
    return out


def predict_codes(
    text: sp.csr_matrix, centroids: sp.csr_matrix, top: int, min_sim: float, chunk: int = 20_000
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, centroid index) of each row's ``top`` nearest occupation centroids above ``min_sim``."""
    rows_out, idx_out = [], []
    n_c = centroids.shape[0]
    if n_c == 0 or text.shape[0] == 0 or top <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    ct = centroids.T.tocsr()
    top = min(top, n_c)
    for a in range(0, text.shape[0], chunk):
        sim = (text[a : a + chunk] @ ct).toarray()
        best = (
            np.argpartition(-sim, top - 1, axis=1)[:, :top]
            if n_c > top
            else np.tile(np.arange(n_c), (len(sim), 1))
        )
        vals = np.take_along_axis(sim, best, axis=1)
        r, c = np.nonzero(vals >= min_sim)
        rows_out.append(r + a)
        idx_out.append(best[r, c])
    return np.concatenate(rows_out).astype(np.int64), np.concatenate(idx_out).astype(np.int64)


class _Index:
    """Eligible postings sorted by (group at a level, work county, posting id); counts and runs by
    searchsorted.  The id order inside a county makes a run's order (and so the text clustering's
    sample) depend on the data only, not on the order the records arrived in."""

    def __init__(self, groups: np.ndarray, rows: np.ndarray, work: np.ndarray, rank: np.ndarray) -> None:
        keys = groups.astype(np.int64) * SHIFT + work.astype(np.int64)
        order = np.lexsort((rank[rows], keys))
        self.keys, self.rows = keys[order], rows[order]

    def bounds(self, group: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = np.searchsorted(self.keys, group * SHIFT + lo, side="left")
        b = np.searchsorted(self.keys, group * SHIFT + hi, side="right")
        return a, b


# ---- the plan --------------------------------------------------------------------------------


@overload
def plan_cells(
    scorer: Scorer,
    params: RetrievalParams = ...,
    count_only: Literal[False] = ...,
    *,
    workers: int = ...,
    processes: bool = ...,
) -> Plan: ...


@overload
def plan_cells(
    scorer: Scorer,
    params: RetrievalParams,
    count_only: Literal[True],
    *,
    workers: int = ...,
    processes: bool = ...,
) -> int: ...


@overload
def plan_cells(
    scorer: Scorer,
    params: RetrievalParams = ...,
    *,
    count_only: Literal[True],
    workers: int = ...,
    processes: bool = ...,
) -> int: ...


def plan_cells(
    scorer: Scorer,
    params: RetrievalParams = RetrievalParams(),
    count_only: bool = False,
    *,
    workers: int = 1,
    processes: bool = False,
) -> Plan | int:
    """Decide every seeker's candidate cells (a few sorts and searchsorted calls, plus a text
    clustering of each cell above the cap, spread over ``workers`` forked processes when
    ``processes``; the plan is the same either way).  ``count_only`` returns the number of
    pairs the cells hold before any cap instead (an int)."""
    s, p, w = scorer.s, scorer.p, scorer.w
    gate = w.require_same_major_group
    p_rank = id_rank(p.ids)
    elig = np.flatnonzero(scorer.exclusion == 0).astype(np.int64)
    elig = elig[np.argsort(p_rank[elig], kind="stable")]  # id order: centroid sums in a fixed order
    p_occ = p.occ[elig].astype(np.int64)  # detailed, minor, medium, major; -2 unknown
    work = p.work[elig].astype(np.int64)
    coded = p_occ[:, 3] >= 0

    # Occupation centroids of the coded postings' texts (for text-guessed codes).
    det_codes, inv = np.unique(p_occ[coded, 0], return_inverse=True)
    valid = det_codes >= 0
    code_levels = np.zeros((len(det_codes), 4), dtype=np.int64)
    if len(det_codes):
        first = np.zeros(len(det_codes), dtype=np.int64)
        first[inv[::-1]] = np.arange(int(coded.sum()))[::-1]
        code_levels = p_occ[coded][first]
    member = sp.csr_matrix(
        (np.ones(int(coded.sum()), dtype=np.float32), (inv.ravel(), np.arange(int(coded.sum())))),
        shape=(len(det_codes), int(coded.sum())),
    )
    centroids = member[valid] @ p.text[elig[coded]] if len(det_codes) else sp.csr_matrix((0, p.text.shape[1]))
    code_levels = code_levels[valid]
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    centroids = sp.csr_matrix(sp.diags(1 / norms) @ centroids)

    # Per-level posting indexes; uncoded postings use their guessed codes at the fine levels and
    # sit in every major group at the major level (the gate admits them for everyone).
    g_rows, g_idx = predict_codes(
        p.text[elig[~coded]], centroids, params.predicted_codes, params.predict_min_similarity
    )
    unc = np.flatnonzero(~coded)
    indexes = []
    for lev in (DETAILED, MINOR, MEDIUM):
        grp = (
            np.concatenate([p_occ[coded, lev], code_levels[g_idx, lev]]) if len(g_idx) else p_occ[coded, lev]
        )
        pos = np.concatenate([np.flatnonzero(coded), unc[g_rows]]) if len(g_idx) else np.flatnonzero(coded)
        ok = grp >= 0
        # Two guessed codes of one posting may share a group at this level: keep it once.
        gp = unique_rows(np.column_stack([grp[ok], pos[ok]]))[0] if ok.any() else np.zeros((0, 2), np.int64)
        indexes.append(_Index(gp[:, 0], elig[gp[:, 1]], work[gp[:, 1]], p_rank))
    s_major_all = np.unique(s.occ[:, :, 3])
    majors = s_major_all[s_major_all >= 0]
    maj_grp = np.concatenate([p_occ[coded, 3], np.repeat(majors, len(unc))])
    maj_pos = np.concatenate([np.flatnonzero(coded), np.tile(unc, len(majors))])
    indexes.append(_Index(maj_grp, elig[maj_pos], work[maj_pos], p_rank))
    indexes.append(_Index(np.zeros(len(elig), dtype=np.int64), elig, work, p_rank))

    # Seeker "codes": stated ones, else guessed from text; each with a start and a widest level.
    n_s = len(s)
    K = s.occ.shape[1]
    so = s.occ.astype(np.int64)
    rows_k = np.repeat(np.arange(n_s, dtype=np.int64), K)
    ids_k = so.reshape(n_s * K, 4)
    has = ids_k[:, 3] >= 0
    e_row, e_ids = rows_k[has], ids_k[has]
    e_max = np.full(len(e_row), MAJOR if gate else ALL, dtype=np.int64)
    uncoded = np.flatnonzero(scorer.s_no_occ)
    if len(uncoded) and len(code_levels):
        r, nearest = predict_codes(
            s.text[uncoded], centroids, params.predicted_codes, params.predict_min_similarity
        )
        e_row = np.concatenate([e_row, uncoded[r]])
        e_ids = np.concatenate([e_ids, code_levels[nearest]])
        e_max = np.concatenate([e_max, np.full(len(r), ALL, dtype=np.int64)])
    if not gate:  # without the gate every seeker may see every occupation: add the region cell
        fallback = np.arange(n_s, dtype=np.int64)
    else:
        fallback = uncoded if params.region_fallback else uncoded[:0]
    e_row = np.concatenate([e_row, fallback])
    e_ids = np.concatenate([e_ids, np.full((len(fallback), 4), -1, dtype=np.int64)])
    e_max = np.concatenate([e_max, np.full(len(fallback), ALL, dtype=np.int64)])
    e_start = np.select([e_ids[:, 0] >= 0, e_ids[:, 1] >= 0, e_ids[:, 2] >= 0, e_ids[:, 3] >= 0],
                        [DETAILED, MINOR, MEDIUM, MAJOR], ALL)  # fmt: skip

    # Cross with each seeker's merged ranges.
    r_owner, r_lo, r_hi = merged_ranges(s)
    r_ptr = np.searchsorted(r_owner, np.arange(n_s + 1))
    n_r = r_ptr[e_row + 1] - r_ptr[e_row]
    item = np.repeat(np.arange(len(e_row)), n_r)
    first_r = np.repeat(r_ptr[e_row], n_r)
    nth = np.arange(len(item)) - np.repeat(np.cumsum(n_r) - n_r, n_r)
    ridx = first_r + nth
    i_row, i_lo, i_hi = e_row[item], r_lo[ridx], r_hi[ridx]
    i_ids, i_start, i_max = e_ids[item], e_start[item], e_max[item]

    # Resolve the level of each distinct (ids, range, start, max): widen while the cell is thin.
    key = np.column_stack([i_ids, i_lo, i_hi, i_start, i_max])
    ukey, uinv = unique_rows(key)
    uinv = uinv.ravel()
    n_u = len(ukey)
    level = np.full(n_u, -1, dtype=np.int64)
    group = np.zeros(n_u, dtype=np.int64)
    for lev in range(5):
        todo = np.flatnonzero((level < 0) & (ukey[:, 6] <= lev))
        if not len(todo):
            continue
        g = ukey[todo, lev] if lev < ALL else np.zeros(len(todo), dtype=np.int64)
        if lev < ALL:
            usable = g >= 0
            todo, g = todo[usable], g[usable]
        a, b = indexes[lev].bounds(g, ukey[todo, 4], ukey[todo, 5])
        done = ((b - a) >= params.expand_below) | (ukey[todo, 7] <= lev)
        level[todo[done]] = lev
        group[todo[done]] = g[done]
    level[level < 0] = ALL  # defensive: nothing narrower applied

    # Cells: distinct (level, group, range); seekers per cell without duplicates.
    ckey = np.column_stack([level, group, ukey[:, 4], ukey[:, 5]])
    cells, cinv = unique_rows(ckey)
    cinv = cinv.ravel()
    pair = np.unique(cinv[uinv] * np.int64(n_s + 1) + i_row)
    p_cell, p_row = pair // (n_s + 1), pair % (n_s + 1)
    seeker_ptr = np.searchsorted(p_cell, np.arange(len(cells) + 1)).astype(np.int64)

    if count_only:  # pairs an uncapped, unsplit plan would score (for comparisons)
        total = 0
        for lev in range(5):
            sel = np.flatnonzero(cells[:, 0] == lev)
            if len(sel):
                a, b = indexes[lev].bounds(cells[sel, 1], cells[sel, 2], cells[sel, 3])
                total += int(((b - a) * np.diff(seeker_ptr)[sel]).sum())
        return total

    # Posting runs; a run above the cap is split by text (below) and cut by prior.
    prior = posting_prior(scorer) if len(p) else np.zeros(0, dtype=np.float32)
    out: list[_Cell] = []
    big: list[_BigRun] = []  # runs to split
    for lev in range(5):
        sel = np.flatnonzero(cells[:, 0] == lev)
        if not len(sel):
            continue
        a, b = indexes[lev].bounds(cells[sel, 1], cells[sel, 2], cells[sel, 3])
        rows = indexes[lev].rows
        for c, x, y in zip(sel.tolist(), a.tolist(), b.tolist(), strict=True):
            run, who = rows[x:y], p_row[seeker_ptr[c] : seeker_ptr[c + 1]]
            if len(run) <= params.cap:
                out.append((c, -1, who, run[np.argsort(p_rank[run], kind="stable")], len(run)))
            else:
                # Seeded by what the cell is, not by its number: adding or removing other cells
                # (other seekers' ranges, a Dask partition) leaves this cell's clusters alone.
                big.append((c, run, who, [1, *cells[c].tolist()]))
    out.extend(_split_all(scorer, big, prior, p_rank, params, workers, processes))
    out.sort(key=lambda t: (t[0], t[1]))
    n_cells = len(out)
    cell_of = np.array([t[0] for t in out], dtype=np.int64)
    seeker_ptr = np.concatenate([[0], np.cumsum([len(t[2]) for t in out])]).astype(np.int64)
    posting_ptr = np.concatenate([[0], np.cumsum([len(t[3]) for t in out])]).astype(np.int64)

    def cat(parts: list[NDArray[Any]]) -> NDArray[np.int64]:
        return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, dtype=np.int64)

    return Plan(
        level=cells[cell_of, 0].astype(np.int8) if n_cells else np.empty(0, np.int8),
        group=cells[cell_of, 1] if n_cells else np.empty(0, np.int64),
        lo=cells[cell_of, 2] if n_cells else np.empty(0, np.int64),
        hi=cells[cell_of, 3] if n_cells else np.empty(0, np.int64),
        part=np.array([t[1] for t in out], dtype=np.int64),
        seeker_ptr=seeker_ptr, seeker_rows=cat([t[2] for t in out]), posting_ptr=posting_ptr,
        posting_rows=cat([t[3] for t in out]), run_sizes=np.array([t[4] for t in out], dtype=np.int64),
    )  # fmt: skip


_SPLIT_JOB: tuple[Scorer, list[_BigRun], NDArray[Any], NDArray[Any], RetrievalParams, int] | None = None


def _split_one(
    scorer: Scorer, task: _BigRun, prior: NDArray[Any], rank: NDArray[Any], params: RetrievalParams
) -> list[_Cell]:
    c, run, who, seed = task
    rng = np.random.default_rng(seed)  # per cell: the same plan whatever the worker split
    return [
        (c, part, w_, r_, len(run)) for part, w_, r_ in _split_big(scorer, run, who, prior, rank, params, rng)
    ]


def _split_worker(i: int) -> list[_Cell]:
    assert _SPLIT_JOB is not None, "set by _split_all around the pool"
    scorer, tasks, prior, rank, params, n = _SPLIT_JOB
    return [t for task in tasks[i::n] for t in _split_one(scorer, task, prior, rank, params)]


def _split_all(
    scorer: Scorer,
    big: list[_BigRun],
    prior: NDArray[Any],
    rank: NDArray[Any],
    params: RetrievalParams,
    workers: int,
    processes: bool,
) -> list[_Cell]:
    """Split the runs above the cap, in forked workers (alternate runs, biggest first) if asked."""
    global _SPLIT_JOB
    big = sorted(big, key=lambda t: (-len(t[1]) * len(t[2]), t[0]))
    if workers > 1 and processes and len(big) > 1 and "fork" in mp.get_all_start_methods():
        n = min(workers, len(big))
        _SPLIT_JOB = (scorer, big, prior, rank, params, n)  # inherited copy-on-write by the workers
        try:
            with mp.get_context("fork").Pool(n) as pool:
                return [t for part in pool.map(_split_worker, range(n), chunksize=1) for t in part]
        finally:
            _SPLIT_JOB = None
    return [t for task in big for t in _split_one(scorer, task, prior, rank, params)]


def _project(m: sp.csr_matrix, lut: np.ndarray, width: int) -> sp.csr_matrix:
    """Rows of ``m`` restricted to the features ``lut`` maps (feature -> column, -1 dropped)."""
    pos = lut[m.indices]
    keep = np.flatnonzero(pos >= 0)
    ptr = np.searchsorted(keep, m.indptr).astype(np.int64)
    return sp.csr_matrix((m.data[keep], pos[keep], ptr), shape=(m.shape[0], width))


def _split_big(
    scorer: Scorer,
    run: np.ndarray,
    who: np.ndarray,
    prior: np.ndarray,
    rank: np.ndarray,
    params: RetrievalParams,
    rng: np.random.Generator,
) -> Iterator[tuple[int, NDArray[Any], NDArray[Any]]]:
    """A cell too big to score whole: the best ``prior_keep`` by prior for every seeker, plus text
    clusters (one k-means step on the postings' text vectors), each seeker scoring the ``nprobe``
    clusters nearest its own text, each cluster cut to ``cluster_cap`` by prior.  Yields
    (part, seeker rows, posting rows); part -1 is the prior part, parts <= -2 the home parts:
    the run's postings in a seeker's home prefecture (proximity is the part of the score the
    prior cannot see), cut to ``home_keep`` by prior, for the seekers living there.  Every cut by
    prior breaks ties by the lower posting id, and every part lists its postings in id order."""
    yield -1, who, best_by(run, prior, rank, params.prior_keep)
    home = scorer.s.residence[who].astype(np.int64) // 100
    work = scorer.p.work[run].astype(np.int64) // 100
    prefs, inv = np.unique(home[home > 0], return_inverse=True)
    local_ok = np.isin(work, prefs)
    if local_ok.any():
        local, lwork = run[local_ok], work[local_ok]
        by = np.argsort(lwork, kind="stable")
        local, lwork = local[by], lwork[by]
        bounds: NDArray[np.intp] = np.searchsorted(lwork, np.asarray(np.r_[prefs, prefs[-1] + 1]))
        owners = who[home > 0]
        for h in range(len(prefs)):
            members = local[bounds[h] : bounds[h + 1]]
            if not len(members):
                continue
            yield -2 - h, owners[inv.ravel() == h], best_by(members, prior, rank, params.home_keep)
    if params.priority_keep > 0:
        s_groups = scorer.s.groups[who]
        p_targets = scorer.p.targets[run]
        for bit in range(8):
            seekers = who[(s_groups >> bit) & 1 == 1]
            if not len(seekers):
                continue
            ok = (p_targets >> bit) & 1 == 1
            if bit == 0:  # DISABILITY_BIT: disability-friendly postings earn the bonus too
                ok |= scorer.p.disability_friendly[run]
            members = run[ok]
            if not len(members):
                continue
            yield PRIORITY_PART - bit, seekers, best_by(members, prior, rank, params.priority_keep)
    n_c = min(params.max_clusters, max(2, int(np.ceil(len(run) / params.cluster_size))))
    # k-means in the run's own vocabulary: texts as sparse rows over it, centroids dense (cheap
    # sparse-times-dense products instead of sparse-times-sparse with dense-ish centroids).
    x = scorer.p.text[run]
    lut = np.full(x.shape[1], -1, dtype=np.int32)
    lut[x.indices] = 0
    vocab = np.flatnonzero(lut == 0)
    lut[vocab] = np.arange(len(vocab), dtype=np.int32)
    x = _project(x, lut, len(vocab))
    fit = x[rng.choice(len(run), size=min(len(run), 50 * n_c), replace=False)]  # centroids from a sample
    cent = fit[rng.choice(fit.shape[0], size=n_c, replace=False)].toarray()
    for _ in range(2):  # assign the sample, recompute centroids (twice)
        assign = (fit @ cent.T).argmax(axis=1)
        member = sp.csr_matrix(
            (np.ones(len(assign), dtype=np.float32), (assign, np.arange(len(assign)))),
            shape=(cent.shape[0], len(assign)),
        )
        cent = np.asarray((member @ fit).todense())
        norms = np.sqrt((cent * cent).sum(axis=1))
        norms[norms == 0] = 1
        cent = np.ascontiguousarray(cent / norms[:, None], dtype=np.float32)
    cent_t = np.ascontiguousarray(cent.T)
    assign = (x @ cent_t).argmax(axis=1)
    sim = _project(scorer.s.text[who], lut, len(vocab)) @ cent_t
    probe = min(params.nprobe, sim.shape[1])
    chosen = np.argpartition(-sim, probe - 1, axis=1)[:, :probe]
    useful = np.take_along_axis(sim, chosen, axis=1) > 0  # no text in common: the prior part serves
    order = np.argsort(assign, kind="stable")
    bounds = np.searchsorted(assign[order], np.arange(cent.shape[0] + 1))
    for cl in range(cent.shape[0]):
        members = run[order[bounds[cl] : bounds[cl + 1]]]
        seekers = who[(useful & (chosen == cl)).any(axis=1)]
        if not len(members) or not len(seekers):
            continue
        yield cl, seekers, best_by(members, prior, rank, params.cluster_cap)


# ---- scoring the cells -------------------------------------------------------------------------


def _empty(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, dtype=np.int64)


def _score_keys(
    scorer: Scorer,
    plan: Plan,
    cells: Sequence[int] | NDArray[np.integer[Any]],
    k: int,
    block_pairs: int,
    progress: Callable[[int], None] | None,
    rank: np.ndarray,
    s_rank: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Running top-k order keys (unsorted inside a row, ``NO_KEY`` padded) over the given cells:
    per seeker (posting ranks), and with ``s_rank`` also per posting (seeker ranks), else None."""
    run_k = np.full((len(scorer.s), k), NO_KEY, dtype=np.int64)
    post_k = np.full((len(scorer.p), k), NO_KEY, dtype=np.int64) if s_rank is not None else None
    for c in cells:
        rows, pj = plan.cell_seekers(c), plan.cell_postings(c)
        if not len(rows) or not len(pj):
            continue
        if len(pj) > 1 and not (np.diff(rank[pj]) > 0).all():  # plans built elsewhere: id order
            pj = pj[np.argsort(rank[pj], kind="stable")]
        if s_rank is not None and len(rows) > 1 and not (np.diff(s_rank[rows]) > 0).all():
            rows = rows[np.argsort(s_rank[rows], kind="stable")]  # column ties: the lower seeker id
        cols = scorer.columns(pj, rows_hint=len(rows))
        step = max(8, block_pairs // len(pj))
        for a in range(0, len(rows), step):
            blk = rows[a : a + step]
            sc = scorer.block(blk, cols, filters_checked=True)
            r, c_, v = best_per_row(sc, k, group=32, floor=key_values(run_k[blk].min(axis=1)))
            fin = np.isfinite(v)
            r, keys = r[fin], order_keys(v[fin], rank[pj[c_[fin]]])
            # A posting reached through two cells of the same seeker must be listed once.
            dup = (run_k[blk[r]] == keys[:, None]).any(axis=1)
            if dup.any():
                r, keys = r[~dup], keys[~dup]
            # Keys are distinct per posting, so the round-based merge keeps exactly the k largest
            # whatever order they come in (the key array stands for both values and ids).
            merge_candidates(run_k, run_k, blk, r, keys, keys, k)
            if post_k is not None and s_rank is not None:  # set together
                # A seeker may meet a posting in two cells: keys already listed are dropped.
                update_columns(sc, blk, pj, post_k, k, s_rank, merge=_merge_new)
            if progress:
                progress(sc.size)
    return run_k, post_k


def _merge_new(pk: np.ndarray, row_map: np.ndarray, local: np.ndarray, keys: np.ndarray, k: int) -> None:
    """``merge_candidates`` of keys not already in their row's list."""
    if not len(keys):
        return
    new = ~(pk[row_map[local]] == keys[:, None]).any(axis=1)
    merge_candidates(pk, pk, row_map, local[new], keys[new], keys[new], k)


def _rows_of(keys: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, posting rows) of order keys; -inf / -1 for empty slots."""
    row_of_rank = np.empty(len(rank), dtype=np.int64)
    row_of_rank[rank] = np.arange(len(rank), dtype=np.int64)
    empty = keys == NO_KEY
    rows = row_of_rank[np.where(empty, 0, key_ranks(keys))] if len(rank) else np.zeros(keys.shape, np.int64)
    rows[empty] = -1
    return key_values(keys), rows


def score_cells(
    scorer: Scorer,
    plan: Plan,
    cells: Sequence[int] | NDArray[np.integer[Any]],
    k: int,
    block_pairs: int = 2_000_000,
    progress: Callable[[int], None] | None = None,
    *,
    posting_side: bool = False,
) -> tuple[np.ndarray, ...]:
    """Running top-k lists (scores, posting rows; unsorted, -inf/-1 padded) over the given cells.

    Each list holds exactly the k best of the seeker's candidates in these cells under the tie
    rule (score descending, then lower posting id), so the lists do not depend on the order of
    ``cells`` or on how cells are shared out; ``merge_results`` keeps that rule.

    ``posting_side``: also each posting's k best seekers among the pairs scored in these cells
    (ties: the lower seeker id; a seeker met in two cells listed once), returned as
    (scores, posting rows, posting scores, seeker rows).  A posting's best seeker may have k
    better postings and so be missing from every seeker list; these lists keep it."""
    rank = id_rank(scorer.p.ids)
    s_rank = id_rank(scorer.s.ids) if posting_side else None
    keys, post_keys = _score_keys(scorer, plan, cells, k, block_pairs, progress, rank, s_rank)
    out = _rows_of(keys, rank)
    if post_keys is None or s_rank is None:  # None together
        return out
    return (*out, *_rows_of(post_keys, s_rank))


def merge_results(
    parts: list[tuple[np.ndarray, np.ndarray]], k: int, posting_ids: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted top-k (posting rows, scores) from several running lists of the same seekers.

    The posting side merges the same way: (scores, seeker rows) parts of the same postings, with
    the seekers' ids as ``posting_ids`` (the ids of the listed rows).

    Order: score descending, ties by the lower posting id (``posting_ids``, the batch's ids by
    row; without them by the lower posting row, the same when ids ascend with rows).  A posting
    in several parts is listed once.  The result is the same whatever the order of ``parts``."""
    s = np.concatenate([a for a, _ in parts], axis=1)
    i = np.concatenate([b for _, b in parts], axis=1)
    valid = (i >= 0) & np.isfinite(s)
    if posting_ids is None:
        rank = np.where(valid, i, 0)
    else:
        by_id = id_rank(np.asarray(posting_ids))
        rank = by_id[np.where(valid, i, 0)] if len(by_id) else np.zeros(i.shape, dtype=np.int64)
    keys = np.where(valid, order_keys(s, rank), NO_KEY)
    keys = np.sort(keys, axis=1)[:, ::-1]  # best first
    if len(parts) > 1:  # the same posting may sit in two workers' lists: keep one copy
        dup = np.zeros(keys.shape, dtype=bool)
        dup[:, 1:] = (keys[:, 1:] == keys[:, :-1]) & (keys[:, 1:] != NO_KEY)
        keys[dup] = NO_KEY
        keys = np.sort(keys, axis=1)[:, ::-1]
    keys = np.ascontiguousarray(keys[:, :k])
    # Rows back from the keys: a row's rank -> the row (with posting_ids) or the row itself.
    if posting_ids is None:
        out_i = np.where(keys == NO_KEY, -1, key_ranks(keys))
    else:
        _, out_i = _rows_of(keys, id_rank(np.asarray(posting_ids)))
    out_s = key_values(keys)
    if out_s.shape[1] < k:  # fewer slots than k in the parts: pad
        pad = k - out_s.shape[1]
        out_s = np.pad(out_s, ((0, 0), (0, pad)), constant_values=-np.inf)
        out_i = np.pad(out_i, ((0, 0), (0, pad)), constant_values=-1)
    return out_i.astype(np.int64), out_s.astype(np.float32)


# ---- entry points ------------------------------------------------------------------------------


def province_topk(
    seekers: SeekerBatch,
    postings: PostingBatch,
    k: int = 10,
    today: dt.date | int | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    params: RetrievalParams = RetrievalParams(),
    workers: int = 2,
    processes: bool = False,
) -> TopK:
    """Each seeker's top-k postings at province scale (blocking + exact rescoring).

    Returns a ``TopK`` whose seeker side is filled (posting rows best first, -1/-inf padded) and
    whose posting side is empty (shape (n_postings, 0)); ``candidate_arcs`` turns it into
    allocation arcs.  ``progress(done_pairs, total_pairs)`` is called as cells are scored (from
    the calling process even with ``processes=True``).
    """
    scorer = Scorer(seekers, postings, weights, today=today)
    return province_topk_scorer(scorer, k, progress, params=params, workers=workers, processes=processes)


def province_topk_scorer(
    scorer: Scorer,
    k: int = 10,
    progress: Callable[[int, int], None] | None = None,
    *,
    params: RetrievalParams = RetrievalParams(),
    workers: int = 2,
    processes: bool = False,
    plan: Plan | None = None,
    posting_side: bool = False,
) -> TopK:
    """``province_topk`` on a built scorer (and optionally a plan).  ``posting_side`` fills the
    posting side too: each posting's k best seekers among the pairs scored (see ``score_cells``);
    without it the posting side is empty (shape (n_postings, 0))."""
    if k <= 0:
        raise ValueError("k must be positive")
    n_p = len(scorer.p)
    plan = plan_cells(scorer, params, workers=workers, processes=processes) if plan is None else plan
    work = np.diff(plan.seeker_ptr) * np.diff(plan.posting_ptr)
    order = np.argsort(-work, kind="stable")
    order = order[work[order] > 0]
    total = int(work.sum())
    workers = max(1, min(workers, len(order)))
    shards = [order[t::workers].tolist() for t in range(workers)]
    if workers == 1:
        cb = (lambda d: progress(d, total)) if progress else None
        parts = [
            score_cells(
                scorer,
                plan,
                shards[0] if shards else [],
                k,
                params.block_pairs,
                cb,
                posting_side=posting_side,
            )
        ]
    else:
        parts = _parallel(
            scorer, plan, shards, k, params.block_pairs, processes, progress, total, posting_side
        )
    si, ss = merge_results([(pt[0], pt[1]) for pt in parts], k, scorer.p.ids)
    if posting_side:
        pi, ps = merge_results([(pt[2], pt[3]) for pt in parts], k, scorer.s.ids)
        return TopK(si, ss, pi, ps, pairs_scored=total)
    empty_i = np.full((n_p, 0), -1, dtype=np.int64)
    return TopK(si, ss, empty_i, np.full((n_p, 0), -np.inf, dtype=np.float32), pairs_scored=total)


def candidate_arcs(top: TopK) -> Arcs:
    """The scored (seeker, posting) pairs of a top-k result as allocation arcs."""
    return Arcs.from_topk(top)


_JOB: tuple[Scorer, Plan, list[list[int]], int, int, Any, bool] | None = None


def _fork_worker(i: int) -> tuple[np.ndarray, ...]:
    assert _JOB is not None, "set by _parallel around the pool"
    scorer, plan, shards, k, block_pairs, counter, posting_side = _JOB

    def bump(d: int) -> None:
        with counter.get_lock():
            counter.value += d

    return score_cells(scorer, plan, shards[i], k, block_pairs, bump, posting_side=posting_side)


def _parallel(
    scorer: Scorer,
    plan: Plan,
    shards: list[list[int]],
    k: int,
    block_pairs: int,
    processes: bool,
    progress: Callable[[int, int], None] | None,
    total: int,
    posting_side: bool = False,
) -> list[tuple[np.ndarray, ...]]:
    global _JOB
    if processes and "fork" in mp.get_all_start_methods():
        ctx = mp.get_context("fork")
        counter = ctx.Value("q", 0)
        _JOB = (
            scorer,
            plan,
            shards,
            k,
            block_pairs,
            counter,
            posting_side,
        )  # inherited copy-on-write by the workers
        try:
            with ctx.Pool(len(shards)) as pool:
                res = pool.map_async(_fork_worker, range(len(shards)), chunksize=1)
                reported = 0
                while not res.ready():
                    res.wait(0.5)
                    done = counter.value  # read once: the workers keep adding to it
                    if progress and done > reported:
                        progress(done - reported, total)
                        reported = done
                out: list[tuple[np.ndarray, ...]] = res.get()
                if progress and total > reported:
                    progress(total - reported, total)
                return out
        finally:
            _JOB = None
    lock = threading.Lock()

    def cb(d: int) -> None:
        if progress:
            with lock:
                progress(d, total)

    with ThreadPoolExecutor(len(shards)) as executor:
        return list(
            executor.map(
                lambda sh: score_cells(scorer, plan, sh, k, block_pairs, cb, posting_side=posting_side),
                shards,
            )
        )


def recall_at_k(exact_scores: np.ndarray, got_scores: np.ndarray, k: int, tol: float = 1e-5) -> np.ndarray:
    """Tie-aware recall@k per seeker: the share of the exact top-k *scores* the result reaches.

    Many postings can share the k-th best score (same occupation, county and wage band), so
    comparing posting ids would punish an equally good choice.  A retrieved posting counts when
    its (exact, rescored) score is at least the exact k-th best; seekers with fewer than k
    admissible postings are measured against what they have; seekers with none count as 1.
    """
    exact_scores = np.asarray(exact_scores, dtype=np.float64)
    got = np.asarray(got_scores, dtype=np.float64)
    top = -np.sort(-exact_scores, axis=1)[:, :k]
    n_true = np.isfinite(top).sum(axis=1)
    kth = np.where(n_true > 0, top[np.arange(len(top)), np.maximum(n_true - 1, 0)], np.inf)
    hits = (np.isfinite(got) & (got >= kth[:, None] - tol)).sum(axis=1)
    return np.where(n_true > 0, np.minimum(hits, n_true) / np.maximum(n_true, 1), 1.0)


__all__ = [
    "Plan", "RetrievalParams", "candidate_arcs", "merge_results", "plan_cells", "province_topk",
    "province_topk_scorer", "recall_at_k", "score_cells",
]  # fmt: skip

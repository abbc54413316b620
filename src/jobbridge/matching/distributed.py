"""The batch computation itself, free of Django: partitions, per-partition top-k, compact reasons,
merging, and running the partitions on a Dask cluster.

It imports only the engine, numpy and (for ``run_on_dask``) ``distributed``, so a plain
``dask worker`` process with the jobbridge package installed can run ``solve_part`` without a
database or settings. ``batch.py`` (Django) loads the batches, calls this, and stores the result.

Partitioning by destination region. A partition is a set of provinces (work-region code // 10000).
It holds the admissible postings working there and every seeker whose accepted destinations
touch one of those provinces (those who accept anywhere are in every partition). Then:

* a posting's admissible seekers are all in its partition, so its top-k there is exact;
* a seeker's admissible postings are spread over its partitions, and each partition returns that
  seeker's top-k among its own postings, so merging the lists gives the exact global top-k.

Ties. The engine's top-k may cut a tie at the k-th place either way. Each part therefore asks for
``k + TIE_MARGIN`` and the lists are put in a canonical order (score descending, then id) before
cutting to k, so a local run and a partitioned Dask run store the same lists.

Province scale. Above a size threshold (``batch.province_pairs()``) a run is not partitioned:
``solve_province`` takes every seeker and every admissible posting at once and fills the seeker
side with the engine's province retrieval (``engine.retrieval.province_topk_scorer``: blocking
into candidate cells, exact rescoring of the candidates), which does its own blocking. Posting
lists there are *approximate*: each posting's best seekers among the pairs scored during
retrieval (see ``solve_province``). ``list_chunks`` turns the arrays into lists a chunk of owners at a
time, so they are written without holding every list as Python objects.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from .engine.codes import OccupationTable, RegionTable, destination_range
from .engine.features import DISABILITY_BIT, EDUCATION_NAMES, PostingBatch, SeekerBatch, group_names
from .engine.geo import haversine_km
from .engine.retrieval import (
    Plan,
    RetrievalParams,
    merge_results,
    plan_cells,
    province_topk_scorer,
    score_cells,
)
from .engine.scoring import Scorer, as_day, posting_exclusions, unique_rows
from .engine.topk import topk_both_ways

TIE_MARGIN = 5
CONNECT_TIMEOUT = 10  # seconds to reach the scheduler (Dask retries refused connections until then)
SCORE_DIGITS = 5


class DistributedError(RuntimeError):
    """The Dask cluster failed us: unreachable scheduler, a worker that died, a lost connection."""


# ---- partitions ------------------------------------------------------------------------------
@dataclass
class Part:
    provinces: list[int]
    seekers: SeekerBatch
    postings: PostingBatch


def _seeker_provinces(s: SeekerBatch) -> list[set[int]]:
    """Provinces each seeker's destination ranges touch (empty set for "anywhere")."""
    out: list[set[int]] = [set() for _ in range(len(s))]
    lo_p, hi_p = s.dest_lo // 10000, s.dest_hi // 10000
    owner = np.repeat(np.arange(len(s)), np.diff(s.dest_ptr))
    for o, a, b in zip(owner.tolist(), lo_p.tolist(), hi_p.tolist(), strict=True):
        out[o].update(range(a, b + 1))
    return out


def plan_parts(seekers: SeekerBatch, postings: PostingBatch, n_parts: int, today: dt.date) -> list[Part]:
    """Split the work into at most ``n_parts`` partitions by the postings' work province."""
    ok = posting_exclusions(postings, as_day(today)) == 0
    prov = postings.work // 10000
    counts: defaultdict[int, int] = defaultdict(int)
    for p in prov[ok].tolist():
        counts[p] += 1
    if not counts:
        return []
    # Greedy balance: biggest province first into the lightest bin.
    bins: list[list[int]] = [[] for _ in range(max(1, min(n_parts, len(counts))))]
    load = [0] * len(bins)
    for p in sorted(counts, key=lambda q: (-counts[q], q)):
        b = load.index(min(load))
        bins[b].append(p)
        load[b] += counts[p]
    touched = _seeker_provinces(seekers)
    anywhere = seekers.anywhere
    parts = []
    for provinces in bins:
        pset = set(provinces)
        pj = np.flatnonzero(ok & np.isin(prov, provinces))
        si = np.array([i for i in range(len(seekers)) if anywhere[i] or touched[i] & pset], dtype=np.int64)
        parts.append(Part(sorted(provinces), seekers.subset(si), postings.subset(pj)))
    return parts


# ---- one partition --------------------------------------------------------------------------
@dataclass
class PartResult:
    # owner id -> [[other id, score, reasons], ...] (canonical order, up to k + TIE_MARGIN)
    seeker_lists: dict[int, list] = field(default_factory=dict)
    posting_lists: dict[int, list] = field(default_factory=dict)
    pairs_scored: int = 0


def solve_part(
    part: Part, k: int, today: dt.date, threads: int = 2, progress: Callable[[int, int], None] | None = None
) -> PartResult:
    """Exact top-k both ways inside one partition, with compact reasons for every kept pair."""
    out = PartResult()
    if not len(part.seekers) or not len(part.postings):
        return out
    scorer = Scorer(part.seekers, part.postings, today=today)
    top = topk_both_ways(scorer, k + TIE_MARGIN, threads=threads, progress=progress)
    out.pairs_scored = top.pairs_scored
    s_ids, p_ids = part.seekers.ids, part.postings.ids
    # Seeker side: row i's best posting rows; posting side: column j's best seeker rows.
    for by_seeker, cols, scores, lists in (
        (True, top.seeker_postings, top.seeker_scores, out.seeker_lists),
        (False, top.posting_seekers, top.posting_scores, out.posting_lists),
    ):
        owner, slot = np.nonzero((cols >= 0) & np.isfinite(scores))
        if not len(owner):
            continue
        other = cols[owner, slot]
        si, pj = (owner, other) if by_seeker else (other, owner)
        reasons = encode_reasons(scorer, si, pj)
        vals = np.round(scores[owner, slot].astype(np.float64), SCORE_DIGITS).tolist()
        mine, theirs = (s_ids, p_ids) if by_seeker else (p_ids, s_ids)
        for o, oid, v, r in zip(mine[owner].tolist(), theirs[other].tolist(), vals, reasons, strict=True):
            lists.setdefault(o, []).append([oid, v, r])
    for lists in (out.seeker_lists, out.posting_lists):
        for items in lists.values():
            items.sort(key=lambda it: (-it[1], it[0]))
    return out


def merge_parts(results: list[PartResult], k: int) -> tuple[dict[int, list], dict[int, list], int]:
    """Seeker lists merged across partitions; posting lists are whole in their one partition."""
    seekers: dict[int, list] = {}
    postings: dict[int, list] = {}
    pairs = 0
    for r in results:
        pairs += r.pairs_scored
        for sid, items in r.seeker_lists.items():
            seekers.setdefault(sid, []).extend(items)
        postings.update(r.posting_lists)
    for lists in (seekers, postings):
        for items in lists.values():
            items.sort(key=lambda it: (-it[1], it[0]))
            del items[k:]
    return seekers, postings, pairs


# ---- province scale ---------------------------------------------------------------------------
def admissible_postings(postings: PostingBatch, today: dt.date) -> np.ndarray:
    """Rows of the postings that may be matched at all (open, with vacancies, placed)."""
    return np.flatnonzero(posting_exclusions(postings, as_day(today)) == 0)


@dataclass
class ProvinceResult:
    """Both sides as arrays over the scorer's rows (canonical order: score descending, then id).

    ``seeker_postings``/``seeker_scores``: (n_seekers, k) posting rows / rounded scores, -1 / -inf
    padded. Posting side as CSR: ``posting_ptr`` over posting rows -> ``posting_seekers`` and
    ``posting_scores``, at most k each."""

    scorer: Scorer
    seeker_postings: np.ndarray
    seeker_scores: np.ndarray
    posting_ptr: np.ndarray
    posting_seekers: np.ndarray
    posting_scores: np.ndarray
    pairs_scored: int = 0


def canonical_rows(
    rows: np.ndarray, scores: np.ndarray, ids: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's list in canonical order (rounded score descending, then id), cut to k."""
    n, width = rows.shape
    vals = np.round(scores.astype(np.float64), SCORE_DIGITS)
    valid = (rows >= 0) & np.isfinite(vals)
    vals = np.where(valid, vals, -np.inf)
    other = np.where(valid, ids[np.maximum(rows, 0)], np.iinfo(np.int64).max)
    owner = np.repeat(np.arange(n, dtype=np.int64), width)
    order = (
        np.lexsort((other.ravel(), -vals.ravel(), owner)).reshape(n, width) - owner.reshape(n, width) * width
    )
    out_rows = np.take_along_axis(np.where(valid, rows, -1), order, axis=1)[:, :k]
    out_vals = np.take_along_axis(vals, order, axis=1)[:, :k]
    return out_rows, out_vals


def solve_province(
    seekers: SeekerBatch,
    postings: PostingBatch,
    k: int,
    today: dt.date,
    *,
    params: RetrievalParams | None = None,
    workers: int = 2,
    processes: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ProvinceResult:
    """Top-k lists of every seeker by province retrieval (``postings``: the admissible ones).

    Seeker side: ``province_topk_scorer`` asked for ``k + TIE_MARGIN``, put in canonical order and
    cut to k, as ``solve_part`` does. Posting side (approximate): each posting's k best seekers
    among every pair the retrieval scored (the engine keeps a running ``k + TIE_MARGIN`` per
    posting inside the scored blocks), so a seeker with k + TIE_MARGIN better postings still
    counts for this one. A posting no seeker was scored against gets no list; one scored against
    fewer than k seekers gets a short list (the site scores those on demand). ``progress(done,
    total)`` gets running totals of pairs scored."""
    scorer = Scorer(seekers, postings, today=today)
    n_s, n_p = len(seekers), len(postings)
    if not n_s or not n_p:
        e = np.empty(0, dtype=np.int64)
        return ProvinceResult(
            scorer,
            np.full((n_s, 0), -1, dtype=np.int64),
            np.full((n_s, 0), -np.inf),
            np.zeros(n_p + 1, dtype=np.int64),
            e,
            np.empty(0),
        )
    done = [0]

    def step(d: int, total: int) -> None:  # the engine reports increments
        done[0] += d
        if progress:
            progress(done[0], total)

    top = province_topk_scorer(
        scorer,
        k + TIE_MARGIN,
        step,
        params=params or RetrievalParams(),
        workers=workers,
        processes=processes,
        posting_side=True,
    )
    return province_result(
        scorer,
        top.seeker_postings,
        top.seeker_scores,
        k,
        top.pairs_scored,
        top.posting_seekers,
        top.posting_scores,
    )


def province_result(
    scorer: Scorer,
    seeker_postings: np.ndarray,
    seeker_scores: np.ndarray,
    k: int,
    pairs_scored: int,
    posting_seekers: np.ndarray | None = None,
    posting_scores: np.ndarray | None = None,
) -> ProvinceResult:
    """Both sides from every seeker's ``k + TIE_MARGIN`` best (posting rows, scores), however they
    were computed (here or merged from Dask workers): seeker lists in canonical order cut to k.
    Posting lists: from every posting's ``k + TIE_MARGIN`` best (seeker rows, scores) kept during
    retrieval when given (``posting_seekers``/``posting_scores``, (n_postings, width)), in
    canonical order cut to k; without them derived from the seekers' kept pairs (each posting's
    best among the seekers for whom it is among their k + TIE_MARGIN best)."""
    n_p = len(scorer.p)
    s_ids, p_ids = scorer.s.ids.astype(np.int64), scorer.p.ids.astype(np.int64)
    wide_rows, wide_vals = canonical_rows(seeker_postings, seeker_scores, p_ids, k + TIE_MARGIN)
    if posting_seekers is not None and posting_scores is not None:
        p_rows, p_vals = canonical_rows(posting_seekers, posting_scores, s_ids, k)
        valid = p_rows >= 0
        ptr = np.zeros(n_p + 1, dtype=np.int64)
        np.cumsum(valid.sum(axis=1), out=ptr[1:])
        # Canonical order puts the valid entries first in each row, so row-major order is the CSR order.
        return ProvinceResult(
            scorer, wide_rows[:, :k], wide_vals[:, :k], ptr, p_rows[valid], p_vals[valid], pairs_scored
        )
    # Derived from every kept pair (before the cut to k, so ties at the seeker's k-th place count).
    owner, slot = np.nonzero(wide_rows >= 0)
    pj, vals = wide_rows[owner, slot], wide_vals[owner, slot]
    order = np.lexsort((s_ids[owner], -vals, pj))
    pj, si, vals = pj[order], owner[order], vals[order]
    start = np.searchsorted(pj, np.arange(n_p + 1))
    rank = np.arange(len(pj)) - start[pj]
    keep = rank < k
    pj, si, vals = pj[keep], si[keep], vals[keep]
    ptr = np.searchsorted(pj, np.arange(n_p + 1)).astype(np.int64)
    return ProvinceResult(scorer, wide_rows[:, :k], wide_vals[:, :k], ptr, si, vals, pairs_scored)


def list_chunks(res: ProvinceResult, kind: str, chunk: int = 20_000):
    """``[(owner id, items as JSON text), ...]`` for ``chunk`` owners at a time (owners with an
    empty list are left out), the text exactly ``dumps([[other id, score, reasons], ...])``.
    Reasons are encoded by ``ReasonEncoder`` straight to text, so no chunk is ever held as
    Python lists of lists."""
    scorer = res.scorer
    enc = ReasonEncoder(scorer)
    s_ids, p_ids = scorer.s.ids.astype(np.int64), scorer.p.ids.astype(np.int64)
    if kind == "s":
        n = len(res.seeker_postings)
        for a in range(0, n, chunk):
            rows, vals = res.seeker_postings[a : a + chunk], res.seeker_scores[a : a + chunk]
            owner, slot = np.nonzero(rows >= 0)
            if not len(owner):
                continue
            si, pj = owner + a, rows[owner, slot]
            yield _owner_rows(s_ids[si], enc.texts(si, pj, others=p_ids[pj], scores=vals[owner, slot]))
    else:
        n = len(res.posting_ptr) - 1
        for a in range(0, n, chunk):
            lo, hi = res.posting_ptr[a], res.posting_ptr[min(a + chunk, n)]
            if lo == hi:
                continue
            pj = np.searchsorted(res.posting_ptr, np.arange(lo, hi), side="right") - 1
            si = res.posting_seekers[lo:hi]
            yield _owner_rows(
                p_ids[pj], enc.texts(si, pj, others=s_ids[si], scores=res.posting_scores[lo:hi])
            )


def _owner_rows(owners: np.ndarray, items: list[str]) -> list[tuple[int, str]]:
    """Consecutive items of the same owner joined into that owner's JSON list."""
    cut = np.flatnonzero(owners[1:] != owners[:-1]) + 1
    bounds = [0, *cut.tolist(), len(owners)]
    ids = owners[np.concatenate([[0], cut]).astype(np.int64)].tolist()
    return [
        (o, "[" + ",".join(items[a:b]) + "]") for o, a, b in zip(ids, bounds[:-1], bounds[1:], strict=True)
    ]


# ---- compact reasons ------------------------------------------------------------------------
# Each kept pair stores the components that scored (points > 0) as short lists
# [code, points in thousandths of the score, facts...]; ``render_reasons`` turns them back into
# the sentences of ``engine.explain`` (a test checks they are identical) without a Scorer.
#
# ``ReasonEncoder`` writes them straight to JSON text, column by column: the numbers are numpy
# arrays; each component's text is formatted once per distinct combination of its integers (a
# chunk has far fewer than pairs) and gathered; the pairs are grouped by which components scored
# (a few dozen patterns) and each group is joined with one %-template in C. A province run on the
# 1M-seeker world stores ~10 million pairs; the per-pair Python of ``encode_reasons_reference``
# (Python lists, then ``json.dumps``) cost ~47 us a pair there (``bench/matching_run_province.py``).
# The reference stays as the specification: ``tests/matching/test_encode_reasons.py`` checks that
# both give identical text on random worlds.
_CODES = "otwpeabg"  # the order components appear in, as in the reference


def _pair_numbers(sc: Scorer, si: np.ndarray, pj: np.ndarray) -> tuple:
    """The numbers the compact reasons are made of, per pair: the score components as the scorer
    computes them, plus the occupation level, distance and the facts a reason names."""
    s, p, w = sc.s, sc.p, sc.w
    n = len(si)
    occ = np.zeros(n, dtype=np.float32)
    level = np.zeros(n, dtype=np.int8)
    for k in range(s.occ.shape[1]):
        so, po = s.occ[si, k], p.occ[pj]
        med, mnr, det = so[:, 2] == po[:, 2], so[:, 1] == po[:, 1], so[:, 0] == po[:, 0]
        v = w.occ_medium * med + (w.occ_minor - w.occ_medium) * mnr + (w.occ_detailed - w.occ_minor) * det
        np.maximum(occ, v.astype(np.float32), out=occ)
        lv = np.where(
            (so[:, 0] >= 0) & det,
            3,
            np.where((so[:, 1] >= 0) & mnr, 2, np.where((so[:, 2] >= 0) & med, 1, 0)),
        )
        np.maximum(level, lv.astype(np.int8), out=level)
    occ *= np.float32(w.occupation)
    text = np.asarray(sc.s_text_weighted[si].multiply(p.text[pj]).sum(axis=1), dtype=np.float32).ravel()
    wage = np.clip(sc.s_wage_a[si] * sc.p_offer[pj] + sc.s_wage_b[si], 0, w.wage)
    wage = np.where(sc.p_offer_known[pj], wage, 0.5 * w.wage).astype(np.float32)
    km = haversine_km(s.lat[si], s.lon[si], p.lat[pj], p.lon[pj])
    place = (
        0.5 * w.place * np.where(np.isnan(km), 0.5, 1.0 / (1.0 + km / w.distance_half_km)) + sc.s_named[si]
    ).astype(np.float32)
    groups, targets = s.groups[si].astype(np.int64), p.targets[pj].astype(np.int64)
    disabled_friendly = ((groups & DISABILITY_BIT) != 0) & p.disability_friendly[pj]
    prio = ((groups & targets) != 0) | disabled_friendly
    cat = sc.seeker_category_table[sc.s_cat[si], sc.p_cat[pj]]
    edu = cat - np.where(prio, w.priority, 0.0)
    avail = np.clip(sc.s_avail[si] + sc.p_avail[pj], 0, w.availability)
    late = s.available[si].astype(np.int64) - np.maximum(p.valid_from[pj].astype(np.int64), sc.today)
    board = sc.p_board[pj]
    return (
        occ,
        level,
        text,
        wage,
        km,
        place,
        groups,
        targets,
        disabled_friendly,
        prio,
        edu,
        avail,
        late,
        board,
    )


def _points(points, weight: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """explain.add: value = clip(points / weight, 0, 1) rounded to 6 places, stored in thousandths
    of the score; shown if > 0."""
    value = (
        np.round(np.clip(np.asarray(points, dtype=np.float64) / weight, 0, 1), 6) if weight else np.zeros(n)
    )
    return np.rint(value * weight * 1000).astype(np.int64), value > 0


class ReasonEncoder:
    """Compact reasons of many pairs of one scorer as JSON text (see the block comment above).

    Lookups in the batches' Python lists (occupation codes, destination codes) are made per call
    for the distinct seekers and postings of the pairs only, so a few pairs against a
    million-seeker scorer (an incremental update) cost no pass over the whole batch."""

    def __init__(self, scorer: Scorer):
        self.scorer = scorer
        self._ranges: dict[int, tuple[int, int]] = {}  # destination code -> its work-region range

    def _range(self, code: int) -> tuple[int, int]:
        rg = self._ranges.get(code)
        if rg is None:
            rg = self._ranges[code] = destination_range(code) or (1, 0)  # (1, 0): covers nothing
        return rg

    def _destinations(self, si: np.ndarray):
        """Per pair, whether the seeker stated an occupation; and the seekers' destination codes
        with their ranges (CSR over the distinct seekers, ``inv`` maps pairs to them)."""
        s = self.scorer.s
        us, inv = np.unique(si, return_inverse=True)
        rows = us.tolist()
        coded = np.fromiter((bool(s.occ_codes[i]) for i in rows), dtype=np.int64, count=len(rows))[inv]
        codes = [s.dest_codes[i] for i in rows]
        ptr = np.concatenate([[0], np.cumsum(np.fromiter(map(len, codes), dtype=np.int64, count=len(rows)))])
        flat = [int(c) for c in chain.from_iterable(codes)]
        ranges = [self._range(c) for c in flat]
        lo = np.array([r[0] for r in ranges], dtype=np.int64)
        hi = np.array([r[1] for r in ranges], dtype=np.int64)
        return coded, (ptr.astype(np.int64), np.array(flat, dtype=np.int64), lo, hi, inv.ravel())

    @staticmethod
    def _covering(dest, r: np.ndarray, work: np.ndarray) -> np.ndarray:
        """For pairs ``r``: the first of the seeker's destination codes whose range holds the
        posting's ``work`` region (0 if none), as the reference's ``_covering``."""
        ptr, code, lo, hi, inv = dest
        u = inv[r]
        start, count = ptr[u], ptr[u + 1] - ptr[u]
        out = np.zeros(len(r), dtype=np.int64)
        for k in range(int(count.max(initial=0))):
            at = np.where(count > k, start + k, 0)
            hit = (count > k) & (out == 0) & (lo[at] <= work) & (work <= hi[at])
            out[hit] = code[at[hit]]
        return out

    def _occupations(self, pj: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """Per pair, an index into the distinct posting occupation codes' JSON texts."""
        p = self.scorer.p
        up, inv = np.unique(pj, return_inverse=True)
        index: dict = {}
        ids = np.array([index.setdefault(p.occ_codes[j], len(index)) for j in up.tolist()], dtype=np.int64)
        return ids[inv.ravel()], [json.dumps(c, ensure_ascii=False) for c in index]

    def texts(self, si, pj, others=None, scores=None) -> list[str]:
        """Per pair, the reasons' JSON text (``dumps(encode_reasons_reference(...)[r])``), or with
        ``others``/``scores`` the stored item ``[other id, score, reasons]``."""
        sc = self.scorer
        s, p, w = sc.s, sc.p, sc.w
        si, pj = np.asarray(si, dtype=np.int64), np.asarray(pj, dtype=np.int64)
        n = len(si)
        if not n:
            return []
        # ---- the numbers, shared with the reference (the test compares the text built from them)
        (
            occ,
            level,
            text,
            wage,
            km,
            place,
            groups,
            targets,
            disabled_friendly,
            prio,
            edu,
            avail,
            late,
            board,
        ) = _pair_numbers(sc, si, pj)

        got = {
            c: _points(v, wt, n)
            for c, v, wt in (
                ("o", occ, w.occupation),
                ("t", text, w.text),
                ("w", wage, w.wage),
                ("p", place, w.place),
                ("e", edu, w.education),
                ("a", avail, w.availability),
                ("b", board, w.board_lodging),
                ("g", np.where(prio, w.priority, 0.0), w.priority),
            )
        }
        pattern = np.zeros(n, dtype=np.int64)
        for bit, c in enumerate(_CODES):
            pattern |= got[c][1].astype(np.int64) << bit
        offer = p.offer[pj].astype(np.float64)
        s_coded, dest = self._destinations(si)
        occ_id, occ_json = self._occupations(pj)
        expect = s.wage[si].astype(np.float64)
        km64 = np.asarray(km, dtype=np.float64)
        work = p.work[pj].astype(np.int64)
        cents, negative = _cents(text / w.text if w.text else np.zeros(n))
        # Each component's text is a function of a few integers (its key columns below), and a
        # chunk has far fewer distinct keys than pairs: each distinct key is formatted once in
        # Python and the texts are gathered with numpy.
        keys: dict[str, Callable[[np.ndarray], tuple[Any, ...]]] = {
            "o": lambda r: (level[r], occ_id[r], s_coded[r]),
            "t": lambda r: (cents[r], negative[r]),
            "w": lambda r: (
                *_rounded(offer[r], np.isfinite(offer[r])),
                *_rounded(expect[r], ~np.isnan(expect[r])),
                offer[r] >= expect[r],
            ),
            "p": lambda r: (
                self._covering(dest, r, work[r]),
                *_rounded(km64[r], ~np.isnan(km64[r])),
                s.anywhere[si[r]],
                work[r],
            ),
            "e": lambda r: (s.education[si[r]], p.min_education[pj[r]]),
            "a": lambda r: (late[r],),
            "b": lambda r: (p.board[pj[r]], p.lodging[pj[r]]),
            "g": lambda r: ((groups & targets)[r], disabled_friendly[r]),
        }
        show: dict[str, Callable[..., str]] = {
            "o": lambda pt, lv, oc, coded: f'["o",{pt},{lv},{occ_json[oc]},{coded}]',
            "t": lambda pt, m, neg: f'["t",{pt},{_cents_text(m, neg)}]',
            "w": lambda pt, ok1, of, ok2, ex, ge: (
                f'["w",{pt},{of if ok1 else "null"},{ex if ok2 else "null"},{ge}]'
            ),
            "p": lambda pt, cover, ok, d, anywhere, wk: (
                f'["p",{pt},{cover},{d if ok else "null"},{anywhere},{wk}]'
            ),
            "e": lambda pt, have, need: f'["e",{pt},{have},{need}]',
            "a": lambda pt, days: f'["a",{pt},{days}]',
            "b": lambda pt, bd, lg: f'["b",{pt},{bd},{lg}]',
            "g": lambda pt, shared, df: f'["g",{pt},{shared},{df}]',
        }
        texts: dict[str, np.ndarray] = {}
        for c in _CODES:
            points, ok = got[c]
            r = np.flatnonzero(ok)
            if not len(r):
                continue
            cols = np.column_stack([points[r], *(np.asarray(k, dtype=np.int64) for k in keys[c](r))])
            uniq, inv = unique_rows(cols)
            full = np.empty(n, dtype=object)
            full[r] = np.array([show[c](*u) for u in uniq.tolist()], dtype=object)[inv]
            texts[c] = full
        head: tuple = ()
        if others is not None:
            head = (np.asarray(others, dtype=np.int64), np.asarray(scores, dtype=np.float64))
        out = np.empty(n, dtype=object)
        for pat in np.unique(pattern).tolist():
            rows = np.flatnonzero(pattern == pat)
            present = [c for bit, c in enumerate(_CODES) if pat >> bit & 1]
            body = "[" + ",".join(["%s"] * len(present)) + "]"
            template = f"[%d,%s,{body}]" if head else body
            columns = [col[rows].tolist() for col in (*head, *(texts[c] for c in present))]
            out[rows] = (
                list(map(template.__mod__, zip(*columns, strict=True))) if columns else [body] * len(rows)
            )
        return out.tolist()


def _rounded(v: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(known?, Python's ``round`` to an int: half to even, as np.rint; 0 where unknown)."""
    return known, np.where(known, np.rint(np.where(known, v, 0)), 0).astype(np.int64)


def _cents(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f"{x:.2f}"`` of each value as (hundredths, sign bit), vectorised.

    For a float32 ``x``, ``x * 100`` is exact in float64 (24 + 7 bits), so ``np.rint`` gives the
    correctly rounded hundredths with ties to even, as ``format`` does."""
    if x.dtype != np.float32:
        m = np.array([round(float(f"{v:.2f}") * 100) for v in x.tolist()], dtype=np.int64)
    else:
        m = np.rint(x.astype(np.float64) * 100).astype(np.int64)
    return np.abs(m), np.signbit(x)


def _cents_text(m: int, negative: int) -> str:
    """``repr(float(f"{x:.2f}"))`` from the hundredths: two decimals with one trailing zero dropped
    ("0.30" -> "0.3", "1.00" -> "1.0")."""
    whole, c = divmod(m, 100)
    return f"{'-' if negative else ''}{whole}.{c // 10 if c % 10 == 0 else f'{c:02d}'}"


def _similarity(x: np.ndarray) -> list[str]:
    """``repr(float(f"{x:.2f}"))`` of each value (what the reference stores for "t")."""
    m, neg = _cents(x)
    return [_cents_text(a, b) for a, b in zip(m.tolist(), neg.tolist(), strict=True)]


def encode_reasons_json(scorer: Scorer, si: np.ndarray, pj: np.ndarray) -> list[str]:
    """The compact reasons of each pair (seeker rows ``si``, posting rows ``pj``) as JSON text."""
    return ReasonEncoder(scorer).texts(si, pj)


def encode_reasons(scorer: Scorer, si: np.ndarray, pj: np.ndarray) -> list[list]:
    """The compact reasons of each pair as Python lists (exact runs and incremental updates)."""
    texts = encode_reasons_json(scorer, si, pj)
    return json.loads("[" + ",".join(texts) + "]") if texts else []


def encode_reasons_reference(scorer: Scorer, si: np.ndarray, pj: np.ndarray) -> list[list]:
    """The specification of compact reasons, one pair at a time in plain Python (the encoder of
    runs before the columnar one). Slow; kept for the equivalence test and the benchmark's peer.
    The numbers come from ``_pair_numbers`` like the encoder's; that they match the engine's
    explanations is tested apart (tests/matching/test_batch_reasons.py)."""
    s, p, w = scorer.s, scorer.p, scorer.w
    si, pj = np.asarray(si, dtype=np.int64), np.asarray(pj, dtype=np.int64)
    n = len(si)
    occ, level, text, wage, km, place, groups, targets, disabled_friendly, prio, edu, avail, late, board = (
        _pair_numbers(scorer, si, pj)
    )
    offer, expect = p.offer[pj], s.wage[si]

    def pts(points, weight):
        return _points(points, weight, n)

    o_pts, o_ok = pts(occ, w.occupation)
    t_pts, t_ok = pts(text, w.text)
    w_pts, w_ok = pts(wage, w.wage)
    p_pts, p_ok = pts(place, w.place)
    e_pts, e_ok = pts(edu, w.education)
    a_pts, a_ok = pts(avail, w.availability)
    b_pts, b_ok = pts(board, w.board_lodging)
    g_pts, g_ok = pts(np.where(prio, w.priority, 0.0), w.priority)
    sim = [float(f"{x:.2f}") for x in (text / w.text if w.text else np.zeros(n)).tolist()]
    out = []
    for r in range(n):
        i, j = int(si[r]), int(pj[r])
        items = []
        if o_ok[r]:
            items.append(["o", int(o_pts[r]), int(level[r]), p.occ_codes[j], int(bool(s.occ_codes[i]))])
        if t_ok[r]:
            items.append(["t", int(t_pts[r]), sim[r]])
        if w_ok[r]:
            of, ex = float(offer[r]), float(expect[r])
            items.append(
                [
                    "w",
                    int(w_pts[r]),
                    None if not np.isfinite(of) else round(of),
                    None if np.isnan(ex) else round(ex),
                    int(bool(of >= ex)),
                ]
            )
        if p_ok[r]:
            work = int(p.work[j])
            cover = _covering(s.dest_codes[i], work)
            items.append(
                [
                    "p",
                    int(p_pts[r]),
                    cover or 0,
                    None if np.isnan(km[r]) else int(round(float(km[r]))),
                    int(bool(s.anywhere[i])),
                    work,
                ]
            )
        if e_ok[r]:
            items.append(["e", int(e_pts[r]), int(s.education[i]), int(p.min_education[j])])
        if a_ok[r]:
            items.append(["a", int(a_pts[r]), int(late[r])])
        if b_ok[r]:
            items.append(["b", int(b_pts[r]), int(p.board[j]), int(p.lodging[j])])
        if g_ok[r]:
            items.append(["g", int(g_pts[r]), int(groups[r] & targets[r]), int(disabled_friendly[r])])
        out.append(items)
    return out


def _covering(dest_codes, work: int) -> int | None:
    for code in dest_codes:
        rg = destination_range(code)
        if rg and rg[0] <= work <= rg[1]:
            return code
    return None


def _yuan(v: float) -> str:
    return f"{int(round(v)):,}"


def render_reasons(
    items: list, regions: RegionTable | None = None, occupations: OccupationTable | None = None
) -> list[str]:
    """The sentences of ``engine.explain`` for the components that scored, from compact reasons."""
    regions = regions or RegionTable()
    out = []
    for it in items:
        code = it[0]
        if code == "o":
            _c, _p, level, occ_code, seeker_coded = it
            name = (occupations.name(occ_code) if occupations else occ_code) or occ_code
            if not occ_code:
                out.append("岗位未标注职业")
            elif level == 3:
                out.append(f"同一职业：{name}")
            elif level in (1, 2):
                group_code = occ_code[:7] + "-00" if level == 2 else occ_code[:4] + "-00-00"
                group = occupations.name(group_code) if occupations else group_code
                out.append(f"同一职业{'小' if level == 2 else '中'}类：{group}（岗位：{name}）")
            elif not seeker_coded:
                out.append(f"您未填写职业，岗位职业：{name}")
            else:
                out.append(f"职业不同：岗位为{name}")
        elif code == "t":
            out.append(f"技能描述相似度{it[2]:.2f}")
        elif code == "w":
            _c, _p, offer, expect, ge = it
            if offer is None:
                out.append("岗位未标注月薪")
            elif expect is None:
                out.append(f"月薪{_yuan(offer)}（您未填期望月薪）")
            else:
                out.append(f"月薪{_yuan(offer)} {'≥' if ge else '<'} 期望{_yuan(expect)}")
        elif code == "p":
            _c, _p, cover, km, anywhere, work = it
            dist = "距离未知" if km is None else f"{_yuan(km)}公里"
            if cover and not anywhere:
                out.append(f"{regions.name(cover)}在您的意向工作地内，{dist}")
            elif cover:
                out.append(f"{regions.name(cover)}在您的意向工作地内（工作地不限），{dist}")
            else:
                out.append(f"工作地不限：{regions.name(work)}，{dist}")
        elif code == "e":
            have, need = it[2], it[3]
            if need < 0:
                out.append("岗位无学历要求")
            elif have < 0:
                out.append(f"要求{EDUCATION_NAMES[need]}，您未填学历")
            else:
                out.append(
                    f"学历{EDUCATION_NAMES[have]} {'≥' if have >= need else '<'} 要求{EDUCATION_NAMES[need]}"
                )
        elif code == "a":
            out.append("可按时到岗" if it[2] <= 0 else f"晚到岗{it[2]}天")
        elif code == "b":
            bl = [t for flag, t in ((it[2], "包吃"), (it[3], "包住")) if flag]
            out.append("".join(bl) if bl else "不包吃住")
        elif code == "g":
            shared = group_names(it[2])
            parts = ([f"面向{'、'.join(shared)}"] if shared else []) + (["适合残疾人"] if it[3] else [])
            out.append("优先：" + "，".join(parts))
    return out


def dumps(items: list) -> str:
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


# ---- Dask ------------------------------------------------------------------------------------
def probe_scheduler(scheduler: str, connect_timeout: float | None = None) -> None:
    """Fail at once when nothing listens at a ``tcp://host:port`` scheduler address, before a run
    spends minutes loading and planning (a province run connects only after planning). A plain
    socket: no Dask client, so no I/O thread before the plan forks. Other schemes are left to
    ``dask_client``."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(scheduler)
    if parts.scheme != "tcp" or not parts.hostname:
        return
    try:
        port = parts.port or 8786  # Dask's default scheduler port
        with socket.create_connection((parts.hostname, port), timeout=connect_timeout or CONNECT_TIMEOUT):
            pass
    except (OSError, ValueError) as e:
        raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e


@contextmanager
def dask_client(scheduler: str, connect_timeout: float | None = None):
    """A client of the cluster at ``scheduler`` (not the process default), closed on exit;
    unreachable -> DistributedError naming it."""
    try:
        from distributed import Client
    except ImportError as e:  # pragma: no cover - distributed is a pinned dependency
        raise DistributedError(f"the 'distributed' package is not installed: {e}") from e
    try:
        client = Client(scheduler, timeout=f"{connect_timeout or CONNECT_TIMEOUT}s", set_as_default=False)
    except Exception as e:
        raise DistributedError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e
    try:
        # Tasks on a scheduler without workers would wait for ever: give workers the connect
        # timeout to join, then fail the run with a clear message.
        wait = connect_timeout or CONNECT_TIMEOUT
        try:
            client.wait_for_workers(1, timeout=wait)
        except Exception as e:
            raise DistributedError(
                f"the Dask scheduler at {scheduler} has no workers (waited {wait} s)"
            ) from e
        yield client
    finally:
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001 - closing a dead connection must not hide the real error
            pass


def _gather(
    client,
    scheduler: str,
    futures: list,
    describe: Callable[[int], str],
    on_result: Callable[[int, Any], None],
) -> None:
    """Each future's result to ``on_result(index, result)`` as it finishes (in the calling thread,
    so the callback may report progress to the database); any failure -> DistributedError."""
    from distributed import as_completed

    index = {f.key: i for i, f in enumerate(futures)}
    try:
        with client.as_current():  # as_completed looks the client up; it is not the process default
            for fut in as_completed(futures):
                i = index[fut.key]
                try:
                    result = fut.result()
                except Exception as e:
                    raise DistributedError(
                        f"{describe(i)} failed on the Dask cluster at {scheduler}: {type(e).__name__}: {e}"
                    ) from e
                on_result(i, result)
    except DistributedError:
        raise
    except Exception as e:
        raise DistributedError(f"lost the Dask cluster at {scheduler}: {type(e).__name__}: {e}") from e


def run_on_dask(
    scheduler: str,
    parts: list[Part],
    k: int,
    today: dt.date,
    *,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout: float | None = None,
    solve: Callable = solve_part,
) -> list[PartResult]:
    """Solve the partitions on the Dask cluster at ``scheduler``; any failure -> DistributedError."""
    with dask_client(scheduler, connect_timeout) as client:
        try:
            futures = [
                client.submit(solve, part, k, today, 1, key=f"jobbridge-part-{i}-{id(parts)}", pure=False)
                for i, part in enumerate(parts)
            ]
        except Exception as e:
            raise DistributedError(f"lost the Dask cluster at {scheduler}: {type(e).__name__}: {e}") from e
        results: list[PartResult | None] = [None] * len(parts)
        done = [0]

        def keep(i: int, result: PartResult) -> None:
            results[i] = result
            done[0] += 1
            if progress:
                progress(done[0], len(parts))

        _gather(
            client,
            scheduler,
            futures,
            lambda i: f"partition {i + 1}/{len(parts)} (provinces {parts[i].provinces})",
            keep,
        )
        return results  # type: ignore[return-value]


# ---- province scale on Dask ------------------------------------------------------------------
# The plan (which seekers are scored against which postings, ``engine.retrieval.plan_cells``) is
# made once, here in the client, exactly as a local run makes it; its cells are independent, so
# the cluster only scores. The scorer and the plan go to every worker once (``scatter``, not
# pickled into each task); a task is a group of cell ids and returns the running top-(k + 5)
# lists of the seekers and of the postings those cells touched. The client merges them as they
# arrive (``merge_results``, ties by the other side's id) and builds both sides as a local run
# does, so a Dask run stores what a local run stores whatever the number of groups or workers.


def balance_cells(plan: Plan, groups: int) -> list[np.ndarray]:
    """The cells with work (seekers x postings > 0) in at most ``groups`` groups of about equal
    work: biggest cell first into the lightest group (ties: lowest group). Each group's cell ids
    ascending. Deterministic: depends on the plan only."""
    work = np.diff(plan.seeker_ptr) * np.diff(plan.posting_ptr)
    order = np.argsort(-work, kind="stable")
    order = order[work[order] > 0]
    n = max(1, min(groups, len(order)))
    heap = [(0, g) for g in range(n)]
    members: list[list[int]] = [[] for _ in range(n)]
    for c, w in zip(order.tolist(), work[order].tolist(), strict=True):
        load, g = heapq.heappop(heap)
        members[g].append(c)
        heapq.heappush(heap, (load + w, g))
    return [np.array(sorted(m), dtype=np.int64) for m in members if m]


def score_cell_group(
    scorer: Scorer, plan: Plan, cells: np.ndarray, k: int, block_pairs: int
) -> tuple[np.ndarray, ...]:
    """On a worker: the running top-k lists over ``cells`` of both sides, only of the seeker and
    posting rows they reached (a group touches a fraction of them; the rest need not cross the
    network). Returns (seeker rows, scores, posting rows, posting rows reached, their scores,
    their seeker rows)."""
    scores, postings, p_scores, p_seekers = score_cells(
        scorer, plan, cells, k, block_pairs, posting_side=True
    )
    rows = np.flatnonzero((postings >= 0).any(axis=1))
    cols = np.flatnonzero((p_seekers >= 0).any(axis=1))
    return rows, scores[rows], postings[rows], cols, p_scores[cols], p_seekers[cols]


def solve_province_on_dask(
    scheduler: str,
    seekers: SeekerBatch,
    postings: PostingBatch,
    k: int,
    today: dt.date,
    *,
    params: RetrievalParams | None = None,
    groups: int = 8,
    plan_workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout: float | None = None,
    score: Callable = score_cell_group,
) -> tuple[ProvinceResult, int]:
    """``solve_province`` with the cells scored on the Dask cluster at ``scheduler`` (see the block
    comment above). At least ``groups`` tasks, and three per worker thread, so the progress moves
    and a slow worker does not hold the end. ``progress(done, total)`` in pairs, per finished
    task. Returns the result and the number of tasks; any cluster failure -> DistributedError."""
    params = params or RetrievalParams()
    kk = k + TIE_MARGIN
    n_s = len(seekers)
    if not n_s or not len(postings):
        return solve_province(seekers, postings, k, today, params=params, workers=1, processes=False), 0
    scorer = Scorer(seekers, postings, today=today)
    # Planned before connecting: the plan forks its workers (as a local run's does), and a
    # process with the client's I/O thread running should not fork.
    plan = plan_cells(scorer, params, workers=plan_workers, processes=True)
    work = np.diff(plan.seeker_ptr) * np.diff(plan.posting_ptr)
    total = int(work.sum())
    best_i = np.full((n_s, kk), -1, dtype=np.int64)
    best_s = np.full((n_s, kk), -np.inf, dtype=np.float32)
    # Posting side: each posting's running k + TIE_MARGIN best seekers over the tasks so far.
    n_p = len(postings)
    post_i = np.full((n_p, kk), -1, dtype=np.int64)
    post_s = np.full((n_p, kk), -np.inf, dtype=np.float32)
    with dask_client(scheduler, connect_timeout) as client:
        try:
            threads = sum(client.nthreads().values())
            shards = balance_cells(plan, max(groups, 3 * threads))
            scorer_f, plan_f = client.scatter([scorer, plan], broadcast=True, hash=False)
            tag = uuid.uuid4().hex  # unique per run: a long-lived scheduler may remember keys
            futures = [
                client.submit(
                    score,
                    scorer_f,
                    plan_f,
                    cells,
                    kk,
                    params.block_pairs,
                    key=f"jobbridge-cells-{i}-{tag}",
                    pure=False,
                )
                for i, cells in enumerate(shards)
            ]
        except Exception as e:
            raise DistributedError(f"lost the Dask cluster at {scheduler}: {type(e).__name__}: {e}") from e
        done = [0]
        p_ids, s_ids = scorer.p.ids, scorer.s.ids

        def keep(i: int, result) -> None:
            rows, s, p, cols, ps, pi = result
            if len(rows):
                merged_i, merged_s = merge_results([(best_s[rows], best_i[rows]), (s, p)], kk, p_ids)
                best_i[rows], best_s[rows] = merged_i, merged_s
            if len(cols):  # merge_results is symmetric: the ids are those of the listed rows
                merged_i, merged_s = merge_results([(post_s[cols], post_i[cols]), (ps, pi)], kk, s_ids)
                post_i[cols], post_s[cols] = merged_i, merged_s
            done[0] += int(work[shards[i]].sum())
            if progress:
                progress(done[0], total)

        _gather(
            client,
            scheduler,
            futures,
            lambda i: f"cell group {i + 1}/{len(shards)} ({len(shards[i])} cells)",
            keep,
        )
    return province_result(scorer, best_i, best_s, k, total, post_i, post_s), len(shards)

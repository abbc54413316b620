"""Exact top-k both ways: each seeker's best postings and each posting's best seekers.

Exact, not approximate: every admissible pair is scored.  What makes city scale tractable is that
most pairs are *inadmissible* by a hard filter, and the filters have a shape that sorting exposes:

* postings are sorted by (CSCO major group, work-region code), so "major group m and work region
  inside accepted destination [lo, hi]" is one contiguous run of postings (``searchsorted``);
* each seeker's accepted destinations are merged into disjoint ranges, so a seeker's admissible
  postings are a disjoint union of runs, a "cell" (major, range) each;
* seekers sharing a cell are scored together against that run in blocks of about
  ``block_pairs`` pairs (dense float32, the posting run's text matrix transposed once per cell),
  and partial top-k lists are merged per seeker and per posting with ``argpartition``.

Two threads work on different cells (numpy and scipy release the GIL in the heavy parts); each
keeps private running lists that are merged at the end.  Ties are broken by the lower id (see
"Ties" below), so the lists are the same for any thread count and record order.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from .features import Rows
from .scoring import Scorer

_S = TypeVar("_S")
_R = TypeVar("_R")

ANY = (0, 999_999)


@dataclass
class TopK:
    """Row indices into the scorer's batches, best first; -1 / -inf pad lists shorter than k."""

    seeker_postings: np.ndarray  # (n_seekers, k) posting rows
    seeker_scores: np.ndarray  # (n_seekers, k) float32
    posting_seekers: np.ndarray  # (n_postings, k) seeker rows
    posting_scores: np.ndarray
    pairs_scored: int = 0


# Ties.  Many postings share a score (same occupation, county, wage band), so every top-k of the
# engine (a seeker's postings here and in retrieval.py, where the prior cuts of a plan follow it
# too; a posting's seekers here) ranks by one strict total order: score descending, then the
# lower id of the listed record.  Both are packed into one int64 *order key* (the score's float32
# bits mapped to a sortable int32, then the record's rank by id), so a plain comparison of keys
# decides and no list depends on the order candidates arrive in (worker count, threads or
# processes, the order the records were loaded in).
_RANK_BITS = 31
_RANK_MAX = np.int64((1 << _RANK_BITS) - 1)
NO_KEY = np.iinfo(np.int64).min  # an empty slot of a running list


def id_rank(ids: np.ndarray) -> np.ndarray:
    """Each row's rank by id (0 = lowest id): the tie-breaker, independent of the row order."""
    ids = np.asarray(ids)
    n = len(ids)
    if n >= _RANK_MAX:
        raise ValueError(f"too many records for the tie-breaking key: {n}")
    if n < 2 or bool((ids[1:] > ids[:-1]).all()):
        return np.arange(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(n, dtype=np.int64)
    return rank


def order_keys(values: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """int64 keys, larger for a larger float32 value and, among equal values, for a lower rank."""
    v = np.asarray(values, dtype=np.float32) + np.float32(0)  # -0.0 -> 0.0: equal scores, equal keys
    bits = v.view(np.int32).astype(np.int64)
    bits = np.where(bits < 0, bits ^ np.int64(0x7FFFFFFF), bits)  # IEEE order as signed int order
    return (bits << _RANK_BITS) | (_RANK_MAX - np.asarray(rank, dtype=np.int64))


def key_values(keys: np.ndarray) -> np.ndarray:
    """The float32 values of order keys (-inf for empty slots)."""
    bits = keys >> _RANK_BITS
    bits = np.where(bits < 0, bits ^ np.int64(0x7FFFFFFF), bits).astype(np.int32)
    return np.where(keys == NO_KEY, np.float32(-np.inf), bits.view(np.float32))


def key_ranks(keys: np.ndarray) -> np.ndarray:
    return _RANK_MAX - (keys & _RANK_MAX)


def _empty(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, dtype=np.int64)


def merge_into(
    run_s: NDArray[Any], run_i: NDArray[Any], rows: Rows, new_s: NDArray[Any], new_i: NDArray[Any], k: int
) -> None:
    """Merge candidate lists (len(rows) x m) into the running top-k of ``rows`` (unsorted inside)."""
    cat_s = np.concatenate([run_s[rows], new_s], axis=1)
    cat_i = np.concatenate([run_i[rows], new_i], axis=1)
    if cat_s.shape[1] > k:
        part = np.argpartition(cat_s, cat_s.shape[1] - k, axis=1)[:, -k:]
        cat_s = np.take_along_axis(cat_s, part, axis=1)
        cat_i = np.take_along_axis(cat_i, part, axis=1)
    run_s[rows], run_i[rows] = cat_s, cat_i


def best_per_row(
    scores: np.ndarray, k: int, group: int = 64, floor: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and values of (at least) each row's k largest entries, found cheaply.

    Splits each row into groups of ``group`` columns and takes the group maxima (one fast
    reduction).  The k-th largest group maximum is a lower bound of the row's k-th largest entry,
    so only groups whose maximum reaches it can hold a top-k entry; those few groups are then
    sorted.  Exact, and about one pass over the block instead of an argpartition per row.

    ``floor`` (per row, optional): the caller will only keep entries above it (a running list's
    k-th best) or equal to it (a tie the tie rule may still prefer), so the bound is raised to it
    and groups below it are never gathered.

    Ties: every entry above the bound comes back, and of the entries equal to it the k with the
    lowest columns, so with columns in id order the result holds the top k under the tie rule
    (value, then lower id).
    """
    r, c = scores.shape
    if c <= max(k, group):
        rows = np.repeat(np.arange(r), c)
        cols = np.tile(np.arange(c), r)
        return rows, cols, scores.ravel()
    if c // group <= 2 * k:  # too few groups for the bound to prune: the k-th value per row
        thr = np.partition(scores, c - k, axis=1)[:, c - k]
        if floor is not None:
            thr = np.maximum(thr, floor.astype(scores.dtype))
        at = scores == thr[:, None]
        at &= np.cumsum(at, axis=1) <= k
        rows, cols = np.nonzero((scores > thr[:, None]) | at)
        return rows, cols, scores[rows, cols]
    n_full = c // group
    head = scores[:, : n_full * group].reshape(r, n_full, group)
    maxima = head.max(axis=2)
    if n_full * group < c:
        maxima = np.concatenate([maxima, scores[:, n_full * group :].max(axis=1, keepdims=True)], axis=1)
    n_groups = maxima.shape[1]
    if n_groups > k:
        thr = np.partition(maxima, n_groups - k, axis=1)[:, n_groups - k]
    else:
        thr = np.full(r, -np.inf, dtype=scores.dtype)
    if floor is not None:
        thr = np.maximum(thr, floor.astype(scores.dtype))
    # Groups above the bound, plus (for ties at the bound) only the first k groups that reach it.
    above = maxima > thr[:, None]
    at = (maxima == thr[:, None]) & np.isfinite(maxima)
    at &= np.cumsum(at, axis=1) <= k
    hit_r, hit_g = np.nonzero(above | at)
    full = hit_g < n_full
    fr, fg = hit_r[full], hit_g[full]
    vals = head[fr, fg].ravel()
    rows = np.repeat(fr, group)
    cols = (fg[:, None] * group + np.arange(group)[None, :]).ravel()
    tail_r = hit_r[~full]
    if len(tail_r):
        tail_cols = np.arange(n_full * group, c)
        rows = np.concatenate([rows, np.repeat(tail_r, len(tail_cols))])
        cols = np.concatenate([cols, np.tile(tail_cols, len(tail_r))])
        vals = np.concatenate([vals, scores[tail_r][:, tail_cols].ravel()])
    keep = vals > thr[rows]  # the rest of a hit group can still be below the bound
    # Entries equal to the bound are ties: at most k per row are needed.
    tie = np.flatnonzero(vals == thr[rows])
    if len(tie):
        order = np.argsort(rows[tie], kind="stable")
        tie = tie[order]
        tr = rows[tie]
        starts = np.flatnonzero(np.r_[True, tr[1:] != tr[:-1]])
        rank = np.arange(len(tie)) - np.repeat(starts, np.diff(np.r_[starts, len(tie)]))
        keep[tie[rank < k]] = True
    return rows[keep], cols[keep], vals[keep]


def merge_candidates(
    run_s: NDArray[Any],
    run_i: NDArray[Any],
    row_map: NDArray[np.integer[Any]],
    local: NDArray[np.integer[Any]],
    ids: NDArray[Any],
    vals: NDArray[Any],
    k: int,
) -> None:
    """Merge candidates (local row, id, value) into the running top-k lists of rows ``row_map[local]``.

    Candidates are sorted best-first per row and inserted in rounds: round r offers every row its
    r-th best candidate, which replaces the row's current minimum if it beats it.  Each round is a
    few vectorised gathers and scatters, cheaper than re-partitioning every touched row.
    """
    floor = run_s[row_map].min(axis=1)
    keep = np.isfinite(vals) & (vals > floor[local])
    if not keep.any():
        return
    rows, ids, vals = row_map[local[keep]], ids[keep], vals[keep]
    order = np.lexsort((-vals, rows))
    rows, ids, vals = rows[order], ids[order], vals[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    by_round = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[by_round], np.arange(min(int(rank.max()) + 1, k) + 1))
    for r in range(len(bounds) - 1):
        sel = by_round[bounds[r] : bounds[r + 1]]
        rr = rows[sel]
        cur = run_s[rr]
        slot = cur.argmin(axis=1)
        better = vals[sel] > cur[np.arange(len(rr)), slot]
        if not better.any():
            continue
        rr, slot, sel = rr[better], slot[better], sel[better]
        run_s[rr, slot] = vals[sel]
        run_i[rr, slot] = ids[sel]


def _merge_keys(pk: np.ndarray, row_map: np.ndarray, local: np.ndarray, keys: np.ndarray, k: int) -> None:
    merge_candidates(pk, pk, row_map, local, keys, keys, k)


def update_columns(
    sc: np.ndarray,
    blk: np.ndarray,
    pj: np.ndarray,
    pk: NDArray[np.int64],
    k: int,
    s_rank: NDArray[np.int64],
    *,
    merge: Callable[[NDArray[np.int64], np.ndarray, np.ndarray, NDArray[np.int64], int], None] = _merge_keys,
) -> None:
    """Posting side of a block: only columns where some seeker can beat the posting's current k-th
    best (running order keys ``pk``; ``blk`` in seeker id order, so ties keep the lower id).
    ``merge(pk, posting rows, local column index, keys, k)`` adds the entries; province retrieval
    passes one that drops keys already listed (a seeker meets a posting in several cells)."""
    low = pk[pj].min(axis=1)
    full = low != NO_KEY
    thr = key_values(low)
    colmax = sc.max(axis=0)
    fresh = np.flatnonzero(~full & ~np.isneginf(colmax))  # list not full yet: take the block's best k
    if len(fresh):
        sub = np.ascontiguousarray(sc[:, fresh].T)
        r, c, v = best_per_row(sub, k, group=16)
        fin = np.isfinite(v)
        keys = order_keys(v[fin], s_rank[blk[c[fin]]])
        merge(pk, pj[fresh], r[fin], keys, k)
    # Full lists: only entries at or above the bar matter (few, once warmed up); at it, a tie
    # counts only with a lower seeker id than the list's last.
    warm = full & (colmax >= thr)
    n_warm = int(warm.sum())
    if n_warm == 0:
        return
    if n_warm * 3 < len(pj):
        cols = np.flatnonzero(warm)
        sub = sc[:, cols]
        r, c = np.nonzero(sub >= thr[cols][None, :])
        v, cols_of = sub[r, c], cols[c]
    else:
        bar = np.where(full, thr, np.inf).astype(sc.dtype)
        r, c = np.nonzero(sc >= bar[None, :])
        v, cols_of = sc[r, c], c
    keys = order_keys(v, s_rank[blk[r]])
    better = keys > low[cols_of]
    merge(pk, pj, cols_of[better], keys[better], k)


def finish(run_s: np.ndarray, run_i: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-run_s, axis=1, kind="stable")
    s = np.take_along_axis(run_s, order, axis=1)[:, :k]
    i = np.take_along_axis(run_i, order, axis=1)[:, :k]
    i[~np.isfinite(s)] = -1
    return i, s


def merged_ranges(scorer: Scorer, row: int) -> list[tuple[int, int]]:
    s = scorer.s
    if s.anywhere[row]:
        return [ANY]
    rs = sorted(
        zip(
            s.dest_lo[s.dest_ptr[row] : s.dest_ptr[row + 1]].tolist(),
            s.dest_hi[s.dest_ptr[row] : s.dest_ptr[row + 1]].tolist(),
            strict=True,
        )
    )
    out: list[list[int]] = []
    for lo, hi in rs:
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def topk_both_ways(
    scorer: Scorer,
    k: int = 10,
    *,
    block_pairs: int = 2_000_000,
    threads: int = 2,
    processes: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> TopK:
    """``threads`` workers take alternate cells; with ``processes`` they are forked processes
    (no GIL contention; the batches are shared copy-on-write) instead of threads."""
    s, p = scorer.s, scorer.p
    n_s, n_p = len(s), len(p)
    if k <= 0:
        raise ValueError("k must be positive")
    p_rank, s_rank = id_rank(p.ids), id_rank(s.ids)  # ties: the lower id (see "Ties" above)
    # Admissible postings sorted by (major group, work region); segments per major group.
    elig = np.flatnonzero(scorer.exclusion == 0)
    order = elig[np.lexsort((p.work[elig], scorer.p_major[elig]))]
    majors_sorted = scorer.p_major[order]
    works_sorted = p.work[order]
    seg = {int(m): (int(a), int(b)) for m, a, b in _segments(majors_sorted)}
    all_majors = list(seg)
    unknown_major = [m for m in all_majors if m < 0]

    cells: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    gate = scorer.w.require_same_major_group
    for row in range(n_s):
        majors = {int(m) for m in s.occ[row, :, 3] if m >= 0}
        wanted = (
            all_majors if (not gate or not majors) else [m for m in all_majors if m in majors] + unknown_major
        )
        for lo, hi in merged_ranges(scorer, row):
            for m in wanted:
                cells[(m, lo, hi)].append(row)

    work_items: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = []
    for (m, lo, hi), rows in cells.items():
        a, b = seg[m]
        a2 = a + int(np.searchsorted(works_sorted[a:b], lo, side="left"))
        b2 = a + int(np.searchsorted(works_sorted[a:b], hi, side="right"))
        if b2 > a2:  # columns and rows in id order: best_per_row keeps the lowest-id ties
            pj, rows_a = order[a2:b2], np.asarray(rows, dtype=np.int64)
            work_items.append((pj[np.argsort(p_rank[pj], kind="stable")],
                               rows_a[np.argsort(s_rank[rows_a], kind="stable")]))  # fmt: skip
    # Big cells first so the two threads finish together.
    work_items.sort(key=lambda it: -len(it[0]) * len(it[1]))
    total_pairs = sum(len(a) * len(b) for a, b in work_items)

    def run(
        items: list[tuple[NDArray[np.int64], NDArray[np.int64]]],
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
        # Running lists of order keys (unique per pair, so the merges have one answer); the key
        # array stands for both the values and the ids that merge_candidates writes.
        sk = np.full((n_s, k), NO_KEY, dtype=np.int64)
        pk = np.full((n_p, k), NO_KEY, dtype=np.int64)
        done = 0
        for pj, rows in items:
            cols = scorer.columns(pj)
            step = max(8, block_pairs // max(len(pj), 1))
            for start in range(0, len(rows), step):
                blk = rows[start : start + step]
                sc = scorer.block(blk, cols, filters_checked=True)
                r, c, v = best_per_row(sc, k)
                fin = np.isfinite(v)
                keys = order_keys(v[fin], p_rank[pj[c[fin]]])
                merge_candidates(sk, sk, blk, r[fin], keys, keys, k)
                update_columns(sc, blk, pj, pk, k, s_rank)
                done += sc.size
                if progress:
                    progress(sc.size, total_pairs)
        return sk, pk, done

    threads = max(1, min(threads, len(work_items)))
    shards = [work_items[t::threads] for t in range(threads)]
    if threads == 1:
        results = [run(shards[0])] if shards else [run([])]
    else:
        results = _run_parallel(run, shards, processes)
    sk, pk, done = results[0]
    every_s, every_p = np.arange(n_s), np.arange(n_p)
    for sk2, pk2, d2 in results[1:]:  # a pair sits in one cell, so in one worker's lists only
        merge_into(sk, sk, every_s, sk2, sk2, k)
        merge_into(pk, pk, every_p, pk2, pk2, k)
        done += d2
    sp_i, sp_s = finish_keys(sk, p_rank, k)
    ps_i, ps_s = finish_keys(pk, s_rank, k)
    return TopK(sp_i, sp_s, ps_i, ps_s, pairs_scored=done)


def finish_keys(keys: np.ndarray, rank: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) best first from running lists of order keys; -1 / -inf for empty slots."""
    keys = np.sort(keys, axis=1)[:, ::-1][:, :k]
    row_of_rank = np.empty(len(rank), dtype=np.int64)
    row_of_rank[rank] = np.arange(len(rank), dtype=np.int64)
    empty = keys == NO_KEY
    rows = row_of_rank[np.where(empty, 0, key_ranks(keys))] if len(rank) else np.zeros(keys.shape, np.int64)
    rows[empty] = -1
    return rows, key_values(keys)


_FORK_JOB: tuple[Callable[[Any], Any], list[Any]] | None = None


def _call_fork_job(i: int) -> Any:
    assert _FORK_JOB is not None, "set by _run_parallel around the pool"
    run, shards = _FORK_JOB
    return run(shards[i])


def _run_parallel(run: Callable[[_S], _R], shards: list[_S], processes: bool) -> list[_R]:
    global _FORK_JOB
    if processes and "fork" in mp.get_all_start_methods():
        _FORK_JOB = (run, shards)  # inherited by the forked workers: only indices cross the pipe
        try:
            with mp.get_context("fork").Pool(len(shards)) as pool:
                return pool.map(_call_fork_job, range(len(shards)), chunksize=1)
        finally:
            _FORK_JOB = None
    with ThreadPoolExecutor(len(shards)) as pool:
        return list(pool.map(run, shards))


def _segments(sorted_keys: np.ndarray) -> Iterable[tuple[int, int, int]]:
    if len(sorted_keys) == 0:
        return []
    cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [len(sorted_keys)]])
    return zip(sorted_keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True)


def brute_force_topk(scorer: Scorer, k: int = 10) -> TopK:
    """Reference implementation: score every pair with every filter, sort (ties: the lower id).
    Small inputs only."""
    # Rows and columns in id order, so finish's stable sort leaves ties in id order.
    s_ord = np.argsort(scorer.s.ids, kind="stable")
    p_ord = np.argsort(scorer.p.ids, kind="stable")
    sc = scorer.block(s_ord, p_ord)
    si, ss = (
        finish(sc, np.broadcast_to(p_ord, sc.shape).copy(), k) if sc.size else _empty(len(scorer.s), k)[::-1]
    )
    pi, ps = (
        finish(sc.T.copy(), np.broadcast_to(s_ord, sc.T.shape).copy(), k)
        if sc.size
        else _empty(len(scorer.p), k)[::-1]
    )
    if sc.size:  # back to the batches' row order
        si[s_ord], ss[s_ord] = si.copy(), ss.copy()
        pi[p_ord], ps[p_ord] = pi.copy(), ps.copy()
    return TopK(si, ss, pi, ps, pairs_scored=sc.size)

"""Capacity-respecting assignment of seekers to posting vacancies.

Optimal allocation (``allocate``) is a min-cost flow (OR-Tools ``SimpleMinCostFlow``)::

    source --(cap 1, cost 0)--> seeker --(cap 1, cost -q(s,p))--> posting --(cap vacancies, cost 0)--> sink
    source --(cap n, cost 0)--> sink          (the "stay unplaced" bypass, so nobody is forced)

with integer arc costs ``q = round(score * scale) + 1`` (the +1 makes any placement beat none).
With ``priority="tier"`` the optimum is lexicographic: first as many seekers with employment
difficulties as any allocation can place, then the most total quality.  It is computed without a
big-M cost (which would slow cost scaling): a max flow over the priority seekers' arcs gives the
number P* they can reach; then priority seekers get their own source with supply P* and no
bypass, so every optimal flow places exactly P* of them and maximises quality otherwise.  ``priority="none"`` maximises quality alone, and a
float ``priority_bonus`` adds a soft bonus instead.

``stable_allocation`` is seeker-proposing deferred acceptance (hospitals/residents with
capacities) for when both sides state preferences: no seeker and posting would both rather have
each other than what they got.
"""

from __future__ import annotations

import heapq
import multiprocessing as mp
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import connected_components

from .features import PRIORITY_GROUPS, PRIORITY_NAMES

if TYPE_CHECKING:
    from .topk import TopK


@dataclass
class Arcs:
    """Candidate (seeker, posting, score) arcs; rows index the seeker and posting batches."""

    seeker: np.ndarray
    posting: np.ndarray
    score: np.ndarray

    def __post_init__(self) -> None:
        self.seeker = np.asarray(self.seeker, dtype=np.int64)
        self.posting = np.asarray(self.posting, dtype=np.int64)
        self.score = np.asarray(self.score, dtype=np.float64)
        if not (len(self.seeker) == len(self.posting) == len(self.score)):
            raise ValueError("arcs: seeker, posting and score must have the same length")
        if len(self.score) and not np.isfinite(self.score).all():
            raise ValueError("arcs: scores must be finite (drop excluded pairs first)")

    def __len__(self) -> int:
        return len(self.seeker)

    @classmethod
    def from_topk(cls, topk: TopK) -> Arcs:
        """Union of both directions of a ``TopK`` (each pair once)."""
        s1 = np.repeat(np.arange(topk.seeker_postings.shape[0]), topk.seeker_postings.shape[1])
        p1 = topk.seeker_postings.ravel()
        v1 = topk.seeker_scores.ravel()
        p2 = np.repeat(np.arange(topk.posting_seekers.shape[0]), topk.posting_seekers.shape[1])
        s2 = topk.posting_seekers.ravel()
        v2 = topk.posting_scores.ravel()
        s, p, v = np.r_[s1, s2], np.r_[p1, p2], np.r_[v1, v2]
        ok = (s >= 0) & (p >= 0) & np.isfinite(v)
        s, p, v = s[ok], p[ok], v[ok]
        _, first = np.unique(s * (int(p.max(initial=0)) + 1) + p, return_index=True)
        return cls(s[first], p[first], v[first])


@dataclass
class GroupRate:
    group: str
    seekers: int
    with_candidates: int
    placed: int

    @property
    def rate(self) -> float:
        """Placed / seekers who had at least one admissible candidate."""
        return self.placed / self.with_candidates if self.with_candidates else 0.0


@dataclass
class Allocation:
    seeker: np.ndarray  # assigned seeker rows
    posting: np.ndarray  # their posting rows
    score: np.ndarray  # the arcs' scores
    report: list[GroupRate] = field(default_factory=list)

    @property
    def objective(self) -> float:
        return float(self.score.sum())

    def __len__(self) -> int:
        return len(self.seeker)


def _check(arcs: Arcs, vacancies: ArrayLike, n_seekers: int) -> np.ndarray:
    vac = np.asarray(vacancies, dtype=np.int64)
    if len(arcs):
        if arcs.seeker.min() < 0 or arcs.seeker.max() >= n_seekers:
            raise ValueError("arcs: seeker index out of range")
        if arcs.posting.min() < 0 or arcs.posting.max() >= len(vac):
            raise ValueError("arcs: posting index out of range")
    out: NDArray[np.int64] = np.maximum(vac, 0)
    return out


def placement_report(
    n_seekers: int, groups: np.ndarray, arcs: Arcs, assigned_seekers: np.ndarray
) -> list[GroupRate]:
    """Placement rates for everyone, for people with employment difficulties, and per group."""
    groups = np.asarray(groups, dtype=np.int64)
    has = np.zeros(n_seekers, dtype=bool)
    has[arcs.seeker] = True
    placed = np.zeros(n_seekers, dtype=bool)
    placed[assigned_seekers] = True
    rows = [("全部", np.ones(n_seekers, dtype=bool)), ("就业困难人员", groups != 0), ("其他", groups == 0)]
    rows += [(PRIORITY_NAMES[b], (groups >> b & 1) != 0) for b in range(len(PRIORITY_GROUPS))]
    return [GroupRate(name, int(m.sum()), int((m & has).sum()), int((m & placed).sum())) for name, m in rows]


def allocate(
    arcs: Arcs,
    vacancies: ArrayLike,
    groups: ArrayLike | None = None,
    *,
    priority: str = "tier",
    priority_bonus: float = 0.0,
    scale: int = 10_000,
    workers: int = 1,
    min_arcs_per_part: int = 50_000,
) -> Allocation:
    """Optimal allocation; ``groups`` is the seekers' priority-group bitmask (0 = none).

    Independent sub-problems (connected components of the arc graph) are solved separately,
    in ``workers`` forked processes if more than one.
    """

    if priority not in ("tier", "bonus", "none"):
        raise ValueError("priority must be 'tier', 'bonus' or 'none'")
    n_s = int(len(np.asarray(groups))) if groups is not None else int(arcs.seeker.max(initial=-1)) + 1
    group = np.zeros(n_s, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    cap = _check(arcs, vacancies, n_s)
    keep = cap[arcs.posting] > 0  # arcs into full postings cannot carry flow
    a = Arcs(arcs.seeker[keep], arcs.posting[keep], arcs.score[keep])
    if len(a) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Allocation(empty, empty, np.zeros(0), placement_report(n_s, group, arcs, empty))

    quality = np.rint(np.clip(a.score, 0, None) * scale).astype(np.int64) + 1  # +1: placing beats not placing
    is_prio = group[a.seeker] != 0
    if priority == "bonus":
        quality = quality + np.where(is_prio, int(round(priority_bonus * scale)), 0)
    used = np.zeros(len(a), dtype=bool)
    tier = priority == "tier"
    parts = _components(a.seeker, a.posting, min_arcs=min_arcs_per_part)
    global _PARTS_CTX
    _PARTS_CTX = (a.seeker, a.posting, quality, cap, group, tier, parts)
    try:
        if workers > 1 and len(parts) > 1 and "fork" in mp.get_all_start_methods():
            # Forked workers inherit the arrays; only part numbers and results cross the pipe.
            with mp.get_context("fork").Pool(min(workers, len(parts))) as pool:
                results = pool.map(_solve_part_by_index, range(len(parts)), chunksize=1)
        else:
            results = [_solve_part_by_index(i) for i in range(len(parts))]
    finally:
        _PARTS_CTX = None
    for m, u in zip(parts, results, strict=True):
        used[m] = u
    alloc_s, alloc_p, alloc_v = a.seeker[used], a.posting[used], a.score[used]
    return Allocation(alloc_s, alloc_p, alloc_v, placement_report(n_s, group, arcs, alloc_s))


def _components(seeker: np.ndarray, posting: np.ndarray, min_arcs: int) -> list[np.ndarray]:
    """Arc index sets of independent sub-problems: connected components, packed to >= min_arcs each.

    Both objectives (priority placements and quality) are sums over components, so solving each
    component lexicographically optimally is globally optimal; in practice components follow the
    destination regions, and small ones are packed together to keep per-solve overhead low.
    """
    if len(seeker) <= min_arcs:
        return [np.arange(len(seeker))]
    us, s_local = np.unique(seeker, return_inverse=True)
    up, p_local = np.unique(posting, return_inverse=True)
    n = len(us) + len(up)
    g = sp.coo_matrix((np.ones(len(seeker)), (s_local, len(us) + p_local)), shape=(n, n))
    _, label = connected_components(g, directed=False)
    arc_label = label[s_local]
    order = np.argsort(arc_label, kind="stable")
    cuts = np.flatnonzero(np.diff(arc_label[order])) + 1
    groups = np.split(order, cuts)
    parts: list[np.ndarray] = []
    current: list[np.ndarray] = []
    size = 0
    for grp in groups:
        current.append(grp)
        size += len(grp)
        if size >= min_arcs:
            parts.append(np.concatenate(current))
            current, size = [], 0
    if current:
        parts.append(np.concatenate(current))
    return parts


# The arrays of the allocation being solved, for forked workers to inherit:
# (seeker, posting, quality, cap, groups, tier, parts).
_PARTS_CTX: (
    tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any], bool, list[NDArray[Any]]]
    | None
) = None


def _solve_part_by_index(i: int) -> np.ndarray:
    assert _PARTS_CTX is not None, "set by allocate() around the solves"
    seeker, posting, quality, cap, groups, tier, parts = _PARTS_CTX
    m = parts[i]
    return _solve_part(seeker[m], posting[m], quality[m], cap, groups, tier)


def _solve_part(
    seeker: NDArray[Any],
    posting: NDArray[Any],
    quality: NDArray[Any],
    cap: NDArray[Any],
    groups: NDArray[Any],
    tier: bool,
) -> np.ndarray:
    us, s_local = np.unique(seeker, return_inverse=True)
    up, p_local = np.unique(posting, return_inverse=True)
    prio_node = groups[us] != 0
    forced = 0
    if tier and prio_node.any():
        forced = _max_priority_placements(s_local, p_local, prio_node, cap[up])
    return _min_cost_flow(s_local, p_local, quality, cap[up], prio_node if tier else None, forced, len(us))


def _max_priority_placements(
    s_local: NDArray[Any], p_local: NDArray[Any], prio_node: NDArray[np.bool_], cap: NDArray[Any]
) -> int:
    """How many priority seekers can be placed at all (a max flow over their arcs only)."""
    from ortools.graph.python import max_flow

    n_s, n_p = len(prio_node), len(cap)
    keep = prio_node[s_local]
    source, sink = n_s + n_p, n_s + n_p + 1
    prio_rows = np.flatnonzero(prio_node)
    tails = np.concatenate([np.full(len(prio_rows), source), s_local[keep], n_s + np.arange(n_p)])
    heads = np.concatenate([prio_rows, n_s + p_local[keep], np.full(n_p, sink)])
    caps = np.concatenate([np.ones(len(prio_rows)), np.ones(int(keep.sum())), cap]).astype(np.int64)
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps)
    if mf.solve(source, sink) != mf.OPTIMAL:
        raise RuntimeError("max flow failed")
    return int(mf.optimal_flow())


def _min_cost_flow(
    s_local: NDArray[Any],
    p_local: NDArray[Any],
    gain: NDArray[Any],
    cap: NDArray[Any],
    prio_node: NDArray[np.bool_] | None,
    forced: int,
    n_s: int,
) -> np.ndarray:
    """Which arcs carry flow in the max-gain allocation; ``forced`` priority seekers must be placed.

    Priority seekers (``prio_node``) get their own source whose whole supply ``forced`` must reach
    the sink through postings (no bypass): with ``forced`` the maximum possible, this is the
    lexicographic optimum (most priority placements, then most quality) without a big-M cost.
    """
    from ortools.graph.python import min_cost_flow

    n_p = len(cap)
    src_other, src_prio, sink = n_s + n_p, n_s + n_p + 1, n_s + n_p + 2
    prio = np.zeros(n_s, dtype=bool) if prio_node is None else prio_node
    others = int((~prio).sum())
    free_cap = int(cap.sum()) - forced
    flow_other = max(0, min(others, free_cap))
    tails = np.concatenate([np.where(prio, src_prio, src_other), s_local, n_s + np.arange(n_p), [src_other]])
    heads = np.concatenate([np.arange(n_s), n_s + p_local, np.full(n_p, sink), [sink]])
    caps = np.concatenate([np.ones(n_s), np.ones(len(s_local)), cap, [flow_other]]).astype(np.int64)
    costs = np.concatenate([np.zeros(n_s), -gain, np.zeros(n_p), [0]]).astype(np.int64)
    mcf = min_cost_flow.SimpleMinCostFlow()
    arc_ids = np.asarray(
        mcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    )
    supplies = {src_other: flow_other, src_prio: forced, sink: -(flow_other + forced)}
    for node, supply in supplies.items():
        mcf.set_node_supply(node, supply)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    flows = np.asarray(mcf.flows(arc_ids[n_s : n_s + len(s_local)].astype(np.int32)))
    used: NDArray[np.bool_] = flows > 0
    return used


def stable_allocation(
    arcs: Arcs, vacancies: ArrayLike, groups: ArrayLike | None = None, *, priority_first: bool = True
) -> Allocation:
    """Seeker-proposing deferred acceptance.

    Seekers rank their arcs by score (best first); postings rank seekers by (priority group
    first if ``priority_first``, then score, then lower row as a tie-break).  To use stated
    preferences, pass arcs whose ``score`` encodes them (higher = preferred).
    """
    n_p = len(np.asarray(vacancies))
    n_s = int(len(np.asarray(groups))) if groups is not None else int(arcs.seeker.max(initial=-1)) + 1
    group = np.zeros(n_s, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    cap = _check(arcs, vacancies, n_s)
    order = np.lexsort((-arcs.score, arcs.seeker))
    s_sorted, p_sorted, v_sorted = arcs.seeker[order], arcs.posting[order], arcs.score[order]
    start = np.searchsorted(s_sorted, np.arange(n_s))
    end = np.searchsorted(s_sorted, np.arange(n_s), side="right")
    nxt = start.copy()
    held: list[list[tuple[tuple[bool, float, int], int, float]]] = [
        [] for _ in range(n_p)
    ]  # min-heaps of (posting's key for seeker, seeker, score)
    free = [s for s in range(n_s) if start[s] < end[s]]
    while free:
        s = free.pop()
        while nxt[s] < end[s]:
            i = nxt[s]
            nxt[s] += 1
            p, v = int(p_sorted[i]), float(v_sorted[i])
            if cap[p] <= 0:
                continue
            key = (bool(group[s]) if priority_first else False, v, -s)
            heap = held[p]
            if len(heap) < cap[p]:
                heapq.heappush(heap, (key, s, v))
                break
            if heap[0][0] < key:
                _, loser, _ = heapq.heapreplace(heap, (key, s, v))
                free.append(loser)
                break
    rows = [(s, p, v) for p, heap in enumerate(held) for _, s, v in heap]
    rows.sort()
    a_s = np.array([r[0] for r in rows], dtype=np.int64)
    a_p = np.array([r[1] for r in rows], dtype=np.int64)
    a_v = np.array([r[2] for r in rows], dtype=np.float64)
    return Allocation(a_s, a_p, a_v, placement_report(n_s, group, arcs, a_s))

"""Figure 3: optimal allocation of 1,000,000 seekers to 100,000 postings over ~10,000,000 arcs.

Target: <= 30 s and <= 4 GiB.  Peer, measured in the same run: scipy's
``min_weight_full_bipartite_matching`` on the vacancy-slot expansion (plus one "unplaced" column
per seeker, so a full matching always exists), at growing sizes until it exceeds its time budget;
at the largest size it finishes, our min-cost flow (with the priority tier off) must reach the same
objective.

    .venv/bin/python bench/matching_allocation.py [--seekers 1000000] [--postings 100000] [--arcs-per-seeker 10]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from jobbridge.matching.engine.allocation import Arcs, allocate  # noqa: E402


def make_instance(n_s: int, n_p: int, per_seeker: int, seed: int = 7):
    """Seekers draw arcs among postings near them (a 'region' of 1% of postings) with random scores."""
    rng = np.random.default_rng(seed)
    region = rng.integers(0, 100, n_s)
    block = max(n_p // 100, per_seeker)
    offs = rng.integers(0, block, size=(n_s, per_seeker))
    posting = (region[:, None] * block + offs) % n_p
    seeker = np.repeat(np.arange(n_s), per_seeker)
    posting = posting.ravel()
    key = seeker * n_p + posting
    _, first = np.unique(key, return_index=True)
    seeker, posting = seeker[first], posting[first]
    score = rng.random(len(seeker)).round(4)
    vacancies = rng.integers(1, 12, n_p)  # ~6 per posting: fewer seats than seekers, so it matters
    groups = np.where(rng.random(n_s) < 0.15, 1 << rng.integers(0, 5, n_s), 0)
    return Arcs(seeker, posting, score), vacancies, groups


def rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _ours(q, n_s, n_p, per, priority):
    arcs, vac, groups = make_instance(n_s, n_p, per)
    t = time.perf_counter()
    a = allocate(arcs, vac, groups, priority=priority, workers=2)
    dt = time.perf_counter() - t
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    q.put((dt, a.objective, len(a), rss_gib(), workers, len(arcs), a.report))


def _peer(q, n_s, n_p, per):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    arcs, vac, _ = make_instance(n_s, n_p, per)
    slot_start = np.r_[0, np.cumsum(vac)]
    # one arc per (seeker, slot of the posting)
    reps = vac[arcs.posting]
    rows = np.repeat(arcs.seeker, reps)
    cols = (
        np.concatenate([np.arange(slot_start[p], slot_start[p + 1]) for p in arcs.posting])
        if len(arcs)
        else []
    )
    w = np.repeat(arcs.score + 1e-4, reps)  # same +1/scale per placement as the flow
    n_slots = int(slot_start[-1])
    rows = np.r_[rows, np.arange(n_s)]
    cols = np.r_[cols, n_slots + np.arange(n_s)]
    w = np.r_[w, np.full(n_s, 1e-9)]  # "unplaced" columns (explicit tiny weight: 0 would mean no edge)
    g = coo_matrix((w, (rows, cols)), shape=(n_s, n_slots + n_s)).tocsr()
    t = time.perf_counter()
    r, c = min_weight_full_bipartite_matching(g, maximize=True)
    dt = time.perf_counter() - t
    real = c < n_slots
    obj = float(np.asarray(g[r[real], c[real]]).ravel().sum() - 1e-4 * real.sum())
    q.put((dt, obj, int(real.sum()), rss_gib()))


def run_child(target, args, timeout):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=target, args=(q, *args))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return q.get() if not q.empty() else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seekers", type=int, default=1_000_000)
    ap.add_argument("--postings", type=int, default=100_000)
    ap.add_argument("--arcs-per-seeker", type=int, default=10)
    ap.add_argument("--peer-timeout", type=float, default=120.0)
    args = ap.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')}  load average {os.getloadavg()}  cores {os.cpu_count()}")
    res = run_child(_ours, (args.seekers, args.postings, args.arcs_per_seeker, "tier"), 3600)
    dt, obj, placed, peak, worker_peak, n_arcs, report = res
    print(f"\ninstance: {args.seekers:,} seekers, {args.postings:,} postings, {n_arcs:,} arcs")
    print("placement report (priority tier on):")
    for g in report:
        print(
            f"  {g.group:<12} seekers {g.seekers:>9,}  with candidates {g.with_candidates:>9,}  placed {g.placed:>9,}  rate {g.rate:.3f}"
        )
    rows = [("figure 3: min-cost flow, priority tier", f"{dt:.1f} s, RSS {peak:.2f}+2x{worker_peak:.2f} GiB", "<= 30 s, <= 4 GiB",
             f"objective {obj:,.1f}, placed {placed:,}")]  # fmt: skip

    # Peer at growing sizes (same generator scaled down, same arcs per seeker).
    best = None
    for n in (10_000, 30_000, 100_000, 300_000, 1_000_000):
        scale = n / args.seekers
        n_p = max(10, int(args.postings * scale))
        peer = run_child(_peer, (n, n_p, args.arcs_per_seeker), args.peer_timeout)
        if peer is None:
            rows.append(
                (
                    f"peer scipy full bipartite matching, {n:,} seekers",
                    f"> {args.peer_timeout:.0f} s (killed)",
                    "",
                    "",
                )
            )
            break
        ours = run_child(_ours, (n, n_p, args.arcs_per_seeker, "none"), 600)
        rows.append((f"peer scipy full bipartite matching, {n:,} seekers", f"{peer[0]:.2f} s, RSS {peer[3]:.2f} GiB", "",
                     f"objective {peer[1]:,.3f}"))  # fmt: skip
        rows.append(
            (f"ours, priority off, {n:,} seekers", f"{ours[0]:.2f} s", "", f"objective {ours[1]:,.3f}")
        )
        best = (n, peer, ours)
        if abs(peer[1] - ours[1]) > 1e-6 * max(1.0, abs(peer[1])) + 1e-3:
            rows.append(("!! objectives differ", "", "", f"{peer[1]} vs {ours[1]}"))
    print()
    print(f"{'figure':<52} {'measured':<34} {'target':<20} note")
    for r in rows:
        print(f"{r[0]:<52} {r[1]:<34} {r[2]:<20} {r[3]}")
    if best:
        print(f"\nlargest size the peer finished: {best[0]:,} seekers")


if __name__ == "__main__":
    main()

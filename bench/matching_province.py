"""Figure 2: province scale, 1,000,000 seekers x 1,000,000 postings, top-10 per seeker.

Target: <= 5 minutes end to end on this 2-core machine, recall@10 >= 0.95 against exact scoring
on a 1,000-seeker sample (exact = the full row of the score matrix: the seeker against every
posting with every filter).

End to end here = everything after the records exist in memory as plain dicts (what the database
load yields): records turned into feature batches (2 forked processes, 100,000 records per
chunk) + concatenation + scorer preparation + blocking plan + exact rescoring of the candidates
(2 forked processes) + merge.  Generating the synthetic records stands in for the database load;
it runs first, is timed and printed separately, and is not part of the figure.

Peers measured in the same run:
* exact brute force: the same scorer on full rows, timed on the sample (2 forked processes) and
  extrapolated to all seekers;
* naive blocking (same detailed occupation x destination, no widening, no cap): its candidate
  pair count (extrapolated at our measured cost per pair) and its recall on the same sample.

Recall is tie-aware (``retrieval.recall_at_k``): a retrieved posting counts when its exact score
reaches the exact 10th best; strict id recall is printed too.

Posting side (``--posting-recall-sample N``): ``jobbridge match run`` at province scale keeps a
running k + TIE_MARGIN best seekers per posting inside the scored blocks
(``province_topk_scorer(..., posting_side=True)``) and ``distributed.province_result`` cuts them
to k. With this option the retrieval is asked for k + TIE_MARGIN with the posting side, as the
run does (the seeker figures use its canonical cut to k, and the timing includes the posting
side), and N postings whose list has >= k seekers (the lists a run serves; shorter ones are scored
on demand) plus, separately, N postings with any list are compared with their exact top-k over
all seekers (``topk.topk_both_ways`` on the sampled postings: every admissible seeker, hard
filters, the exact path's tie rule), tie-aware. Peers, each on N postings of its own served
lists: the earlier derivation of the posting lists from every seeker's k + TIE_MARGIN kept pairs
(``province_result`` without posting lists), and the same derivation from only k pairs.

    .venv/bin/python bench/matching_province.py [--seekers 1000000] [--postings 1000000] [--sample 1000]
        [--records-cache FILE]   # keep the generated records in FILE (reused by the next run)
        [--posting-recall-sample 1000]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import multiprocessing as mp
import os
import pickle
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # bench/worlds

from jobbridge.matching.distributed import (  # noqa: E402
    TIE_MARGIN,
    admissible_postings,
    canonical_rows,
    province_result,
)
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch  # noqa: E402
from jobbridge.matching.engine.retrieval import (  # noqa: E402
    RetrievalParams,
    merge_results,
    plan_cells,
    province_topk_scorer,
    recall_at_k,
    score_cells,
)
from jobbridge.matching.engine.scoring import Scorer  # noqa: E402
from jobbridge.matching.engine.topk import topk_both_ways  # noqa: E402
from worlds import province as pv  # noqa: E402
from worlds.batches import concat_postings, concat_seekers  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "src", "jobbridge", "core", "data")
CHUNK = 100_000
WORLD = None
RECORDS: dict[str, list] = {}


def gib(kb: int) -> float:
    return kb / 2**20


def _generate(task):
    kind, start, n = task
    return pv.seekers(WORLD, n, start=start) if kind == "s" else pv.postings(WORLD, n, start=start)


def generate(n_s: int, n_p: int) -> None:
    """The records in memory (stands in for the database load; not part of the figure)."""
    tasks = [("s", a, min(CHUNK, n_s - a)) for a in range(0, n_s, CHUNK)]
    tasks += [("p", a, min(CHUNK, n_p - a)) for a in range(0, n_p, CHUNK)]
    with mp.get_context("fork").Pool(2) as pool:
        out = pool.map(_generate, tasks, chunksize=1)
    for kind in "sp":
        RECORDS[kind] = [r for (k, _, _), recs in zip(tasks, out, strict=True) if k == kind for r in recs]


def _chunk(task):
    kind, start, n = task  # the records are inherited from the parent (fork)
    t = time.process_time()
    recs = RECORDS[kind][start : start + n]
    batch = (SeekerBatch if kind == "s" else PostingBatch).from_records(recs, WORLD.regions)
    return kind, start, batch, time.process_time() - t


def build(n_s: int, n_p: int):
    tasks = [("s", a, min(CHUNK, n_s - a)) for a in range(0, n_s, CHUNK)]
    tasks += [("p", a, min(CHUNK, n_p - a)) for a in range(0, n_p, CHUNK)]
    with mp.get_context("fork").Pool(2) as pool:
        out = pool.map(_chunk, tasks, chunksize=1)
    s = concat_seekers([b for k, _, b, _ in sorted(out, key=lambda o: o[1]) if k == "s"])
    p = concat_postings([b for k, _, b, _ in sorted(out, key=lambda o: o[1]) if k == "p"])
    return s, p, sum(o[3] for o in out)


EXACT = None


def _exact_chunk(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sc, k = EXACT
    full = sc.block(rows, np.arange(len(sc.p)))
    part = np.argpartition(-full, k, axis=1)[:, : k + 1]
    vals = np.take_along_axis(full, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(vals, order, axis=1), np.take_along_axis(part, order, axis=1)


def exact_rows(sc: Scorer, rows: np.ndarray, k: int, chunk: int = 25) -> tuple[np.ndarray, np.ndarray]:
    """Each sample seeker's exact top-(k+1) (scores, posting rows) from full rows, chunk by chunk
    (1,000 full rows of a million postings would be 4 GB; sorting them 8 GB more), in 2 forked
    processes."""
    global EXACT
    EXACT = (sc, k)
    try:
        with mp.get_context("fork").Pool(2) as pool:
            out = pool.map(
                _exact_chunk, [rows[a : a + chunk] for a in range(0, len(rows), chunk)], chunksize=1
            )
    finally:
        EXACT = None
    return np.concatenate([o[0] for o in out]), np.concatenate([o[1] for o in out])


def derived_lists(res, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(len(rows), k) seeker rows / scores of the postings' derived lists, -1 / -inf padded."""
    got_i = np.full((len(rows), k), -1, dtype=np.int64)
    got_s = np.full((len(rows), k), -np.inf)
    for n, j in enumerate(rows.tolist()):
        a, b = res.posting_ptr[j], res.posting_ptr[j + 1]
        got_i[n, : b - a], got_s[n, : b - a] = res.posting_seekers[a:b], res.posting_scores[a:b]
    return got_i, got_s


def posting_recall(
    sc: Scorer,
    wide_rows: np.ndarray,
    wide_scores: np.ndarray,
    post_rows: np.ndarray,
    post_scores: np.ndarray,
    k: int,
    n: int,
) -> tuple[list, dict]:
    """Posting-side recall of the lists ``province_result`` builds from the retrieval's running
    k + TIE_MARGIN per posting, against each sampled posting's exact top-k over all seekers;
    peers: the lists derived from the seekers' kept k + TIE_MARGIN (and k) pairs."""
    t = time.perf_counter()
    res = province_result(sc, wide_rows, wide_scores, k, 0, post_rows, post_scores)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    old = province_result(sc, wide_rows, wide_scores, k, 0)  # the earlier derivation
    # Peer: the same derivation when each seeker keeps only k pairs (its canonical top k).
    n_rows, n_vals = canonical_rows(wide_rows, wide_scores, sc.p.ids.astype(np.int64), k)
    naive = province_result(sc, n_rows, n_vals, k, 0)
    t_derive = time.perf_counter() - t
    open_rows = admissible_postings(sc.p, pv.DAY0)
    length = np.diff(res.posting_ptr)
    olength = np.diff(old.posting_ptr)
    nlength = np.diff(naive.posting_ptr)
    full = open_rows[length[open_rows] >= k]
    anyl = open_rows[length[open_rows] > 0]
    rng = np.random.default_rng(11)
    s_full = np.sort(rng.choice(full, size=min(n, len(full)), replace=False))
    s_any = np.sort(rng.choice(anyl, size=min(n, len(anyl)), replace=False))
    o_full = open_rows[olength[open_rows] >= k]
    o_full = np.sort(rng.choice(o_full, size=min(n, len(o_full)), replace=False))
    n_full = open_rows[nlength[open_rows] >= k]
    n_full = np.sort(rng.choice(n_full, size=min(n, len(n_full)), replace=False))
    union = np.union1d(np.union1d(s_full, s_any), np.union1d(o_full, n_full))
    t = time.perf_counter()
    ex = topk_both_ways(sc.with_postings(sc.p.subset(union)), k, threads=2, processes=True)
    t_exact = time.perf_counter() - t
    at = {int(j): i for i, j in enumerate(union.tolist())}

    def measure(result, rows):
        idx = np.array([at[int(j)] for j in rows.tolist()], dtype=np.int64)
        exact_s, exact_i = ex.posting_scores[idx], ex.posting_seekers[idx]
        got_i, got_s = derived_lists(result, rows, k)
        rec = recall_at_k(exact_s, got_s, k)
        fin = np.isfinite(exact_s)
        ids = [len(set(exact_i[r][fin[r]]) & set(got_i[r][got_i[r] >= 0])) / fin[r].sum() if fin[r].any() else 1.0
               for r in range(len(rows))]  # fmt: skip
        return rec, float(np.mean(ids)), int((fin.sum(axis=1) < k).sum())

    r_full, id_full, short_full = measure(res, s_full)
    r_any, id_any, short_any = measure(res, s_any)
    r_old, id_old, _ = measure(old, o_full)
    r_naive, _, _ = measure(naive, n_full)
    n_open = max(len(open_rows), 1)
    info = dict(
        t_derive=t_derive,
        t_build=t_build,
        t_exact=t_exact,
        exact_pairs=ex.pairs_scored,
        n_open=len(open_rows),
    )
    rows = [
        (f"posting-side recall@10, served lists >= k, {len(s_full):,} sample", f"{r_full.mean():.4f}", "reported",
         f"min {r_full.min():.2f}; postings below 1: {(r_full < 1).mean():.1%}; strict id recall {id_full:.4f}; "
         f"{short_full} have < k admissible seekers"),
        (f"  same, any list (also < k), {len(s_any):,} sample", f"{r_any.mean():.4f}", "reported",
         f"min {r_any.min():.2f}; below 1: {(r_any < 1).mean():.1%}; strict id recall {id_any:.4f}; "
         f"lists < k here: {(length[s_any] < k).mean():.1%} (scored on demand by the site)"),
        ("  open postings with a list >= k", f"{len(full) / n_open:.1%}", "reported",
         f"{len(full):,} of {len(open_rows):,} open; any list {len(anyl):,} ({len(anyl) / n_open:.1%}); "
         f"{int(length.sum()):,} pairs"),
        ("peer: derived from k + 5 pairs per seeker (before)", f"{r_old.mean():.4f}", "",
         f"{len(o_full):,} of its own lists >= k; strict id recall {id_old:.4f}; lists >= k: "
         f"{int((olength[open_rows] >= k).sum()):,} ({(olength[open_rows] >= k).mean():.1%} of open)"),
        ("peer: derived from k pairs per seeker", f"{r_naive.mean():.4f}", "",
         f"{len(n_full):,} of its own lists >= k; lists >= k: {int((nlength[open_rows] >= k).sum()):,} "
         f"({(nlength[open_rows] >= k).mean():.1%} of open)"),
        ("  exact posting columns (topk_both_ways)", f"{t_exact:.0f} s", "",
         f"{len(union):,} postings x all seekers, {ex.pairs_scored:,} admissible pairs, 2 processes; "
         f"lists {t_build:.1f} s, derivations {t_derive:.1f} s"),
    ]  # fmt: skip
    return rows, info


def main() -> None:
    global WORLD
    ap = argparse.ArgumentParser()
    ap.add_argument("--seekers", type=int, default=1_000_000)
    ap.add_argument("--postings", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=1000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument(
        "--posting-recall-sample",
        type=int,
        default=0,
        help="also measure posting-side recall of the derived posting lists on this many postings "
        "(the retrieval is then asked for k + TIE_MARGIN, as jobbridge match run does)",
    )
    ap.add_argument(
        "--records-cache",
        help="pickle file for the generated records (read if present, else written); generation is "
        "not part of the figure, this only saves the wait when repeating a run",
    )
    args = ap.parse_args()
    print(
        f"# {time.strftime('%Y-%m-%d %H:%M:%S')}  load average {os.getloadavg()}  cores {os.cpu_count()}",
        flush=True,
    )
    WORLD = pv.build_world(os.path.join(DATA, "csco22.csv"), os.path.join(DATA, "regions.csv.gz"))
    params = RetrievalParams()

    t = time.perf_counter()
    cache, how = args.records_cache, "generated"
    if cache and os.path.exists(cache):
        with open(cache, "rb") as fh:
            RECORDS.update(pickle.load(fh))
        if len(RECORDS["s"]) != args.seekers or len(RECORDS["p"]) != args.postings:
            sys.exit(f"--records-cache {cache} holds other sizes; remove it or pass another path")
        how = f"loaded from {cache}"
    else:
        generate(args.seekers, args.postings)
        if cache:
            with open(cache, "wb") as fh:
                pickle.dump(RECORDS, fh, protocol=pickle.HIGHEST_PROTOCOL)
    t_gen = time.perf_counter() - t
    load_start = os.getloadavg()
    print(f"records {how} in {t_gen:.1f} s (not part of the figure); load average {load_start}", flush=True)

    t0 = time.perf_counter()
    # The records are long-lived: keep the cyclic GC from walking them again and again while the
    # batches come back from the workers (and the forked workers from touching their pages).
    gc.freeze()
    s, p, build_cpu = build(args.seekers, args.postings)
    t_build = time.perf_counter() - t0
    print(f"features: {t_build:.1f} s wall ({build_cpu:.0f} cpu-s in the 2 workers)", flush=True)
    t = time.perf_counter()
    sc = Scorer(s, p, today=pv.DAY0)
    sc.certificate_table(np.arange(1))  # build the certificate cache before forking
    t_scorer = time.perf_counter() - t
    t = time.perf_counter()
    plan = plan_cells(sc, params, workers=2, processes=True)
    t_plan = time.perf_counter() - t
    print(f"scorer {t_scorer:.1f} s, plan {t_plan:.1f} s: {len(plan):,} cells, {plan.pairs:,} candidate pairs "
          f"({plan.pairs / len(s):,.0f} per seeker)", flush=True)  # fmt: skip
    t = time.perf_counter()
    want = args.k + TIE_MARGIN if args.posting_recall_sample else args.k
    top = province_topk_scorer(
        sc,
        want,
        params=params,
        plan=plan,
        workers=2,
        processes=True,
        posting_side=bool(args.posting_recall_sample),
    )
    t_score = time.perf_counter() - t
    wide_rows, wide_scores = top.seeker_postings, top.seeker_scores
    if want != args.k:  # the seeker figures: the canonical cut to k, as the run stores
        seeker_rows, seeker_scores = canonical_rows(wide_rows, wide_scores, p.ids.astype(np.int64), args.k)
    else:
        seeker_rows, seeker_scores = wide_rows, wide_scores
    total = time.perf_counter() - t0
    load_after = os.getloadavg()
    rss_parent = gib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    rss_child = gib(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"scoring {t_score:.1f} s; end to end {total:.1f} s; load average {load_after}", flush=True)
    RECORDS.clear()

    # Recall against exact full rows on a sample; the exact rows also time the brute-force peer.
    rng = np.random.default_rng(7)
    sample = np.sort(rng.choice(len(s), size=min(args.sample, len(s)), replace=False))
    t = time.perf_counter()
    exact, exact_ids = exact_rows(sc, sample, args.k)
    t_exact = time.perf_counter() - t
    rec = recall_at_k(exact, seeker_scores[sample], args.k)
    best = exact_ids[:, : args.k]
    finite = np.isfinite(exact[:, : args.k])
    got = seeker_rows[sample]
    id_hits = [len(set(best[i][finite[i]]) & set(got[i][got[i] >= 0])) / max(finite[i].sum(), 1) if finite[i].any() else 1.0
               for i in range(len(sample))]  # fmt: skip
    brute = t_exact / len(sample) * len(s)  # already 2 processes

    # Naive blocking peer on the same sample.
    naive = dataclasses.replace(params, expand_below=0, cap=10**9, predicted_codes=0, region_fallback=False)
    sub = sc.with_seekers(s.subset(sample))
    nplan = plan_cells(sub, naive)
    ns_, ni_ = merge_results([score_cells(sub, nplan, range(len(nplan)), args.k)], args.k, sub.p.ids)
    nrec = recall_at_k(exact, ni_, args.k)
    naive_pairs = plan_cells(sc, naive, count_only=True)
    per_pair = t_score * 2 / max(plan.pairs, 1)

    post_rows: list = []
    if args.posting_recall_sample:
        load_post = os.getloadavg()
        post_rows, info = posting_recall(
            sc,
            wide_rows,
            wide_scores,
            top.posting_seekers,
            top.posting_scores,
            args.k,
            args.posting_recall_sample,
        )
        print(
            f"posting side: lists {info['t_build']:.1f} s, derivations {info['t_derive']:.1f} s, "
            f"exact columns {info['t_exact']:.1f} s; "
            f"load average before {load_post}, after {os.getloadavg()}",
            flush=True,
        )

    load_end = os.getloadavg()
    rows = [
        ("figure 2: top-10 per seeker, end to end", f"{total:.0f} s", "<= 300 s",
         f"records -> features {t_build:.0f} s + scorer {t_scorer:.0f} s + plan {t_plan:.0f} s + scoring {t_score:.0f} s "
         f"(2 processes, retrieval asked for {want}{' with the posting side' if args.posting_recall_sample else ''}); records {how} ({t_gen:.0f} s) excluded"),
        (f"  recall@10 (tie-aware), {len(sample):,}-seeker sample", f"{rec.mean():.4f}", ">= 0.95",
         f"min {rec.min():.2f}; seekers below 1: {(rec < 1).mean():.1%}; strict id recall {np.mean(id_hits):.4f}"),
        ("  candidate pairs scored", f"{plan.pairs:,}", "",
         f"{plan.pairs / (len(s) * len(p)):.4%} of all pairs; {per_pair * 1e9:.0f} ns of one core per pair"),
        ("  memory peak (RSS)", f"{rss_parent:.1f} GiB", "", f"parent; largest child {rss_child:.1f} GiB (shares pages)"),
        ("peer: exact brute force (extrapolated)", f"{brute / 60:.0f} min", "",
         f"{len(sample):,} full rows took {t_exact:.1f} s in 2 processes; x {len(s):,} seekers"),
        ("peer: naive blocking (same detailed occupation x destination)", f"{naive_pairs * per_pair / 2 / 60:.0f} min",
         "", f"{naive_pairs:,} pairs at our cost per pair, 2 cores (extrapolated); recall@10 {nrec.mean():.4f}"),
        *post_rows,
    ]  # fmt: skip
    print(f"# done {time.strftime('%H:%M:%S')}  load average: start {load_start}, after scoring {load_after}, "
          f"end {load_end}")  # fmt: skip
    print(f"\n{'figure':<58} {'measured':<14} {'target':<10} note")
    for r in rows:
        print(f"{r[0]:<58} {r[1]:<14} {r[2]:<10} {r[3]}")


if __name__ == "__main__":
    main()

import dataclasses

import numpy as np
import pytest

from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.topk import best_per_row, brute_force_topk, topk_both_ways
from jobbridge.matching.engine.weights import DEFAULT_WEIGHTS
from worlds import synthetic as syn


def assert_same_topk(a, b):
    # Scores must agree exactly (ties may be broken differently, so indices are checked via scores).
    np.testing.assert_allclose(a.seeker_scores, b.seeker_scores, atol=1e-5)
    np.testing.assert_allclose(a.posting_scores, b.posting_scores, atol=1e-5)
    assert ((a.seeker_postings >= 0) == np.isfinite(a.seeker_scores)).all()


@pytest.mark.parametrize(
    ("seed", "k", "block_pairs", "threads", "processes"),
    [(1, 10, 5_000, 2, False), (2, 3, 50_000, 1, False), (3, 25, 2_000, 2, True)],
)
def test_topk_equals_brute_force(regions, seed, k, block_pairs, threads, processes):
    s = SeekerBatch.from_records(syn.seekers(300, seed=seed), regions)
    p = PostingBatch.from_records(syn.postings(450, seed=seed + 100), regions)
    sc = Scorer(s, p, today=syn.DAY0)
    fast = topk_both_ways(sc, k, block_pairs=block_pairs, threads=threads, processes=processes)
    assert_same_topk(fast, brute_force_topk(sc, k))
    # every listed pair's score is the pair's true score
    full = sc.block(slice(None), np.arange(len(p)))
    rows, cols = np.nonzero(fast.seeker_postings >= 0)
    np.testing.assert_allclose(
        full[rows, fast.seeker_postings[rows, cols]], fast.seeker_scores[rows, cols], atol=1e-5
    )


def test_topk_without_relevance_gate(regions):
    w = dataclasses.replace(DEFAULT_WEIGHTS, require_same_major_group=False)
    s = SeekerBatch.from_records(syn.seekers(150, seed=5), regions)
    p = PostingBatch.from_records(syn.postings(200, seed=6), regions)
    sc = Scorer(s, p, w, today=syn.DAY0)
    assert_same_topk(topk_both_ways(sc, 5, block_pairs=3_000), brute_force_topk(sc, 5))


def test_best_per_row_finds_the_k_largest_with_ties():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 5, size=(7, 1000)).astype(np.float32)
    a[2] = -np.inf
    a[3, :10] = 9
    rows, cols, vals = best_per_row(a, 10)
    for r in range(7):
        got = np.sort(vals[rows == r])[::-1][:10]
        want = np.sort(a[r])[::-1][:10]
        want = want[np.isfinite(want)]
        np.testing.assert_array_equal(got[: len(want)], want)


def test_empty_and_degenerate_inputs(regions):
    empty_s = SeekerBatch.from_records([], regions)
    empty_p = PostingBatch.from_records([], regions)
    some_s = SeekerBatch.from_records(syn.seekers(5), regions)
    some_p = PostingBatch.from_records(syn.postings(5), regions)
    for s, p in ((empty_s, empty_p), (empty_s, some_p), (some_s, empty_p)):
        t = topk_both_ways(Scorer(s, p, today=syn.DAY0), 3)
        assert t.seeker_postings.shape == (len(s), 3) and t.posting_seekers.shape == (len(p), 3)
        assert (t.seeker_postings == -1).all() and (t.posting_seekers == -1).all()
    with pytest.raises(ValueError):
        topk_both_ways(Scorer(some_s, some_p), 0)


def test_closed_or_full_postings_never_appear(regions):
    recs = syn.postings(50, seed=3)
    for r in recs[::2]:
        r["status"] = "closed"
    for r in recs[1::4]:
        r["filled"] = r["headcount"]
    p = PostingBatch.from_records(recs, regions)
    sc = Scorer(SeekerBatch.from_records(syn.seekers(80), regions), p, today=syn.DAY0)
    t = topk_both_ways(sc, 10)
    listed = np.unique(t.seeker_postings[t.seeker_postings >= 0])
    assert (sc.exclusion[listed] == 0).all()
    assert (t.posting_seekers[sc.exclusion != 0] == -1).all()

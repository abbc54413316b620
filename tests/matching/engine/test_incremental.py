import numpy as np
import pytest

from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.incremental import IncrementalIndex
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.topk import topk_both_ways
from worlds import synthetic as syn


def test_pairs_equal_block(small_world):
    sc = small_world
    full = sc.block(slice(None), np.arange(len(sc.p)))
    ii = np.repeat(np.arange(len(sc.s)), len(sc.p))
    jj = np.tile(np.arange(len(sc.p)), len(sc.s))
    np.testing.assert_allclose(sc.pairs(ii, jj).reshape(full.shape), full, atol=1e-5)


def test_incremental_equals_batch(small_world):
    sc = small_world
    idx = IncrementalIndex(sc)
    batch = topk_both_ways(sc, 50)
    for j in (0, 7, 99, 311):
        rows, scores = idx.candidates_for_posting(sc.p.subset([j]), k=50)
        want = batch.posting_scores[j][np.isfinite(batch.posting_scores[j])]
        np.testing.assert_allclose(scores, want, atol=1e-5)
    for i in (0, 3, 42, 250):
        cols, scores = idx.recommendations_for_seeker(sc.s.subset([i]), k=50)
        want = batch.seeker_scores[i][np.isfinite(batch.seeker_scores[i])]
        np.testing.assert_allclose(scores, want, atol=1e-5)


def test_new_posting_and_changed_seeker(regions, small_world):
    idx = IncrementalIndex(small_world)
    rec = syn.postings(1, seed=99)[0] | {"work_region": 320205, "occupation": "6-18-02-04"}
    rows, scores = idx.candidates_for_posting(PostingBatch.from_records([rec], regions), k=100)
    assert len(rows) <= 100 and np.all(np.diff(scores) <= 0)
    closed = PostingBatch.from_records([rec | {"status": "closed"}], regions)
    assert len(idx.candidates_for_posting(closed)[0]) == 0
    changed = syn.seekers(1, seed=5)[0] | {"accepts_anywhere": True}
    cols, scores = idx.recommendations_for_seeker(SeekerBatch.from_records([changed], regions), k=10)
    assert len(cols) == 10 and np.all(np.diff(scores) <= 0)
    with pytest.raises(ValueError):
        idx.candidates_for_posting(small_world.p.subset([0, 1]))


def test_incremental_with_empty_sides(regions):
    empty_s = SeekerBatch.from_records([], regions)
    empty_p = PostingBatch.from_records([], regions)
    some_s = SeekerBatch.from_records(syn.seekers(5), regions)
    some_p = PostingBatch.from_records(syn.postings(5), regions)
    idx = IncrementalIndex(Scorer(empty_s, some_p, today=syn.DAY0))
    assert len(idx.candidates_for_posting(some_p.subset([0]))[0]) == 0
    idx = IncrementalIndex(Scorer(some_s, empty_p, today=syn.DAY0))
    assert len(idx.recommendations_for_seeker(some_s.subset([0]))[0]) == 0
    assert len(idx.candidates_for_posting(some_p.subset([0]))[0]) <= 5

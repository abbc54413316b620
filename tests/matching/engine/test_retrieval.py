"""Province-scale retrieval: blocking + exact rescoring (engine/retrieval.py)."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import jobbridge
from jobbridge.matching.engine.allocation import allocate
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.retrieval import (
    RetrievalParams,
    candidate_arcs,
    merged_ranges,
    plan_cells,
    province_topk,
    province_topk_scorer,
    recall_at_k,
)
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.topk import brute_force_topk
from jobbridge.matching.engine.topk import merged_ranges as topk_ranges
from jobbridge.matching.engine.weights import DEFAULT_WEIGHTS
from worlds import province as pv
from worlds import synthetic as syn
from worlds.batches import concat_postings, concat_seekers

from .conftest import posting, seeker

COMPLETE = RetrievalParams(expand_below=10**9, cap=10**9)
DATA = Path(jobbridge.__file__).parent / "core" / "data"


def assert_valid_lists(sc, top):
    full = sc.block(slice(None), np.arange(len(sc.p)))
    rows, cols = np.nonzero(top.seeker_postings >= 0)
    np.testing.assert_allclose(
        full[rows, top.seeker_postings[rows, cols]], top.seeker_scores[rows, cols], atol=1e-5
    )
    for r in range(len(sc.s)):  # no posting twice in one list, best first
        got = top.seeker_postings[r][top.seeker_postings[r] >= 0]
        assert len(set(got.tolist())) == len(got)
        assert (np.diff(top.seeker_scores[r][np.isfinite(top.seeker_scores[r])]) <= 1e-6).all()
    return full


@pytest.mark.parametrize(
    ("seed", "k", "workers", "gate"), [(1, 10, 2, True), (2, 3, 1, True), (3, 7, 2, False)]
)
def test_complete_blocking_equals_exact(regions, seed, k, workers, gate):
    w = dataclasses.replace(DEFAULT_WEIGHTS, require_same_major_group=gate)
    s = SeekerBatch.from_records(syn.seekers(250, seed=seed), regions)
    p = PostingBatch.from_records(syn.postings(400, seed=seed + 50), regions)
    sc = Scorer(s, p, w, today=syn.DAY0)
    top = province_topk_scorer(sc, k, params=COMPLETE, workers=workers)
    np.testing.assert_allclose(top.seeker_scores, brute_force_topk(sc, k).seeker_scores, atol=1e-5)
    assert_valid_lists(sc, top)
    assert top.posting_seekers.shape == (len(p), 0)


def test_merged_ranges_match_topk(regions):
    s = SeekerBatch.from_records(
        syn.seekers(200, seed=4) + [seeker(id=900, destinations=["320000", "320200", "320500", "310000"])],
        regions,
    )
    owner, lo, hi = merged_ranges(s)
    sc = Scorer(s, PostingBatch.from_records(syn.postings(5), regions))
    for row in range(len(s)):
        got = list(zip(lo[owner == row].tolist(), hi[owner == row].tolist(), strict=True))
        assert got == [tuple(r) for r in topk_ranges(sc, row)]


@pytest.fixture(scope="module")
def mid_world():
    world = pv.build_world(str(DATA / "csco22.csv"), str(DATA / "regions.csv.gz"), n_occupations=60)
    s = concat_seekers(
        [SeekerBatch.from_records(pv.seekers(world, 1500, start=a), world.regions) for a in (0, 1500)]
    )
    p = concat_postings(
        [PostingBatch.from_records(pv.postings(world, 4000, start=a), world.regions) for a in (0, 4000)]
    )
    return Scorer(s, p, today=pv.DAY0)


def test_recall_on_a_mid_world_with_splitting(mid_world):
    sc = mid_world
    # Parameters scaled down with the world so every mechanism runs: widening, caps, text clusters.
    params = RetrievalParams(
        expand_below=30, cap=300, prior_keep=100, cluster_size=60, nprobe=3, cluster_cap=120
    )
    plan = plan_cells(sc, params)
    assert (plan.part >= 0).any() and (plan.part == -1).any()
    assert set(np.unique(plan.level).tolist()) >= {0, 3}
    calls = []
    top = province_topk_scorer(
        sc, 10, lambda d, t: calls.append((d, t)), params=params, plan=plan, processes=True
    )
    assert calls and sum(d for d, _ in calls) == calls[-1][1] == plan.pairs
    full = assert_valid_lists(sc, top)
    admissible = np.isfinite(full).sum()
    assert plan.pairs < 0.5 * admissible  # the blocking really prunes ...
    rec = recall_at_k(full, top.seeker_scores, 10)
    assert rec.mean() >= 0.9  # ... and still finds (nearly) the exact top-10
    # Uncoded seekers are served too (text-guessed occupations and the region cell).
    assert np.isfinite(top.seeker_scores[sc.s_no_occ, 0]).mean() > 0.9


def test_recall_measure_is_tie_aware():
    exact = np.array([[5, 4, 4, 4, 1, -np.inf]], dtype=np.float32)
    assert recall_at_k(exact, np.array([[5, 4, 4]]), 3)[0] == 1.0
    assert recall_at_k(exact, np.array([[5, 4, 1]]), 3)[0] == pytest.approx(2 / 3)
    assert recall_at_k(np.full((1, 4), -np.inf), np.full((1, 3), -np.inf), 3)[0] == 1.0


def test_empty_inputs(regions):
    es, ep = SeekerBatch.from_records([], regions), PostingBatch.from_records([], regions)
    ss, sp_ = (
        SeekerBatch.from_records(syn.seekers(5), regions),
        PostingBatch.from_records(syn.postings(5), regions),
    )
    for s, p in ((es, ep), (es, sp_), (ss, ep)):
        top = province_topk(s, p, 4, today=syn.DAY0)
        assert top.seeker_postings.shape == (len(s), 4) and (top.seeker_postings == -1).all()
        assert len(candidate_arcs(top)) == 0
    with pytest.raises(ValueError):
        province_topk(ss, sp_, 0)


def test_bad_records_are_handled(regions):
    seekers = [
        seeker(id=1),
        seeker(id=2, occupations=[], skills="", residence_region=None, hukou_region=None, destinations=[]),
        seeker(id=3, occupations=["9-99-99-99x"], expected_wage=10**9),  # unknown code, absurd wage
        seeker(id=4, occupations=[], skills="电焊 氩弧焊"),  # no occupation, text only
    ]
    postings = [
        posting(id=10),
        posting(id=11, status="closed"),
        posting(id=12, headcount=3, filled=3),
        posting(id=13, headcount=0),
        posting(id=14, wage_min=0, wage_max=10**9),
        posting(id=15, occupation="", title="电焊工", required_certificates=[]),  # uncoded posting
        posting(id=16, work_region=None),
    ]
    s, p = SeekerBatch.from_records(seekers, regions), PostingBatch.from_records(postings, regions)
    sc = Scorer(s, p, today=syn.DAY0)
    top = province_topk_scorer(sc, 5)
    listed = set(top.seeker_postings[top.seeker_postings >= 0].tolist())
    assert listed.isdisjoint({1, 2, 3, 4, 6})  # closed, full, headcount 0, absurd wage, no region
    assert 0 in top.seeker_postings[0] and 5 in top.seeker_postings[0]  # coded seeker sees the uncoded post
    assert 5 in top.seeker_postings[3]  # text-only seeker finds the welding post
    assert (top.seeker_postings[1] >= 0).any()  # no region, no occupation: anywhere, still served
    np.testing.assert_allclose(top.seeker_scores, brute_force_topk(sc, 5).seeker_scores, atol=1e-5)


def test_arcs_feed_allocation(small_world):
    top = province_topk_scorer(
        small_world, 5, params=RetrievalParams(cap=100, prior_keep=40, cluster_size=30)
    )
    arcs = candidate_arcs(top)
    assert len(arcs) == int((top.seeker_postings >= 0).sum())
    alloc = allocate(arcs, small_world.p.vacancies, small_world.s.groups)
    assert len(alloc) > 0
    placed = np.bincount(alloc.posting, minlength=len(small_world.p))
    assert (placed <= small_world.p.vacancies).all()

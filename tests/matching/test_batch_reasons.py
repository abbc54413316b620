"""Compact stored reasons render to the engine's own sentences, and partitioned solving gives the
exact top-k (no database: the engine's synthetic city)."""

import datetime as dt

import numpy as np
import pytest

from jobbridge.matching import distributed as D
from jobbridge.matching.engine.explain import explain
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch, from_day
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.topk import brute_force_topk
from worlds import synthetic as syn


@pytest.fixture(scope="module")
def world():
    regions = syn.region_table()
    seekers = SeekerBatch.from_records(syn.seekers(300, seed=21), regions)
    postings = PostingBatch.from_records(syn.postings(400, seed=22), regions)
    return regions, seekers, postings, from_day(syn.DAY0)


def test_rendered_reasons_are_the_sentences_explain_gives(world):
    regions, seekers, postings, today = world
    scorer = Scorer(seekers, postings, today=today)
    full = scorer.block(slice(None), np.arange(len(postings)))
    si, pj = np.nonzero(np.isfinite(full))
    pick = np.random.default_rng(0).choice(len(si), 600, replace=False)
    si, pj = si[pick], pj[pick]
    encoded = D.encode_reasons(scorer, si, pj)
    for r in range(len(si)):
        want = [x.text for x in explain(scorer, int(si[r]), int(pj[r]), regions).reasons if x.points > 0]
        got = D.render_reasons(encoded[r], regions)
        # The similarity figure may differ in the second decimal (float32 sums in another order).
        strip = [t for t in want if not t.startswith("技能描述相似度")]
        assert [t for t in got if not t.startswith("技能描述相似度")] == strip
        assert abs(sum(it[1] for it in encoded[r]) / 1000 - float(full[si[r], pj[r]])) < 0.01


def test_partitions_merge_to_the_exact_top_k(world):
    _regions, seekers, postings, today = world
    exact = brute_force_topk(Scorer(seekers, postings, today=today), k=6)
    parts = D.plan_parts(seekers, postings, 4, today)
    assert len(parts) > 1 and sum(len(p.postings) for p in parts) <= len(postings)
    by_seeker, by_posting, _pairs = D.merge_parts([D.solve_part(p, 6, today, threads=1) for p in parts], 6)
    for row, sid in enumerate(seekers.ids.tolist()):
        want = exact.seeker_scores[row][np.isfinite(exact.seeker_scores[row])]
        assert np.allclose([it[1] for it in by_seeker.get(sid, [])], want, atol=1e-5)
    for col, pid in enumerate(postings.ids.tolist()):
        want = exact.posting_scores[col][np.isfinite(exact.posting_scores[col])]
        assert np.allclose([it[1] for it in by_posting.get(pid, [])], want, atol=1e-5)
    # Lists are in canonical order (score descending, then id), whatever the partitioning.
    again, _p, _n = D.merge_parts(
        [D.solve_part(p, 6, today, threads=1) for p in D.plan_parts(seekers, postings, 1, today)], 6
    )
    assert all(items == sorted(items, key=lambda it: (-it[1], it[0])) for items in again.values())


def test_empty_inputs():
    today = dt.date(2026, 2, 1)
    empty_s, empty_p = SeekerBatch.from_records([]), PostingBatch.from_records([])
    assert D.plan_parts(empty_s, empty_p, 8, today) == []
    assert D.merge_parts([], 10) == ({}, {}, 0)

"""The columnar reason encoder writes exactly the JSON the per-pair reference wrote, so a
province run's stored lists (and anything that parses them) are unchanged by the speed-up."""

import dataclasses
import datetime as dt
import json

import numpy as np
import pytest

from jobbridge.matching import distributed as D
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch, from_day
from jobbridge.matching.engine.retrieval import RetrievalParams
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.weights import DEFAULT_WEIGHTS
from worlds import synthetic as syn


def _world(seed: int):
    """A synthetic city with the awkward cases mixed in: no expected wage, no posted wage, no
    region (distance unknown), uncoded postings, seekers without an occupation."""
    rng = np.random.default_rng(seed)
    regions = syn.region_table()
    seekers = syn.seekers(400, seed=seed)
    postings = syn.postings(300, seed=seed + 1)
    for r in seekers:
        if rng.random() < 0.1:
            r["expected_wage"] = None
        if rng.random() < 0.05:
            r["residence_region"] = r["hukou_region"] = None
            r["accepts_anywhere"] = True
    for r in postings:
        if rng.random() < 0.1:
            r["wage_min"] = r["wage_max"] = None
        elif rng.random() < 0.1:
            r["wage_max"] = None
        if rng.random() < 0.1:
            r["occupation"] = ""
    return (
        SeekerBatch.from_records(seekers, regions),
        PostingBatch.from_records(postings, regions),
        from_day(syn.DAY0),
    )


@pytest.mark.parametrize("gate", [True, False], ids=["relevance-gate", "no-gate"])
@pytest.mark.parametrize("seed", [3, 17])
def test_columnar_encoder_writes_the_reference_json(gate, seed):
    seekers, postings, today = _world(seed)
    scorer = Scorer(
        seekers,
        postings,
        today=today,
        weights=dataclasses.replace(DEFAULT_WEIGHTS, require_same_major_group=gate),
    )
    full = scorer.block(slice(None), np.arange(len(postings)))
    si, pj = np.nonzero(np.isfinite(full))  # every admissible pair, as a run stores them ...
    rng = np.random.default_rng(seed)
    extra_s = rng.integers(0, len(seekers), 3000)  # ... and pairs a filter would have dropped
    extra_p = rng.integers(0, len(postings), 3000)
    si, pj = np.concatenate([si, extra_s]), np.concatenate([pj, extra_p])
    want = [D.dumps(r) for r in D.encode_reasons_reference(scorer, si, pj)]
    got = D.encode_reasons_json(scorer, si, pj)
    assert got == want
    # Every kind of reason, and the nulls, were exercised.
    kinds = {item[0] for text in want for item in json.loads(text)}
    assert kinds == set("otwpeabg")
    assert any('"w",' in t and "null" in t.split('"w",')[1].split("]")[0] for t in want)
    assert any('"p",' in t and "null" in t.split('"p",')[1].split("]")[0] for t in want)
    # The lists form the incremental updates and exact runs use are the same values.
    assert D.encode_reasons(scorer, si[:500], pj[:500]) == D.encode_reasons_reference(
        scorer, si[:500], pj[:500]
    )


def test_similarity_text_matches_python_formatting_at_rounding_edges():
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [rng.random(20000) * 1.2, np.arange(0, 1.3, 0.005), [0.125, 0.375, 0.0, -0.0, 1.0, 0.995]]
    )
    x = x.astype(np.float32)
    assert D._similarity(x) == [repr(float(f"{v:.2f}")) for v in x.tolist()]


def test_province_chunks_store_the_text_of_the_reference_lists():
    seekers, postings, today = _world(5)
    res = D.solve_province(
        seekers,
        postings,
        4,
        today,
        processes=False,
        workers=1,
        params=RetrievalParams(
            expand_below=20,
            cap=40,
            prior_keep=15,
            home_keep=10,
            priority_keep=5,
            cluster_size=10,
            cluster_cap=20,
        ),
    )
    scorer = res.scorer
    s_ids, p_ids = seekers.ids, postings.ids
    seen = {"s": 0, "p": 0}
    for kind in ("s", "p"):
        for rows in D.list_chunks(res, kind, chunk=37):
            for owner, text in rows:
                seen[kind] += 1
                if kind == "s":
                    i = int(np.flatnonzero(s_ids == owner)[0])
                    cols = res.seeker_postings[i][res.seeker_postings[i] >= 0]
                    vals = res.seeker_scores[i][: len(cols)]
                    si, pj, others = np.full(len(cols), i), cols, p_ids[cols]
                else:
                    j = int(np.flatnonzero(p_ids == owner)[0])
                    lo, hi = res.posting_ptr[j], res.posting_ptr[j + 1]
                    si, vals = res.posting_seekers[lo:hi], res.posting_scores[lo:hi]
                    pj, others = np.full(hi - lo, j), s_ids[si]
                reasons = D.encode_reasons_reference(scorer, si, pj)
                want = D.dumps(
                    [[o, v, r] for o, v, r in zip(others.tolist(), vals.tolist(), reasons, strict=True)]
                )
                assert text == want
    assert seen["s"] > 100 and seen["p"] > 50


def test_no_pairs():
    seekers, postings, today = _world(1)
    assert D.encode_reasons_json(Scorer(seekers, postings, today=today), [], []) == []
    assert D.encode_reasons(Scorer(seekers, postings, today=dt.date(2026, 1, 1)), [], []) == []


class _Counted(list):
    """A batch's Python list that counts how many of its entries were read."""

    reads = 0

    def __getitem__(self, i):
        _Counted.reads += 1
        return super().__getitem__(i)

    def __iter__(self):
        _Counted.reads += len(self)
        return super().__iter__()


def test_a_few_pairs_read_only_their_own_seekers_and_postings():
    """Incremental updates encode ~10 pairs against every active seeker: the encoder must not
    walk the whole batch's lists (at 1M seekers that alone cost a large part of a second)."""
    seekers, postings, today = _world(4)
    scorer = Scorer(seekers, postings, today=today)
    want = D.encode_reasons_json(scorer, [5, 9, 5], [1, 2, 3])
    for batch in (seekers, postings):
        batch.occ_codes = _Counted(batch.occ_codes)
    seekers.dest_codes = _Counted(seekers.dest_codes)
    _Counted.reads = 0
    assert D.encode_reasons_json(scorer, [5, 9, 5], [1, 2, 3]) == want
    assert _Counted.reads <= 2 * 2 + 3  # two seekers (codes, destinations), three postings

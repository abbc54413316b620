"""``explain_pairs`` (one block for a page of pairs) says exactly what ``explain`` says pair by pair.

Pages show the batched explanation; the per-pair one is the reference (the stored lists' compact
reasons mirror it too), so every sentence, its order and every number must be the same.
"""

import numpy as np
import pytest

from jobbridge.matching.engine.codes import OccupationTable
from jobbridge.matching.engine.explain import EXPLAIN_ROWS, explain, explain_pairs
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.scoring import Scorer
from worlds import synthetic as syn

NAMES = OccupationTable(names={code: f"职业{code}" for code, *_ in syn.OCCUPATIONS})


def world(seed: int, n_seekers: int, n_postings: int, regions) -> Scorer:
    rng = np.random.default_rng(seed)
    postings = syn.postings(n_postings, seed=seed + 1)
    for p in postings:  # some postings no one may take: closed, full, expired
        roll = rng.random()
        if roll < 0.05:
            p["status"] = "closed"
        elif roll < 0.1:
            p["filled"] = p["headcount"]
        elif roll < 0.15:
            p["valid_until"] = syn.DAY0 - 3
    s = SeekerBatch.from_records(syn.seekers(n_seekers, seed=seed), regions)
    p = PostingBatch.from_records(postings, regions)
    return Scorer(s, p, today=syn.DAY0)


def pairs(scorer: Scorer, rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs, half of them among the admissible ones (a page's rows), duplicates allowed."""
    si = rng.integers(len(scorer.s), size=n)
    pj = rng.integers(len(scorer.p), size=n)
    total = scorer.block(slice(None), np.arange(len(scorer.p)))
    ok_i, ok_j = np.nonzero(np.isfinite(total))
    pick = rng.integers(len(ok_i), size=n // 2)
    return np.concatenate([si, ok_i[pick]]), np.concatenate([pj, ok_j[pick]])


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_batched_explanations_equal_the_per_pair_ones_on_random_worlds(regions, seed):
    scorer = world(seed, 150, 120, regions)
    rng = np.random.default_rng(seed)
    si, pj = pairs(scorer, rng, 160)
    assert len(np.unique(si)) > 2 * EXPLAIN_ROWS  # several seeker blocks
    got = explain_pairs(scorer, si, pj, regions, NAMES)
    want = [explain(scorer, int(i), int(j), regions, NAMES) for i, j in zip(si, pj, strict=True)]
    assert [g.as_dict() for g in got] == [w.as_dict() for w in want]
    # The worlds exercise what the sentences branch on: exclusions and scored pairs alike.
    assert any(w.excluded for w in want) and sum(not w.excluded for w in want) >= len(want) // 3
    assert {r.code for w in want for r in w.exclusions} >= {"posting_status", "destination", "relevance"}


def test_a_page_of_one_posting_and_one_person_and_no_pairs(regions):
    scorer = world(5, 60, 40, regions)
    total = scorer.block(slice(None), np.array([7]))[:, 0]
    best = np.argsort(-total, kind="stable")[:10]  # a posting's candidates page
    got = explain_pairs(scorer, best, np.full(len(best), 7), regions, NAMES)
    assert [g.as_dict() for g in got] == [explain(scorer, int(i), 7, regions, NAMES).as_dict() for i in best]
    got = explain_pairs(scorer, np.full(5, 3), np.arange(5), regions)  # a person's jobs page
    assert [g.as_dict() for g in got] == [explain(scorer, 3, j, regions).as_dict() for j in range(5)]
    assert explain_pairs(scorer, [], [], regions) == []


def test_mismatched_rows_are_refused_naming_both_lengths(regions):
    scorer = world(5, 10, 10, regions)
    with pytest.raises(ValueError, match="2 seeker rows but 1 posting rows"):
        explain_pairs(scorer, [0, 1], [0], regions)

"""Quality on a planted-preference world: the engine must beat plain text similarity."""

import ast
from pathlib import Path

import numpy as np

import jobbridge.matching.engine as engine
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.topk import topk_both_ways
from worlds import planted as pl


def test_no_engine_module_reads_the_planted_truth():
    root = Path(engine.__file__).parent
    for path in root.glob("*.py"):
        if path.name == "planted.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "planted" not in (node.module or "") and all(
                    a.name != "planted" for a in node.names
                ), path
            elif isinstance(node, ast.Import):
                assert all("planted" not in a.name for a in node.names), path


def test_engine_beats_text_similarity_on_a_planted_world():
    w = pl.generate(400, 700, seed=3)
    s = SeekerBatch.from_records(w.seekers, w.regions)
    p = PostingBatch.from_records(w.postings, w.regions)
    sc = Scorer(s, p, today=pl.DAY0)
    ours = topk_both_ways(sc, 10).seeker_postings
    st = [pl.seeker_text(r) for r in w.seekers]
    pt = [pl.posting_text(r) for r in w.postings]
    plain = pl.tfidf_topk(st, pt)
    filtered = pl.tfidf_topk(st, pt, mask=np.isfinite(sc.block(slice(None), np.arange(len(p)))))
    rows = (w.relevance > 0).any(axis=1)
    assert rows.sum() > 300

    def ndcg(r):
        return np.nanmean(pl.ndcg_at_k(r[rows], w.relevance[rows]))

    def recall(r):
        return np.nanmean(pl.recall_at_k(r[rows], w.relevance[rows]))

    assert ndcg(ours) > ndcg(plain) + 0.3
    assert recall(ours) > recall(plain) + 0.3
    assert ndcg(ours) > ndcg(filtered)  # better than text even given the same eligibility


def test_metrics_on_hand_made_cases():
    rel = np.array([[2, 1, 0, 0], [0, 0, 0, 0]], dtype=np.int8)
    perfect = np.array([[0, 1, -1], [2, 3, -1]])
    assert pl.ndcg_at_k(perfect, rel, 3)[0] == 1.0 and np.isnan(pl.ndcg_at_k(perfect, rel, 3)[1])
    swapped = np.array([[1, 0, 2], [0, 1, 2]])
    assert 0 < pl.ndcg_at_k(swapped, rel, 3)[0] < 1
    assert pl.recall_at_k(np.array([[2, 0, 3], [0, 1, 2]]), rel, 3)[0] == 0.5
    assert pl.recall_at_k(perfect, rel, 3, level=2)[0] == 1.0

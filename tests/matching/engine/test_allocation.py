import itertools

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from jobbridge.matching.engine.allocation import Arcs, allocate, stable_allocation

SCALE = 10_000


def random_instance(rng, n_s, n_p, density=0.5):
    m = rng.random((n_s, n_p)) < density
    s, p = np.nonzero(m)
    v = rng.integers(0, SCALE, len(s)) / SCALE  # exact on the integer grid
    vac = rng.integers(0, 4, n_p)
    groups = np.where(rng.random(n_s) < 0.3, 1 << rng.integers(0, 5, n_s), 0)
    return Arcs(s, p, v), vac, groups


def lsa_objective(arcs, vac, n_s, weight):
    """Independent solver: assignment on the vacancy-slot expansion plus an 'unplaced' column per seeker."""
    slots = np.repeat(np.arange(len(vac)), vac)
    w = np.full((n_s, len(vac)), -np.inf)
    w[arcs.seeker, arcs.posting] = weight
    gain = np.zeros((n_s, len(slots) + n_s))
    if len(slots):
        gain[:, : len(slots)] = np.where(np.isfinite(w[:, slots]), w[:, slots], -1e12)
    r, c = linear_sum_assignment(-gain)
    g = gain[r, c]
    return g[g > 0].sum()


def test_allocation_is_optimal_and_respects_capacity():
    rng = np.random.default_rng(0)
    for _ in range(40):
        n_s, n_p = int(rng.integers(1, 14)), int(rng.integers(1, 6))
        arcs, vac, groups = random_instance(rng, n_s, n_p)
        a = allocate(arcs, vac, groups, priority="none", scale=SCALE)
        assert (np.bincount(a.posting, minlength=n_p) <= vac).all()
        assert len(np.unique(a.seeker)) == len(a)
        # our integer objective: score*scale + 1 per placement
        ours = a.objective * SCALE + len(a)
        ref = lsa_objective(arcs, vac, n_s, arcs.score * SCALE + 1)
        assert ours == pytest.approx(ref, abs=1e-6)


def test_priority_tier_is_lexicographic():
    rng = np.random.default_rng(1)
    for _ in range(40):
        n_s, n_p = int(rng.integers(1, 12)), int(rng.integers(1, 5))
        arcs, vac, groups = random_instance(rng, n_s, n_p)
        a = allocate(arcs, vac, groups, priority="tier", scale=SCALE)
        big = (n_s + 1) * (SCALE + 1)
        weight = arcs.score * SCALE + 1 + np.where(groups[arcs.seeker] != 0, big, 0)
        ref = lsa_objective(arcs, vac, n_s, weight)
        placed_prio = int((groups[a.seeker] != 0).sum())
        assert placed_prio * big + a.objective * SCALE + len(a) == pytest.approx(ref, abs=1e-3)


def test_priority_seeker_takes_the_last_seat_when_it_matters():
    # One seat; the ordinary seeker fits better, but the priority seeker gets it.
    arcs = Arcs([0, 1], [0, 0], [0.9, 0.4])
    groups = np.array([0, 1 << 0])
    a = allocate(arcs, [1], groups)
    assert a.seeker.tolist() == [1]
    assert allocate(arcs, [1], groups, priority="none").seeker.tolist() == [0]
    # and the report shows it
    rates = {g.group: g for g in a.report}
    assert rates["就业困难人员"].placed == 1 and rates["其他"].placed == 0
    assert rates["残疾人"].rate == 1.0


def test_max_weight_matching_cross_check_with_networkx():
    rng = np.random.default_rng(2)
    for _ in range(15):
        n_s, n_p = int(rng.integers(1, 10)), int(rng.integers(1, 5))
        arcs, vac, _ = random_instance(rng, n_s, n_p)
        g = nx.Graph()
        for s, p, v in zip(arcs.seeker, arcs.posting, arcs.score, strict=True):
            for slot in range(vac[p]):
                g.add_edge(("s", s), ("p", p, slot), weight=v * SCALE + 1)
        m = nx.max_weight_matching(g)
        ref = sum(g.edges[e]["weight"] for e in m)
        a = allocate(arcs, vac, priority="none", scale=SCALE)
        assert a.objective * SCALE + len(a) == pytest.approx(ref, abs=1e-6)


def blocking_pairs(arcs, vac, groups, alloc):
    match = dict(zip(alloc.seeker.tolist(), alloc.posting.tolist(), strict=True))
    score = {
        (s, p): v
        for s, p, v in zip(arcs.seeker.tolist(), arcs.posting.tolist(), arcs.score.tolist(), strict=True)
    }
    held = {p: [s for s, q in match.items() if q == p] for p in range(len(vac))}

    def p_key(p, s):
        return (bool(groups[s]), score[(s, p)], -s)

    out = []
    for (s, p), v in score.items():
        if vac[p] <= 0 or match.get(s) == p:
            continue
        if s in match and score[(s, match[s])] >= v:
            continue
        if len(held[p]) < vac[p] or min(p_key(p, t) for t in held[p]) < p_key(p, s):
            out.append((s, p))
    return out


def test_stable_allocation_has_no_blocking_pair():
    rng = np.random.default_rng(3)
    for _ in range(60):
        n_s, n_p = int(rng.integers(1, 15)), int(rng.integers(1, 6))
        arcs, vac, groups = random_instance(rng, n_s, n_p)
        a = stable_allocation(arcs, vac, groups)
        assert (np.bincount(a.posting, minlength=n_p) <= vac).all()
        assert len(np.unique(a.seeker)) == len(a)
        assert blocking_pairs(arcs, vac, groups, a) == []


def test_stable_allocation_matches_exhaustive_search_on_tiny_cases():
    # seeker-proposing DA gives each seeker their best stable partner: check against all stable matchings
    rng = np.random.default_rng(4)
    for _ in range(20):
        n_s, n_p = 4, 2
        arcs, _, groups = random_instance(rng, n_s, n_p, density=0.8)
        vac = np.array([1, 1])
        da = stable_allocation(arcs, vac, groups)
        da_match = dict(zip(da.seeker.tolist(), da.posting.tolist(), strict=True))
        score = {
            (s, p): v
            for s, p, v in zip(arcs.seeker.tolist(), arcs.posting.tolist(), arcs.score.tolist(), strict=True)
        }
        for choice in itertools.product([-1, 0, 1], repeat=n_s):
            if any(c >= 0 and (s, c) not in score for s, c in enumerate(choice)):
                continue
            if any(choice.count(p) > 1 for p in (0, 1)):
                continue
            sel = [(s, c) for s, c in enumerate(choice) if c >= 0]
            cand = (
                Arcs([s for s, _ in sel], [c for _, c in sel], [score[x] for x in sel])
                if sel
                else Arcs([], [], [])
            )
            cand_alloc = type(da)(cand.seeker, cand.posting, cand.score)
            if blocking_pairs(arcs, vac, groups, cand_alloc):
                continue
            for s, c in sel:  # no seeker does better in another stable matching
                if s in da_match:
                    assert score[(s, da_match[s])] >= score[(s, c)]
                else:
                    pytest.fail("DA left a seeker unmatched who is matched in some stable matching")


def test_bad_and_empty_input():
    empty = Arcs([], [], [])
    a = allocate(empty, [3, 0], np.zeros(2, dtype=int))
    assert len(a) == 0 and a.objective == 0
    assert len(stable_allocation(empty, [1], np.zeros(1, dtype=int))) == 0
    # all postings full: nobody placed, no crash
    a = allocate(Arcs([0, 1], [0, 0], [0.5, 0.5]), [0], np.zeros(2, dtype=int))
    assert len(a) == 0
    with pytest.raises(ValueError):
        Arcs([0], [0], [np.inf])
    with pytest.raises(ValueError):
        allocate(Arcs([0], [5], [0.5]), [1], np.zeros(1, dtype=int))
    with pytest.raises(ValueError):
        allocate(Arcs([0], [0], [0.5]), [1], np.zeros(1, dtype=int), priority="maybe")


def test_split_into_components_gives_the_same_optimum():
    rng = np.random.default_rng(5)
    # three disconnected regions plus one region with a single seeker
    parts = [random_instance(rng, 12, 4) for _ in range(3)]
    s, p, v, vac, groups = [], [], [], [], []
    off_s = off_p = 0
    for arcs, vc, g in parts:
        s.append(arcs.seeker + off_s)
        p.append(arcs.posting + off_p)
        v.append(arcs.score)
        vac.append(vc)
        groups.append(g)
        off_s += len(g)
        off_p += len(vc)
    arcs = Arcs(np.concatenate(s), np.concatenate(p), np.concatenate(v))
    vac, groups = np.concatenate(vac), np.concatenate(groups)
    whole = allocate(arcs, vac, groups, min_arcs_per_part=10**9)
    split = allocate(arcs, vac, groups, min_arcs_per_part=5, workers=2)
    assert split.objective == pytest.approx(whole.objective)
    assert (groups[split.seeker] != 0).sum() == (groups[whole.seeker] != 0).sum()


def test_allocation_from_topk_of_a_synthetic_world(small_world):
    from jobbridge.matching.engine.topk import topk_both_ways

    sc = small_world
    arcs = Arcs.from_topk(topk_both_ways(sc, 5))
    assert len(np.unique(arcs.seeker * len(sc.p) + arcs.posting)) == len(arcs)  # each pair once
    full = sc.block(slice(None), np.arange(len(sc.p)))
    np.testing.assert_allclose(full[arcs.seeker, arcs.posting], arcs.score, atol=1e-5)
    a = allocate(arcs, sc.p.vacancies, sc.s.groups)
    assert (np.bincount(a.posting, minlength=len(sc.p)) <= sc.p.vacancies).all()
    report = {g.group: g for g in a.report}
    assert report["全部"].seekers == len(sc.s)
    assert report["就业困难人员"].rate >= report["其他"].rate

"""The pure matching engine: numpy/scipy/OR-Tools only, no Django (see docs/matching.md).

features  -> SeekerBatch / PostingBatch (structure of arrays) from plain records
weights   -> every weight and threshold, documented
scoring   -> Scorer: blocks of scores with hard filters as masks; aligned pairs
explain   -> the components of one pair as Chinese sentences
topk      -> exact top-k both ways
allocation-> optimal (min-cost flow, priority tier) and stable (deferred acceptance) assignment
incremental -> one posting or one seeker against everything, without a batch rerun
retrieval -> province scale: candidate cells (blocking) + exact rescoring (docs/matching_scale.md)

The synthetic worlds that tests and benchmarks build records from live outside the package, in
bench/worlds/ (synthetic city, province, planted truth).
"""

from .allocation import Allocation, Arcs, allocate, stable_allocation
from .explain import Explanation, Reason, explain
from .features import PostingBatch, SeekerBatch
from .incremental import IncrementalIndex
from .retrieval import RetrievalParams, province_topk
from .scoring import Scorer
from .topk import TopK, brute_force_topk, topk_both_ways
from .weights import DEFAULT_WEIGHTS, Weights

__all__ = [
    "Allocation", "Arcs", "DEFAULT_WEIGHTS", "Explanation", "IncrementalIndex", "PostingBatch", "Reason",
    "RetrievalParams", "Scorer", "province_topk", "SeekerBatch", "TopK", "Weights", "allocate", "brute_force_topk", "explain",
    "stable_allocation", "topk_both_ways",
]  # fmt: skip

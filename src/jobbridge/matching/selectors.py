"""Recommendations for one seeker and candidates for one posting, with reasons.

Served from the current stored version (``store``: the batch's lists, patched by incremental
updates) when it is fresh for the person or posting asked about; otherwise computed on demand
by scoring the whole candidate set (one row or column of the score matrix), as before any batch
ran. A stored list is used only when it can be trusted to be the top-k:

* the owner has not changed since the list was computed (``updated_at`` <= the list's ``as_of``);
* after dropping postings that closed or filled since, and seekers outside the viewer's scope,
  at least ``k`` remain, or the list was never full (so it held every admissible match).
"""

import json
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker

from . import store
from .distributed import render_reasons
from .engine.explain import explain_pairs
from .engine.features import PostingBatch, SeekerBatch
from .engine.scoring import Scorer
from .records import occupation_table, posting_records, region_table, seeker_records


@dataclass
class Match:
    seeker_id: int
    posting_id: int
    score: float
    reasons: list[str]

    def as_dict(self) -> dict:
        return {
            "seeker": self.seeker_id,
            "posting": self.posting_id,
            "score": round(self.score, 4),
            "reasons": self.reasons,
        }


def _ranked(scorer: Scorer, scores: np.ndarray, k: int, *, by_posting: bool) -> list[Match]:
    admissible = np.flatnonzero(np.isfinite(scores))
    best = admissible[np.argsort(-scores[admissible], kind="stable")[:k]]
    other = np.zeros(len(best), dtype=np.int64)
    si, pj = (best, other) if by_posting else (other, best)
    # One engine call for the whole page (the same sentences and numbers as one per row).
    whys = explain_pairs(scorer, si, pj, region_table(), occupation_table())
    return [
        Match(
            int(scorer.s.ids[i]),
            int(scorer.p.ids[j]),
            float(scores[idx]),
            [r.text for r in why.reasons if r.points > 0],
        )
        for i, j, idx, why in zip(si.tolist(), pj.tolist(), best.tolist(), whys, strict=True)
    ]


def _usable(stored, owner, today) -> bool:
    if stored is None or (today is not None and today != timezone.localdate()):
        return False
    changed = getattr(owner, "updated_at", None)
    return changed is None or stored.as_of is None or changed <= stored.as_of


def _complete(stored, kept: int, k: int) -> bool:
    return kept >= k or (stored.exhaustive and len(stored.items) < stored.run_k)


def recommend_for_seeker(seeker: Seeker, *, k: int = 10, today=None) -> list[Match]:
    """The best open postings for ``seeker``, best first, each with the reasons that scored."""
    stored = store.read_list("s", seeker.pk)
    if _usable(stored, seeker, today):
        ids = [it[0] for it in stored.items]
        still_open = (
            set(
                Posting.objects.open_on()
                .filter(pk__in=ids, filled__lt=F("headcount"))
                .values_list("pk", flat=True)
            )
            if ids
            else set()
        )
        kept = [it for it in stored.items if it[0] in still_open]
        if _complete(stored, len(kept), k):
            return _from_stored(kept[:k], seeker_id=seeker.pk)
    return _recommend_on_demand(seeker, k=k, today=today)


def candidates_for_posting(posting: Posting, seekers_qs, *, k: int = 10, today=None) -> list[Match]:
    """The best of ``seekers_qs`` (the viewer's scoped seekers) for ``posting``, best first."""
    stored = store.read_list("p", posting.pk)
    if _usable(stored, posting, today):
        ids = [it[0] for it in stored.items]
        allowed = set(seekers_qs.active().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        kept = [it for it in stored.items if it[0] in allowed]
        if _complete(stored, len(kept), k):
            return _from_stored(kept[:k], posting_id=posting.pk)
    return _candidates_on_demand(posting, seekers_qs, k=k, today=today)


def _from_stored(items, *, seeker_id=None, posting_id=None) -> list[Match]:
    regions, occupations = region_table(), occupation_table()
    return [
        Match(
            seeker_id if seeker_id is not None else other,
            posting_id if posting_id is not None else other,
            score,
            render_reasons(reasons, regions, occupations),
        )
        for other, score, reasons in items
    ]


def _recommend_on_demand(seeker: Seeker, *, k: int, today) -> list[Match]:
    regions, occupations = region_table(), occupation_table()
    seekers = SeekerBatch.from_records(
        seeker_records(Seeker.objects.filter(pk=seeker.pk)), regions, occupations
    )
    postings = PostingBatch.from_records(
        posting_records(Posting.objects.open_on(today)), regions, occupations
    )
    if not len(postings):
        return []
    scorer = Scorer(seekers, postings, today=today)
    return _ranked(scorer, scorer.block(np.array([0]), np.arange(len(postings)))[0], k, by_posting=False)


def _candidates_on_demand(posting: Posting, seekers_qs, *, k: int, today) -> list[Match]:
    regions, occupations = region_table(), occupation_table()
    records = pool_records(seekers_qs.active())
    if not records:
        return []
    postings = PostingBatch.from_records(
        posting_records(Posting.objects.filter(pk=posting.pk)), regions, occupations
    )
    seekers = SeekerBatch.from_records(records, regions, occupations)
    scorer = Scorer(seekers, postings, today=today)
    return _ranked(scorer, scorer.block(np.arange(len(seekers)), np.array([0]))[:, 0], k, by_posting=True)


def pool_records(seekers_qs) -> list[dict]:
    """``seeker_records`` of a scoped pool, in id order, running the pool's query once.

    ``seeker_records`` reads a plain queryset's rows and then each many-valued relation with the
    queryset as a subquery, so a pool narrowed by ``EXISTS`` clauses (destinations, relevance,
    priority, scope) would be evaluated seven times; its ids are read once here instead."""
    return records_by_id(list(seekers_qs.order_by("pk").values_list("pk", flat=True)))


def records_by_id(ids: list[int]) -> list[dict]:
    """``seeker_records`` of the seekers ``ids``, in id order (which is how the batch reads the
    register, so ties rank alike on SQLite, PostgreSQL and in stored lists)."""
    if not ids:
        return []
    return seeker_records(Seeker.objects.filter(pk__in=ids_subquery(ids)).order_by("pk"))


def ids_subquery(ids: list[int]) -> RawSQL:
    """``ids`` as a one-column subquery bound as a single parameter: a JSON array on SQLite, an
    array on PostgreSQL. Not ``pk__in=[...]``: Django prepares and binds every id again in each
    of ``seeker_records``' queries (more time than the queries at a few thousand ids), and
    PostgreSQL takes at most 65,535 parameters."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [[int(i) for i in ids]])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps([int(i) for i in ids])])

"""A full recompute of the match lists as a new version: load, score (here or on Dask), write,
switch in. The CLI (`jobbridge match run`), the background task and the API all come through
``match_run_create`` + ``match_run_execute``.

Progress is one number in thousandths over the whole run (loading 0-50, scoring 50-800,
writing 800-990, switching 1000) with a stage label, stored on the run so the page can poll it
and passed to a callback so the CLI can draw a bar. Writes to the run row are throttled.
"""

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core.access import is_bureau, is_staff
from jobbridge.employers.models import Posting
from jobbridge.people.models import PriorityDiagnosis, Seeker

from . import store
from .distributed import (
    DistributedError,
    admissible_postings,
    list_chunks,
    merge_parts,
    plan_parts,
    probe_scheduler,
    run_on_dask,
    solve_part,
    solve_province,
    solve_province_on_dask,
)
from .engine.allocation import Arcs, allocate, stable_allocation
from .engine.features import PostingBatch, SeekerBatch, group_mask
from .engine.retrieval import RetrievalParams
from .models import MatchAllocation, MatchList, MatchRun
from .records import occupation_table, posting_records, region_table, seeker_records

log = logging.getLogger(__name__)

DEFAULT_K = 10
DEFAULT_PARTITIONS = 8
LOCAL_WORKERS = 2
# Above this many (active seekers x admissible postings) a run uses province retrieval for the
# seeker lists instead of exact partitions (exact scoring does ~17 million pairs/s on this
# machine's 2 cores, so 5e9 pairs is about 5 minutes). Setting JOBBRIDGE_MATCH_PROVINCE_PAIRS.
PROVINCE_PAIRS = 5 * 10**9
PROVINCE_PARAMS = RetrievalParams()
# A run still "running" after this long was abandoned by a dead process; it may be replaced.
STALE_AFTER = dt.timedelta(hours=6)


class MatchRunRefused(ValueError):
    """Bad parameters (``field`` names the one), or another run is under way (no field)."""

    def __init__(self, message: str, field: str = ""):
        self.field = field
        super().__init__(message)


class MatchRunFailed(RuntimeError):
    def __init__(self, run: MatchRun, message: str):
        self.run = run
        super().__init__(message)


def _active_runs():
    cutoff = timezone.now() - STALE_AFTER
    return MatchRun.objects.filter(
        status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING], created_at__gte=cutoff
    )


def match_run_create(
    *,
    actor=None,
    k: int = DEFAULT_K,
    scheduler: str = "",
    partitions: int = DEFAULT_PARTITIONS,
    today: dt.date | None = None,
) -> MatchRun:
    """A queued run with checked parameters; refused while another run is queued or running."""
    if not isinstance(k, int) or not 1 <= k <= 100:
        raise MatchRunRefused(_("k（每人推荐条数）必须在1到100之间"), "k")
    if not isinstance(partitions, int) or not 1 <= partitions <= 1000:
        raise MatchRunRefused(_("分区数必须在1到1000之间"), "partitions")
    scheduler = (scheduler or "").strip()
    if scheduler and "://" not in scheduler:
        raise MatchRunRefused(
            _("调度器地址应形如 tcp://主机:端口，收到“%(s)s”") % {"s": scheduler}, "scheduler"
        )
    with transaction.atomic():
        # Serialise creators on the newest run row so two clicks cannot both start a run.
        last = MatchRun.objects.select_for_update().order_by("-version").first()
        if _active_runs().exists():
            raise MatchRunRefused(_("已有匹配批次在排队或计算中，请等待其完成"))
        # Runs abandoned by a dead process: failed, their partial rows dropped below.
        stale = MatchRun.objects.filter(status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING])
        stale.update(status=MatchRun.Status.FAILED, error=_("进程中断，未完成"), finished_at=timezone.now())
        return MatchRun.objects.create(
            version=(last.version + 1) if last else 1,
            parameters={
                "k": k,
                "scheduler": scheduler,
                "partitions": partitions,
                "today": (today or timezone.localdate()).isoformat(),
            },
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


class _Progress:
    def __init__(self, run: MatchRun, callback: Callable[[int, str], None] | None):
        self.run, self.callback, self.last = run, callback, 0.0

    def __call__(self, permille: int, stage: str, force: bool = False) -> None:
        permille = max(0, min(1000, int(permille)))
        if self.callback:
            self.callback(permille, stage)
        now = time.monotonic()
        if force or now - self.last > 0.5 or stage != self.run.stage:
            self.last = now
            self.run.done, self.run.total, self.run.stage = permille, 1000, stage
            MatchRun.objects.filter(pk=self.run.pk).update(done=permille, total=1000, stage=stage)


def province_pairs() -> int:
    return int(getattr(settings, "JOBBRIDGE_MATCH_PROVINCE_PAIRS", PROVINCE_PAIRS))


def load_batches(today: dt.date) -> tuple[SeekerBatch, PostingBatch]:
    regions, occupations = region_table(), occupation_table()
    seekers = SeekerBatch.from_records(seeker_records(Seeker.objects.active()), regions, occupations)
    postings = PostingBatch.from_records(
        posting_records(Posting.objects.open_on(today)), regions, occupations
    )
    return seekers, postings


def match_run_execute(*, run: MatchRun, progress: Callable[[int, str], None] | None = None) -> MatchRun:
    """Compute, store and switch in ``run``. On any failure the run is marked failed, its rows are
    dropped, the previous version stays current, and MatchRunFailed is raised."""
    params = run.parameters
    k, scheduler, n_parts = (
        int(params.get("k", DEFAULT_K)),
        params.get("scheduler", ""),
        int(params.get("partitions", DEFAULT_PARTITIONS)),
    )
    today = dt.date.fromisoformat(params["today"]) if params.get("today") else timezone.localdate()
    report = _Progress(run, progress)
    run.status, run.started_at, run.error = MatchRun.Status.RUNNING, timezone.now(), ""
    run.save(update_fields=["status", "started_at", "error"])
    try:
        report(0, "loading", force=True)
        if scheduler:
            probe_scheduler(scheduler)
        seekers, postings = load_batches(today)
        open_rows = admissible_postings(postings, today)
        if len(seekers) * len(open_rows) > province_pairs():
            _run_province(run, seekers, postings, open_rows, k, today, report, scheduler, n_parts)
        else:
            parts = plan_parts(seekers, postings, n_parts, today)
            run.seekers, run.postings, run.partitions = len(seekers), len(postings), len(parts)
            run.save(update_fields=["seekers", "postings", "partitions"])
            report(50, "scoring", force=True)
            if scheduler:
                results = run_on_dask(
                    scheduler,
                    parts,
                    k,
                    today,
                    progress=lambda d, t: report(50 + 750 * d // max(t, 1), "scoring"),
                )
            else:
                results = _solve_locally(
                    parts, k, today, lambda d, t: report(50 + 750 * d // max(t, 1), "scoring")
                )
            seeker_lists, posting_lists, _pairs = merge_parts(results, k)
            total = max(len(seeker_lists) + len(posting_lists), 1)
            report(800, "writing", force=True)
            store.discard(run)  # a retried run starts clean
            run.seeker_rows = store.write_lists(
                run, "s", seeker_lists, lambda n: report(800 + 190 * n // total, "writing")
            )
            base = run.seeker_rows
            run.posting_rows = store.write_lists(
                run, "p", posting_lists, lambda n: report(800 + 190 * (base + n) // total, "writing")
            )
            run.save(update_fields=["seeker_rows", "posting_rows"])
        report(990, "switching", force=True)
        store.analyze()  # statistics for the new rows before readers plan against them
        store.switch_current(run)
        run.done, run.stage = 1000, "done"
        MatchRun.objects.filter(pk=run.pk).update(done=1000, total=1000, stage="done")
        if progress:
            progress(1000, "done")
    except Exception as e:
        message = str(e) if isinstance(e, DistributedError) else f"{type(e).__name__}: {e}"
        if not isinstance(e, DistributedError):
            log.exception("match run v%s failed", run.version)
        _fail(run, message)
        raise MatchRunFailed(run, message) from e
    try:
        store.prune()
    except Exception:  # the new version is already serving; pruning is retried next run
        log.exception("pruning old match versions failed")
    return run


def _fail(run: MatchRun, message: str) -> None:
    run.status, run.error, run.finished_at = MatchRun.Status.FAILED, message[:4000], timezone.now()
    MatchRun.objects.filter(pk=run.pk).update(
        status=run.status, error=run.error, finished_at=run.finished_at, is_current=False
    )
    try:
        store.discard(run)
    except Exception:
        log.exception("could not drop the rows of failed run v%s", run.version)


def _run_province(
    run, seekers, postings, open_rows, k, today, report, scheduler="", n_parts=DEFAULT_PARTITIONS
):
    """One part of every seeker and admissible posting, seeker lists by province retrieval
    (the engine's blocking replaces the province partitions), posting lists derived from the
    kept pairs (approximate), both written a chunk of owners at a time. With a Dask scheduler
    the plan is made here and its cells are scored on the cluster in at least ``n_parts`` groups
    (``distributed.solve_province_on_dask``); the lists are the same as a local run's. Recorded
    as ``parameters["method"] = "province"``, ``partitions`` = the number of Dask tasks (1 locally)."""
    run.parameters = {**run.parameters, "method": "province"}
    run.seekers, run.postings, run.partitions = len(seekers), len(postings), 1
    run.save(update_fields=["parameters", "seekers", "postings", "partitions"])
    report(50, "scoring", force=True)

    def scoring(done: int, total: int) -> None:  # the engine's pairs scored (per Dask task on a cluster)
        report(50 + 750 * done // max(total, 1), "scoring")

    if scheduler:
        res, tasks = solve_province_on_dask(
            scheduler,
            seekers,
            postings.subset(open_rows),
            k,
            today,
            params=PROVINCE_PARAMS,
            groups=n_parts,
            plan_workers=LOCAL_WORKERS,
            progress=scoring,
        )
        run.partitions = max(tasks, 1)
        run.save(update_fields=["partitions"])
    else:
        res = solve_province(
            seekers,
            postings.subset(open_rows),
            k,
            today,
            params=PROVINCE_PARAMS,
            workers=LOCAL_WORKERS,
            processes=True,
            progress=scoring,
        )
    # Owners with a list: every seeker row with a first item, every posting with a non-empty range.
    total = max(int((res.seeker_postings[:, :1] >= 0).sum()) + int((np.diff(res.posting_ptr) > 0).sum()), 1)
    report(800, "writing", force=True)
    store.discard(run)  # a retried run starts clean
    run.seeker_rows = store.write_chunks(
        run, "s", list_chunks(res, "s"), lambda n: report(800 + 190 * n // total, "writing")
    )
    base = run.seeker_rows
    run.posting_rows = store.write_chunks(
        run, "p", list_chunks(res, "p"), lambda n: report(800 + 190 * (base + n) // total, "writing")
    )
    run.save(update_fields=["seeker_rows", "posting_rows"])


def _solve_locally(parts, k, today, progress):
    """The partitions on two threads (numpy and scipy release the GIL in the heavy parts),
    each solved exactly as a Dask worker solves it, so both paths store the same lists.
    Progress is reported from this thread only: worker threads never touch the database."""
    results = [None] * len(parts)
    with ThreadPoolExecutor(LOCAL_WORKERS) as pool:
        futures = {pool.submit(solve_part, part, k, today, 1): i for i, part in enumerate(parts)}
        for n, fut in enumerate(as_completed(futures), start=1):
            results[futures[fut]] = fut.result()
            progress(n, len(parts))
    return results


# ---- allocation over the current version ------------------------------------------------------
class NoCurrentVersion(LookupError):
    pass


def current_arcs(run: MatchRun):
    """(seeker ids, posting ids, Arcs over their row numbers) from both directions of ``run``'s lists."""
    pairs: dict[tuple[int, int], float] = {}
    for kind, owner, items in (
        MatchList.objects.filter(run=run).values_list("kind", "owner_id", "items").iterator(chunk_size=5000)
    ):
        for other, score, _reasons in json.loads(items):
            pairs[(owner, other) if kind == "s" else (other, owner)] = score
    seeker_ids = np.array(sorted({s for s, _ in pairs}), dtype=np.int64)
    posting_ids = np.array(sorted({p for _, p in pairs}), dtype=np.int64)
    s = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    p = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    v = np.fromiter(pairs.values(), dtype=np.float64, count=len(pairs))
    return seeker_ids, posting_ids, Arcs(np.searchsorted(seeker_ids, s), np.searchsorted(posting_ids, p), v)


def match_allocate(*, actor=None, stable: bool = False, sample: int = 50):
    """Optimal (or stable) allocation of seekers to today's vacancies over the current version's
    arcs, with placement rates by priority group; kept as a MatchAllocation."""
    run = store.current_run()
    if run is None:
        raise NoCurrentVersion(_("还没有可用的匹配结果，请先运行匹配批次（jobbridge match run）"))
    started = time.monotonic()
    seeker_ids, posting_ids, arcs = current_arcs(run)
    # Vacancies as of now: postings closed or filled since the batch get none.
    vac = (
        dict(
            Posting.objects.open_on()
            .filter(pk__in=posting_ids.tolist(), filled__lt=F("headcount"))
            .annotate(v=F("headcount") - F("filled"))
            .values_list("pk", "v")
        )
        if len(posting_ids)
        else {}
    )
    vacancies = np.array([vac.get(int(p), 0) for p in posting_ids], dtype=np.int64)
    groups_of: dict[int, list[str]] = {}
    for sid, criterion in PriorityDiagnosis.objects.current().values_list("seeker_id", "criterion"):
        groups_of.setdefault(sid, []).append(criterion)
    groups = np.array([group_mask(groups_of.get(int(s))) for s in seeker_ids], dtype=np.int64)
    result = (
        stable_allocation(arcs, vacancies, groups)
        if stable
        else allocate(arcs, vacancies, groups, priority="tier")
    )
    seconds = time.monotonic() - started
    report = [
        {
            "group": g.group,
            "seekers": g.seekers,
            "with_candidates": g.with_candidates,
            "placed": g.placed,
            "rate": round(g.rate, 4),
        }
        for g in result.report
    ]
    order = np.argsort(-result.score, kind="stable")[:sample]
    pairs = [
        {
            "seeker": int(seeker_ids[result.seeker[i]]),
            "posting": int(posting_ids[result.posting[i]]),
            "score": round(float(result.score[i]), 4),
        }
        for i in order
    ]
    return MatchAllocation.objects.create(
        run=run,
        method="stable" if stable else "optimal",
        arcs=len(arcs),
        placed=len(result),
        objective=round(result.objective, 4),
        seconds=round(seconds, 3),
        report=report,
        sample=pairs,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def can_view_runs(user) -> bool:
    """Runs and allocation reports are counts, no personal data: all staff may see them."""
    return is_staff(user)


def can_start_runs(user) -> bool:
    """A run recomputes everyone's lists: administrators and bureau staff only."""
    return is_bureau(user)


# ---- incremental updates --------------------------------------------------------------------
# A saved posting gets its ranked candidates, and a saved seeker profile its recommendations,
# written into the current version without a batch rerun. The engine's IncrementalIndex over
# every active seeker and open posting is built once per process and kept warm (a background
# task worker is long-lived: `jobbridge db_worker --interval 0.1`); it is rebuilt when a new
# version is switched in or after INDEX_MAX_AGE, which also picks up seekers changed meanwhile.
# Postings created after the index was built are scored directly for a changed seeker.
INDEX_MAX_AGE = dt.timedelta(minutes=30)
_INDEX: dict = {}


def warm_index(run: MatchRun):
    from .engine.incremental import IncrementalIndex
    from .engine.scoring import Scorer

    key = (run.pk, run.started_at)
    now = timezone.now()
    if _INDEX.get("key") != key or now - _INDEX["built"] > INDEX_MAX_AGE:
        _INDEX.clear()
        today = timezone.localdate()
        seekers, postings = load_batches(today)
        _INDEX.update(key=key, built=now, index=IncrementalIndex(Scorer(seekers, postings, today=today)))
    return _INDEX["index"], _INDEX["built"]


def refresh_posting(posting_id: int) -> int:
    """Recompute one posting's candidates into the current version and offer it to them. Returns
    the number of candidates (0 if there is no current version or the posting is not open)."""
    from .distributed import encode_reasons

    run = store.current_run()
    if run is None:
        return 0
    k = int(run.parameters.get("k", DEFAULT_K))
    as_of = timezone.now()
    index, _built = warm_index(run)
    batch = PostingBatch.from_records(
        posting_records(Posting.objects.filter(pk=posting_id)), region_table(), occupation_table()
    )
    if not len(batch):
        return 0
    rows, scores = index.candidates_for_posting(batch, k=k)
    scorer = index.scorer.with_postings(batch)
    reasons = encode_reasons(scorer, rows, np.zeros(len(rows), dtype=np.int64))
    seeker_ids = index.scorer.s.ids[rows].tolist()
    items = [
        [sid, round(float(v), 5), r] for sid, v, r in zip(seeker_ids, scores.tolist(), reasons, strict=True)
    ]
    store.put_lists("p", {posting_id: items}, run=run, as_of=as_of)
    store.merge_into_lists("s", {sid: [[posting_id, v, r]] for sid, v, r in items}, k, run)
    return len(items)


def refresh_seeker(seeker_id: int) -> int:
    """Recompute one seeker's recommendations into the current version. Returns their count."""
    from .distributed import encode_reasons
    from .engine.scoring import Scorer

    run = store.current_run()
    if run is None:
        return 0
    k = int(run.parameters.get("k", DEFAULT_K))
    as_of = timezone.now()
    index, built = warm_index(run)
    regions, occupations = region_table(), occupation_table()
    batch = SeekerBatch.from_records(
        seeker_records(Seeker.objects.active().filter(pk=seeker_id)), regions, occupations
    )
    if not len(batch):
        return 0
    rows, scores = index.recommendations_for_seeker(batch, k=k)
    scorer = index.scorer.with_seekers(batch)
    items: list[list[Any]] = [
        [int(scorer.p.ids[r]), round(float(v), 5), why]
        for r, v, why in zip(
            rows.tolist(),
            scores.tolist(),
            encode_reasons(scorer, np.zeros(len(rows), dtype=np.int64), rows),
            strict=True,
        )
    ]
    newer = PostingBatch.from_records(
        posting_records(Posting.objects.open_on().filter(created_at__gt=built)), regions, occupations
    )
    if len(newer):
        fresh = Scorer(batch, newer, today=timezone.localdate())
        sc = fresh.block(np.array([0]), np.arange(len(newer)))[0]
        cols = np.flatnonzero(np.isfinite(sc))
        items += [
            [int(newer.ids[c]), round(float(sc[c]), 5), why]
            for c, why in zip(
                cols.tolist(), encode_reasons(fresh, np.zeros(len(cols), dtype=np.int64), cols), strict=True
            )
        ]
        items = sorted({it[0]: it for it in items}.values(), key=lambda it: (-it[1], it[0]))[:k]
    store.put_lists("s", {seeker_id: items}, run=run, as_of=as_of)
    return len(items)

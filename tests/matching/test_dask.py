"""`match run --scheduler`: the partitions run on a real (local, small) Dask cluster and store
exactly what the local run stores; an unreachable scheduler or a worker dying mid-run fails the
run with a message naming the scheduler, and the previous version keeps serving."""

import io
import json

import dask
import pytest
from distributed import LocalCluster
from django.core.management import CommandError, call_command

from jobbridge.matching import batch, distributed, store
from jobbridge.matching.models import MatchList, MatchRun
from tests.matching.test_batch_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def cluster():
    # allowed-failures 0: a task whose worker dies fails at once instead of being retried.
    # Dashboard ":0": even "None" binds the scheduler's HTTP server to 8787, shared by parallel runs.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        ) as c:
            yield c


def lists(run) -> dict:
    return {
        (kind, owner): json.loads(items)
        for kind, owner, items in MatchList.objects.filter(run=run).values_list("kind", "owner_id", "items")
    }


def cli(*args) -> dict:
    out = io.StringIO()
    call_command("match", "run", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_dask_run_stores_the_same_lists_as_the_local_run(cluster):
    build_world(seed=3, seekers=30, postings=24)
    local = cli("--k", "4")
    remote = cli("--k", "4", "--scheduler", cluster.scheduler_address)
    assert remote["status"] == "done" and remote["current"] and remote["partitions"] > 1
    assert remote["parameters"]["scheduler"] == cluster.scheduler_address
    a, b = lists(MatchRun.objects.get(pk=local["id"])), lists(MatchRun.objects.get(pk=remote["id"]))
    assert a and a == b


def test_unreachable_scheduler_fails_clearly_and_keeps_the_previous_version(monkeypatch):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1)
    build_world(seed=4, seekers=8, postings=6)
    good = cli("--k", "3")
    address = "tcp://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(CommandError) as e:
        call_command("match", "run", "--scheduler", address, stdout=io.StringIO())
    assert address in str(e.value) and "previous version is still served" in str(e.value)
    failed = MatchRun.objects.order_by("-version").first()
    assert failed.status == "failed" and address in failed.error
    assert store.current_run().pk == good["id"]


def test_a_worker_dying_mid_run_fails_the_run(cluster, monkeypatch):
    build_world(seed=5, seekers=12, postings=10)
    good = cli("--k", "3")

    def die(*args, **kwargs):  # defined here, so Dask ships it by value to the worker, which it kills
        import os

        os._exit(1)

    real = distributed.run_on_dask
    monkeypatch.setattr(batch, "run_on_dask", lambda *a, **kw: real(*a, solve=die, **kw))
    with pytest.raises(CommandError) as e:
        call_command("match", "run", "--scheduler", cluster.scheduler_address, stdout=io.StringIO())
    message = str(e.value)
    assert cluster.scheduler_address in message and "KilledWorker" in message
    assert store.current_run().pk == good["id"]
    assert not MatchList.objects.filter(run__status="failed").exists()


# ---- province scale: the plan's cells scored on the cluster -----------------------------------
@pytest.fixture
def province_world(settings, monkeypatch):
    from tests.matching.test_batch_province import SMALL

    settings.JOBBRIDGE_MATCH_PROVINCE_PAIRS = 0  # a small world on the province path
    monkeypatch.setattr(batch, "PROVINCE_PARAMS", SMALL)
    return build_world(seed=6, seekers=60, postings=40)


def test_province_run_on_dask_stores_the_same_lists_as_the_local_province_run(cluster, province_world):
    local = cli("--k", "5")
    a = lists(MatchRun.objects.get(pk=local["id"]))  # read now: two more runs prune it
    assert local["parameters"]["method"] == "province" and local["partitions"] == 1
    assert any(kind == "p" for kind, _ in a) and any(kind == "s" for kind, _ in a)
    seen: list[tuple[int, str]] = []
    runs = []
    for groups in (3, 20):  # however the cells are shared out, the same lists
        run = batch.match_run_create(k=5, scheduler=cluster.scheduler_address, partitions=groups)
        runs.append(batch.match_run_execute(run=run, progress=lambda p, s: seen.append((p, s))))
        assert runs[-1].status == "done" and runs[-1].parameters["method"] == "province"
        assert lists(runs[-1]) == a
    assert runs[-1].is_current and runs[0].partitions >= 3 and runs[1].partitions > runs[0].partitions
    # Progress moves per finished task, never backwards within a run, and reaches the end.
    scoring = [p for p, stage in seen if stage == "scoring"]
    assert len(set(scoring)) > 3 and max(scoring) == 800
    first = seen[: seen.index((1000, "done")) + 1]
    assert [p for p, _ in first] == sorted(p for p, _ in first)


def test_cells_are_shared_out_in_balanced_disjoint_groups():
    import numpy as np

    from jobbridge.matching.engine.retrieval import Plan

    rng = np.random.default_rng(1)
    seekers, postings = rng.integers(0, 30, 200), rng.integers(0, 50, 200)
    seekers[:5] = 0  # cells without work are not scheduled
    z = np.zeros(200, dtype=np.int64)
    plan = Plan(
        level=z,
        group=z,
        lo=z,
        hi=z,
        part=z,
        run_sizes=z,
        seeker_ptr=np.r_[0, np.cumsum(seekers)],
        seeker_rows=np.zeros(seekers.sum(), dtype=np.int64),
        posting_ptr=np.r_[0, np.cumsum(postings)],
        posting_rows=np.zeros(postings.sum(), dtype=np.int64),
    )
    work = seekers * postings
    groups = distributed.balance_cells(plan, 7)
    cells = np.concatenate(groups)
    assert len(groups) == 7 and sorted(cells.tolist()) == np.flatnonzero(work > 0).tolist()
    loads = [int(work[g].sum()) for g in groups]
    assert max(loads) - min(loads) <= work.max()  # greedy, biggest first: within one cell's work
    assert [g.tolist() for g in distributed.balance_cells(plan, 7)] == [g.tolist() for g in groups]
    assert len(distributed.balance_cells(plan, 1000)) == int((work > 0).sum())


def test_province_run_with_an_unreachable_scheduler_keeps_the_previous_version(province_world, monkeypatch):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1)
    good = cli("--k", "3")
    address = "tcp://127.0.0.1:9"
    with pytest.raises(CommandError) as e:
        call_command("match", "run", "--scheduler", address, stdout=io.StringIO())
    assert address in str(e.value) and "previous version is still served" in str(e.value)
    failed = MatchRun.objects.order_by("-version").first()
    # Refused before loading (see the next test), so before the run chose its method.
    assert failed.status == "failed" and address in failed.error and "method" not in failed.parameters
    assert store.current_run().pk == good["id"]
    assert not MatchList.objects.filter(run=failed).exists()


def test_an_unreachable_scheduler_fails_before_the_register_is_loaded(province_world, monkeypatch):
    """At a million seekers loading and planning take minutes: a wrong address must not wait for them."""
    good = cli("--k", "3")

    def load_batches(today):
        raise AssertionError("the register was loaded before the scheduler was checked")

    monkeypatch.setattr(batch, "load_batches", load_batches)
    with pytest.raises(CommandError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        call_command("match", "run", "--scheduler", "tcp://127.0.0.1:9", stdout=io.StringIO())
    assert store.current_run().pk == good["id"]


def test_a_scheduler_without_workers_fails_the_run_instead_of_waiting(province_world, monkeypatch):
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1)
    good = cli("--k", "3")
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0", silence_logs=40) as empty:
        with pytest.raises(CommandError) as e:
            call_command("match", "run", "--scheduler", empty.scheduler_address, stdout=io.StringIO())
    assert empty.scheduler_address in str(e.value) and "has no workers" in str(e.value)
    assert store.current_run().pk == good["id"]


def test_a_worker_dying_mid_province_run_fails_the_run(cluster, province_world, monkeypatch):
    good = cli("--k", "3")

    def die(*args, **kwargs):  # shipped by value to the worker, which it kills
        import os

        os._exit(1)

    real = distributed.solve_province_on_dask
    monkeypatch.setattr(batch, "solve_province_on_dask", lambda *a, **kw: real(*a, score=die, **kw))
    with pytest.raises(CommandError) as e:
        call_command("match", "run", "--scheduler", cluster.scheduler_address, stdout=io.StringIO())
    message = str(e.value)
    assert cluster.scheduler_address in message and "KilledWorker" in message and "cell group" in message
    assert store.current_run().pk == good["id"]
    failed = MatchRun.objects.order_by("-version").first()
    assert failed.status == "failed" and not MatchList.objects.filter(run=failed).exists()

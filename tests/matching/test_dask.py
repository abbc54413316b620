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
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=40) as c:
            yield c


def lists(run) -> dict:
    return {(kind, owner): json.loads(items)
            for kind, owner, items in MatchList.objects.filter(run=run).values_list("kind", "owner_id", "items")}


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

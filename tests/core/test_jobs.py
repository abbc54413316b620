"""core.jobs: the background-job base the four job models share, its helpers and the lease."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobbridge.core.jobs import (
    STATUSES,
    Job,
    fail_stale,
    job_fail,
    job_finish,
    job_progress,
    job_start,
    progress_percent,
)
from jobbridge.imports.models import ImportJob
from jobbridge.jobtitles.models import TitleBatch
from jobbridge.matching.models import MatchRun
from jobbridge.notifications.models import DeliveryRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JOB_MODELS = [ImportJob, TitleBatch, MatchRun, DeliveryRun]


def _import_job(**kw) -> ImportJob:
    return ImportJob.objects.create(kind="seekers", original_name="a.xlsx", sha256="0" * 64, **kw)


def _ago(minutes: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("model", JOB_MODELS, ids=lambda m: m.__name__)
def test_every_job_model_shares_the_base_and_its_stored_values(model):
    assert issubclass(model, Job)
    assert set(STATUSES) <= set(model.Status.values)
    names = {f.name for f in model._meta.get_fields()}
    assert {"status", "done", "total", "error", "started_at", "finished_at", "heartbeat_at"} <= names
    assert model._meta.get_field("status").default == "queued"


def test_percent_reads_the_same_for_every_job():
    assert progress_percent(50, 200, False) == 25
    assert progress_percent(0, 0, False) == 0 and progress_percent(0, 0, True) == 100
    assert TitleBatch(titles=["a"] * 10, done=4, total=10).percent == 40
    assert MatchRun(done=420, total=1000).percent == 42
    assert MatchRun(status="superseded").is_finished and not MatchRun(status="running").is_finished


def test_start_claims_a_queued_job_once():
    job = _import_job()
    assert job_start(job) and job.status == "running" and job.started_at and job.heartbeat_at
    again = ImportJob.objects.get(pk=job.pk)
    assert not job_start(again) and again.status == "running"  # a task delivered twice runs once
    assert ImportJob.objects.get(pk=job.pk).started_at == job.started_at


def test_progress_finish_and_fail_write_the_row_and_the_instance():
    job = _import_job()
    job_start(job)
    before = job.heartbeat_at
    job_progress(job, 50, 200)
    row = ImportJob.objects.get(pk=job.pk)
    assert (row.done, row.total, row.percent) == (50, 200, 25) and row.heartbeat_at >= before
    job_finish(job, summary={"rows": 200})
    row = ImportJob.objects.get(pk=job.pk)
    assert row.status == "done" and row.finished_at and row.summary == {"rows": 200} and job.is_finished
    batch = TitleBatch.objects.create(original_name="t.txt", titles=["保安"] * 3)
    assert batch.total == 3  # a batch's total is the number of its titles
    job_start(batch)
    job_fail(batch, "boom" * 2000)
    batch.refresh_from_db()
    assert batch.status == "failed" and len(batch.error) == 4000 and batch.finished_at


def test_a_running_job_without_heartbeat_for_a_lease_is_failed_with_what_it_committed(settings):
    settings.JOBBRIDGE_JOB_LEASE_SECONDS = 120
    dead = _import_job(status="running", done=300, total=1000, heartbeat_at=_ago(3))
    alive = _import_job(status="running", heartbeat_at=_ago(1))
    queued = _import_job()
    no_lease = _import_job(status="running")  # marked running by hand, never started
    legacy = _import_job(status="running", started_at=_ago(60))  # started before jobs took a lease
    assert fail_stale(ImportJob) == 2
    assert ImportJob.objects.get(pk=legacy.pk).status == "failed"
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at and (dead.done, dead.total) == (300, 1000)
    assert "2分钟" in dead.error and dead.summary == {"file_error": dead.error}  # the page reads it there
    statuses = ImportJob.objects.filter(pk__in=[alive.pk, queued.pk, no_lease.pk]).values_list(
        "status", flat=True
    )
    assert sorted(statuses) == ["queued", "running", "running"]
    assert fail_stale(ImportJob) == 0


@pytest.mark.parametrize("model", [TitleBatch, DeliveryRun, MatchRun], ids=lambda m: m.__name__)
def test_the_lease_rule_is_the_same_for_every_job(model):
    fields = {"original_name": "t.txt", "titles": ["x"]} if model is TitleBatch else {}
    if model is MatchRun:
        fields["version"] = 1
    job = model.objects.create(status="running", heartbeat_at=_ago(60), **fields)
    assert fail_stale(model) == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.error


def test_a_progress_update_renews_the_lease_whoever_writes_it(settings):
    """A match run writes its progress with its own UPDATE (matching/batch.py's _Progress)."""
    settings.JOBBRIDGE_JOB_LEASE_SECONDS = 120
    run = MatchRun.objects.create(version=1, status="running", started_at=_ago(60), heartbeat_at=_ago(60))
    MatchRun.objects.filter(pk=run.pk).update(done=500, total=1000, stage="scoring")
    run.refresh_from_db()
    assert (run.done, run.total, run.stage) == (500, 1000, "scoring")
    assert run.heartbeat_at > _ago(1) and fail_stale(MatchRun) == 0
    MatchRun.objects.filter(pk=run.pk).update(stage="writing")  # not progress: the lease is not renewed
    MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=_ago(3))
    assert fail_stale(MatchRun) == 1


def test_the_import_pages_show_a_dead_job_as_failed(client):
    clerk = UserFactory(county_clerk=True)
    job = _import_job(created_by=clerk, status="running", done=50, total=200, heartbeat_at=_ago(60))
    client.force_login(clerk)
    fragment = client.get(reverse("imports:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "后台进程已中断" in fragment  # polling stops, the reason shows
    assert "失败" in client.get(reverse("imports:job_list")).content.decode()


def test_the_title_batch_and_outbox_pages_fail_dead_jobs_too(client):
    clerk = UserFactory(county_clerk=True)
    batch = TitleBatch.objects.create(
        original_name="t.txt", titles=["保安"], created_by=clerk, status="running", heartbeat_at=_ago(60)
    )
    client.force_login(clerk)
    html = client.get(f"/jobtitles/batches/{batch.pk}/progress/").content.decode()
    assert "hx-trigger" not in html and "后台进程已中断" in html
    run = DeliveryRun.objects.create(status="running", started_by=clerk, heartbeat_at=_ago(60))
    html = client.get(reverse("notifications:run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in html and "后台进程已中断" in html


def test_the_cli_lists_jobs_and_reports_dead_ones_failed():
    _import_job(status="running", done=50, total=200, heartbeat_at=_ago(60))
    _import_job(status="done", done=2, total=2, summary={"created": 2, "rejected": 0})
    out = io.StringIO()
    call_command("import", "jobs", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["status"] for r in rows] == ["done", "failed"]
    assert rows[0]["created"] == 2 and rows[1]["done"] == 50 and "后台进程已中断" in rows[1]["error"]
    out = io.StringIO()
    call_command("import", "jobs", stdout=out)
    assert "50/200 (25%)" in out.getvalue()

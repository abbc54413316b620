"""Batch runs: a full recompute stored as a new version, switched in atomically, served to the
pages and API, with clear failures that leave the previous version serving."""

import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobbridge.employers.models import Posting
from jobbridge.matching import batch, selectors, store
from jobbridge.matching.batch import MatchRunFailed, MatchRunRefused, match_run_create, match_run_execute
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.topk import brute_force_topk
from jobbridge.matching.models import MatchList, MatchRun
from jobbridge.people.models import Seeker
from tests.api.conftest import ApiClient as api
from tests.factories import EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory
from tests.matching.test_batch_world import build_world

pytestmark = pytest.mark.django_db


def run(**kw) -> MatchRun:
    return match_run_execute(run=match_run_create(**kw))


@pytest.fixture
def world():
    return build_world()


def stored(kind: str, run: MatchRun) -> dict[int, list]:
    return {
        o: json.loads(i)
        for o, i in MatchList.objects.filter(run=run, kind=kind).values_list("owner_id", "items")
    }


def test_a_run_stores_exact_top_k_both_ways(world):
    r = run(k=5)
    assert r.status == "done" and r.is_current and r.partitions > 1
    seekers, postings = batch.load_batches(timezone.localdate())
    exact = brute_force_topk(Scorer(seekers, postings, today=timezone.localdate()), k=5)
    by_seeker, by_posting = stored("s", r), stored("p", r)
    assert r.seeker_rows == len(by_seeker) > 0 and r.posting_rows == len(by_posting) > 0
    for row, sid in enumerate(seekers.ids.tolist()):
        want = [float(v) for v in exact.seeker_scores[row] if np.isfinite(v)]
        got = [it[1] for it in by_seeker.get(sid, [])]
        assert len(got) == len(want) and np.allclose(got, want, atol=1e-5), sid
    for col, pid in enumerate(postings.ids.tolist()):
        want = [float(v) for v in exact.posting_scores[col] if np.isfinite(v)]
        got = [it[1] for it in by_posting.get(pid, [])]
        assert len(got) == len(want) and np.allclose(got, want, atol=1e-5), pid


def test_recommendations_are_served_from_the_stored_version_with_the_same_reasons(world, monkeypatch):
    run(k=10)
    seeker = max(world["seekers"], key=lambda s: len(selectors._recommend_on_demand(s, k=10, today=None)))
    fresh = selectors._recommend_on_demand(seeker, k=10, today=None)

    def refuse(*a, **kw):
        raise AssertionError("scored on demand although a fresh stored list exists")

    monkeypatch.setattr(selectors, "_recommend_on_demand", refuse)
    monkeypatch.setattr(selectors, "_candidates_on_demand", refuse)
    with CaptureQueriesContext(connection) as q:
        served = selectors.recommend_for_seeker(seeker, k=10)
    assert len(q) <= 3
    assert np.allclose([m.score for m in served], [m.score for m in fresh], atol=1e-5)
    by_id = {m.posting_id: m for m in fresh}
    for m in served:
        if m.posting_id in by_id:
            assert len(m.reasons) == len(by_id[m.posting_id].reasons)
            assert [r for r in m.reasons if "相似度" not in r] == [
                r for r in by_id[m.posting_id].reasons if "相似度" not in r
            ]
    post = next(p for p in world["postings"] if store.read_list("p", p.pk).items)
    got = selectors.candidates_for_posting(post, Seeker.objects.all(), k=3)
    assert got and all(m.posting_id == post.pk and m.reasons for m in got)


def test_a_changed_seeker_or_closed_posting_is_not_served_stale(world):
    run(k=3)
    seeker = next(s for s in world["seekers"] if store.read_list("s", s.pk).items)
    first = selectors.recommend_for_seeker(seeker, k=3)[0]
    Posting.objects.filter(pk=first.posting_id).update(status="closed")
    assert first.posting_id not in [m.posting_id for m in selectors.recommend_for_seeker(seeker, k=3)]
    # Changed after the run and no incremental update: computed on demand, not read from the old list.
    Seeker.objects.filter(pk=seeker.pk).update(updated_at=timezone.now())
    seeker.refresh_from_db()
    assert not selectors._usable(store.read_list("s", seeker.pk), seeker, None)


def test_a_failed_run_leaves_the_previous_version_serving(world, monkeypatch):
    good = run(k=5)
    before = stored("s", good)
    seeker = next(s for s in world["seekers"] if before.get(s.pk))
    served = [m.posting_id for m in selectors.recommend_for_seeker(seeker, k=5)]
    real_write = store.write_lists

    def crash_half_way(run_, kind, lists, progress=None):
        if kind == "p":
            raise OSError("disk full")
        return real_write(run_, kind, lists, progress)

    monkeypatch.setattr(store, "write_lists", crash_half_way)
    failing = match_run_create(k=5)
    with pytest.raises(MatchRunFailed, match="disk full"):
        match_run_execute(run=failing)
    failing.refresh_from_db()
    good.refresh_from_db()
    assert failing.status == "failed" and "disk full" in failing.error and not failing.is_current
    assert good.is_current and store.current_run() == good
    assert not MatchList.objects.filter(run=failing).exists()  # its half-written rows are gone
    assert [m.posting_id for m in selectors.recommend_for_seeker(seeker, k=5)] == served


def test_old_versions_are_pruned_to_the_last_two(world):
    runs = [run(k=2) for _ in range(3)]
    for r in runs:
        r.refresh_from_db()
    assert [r.status for r in runs] == ["superseded", "superseded", "done"] and runs[2].is_current
    assert not MatchList.objects.filter(run=runs[0]).exists()
    assert MatchList.objects.filter(run=runs[1]).exists() and MatchList.objects.filter(run=runs[2]).exists()
    assert MatchRun.objects.filter(is_current=True).count() == 1


def test_an_empty_database_runs_to_zero_rows():
    r = run()
    assert (
        r.status == "done"
        and r.is_current
        and (r.seekers, r.postings, r.seeker_rows, r.posting_rows) == (0, 0, 0, 0)
    )
    SeekerFactory()
    assert run().seekers == 1


def test_bad_records_are_matched_or_excluded_never_crash():
    wuxi = EnterpriseFactory(region_id="320205")
    blank = SeekerFactory(skills_text="", expected_wage=None, education="")  # no skills, no occupation
    rich = SeekerFactory(expected_wage=10**9, skills_text="电焊")  # absurd expectation: ignored
    rich.desired_regions.set(["320200"])
    blank.desired_regions.set(["320200"])
    ok = PostingFactory(enterprise=wuxi)
    no_vacancy = PostingFactory(enterprise=wuxi, headcount=0)
    filled = PostingFactory(enterprise=wuxi, headcount=2, filled=2)
    absurd = PostingFactory(enterprise=wuxi, wage_min=10**9, wage_max=10**9)
    r = run()
    lists = stored("s", r)
    offered = {it[0] for items in lists.values() for it in items}
    assert ok.pk in offered
    assert not offered & {no_vacancy.pk, filled.pk, absurd.pk}
    assert {blank.pk, rich.pk} <= set(lists)
    assert set(stored("p", r)) == {ok.pk}


def test_parameters_are_checked_and_runs_do_not_overlap(world):
    with pytest.raises(MatchRunRefused) as e:
        match_run_create(k=0)
    assert e.value.field == "k"
    with pytest.raises(MatchRunRefused) as e:
        match_run_create(scheduler="localhost:8786")
    assert e.value.field == "scheduler"
    queued = match_run_create()
    with pytest.raises(MatchRunRefused, match="排队或计算中"):
        match_run_create()
    match_run_execute(run=queued)
    assert match_run_create().version == queued.version + 1


def test_cli_run_and_runs(world):
    out = io.StringIO()
    call_command("match", "run", "--k", "3", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["status"] == "done" and body["current"] and body["seeker_lists"] > 0
    out = io.StringIO()
    call_command("match", "run", "--no-progress", stdout=out)
    assert "v2 is current" in out.getvalue()
    out = io.StringIO()
    call_command("match", "runs", "--json", stdout=out)
    assert [json.loads(line)["version"] for line in out.getvalue().splitlines()] == [2, 1]
    with pytest.raises(CommandError, match="1到100"):
        call_command("match", "run", "--k", "0", stdout=io.StringIO())


def test_api_runs(world):
    admin = UserFactory(admin=True)
    created = api(admin).post("/api/matching/runs", {"k": 4})
    assert created.status_code == 202, created.content
    body = created.json()
    detail = api(admin).get(f"/api/matching/runs/{body['id']}").json()  # the test backend ran it at once
    assert detail["status"] == "done" and detail["current"] and detail["percent"] == 100
    assert detail["parameters"]["k"] == 4 and detail["seeker_lists"] > 0
    assert [r["version"] for r in api(admin).get("/api/matching/runs").json()] == [1]
    bad = api(admin).post("/api/matching/runs", {"k": 500})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "k"
    MatchRun.objects.create(version=9, status="running")
    assert api(admin).post("/api/matching/runs", {}).status_code == 409
    commissioner = UserFactory(commissioner=True)
    assert api(commissioner).post("/api/matching/runs", {}).status_code == 403
    assert api(commissioner).get("/api/matching/runs").status_code == 200
    assert api(UserFactory(seeker=True)).get("/api/matching/runs").status_code == 403
    assert api(admin).get("/api/matching/runs/999999").status_code == 404


def test_runs_page_run_now_and_progress(client, world):
    admin = UserFactory(admin=True)
    client.force_login(admin)
    page = client.get("/matching/")
    assert page.status_code == 200 and "还没有匹配批次" in page.content.decode()
    response = client.post("/matching/runs/start/", follow=True)
    html = response.content.decode()
    assert "v1" in html and "（当前）" in html
    MatchRun.objects.create(version=2, status="running", stage="scoring", done=420, total=1000)
    fragment = client.get("/matching/runs/progress/").content.decode()
    assert 'hx-get="/matching/runs/progress/"' in fragment and "42%" in fragment
    refused = client.post("/matching/runs/start/", follow=True).content.decode()
    assert "排队或计算中" in refused
    client.post("/lang/", {"language": "en", "next": "/matching/"})
    english = client.get("/matching/").content.decode()
    assert "Match runs" in english and "Run now" in english and "(current)" in english
    clerk = UserFactory(commissioner=True)
    client.force_login(clerk)
    assert client.get("/matching/").status_code == 200
    assert client.post("/matching/runs/start/").status_code == 403


def test_a_run_leaves_planner_statistics_for_its_rows(world):
    """Without them (autovacuum off or lagging after a bulk load) PostgreSQL's default estimates
    pushed the recommendation API's statement over the JIT threshold: ~18 ms a request."""
    r = run(k=5)
    rows = MatchList.objects.filter(run=r).count()
    assert rows > 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [MatchList._meta.db_table])
            assert cur.fetchone()[0] == rows  # -1 (never analyzed) before; the whole table is sampled
        else:
            cur.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NOT NULL", [MatchList._meta.db_table]
            )
            assert any(int(stat.split()[0]) == rows for (stat,) in cur.fetchall())

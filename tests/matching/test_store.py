"""Incremental updates of the stored version: a saved posting gets its candidates and is offered
to them, a saved seeker profile gets its recommendations, without a batch rerun."""

import datetime as dt

import numpy as np
import pytest

from jobbridge.employers.services import posting_close, posting_create
from jobbridge.matching import batch, selectors, store
from jobbridge.matching.batch import match_run_create, match_run_execute
from jobbridge.matching.models import MatchRun
from jobbridge.people.models import Seeker
from jobbridge.people.services import seeker_update
from tests.factories import EnterpriseFactory, SeekerFactory, UserFactory
from tests.matching.test_batch_world import build_world

pytestmark = pytest.mark.django_db
WELDER = "6-18-02-04"


@pytest.fixture
def world():
    w = build_world(seed=9, seekers=20, postings=12)
    match_run_execute(run=match_run_create(k=5))
    batch._INDEX.clear()
    return w


def new_posting(admin, enterprise, **kw):
    data = {
        "title": "电焊工",
        "occupation": WELDER,
        "headcount": 3,
        "wage_min": 6000,
        "wage_max": 9000,
        "work_region": enterprise.region_id,
        "required_skills": "电焊 氩弧焊",
        "board": True,
        "lodging": True,
        "valid_until": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
    } | kw
    return posting_create(actor=admin, enterprise=enterprise, data=data)


def test_a_new_posting_gets_its_candidates_and_is_offered_to_them(world, django_capture_on_commit_callbacks):
    admin = UserFactory(admin=True)
    wuxi = EnterpriseFactory(region_id="320205")
    welder = SeekerFactory(skills_text="电焊 氩弧焊", expected_wage=5000)
    welder.desired_occupations.set([WELDER])
    welder.desired_regions.set(["320200"])
    batch._INDEX.clear()  # the index holds the seekers at build time; the welder is new
    with django_capture_on_commit_callbacks(execute=True):
        post = new_posting(admin, wuxi)
    listed = store.read_list("p", post.pk)
    assert welder.pk in [it[0] for it in listed.items]
    # The same ranking the on-demand path computes, now served from the stored version.
    served = selectors.candidates_for_posting(post, Seeker.objects.all(), k=5)
    fresh = selectors._candidates_on_demand(post, Seeker.objects.all(), k=5, today=None)
    assert welder.pk in [m.seeker_id for m in served]
    assert np.allclose([m.score for m in served], [m.score for m in fresh], atol=1e-5)
    assert served[0].reasons == fresh[0].reasons
    # ... and the welder's own list now offers it ("released in the morning, calls in the afternoon").
    assert post.pk in [it[0] for it in store.read_list("s", welder.pk).items]
    assert post.pk in [m.posting_id for m in selectors.recommend_for_seeker(welder, k=5)]
    with django_capture_on_commit_callbacks(execute=True):
        posting_close(actor=admin, posting=post)
    assert store.read_list("p", post.pk).items == []
    assert post.pk not in [m.posting_id for m in selectors.recommend_for_seeker(welder, k=5)]


def test_a_changed_seeker_gets_fresh_recommendations(world, django_capture_on_commit_callbacks):
    seeker = world["seekers"][1]
    admin = UserFactory(admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        seeker_update(
            actor=admin,
            seeker=seeker,
            data={"desired_occupations": [WELDER], "desired_regions": ["320200"], "skills": "电焊 氩弧焊"},
        )
    seeker.refresh_from_db()
    listed = store.read_list("s", seeker.pk)
    assert listed.as_of >= seeker.updated_at  # fresh: served from the store, not recomputed
    fresh = selectors._recommend_on_demand(seeker, k=5, today=None)
    served = selectors.recommend_for_seeker(seeker, k=5)
    assert np.allclose([m.score for m in served], [m.score for m in fresh], atol=1e-5)
    assert {m.posting_id for m in served} == {m.posting_id for m in fresh}


def test_without_a_current_version_saves_queue_nothing(django_capture_on_commit_callbacks):
    admin = UserFactory(admin=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new_posting(admin, EnterpriseFactory(region_id="320205"))
    assert len(callbacks) == 1 and not MatchRun.objects.exists()
    assert batch.refresh_posting(12345) == 0 and batch.refresh_seeker(12345) == 0


def test_a_new_posting_is_seen_by_a_changed_seeker_even_with_an_older_index(
    world, django_capture_on_commit_callbacks
):
    admin = UserFactory(admin=True)
    seeker = world["seekers"][2]
    batch.warm_index(store.current_run())  # built now: the posting below is newer than the index
    post = new_posting(admin, EnterpriseFactory(region_id="320205"))
    seeker_update(
        actor=admin, seeker=seeker, data={"desired_occupations": [WELDER], "desired_regions": ["320200"]}
    )
    assert batch.refresh_seeker(seeker.pk) > 0
    assert post.pk in [it[0] for it in store.read_list("s", seeker.pk).items]


def test_a_short_posting_list_of_a_province_run_is_not_taken_as_complete(world):
    """Province runs derive posting lists from the seekers' lists: a short one is scored afresh."""
    run = MatchRun.objects.get(is_current=True)
    from jobbridge.matching.models import MatchList

    posting = store_owner_with_candidates(run)
    MatchList.objects.filter(run=run, kind="p", owner_id=posting.pk).update(items="[]")
    scoped = Seeker.objects.all()
    exact = selectors._candidates_on_demand(posting, scoped, k=5, today=None)
    assert exact  # somebody fits, so an empty list is wrong for it
    assert (
        selectors.candidates_for_posting(posting, scoped, k=5) == []
    )  # an exact run's short list is complete
    run.parameters = {**run.parameters, "method": "province"}
    run.save(update_fields=["parameters"])
    assert not store.read_list("p", posting.pk).exhaustive and store.read_list("s", 1) is not None
    assert selectors.candidates_for_posting(posting, scoped, k=5) == exact


def store_owner_with_candidates(run):
    from jobbridge.employers.models import Posting
    from jobbridge.matching.models import MatchList

    owner = (
        MatchList.objects.filter(run=run, kind="p")
        .exclude(items="[]")
        .values_list("owner_id", flat=True)
        .first()
    )
    return Posting.objects.get(pk=owner)


def test_reading_a_list_finds_it_through_the_unique_index_of_the_current_version(world):
    """``read_list`` must not scan every stored list: on SQLite without planner statistics (lists
    written since the last ANALYZE) a filter on the joined run's ``is_current`` did, so the cost
    grew with the stored versions. It still reads the current version only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    old = MatchRun.objects.get(is_current=True)
    seeker_id = next(o for o, i in old.lists.filter(kind="s").values_list("owner_id", "items") if i != "[]")
    new = match_run_execute(run=match_run_create(k=5))
    assert new.is_current and old.lists.exists()  # two stored versions, the newer one served
    from jobbridge.matching.models import MatchList

    MatchList.objects.filter(run=new, kind="s", owner_id=seeker_id).update(items="[[1, 0.5, []]]")
    with CaptureQueriesContext(connection) as queries:
        assert store.read_list("s", seeker_id).items == [[1, 0.5, []]]
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # forget the statistics the runs' ANALYZE gathered
            cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " | ".join(row[-1] for row in cursor.fetchall())
        assert "SCAN matching_matchlist" not in plan and "(run_id=? AND kind=? AND owner_id=?)" in plan, plan
    else:  # tiny tables may be read sequentially; the index must be usable for the current run
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = " | ".join(row[0] for row in cursor.fetchall())
        assert "one_match_list_per_owner" in plan and "owner_id" in plan, plan
    MatchRun.objects.filter(pk=new.pk).update(is_current=False)
    assert store.read_list("s", seeker_id) is None  # no current version: nothing is read

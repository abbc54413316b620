"""The candidate pool is narrowed in SQL to people whose destinations can include the work county
(``pages.selectors.reachable``) and who pass the engine's relevance gate (``relevant``). That
must never change a result: compare with the engine on the whole register over a random world of
stated destinations, "anywhere", none, homes, and occupations stated, skilled, past or none."""

import random

import pytest

from jobbridge.core.models import Region
from jobbridge.matching.pages.selectors import reachable, relevant
from jobbridge.matching.selectors import candidates_for_posting
from jobbridge.people.models import Seeker, WorkHistory
from tests.factories import EnterpriseFactory, PostingFactory, SeekerFactory

pytestmark = pytest.mark.django_db
WELDER = "6-18-02-04"
# Detailed and group codes over several major groups (6 production, 4 services, 2 professionals).
OCCUPATIONS = [
    WELDER,
    "6-18-00-00",
    "6-00-00-00",
    "6-25-04-08",
    "4-03-02-01",
    "4-00-00-00",
    "2-02-07-00",
    "4-10-01-01",
    "6-29-01-01",
    "3-02-03-01",
]


def test_narrowing_the_pool_changes_no_result():
    rng = random.Random(5)
    xishan_town = (
        Region.objects.filter(code__startswith="320205", level=4).values_list("code", flat=True).first()
    )
    ledu_town = "630202001"
    destinations = [
        [],
        ["320200"],
        ["320000"],
        ["320205"],
        [xishan_town],
        ["320500"],
        ["630200"],
        ["630000"],
        ["630202"],
        ["110000"],
        ["320500", "630203"],
    ]
    homes = [ledu_town, "630202", "630203", "630200", "320205", xishan_town, "320500"]
    for _ in range(60):
        home = rng.choice(homes)
        s = SeekerFactory(
            hukou_region_id=rng.choice(homes),
            residence_region_id=home if rng.random() < 0.8 else None,
            accepts_anywhere=rng.random() < 0.15,
            expected_wage=rng.choice([None, 4000, 6000]),
        )
        s.desired_occupations.set(rng.sample(OCCUPATIONS, rng.choice([0, 0, 1, 1, 2, 5])))
        s.skill_occupations.set(rng.sample(OCCUPATIONS, rng.choice([0, 0, 0, 1])))
        for code in rng.sample(OCCUPATIONS, rng.choice([0, 0, 0, 1])) + (
            [None] if rng.random() < 0.2 else []
        ):
            WorkHistory.objects.create(seeker=s, employer_name="某厂", title="工人", occupation_id=code)
        s.desired_regions.set(rng.choice(destinations))
    postings = [
        PostingFactory(
            enterprise=EnterpriseFactory(region_id=code),
            occupation_id=occupation,
            title=f"{occupation}@{code}",
        )
        for code in ("320205", "630202", "630200", ledu_town)
        for occupation in (WELDER, "4-03-02-01", None)
    ]
    everybody = Seeker.objects.all()
    for posting in postings:
        everyone = candidates_for_posting(posting, everybody, k=100)
        narrowed = candidates_for_posting(posting, relevant(reachable(everybody, posting), posting), k=100)
        assert [(m.seeker_id, m.score) for m in narrowed] == [(m.seeker_id, m.score) for m in everyone], (
            posting.title
        )
        assert everyone, posting.title
        assert reachable(everybody, posting).count() < everybody.count()  # it does narrow
        if posting.occupation_id:
            assert relevant(everybody, posting).count() < everybody.count()


def test_a_pool_is_read_by_its_ids_with_the_same_records_and_a_fixed_number_of_queries():
    """``pool_records`` runs the pool's (EXISTS-heavy) query once and binds its ids as one
    parameter (JSON on SQLite, an array on PostgreSQL): the same records as ``seeker_records``
    over the pool itself, in id order, and as many queries for 3 people as for 40."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jobbridge.matching.records import seeker_records
    from jobbridge.matching.selectors import pool_records
    from tests.factories import DiagnosisFactory

    posting = PostingFactory(enterprise=EnterpriseFactory(region_id="320205"), occupation_id=WELDER)

    def people(n):
        for i in range(n):
            s = SeekerFactory(residence_region_id="630202", accepts_anywhere=i % 3 == 0)
            s.desired_regions.set([["320200"], ["630200"], []][i % 3])
            s.desired_occupations.set([WELDER] if i % 2 else [])
            if i % 4 == 0:
                DiagnosisFactory(seeker=s, criterion="disability")

    def count(pool):
        with CaptureQueriesContext(connection) as ctx:
            pool_records(pool)
        return len(ctx.captured_queries)

    people(3)
    pool = relevant(reachable(Seeker.objects.all(), posting), posting)
    few = count(pool)
    people(37)
    pool = relevant(reachable(Seeker.objects.all(), posting), posting)
    got = pool_records(pool)
    assert got == sorted(seeker_records(pool), key=lambda r: r["id"])
    assert 10 < len(got) < Seeker.objects.count()  # the pool narrows, and holds people with relations
    assert any(r["priority_groups"] for r in got) and any(r["destinations"] for r in got)
    assert count(pool) == few
    assert pool_records(Seeker.objects.none()) == []

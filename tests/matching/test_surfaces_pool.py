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
OCCUPATIONS = [WELDER, "6-18-00-00", "6-00-00-00", "6-25-04-08", "4-03-02-01", "4-00-00-00", "2-02-07-00",
               "4-10-01-01", "6-29-01-01", "3-02-03-01"]


def test_narrowing_the_pool_changes_no_result():
    rng = random.Random(5)
    xishan_town = Region.objects.filter(code__startswith="320205", level=4).values_list("code", flat=True).first()
    ledu_town = "630202001"
    destinations = [[], ["320200"], ["320000"], ["320205"], [xishan_town], ["320500"], ["630200"], ["630000"],
                    ["630202"], ["110000"], ["320500", "630203"]]
    homes = [ledu_town, "630202", "630203", "630200", "320205", xishan_town, "320500"]
    for _ in range(60):
        home = rng.choice(homes)
        s = SeekerFactory(hukou_region_id=rng.choice(homes), residence_region_id=home if rng.random() < 0.8 else None,
                          accepts_anywhere=rng.random() < 0.15, expected_wage=rng.choice([None, 4000, 6000]))
        s.desired_occupations.set(rng.sample(OCCUPATIONS, rng.choice([0, 0, 1, 1, 2, 5])))
        s.skill_occupations.set(rng.sample(OCCUPATIONS, rng.choice([0, 0, 0, 1])))
        for code in rng.sample(OCCUPATIONS, rng.choice([0, 0, 0, 1])) + ([None] if rng.random() < 0.2 else []):
            WorkHistory.objects.create(seeker=s, employer_name="某厂", title="工人", occupation_id=code)
        s.desired_regions.set(rng.choice(destinations))
    postings = [PostingFactory(enterprise=EnterpriseFactory(region_id=code), occupation_id=occupation,
                               title=f"{occupation}@{code}")
                for code in ("320205", "630202", "630200", ledu_town)
                for occupation in (WELDER, "4-03-02-01", None)]
    everybody = Seeker.objects.all()
    for posting in postings:
        everyone = candidates_for_posting(posting, everybody, k=100)
        narrowed = candidates_for_posting(posting, relevant(reachable(everybody, posting), posting), k=100)
        assert [(m.seeker_id, m.score) for m in narrowed] == [(m.seeker_id, m.score) for m in everyone], posting.title
        assert everyone, posting.title
        assert reachable(everybody, posting).count() < everybody.count()  # it does narrow
        if posting.occupation_id:
            assert relevant(everybody, posting).count() < everybody.count()

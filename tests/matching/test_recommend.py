"""Recommendations from the database through the engine, with reasons a commissioner can read out."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobbridge.matching.records import seeker_records
from jobbridge.matching.selectors import candidates_for_posting, recommend_for_seeker
from jobbridge.people.models import Seeker
from tests.factories import EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db
WELDER = "6-18-02-04"


@pytest.fixture
def world():
    welder = SeekerFactory(
        hukou_region_id="630202001",
        residence_region_id="630202001",
        expected_wage=5000,
        skills_text="电焊 氩弧焊",
    )
    welder.desired_occupations.set([WELDER])
    welder.desired_regions.set(["320200"])  # Wuxi
    wuxi = EnterpriseFactory(region_id="320205")
    dongguan = EnterpriseFactory(region_id="441900003")
    return {
        "welder": welder,
        "wuxi_welding": PostingFactory(
            enterprise=wuxi, title="电焊工", occupation_id=WELDER, wage_min=6000, wage_max=6500, lodging=True
        ),
        "wuxi_assembly": PostingFactory(enterprise=wuxi, title="普工", occupation_id="6-25-04-08"),
        # Dongguan is not among the welder's destinations: excluded, however good the job.
        "dongguan_welding": PostingFactory(
            enterprise=dongguan, title="电焊工", occupation_id=WELDER, wage_max=9000
        ),
        "closed": PostingFactory(enterprise=wuxi, title="焊工", occupation_id=WELDER, status="closed"),
    }


def test_a_welder_gets_the_welding_job_in_wuxi_first_with_reasons(world):
    matches = recommend_for_seeker(world["welder"])
    ids = [m.posting_id for m in matches]
    assert ids[0] == world["wuxi_welding"].pk
    assert world["dongguan_welding"].pk not in ids and world["closed"].pk not in ids
    reasons = " ".join(matches[0].reasons)
    assert "焊工" in reasons and "无锡" in reasons and "6,500" in reasons


def test_candidates_for_a_posting_stay_inside_the_viewers_scope(world):
    other = SeekerFactory(hukou_region_id="630102001", residence_region_id="630102001")  # Xining
    other.desired_occupations.set([WELDER])
    other.desired_regions.set(["320200"])
    ledu_clerk = UserFactory(region_id="630202")
    found = candidates_for_posting(world["wuxi_welding"], Seeker.objects.visible_to(ledu_clerk))
    assert [m.seeker_id for m in found] == [world["welder"].pk]


def test_loading_records_costs_a_fixed_number_of_queries(world):
    for _ in range(5):
        SeekerFactory().desired_occupations.set([WELDER])
    with CaptureQueriesContext(connection) as few:
        seeker_records(Seeker.objects.all()[:2])
    with CaptureQueriesContext(connection) as many:
        records = seeker_records(Seeker.objects.all())
    assert len(records) == 6 and len(many) == len(few)


def test_a_seekers_occupations_are_read_in_the_order_they_were_entered(world):
    """The engine keeps the first four distinct codes: the stated wishes, in the order given,
    must come out the same every night (an unordered read may return any four)."""
    codes = ["2-02-07-04", "4-01-02-01", "6-18-02-04", "6-28-01-01", "5-01-01-01", "3-01-01-01"]
    seeker = SeekerFactory()
    through = Seeker.desired_occupations.through
    through.objects.bulk_create([through(seeker=seeker, occupation_id=c) for c in codes])
    with CaptureQueriesContext(connection) as queries:
        [record] = seeker_records(Seeker.objects.filter(pk=seeker.pk))
    assert record["occupations"] == codes
    links = [q["sql"] for q in queries if through._meta.db_table in q["sql"].split(" WHERE ")[0]]
    assert links and all("ORDER BY" in sql for sql in links)


def test_cli(world):
    out = io.StringIO()
    call_command(
        "match", "recommend", "--seeker", str(world["welder"].pk), "--json", "--top", "1", stdout=out
    )
    line = json.loads(out.getvalue())
    assert line["posting"] == world["wuxi_welding"].pk and line["label"] == "电焊工" and line["reasons"]
    with pytest.raises(CommandError, match="no job seeker"):
        call_command("match", "recommend", "--seeker", "999999", stdout=io.StringIO())
    clerk = UserFactory(region_id="630202")
    with pytest.raises(CommandError, match="not visible|no posting"):
        call_command(
            "match",
            "candidates",
            "--posting",
            str(world["wuxi_welding"].pk),
            "--user",
            clerk.username,
            stdout=io.StringIO(),
        )


def test_no_open_postings_is_an_empty_list(world):
    from jobbridge.employers.models import Posting

    Posting.objects.update(status="closed")
    assert recommend_for_seeker(world["welder"], today=dt.date.today()) == []

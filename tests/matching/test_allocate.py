"""`jobbridge match allocate`: capacity-respecting allocation over the current version's arcs,
with placement rates by priority group; the same through the API and on the runs page."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jobbridge.employers.models import Posting
from jobbridge.matching.batch import match_allocate, match_run_create, match_run_execute
from jobbridge.matching.models import MatchAllocation
from tests.api.conftest import ApiClient as api
from tests.factories import DiagnosisFactory, EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory
from tests.matching.test_batch_world import build_world

pytestmark = pytest.mark.django_db
WELDER = "6-18-02-04"


def welders(n, **kw):
    out = []
    for _ in range(n):
        s = SeekerFactory(**{"skills_text": "电焊", "expected_wage": 5000} | kw)
        s.desired_occupations.set([WELDER])
        s.desired_regions.set(["320200"])
        out.append(s)
    return out


def test_one_seat_goes_to_the_person_with_difficulties_and_capacity_holds():
    ordinary = welders(2)
    ordinary[0].skills_text = "电焊 氩弧焊 二保焊"  # the better fit on quality alone
    ordinary[0].save()
    priority = welders(1, skills_text="")
    DiagnosisFactory(seeker=priority[0], criterion="poverty")
    seat = PostingFactory(
        enterprise=EnterpriseFactory(region_id="320205"),
        occupation_id=WELDER,
        title="电焊工",
        required_skills="电焊 氩弧焊 二保焊",
        headcount=1,
    )
    match_run_execute(run=match_run_create(k=5))
    result = match_allocate()
    assert result.placed == 1 and result.sample == [
        {"seeker": priority[0].pk, "posting": seat.pk, "score": result.sample[0]["score"]}
    ]
    groups = {g["group"]: g for g in result.report}
    assert groups["就业困难人员"]["rate"] == 1.0 and groups["其他"]["placed"] == 0
    assert groups["全部"]["with_candidates"] == 3


def test_allocation_respects_vacancies_now_and_reports_by_group():
    build_world(seed=2, seekers=30, postings=10)
    match_run_execute(run=match_run_create(k=10))
    # Filled since the batch: no seat left there.
    full = Posting.objects.order_by("pk").first()
    Posting.objects.filter(pk=full.pk).update(filled=full.headcount, status="filled")
    for stable in (False, True):
        result = match_allocate(stable=stable, sample=1000)
        per_posting = {}
        for pair in result.sample:
            per_posting[pair["posting"]] = per_posting.get(pair["posting"], 0) + 1
        heads = dict(Posting.objects.values_list("pk", "headcount"))
        assert all(n <= heads[p] for p, n in per_posting.items()) and full.pk not in per_posting
        assert len({p["seeker"] for p in result.sample}) == result.placed == len(result.sample)
        assert {g["group"] for g in result.report} >= {"全部", "就业困难人员", "其他", "残疾人"}
    assert MatchAllocation.objects.count() == 2


def test_cli_api_and_page():
    with pytest.raises(CommandError, match="match run"):
        call_command("match", "allocate", stdout=io.StringIO())
    admin = UserFactory(admin=True)
    assert api(admin).post("/api/matching/allocations", {}).status_code == 409
    build_world(seed=6, seekers=16, postings=8)
    match_run_execute(run=match_run_create(k=5))
    out = io.StringIO()
    call_command("match", "allocate", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["method"] == "optimal" and body["groups"][0]["group"] == "全部"
    out = io.StringIO()
    call_command("match", "allocate", "--stable", stdout=out)
    assert "stable allocation" in out.getvalue() and "就业困难人员" in out.getvalue()
    created = api(admin).post("/api/matching/allocations", {"stable": False})
    assert created.status_code == 201 and created.json()["groups"][1]["group"] == "就业困难人员"
    assert len(api(admin).get("/api/matching/allocations").json()) == 3
    assert api(UserFactory(commissioner=True)).post("/api/matching/allocations", {}).status_code == 403
    client = Client()
    client.force_login(admin)
    html = client.post("/matching/allocate/", {"method": "optimal"}, follow=True).content.decode()
    assert 'id="placement-chart"' in html and "echarts.min.js" in html and "就业困难人员" in html

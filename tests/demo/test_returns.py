"""The demo's Spring Festival: records for the demo seekers at about the sources' rates,
re-runnable, removable before the demo seekers are."""

import datetime as dt

import pytest

from jobbridge.demo import returns as demo
from jobbridge.people.models import Seeker
from jobbridge.returns.models import Homecoming
from jobbridge.returns.selectors import return_report
from tests.factories import SeekerFactory

pytestmark = pytest.mark.django_db


def test_populate_rerun_and_reset():
    Seeker.objects.bulk_create(
        [SeekerFactory.build(source=Seeker.Source.DEMO, hukou_region_id="630202001") for _ in range(400)]
    )
    SeekerFactory()  # not a demo seeker: never touched
    made = demo.populate(season="2026", share=1.0, today=dt.date(2026, 11, 1))
    assert made == 400 and Homecoming.objects.count() == 400
    assert demo.populate(season="2026", share=1.0, today=dt.date(2026, 11, 1)) == 0
    report = return_report(season=Homecoming.objects.first().season, region="630202")
    classes = {c["code"]: c for c in report["by_class"]}
    assert {"out_of_province", "within_province", "nearby"} <= {
        k for k, c in classes.items() if c["went_home"]
    }
    assert 60 < classes["out_of_province"]["rate"] < 85
    assert report["daily"] and report["totals"]["staying"] > 0
    # Early in the return window most are still at home.
    Homecoming.objects.all().delete()
    demo.populate(season="2026", share=1.0, today=dt.date(2026, 2, 20))
    assert Homecoming.objects.filter(status="home").count() > 300
    assert demo.reset() == 400 and not Homecoming.objects.exists()

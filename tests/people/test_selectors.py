import datetime as dt

import pytest

from jobbridge.people.models import Household, Seeker
from jobbridge.people.selectors import zero_employment_households
from tests.factories import SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_zero_employment_households():
    on = dt.date(2023, 2, 1)
    zero = Household.objects.create(code="H-ZERO", region_id="630202001")
    mixed = Household.objects.create(code="H-MIXED", region_id="630202001")
    retired = Household.objects.create(code="H-RETIRED", region_id="630202001")
    SeekerFactory(household=zero, employment_status="unemployed", birth_date=dt.date(1980, 1, 1))
    SeekerFactory(household=zero, employment_status="student", birth_date=dt.date(2005, 1, 1))
    SeekerFactory(
        household=zero, employment_status="employed", birth_date=dt.date(1950, 1, 1)
    )  # 73: retired age
    SeekerFactory(household=mixed, employment_status="unemployed", birth_date=dt.date(1980, 1, 1))
    SeekerFactory(household=mixed, employment_status="flexible", birth_date=dt.date(1982, 1, 1))
    SeekerFactory(household=retired, employment_status="unemployed", birth_date=dt.date(1940, 1, 1))
    assert [h.code for h in zero_employment_households(on=on)] == ["H-ZERO"]
    # Scoped: a clerk of another county does not see the Ledu household.
    xining_clerk = UserFactory(region_id="630100")
    assert not zero_employment_households(Seeker.objects.visible_to(xining_clerk), on=on).exists()
    ledu_clerk = UserFactory(region_id="630202")
    assert [h.code for h in zero_employment_households(Seeker.objects.visible_to(ledu_clerk), on=on)] == [
        "H-ZERO"
    ]

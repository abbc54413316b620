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


def test_priority_in_region_from_diagnosis_copies_equals_the_join():
    from jobbridge.people.services import diagnosis_add, seeker_merge, seeker_update
    from tests.factories import DiagnosisFactory

    clerk = UserFactory(region_id="630200")
    people = [
        SeekerFactory(hukou_region_id="630202001", residence_region_id="630202001"),
        SeekerFactory(hukou_region_id="630202001", residence_region_id="320205001"),  # in Wuxi now
        SeekerFactory(hukou_region_id="630203001", residence_region_id="630202002"),  # lives in Ledu
        SeekerFactory(hukou_region_id="630203001", residence_region_id="630203001"),
    ]
    for p in people:
        diagnosis_add(
            actor=clerk, seeker=p, criterion="disability", evidence="D", valid_from=dt.date(2020, 1, 1)
        )
    DiagnosisFactory(seeker=people[3], criterion="poverty")  # created without the service
    from jobbridge.people.services import diagnosis_regions_sync

    diagnosis_regions_sync(seeker_ids=[people[3].pk])

    def both_ways(region, criterion="disability"):
        joined = set(Seeker.objects.in_region(region).with_priority(criterion).values_list("pk", flat=True))
        copied = set(Seeker.objects.with_priority(criterion, region=region).values_list("pk", flat=True))
        assert joined == copied
        return copied

    assert both_ways("630202") == {people[0].pk, people[1].pk, people[2].pk}
    assert both_ways("320200") == {people[1].pk}
    assert both_ways("630203", "poverty") == {people[3].pk}
    # Moving house moves the copies.
    seeker_update(
        actor=clerk, seeker=people[0], data={"residence_region": "630203001", "hukou_region": "630203001"}
    )
    assert both_ways("630202") == {people[1].pk, people[2].pk}
    # Merging moves the dropped record's diagnoses to the kept one, with its regions.
    seeker_merge(actor=clerk, keep=people[3], drop=people[2])
    assert both_ways("630202") == {people[1].pk}
    assert both_ways("630203") == {people[0].pk, people[3].pk}


def test_fast_count_equals_the_real_count():
    from jobbridge.people.selectors import seeker_filter, seeker_filter_count
    from jobbridge.people.services import diagnosis_add, seeker_merge

    clerk = UserFactory(region_id="630200")
    people = [
        SeekerFactory(hukou_region_id="630202001", residence_region_id="630202001"),
        SeekerFactory(hukou_region_id="630202001", residence_region_id="320205001"),
        SeekerFactory(hukou_region_id="630203001", residence_region_id="630202002"),
        SeekerFactory(hukou_region_id="630102001", residence_region_id="630102001"),  # Xining
    ]
    for p in people:
        diagnosis_add(
            actor=clerk, seeker=p, criterion="disability", evidence="D", valid_from=dt.date(2020, 1, 1)
        )
    diagnosis_add(
        actor=clerk, seeker=people[0], criterion="disability", evidence="D2", valid_from=dt.date(2021, 1, 1)
    )  # two current diagnoses, one person
    seeker_merge(actor=clerk, keep=people[0], drop=people[2])
    users = [clerk, UserFactory(region_id="630202"), UserFactory(region_id="630100"), UserFactory(admin=True)]
    for user in users:
        for region in ["630202", "630200", "630000", "320205", "630102"]:
            qs = seeker_filter(Seeker.objects.visible_to(user), region=region, priority="disability")
            assert seeker_filter_count(user, qs, region=region, priority="disability") == qs.count(), (
                user.region_id,
                region,
            )

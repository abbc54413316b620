import datetime as dt

import pytest

from jobbridge.core.errors import ServiceError
from jobbridge.transfers import services
from jobbridge.transfers.models import MoveClass, Source, Transfer, TransferPerson, TransferRollup
from tests.factories import LEDU, DiagnosisFactory, PostingFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2023, 1, 10)


def test_hire_creates_one_classified_transfer_and_counts_it():
    seeker = SeekerFactory()
    posting = PostingFactory()
    t = services.transfer_from_hire(
        seeker=seeker, posting=posting, hired_on=DAY, actor=None, channel="bureau", application_id=41
    )
    assert t.move_class == MoveClass.OUT_OF_PROVINCE
    assert (t.origin_region_id, t.destination_region_id) == (seeker.hukou_region_id, posting.work_region_id)
    assert t.enterprise_id == posting.enterprise_id and t.industry_id == "39" and t.source == Source.HIRE
    again = services.transfer_from_hire(
        seeker=seeker, posting=posting, hired_on=DAY, actor=None, channel="bureau", application_id=41
    )
    assert again.pk == t.pk and Transfer.objects.count() == 1
    rows = {r.dimension: r for r in TransferRollup.objects.all()}
    row = rows["dest_province"]
    assert (row.origin_county, row.origin_township, row.month, row.person_times) == (
        LEDU,
        "630202001",
        202301,
        1,
    )
    assert {d: r.value for d, r in rows.items()} == {
        "dest_province": "320000",
        "dest_city": "320200",
        "industry": "C",
        "priority": "0",
        "channel": "bureau",
    }
    assert TransferPerson.objects.filter(period=2023).count() == 1


def test_hire_of_a_manually_entered_transfer_links_instead_of_counting_twice():
    seeker, posting = SeekerFactory(), PostingFactory()
    manual, created = services.transfer_record(
        actor=None,
        seeker=seeker,
        destination=posting.work_region_id,
        transferred_on=DAY,
        enterprise=posting.enterprise,
    )
    assert created
    hired = services.transfer_from_hire(
        seeker=seeker, posting=posting, hired_on=DAY, actor=None, application_id=7
    )
    assert hired.pk == manual.pk and hired.application_id == 7
    assert TransferRollup.objects.get(dimension="dest_province").person_times == 1


def test_priority_flag_and_nearby_class():
    seeker = SeekerFactory()
    DiagnosisFactory(seeker=seeker)
    t, _ = services.transfer_record(
        actor=None, seeker=seeker, destination=LEDU, transferred_on=DAY, employer_name="乐都扶贫车间"
    )
    assert t.priority_group and t.move_class == MoveClass.NEARBY


def test_future_date_and_scope_are_refused():
    seeker = SeekerFactory()
    with pytest.raises(ServiceError, match="transferred_on"):
        services.transfer_record(
            actor=None,
            seeker=seeker,
            destination=LEDU,
            transferred_on=dt.date.today() + dt.timedelta(days=1),
            employer_name="x",
        )
    xining = UserFactory(region_id="630100")
    with pytest.raises(ServiceError, match="origin_basis"):
        services.transfer_record(
            actor=xining, seeker=seeker, destination=LEDU, transferred_on=DAY, employer_name="x"
        )
    assert not Transfer.objects.exists() and not TransferRollup.objects.exists()


def test_delete_takes_the_person_time_out():
    t, _ = services.transfer_record(
        actor=None, seeker=SeekerFactory(), destination=LEDU, transferred_on=DAY, employer_name="x"
    )
    services.transfer_delete(actor=None, transfer=t)
    assert not TransferRollup.objects.exists() and not TransferPerson.objects.exists()


def person_rows() -> set:
    return set(
        TransferPerson.objects.values_list(
            "period", "origin_county", "origin_township", "move_class", "seeker_id", "person_times"
        )
    )


def test_merging_two_records_of_one_person_counts_one_person_and_agrees_with_rebuild():
    from jobbridge.people.services import seeker_merge
    from jobbridge.transfers import rollups

    keep = SeekerFactory()
    drop = SeekerFactory(hukou_region_id=keep.hukou_region_id, residence_region_id=keep.residence_region_id)
    for seeker, day in ((keep, DAY), (drop, DAY + dt.timedelta(days=3))):
        services.transfer_record(
            actor=None, seeker=seeker, destination=LEDU, transferred_on=day, employer_name="x"
        )
    assert TransferPerson.objects.filter(period=2023).count() == 2
    seeker_merge(actor=None, keep=keep, drop=drop)
    assert list(TransferPerson.objects.filter(period=2023).values_list("seeker_id", "person_times")) == [
        (keep.pk, 2)
    ]
    assert Transfer.objects.filter(seeker=keep).count() == 2
    incremental = person_rows()
    rollups.rebuild()
    assert person_rows() == incremental

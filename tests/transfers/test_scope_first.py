"""Scope first (issue 9): a ledger entry for a person outside the caller's scope neither returns
that person's existing row nor answers differently from an entry for an unregistered person."""

import datetime as dt

import pytest

from jobbridge.transfers.models import Transfer
from jobbridge.transfers.services import transfer_record
from tests.api.conftest import ApiClient, fields
from tests.factories import GridFactory, SeekerFactory, UserFactory, new_id_number

pytestmark = pytest.mark.django_db

TAIYUAN = "140105"  # Xiaodian district, Taiyuan, Shanxi: outside a Ledu clerk's scope
DAY = dt.date(2023, 1, 10)


def entry(id_number, **extra):
    return {
        "id_number": id_number,
        "destination": "320205",
        "transferred_on": DAY.isoformat(),
        "employer": "无锡某电子厂",
        **extra,
    }


def test_a_duplicate_of_an_out_of_scope_row_is_not_returned():
    number = new_id_number()
    outsider = SeekerFactory(id_number=number, hukou_region_id="140105001", residence_region_id="140105001")
    theirs, _ = transfer_record(
        actor=None, seeker=outsider, destination="320205", transferred_on=DAY, employer_name="无锡某电子厂"
    )
    client = ApiClient(UserFactory(county_clerk=True))
    answer = client.post("/api/transfers", entry(number, name="张三", hukou_region="630202001"))
    assert answer.status_code == 422, answer.content
    assert set(answer.json()) == {"error"}  # no ledger row of theirs in the answer
    assert Transfer.objects.count() == 1


def test_registered_elsewhere_and_unregistered_get_the_same_answer():
    registered = new_id_number()
    SeekerFactory(id_number=registered, hukou_region_id="140105001", residence_region_id="140105001")
    unknown = new_id_number()
    client = ApiClient(UserFactory(county_clerk=True))

    def answer(number, **extra):
        r = client.post("/api/transfers", entry(number, **extra))
        return r.status_code, fields(r)

    # Without name and hukou: "register them first" for both.
    assert answer(registered) == answer(unknown)
    # With a hukou outside the clerk's county: "outside your jurisdiction" for both.
    assert answer(registered, name="张三", hukou_region=TAIYUAN) == answer(
        unknown, name="张三", hukou_region=TAIYUAN
    )
    assert Transfer.objects.count() == 0


def test_a_commissioners_ledger_holds_the_people_of_their_grids_only():
    """The same people as their register (was: anyone whose origin lay in the grids' townships)."""
    from jobbridge.people.models import Seeker

    grid = GridFactory()
    other_grid = GridFactory(township_id=grid.township_id)
    mine = SeekerFactory(grid=grid)
    neighbour = SeekerFactory(grid=other_grid)  # same township, another commissioner's grid
    for person in (mine, neighbour):
        transfer_record(
            actor=None, seeker=person, destination="320205", transferred_on=DAY, employer_name="某厂"
        )
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(grid)
    ledger = set(Transfer.objects.visible_to(commissioner).values_list("seeker_id", flat=True))
    register = set(Seeker.objects.visible_to(commissioner).values_list("pk", flat=True))
    assert ledger == register == {mine.pk}

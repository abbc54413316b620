"""The bulk seeker import (people.importing) against the service it stands in for.

The import writes seekers with plain multi-row INSERTs (core.fastsql), not through
``seeker_register`` / ``seeker_update``: a second write path (docs/decisions/0005). These tests
hold the two equal: the same row through either path leaves the same person behind, column by
column and relation by relation; and a column added to Seeker must be added to the insert."""

import pytest
from django.db import transaction

from jobbridge.core import pii
from jobbridge.core.errors import ServiceError
from jobbridge.core.importing.engine import import_file
from jobbridge.core.models import Region
from jobbridge.people.importing import SEEKER_COLUMNS, SEEKER_INSERT, SeekerImporter
from jobbridge.people.models import Seeker
from jobbridge.people.services import seeker_register, seeker_update
from tests.factories import PING_AN, WUXI_XISHAN, GridFactory, UserFactory, new_id_number
from tests.imports.conftest import write_xlsx

pytestmark = pytest.mark.django_db

# Differ by nature: the key, the clock, the channel (a form says "staff", an import "import"),
# and the ciphertexts (Fernet is randomised; their clear text is compared instead).
NOT_COMPARED = {"id", "created_at", "updated_at", "source", "id_cipher", "phone_cipher", "household_id"}


def snapshot(pk: int) -> dict:
    s = Seeker.objects.select_related("household").get(pk=pk)
    row = {
        f.attname: getattr(s, f.attname)
        for f in Seeker._meta.concrete_fields
        if f.attname not in NOT_COMPARED
    }
    row["id_number"] = pii.decrypt(s.id_cipher)
    row["phone"] = pii.decrypt(s.phone_cipher) if s.phone_cipher else None
    row["household"] = (s.household.code, s.household.region_id) if s.household else None
    row["occupations"] = sorted(s.desired_occupations.values_list("code", flat=True))
    row["regions"] = sorted(s.desired_regions.values_list("code", flat=True))
    row["certificates"] = sorted(s.certificates.values_list("name", flat=True))
    row["diagnoses"] = sorted(
        s.diagnoses.values_list(
            "criterion",
            "evidence",
            "confirmed_by_id",
            "valid_from",
            "valid_until",
            "hukou_region_id",
            "residence_region_id",
        )
    )
    return row


def by_service(actor, data: dict, update: dict | None = None) -> dict:
    """What the service leaves behind, rolled back afterwards so the import starts from the same state."""
    with transaction.atomic():
        seeker = seeker_register(actor=actor, data=data, source=Seeker.Source.IMPORT)
        if update is not None:
            seeker = seeker_update(actor=actor, seeker=seeker, data=update)
        found = snapshot(seeker.pk)
        transaction.set_rollback(True)
    return found


def by_import(tmp_path, actor, *rows: dict) -> dict:
    for i, data in enumerate(rows):
        keys = list(data)
        headers = [next(c.header for c in SEEKER_COLUMNS if c.key == k) for k in keys]
        path = write_xlsx(tmp_path / f"r{i}.xlsx", headers, [[data[k] for k in keys]])
        outcome = import_file(SeekerImporter, path, actor=actor)
        assert outcome.rejected == 0, outcome.errors
    return snapshot(Seeker.objects.get(id_hash=pii.keyed_hash(rows[0]["id_number"])).pk)


@pytest.fixture
def full_row():
    grid = GridFactory()
    return {
        "name": "马国东",
        "id_number": new_id_number(),
        "phone": "13800138000",
        "hukou_region": "乐都区",
        "residence_region": "630202001",
        "education": "高中",
        "major": "机电一体化",
        "skills": "电焊、叉车",
        "desired_occupations": "6-25-04-08、4-02-01-01",
        "desired_regions": "无锡市、苏州市",
        "accepts_anywhere": "否",
        "expected_wage": "5000",
        "available_from": "2024-03-01",
        "employment_status": "未就业",
        "grid": grid.code,
        "household": "6302020010001",
        "certificates": "电工证、叉车证",
        "priority": "残疾人",
        "priority_evidence": "63212319900101001242",
    }


def test_a_new_person_is_the_same_through_the_import_and_through_seeker_register(tmp_path, full_row):
    clerk = UserFactory(county_clerk=True)
    service = by_service(clerk, full_row)
    assert by_import(tmp_path, clerk, full_row) == service


def test_an_update_is_the_same_through_the_import_and_through_seeker_update(tmp_path, full_row):
    clerk = UserFactory(county_clerk=True)
    change = {
        "id_number": full_row["id_number"],
        "name": full_row["name"],
        "hukou_region": full_row["hukou_region"],
        "phone": "13900139000",
        "education": "本科",
        "desired_regions": "东莞市",
        "certificates": "焊工证",
    }
    service = by_service(clerk, full_row, update={k: v for k, v in change.items() if k != "id_number"})
    assert by_import(tmp_path, clerk, full_row, change) == service


@pytest.mark.parametrize(
    "grid_county, lives_in, clerk_county, refused",
    [
        (WUXI_XISHAN, "乐都区", "630202", "现居住地"),  # a Ledu resident into a Wuxi grid
        (PING_AN, PING_AN, "630202", "管辖范围"),  # where they live, outside the Ledu clerk's county
        (PING_AN, PING_AN, "630200", None),  # both: the Haidong city bureau may
    ],
)
def test_a_grid_is_refused_or_taken_alike_by_the_import_and_the_service(
    tmp_path, full_row, grid_county, lives_in, clerk_county, refused
):
    township = Region.objects.filter(parent_id=grid_county, level=Region.Level.TOWNSHIP).first()
    grid = GridFactory(township_id=township.code)
    clerk = UserFactory(role="bureau", region_id=clerk_county)
    row = {**full_row, "grid": grid.code, "residence_region": lives_in}
    try:
        by_service(clerk, row)
        service = None
    except ServiceError as e:
        service = [(err.field, err.message) for err in e.errors]
    keys = list(row)
    headers = [next(c.header for c in SEEKER_COLUMNS if c.key == k) for k in keys]
    path = write_xlsx(tmp_path / "g.xlsx", headers, [[row[k] for k in keys]])
    outcome = import_file(SeekerImporter, path, actor=clerk)
    if refused is None:
        assert service is None and (outcome.created, outcome.rejected) == (1, 0), outcome.errors
    else:
        assert outcome.rejected == 1 and service[0][0] == "grid" and refused in service[0][1]
        assert outcome.errors[0].message.endswith(service[0][1])  # the same words as the service


def test_every_seeker_column_is_written_by_the_bulk_insert():
    """A column added to Seeker must be set by the import's insert too (or the two paths drift)."""
    columns = {f.attname for f in Seeker._meta.concrete_fields} - {"id"}
    assert set(SEEKER_INSERT) == columns and len(SEEKER_INSERT) == len(columns)

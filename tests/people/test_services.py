import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from jobbridge.core import pii
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import AuditEvent
from jobbridge.people.dedup import probable_duplicates
from jobbridge.people.models import Certificate, PriorityDiagnosis, Seeker
from jobbridge.people.services import (
    diagnosis_add,
    seeker_merge,
    seeker_register,
    seeker_reveal,
    seeker_update,
)
from tests.factories import DiagnosisFactory, SeekerFactory, UserFactory, new_id_number

pytestmark = pytest.mark.django_db


def _data(**kw):
    return {
        "name": "马国栋",
        "id_number": new_id_number(),
        "phone": "13997112345",
        "hukou_region": "青海省海东市乐都区",
        "desired_occupations": "焊工",
        "desired_regions": "无锡市、苏州市",
        "expected_wage": "6,500",
        "available_from": "2023年2月3日",
        "certificates": "焊工证",
        **kw,
    }


def test_register_stores_pii_encrypted_and_masked():
    clerk = UserFactory()
    data = _data()
    seeker = seeker_register(actor=clerk, data=data)
    seeker.refresh_from_db()
    assert seeker.hukou_region_id == "630202"
    assert data["id_number"].encode() not in bytes(seeker.id_cipher)
    assert pii.decrypt(seeker.id_cipher) == data["id_number"]
    assert seeker.id_masked == data["id_number"][:4] + "*" * 10 + data["id_number"][-4:]
    assert seeker.phone_masked == "139****2345"
    assert seeker.birth_date.year == 1990 and seeker.gender in ("M", "F")
    assert list(seeker.desired_occupations.values_list("code", flat=True)) == ["6-18-02-04"]
    assert set(seeker.desired_regions.values_list("code", flat=True)) == {"320200", "320500"}
    assert seeker.expected_wage == 6500 and seeker.available_from == dt.date(2023, 2, 3)
    assert Certificate.objects.filter(seeker=seeker, name="焊工证").exists()


def test_register_refuses_bad_fields_and_names_them():
    with pytest.raises(ServiceError) as e:
        seeker_register(
            actor=UserFactory(), data=_data(id_number="632123198001011230", hukou_region="月球", phone="123")
        )
    fields = {err.field: err.message for err in e.value.errors}
    assert fields["id_number"] == "校验位应为4"
    assert "月球" in fields["hukou_region"]
    assert "123" in fields["phone"]
    assert Seeker.objects.count() == 0


def test_register_refuses_the_same_person_twice():
    data = _data()
    seeker_register(actor=UserFactory(), data=data)
    with pytest.raises(ServiceError, match="已登记"):
        seeker_register(actor=UserFactory(), data={**data, "name": "马国东"})


def test_priority_needs_evidence():
    with pytest.raises(ServiceError) as e:
        seeker_register(actor=UserFactory(), data=_data(priority="残疾人"))
    assert e.value.errors[0].field == "priority_evidence"
    seeker = seeker_register(
        actor=UserFactory(), data=_data(priority="残疾人", priority_evidence="63212319800101123411")
    )
    assert PriorityDiagnosis.objects.get(seeker=seeker).criterion == "disability"


def test_update_changes_only_given_fields():
    seeker = seeker_register(actor=UserFactory(), data=_data())
    seeker_update(actor=UserFactory(), seeker=seeker, data={"expected_wage": "7000"})
    seeker.refresh_from_db()
    assert seeker.expected_wage == 7000
    assert seeker.available_from == dt.date(2023, 2, 3)
    assert seeker.desired_regions.count() == 2


def test_current_diagnoses_respect_validity():
    seeker = SeekerFactory()
    diagnosis_add(
        actor=UserFactory(),
        seeker=seeker,
        criterion="registered_unemployed",
        evidence="U-1",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2020, 12, 31),
    )
    assert not Seeker.objects.with_priority("registered_unemployed").exists()
    assert Seeker.objects.with_priority("registered_unemployed", on=dt.date(2020, 6, 1)).get() == seeker
    with pytest.raises(ServiceError, match="早于"):
        diagnosis_add(
            actor=UserFactory(),
            seeker=seeker,
            criterion="disability",
            evidence="D",
            valid_from=dt.date(2021, 1, 1),
            valid_until=dt.date(2020, 1, 1),
        )


def test_reveal_requires_permission_and_is_audited():
    seeker = SeekerFactory(phone="13800000001")
    with pytest.raises(PermissionDenied):
        seeker_reveal(actor=UserFactory(), seeker=seeker)
    assert not AuditEvent.objects.filter(action="view_pii").exists()
    clerk = UserFactory(pii_access=True)
    shown = seeker_reveal(actor=clerk, seeker=seeker)
    assert shown["phone"] == "13800000001" and len(shown["id_number"]) == 18
    event = AuditEvent.objects.get(action="view_pii")
    assert event.actor == clerk and event.object_id == str(seeker.pk)


def test_probable_duplicates_and_merge_keep_every_linked_record():
    a = SeekerFactory(name="张伟", birth_date=dt.date(1990, 3, 1), phone="13800000002")
    b = SeekerFactory(name="张玮", birth_date=dt.date(1990, 3, 1), phone="13800000003")
    c = SeekerFactory(name="李娜", phone="13800000004")
    d = SeekerFactory(name="李娜", phone="13800000004", birth_date=dt.date(1970, 1, 1))
    SeekerFactory(name="王芳", birth_date=dt.date(1990, 3, 1))
    pairs = {(p.a.pk, p.b.pk): p.reasons for p in probable_duplicates(Seeker.objects.all())}
    assert pairs == {(a.pk, b.pk): ["姓名同音且出生日期相同"], (c.pk, d.pk): ["同名且手机号相同"]}

    DiagnosisFactory(seeker=b, criterion="disability")
    DiagnosisFactory(seeker=a, criterion="poverty")
    Certificate.objects.create(seeker=b, name="电工证")
    Certificate.objects.create(seeker=a, name="电工证")
    Certificate.objects.create(seeker=b, name="焊工证")
    clerk = UserFactory()
    seeker_merge(actor=clerk, keep=a, drop=b)
    b.refresh_from_db()
    assert b.merged_into == a
    assert set(a.diagnoses.values_list("criterion", flat=True)) == {"disability", "poverty"}
    assert set(a.certificates.values_list("name", flat=True)) == {"电工证", "焊工证"}
    assert b not in Seeker.objects.active()
    assert AuditEvent.objects.filter(action="merge", object_id=str(a.pk)).exists()
    with pytest.raises(ServiceError):
        seeker_merge(actor=clerk, keep=a, drop=b)


def test_the_same_diagnosis_twice_is_a_clear_error():
    seeker = SeekerFactory()
    kw = {"criterion": "disability", "evidence": "D-1", "valid_from": dt.date(2022, 1, 1)}
    diagnosis_add(actor=UserFactory(), seeker=seeker, **kw)
    with pytest.raises(ServiceError, match="已有认定"):
        diagnosis_add(actor=UserFactory(), seeker=seeker, **kw)


def test_update_clears_a_field_given_empty():
    seeker = seeker_register(actor=UserFactory(), data=_data(major="机电一体化"))
    seeker_update(
        actor=UserFactory(), seeker=seeker, data={"major": "", "desired_regions": "", "expected_wage": None}
    )
    seeker.refresh_from_db()
    assert seeker.major == "" and seeker.expected_wage is None
    assert seeker.desired_regions.count() == 0
    assert seeker.available_from == dt.date(2023, 2, 3)  # not given: kept


def test_staff_cannot_register_someone_outside_their_scope():
    xining_clerk = UserFactory(region_id="630100")
    with pytest.raises(ServiceError) as e:
        seeker_register(actor=xining_clerk, data=_data())  # hukou in Ledu, Haidong
    assert e.value.errors[0].field == "hukou_region"
    assert not Seeker.objects.exists() and not AuditEvent.objects.filter(action="create").exists()
    seeker_register(actor=UserFactory(region_id="630200"), data=_data())
    assert Seeker.objects.count() == 1


def test_a_grid_lies_within_the_writers_scope_and_the_persons_residence():
    """Issue 9: a Ledu clerk could put a Ledu seeker into a Shanxi grid, showing them to that
    grid's commissioner; an unknown grid code was silently dropped."""
    from jobbridge.core.errors import ServiceError
    from jobbridge.people.services import seeker_update
    from tests.factories import GridFactory, SeekerFactory, UserFactory

    clerk = UserFactory(county_clerk=True)
    seeker = SeekerFactory()  # lives in Ledu town 630202001
    shanxi = GridFactory(township_id="140105001")
    other_ledu_town = GridFactory(township_id="630202002")
    home = GridFactory()

    def refusal(grid_code):
        with pytest.raises(ServiceError) as e:
            seeker_update(actor=clerk, seeker=seeker, data={"grid": grid_code})
        return {f.field: f.message for f in e.value.errors}

    assert "grid" in refusal(shanxi.code)
    assert "grid" in refusal(other_ledu_town.code)  # in scope, but not where they live
    assert "grid" in refusal("G-NOT-THERE")
    seeker.refresh_from_db()
    assert seeker.grid_id is None
    seeker_update(actor=clerk, seeker=seeker, data={"grid": home.code})
    seeker.refresh_from_db()
    assert seeker.grid_id == home.pk

    # A commissioner only into their own grids.
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(home)
    neighbour = GridFactory()
    with pytest.raises(ServiceError):
        seeker_update(actor=commissioner, seeker=seeker, data={"grid": neighbour.code})

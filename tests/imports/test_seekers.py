"""Seeker roster import: the rules of seeker_register, in bulk, idempotent, with clear row errors."""

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from jobbridge.core import pii
from jobbridge.core.models import AuditEvent
from jobbridge.imports.services import import_job_create, import_job_run, import_roster
from jobbridge.people.models import Certificate, PriorityDiagnosis, Seeker
from tests.factories import GridFactory, SeekerFactory, UserFactory, new_id_number

from .conftest import SEEKER_HEADER, bad_id, seeker_row

pytestmark = pytest.mark.django_db

FULL_HEADER = [*SEEKER_HEADER, "证书", "就业困难类别", "证明材料", "户编号", "意向职业"]


def run(path, **kw):
    return import_roster(kind="seekers", path=path, **kw)


def test_rows_land_with_the_same_fields_as_seeker_register(roster, clerk):
    id_number = new_id_number()
    row = seeker_row(id_number=id_number) + [
        "电工证、叉车证",
        "残疾人",
        "63212319900101123X",
        "HH-9",
        "6-25-04-08",
    ]
    outcome = run(roster([row], header=FULL_HEADER), actor=clerk)
    assert (outcome.created, outcome.rejected) == (1, 0)
    s = Seeker.objects.get()
    assert s.source == Seeker.Source.IMPORT and s.created_by == clerk
    assert pii.decrypt(s.id_cipher) == id_number and s.id_hash == pii.keyed_hash(id_number)
    assert s.id_masked == pii.mask_id_number(id_number) and pii.decrypt(s.phone_cipher) == "13800138000"
    assert (s.hukou_region_id, s.residence_region_id, s.education) == ("630202", "630202", "senior")
    assert s.available_from == dt.date(2024, 3, 1)
    assert list(s.desired_regions.values_list("code", flat=True)) == ["320200"]
    assert list(s.desired_occupations.values_list("code", flat=True)) == ["6-25-04-08"]
    assert sorted(Certificate.objects.filter(seeker=s).values_list("name", flat=True)) == ["叉车证", "电工证"]
    d = PriorityDiagnosis.objects.get(seeker=s)
    assert (d.criterion, d.evidence, d.confirmed_by) == ("disability", "63212319900101123X", clerk)
    assert s.household.code == "HH-9" and s.household.region_id == "630202"


def test_reimporting_the_same_file_changes_nothing(roster, clerk):
    rows = [seeker_row() + ["电工证", "残疾人", "证123", "HH-1", "6-25-04-08"] for _ in range(3)]
    path = roster(rows, header=FULL_HEADER)
    assert run(path, actor=clerk).created == 3
    before = list(Seeker.objects.order_by("id").values("id", "updated_at", "phone_cipher"))
    counts = (PriorityDiagnosis.objects.count(), Certificate.objects.count())
    again = run(path, actor=clerk)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert list(Seeker.objects.order_by("id").values("id", "updated_at", "phone_cipher")) == before
    assert (PriorityDiagnosis.objects.count(), Certificate.objects.count()) == counts


def test_an_updated_file_updates_the_same_people(roster, clerk):
    first, second = seeker_row(), seeker_row()
    run(roster([first, second]), actor=clerk)
    ids = dict(Seeker.objects.values_list("id_hash", "id"))
    first[2], first[4], first[5] = "13900139000", "本科", "苏州市、东莞市"
    outcome = run(roster([first, second]), actor=clerk)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert dict(Seeker.objects.values_list("id_hash", "id")) == ids
    s = Seeker.objects.get(id_hash=pii.keyed_hash(first[1]))
    assert (s.education, s.phone_masked) == ("bachelor", "139****9000")
    assert sorted(s.desired_regions.values_list("code", flat=True)) == ["320500", "441900"]


def test_empty_cells_in_an_update_keep_what_is_known(roster, clerk):
    row = seeker_row()
    run(roster([row]), actor=clerk)
    outcome = run(roster([[row[0], row[1], "", row[3]]], header=SEEKER_HEADER[:4]), actor=clerk)
    assert outcome.unchanged == 1
    s = Seeker.objects.get()
    assert s.education == "senior" and s.phone_masked == "138****8000" and s.desired_regions.count() == 1


def test_bad_rows_are_rejected_with_row_column_and_reason(roster):
    good = new_id_number()
    wrong, digit = bad_id(new_id_number())
    body = "63212319900230" + "123"  # 30 February
    impossible = body + ric.calc_check_digit(body + "0")
    rows = [
        seeker_row(id_number=good),
        seeker_row(id_number=wrong),
        seeker_row(id_number=impossible),
        seeker_row(hukou="不存在的县"),
        seeker_row(phone="1380013"),
        seeker_row(education="博士后"),
    ]
    outcome = run(roster(rows))
    assert (outcome.created, outcome.rejected) == (1, 5)
    messages = [e.message for e in outcome.errors]
    assert f"第3行 身份证号：校验位应为{digit}" in messages
    assert any(m.startswith("第4行 身份证号：") and "19900230" in m for m in messages)
    assert any(m.startswith("第5行 户籍地：") and "不存在的县" in m for m in messages)
    assert any(m.startswith("第6行 手机号：") for m in messages)
    assert any(m.startswith("第7行 学历：") for m in messages)
    assert [(e.row, e.column) for e in outcome.errors][:1] == [(3, "身份证号")]


def test_duplicate_within_a_file_first_row_wins(roster):
    id_number = new_id_number()
    outcome = run(
        roster(
            [
                seeker_row(name="甲", id_number=id_number),
                seeker_row(),
                seeker_row(name="乙", id_number=id_number),
            ]
        )
    )
    assert (outcome.created, outcome.rejected) == (2, 1)
    assert outcome.errors[0].message == "第4行 身份证号：与第2行是同一人（身份证号相同），以第2行为准"
    assert Seeker.objects.get(id_hash=pii.keyed_hash(id_number)).name == "甲"


def test_duplicate_across_files_updates_the_registered_person(roster, clerk):
    id_number = new_id_number()
    run(roster([seeker_row(name="甲", id_number=id_number)]), actor=clerk)
    outcome = run(roster([seeker_row(name="甲", id_number=id_number, education="本科")]), actor=clerk)
    assert (outcome.created, outcome.updated) == (0, 1)
    assert Seeker.objects.count() == 1


def test_a_person_registered_elsewhere_cannot_be_changed_by_an_outsider(roster):
    other_county = SeekerFactory(hukou_region_id="320205", residence_region_id="320205")
    clerk = UserFactory(county_clerk=True)
    from tests.factories import new_id_number as _unused  # noqa: F401

    id_number = pii.decrypt(other_county.id_cipher)
    outcome = run(roster([seeker_row(id_number=id_number, hukou="320205")]), actor=clerk)
    assert outcome.rejected == 1 and "无权修改" in outcome.errors[0].message


def test_dry_run_reports_but_writes_nothing(roster):
    outcome = run(roster([seeker_row(), seeker_row(phone="1")]), dry_run=True)
    assert (outcome.created, outcome.rejected) == (1, 1)
    assert Seeker.objects.count() == 0


def test_a_commissioner_sets_only_grids_they_own(roster):
    mine, theirs = GridFactory(), GridFactory()
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(mine)
    header = [*SEEKER_HEADER, "网格编号"]
    outcome = run(
        roster(
            [
                seeker_row() + [mine.code],
                seeker_row() + [theirs.code],
                seeker_row() + ["G-NOPE"],
                seeker_row(),
            ],
            header=header,
        ),
        actor=commissioner,
    )
    assert (outcome.created, outcome.rejected) == (2, 2)
    assert "不在您负责的网格内" in outcome.errors[0].message and "不存在" in outcome.errors[1].message
    assert sorted(Seeker.objects.values_list("grid_id", flat=True), key=str) == sorted(
        [mine.id, None], key=str
    )
    # Those without a grid are still the commissioner's own: re-importing them is "unchanged".
    assert run(roster([seeker_row()]), actor=commissioner).created == 1


def test_a_job_keeps_the_upload_its_outcome_the_error_workbook_and_an_audit_event(roster, clerk):
    wrong, digit = bad_id(new_id_number())
    path = roster([seeker_row(), seeker_row(name="错号", id_number=wrong)])
    with path.open("rb") as f:
        job = import_job_create(actor=clerk, kind="seekers", source=f, original_name="春风行动.xlsx")
    job = import_job_run(job=job)
    job.refresh_from_db()
    assert job.status == "done" and (job.total, job.done) == (2, 2)
    assert job.summary["created"] == 1 and job.summary["rejected"] == 1 and len(job.sha256) == 64
    book = CalamineWorkbook.from_path(job.error_file.path).get_sheet_by_index(0).to_python()
    assert book[0][:4] == ["行号", "错误列", "错误原因", "姓名"]
    assert book[1][0] == 3 and book[1][1] == "身份证号" and book[1][2] == f"第3行 身份证号：校验位应为{digit}"
    assert book[1][3:5] == ["错号", wrong]
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == clerk and event.detail["created"] == 1 and event.detail["rejected"] == 1


def test_the_error_workbook_can_be_fixed_and_uploaded_again(roster, clerk, tmp_path):
    wrong, digit = bad_id(new_id_number())
    path = roster([seeker_row(), seeker_row(name="错号", id_number=wrong)])
    with path.open("rb") as f:
        job = import_job_run(
            job=import_job_create(actor=clerk, kind="seekers", source=f, original_name="a.xlsx")
        )
    again = run(job.error_file.path, actor=clerk)
    assert (
        again.rejected == 1 and again.errors[0].row == 2
    )  # the same row, now on line 2 of the error workbook
    assert set(again.ignored_headers) == {"行号", "错误列", "错误原因"}


def test_imported_diagnoses_carry_the_regions_the_list_filters_on(roster):
    header = [*SEEKER_HEADER, "就业困难类别", "证明材料"]
    path = roster([[*seeker_row(), "残疾人", "63212319900101001211"]], header=header)
    assert import_roster(kind="seekers", path=path).created == 1
    diagnosis = PriorityDiagnosis.objects.get()
    assert diagnosis.hukou_region_id == diagnosis.seeker.hukou_region_id
    assert Seeker.objects.with_priority("disability", region="630202").count() == 1

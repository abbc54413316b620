import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from jobbridge.imports.services import import_roster
from jobbridge.people.models import Seeker
from jobbridge.transfers import rollups, selectors
from jobbridge.transfers.models import Transfer, TransferPerson, TransferRollup
from jobbridge.transfers.scenario import write_haidong_ledger
from tests.factories import SeekerFactory, UserFactory, new_id_number
from tests.imports.conftest import write_xlsx

pytestmark = pytest.mark.django_db
HEADER = ["姓名", "身份证号", "户籍地", "输入地", "用人单位", "转移日期", "转移渠道", "行业"]


def test_acceptance_scenario_at_one_hundredth(tmp_path, capsys):
    """Haidong, January 2023, 1,170 transfers in the published proportions: the report, the
    CLI and a second import agree exactly."""
    path = tmp_path / "haidong.xlsx"
    intended = write_haidong_ledger(path, 1170)
    assert (
        intended["out_of_province"] == 690
        and intended["within_province"] == 220
        and intended["nearby"] == 260
    )
    first = import_roster(kind="transfers", path=path)
    assert (first.created, first.rejected) == (1170, 0), first.errors[:3]
    report = selectors.monthly_report("630200", 202301)
    assert report.person_times == 1170
    assert report.by_class == {"out_of_province": 690, "within_province": 220, "nearby": 260}
    assert report.persons == intended["persons"] < 1170
    second = import_roster(kind="transfers", path=path)
    assert (second.created, second.unchanged) == (0, 1170)
    assert selectors.monthly_report("630200", 202301).as_dict() == report.as_dict()
    call_command("transfers", "report", "--region", "海东市", "--month", "2023-01", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["person_times"] == 1170 and out["by_class"]["out_of_province"] == 690
    assert out["sentence_zh"].startswith("1月全市共转移农村劳动力1170人次，其中省外690人次")


def test_bad_rows_are_each_reported_and_good_ones_kept(tmp_path):
    known = SeekerFactory()
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    rows = [
        [
            "",
            known.id_masked,
            "",
            "320205",
            "无锡某厂",
            "2023-01-05",
            "有组织输出",
            "C",
        ],  # masked id: invalid
        [
            "新人",
            new_id_number(),
            "乐都区",
            "999999",
            "无锡某厂",
            "2023-01-05",
            "",
            "",
        ],  # unknown destination
        ["新人", new_id_number(), "乐都区", "320205", "无锡某厂", future, "", ""],  # future date
        [
            "",
            new_id_number(),
            "",
            "320205",
            "无锡某厂",
            "2023-01-05",
            "",
            "",
        ],  # unknown person, no name/hukou
        ["新人甲", new_id_number(), "乐都区", "320205", "无锡某厂", "2023-01-05", "招聘会", "39"],  # good
        [
            "新人乙",
            new_id_number(),
            "乐都区",
            "乐都区",
            "乐都扶贫车间",
            "2023-01-06",
            "飞行",
            "",
        ],  # bad channel
    ]
    out = import_roster(kind="transfers", path=write_xlsx(tmp_path / "t.xlsx", HEADER, rows))
    assert (out.created, out.rejected) == (1, 5)
    by_row = {e.row: e for e in out.errors}
    assert (
        "身份证号" in by_row[2].message and "输入地" in by_row[3].message and "晚于今天" in by_row[4].message
    )
    assert "尚未登记" in by_row[5].message and "转移渠道" in by_row[7].message
    t = Transfer.objects.get()
    assert t.seeker.name == "新人甲" and t.seeker.source == Seeker.Source.IMPORT and t.channel == "fair"
    assert t.industry_id == "39" and TransferRollup.objects.get(dimension="industry").value == "C"


def test_same_transfer_twice_in_a_file_is_one_person_time(tmp_path):
    number = new_id_number()
    row = ["甲", number, "乐都区", "320205", "无锡某厂", "2023-01-05", "", ""]
    later = ["甲", number, "乐都区", "320205", "无锡某厂", "2023-03-05", "", ""]
    out = import_roster(kind="transfers", path=write_xlsx(tmp_path / "t.xlsx", HEADER, [row, row, later]))
    assert (out.created, out.rejected) == (2, 1) and "第2行" in out.errors[0].message
    year = selectors.panel("class_year", "630202", 202303)
    assert year["items"] == [{"code": "out_of_province", "name": "省外", "value": 2}]
    assert selectors._persons("630202", 2023) == 1  # one person, two person-times


def test_clerk_cannot_import_transfers_of_another_region(tmp_path):
    xining = UserFactory(region_id="630100")
    row = ["甲", new_id_number(), "乐都区", "320205", "无锡某厂", "2023-01-05", "", ""]
    out = import_roster(kind="transfers", path=write_xlsx(tmp_path / "t.xlsx", HEADER, [row]), actor=xining)
    assert out.rejected == 1 and "管辖范围" in out.errors[0].message
    assert not Transfer.objects.exists()


def test_rebuild_agrees_with_incremental_rollups_after_mixed_writes(tmp_path):
    from jobbridge.transfers import services
    from tests.factories import PostingFactory

    write_haidong_ledger(tmp_path / "h.xlsx", 234)
    import_roster(kind="transfers", path=tmp_path / "h.xlsx")
    seeker = SeekerFactory()
    services.transfer_from_hire(
        seeker=seeker, posting=PostingFactory(), hired_on=dt.date(2023, 1, 3), actor=None, application_id=1
    )
    t, _ = services.transfer_record(
        actor=None,
        seeker=seeker,
        destination="630202",
        employer_name="车间",
        transferred_on=dt.date(2023, 2, 1),
    )
    services.transfer_delete(actor=None, transfer=Transfer.objects.filter(source="import").first())
    before = sorted(TransferRollup.objects.values_list(*TransferRollup.KEY, "person_times"))
    people_before = sorted(TransferPerson.objects.values_list(*TransferPerson.KEY, "person_times"))
    direct = dict(Transfer.objects.order_by().values_list("move_class").annotate(n=Count("id")))
    result = rollups.rebuild()
    after = sorted(TransferRollup.objects.values_list(*TransferRollup.KEY, "person_times"))
    assert before == after and result["transfers"] == sum(direct.values())
    assert people_before == sorted(TransferPerson.objects.values_list(*TransferPerson.KEY, "person_times"))
    for dim in ("dest_province", "dest_city", "industry", "priority", "channel"):
        by_class = dict(
            TransferRollup.objects.filter(dimension=dim)
            .order_by()
            .values_list("move_class")
            .annotate(n=Sum("person_times"))
        )
        assert by_class == direct, dim
    persons = Transfer.objects.filter(transferred_on__year=2023).values("seeker_id").distinct().count()
    assert selectors._persons("630000", 2023) == persons > 0  # every origin lies in Qinghai

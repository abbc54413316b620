import pytest

from jobbridge.core.synthetic_ids import credit_code
from jobbridge.employers.models import Enterprise, Posting
from jobbridge.imports.services import import_roster
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

ENT_HEADER = ["单位名称", "统一社会信用代码", "行业", "所在地", "园区"]
POST_HEADER = ["单位统一社会信用代码", "岗位名称", "招聘人数", "工作地", "月薪下限", "月薪上限", "包住"]


def test_enterprises_create_update_unchanged_and_duplicates(roster, clerk):
    a, b = credit_code("320205", 901), credit_code("320205", 902)
    rows = [
        ["无锡甲电子", a, "39", "无锡市锡山区", "锡山开发区"],
        ["无锡乙纺织", b, "17", "320205", ""],
        ["重复", a, "39", "320205", ""],
        ["坏代码", a[:-1] + ("0" if a[-1] != "0" else "1"), "", "320205", ""],
    ]
    admin_out = import_roster(kind="enterprises", path=roster(rows, header=ENT_HEADER))
    assert (admin_out.created, admin_out.rejected) == (2, 2)
    assert (
        "与第2行是同一单位" in admin_out.errors[0].message
        and admin_out.errors[1].column == "统一社会信用代码"
    )
    assert Enterprise.objects.get(uscc=a).park.name == "锡山开发区"
    again = import_roster(kind="enterprises", path=roster(rows[:2], header=ENT_HEADER))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    rows[1][0] = "无锡乙纺织集团"
    changed = import_roster(kind="enterprises", path=roster(rows[:2], header=ENT_HEADER))
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert Enterprise.objects.get(uscc=b).name == "无锡乙纺织集团" and Enterprise.objects.count() == 2


def test_postings_keyed_by_enterprise_title_and_place(roster):
    enterprise = EnterpriseFactory()
    rows = [
        [enterprise.uscc, "普工", "30", "无锡市锡山区", "5000", "7000", "是"],
        [enterprise.uscc, "普工", "10", "无锡市锡山区", "", "", ""],
        [credit_code("320205", 999), "焊工", "5", "320205", "", "", ""],
        [enterprise.uscc, "质检员", "3", "320205", "8000", "6000", ""],
    ]
    out = import_roster(kind="postings", path=roster(rows, header=POST_HEADER))
    assert (out.created, out.rejected) == (1, 3)
    messages = " ".join(e.message for e in out.errors)
    assert (
        "第3行" in messages
        and "以第2行为准" in messages
        and "尚未登记" in messages
        and "月薪上限" in messages
    )
    posting = Posting.objects.get()
    assert (posting.headcount, posting.lodging, posting.work_region_id) == (30, True, "320205")
    assert import_roster(kind="postings", path=roster(rows[:1], header=POST_HEADER)).unchanged == 1
    rows[0][2] = "40"
    assert import_roster(kind="postings", path=roster(rows[:1], header=POST_HEADER)).updated == 1
    assert Posting.objects.get().headcount == 40

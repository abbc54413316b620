import pytest
from django.urls import reverse

from jobbridge.core.synthetic_ids import credit_code
from jobbridge.employers.models import Enterprise, HiringNeed, Posting, Visit

pytestmark = pytest.mark.django_db


def test_register_and_edit_enterprise(world, login):
    c = login(world.city_clerk)
    uscc = credit_code("630202", 777)
    response = c.post(
        reverse("enterprise_create"),
        {"name": "乐都服装厂", "uscc": uscc, "region": "乐都区", "industry": "18", "size": "small"},
    )
    e = Enterprise.objects.get(uscc=uscc)
    assert response.status_code == 302 and response.url == reverse("enterprise_detail", args=[e.pk])
    bad = c.post(reverse("enterprise_create"), {"name": "", "uscc": "123", "region": "乌有之乡"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "id_uscc_error" in html and "id_region_error" in html
    edit = c.post(
        reverse("enterprise_edit", args=[e.pk]),
        {"name": "乐都服装有限公司", "uscc": uscc, "region": "630202", "contact_name": "王经理"},
    )
    assert edit.status_code == 302
    e.refresh_from_db()
    assert (e.name, e.contact_name) == ("乐都服装有限公司", "王经理")


def test_posting_create_edit_close(world, login):
    c = login(world.recruiter)
    url = reverse("posting_create", args=[world.enterprise.pk])
    bad = c.post(
        url,
        {
            "title": "电焊工",
            "headcount": "10",
            "wage_min": "8000",
            "wage_max": "6000",
            "work_region": "无锡",
            "status": "open",
        },
    )
    assert "月薪上限" in bad.content.decode()
    ok = c.post(
        url,
        {
            "title": "电焊工",
            "headcount": "10",
            "wage_min": "6000",
            "wage_max": "8000",
            "work_region": "320205",
            "status": "open",
            "board": "on",
            "target_groups": ["disability"],
        },
    )
    p = Posting.objects.get(title="电焊工")
    assert ok.status_code == 302 and p.board and p.target_groups == ["disability"]
    assert (
        c.post(
            reverse("posting_edit", args=[p.pk]),
            {"title": "电焊工(熟练)", "headcount": "12", "work_region": "320205", "status": "open"},
        ).status_code
        == 302
    )
    p.refresh_from_db()
    assert (p.title, p.headcount) == ("电焊工(熟练)", 12)
    assert c.post(reverse("posting_close", args=[p.pk])).status_code == 302
    p.refresh_from_db()
    assert p.status == Posting.Status.CLOSED
    assert c.get(reverse("posting_detail", args=[p.pk])).status_code == 200


def test_commissioner_records_visit_with_needs(world, login):
    c = login(world.commissioner)
    # Commissioners see the enterprises in their grids' townships; put one there.
    e = world.haidong_enterprise
    e.region_id = world.grid.township_id
    e.save()
    url = reverse("visit_create", args=[e.pk])
    data = {
        "visited_on": "2024-02-20",
        "notes": "春节后用工缺口",
        "needs-TOTAL_FORMS": "3",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "20",
        "needs-0-title": "缝纫工",
        "needs-0-headcount": "30",
        "needs-1-title": "",
        "needs-1-headcount": "",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.visited_by == world.commissioner
    assert list(HiringNeed.objects.values_list("title", "headcount")) == [("缝纫工", 30)]
    data["needs-0-headcount"] = "0"
    assert c.post(url, data).status_code == 200  # refused, shown again with the error


def test_enterprise_list_search(world, login):
    c = login(world.admin)
    html = c.get(reverse("enterprise_list"), {"q": world.haidong_enterprise.uscc}).content.decode()
    assert world.haidong_enterprise.name in html and world.enterprise.name not in html
    html = c.get(reverse("posting_list"), {"status": "open", "region": "无锡"}).content.decode()
    assert world.posting.title in html

"""The commissioner's push list in a real browser: who to call about which new posts (priority
people first, with reasons), a wider window through the filter (HTMX), the phone revealed and a
call logged in place."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from tests.browser.test_placements import sign_in
from tests.factories import (
    LEDU_TOWN,
    DiagnosisFactory,
    EnterpriseFactory,
    GridFactory,
    PostingFactory,
    SeekerFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
WELDER = "6-18-02-04"


def test_commissioner_sees_people_to_call_about_new_posts(page, live_server):
    from jobbridge.employers.models import Posting
    from jobbridge.notifications.models import ContactLog

    grid = GridFactory(township_id=LEDU_TOWN)
    commissioner = UserFactory(username="comm", commissioner=True, display_name="王专员")
    commissioner.grids.add(grid)
    # They call the people of their grid (the phone permission, as the demo commissioner has).
    from django.contrib.auth.models import Permission

    commissioner.user_permissions.add(Permission.objects.get(codename="view_phone"))
    anywhere = {"accepts_anywhere": True, "expected_wage": 4000, "grid": grid}
    plain = SeekerFactory(name="张三", **anywhere)
    priority = SeekerFactory(name="李四", **anywhere)
    DiagnosisFactory(seeker=priority, criterion="disability")
    SeekerFactory(name="王已就业", employment_status="employed", **anywhere)
    SeekerFactory(name="别的网格", accepts_anywhere=True, grid=GridFactory(township_id=LEDU_TOWN))
    wuxi = EnterpriseFactory(region_id="320205", name="无锡焊接厂")
    PostingFactory(enterprise=wuxi, title="电焊工", occupation_id=WELDER, wage_min=6000, wage_max=6500)
    old = PostingFactory(enterprise=wuxi, title="老岗位装配工")
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    Posting.objects.filter(pk=old.pk).update(created_at=ten_days_ago, updated_at=ten_days_ago)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on(
        "console", lambda m: errors.append(f"console: {m.text} {m.location}") if m.type == "error" else None
    )
    base = live_server.url

    sign_in(page, base, "comm")
    page.goto(f"{base}/notifications/push-list/")
    rows = page.locator("#push-results table.pushlist tbody tr")
    rows.first.wait_for()
    names = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert names[0].startswith("李四") and "残疾人" in names[0]  # priority people first
    assert {n.split()[0].removesuffix("残疾人") for n in names} == {
        "李四",
        "张三",
    }  # not the employed, not elsewhere
    text = page.locator("#push-results").inner_text()
    assert "电焊工" in text and "老岗位装配工" not in text  # new posts only (last 3 days)
    assert "待就业求职者2人" in text
    assert rows.first.locator("ul.reasons li").count() > 0  # why this person, this post

    # A wider window: the filter reloads the list in place and the address bar keeps it.
    page.get_by_label("新岗位（最近几天发布或更新）").select_option("14")
    page.wait_for_url("**days=14**")
    page.locator("#push-results", has_text="老岗位装配工").wait_for()

    row = page.locator(f"tr[id^='push-{plain.pk}-']").first
    row.get_by_role("button", name="显示号码").click()
    row.locator(".revealed").wait_for()
    assert "*" not in row.locator(".revealed").inner_text()
    row.get_by_label("联系结果").select_option("interested")
    row.get_by_role("button", name="已电话联系").click()
    page.locator(f"tr[id^='push-{plain.pk}-'] .status-done").first.wait_for()
    assert "已电话联系（有意向）" in page.locator(f"tr[id^='push-{plain.pk}-']").first.inner_text()
    assert ContactLog.objects.get().contacted_by == commissioner
    assert not errors, errors

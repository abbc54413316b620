"""A clerk types a recruiter's title on the posting form, picks a suggestion, and corrects another."""

import os

import pytest

from jobbridge.core.models import OccupationAlias
from tests.browser.conftest import SCREENSHOT_DIR
from tests.factories import LEDU, PASSWORD, EnterpriseFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_clerk_picks_a_suggestion_and_saves_a_correction(page, live_server):
    clerk = UserFactory(username="clerk-titles", county_clerk=True)
    enterprise = EnterpriseFactory(region_id=LEDU, name="乐都捉鸭记餐厅")
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/enterprises/{enterprise.pk}/postings/new/")
    page.get_by_label("岗位名称").fill("急招叉车司机月薪8000")
    picks = page.locator("#jt-suggestions .jt-pick")
    picks.first.wait_for()
    assert picks.count() == 5
    assert "起重装卸机械操作工" in page.locator("#jt-suggestions li").first.inner_text()
    picks.first.click()
    assert page.get_by_label("职业").input_value() == "6-30-05-01"
    page.screenshot(path=str(SCREENSHOT_DIR / "jobbridge-title-suggestions.png"))

    # A title the coder gets wrong: the clerk types the right code and has it remembered.
    page.get_by_label("岗位名称").fill("小蜜蜂")
    page.locator("#jt-suggestions", has_text="“小蜜蜂”").wait_for()
    page.get_by_label("职业").fill("4-01-02-03")
    page.get_by_role("button", name="记住这个纠正").click()
    page.get_by_text("已记住").wait_for()
    assert OccupationAlias.objects.filter(alias="小蜜蜂", occupation_id="4-01-02-03").exists()

    page.get_by_label("岗位名称").fill("急招小蜜蜂")  # the next time, even with noise around it
    page.locator("#jt-suggestions", has_text="“急招小蜜蜂”").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#jt-suggestions .jt-pick').dataset.code === '4-01-02-03'"
    )

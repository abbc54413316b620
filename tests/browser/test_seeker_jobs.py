"""A job seeker on a small phone signs in, opens "jobs for you", reads why, and taps "I'm interested"."""

import os

import pytest

from jobbridge.placements.models import Application
from tests.browser.conftest import SCREENSHOT_DIR
from tests.factories import PASSWORD, EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
WELDER = "6-18-02-04"


def test_seeker_taps_interested_on_a_phone(browser, live_server):
    user = UserFactory(username="13997001234", seeker=True)
    seeker = SeekerFactory(name="马青松", user=user, expected_wage=5000)
    seeker.desired_occupations.set([WELDER])
    seeker.desired_regions.set(["320200"])
    posting = PostingFactory(
        enterprise=EnterpriseFactory(region_id="320205", name="无锡焊接甲公司"),
        title="电焊工",
        occupation_id=WELDER,
        wage_max=6500,
        board=True,
        lodging=True,
    )

    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(f"{base}/login/")
        page.get_by_label("用户名").fill("13997001234")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/me/")
        page.get_by_role("link", name="为你推荐的岗位").click()
        page.wait_for_url(f"{base}/matching/for-me/")

        card = page.locator(f"#job-{posting.pk}")
        text = card.inner_text()
        assert "电焊工" in text and "无锡焊接甲公司" in text
        assert (
            "同一职业：焊工" in text
            and "月薪6,500 ≥ 期望5,000" in text
            and "无锡市在您的意向工作地内" in text
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
        page.screenshot(path=str(SCREENSHOT_DIR / "jobbridge-jobs-for-you.png"), full_page=False)

        page.evaluate("window.__marker = 'same page'")  # survives only if nothing reloads
        card.get_by_role("button", name="我感兴趣").tap()
        card.get_by_text("已表达意向").wait_for()
        assert page.evaluate("window.__marker") == "same page"  # HTMX swapped the card's button in place
        assert card.get_by_role("button", name="我感兴趣").count() == 0
        app = Application.objects.get(seeker=seeker, posting=posting)
        assert (app.source, app.state) == ("seeker", "intention")

        page.reload()  # recorded, not just drawn
        page.locator(f"#job-{posting.pk}").get_by_text("已表达意向").wait_for()
    finally:
        context.close()

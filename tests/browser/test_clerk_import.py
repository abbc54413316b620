"""A clerk imports a small roster in a real browser and finds the person in the seeker list."""

import os

import pytest
import xlsxwriter

from tests.browser.conftest import SCREENSHOT_DIR
from tests.factories import PASSWORD, UserFactory, new_id_number

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The live server needs committed data, so these tests are transactional; ``reference_data``
# (conftest) puts back the divisions and occupations that the flush between tests removes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def roster(path, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("求职者")
    sheet.write_row(0, 0, ["姓名", "身份证号", "手机号", "户籍地", "学历", "意向工作地"])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)  # text cells: an ID number must not become a float
    book.close()
    return path


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_clerk_imports_roster_and_finds_person(page, live_server, tmp_path):
    UserFactory(username="clerk", region_id="630200", display_name="海东市就业局")
    file = roster(
        tmp_path / "花名册.xlsx",
        [
            ["马青松", new_id_number("632123"), "13997001234", "乐都区", "高中", "无锡"],
            ["韩春梅", new_id_number("632123"), "13997005678", "平安区", "初中", "不限"],
        ],
    )
    base = live_server.url
    sign_in(page, base, "clerk")
    page.get_by_role("link", name="导入").first.click()
    page.wait_for_url(f"{base}/imports/")
    page.get_by_role("link", name="上传花名册").click()
    page.get_by_label("导入内容").select_option("seekers")
    page.get_by_label("花名册文件").set_input_files(str(file))
    page.get_by_role("button", name="开始导入").click()
    progress = page.locator("#import-progress")
    progress.locator(".status-done").wait_for()
    assert "新增2" in progress.inner_text()

    page.get_by_role("link", name="求职者").first.click()
    page.get_by_label("搜索").fill("马青松")
    # HTMX swaps the results in without a page load; the other imported person drops out.
    results = page.locator("#seeker-results")
    results.get_by_role("link", name="马青松").wait_for()
    page.wait_for_function("() => !document.querySelector('#seeker-results').innerText.includes('韩春梅')")
    assert "q=" in page.url  # hx-push-url keeps the filter in the address bar
    results.get_by_role("link", name="马青松").click()
    assert "139****1234" in page.locator("main").inner_text()

    page.get_by_role("link", name="工作台").click()
    page.wait_for_selector("#priority-chart canvas")  # ECharts drew the bar chart
    assert page.locator(".stat b").first.inner_text() == "2"
    page.screenshot(path=str(SCREENSHOT_DIR / "jobbridge-dashboard.png"), full_page=True)


def test_self_registration_on_a_small_phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/register/")
        page.screenshot(path=str(SCREENSHOT_DIR / "jobbridge-register-mobile.png"), full_page=False)
        # Nothing wider than the screen: no sideways scrolling on a cheap phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        button = page.get_by_role("button", name="提交登记").bounding_box()
        assert button["height"] >= 44  # a comfortable tap target
        page.get_by_label("姓名").fill("马小军")
        page.get_by_label("身份证号").fill("632123199001011230")  # wrong check digit
        page.get_by_label("手机号").fill("13909721234")
        page.get_by_label("户籍地").fill("乐都区")
        page.get_by_label("设置密码").fill("mima-12345")
        page.get_by_label("再次输入密码").fill("mima-12345")
        page.get_by_role("button", name="提交登记").click()
        assert "校验位" in page.locator("#id_id_number_error").inner_text()
        page.get_by_label("身份证号").fill(new_id_number("632123"))
        page.get_by_label("设置密码").fill("mima-12345")
        page.get_by_label("再次输入密码").fill("mima-12345")
        page.get_by_role("button", name="提交登记").click()
        page.wait_for_load_state()
        assert page.url == f"{live_server.url}/me/", page.locator("main").inner_text()
        assert "139****1234" in page.locator("main").inner_text()
    finally:
        context.close()

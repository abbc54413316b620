"""Return-to-work tracking in a real browser: a commissioner records a trip home in the quick
list (HTMX swaps the row in place), and the report draws its ECharts and drills down."""

import os

import pytest

from tests.browser.test_clerk_import import sign_in
from tests.factories import GridFactory, SeekerFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_commissioner_records_then_report_draws_and_drills(page, live_server):
    from jobbridge.returns.models import Homecoming
    from jobbridge.returns.seasons import season_get

    season_get("2026")
    grid = GridFactory()
    commissioner = UserFactory(username="comm", commissioner=True)
    commissioner.grids.add(grid)
    seeker = SeekerFactory(name="马青松", grid=grid)
    UserFactory(username="clerk", region_id="630200")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url

    sign_in(page, base, "comm")
    page.goto(f"{base}/returns/entry/?season=2026")
    row = page.locator(f"#entry-{seeker.pk}")
    row.get_by_label("节前务工地").fill("东莞市")
    row.get_by_label("返乡日期").fill("2026-02-05")
    row.get_by_label("返岗日期").fill("2026-02-03")  # before going home: refused next to the field
    row.get_by_role("button", name="保存").click()
    page.locator(f"#entry-{seeker.pk} .errorlist").wait_for()
    assert "早于返乡日期" in page.locator(f"#entry-{seeker.pk}").inner_text()
    row = page.locator(f"#entry-{seeker.pk}")
    row.get_by_label("返岗日期").fill("2026-02-26")
    row.get_by_role("button", name="保存").click()
    page.get_by_text("已登记").wait_for()
    assert page.url.endswith("/returns/entry/?season=2026")  # swapped in place, no navigation
    assert Homecoming.objects.get().status == "returned"

    page.context.clear_cookies()
    sign_in(page, base, "clerk")
    page.goto(f"{base}/returns/?season=2026")
    for chart in ("chart-class", "chart-daily", "chart-origin", "chart-destination"):
        page.locator(f"#{chart} canvas").first.wait_for()
    assert "100.0%" in page.locator(".stats").inner_text()
    page.get_by_role("link", name="乐都区").first.click()
    page.wait_for_url("**region=630202**")
    page.locator("#chart-origin canvas").first.wait_for()

    # Embedded as the transfers dashboard does, in a page that has not loaded ECharts itself.
    page.goto(f"{base}/returns/entry/?season=2026")
    assert page.evaluate("typeof window.echarts") == "undefined"
    page.evaluate("""() => {
        const host = document.createElement("section");
        host.className = "card"; host.id = "returns-panel";
        host.setAttribute("hx-get", "/returns/panel/?region=630200&season=2026");
        host.setAttribute("hx-trigger", "load");
        document.querySelector("main").appendChild(host);
        htmx.process(host);
    }""")
    page.locator("#returns-panel .returns-panel-chart canvas").first.wait_for()
    assert "100.0%" in page.locator("#returns-panel").inner_text()
    assert page.locator("#returns-panel").count() == 1
    assert errors == []

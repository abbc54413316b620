"""The regional transfers dashboard in a real browser: the ECharts panels draw (no script errors),
the embedded placements panel shows the month's hire from its rollup, drilling down from the
city to a county changes the figures, and the monthly report shows the rollup's figures."""

import datetime as dt
import os

import pytest

from tests.browser.test_placements import sign_in
from tests.factories import LEDU, EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
HAIDONG, MONTH = "630200", "2023-01"


def figure(page, label: str) -> str:
    return page.locator(".stat", has_text=label).first.locator("b").inner_text()


def test_dashboard_draws_drills_down_and_the_report_agrees(page, live_server, tmp_path):
    from jobbridge.imports.services import import_roster
    from jobbridge.placements.services import application_create, application_move
    from jobbridge.transfers import selectors
    from jobbridge.transfers.scenario import write_haidong_ledger

    write_haidong_ledger(tmp_path / "ledger.xlsx", 117)
    assert import_roster(kind="transfers", path=tmp_path / "ledger.xlsx").created == 117
    # One hire through the pipeline in the same month: a ledger row and the placements panel's hire.
    admin = UserFactory(admin=True)
    seeker = SeekerFactory(name="马青松", hukou_region_id=LEDU + "001")
    posting = PostingFactory(enterprise=EnterpriseFactory(region_id="320205", name="无锡精工公司"))
    app = application_create(
        seeker=seeker, posting=posting, actor=admin, source="commissioner", consent_note="同意"
    )
    for state in ("contacted", "interview", "offer"):
        app = application_move(application=app, actor=admin, to_state=state)
    application_move(application=app, actor=admin, to_state="hired", on=dt.date(2023, 1, 20))
    city = selectors.monthly_report(HAIDONG, 202301)
    county = selectors.monthly_report(LEDU, 202301)
    assert city.person_times == 118 and 0 < county.person_times < city.person_times

    UserFactory(username="clerk", region_id="630000")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on(
        "console", lambda m: errors.append(f"console: {m.text} {m.location}") if m.type == "error" else None
    )
    page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    base = live_server.url
    sign_in(page, base, "clerk")
    page.goto(f"{base}/transfers/dashboard/?region={HAIDONG}&month={MONTH}")
    for chart in ("chart-class_month", "chart-dest_province", "chart-children", "chart-sankey", "chart-map"):
        page.locator(f"#{chart} canvas, #{chart} svg").first.wait_for()
    placements = page.locator("#placements-panel")
    placements.locator(f"#pl-{HAIDONG}-{MONTH}-states canvas").wait_for()
    assert placements.locator(".stat", has_text="本月录用").locator("b").inner_text() == "1"
    page.locator("#returns-panel [data-returns-panel]").wait_for()
    assert figure(page, "本月转移（人次）") == "118"
    assert figure(page, "省外") == f"{city.by_class['out_of_province']:,}"

    # Drill down: the county's row in the children panel (the bar chart's click does the same).
    page.locator("#panel-children").get_by_role("link", name="乐都区").click()
    page.wait_for_url(f"**region={LEDU}**")
    page.locator("#chart-dest_province canvas").first.wait_for()
    assert figure(page, "本月转移（人次）") == f"{county.person_times:,}"
    assert figure(page, "就近就地") == f"{county.by_class['nearby']:,}"
    assert "乐都区" in page.locator("nav[aria-label='地区层级']").inner_text()
    page.locator(f"#pl-{LEDU}-{MONTH}-states canvas").wait_for()  # the placements panel follows

    page.get_by_role("link", name="月报").click()
    page.wait_for_url(f"**/transfers/report/?region={LEDU}**")
    sentence = page.locator("#report-sentence").inner_text()
    assert f"{county.person_times}人次" in sentence
    total = page.locator("#report-table tr.total td").all_inner_texts()
    assert total[1:5] == [
        str(county.person_times),
        str(county.by_class["out_of_province"]),
        str(county.by_class["within_province"]),
        str(county.by_class["nearby"]),
    ]
    assert not errors, errors
